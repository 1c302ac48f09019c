//! Settings of the shared supervised trainer (the `[train]` table of a config file).

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimKind {
    Sgd,
    Adam,
    Rmsprop,
}

/// An optimiser with PyTorch's update rules (`torch.optim.SGD`, `Adam`, `RMSprop`), so
/// hyperparameters carry over. `weight_decay` is L2 added to the gradient (not AdamW).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptimConfig {
    /// sgd, adam or rmsprop.
    pub name: OptimKind,
    /// Learning rate at epoch 1 (the schedule scales it from there).
    pub lr: f64,
    /// SGD and RMSprop momentum (0 = none).
    pub momentum: f64,
    /// SGD: Nesterov momentum.
    pub nesterov: bool,
    /// Adam: decay of the gradient average.
    pub beta1: f64,
    /// Adam: decay of the squared-gradient average.
    pub beta2: f64,
    /// RMSprop: decay of the squared-gradient average.
    pub alpha: f64,
    /// Added to the denominator (Adam, RMSprop).
    pub eps: f64,
    /// L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// Clip the global gradient norm of each step to this (0 = no clipping).
    pub max_grad_norm: f64,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            name: OptimKind::Adam,
            lr: 1e-3,
            momentum: 0.0,
            nesterov: false,
            beta1: 0.9,
            beta2: 0.999,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            max_grad_norm: 0.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleKind {
    /// The same rate every epoch.
    Constant,
    /// Multiplied by `gamma` every `step_size` epochs.
    Step,
    /// Multiplied by `gamma` every epoch.
    Exponential,
    /// Half a cosine from `lr` at the first epoch to `min_lr` after the last.
    Cosine,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleConfig {
    /// constant, step, exponential or cosine (the rate changes between epochs).
    pub name: ScheduleKind,
    pub step_size: usize,
    pub gamma: f64,
    pub min_lr: f64,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig { name: ScheduleKind::Constant, step_size: 10, gamma: 0.1, min_lr: 0.0 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// min for metrics named like a loss, max otherwise.
    Auto,
    Min,
    Max,
}

/// Which validation metric picks the best epoch, and when to stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EarlyStopping {
    /// A metric the task reports on the validation split (e.g. loss, accuracy, f1).
    pub metric: String,
    pub mode: Mode,
    /// Stop after this many epochs without improvement (0 = never stop early; the best epoch is
    /// still the one kept).
    pub patience: usize,
    /// An improvement must beat the best by more than this.
    pub min_delta: f64,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        EarlyStopping { metric: "loss".into(), mode: Mode::Auto, patience: 5, min_delta: 0.0 }
    }
}

impl EarlyStopping {
    pub fn minimise(&self) -> bool {
        match self.mode {
            Mode::Min => true,
            Mode::Max => false,
            Mode::Auto => self.metric.contains("loss") || self.metric.contains("error"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    /// Passes over the training split.
    pub epochs: usize,
    /// Examples per optimisation step (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Seeds the weights, the per-epoch shuffles and dropout: same seed on CPU, same run.
    pub seed: u64,
    pub optimizer: OptimConfig,
    pub schedule: ScheduleConfig,
    pub early_stopping: EarlyStopping,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 20,
            batch_size: 64,
            seed: 1,
            optimizer: OptimConfig::default(),
            schedule: ScheduleConfig::default(),
            early_stopping: EarlyStopping::default(),
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            bail!("train.epochs must be at least 1");
        }
        if self.batch_size == 0 {
            bail!("train.batch_size must be at least 1");
        }
        let o = &self.optimizer;
        if !(o.lr > 0.0 && o.lr.is_finite()) {
            bail!("train.optimizer.lr must be a positive number, got {}", o.lr);
        }
        for (name, v) in [("momentum", o.momentum), ("beta1", o.beta1), ("beta2", o.beta2), ("alpha", o.alpha)] {
            if !(0.0..1.0).contains(&v) {
                bail!("train.optimizer.{name} must lie in [0, 1), got {v}");
            }
        }
        if o.nesterov && o.momentum == 0.0 {
            bail!("train.optimizer.nesterov needs a momentum above 0");
        }
        for (name, v) in [("eps", o.eps), ("weight_decay", o.weight_decay), ("max_grad_norm", o.max_grad_norm)] {
            if !(v >= 0.0 && v.is_finite()) {
                bail!("train.optimizer.{name} must be 0 or more, got {v}");
            }
        }
        let s = &self.schedule;
        if s.step_size == 0 {
            bail!("train.schedule.step_size must be at least 1");
        }
        if !(s.gamma > 0.0 && s.gamma <= 1.0) {
            bail!("train.schedule.gamma must lie in (0, 1], got {}", s.gamma);
        }
        if !(s.min_lr >= 0.0 && s.min_lr <= o.lr) {
            bail!("train.schedule.min_lr must lie in [0, lr], got {}", s.min_lr);
        }
        if self.early_stopping.metric.trim().is_empty() {
            bail!("train.early_stopping.metric must name a validation metric");
        }
        Ok(())
    }
}
