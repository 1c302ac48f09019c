//! Fitting a vocabulary: document frequencies, the min/max_df filter, then the max_features cut.

use std::collections::HashMap;

use super::{TextError, VectorizerConfig};

/// How often a term occurs in the corpus it was fitted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermStats {
    /// Documents containing the term.
    pub df: u64,
    /// Occurrences over all documents.
    pub count: u64,
}

/// Chooses the vocabulary from each document's terms, as scikit-learn's `CountVectorizer.fit`:
/// keep terms with `min_df <= df <= max_df`, then, if more than `max_features` remain, the ones
/// with the highest total count. scikit-learn leaves ties at that cut to numpy's unstable sort;
/// here the count ties go to the term that sorts first, so the result is deterministic.
/// Returns the kept terms in sorted order (their index is their position) with their stats.
pub fn fit_vocabulary(docs: &[Vec<String>], config: &VectorizerConfig) -> Result<Vec<(String, TermStats)>, TextError> {
    let mut stats: HashMap<&str, TermStats> = HashMap::new();
    for doc in docs {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for term in doc {
            let s = stats.entry(term.as_str()).or_insert(TermStats { df: 0, count: 0 });
            s.count += 1;
            if seen.insert(term.as_str(), ()).is_none() {
                s.df += 1;
            }
        }
    }
    if stats.is_empty() {
        return Err(TextError::EmptyVocabulary);
    }
    let n = docs.len();
    let (min, max) = (config.min_df.documents(n), config.max_df.documents(n));
    if max < min {
        return Err(TextError::DfOrder { min, max });
    }
    let mut kept: Vec<(String, TermStats)> = stats
        .into_iter()
        .filter(|(_, s)| (s.df as f64) >= min && (s.df as f64) <= max)
        .map(|(t, s)| (t.to_string(), s))
        .collect();
    if kept.is_empty() {
        return Err(TextError::NothingLeft);
    }
    if let Some(limit) = config.max_features {
        if kept.len() > limit {
            kept.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(limit);
        }
    }
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::DfBound;

    fn docs(texts: &[&str]) -> Vec<Vec<String>> {
        texts.iter().map(|t| t.split_whitespace().map(str::to_string).collect()).collect()
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
