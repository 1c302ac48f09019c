//! The vocabulary: terms keyed by the ids of their words, counting them over a corpus, and
//! choosing which to keep (document frequencies, the min/max_df filter, the max_features cut).

use rustc_hash::FxHashMap;

use super::{tokenize::ngrams, Scratch, TextError, Tokenizer, VectorizerConfig};

/// How often a term occurs in the corpus it was fitted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermStats {
    /// Documents containing the term.
    pub df: u64,
    /// Occurrences over all documents.
    pub count: u64,
}

/// Terms keyed by word ids: a text's words are looked up once each, and its n-grams as short
/// slices of those ids, so no n-gram string is built while counting or vectorising. The values
/// are term ids while counting and columns once the vocabulary is chosen.
#[derive(Clone, Debug, Default)]
pub(super) struct TermIndex {
    words: FxHashMap<String, u32>,
    /// Word id → the value of the word as a one-word term, or [`TermIndex::NONE`].
    unigram: Vec<usize>,
    /// Word ids of an n-gram (n ≥ 2) → its value.
    grams: FxHashMap<Box<[u32]>, usize>,
}

impl TermIndex {
    pub const NONE: usize = usize::MAX;
    /// The id of a word the index does not hold; no term contains it.
    pub const UNKNOWN: u32 = u32::MAX;

    /// The index of a saved vocabulary: term `i` (words joined by one space) has column `i`.
    pub fn from_terms(terms: &[String]) -> Self {
        let mut ix = TermIndex::default();
        for (col, term) in terms.iter().enumerate() {
            let ids: Vec<u32> = term.split(' ').map(|w| ix.word_id_or_insert(w).0).collect();
            match ids[..] {
                [w] => ix.unigram[w as usize] = col,
                _ => {
                    ix.grams.insert(ids.into(), col);
                }
            }
        }
        ix
    }

    /// The word's id, and whether it is new.
    fn word_id_or_insert(&mut self, w: &str) -> (u32, bool) {
        if let Some(&id) = self.words.get(w) {
            return (id, false);
        }
        let id = self.unigram.len() as u32;
        self.words.insert(w.to_string(), id);
        self.unigram.push(Self::NONE);
        (id, true)
    }

    /// The word's id, or [`TermIndex::UNKNOWN`].
    pub fn word_id(&self, w: &str) -> u32 {
        self.words.get(w).copied().unwrap_or(Self::UNKNOWN)
    }

    /// The value of the term made of these words (one word or an n-gram).
    pub fn lookup(&self, words: &[u32]) -> Option<usize> {
        match words {
            [w] => self.unigram.get(*w as usize).copied().filter(|&v| v != Self::NONE),
            _ => self.grams.get(words).copied(),
        }
    }

    /// The value of the term made of these (known) words, set to `next` if it has none yet.
    fn lookup_or_insert(&mut self, words: &[u32], next: usize) -> usize {
        if let [w] = words {
            let slot = &mut self.unigram[*w as usize];
            if *slot == Self::NONE {
                *slot = next;
            }
            return *slot;
        }
        // get before insert: the boxed key is only made for a new n-gram, not per occurrence.
        if let Some(&v) = self.grams.get(words) {
            return v;
        }
        self.grams.insert(words.into(), next);
        next
    }

    /// The value of a term given as its string.
    pub fn value(&self, term: &str) -> Option<usize> {
        let ids: Vec<u32> = term.split(' ').map(|w| self.word_id(w)).collect();
        self.lookup(&ids)
    }
}

/// A counted corpus: every term, its id the position in `stats`.
pub(super) struct Counted {
    index: TermIndex,
    /// Word id → the word.
    names: Vec<String>,
    stats: Vec<TermStats>,
}

/// Each document's term ids in order: document `d` is `terms[starts[d]..starts[d + 1]]`. Kept
/// while counting so that `fit_transform` need not tokenise twice.
pub(super) struct DocTerms {
    pub terms: Vec<u32>,
    pub starts: Vec<usize>,
}

