//! The classification report: per-class scores, accuracy, averages and the confusion matrix, as
//! text (laid out like scikit-learn's `classification_report`) and as JSON for `metrics.json`.

use serde::Serialize;

use super::{accuracy, confusion_matrix, per_class, precision_recall_f1, Average, MetricsError, Prf};

#[derive(Clone, Debug, Serialize)]
pub struct ClassRow {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Averaged {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl From<Prf> for Averaged {
    fn from(p: Prf) -> Self {
        Averaged { precision: p.precision, recall: p.recall, f1: p.f1 }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct BinaryScores {
    /// The positive class (index 1).
    pub pos_label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub examples: usize,
    pub accuracy: f64,
    pub classes: Vec<String>,
    pub per_class: Vec<ClassRow>,
    pub macro_avg: Averaged,
    pub weighted_avg: Averaged,
    pub micro_avg: Averaged,
    /// Scores of class 1 when there are exactly two classes (scikit-learn's `average="binary"`).
    pub binary: Option<BinaryScores>,
    /// Rows = true class, columns = predicted class.
    pub confusion_matrix: Vec<Vec<u64>>,
}

impl Report {
    /// Scores every class in `classes` (index = label), present in the data or not.
    pub fn new(y_true: &[usize], y_pred: &[usize], classes: &[String]) -> Result<Self, MetricsError> {
        let labels: Vec<usize> = (0..classes.len()).collect();
        let cm = confusion_matrix(y_true, y_pred, classes.len())?;
        let rows = per_class(y_true, y_pred, Some(&labels))?
            .into_iter()
            .map(|s| ClassRow { class: classes[s.label].clone(), precision: s.precision, recall: s.recall, f1: s.f1, support: s.support })
            .collect();
        let avg = |a| precision_recall_f1(y_true, y_pred, Some(&labels), a).map(Averaged::from);
        let binary = if classes.len() == 2 {
            let s = precision_recall_f1(y_true, y_pred, None, Average::Binary { pos_label: 1 })?;
            Some(BinaryScores { pos_label: classes[1].clone(), precision: s.precision, recall: s.recall, f1: s.f1 })
        } else {
            None
        };
        Ok(Report {
            examples: y_true.len(),
            accuracy: accuracy(y_true, y_pred)?,
            classes: classes.to_vec(),
            per_class: rows,
            macro_avg: avg(Average::Macro)?,
            weighted_avg: avg(Average::Weighted)?,
            micro_avg: avg(Average::Micro)?,
            binary,
            confusion_matrix: cm,
        })
    }

    /// The report as text: scikit-learn's table (4 digits), then the confusion matrix.
    pub fn to_text(&self) -> String {
        let width = self.classes.iter().map(|c| c.chars().count()).chain([12]).max().unwrap_or(12);
        let mut s = format!("{:>width$} {:>10} {:>10} {:>10} {:>10}\n\n", "", "precision", "recall", "f1-score", "support");
        let line = |name: &str, p: f64, r: f64, f: f64, n: u64| format!("{name:>width$} {p:>10.4} {r:>10.4} {f:>10.4} {n:>10}\n");
        for row in &self.per_class {
            s += &line(&row.class, row.precision, row.recall, row.f1, row.support);
        }
        let n = self.examples as u64;
        s += &format!("\n{:>width$} {:>10} {:>10} {:>10.4} {n:>10}\n", "accuracy", "", "", self.accuracy);
        s += &line("macro avg", self.macro_avg.precision, self.macro_avg.recall, self.macro_avg.f1, n);
        s += &line("weighted avg", self.weighted_avg.precision, self.weighted_avg.recall, self.weighted_avg.f1, n);
        if let Some(b) = &self.binary {
            s += &format!("\n{}: precision {:.4}  recall {:.4}  F1 {:.4}\n", b.pos_label, b.precision, b.recall, b.f1);
        }
        s += "\nconfusion matrix (rows = true class, columns = predicted):\n";
        let cell = self.confusion_matrix.iter().flatten().map(|v| v.to_string().len()).chain(self.classes.iter().map(|c| c.chars().count())).max().unwrap_or(1);
        s += &format!("{:>width$}", "");
        for c in &self.classes {
            s += &format!(" {c:>cell$}");
        }
        s += "\n";
        for (c, row) in self.classes.iter().zip(&self.confusion_matrix) {
            s += &format!("{c:>width$}");
            for v in row {
                s += &format!(" {v:>cell$}");
            }
            s += "\n";
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_holds_every_class_and_reads_like_sklearn() {
        let classes: Vec<String> = ["ham", "spam", "other"].iter().map(|s| s.to_string()).collect();
        let r = Report::new(&[0, 0, 1, 1], &[0, 1, 1, 1], &classes).unwrap();
        assert_eq!(r.per_class[2].support, 0);
        assert!(r.binary.is_none());
        assert_eq!(r.confusion_matrix, vec![vec![1, 1, 0], vec![0, 2, 0], vec![0, 0, 0]]);
        let text = r.to_text();
        assert!(text.contains("precision") && text.contains("macro avg") && text.contains("weighted avg"), "{text}");
        assert!(text.contains("    accuracy"), "{text}");
        let two = Report::new(&[0, 1, 1, 0], &[0, 0, 0, 0], &classes[..2]).unwrap();
        let b = two.binary.unwrap();
        assert_eq!((b.pos_label.as_str(), b.precision, b.recall, b.f1), ("spam", 0.0, 0.0, 0.0));
        assert_eq!(two.accuracy, 0.5);
    }
}
