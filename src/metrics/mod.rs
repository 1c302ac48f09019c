//! Classification metrics with scikit-learn's semantics, as plain functions over label slices.
//!
//! Labels are class indices (`usize`). Where scikit-learn would divide by zero (a class never
//! predicted, a class absent from the truth) the score is 0, as `zero_division="warn"` returns.
//! The functions never print; they return a [`MetricsError`] for input scikit-learn rejects.

mod confusion;
mod report;
mod scores;

pub use confusion::{accuracy, confusion_matrix};
pub use report::{ClassRow, Report};
pub use scores::{f1_score, per_class, precision_recall_f1, precision_score, recall_score, Average, ClassScores, Prf};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    #[error("y_true has {0} labels but y_pred has {1}")]
    LengthMismatch(usize, usize),
    #[error("no labels to score")]
    Empty,
    #[error("label {label} is outside the {n} classes")]
    LabelOutOfRange { label: usize, n: usize },
    #[error("average=binary needs at most two distinct labels, found {0}; use macro, micro or weighted")]
    NotBinary(usize),
    #[error("pos_label={pos} is not one of the labels present {present:?}")]
    BadPosLabel { pos: usize, present: Vec<usize> },
}

fn check_lengths(y_true: &[usize], y_pred: &[usize]) -> Result<(), MetricsError> {
    if y_true.len() != y_pred.len() {
        return Err(MetricsError::LengthMismatch(y_true.len(), y_pred.len()));
    }
    if y_true.is_empty() {
        return Err(MetricsError::Empty);
    }
    Ok(())
}

/// Sorted distinct labels of both slices (scikit-learn's `unique_labels`).
pub fn unique_labels(y_true: &[usize], y_pred: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = y_true.iter().chain(y_pred).copied().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// `num / den`, or 0 when `den` is 0 (scikit-learn's default for an ill-defined score).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}