/// Counts every term of the corpus in one tokenising pass; with `keep_docs`, also returns
/// which terms each document holds.
pub(super) fn count_terms<S: AsRef<str>>(texts: &[S], tokenizer: &Tokenizer, keep_docs: bool) -> (Counted, Option<DocTerms>) {
    let mut c = Counted { index: TermIndex::default(), names: Vec::new(), stats: Vec::new() };
    let mut docs = keep_docs.then(|| DocTerms { terms: Vec::new(), starts: vec![0] });
    // The last document that counted towards each term's df.
    let mut last_doc: Vec<usize> = Vec::new();
    let mut count = |c: &mut Counted, docs: &mut Option<DocTerms>, id: usize, d: usize| {
        if id == c.stats.len() {
            c.stats.push(TermStats { df: 0, count: 0 });
            last_doc.push(usize::MAX);
        }
        if let Some(docs) = docs.as_mut() {
            docs.terms.push(id as u32);
        }
        c.stats[id].count += 1;
        if last_doc[id] != d {
            last_doc[id] = d;
            c.stats[id].df += 1;
        }
    };
    let (mut scratch, mut doc) = (Scratch::default(), Vec::new());
    for (d, text) in texts.iter().enumerate() {
        doc.clear();
        tokenizer.for_each_word(text.as_ref(), &mut scratch, |w| {
            let (id, new) = c.index.word_id_or_insert(w);
            if new {
                c.names.push(w.to_string());
            }
            doc.push(id);
        });
        ngrams(&doc, tokenizer.ngram_range, |gram| {
            let next = c.stats.len();
            let id = c.index.lookup_or_insert(gram, next);
            count(&mut c, &mut docs, id, d);
        });
        if let Some(docs) = docs.as_mut() {
            docs.starts.push(docs.terms.len());
        }
    }
    (c, docs)
}

/// The chosen vocabulary: terms in sorted order (a term's column is its position), their stats,
/// and the index from words to columns.
pub(super) struct Vocabulary {
    pub terms: Vec<String>,
    pub stats: Vec<TermStats>,
    pub index: TermIndex,
    /// Term id of the counted corpus → its column, or [`TermIndex::NONE`] if it was dropped.
    pub column_of_term: Vec<usize>,
}

/// Chooses the vocabulary as scikit-learn's `CountVectorizer.fit` does: keep terms with
/// `min_df <= df <= max_df`, then, if more than `max_features` remain, the ones with the highest
/// total count. scikit-learn leaves ties at that cut to numpy's unstable sort; here the count
/// ties go to the term that sorts first, so the result is deterministic.
pub(super) fn choose_vocabulary(c: Counted, n_docs: usize, config: &VectorizerConfig) -> Result<Vocabulary, TextError> {
    let Counted { mut index, names, stats } = c;
    if stats.is_empty() {
        return Err(TextError::EmptyVocabulary);
    }
    let (min, max) = (config.min_df.documents(n_docs), config.max_df.documents(n_docs));
    if max < min {
        return Err(TextError::DfOrder { min, max });
    }
    let keep = |t: usize| (stats[t].df as f64) >= min && (stats[t].df as f64) <= max;
    // The strings of the terms that pass the df filter (term id → string; empty for the others).
    let mut strings = vec![String::new(); stats.len()];
    for (w, &t) in index.unigram.iter().enumerate() {
        if t != TermIndex::NONE && keep(t) {
            strings[t] = names[w].clone();
        }
    }
    for (words, &t) in &index.grams {
        if keep(t) {
            strings[t] = join(words, &names);
        }
    }
    let mut kept: Vec<usize> = (0..stats.len()).filter(|&t| keep(t)).collect();
    if kept.is_empty() {
        return Err(TextError::NothingLeft);
    }
    if let Some(limit) = config.max_features {
        if kept.len() > limit {
            kept.sort_unstable_by(|&a, &b| stats[b].count.cmp(&stats[a].count).then_with(|| strings[a].cmp(&strings[b])));
            kept.truncate(limit);
        }
    }
    kept.sort_unstable_by(|&a, &b| strings[a].cmp(&strings[b]));
    // Term id → column; the index's values become columns, and dropped terms leave it.
    let mut column = vec![TermIndex::NONE; stats.len()];
    for (col, &t) in kept.iter().enumerate() {
        column[t] = col;
    }
    for v in index.unigram.iter_mut().filter(|v| **v != TermIndex::NONE) {
        *v = column[*v];
    }
    index.grams.retain(|_, v| {
        *v = column[*v];
        *v != TermIndex::NONE
    });
    let terms = kept.iter().map(|&t| std::mem::take(&mut strings[t])).collect();
    let stats = kept.iter().map(|&t| stats[t]).collect();
    Ok(Vocabulary { terms, stats, index, column_of_term: column })
}

/// An n-gram's string: its words joined by one space.
fn join(words: &[u32], names: &[String]) -> String {
    let mut s = String::new();
    for (k, &w) in words.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(&names[w as usize]);
    }
    s
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
        let v = choose_vocabulary(count_terms(docs, &words, false).0, docs.len(), config)?;
        Ok(v.terms.into_iter().zip(v.stats).collect())
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
