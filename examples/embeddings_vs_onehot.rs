//! One-hot vectors against an embedding. A one-hot word is a vocabulary-sized vector with a
//! single 1; multiplying it by a weight matrix picks one row — which is exactly what an
//! embedding lookup does, without building the big sparse vector.
//!
//! cargo run --release --example embeddings_vs_onehot

use rlab::text::{Vectorizer, VectorizerConfig};
use tch::{nn, nn::Module, Device, Kind, Tensor};

fn main() {
    let corpus = ["free prize call now", "call me when you are home", "you won a free prize"];
    let cfg = VectorizerConfig { max_len: 8, ..VectorizerConfig::sklearn() };
    let v = Vectorizer::fit(&corpus, &cfg).unwrap();
    println!("vocabulary ({} words, ids from 2; 0 = padding, 1 = unknown): {:?}", v.len(), v.terms());
    let text = "call now to claim your prize";
    let ids = v.sequence(text);
    println!("'{text}' → ids {ids:?} (padded at the front to max_len {}; 'your' is unknown)", cfg.max_len);

    let vocab = v.sequence_vocab_size() as i64;
    let ids_t = Tensor::from_slice(&ids);
    let onehot = ids_t.one_hot(vocab).to_kind(Kind::Float);
    println!("one-hot: {:?} — {} numbers, {} of them non-zero", onehot.size(), onehot.numel(), onehot.sum(Kind::Float).int64_value(&[]));

    let vs = nn::VarStore::new(Device::Cpu);
    let dim = 4;
    let emb = nn::embedding(vs.root() / "emb", vocab, dim, Default::default());
    let looked_up = emb.forward(&ids_t);
    let multiplied = onehot.matmul(&emb.ws);
    println!("embedding: {:?} — {dim} dense numbers per word", looked_up.size());
    println!("one-hot × W equals the lookup: {}", looked_up.allclose(&multiplied, 1e-6, 1e-6, false));
    println!("parameters: embedding table {vocab}×{dim} = {}; a dense layer on one-hot input needs the same", vocab * dim);

    println!("\nbag-of-words views of the same text (sorted vocabulary columns):");
    println!("  counts  {:?}", v.dense(&v.counts(text)));
    println!("  one-hot {:?}", v.dense(&v.onehot(text)));
    let t: Vec<String> = v.dense(&v.tfidf(text)).iter().map(|x| format!("{x:.3}")).collect();
    println!("  tf-idf  [{}]", t.join(", "));
}
