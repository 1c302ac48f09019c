//! Non-trainable values that belong in a checkpoint next to the weights (CleanRL #425: evaluation
//! must use the training run's observation statistics). Stored as f32. They live in the `VarStore` as
//! `obs_norm.mean`, `obs_norm.var`, `obs_norm.count`, so saving and loading the weights carries them.

use tch::{nn, Kind, Tensor};

use crate::normalize::RunningMeanStd;

pub struct StatsVars {
    mean: Tensor,
    var: Tensor,
    count: Tensor,
}

impl StatsVars {
    pub fn new(p: nn::Path, dim: usize) -> Self {
        let p = p / "obs_norm";
        StatsVars {
            mean: p.zeros_no_train("mean", &[dim as i64]),
            var: p.ones_no_train("var", &[dim as i64]),
            count: p.zeros_no_train("count", &[1]),
        }
    }

    /// Copies the running statistics into the variables (before saving).
    pub fn store(&self, rms: &RunningMeanStd) {
        tch::no_grad(|| {
            let (mut m, mut v, mut c) = (self.mean.shallow_clone(), self.var.shallow_clone(), self.count.shallow_clone());
            let f = |x: &[f64]| Tensor::from_slice(x).to_kind(Kind::Float);
            m.copy_(&f(&rms.mean));
            v.copy_(&f(&rms.var));
            c.copy_(&f(&[rms.count]));
        });
    }

    /// Reads the statistics back (after loading).
    pub fn load(&self) -> RunningMeanStd {
        let v = |t: &Tensor| Vec::<f64>::try_from(t.to_kind(Kind::Double).to(tch::Device::Cpu)).unwrap_or_default();
        RunningMeanStd { mean: v(&self.mean), var: v(&self.var), count: v(&self.count).first().copied().unwrap_or(0.0) }
    }
}
