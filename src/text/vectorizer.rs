//! The fitted vectoriser: vocabulary plus settings, and the four output forms.

use serde::{Deserialize, Serialize};

use super::{
    vocab::{choose_vocabulary, count_terms, DocTerms, TermIndex},
    tokenize::ngrams,
    Scratch, Side, TextError, Tokenizer, VectorizerConfig,
};

/// A sparse vector: `(column, value)` pairs sorted by column.
pub type SparseRow = Vec<(usize, f64)>;

/// Sequence id of padding.
pub const PAD: i64 = 0;
/// Sequence id of a word outside the vocabulary. Term `i` (sorted order) has id `i + 2`.
pub const OOV: i64 = 1;

/// What is saved with a model: settings, the corpus size and each term's document frequency
/// (enough to rebuild the index and the idf weights exactly).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    config: VectorizerConfig,
    n_docs: usize,
    terms: Vec<String>,
    df: Vec<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "Saved", into = "Saved")]
pub struct Vectorizer {
    config: VectorizerConfig,
    tokenizer: Tokenizer,
    n_docs: usize,
    terms: Vec<String>,
    df: Vec<u64>,
    index: TermIndex,
}

impl TryFrom<Saved> for Vectorizer {
    type Error = String;
    fn try_from(s: Saved) -> Result<Self, String> {
        if s.terms.len() != s.df.len() {
            return Err(format!("vectorizer: {} terms but {} document frequencies", s.terms.len(), s.df.len()));
        }
        s.config.validate().map_err(|e| e.to_string())?;
        Ok(Vectorizer::from_parts(s.config, s.n_docs, s.terms, s.df))
    }
}

impl From<Vectorizer> for Saved {
    fn from(v: Vectorizer) -> Self {
        Saved { config: v.config, n_docs: v.n_docs, terms: v.terms, df: v.df }
    }
}

impl Vectorizer {
    /// Fits the vocabulary on `texts`.
    pub fn fit<S: AsRef<str>>(texts: &[S], config: &VectorizerConfig) -> Result<Self, TextError> {
        Ok(Self::fit_counted(texts, config, false)?.0)
    }

    /// Fits on `texts` and returns the TF-IDF row of each, as [`Vectorizer::tfidf`] would, from
    /// the one tokenising pass that fitting makes (scikit-learn's `fit_transform`).
    pub fn fit_transform_tfidf<S: AsRef<str>>(texts: &[S], config: &VectorizerConfig) -> Result<(Self, Vec<SparseRow>), TextError> {
        let (v, docs, column) = Self::fit_counted(texts, config, true)?;
        let docs = docs.expect("documents were kept");
        let mut columns = Vec::new();
        let rows = docs
            .starts
            .windows(2)
            .map(|w| {
                columns.clear();
                columns.extend(docs.terms[w[0]..w[1]].iter().map(|&t| column[t as usize]).filter(|&col| col != TermIndex::NONE));
                v.weighted(&mut columns)
            })
            .collect();
        Ok((v, rows))
    }

    /// The fitted vectoriser, each document's term ids if `keep_docs`, and term id → column.
    fn fit_counted<S: AsRef<str>>(texts: &[S], config: &VectorizerConfig, keep_docs: bool) -> Result<(Self, Option<DocTerms>, Vec<usize>), TextError> {
        config.validate()?;
        let tokenizer = Tokenizer::from(config);
        let (counted, docs) = count_terms(texts, &tokenizer, keep_docs);
        let vocab = choose_vocabulary(counted, texts.len(), config)?;
        let df = vocab.stats.iter().map(|s| s.df).collect();
        let v = Vectorizer { config: config.clone(), tokenizer, n_docs: texts.len(), terms: vocab.terms, df, index: vocab.index };
        Ok((v, docs, vocab.column_of_term))
    }

    fn from_parts(config: VectorizerConfig, n_docs: usize, terms: Vec<String>, df: Vec<u64>) -> Self {
        let index = TermIndex::from_terms(&terms);
        Vectorizer { tokenizer: Tokenizer::from(&config), config, n_docs, terms, df, index }
    }

