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

/// The weights of a network that only acts (evaluation): its `VarStore`, given weights by
/// `reload`, and the observation statistics saved with them, frozen.
pub(crate) struct FrozenWeights {
    vs: nn::VarStore,
    stats: Option<StatsVars>,
    obs_norm: Option<crate::normalize::ObsNormalizer>,
    obs_dim: usize,
}

impl FrozenWeights {
    /// A store holding the network `build` makes (initial weights: building draws from
    /// libtorch's generator) and, with `normalize_obs`, the statistics' variables.
    pub fn new<N>(
        device: tch::Device,
        obs_dim: usize,
        normalize_obs: bool,
        build: impl FnOnce(&nn::Path) -> Result<N, crate::AgentError>,
    ) -> Result<(Self, N), crate::AgentError> {
        let vs = nn::VarStore::new(device);
        let net = build(&vs.root())?;
        let stats = normalize_obs.then(|| StatsVars::new(vs.root(), obs_dim));
        Ok((FrozenWeights { vs, stats, obs_norm: None, obs_dim }, net))
    }

    /// Takes the weights (and statistics) of a checkpoint; draws no random numbers.
    pub fn reload(&mut self, path: &std::path::Path) -> Result<(), crate::AgentError> {
        crate::trainer::load_weights(&mut self.vs, path)?;
        self.obs_norm = self
            .stats
            .as_ref()
            .map(|v| crate::normalize::ObsNormalizer { stats: v.load(), ..crate::normalize::ObsNormalizer::new(self.obs_dim) });
        Ok(())
    }

    /// Observations as the network was trained on them (normalised when the run normalised).
    pub fn input(&self, obs: &[f32]) -> Vec<f32> {
        let mut x = obs.to_vec();
        if let Some(norm) = &self.obs_norm {
            norm.normalize(&mut x); // row by row: the statistics repeat every obs_dim values
        }
        x
    }

    pub fn obs_stats(&self) -> Option<&RunningMeanStd> {
        self.obs_norm.as_ref().map(|n| &n.stats)
    }
}
