//! Turning the raw values of a target column into class indices.

/// The distinct values in order (numerically when every value is a number, else as text), and
/// each row's index into them.
pub fn encode(raw: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut classes: Vec<String> = raw.to_vec();
    let numeric = classes.iter().all(|v| v.parse::<f64>().is_ok());
    if numeric {
        classes.sort_by(|a, b| a.parse::<f64>().unwrap_or(0.0).total_cmp(&b.parse::<f64>().unwrap_or(0.0)).then(a.cmp(b)));
    } else {
        classes.sort();
    }
    classes.dedup();
    let labels = raw.iter().map(|v| classes.binary_search_by(|c| order(c, v, numeric)).unwrap_or(0)).collect();
    (classes, labels)
}

fn order(a: &str, b: &str, numeric: bool) -> std::cmp::Ordering {
    if numeric {
        a.parse::<f64>().unwrap_or(0.0).total_cmp(&b.parse::<f64>().unwrap_or(0.0)).then(a.cmp(b))
    } else {
        a.cmp(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn numbers_sort_as_numbers_words_as_words() {
        assert_eq!(encode(&s(&["10", "2", "10", "9"])), (s(&["2", "9", "10"]), vec![2, 0, 2, 1]));
        assert_eq!(encode(&s(&["spam", "ham", "ham"])), (s(&["ham", "spam"]), vec![1, 0, 0]));
    }
}