    pub fn config(&self) -> &VectorizerConfig {
        &self.config
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The vocabulary in index order (sorted, as scikit-learn's `get_feature_names_out`).
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Columns of the count / TF-IDF / one-hot outputs.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Rows an embedding needs for [`Vectorizer::sequence`] ids (the terms, padding and OOV).
    pub fn sequence_vocab_size(&self) -> usize {
        self.terms.len() + 2
    }

    /// The column of a term (a word, or words joined by one space).
    pub fn index_of(&self, term: &str) -> Option<usize> {
        self.index.value(term)
    }

    /// Each word of `text` as its id in the index ([`TermIndex::UNKNOWN`] if it holds none).
    fn word_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.tokenizer.for_each_word(text, &mut Scratch::default(), |w| ids.push(self.index.word_id(w)));
        ids
    }

    /// Smoothed idf of term `i`: ln((1 + n) / (1 + df)) + 1.
    pub fn idf(&self, i: usize) -> f64 {
        ((1.0 + self.n_docs as f64) / (1.0 + self.df[i] as f64)).ln() + 1.0
    }

    /// Term counts as sparse `(column, count)` pairs, sorted by column.
    pub fn counts(&self, text: &str) -> Vec<(usize, f64)> {
        count_columns(&mut self.columns(text))
    }

    /// The column of every term occurrence in `text`, in no particular order.
    fn columns(&self, text: &str) -> Vec<usize> {
        let mut columns = Vec::new();
        ngrams(&self.word_ids(text), self.config.ngram_range, |gram| columns.extend(self.index.lookup(gram)));
        columns
    }

    /// Counts times idf, scaled to unit L2 norm (a text with no known term stays all zero).
    pub fn tfidf(&self, text: &str) -> Vec<(usize, f64)> {
        self.weighted(&mut self.columns(text))
    }

    /// TF-IDF of a text's term columns.
    fn weighted(&self, columns: &mut [usize]) -> Vec<(usize, f64)> {
        let mut v = count_columns(columns);
        v.iter_mut().for_each(|p| p.1 *= self.idf(p.0));
        let norm = v.iter().map(|p| p.1 * p.1).sum::<f64>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|p| p.1 /= norm);
        }
        v
    }

    /// 1 for each vocabulary term present (scikit-learn's `binary=True`; Keras' multi-hot).
    pub fn onehot(&self, text: &str) -> Vec<(usize, f64)> {
        self.counts(text).into_iter().map(|(i, _)| (i, 1.0)).collect()
    }

    /// A sparse row as a dense vector of [`Vectorizer::len`] values.
    pub fn dense(&self, sparse: &[(usize, f64)]) -> Vec<f32> {
        let mut d = vec![0f32; self.len()];
        for &(i, v) in sparse {
            d[i] = v as f32;
        }
        d
    }

    /// The words as ids (term `i` → `i + 2`, unknown → [`OOV`]), cut to `max_len` at the
    /// truncation side and filled with [`PAD`] at the padding side.
    pub fn sequence(&self, text: &str) -> Vec<i64> {
        let ids: Vec<i64> = self
            .word_ids(text)
            .into_iter()
            .map(|w| self.index.lookup(&[w]).map_or(OOV, |i| i as i64 + 2))
            .collect();
        let n = self.config.max_len;
        let kept: &[i64] = if ids.len() <= n {
            &ids
        } else {
            match self.config.truncation {
                Side::Pre => &ids[ids.len() - n..],
                Side::Post => &ids[..n],
            }
        };
        let pad = vec![PAD; n - kept.len()];
        match self.config.padding {
            Side::Pre => [pad.as_slice(), kept].concat(),
            Side::Post => [kept, pad.as_slice()].concat(),
        }
    }
}

