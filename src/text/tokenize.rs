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
    c.is_alphanumeric() || c == '_'
}

impl Tokenizer {
    /// The words of `text`. With `strip_punctuation` a token is a maximal run of word characters
    /// (scikit-learn's `(?u)\b\w\w+\b` when `min_token_chars` is 2); otherwise a whitespace-separated chunk.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut text = if self.lowercase { text.to_lowercase() } else { text.to_string() };
        if self.normalize_digits {
            text = text.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
        }
        let long_enough = |t: &&str| t.chars().count() >= self.min_token_chars;
        if self.strip_punctuation {
            text.split(|c: char| !is_word_char(c)).filter(|t| !t.is_empty()).filter(long_enough).map(str::to_string).collect()
        } else {
            text.split_whitespace().filter(long_enough).map(str::to_string).collect()
        }
    }

    /// The words followed by the n-grams for n in the range, each joined by one space, in
    /// scikit-learn's order (all n-grams of the smallest n first).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let words = self.words(text);
        let [lo, hi] = self.ngram_range;
        if hi == 1 {
            return words;
        }
        let mut out = Vec::new();
        for n in lo..=hi.min(words.len()) {
            if n == 1 {
                out.extend(words.iter().cloned());
            } else {
                out.extend(words.windows(n).map(|w| w.join(" ")));
            }
        }
        out
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
