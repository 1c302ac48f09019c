//! Accuracy and the confusion matrix.

use super::{check_lengths, MetricsError};

/// Fraction of predictions equal to the truth (scikit-learn `accuracy_score`).
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricsError> {
    check_lengths(y_true, y_pred)?;
    let hits = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(hits as f64 / y_true.len() as f64)
}

/// `n_classes × n_classes` counts: row = true class, column = predicted class
/// (scikit-learn `confusion_matrix` with `labels=range(n_classes)`).
pub fn confusion_matrix(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<Vec<Vec<u64>>, MetricsError> {
    check_lengths(y_true, y_pred)?;
    let mut m = vec![vec![0u64; n_classes]; n_classes];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        let bad = if t >= n_classes { Some(t) } else if p >= n_classes { Some(p) } else { None };
        if let Some(label) = bad {
            return Err(MetricsError::LabelOutOfRange { label, n: n_classes });
        }
        m[t][p] += 1;
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_true_columns_are_predicted() {
        let m = confusion_matrix(&[0, 0, 1, 2], &[1, 0, 1, 1], 3).unwrap();
        assert_eq!(m, vec![vec![1, 1, 0], vec![0, 1, 0], vec![0, 1, 0]]);
        assert_eq!(accuracy(&[0, 1, 1, 0], &[0, 0, 0, 0]).unwrap(), 0.5);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(accuracy(&[0], &[0, 1]), Err(MetricsError::LengthMismatch(1, 2)));
        assert_eq!(accuracy(&[], &[]), Err(MetricsError::Empty));
        assert!(matches!(confusion_matrix(&[0, 3], &[0, 0], 2), Err(MetricsError::LabelOutOfRange { label: 3, n: 2 })));
    }
}