/// `(column, count)` pairs sorted by column, from each occurrence's column.
fn count_columns(columns: &mut [usize]) -> Vec<(usize, f64)> {
    columns.sort_unstable();
    let mut v: Vec<(usize, f64)> = Vec::with_capacity(columns.len());
    for &i in columns.iter() {
        match v.last_mut() {
            Some((j, c)) if *j == i => *c += 1.0,
            _ => v.push((i, 1.0)),
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fitted(texts: &[&str], config: VectorizerConfig) -> Vectorizer {
        Vectorizer::fit(texts, &config).unwrap()
    }

    #[test]
    fn counts_and_tfidf_match_sklearn_by_hand() {
        let v = fitted(&["the cat sat", "the dog sat down", "cats!"], VectorizerConfig::sklearn());
        assert_eq!(v.terms(), ["cat", "cats", "dog", "down", "sat", "the"]);
        assert_eq!(v.counts("The cat, the CAT; a bird"), vec![(0, 2.0), (5, 2.0)]);
        // idf(the) = ln(4/3) + 1, idf(cat) = ln(4/2) + 1; both counts 2.
        let (a, b) = ((4f64 / 3.0).ln() + 1.0, 2f64.ln() + 1.0);
        let t = v.tfidf("the cat the cat");
        let norm = (a * a + b * b).sqrt();
        assert!((t[0].1 - b / norm).abs() < 1e-12 && (t[1].1 - a / norm).abs() < 1e-12, "{t:?}");
        assert!(v.tfidf("unknown words").is_empty());
        assert_eq!(v.onehot("cat cat dog"), vec![(0, 1.0), (2, 1.0)]);
        assert_eq!(v.dense(&v.onehot("sat")), vec![0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn fit_transform_equals_fit_then_transform() {
        let texts = ["the cat sat", "the dog sat down", "cats!", "", "the the cat dog"];
        for cfg in [
            VectorizerConfig::sklearn(),
            VectorizerConfig { ngram_range: [1, 2], min_df: crate::text::DfBound::Count(2), ..VectorizerConfig::sklearn() },
            VectorizerConfig { ngram_range: [2, 3], max_features: Some(3), ..VectorizerConfig::sklearn() },
        ] {
            let (v, rows) = Vectorizer::fit_transform_tfidf(&texts, &cfg).unwrap();
            let w = fitted(&texts, cfg);
            assert_eq!(v.terms(), w.terms());
            let expected: Vec<_> = texts.iter().map(|t| w.tfidf(t)).collect();
            assert_eq!(rows, expected);
        }
    }

    #[test]
    fn sequences_pad_and_truncate_on_the_chosen_side() {
        let mut cfg = VectorizerConfig { max_len: 4, ..VectorizerConfig::sklearn() };
        let v = fitted(&["aa bb cc dd ee"], cfg.clone());
        // aa=2, bb=3, cc=4, dd=5, ee=6; zz unknown.
        assert_eq!(v.sequence("aa zz"), vec![PAD, PAD, 2, OOV]);
        assert_eq!(v.sequence("aa bb cc dd ee"), vec![2, 3, 4, 5]);
        cfg.padding = Side::Post;
        cfg.truncation = Side::Pre;
        let v = fitted(&["aa bb cc dd ee"], cfg);
        assert_eq!(v.sequence("aa zz"), vec![2, OOV, PAD, PAD]);
        assert_eq!(v.sequence("aa bb cc dd ee"), vec![3, 4, 5, 6]);
        assert_eq!(v.sequence(""), vec![PAD; 4]);
        assert_eq!(v.sequence_vocab_size(), 7);
    }

    #[test]
    fn saved_and_loaded_vectorizer_is_the_same() {
        let v = fitted(&["the cat sat", "the dog"], VectorizerConfig { ngram_range: [1, 2], ..Default::default() });
        let json = serde_json::to_string(&v).unwrap();
        let w: Vectorizer = serde_json::from_str(&json).unwrap();
        assert_eq!(w.terms(), v.terms());
        assert_eq!(w.tfidf("the cat"), v.tfidf("the cat"));
        assert!(serde_json::from_str::<Vectorizer>(&json.replace("\"df\":[", "\"df\":[9,")).is_err());
    }
}
