//! Precision, recall and F1 per class and averaged (scikit-learn `precision_recall_fscore_support`).

use super::{check_lengths, ratio, unique_labels, MetricsError};

/// How per-class scores combine into one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Average {
    /// The scores of `pos_label` alone; the data must hold at most two distinct labels.
    Binary { pos_label: usize },
    /// Unweighted mean over the labels.
    Macro,
    /// Scores of the pooled true positives, false positives and false negatives.
    Micro,
    /// Mean over the labels weighted by their support (number of true instances).
    Weighted,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassScores {
    pub label: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Number of true instances of the label.
    pub support: u64,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Counts {
    /// F1 = 2TP / (2TP + FP + FN): defined (as 0) even when precision and recall are both 0/0.
    fn prf(self) -> Prf {
        let (tp, fp, fn_) = (self.tp as f64, self.fp as f64, self.fn_ as f64);
        Prf { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn_), f1: ratio(2.0 * tp, 2.0 * tp + fp + fn_) }
    }
}

fn counts(y_true: &[usize], y_pred: &[usize], label: usize) -> Counts {
    let mut c = Counts::default();
    for (&t, &p) in y_true.iter().zip(y_pred) {
        match (t == label, p == label) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (true, false) => c.fn_ += 1,
            (false, false) => {}
        }
    }
    c
}

/// Scores of each label in `labels` (default: the sorted labels present in either slice). A label
/// that never occurs scores 0 with support 0.
pub fn per_class(y_true: &[usize], y_pred: &[usize], labels: Option<&[usize]>) -> Result<Vec<ClassScores>, MetricsError> {
    check_lengths(y_true, y_pred)?;
    let labels = labels.map_or_else(|| unique_labels(y_true, y_pred), <[usize]>::to_vec);
    Ok(labels
        .iter()
        .map(|&label| {
            let c = counts(y_true, y_pred, label);
            let s = c.prf();
            ClassScores { label, precision: s.precision, recall: s.recall, f1: s.f1, support: c.tp + c.fn_ }
        })
        .collect())
}

/// Precision, recall and F1 combined by `average` over `labels` (default: the labels present).
/// `Binary` ignores `labels`, as scikit-learn does.
pub fn precision_recall_f1(
    y_true: &[usize],
    y_pred: &[usize],
    labels: Option<&[usize]>,
    average: Average,
) -> Result<Prf, MetricsError> {
    check_lengths(y_true, y_pred)?;
    let present = unique_labels(y_true, y_pred);
    let labels: Vec<usize> = match average {
        Average::Binary { pos_label } => {
            if present.len() > 2 {
                return Err(MetricsError::NotBinary(present.len()));
            }
            if present.len() == 2 && !present.contains(&pos_label) {
                return Err(MetricsError::BadPosLabel { pos: pos_label, present });
            }
            vec![pos_label]
        }
        _ => labels.map_or(present, <[usize]>::to_vec),
    };
    if labels.is_empty() {
        return Err(MetricsError::Empty);
    }
    let per: Vec<Counts> = labels.iter().map(|&l| counts(y_true, y_pred, l)).collect();
    Ok(match average {
        Average::Binary { .. } => per[0].prf(),
        Average::Micro => {
            let sum = per.iter().fold(Counts::default(), |a, c| Counts { tp: a.tp + c.tp, fp: a.fp + c.fp, fn_: a.fn_ + c.fn_ });
            sum.prf()
        }
        Average::Macro => mean(&per, |_| 1.0),
        Average::Weighted => {
            let total: u64 = per.iter().map(|c| c.tp + c.fn_).sum();
            if total == 0 {
                // No true instance of any label: scikit-learn returns the zero-division value (0).
                Prf { precision: 0.0, recall: 0.0, f1: 0.0 }
            } else {
                mean(&per, |c| (c.tp + c.fn_) as f64)
            }
        }
    })
}

fn mean(per: &[Counts], weight: impl Fn(&Counts) -> f64) -> Prf {
    let total: f64 = per.iter().map(&weight).sum();
    let avg = |f: &dyn Fn(Prf) -> f64| per.iter().map(|c| weight(c) * f(c.prf())).sum::<f64>() / total;
    Prf { precision: avg(&|s| s.precision), recall: avg(&|s| s.recall), f1: avg(&|s| s.f1) }
}

