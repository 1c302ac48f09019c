//! The text vectoriser on the real SMS texts (`rlab data fetch sms-spam` first): fitting the
//! vocabulary, fit_transform, and TF-IDF vectors of every message with a fitted one. scikit-learn's
//! TfidfVectorizer on the same texts is timed by bench/compare.sh (section "text").
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rlab::{
    data::{builtin, store},
    text::{Vectorizer, VectorizerConfig},
};

fn vectorizer(c: &mut Criterion) {
    let b = builtin::builtin("sms-spam").expect("sms-spam is built in");
    let texts = match store::require(b).and_then(|dir| builtin::load_sms(&dir)) {
        Ok(set) => set.texts,
        Err(e) => {
            eprintln!("vectorizer bench skipped: {e}");
            return;
        }
    };
    let mut g = c.benchmark_group("vectorizer_sms");
    g.sample_size(20);
    g.throughput(Throughput::Elements(texts.len() as u64));
    for n in [1, 2] {
        let cfg = VectorizerConfig { ngram_range: [1, n], ..VectorizerConfig::sklearn() };
        g.bench_function(format!("fit_ngram_1_{n}"), |bch| bch.iter(|| Vectorizer::fit(&texts, &cfg).unwrap()));
        g.bench_function(format!("fit_transform_tfidf_ngram_1_{n}"), |bch| {
            bch.iter(|| Vectorizer::fit_transform_tfidf(&texts, &cfg).unwrap())
        });
        let v = Vectorizer::fit(&texts, &cfg).unwrap();
        g.bench_function(format!("tfidf_transform_ngram_1_{n}"), |bch| {
            bch.iter(|| texts.iter().map(|t| v.tfidf(t).len()).sum::<usize>())
        });
    }
    g.finish();
}

criterion_group!(benches, vectorizer);
criterion_main!(benches);
