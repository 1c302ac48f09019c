//! The loss on DQN's TD errors.

use serde::{Deserialize, Serialize};
use tch::{Reduction, Tensor};

/// How TD errors are penalised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TdLoss {
    /// Smooth L1 with δ = 1 (SB3's and the Nature DQN's choice): errors beyond 1 get a gradient
    /// of ±1, which steadies early training while Q-values are far off.
    #[default]
    Huber,
    /// Squared error, whose minimiser is the mean target. Use it where rare large errors carry
    /// the signal (a −1 fall into a hole among small step costs): Huber's capped gradient pulls
    /// the estimate towards the median and under-counts the risk.
    Mse,
}

impl TdLoss {
    /// Mean loss of predictions `q` against `target`.
    pub fn of(self, q: &Tensor, target: &Tensor) -> Tensor {
        match self {
            TdLoss::Huber => q.smooth_l1_loss(target, Reduction::Mean, 1.0),
            TdLoss::Mse => q.mse_loss(target, Reduction::Mean),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// d loss / d q for one prediction `q` set against every target.
    fn gradient(loss: TdLoss, q: f32, targets: &[f32]) -> f32 {
        let q = Tensor::from_slice(&vec![q; targets.len()]).set_requires_grad(true);
        loss.of(&q, &Tensor::from_slice(targets)).backward();
        q.grad().sum(tch::Kind::Float).double_value(&[]) as f32
    }

    #[test]
    fn mse_settles_on_the_mean_huber_short_of_a_rare_fall() {
        // Nine steps worth 0.5 and one fall into a hole (−1): the mean is 0.35.
        let mut targets = vec![0.5f32; 9];
        targets.push(-1.0);
        let mean = 0.35;
        assert!(gradient(TdLoss::Mse, mean, &targets).abs() < 1e-6);
        // Huber's gradient at the mean still pushes upwards (the fall's error is capped at 1),
        // so its estimate ends above the mean: the risk of the hole is under-counted.
        assert!(gradient(TdLoss::Huber, mean, &targets) < -0.01);
        // Where every error is below 1, both agree on the mean.
        let small = [0.2f32, 0.4, 0.6];
        assert!(gradient(TdLoss::Huber, 0.4, &small).abs() < 1e-6);
    }
}
