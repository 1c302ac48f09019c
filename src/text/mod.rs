//! Text vectorisation with scikit-learn's semantics (`CountVectorizer` / `TfidfVectorizer`) and
//! Keras-style integer sequences for embedding models. Pure Rust over strings, no tensors.
//!
//! - [`Tokenizer`]: lowercasing, punctuation stripping and word n-grams.
//! - [`Vectorizer`]: fits a vocabulary (size, min/max document frequency, n-gram range) and turns
//!   a text into counts, TF-IDF (L2-normalised), one-hot (presence) or a padded id sequence.

mod config;
mod tokenize;
mod vectorizer;
mod vocab;

pub use config::{DfBound, Side, VectorizerConfig};
pub use tokenize::{Scratch, Tokenizer};
pub use vectorizer::{Vectorizer, OOV, PAD};
pub use vocab::TermStats;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TextError {
    #[error("{0}")]
    Config(String),
    #[error("empty vocabulary: the documents hold no tokens (are they all empty or punctuation?)")]
    EmptyVocabulary,
    #[error("after pruning, no terms remain: lower min_df or raise max_df")]
    NothingLeft,
    #[error("max_df corresponds to fewer documents ({max}) than min_df ({min})")]
    DfOrder { min: f64, max: f64 },
}
