//! Splitting a text into tokens and word n-grams, as scikit-learn's default analyzer does.

use super::VectorizerConfig;

#[derive(Clone, Debug, PartialEq)]
pub struct Tokenizer {
    pub lowercase: bool,
    pub strip_punctuation: bool,
    pub min_token_chars: usize,
    pub normalize_digits: bool,
    pub ngram_range: [usize; 2],
}

impl From<&VectorizerConfig> for Tokenizer {
    fn from(c: &VectorizerConfig) -> Self {
        Tokenizer {
            lowercase: c.lowercase,
            strip_punctuation: c.strip_punctuation,
            min_token_chars: c.min_token_chars,
            normalize_digits: c.normalize_digits,
            ngram_range: c.ngram_range,
        }
    }
}

/// Python's `\w` in a Unicode pattern: letters, digits and the underscore.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// Every n-gram of `words` for n in `range` (n ≥ 1), each as a window of the slice, in
/// scikit-learn's order: all n-grams of the smallest n first. The one place n-grams are made:
/// over strings here, over word ids when counting and vectorising.
pub fn ngrams<T>(words: &[T], [lo, hi]: [usize; 2], mut f: impl FnMut(&[T])) {
    for n in lo.max(1)..=hi.min(words.len()) {
        words.windows(n).for_each(&mut f);
    }
}

/// Reusable buffers for [`Tokenizer::for_each_term`]: the normalised text, the byte ranges of its
/// words, and the n-gram being joined. One per loop, so tokenising allocates nothing per term.
#[derive(Default)]
pub struct Scratch {
    text: String,
    words: Vec<(usize, usize)>,
    gram: String,
}

impl Tokenizer {
    /// The words of `text`. With `strip_punctuation` a token is a maximal run of word characters
    /// (scikit-learn's `(?u)\b\w\w+\b` when `min_token_chars` is 2); otherwise a whitespace-separated chunk.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_word(text, &mut Scratch::default(), |w| out.push(w.to_string()));
        out
    }

    /// The words followed by the n-grams for n in the range, each joined by one space, in
    /// scikit-learn's order (all n-grams of the smallest n first).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_term(text, &mut Scratch::default(), |t| out.push(t.to_string()));
        out
    }

    /// Calls `f` with each word of `text`, as [`Tokenizer::words`] lists them.
    pub fn for_each_word(&self, text: &str, scratch: &mut Scratch, mut f: impl FnMut(&str)) {
        self.split(text, scratch);
        for &(a, b) in &scratch.words {
            f(&scratch.text[a..b]);
        }
    }

    /// Calls `f` with each term of `text`, as [`Tokenizer::terms`] lists them.
    pub fn for_each_term(&self, text: &str, scratch: &mut Scratch, mut f: impl FnMut(&str)) {
        self.split(text, scratch);
        let Scratch { text, words, gram } = scratch;
        ngrams(words, self.ngram_range, |window| {
            if let [(a, b)] = window {
                return f(&text[*a..*b]);
            }
            gram.clear();
            for (k, &(a, b)) in window.iter().enumerate() {
                if k > 0 {
                    gram.push(' ');
                }
                gram.push_str(&text[a..b]);
            }
            f(gram);
        });
    }

    /// Normalises `text` into `scratch.text` and records the byte range of each word.
    fn split(&self, text: &str, scratch: &mut Scratch) {
        let norm = &mut scratch.text;
        norm.clear();
        if self.lowercase && !text.is_ascii() {
            // str::to_lowercase, not per-char mapping: it knows context rules such as final sigma.
            norm.push_str(&text.to_lowercase());
        } else {
            norm.push_str(text);
            if self.lowercase {
                norm.make_ascii_lowercase();
            }
        }
        if self.normalize_digits && norm.bytes().any(|b| b.is_ascii_digit()) {
            // ASCII digits are single bytes, so byte offsets do not move.
            *norm = norm.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
        }
        let min = self.min_token_chars;
        // A token's byte length bounds its char count from above: count chars only when it might be short.
        let long_enough = |t: &str| t.len() >= min && (t.is_ascii() || t.chars().count() >= min);
        scratch.words.clear();
        let base = norm.as_ptr() as usize;
        let mut push = |t: &str| {
            if !t.is_empty() && long_enough(t) {
                let a = t.as_ptr() as usize - base;
                scratch.words.push((a, a + t.len()));
            }
        };
        if self.strip_punctuation {
            norm.split(|c: char| !is_word_char(c)).for_each(&mut push);
        } else {
            norm.split_whitespace().for_each(&mut push);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(min_chars: usize, ngrams: [usize; 2]) -> Tokenizer {
        Tokenizer { lowercase: true, strip_punctuation: true, min_token_chars: min_chars, normalize_digits: false, ngram_range: ngrams }
    }

    #[test]
    fn default_pattern_drops_punctuation_and_one_character_tokens() {
        let t = tok(2, [1, 1]);
        assert_eq!(t.words("U dun say so early hor... U c already!"), ["dun", "say", "so", "early", "hor", "already"]);
        assert_eq!(t.words("Free entry 2 a wkly comp, T&C's apply £1.50"), ["free", "entry", "wkly", "comp", "apply", "50"]);
        assert_eq!(tok(1, [1, 1]).words("I'm ok"), ["i", "m", "ok"]);
        assert_eq!(t.words("snake_case café"), ["snake_case", "café"]);
        assert!(t.words("... !!").is_empty());
    }

    #[test]
    fn ngrams_follow_sklearn_order() {
        assert_eq!(tok(2, [1, 2]).terms("aa bb cc"), ["aa", "bb", "cc", "aa bb", "bb cc"]);
        assert_eq!(tok(2, [2, 3]).terms("aa bb cc"), ["aa bb", "bb cc", "aa bb cc"]);
        assert_eq!(tok(2, [2, 2]).terms("aa"), Vec::<String>::new());
    }

    #[test]
    fn keeping_punctuation_splits_on_whitespace() {
        let t = Tokenizer { lowercase: false, strip_punctuation: false, min_token_chars: 1, normalize_digits: false, ngram_range: [1, 1] };
        assert_eq!(t.words("Hi!  You, there"), ["Hi!", "You,", "there"]);
        let d = Tokenizer { normalize_digits: true, ..tok(1, [1, 1]) };
        assert_eq!(d.words("Call 09096102316 or 87066, £1.50"), ["call", "00000000000", "or", "00000", "0", "00"]);
    }
}
