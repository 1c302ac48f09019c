//! What the run loop needs from any algorithm: iterate, report, save, resume — and, for
//! evaluation, an `Actor` that picks actions.

use std::path::Path;

use rlab_envs::{Action, EpisodeStats};
use serde::{Deserialize, Serialize};

use crate::{normalize::RewardScaler, AgentError};

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

/// Acts in one environment, one observation at a time.
pub trait Actor {
    /// Called before the first observation of each episode (recurrent policies reset their state).
    fn begin_episode(&mut self);
    /// The action the policy considers best (no exploration): used for evaluation.
    fn act_deterministic(&mut self, obs: &[f32]) -> Result<Action, AgentError>;
    /// Deterministic actions for `obs` holding one row per env: one forward pass for all rows
    /// in feed-forward policies. The default asks row by row. Not for recurrent policies (their
    /// state belongs to one episode).
    fn act_deterministic_rows(&mut self, obs: &[f32], rows: usize) -> Result<Vec<Action>, AgentError> {
        if rows == 0 {
            return Ok(Vec::new());
        }
        obs.chunks(obs.len() / rows).map(|o| self.act_deterministic(o)).collect()
    }
    /// True when the action depends on more than the current observation (an LSTM's state).
    fn is_recurrent(&self) -> bool {
        false
    }
    /// Takes the weights (and observation statistics) of a checkpoint written by
    /// `Trainer::save_weights`; draws no random numbers, so a run can evaluate its current
    /// weights without changing what it trains next.
    fn reload(&mut self, path: &Path) -> Result<(), AgentError>;
}

/// Counters a resumed run continues from (saved as JSON next to the checkpoint).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainerState {
    pub global_step: u64,
    pub iteration: usize,
    pub reward_scaler: Option<RewardScaler>,
}

pub trait Trainer {
    /// Collects experience and updates the model once.
    fn iterate(&mut self) -> Result<Iteration, AgentError>;
    fn global_step(&self) -> u64;
    /// True once the configured number of env steps has been taken.
    fn finished(&self) -> bool;
    /// Writes the weights (and normalisation statistics) as safetensors to exactly `path`.
    fn save_weights(&self, path: &Path) -> Result<(), AgentError>;
    /// Writes the optimiser state as safetensors to exactly `path`.
    fn save_optimizer(&self, path: &Path) -> Result<(), AgentError>;
    fn state(&self) -> TrainerState;
    /// Continues a stopped run from what `save_weights`, `save_optimizer` and `state` wrote.
    fn restore(&mut self, weights: &Path, optimizer: &Path, state: &TrainerState) -> Result<(), AgentError>;
}

/// Settings every algorithm shares (the top level of a run's config).
#[derive(Clone, Debug, PartialEq)]
pub struct CommonSettings {
    pub gamma: f64,
    pub gae_lambda: f64,
    pub seed: u64,
    pub total_steps: u64,
    pub num_envs: usize,
    /// Normalise observations with running statistics (saved in the checkpoint).
    pub normalize_obs: bool,
    /// Divide rewards by the running std of the γ-discounted return.
    pub scale_rewards: bool,
    /// β of the count-based exploration bonus β/√N(s') (0: off); see [`crate::explore`].
    pub exploration_bonus: f64,
}

impl CommonSettings {
    /// The fraction of training done at `global_step`, in [0, 1] (what annealing schedules use).
    pub fn progress(&self, global_step: u64) -> f64 {
        (global_step as f64 / self.total_steps.max(1) as f64).clamp(0.0, 1.0)
    }
}

/// The rewards a learner trains on for one vector step: the env's, plus the exploration bonus,
/// then divided by the return scale. Logged episode returns stay the env's own.
/// `progress` is the fraction of training done, [`CommonSettings::progress`] (the bonus fades with it).
pub(crate) fn training_rewards(
    step: &rlab_envs::VecStep,
    bonus: Option<&mut crate::explore::CountBonus>,
    scaler: Option<&mut crate::normalize::RewardScaler>,
    progress: f64,
) -> Vec<f64> {
    let mut rewards = step.rewards.clone();
    if let Some(bonus) = bonus {
        bonus.add(step, &mut rewards, 1.0 - progress);
    }
    if let Some(scaler) = scaler {
        let done: Vec<bool> = step.terminated.iter().zip(&step.truncated).map(|(a, b)| *a || *b).collect();
        rewards = scaler.scale(&rewards, &done);
    }
    rewards
}

/// Loads weights into a `VarStore`, naming the file in errors.
pub(crate) fn load_weights(vs: &mut tch::nn::VarStore, path: &Path) -> Result<(), AgentError> {
    vs.load(path).map_err(|e| {
        let detail = e.to_string().lines().next().unwrap_or("unreadable").to_string();
        if path.exists() && (detail.contains("size") || detail.contains("shape") || detail.contains("cannot find")) {
            let reason = format!("does not fit the network described by the run's config (was config.toml edited?): {detail}");
            return AgentError::Checkpoint { path: path.display().to_string(), reason };
        }
        AgentError::checkpoint_io(path, &e)
    })
}

pub(crate) fn save_weights(vs: &tch::nn::VarStore, path: &Path) -> Result<(), AgentError> {
    vs.save(path).map_err(|e| AgentError::checkpoint_io(path, &e))
}
