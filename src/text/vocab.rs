//! Fitting a vocabulary: document frequencies, the min/max_df filter, then the max_features cut.

use rustc_hash::FxHashMap;

use super::{Scratch, TextError, Tokenizer, VectorizerConfig};

/// How often a term occurs in the corpus it was fitted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermStats {
    /// Documents containing the term.
    pub df: u64,
    /// Occurrences over all documents.
    pub count: u64,
}

/// Every term of the corpus with its stats, in no particular order. One tokenising pass; a
/// term's string is stored once, when it is first seen.
pub fn count_terms<S: AsRef<str>>(texts: &[S], tokenizer: &Tokenizer) -> Vec<(String, TermStats)> {
    let mut ids: FxHashMap<String, usize> = FxHashMap::default();
    // Per term: its stats and the last document that counted towards its df.
    let mut stats: Vec<(TermStats, usize)> = Vec::new();
    let mut scratch = Scratch::default();
    for (d, text) in texts.iter().enumerate() {
        tokenizer.for_each_term(text.as_ref(), &mut scratch, |term| {
            let id = match ids.get(term) {
                Some(&id) => id,
                None => {
                    ids.insert(term.to_string(), stats.len());
                    stats.push((TermStats { df: 0, count: 0 }, usize::MAX));
                    stats.len() - 1
                }
            };
            let (s, last) = &mut stats[id];
            s.count += 1;
            if *last != d {
                *last = d;
                s.df += 1;
            }
        });
    }
    ids.into_iter().map(|(t, id)| (t, stats[id].0)).collect()
}

/// Chooses the vocabulary from the corpus's term stats, as scikit-learn's `CountVectorizer.fit`:
/// keep terms with `min_df <= df <= max_df`, then, if more than `max_features` remain, the ones
/// with the highest total count. scikit-learn leaves ties at that cut to numpy's unstable sort;
/// here the count ties go to the term that sorts first, so the result is deterministic.
/// Returns the kept terms in sorted order (their index is their position) with their stats.
pub fn choose_vocabulary(
    stats: Vec<(String, TermStats)>,
    n_docs: usize,
    config: &VectorizerConfig,
) -> Result<Vec<(String, TermStats)>, TextError> {
    if stats.is_empty() {
        return Err(TextError::EmptyVocabulary);
    }
    let (min, max) = (config.min_df.documents(n_docs), config.max_df.documents(n_docs));
    if max < min {
        return Err(TextError::DfOrder { min, max });
    }
    let mut kept: Vec<(String, TermStats)> =
        stats.into_iter().filter(|(_, s)| (s.df as f64) >= min && (s.df as f64) <= max).collect();
    if kept.is_empty() {
        return Err(TextError::NothingLeft);
    }
    if let Some(limit) = config.max_features {
        if kept.len() > limit {
            kept.sort_unstable_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(limit);
        }
    }
    kept.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::DfBound;

    /// Whitespace-separated documents, counted as the vectoriser does.
    fn docs(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn fit_vocabulary(docs: &[String], config: &VectorizerConfig) -> Result<Vec<(String, TermStats)>, TextError> {
        let words = Tokenizer { strip_punctuation: false, min_token_chars: 1, ..Tokenizer::from(config) };
        choose_vocabulary(count_terms(docs, &words), docs.len(), config)
    }

    fn terms(v: &[(String, TermStats)]) -> Vec<&str> {
        v.iter().map(|(t, _)| t.as_str()).collect()
    }

    #[test]
    fn df_bounds_count_or_proportion() {
        let d = docs(&["aa bb cc", "aa bb", "aa dd", "aa"]);
        let cfg = |min, max| VectorizerConfig { min_df: min, max_df: max, ..VectorizerConfig::sklearn() };
        // min_df 2 documents: aa (4), bb (2).
        assert_eq!(terms(&fit_vocabulary(&d, &cfg(DfBound::Count(2), DfBound::Proportion(1.0))).unwrap()), ["aa", "bb"]);
        // max_df 0.5 of 4 documents = 2.0: aa (df 4) goes.
        assert_eq!(terms(&fit_vocabulary(&d, &cfg(DfBound::Count(1), DfBound::Proportion(0.5))).unwrap()), ["bb", "cc", "dd"]);
        // min_df 0.3 of 4 = 1.2 (not rounded): df 1 terms go.
        assert_eq!(terms(&fit_vocabulary(&d, &cfg(DfBound::Proportion(0.3), DfBound::Proportion(1.0))).unwrap()), ["aa", "bb"]);
        // max_df 1 (an integer: one document).
        assert_eq!(terms(&fit_vocabulary(&d, &cfg(DfBound::Count(1), DfBound::Count(1))).unwrap()), ["cc", "dd"]);
        assert!(matches!(fit_vocabulary(&d, &cfg(DfBound::Count(3), DfBound::Count(2))), Err(TextError::DfOrder { .. })));
        assert_eq!(fit_vocabulary(&d, &cfg(DfBound::Count(5), DfBound::Count(9))), Err(TextError::NothingLeft));
        assert_eq!(fit_vocabulary(&docs(&["", ""]), &VectorizerConfig::sklearn()), Err(TextError::EmptyVocabulary));
    }

    #[test]
    fn max_features_ranks_by_total_count_and_breaks_ties_by_term() {
        // Counts: zz 3 (one document), aa 2, bb 2, cc 2, dd 1.
        let d = docs(&["zz zz zz", "aa bb cc", "cc bb aa dd"]);
        let cfg = VectorizerConfig { max_features: Some(3), ..VectorizerConfig::sklearn() };
        let v = fit_vocabulary(&d, &cfg).unwrap();
        assert_eq!(terms(&v), ["aa", "bb", "zz"]);
        assert_eq!(v[2].1, TermStats { df: 1, count: 3 });
    }
}
