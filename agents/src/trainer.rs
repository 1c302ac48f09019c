//! What the run loop needs from any algorithm: iterate, report, save, act.

use std::path::Path;

use rlab_envs::{Action, EpisodeStats};

use crate::AgentError;

/// The result of one iteration (a rollout plus its update).
#[derive(Clone, Debug, Default)]
pub struct Iteration {
    /// Env steps taken so far, over all envs (the x-axis of every logged metric).
    pub global_step: u64,
    /// Episodes finished during the rollout, each with the global step at which it ended.
    pub episodes: Vec<(u64, EpisodeStats)>,
    /// Named scalars of the update, e.g. ("losses/value_loss", 0.3), ("charts/learning_rate", 2e-4).
    pub scalars: Vec<(&'static str, f64)>,
}

/// Acts in one environment from one observation.
pub trait Actor {
    /// The action the policy considers best (no exploration): used for evaluation.
    fn act_deterministic(&self, obs: &[f32]) -> Result<Action, AgentError>;
}

pub trait Trainer: Actor {
    /// Collects one rollout and updates the policy on it.
    fn iterate(&mut self) -> Result<Iteration, AgentError>;
    fn global_step(&self) -> u64;
    /// True once the configured number of env steps has been taken.
    fn finished(&self) -> bool;
    /// Writes the model weights as safetensors to exactly `path`.
    fn save(&self, path: &Path) -> Result<(), AgentError>;
}

/// Settings every algorithm shares (the top level of a run's config).
#[derive(Clone, Debug, PartialEq)]
pub struct CommonSettings {
    pub gamma: f64,
    pub gae_lambda: f64,
    pub seed: u64,
    pub total_steps: u64,
    pub num_envs: usize,
}