pub fn precision_score(y_true: &[usize], y_pred: &[usize], average: Average) -> Result<f64, MetricsError> {
    Ok(precision_recall_f1(y_true, y_pred, None, average)?.precision)
}

pub fn recall_score(y_true: &[usize], y_pred: &[usize], average: Average) -> Result<f64, MetricsError> {
    Ok(precision_recall_f1(y_true, y_pred, None, average)?.recall)
}

pub fn f1_score(y_true: &[usize], y_pred: &[usize], average: Average) -> Result<f64, MetricsError> {
    Ok(precision_recall_f1(y_true, y_pred, None, average)?.f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIN: Average = Average::Binary { pos_label: 1 };

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn zero_denominators_score_zero() {
        // references.md: y_true=[0,1,1,0], all predicted 0 → precision, recall, F1 all 0.
        let (t, p) = ([0, 1, 1, 0], [0, 0, 0, 0]);
        assert_eq!(precision_recall_f1(&t, &p, None, BIN).unwrap(), Prf { precision: 0.0, recall: 0.0, f1: 0.0 });
        // Only negatives anywhere: pos_label never occurs, everything is 0/0.
        assert_eq!(f1_score(&[0, 0], &[0, 0], BIN).unwrap(), 0.0);
    }

    #[test]
    fn multiclass_macro_and_micro() {
        // references.md: macro F1 0.25, micro F1 0.375 (= accuracy for single-label multiclass).
        let t = [0, 1, 2, 0, 1, 2, 0, 0];
        let p = [0, 2, 1, 0, 0, 1, 0, 1];
        close(f1_score(&t, &p, Average::Macro).unwrap(), 0.25);
        close(f1_score(&t, &p, Average::Micro).unwrap(), 0.375);
        close(precision_score(&t, &p, Average::Micro).unwrap(), 0.375);
        // Class 0: 3 TP, 1 FP, 1 FN → precision 0.75, recall 0.75; weighted by support 4/8.
        close(precision_score(&t, &p, Average::Weighted).unwrap(), 0.375);
        close(recall_score(&t, &p, Average::Weighted).unwrap(), 0.375);
    }

    #[test]
    fn binary_scores_and_f1_formula() {
        let t = [1, 1, 1, 0, 0, 1];
        let p = [1, 0, 1, 1, 0, 1];
        // TP 3, FP 1, FN 1.
        let s = precision_recall_f1(&t, &p, None, BIN).unwrap();
        close(s.precision, 0.75);
        close(s.recall, 0.75);
        close(s.f1, 6.0 / 8.0);
        let s0 = precision_recall_f1(&t, &p, None, Average::Binary { pos_label: 0 }).unwrap();
        close(s0.f1, 2.0 / 4.0);
    }

    #[test]
    fn explicit_labels_include_absent_classes() {
        let per = per_class(&[0, 0, 1], &[0, 1, 1], Some(&[0, 1, 2])).unwrap();
        assert_eq!(per[2], ClassScores { label: 2, precision: 0.0, recall: 0.0, f1: 0.0, support: 0 });
        // Macro over three labels counts the absent one as 0, as scikit-learn does with labels=[0,1,2].
        let macro3 = precision_recall_f1(&[0, 0, 1], &[0, 1, 1], Some(&[0, 1, 2]), Average::Macro).unwrap();
        close(macro3.f1, (2.0 / 3.0 + 2.0 / 3.0) / 3.0);
    }

    #[test]
    fn binary_average_rejects_multiclass_and_bad_pos_label() {
        assert_eq!(f1_score(&[0, 1, 2], &[0, 1, 2], BIN), Err(MetricsError::NotBinary(3)));
        assert!(matches!(f1_score(&[2, 3], &[2, 3], BIN), Err(MetricsError::BadPosLabel { pos: 1, .. })));
        // One label present and it is not pos_label: allowed, scores 0 (scikit-learn does the same).
        assert_eq!(f1_score(&[3, 3], &[3, 3], BIN).unwrap(), 0.0);
    }
}
