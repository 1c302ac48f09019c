//! The classifier as a trainer [`Task`]: loss, minibatch step, validation metrics, and
//! batched inference for evaluation and prediction.

use anyhow::Result;
use tch::{nn, nn::ModuleT, Kind, Tensor};

use super::prepare::Part;
use crate::{
    metrics::{accuracy, precision_recall_f1, Average},
    supervised::{Optimizers, Scalars, Task},
};

/// The network with its weights; knows whether its target is binary.
pub struct Net {
    pub vs: nn::VarStore,
    pub module: Box<dyn ModuleT>,
    pub binary: bool,
    pub n_classes: usize,
}

/// Outputs of inference over a split.
pub struct Inference {
    /// `[n, classes]` probabilities.
    pub probs: Vec<Vec<f64>>,
    pub predicted: Vec<usize>,
}

impl Net {
    /// Mean loss of `logits` against class indices `y`: binary cross-entropy on one logit
    /// (sigmoid) for two classes, cross-entropy on softmax otherwise.
    pub fn loss(&self, logits: &Tensor, y: &Tensor) -> Tensor {
        self.per_example_loss(logits, y).mean(Kind::Float)
    }

    /// The loss of each example (before averaging), so training can weight it by class.
    pub fn per_example_loss(&self, logits: &Tensor, y: &Tensor) -> Tensor {
        if self.binary {
            logits.squeeze_dim(1).binary_cross_entropy_with_logits::<Tensor>(&y.to_kind(Kind::Float), None, None, tch::Reduction::None)
        } else {
            logits.log_softmax(1, Kind::Float).gather(1, &y.unsqueeze(1), false).squeeze_dim(1).neg()
        }
    }

    /// Class probabilities `[n, classes]`.
    pub fn probabilities(&self, logits: &Tensor) -> Tensor {
        if self.binary {
            let p = logits.sigmoid();
            Tensor::cat(&[1.0 - &p, p], 1)
        } else {
            logits.softmax(1, Kind::Float)
        }
    }

    /// Inference in batches of `batch` without gradients; returns the mean loss too when `y` is given.
    pub fn infer(&self, x: &Tensor, y: Option<&Tensor>, batch: usize) -> (Inference, Option<f64>) {
        tch::no_grad(|| {
            let n = x.size()[0];
            let (mut probs, mut loss_sum) = (Vec::new(), 0.0);
            let mut start = 0;
            while start < n {
                let len = (batch as i64).min(n - start);
                let logits = self.module.forward_t(&x.narrow(0, start, len), false);
                if let Some(y) = y {
                    loss_sum += self.loss(&logits, &y.narrow(0, start, len)).double_value(&[]) * len as f64;
                }
                probs.push(self.probabilities(&logits).to_device(tch::Device::Cpu).to_kind(Kind::Double));
                start += len;
            }
            let all = if probs.is_empty() { Tensor::zeros([0, self.n_classes as i64], (Kind::Double, tch::Device::Cpu)) } else { Tensor::cat(&probs, 0) };
            let flat: Vec<f64> = Vec::try_from(all.flatten(0, -1)).unwrap_or_default();
            let rows: Vec<Vec<f64>> = flat.chunks(self.n_classes.max(1)).map(<[f64]>::to_vec).collect();
            let predicted = rows.iter().map(|r| argmax(r)).collect();
            (Inference { probs: rows, predicted }, y.map(|_| loss_sum / n.max(1) as f64))
        })
    }
}

fn argmax(row: &[f64]) -> usize {
    row.iter().enumerate().fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
}

pub struct ClassifierTask<'a> {
    pub net: &'a Net,
    pub train: &'a Part,
    pub validation: Option<&'a Part>,
    pub eval_batch: usize,
    /// Training-loss weight of each class (None: all 1). Validation and test losses are unweighted.
    pub class_weights: Option<Tensor>,
}

/// scikit-learn's `class_weight="balanced"`: n / (classes · count of the class), so that every
/// class carries the same total weight and the weights average 1 over the examples.
pub fn balanced_weights(labels: &[usize], n_classes: usize) -> Vec<f32> {
    let mut counts = vec![0usize; n_classes];
    for &l in labels {
        counts[l] += 1;
    }
    counts.iter().map(|&c| if c == 0 { 0.0 } else { labels.len() as f32 / (n_classes * c) as f32 }).collect()
}

/// F1 used for model selection: the positive class's for two classes, macro otherwise.
pub fn headline_f1(y: &[usize], pred: &[usize], n_classes: usize) -> f64 {
    let labels: Vec<usize> = (0..n_classes).collect();
    let avg = if n_classes == 2 { Average::Binary { pos_label: 1 } } else { Average::Macro };
    precision_recall_f1(y, pred, Some(&labels), avg).map(|s| s.f1).unwrap_or(0.0)
}

impl Task for ClassifierTask<'_> {
    fn var_stores(&self) -> Vec<(&'static str, &nn::VarStore)> {
        vec![("model", &self.net.vs)]
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn train_step(&mut self, batch: &[i64], optim: &mut Optimizers) -> Result<Scalars> {
        let idx = Tensor::from_slice(batch).to_device(self.train.x.device());
        let x = self.train.x.index_select(0, &idx);
        let y = self.train.y.index_select(0, &idx);
        let logits = self.net.module.forward_t(&x, true);
        let per = self.net.per_example_loss(&logits, &y);
        let loss = match &self.class_weights {
            Some(w) => (per * w.index_select(0, &y)).mean(Kind::Float),
            None => per.mean(Kind::Float),
        };
        optim.backward_step("model", &loss);
        let correct = tch::no_grad(|| {
            let pred = if self.net.binary { logits.squeeze_dim(1).gt(0.0).to_kind(Kind::Int64) } else { logits.argmax(1, false) };
            pred.eq_tensor(&y).to_kind(Kind::Float).mean(Kind::Float).double_value(&[])
        });
        Ok(vec![("loss".into(), loss.double_value(&[])), ("accuracy".into(), correct)])
    }

    fn validate(&mut self) -> Result<Scalars> {
        let Some(v) = self.validation else { return Ok(Vec::new()) };
        let (inf, loss) = self.net.infer(&v.x, Some(&v.y), self.eval_batch);
        Ok(vec![
            ("loss".into(), loss.unwrap_or(f64::NAN)),
            ("accuracy".into(), accuracy(&v.labels, &inf.predicted)?),
            ("f1".into(), headline_f1(&v.labels, &inf.predicted, self.net.n_classes)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_weights_follow_sklearn() {
        // sklearn compute_class_weight("balanced", classes=[0,1,2], y=[0,0,0,1]) → [4/9, 4/3, 0 for an absent class].
        let w = balanced_weights(&[0, 0, 0, 1], 3);
        assert!((w[0] - 4.0 / 9.0).abs() < 1e-6 && (w[1] - 4.0 / 3.0).abs() < 1e-6 && w[2] == 0.0, "{w:?}");
    }
}
