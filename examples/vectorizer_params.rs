//! What each vectoriser parameter does, on a six-message corpus (scikit-learn semantics).
//!
//! cargo run --release --example vectorizer_params

use rlab::text::{DfBound, Side, Vectorizer, VectorizerConfig};

fn show(title: &str, corpus: &[&str], cfg: VectorizerConfig) {
    match Vectorizer::fit(corpus, &cfg) {
        Ok(v) => println!("{title:<44} {} terms: {:?}", v.len(), v.terms()),
        Err(e) => println!("{title:<44} error: {e}"),
    }
}

fn main() {
    let corpus = [
        "WIN a FREE prize now!",
        "Free entry: win cash now",
        "are you home now?",
        "I'll call you when I'm home",
        "win win win",
        "see you at home",
    ];
    let base = VectorizerConfig::sklearn();
    show("defaults (2+ letter words, lowercase)", &corpus, base.clone());
    show("min_token_chars = 1 (keeps 'a', 'i', 'll')", &corpus, VectorizerConfig { min_token_chars: 1, ..base.clone() });
    show("lowercase = false", &corpus, VectorizerConfig { lowercase: false, ..base.clone() });
    show("strip_punctuation = false (split on spaces)", &corpus, VectorizerConfig { strip_punctuation: false, ..base.clone() });
    show("min_df = 2 (in at least 2 messages)", &corpus, VectorizerConfig { min_df: DfBound::Count(2), ..base.clone() });
    show("max_df = 0.4 (in at most 40% = 2.4 messages)", &corpus, VectorizerConfig { max_df: DfBound::Proportion(0.4), ..base.clone() });
    show("max_features = 4 (most frequent overall)", &corpus, VectorizerConfig { max_features: Some(4), ..base.clone() });
    show("ngram_range = [2, 2] (word pairs), max_df 1", &corpus, VectorizerConfig { ngram_range: [2, 2], max_df: DfBound::Count(1), ..base.clone() });
    show("min_df = 3 with max_df = 2 (an error)", &corpus, VectorizerConfig { min_df: DfBound::Count(3), max_df: DfBound::Count(2), ..base.clone() });

    let v = Vectorizer::fit(&corpus, &VectorizerConfig { max_len: 6, ..base.clone() }).unwrap();
    let text = "win a free home now, win";
    println!("\n'{text}':");
    println!("  counts     {:?}", v.counts(text));
    let tfidf: Vec<String> = v.tfidf(text).iter().map(|(i, x)| format!("{}={x:.3}", v.terms()[*i])).collect();
    println!("  tf-idf     {} (rare words weigh more; unit length)", tfidf.join(" "));
    println!("  sequence   {:?} (padding pre, truncation post)", v.sequence(text));
    let post = Vectorizer::fit(&corpus, &VectorizerConfig { max_len: 3, padding: Side::Post, truncation: Side::Pre, ..base }).unwrap();
    println!("  max_len 3, truncation pre  {:?}; 'home' alone with padding post {:?}", post.sequence(text), post.sequence("home"));
}
