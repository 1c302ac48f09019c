//! The vectoriser's settings (saved with a model, so every field has a serde default).

use serde::{Deserialize, Serialize};

use super::TextError;

/// A document-frequency bound as scikit-learn reads it: an integer counts documents, a float is a
/// proportion of the documents (not rounded).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DfBound {
    Count(u64),
    Proportion(f64),
}

impl DfBound {
    /// The bound in documents for a corpus of `n_docs`.
    pub fn documents(self, n_docs: usize) -> f64 {
        match self {
            DfBound::Count(c) => c as f64,
            DfBound::Proportion(p) => p * n_docs as f64,
        }
    }

    fn validate(self, name: &str) -> Result<(), TextError> {
        match self {
            DfBound::Proportion(p) if !(0.0..=1.0).contains(&p) => {
                Err(TextError::Config(format!("{name} as a proportion must lie in [0, 1], got {p} (an integer counts documents)")))
            }
            _ => Ok(()),
        }
    }
}

/// Which end of a sequence padding or truncation applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Pre,
    Post,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VectorizerConfig {
    /// Keep at most this many terms, the most frequent over the corpus (ties: term order).
    /// Absent = keep all. Sequence ids add two more: 0 = padding, 1 = out-of-vocabulary.
    pub max_features: Option<usize>,
    /// Smallest and largest n in the word n-grams (bag outputs only; sequences use single words).
    pub ngram_range: [usize; 2],
    /// Drop terms in fewer documents than this (integer = documents, float = proportion).
    pub min_df: DfBound,
    /// Drop terms in more documents than this (integer = documents, float = proportion).
    pub max_df: DfBound,
    /// Lowercase before tokenising.
    pub lowercase: bool,
    /// Tokens are runs of letters, digits and `_` (scikit-learn's token pattern): punctuation
    /// separates tokens and is dropped. false = tokens are whitespace-separated chunks as they are.
    pub strip_punctuation: bool,
    /// Shortest token kept, in characters (scikit-learn's default pattern keeps 2 or more).
    pub min_token_chars: usize,
    /// Write every digit 0–9 as 0 before tokenising, so numbers of the same shape (phone numbers,
    /// short codes, prices) share one token. Not a scikit-learn option; off by default.
    pub normalize_digits: bool,
    /// Sequence length for embedding models.
    pub max_len: usize,
    /// Where padding goes. `pre` keeps the real words next to a recurrent model's final state.
    pub padding: Side,
    /// Which end of a long text is cut. `post` keeps the start of the message.
    pub truncation: Side,
}

/// The text models' defaults (measured on the SMS data): 4000 terms, one-character words kept
/// ("u", "2", "r" are frequent in texts), digits normalised, 48 ids (95% of messages are shorter).
impl Default for VectorizerConfig {
    fn default() -> Self {
        VectorizerConfig {
            max_features: Some(4000),
            ngram_range: [1, 1],
            min_df: DfBound::Count(1),
            max_df: DfBound::Proportion(1.0),
            lowercase: true,
            strip_punctuation: true,
            min_token_chars: 1,
            normalize_digits: true,
            max_len: 48,
            padding: Side::Pre,
            truncation: Side::Post,
        }
    }
}

impl VectorizerConfig {
    /// scikit-learn's `CountVectorizer()` defaults: every term, tokens of 2+ word characters,
    /// lowercase, unigrams, min_df 1, max_df 1.0, digits as they are.
    pub fn sklearn() -> Self {
        VectorizerConfig { max_features: None, min_token_chars: 2, normalize_digits: false, ..Default::default() }
    }

    pub fn validate(&self) -> Result<(), TextError> {
        let [lo, hi] = self.ngram_range;
        if lo == 0 || lo > hi {
            return Err(TextError::Config(format!("ngram_range [{lo}, {hi}] must satisfy 1 <= min <= max")));
        }
        if self.max_features == Some(0) {
            return Err(TextError::Config("max_features must be at least 1".into()));
        }
        if self.min_token_chars == 0 {
            return Err(TextError::Config("min_token_chars must be at least 1".into()));
        }
        if self.max_len == 0 || self.max_len > 1_000_000 {
            return Err(TextError::Config(format!("max_len must lie in [1, 1000000], got {}", self.max_len)));
        }
        self.min_df.validate("min_df")?;
        self.max_df.validate("max_df")?;
        // Bounds of the same kind can be compared before seeing the corpus.
        let order = match (self.min_df, self.max_df) {
            (DfBound::Count(a), DfBound::Count(b)) => Some((a as f64, b as f64)),
            (DfBound::Proportion(a), DfBound::Proportion(b)) => Some((a, b)),
            _ => None,
        };
        match order {
            Some((min, max)) if max < min => Err(TextError::DfOrder { min, max }),
            _ => Ok(()),
        }
    }
}
