//! DQN hyperparameters. The defaults learn CartPole-v1 in 50k steps: RL Zoo's tuned network size,
//! buffer and ε schedule, with classic DQN's rhythm (one gradient step on 128 samples every 4 env
//! steps, the target copied every 250) and 3-step targets. RL Zoo's own rhythm (128 gradient steps
//! on 64 samples every 256 env steps, target every 10, 1-step targets) reached 500 on about half of
//! the seeds tried, these on 35 of 40 (README, "Learning results"; `configs/cartpole_dqn_zoo.toml`
//! keeps RL Zoo's).

use serde::{Deserialize, Serialize};

use super::TdLoss;
use crate::AgentError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DqnConfig {
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Fall linearly from `learning_rate` to 0 over the run (steadier Q-values at the end, where
    /// a greedy policy's choice can hinge on small differences between actions).
    pub anneal_lr: bool,
    /// Transitions kept in the replay buffer.
    pub buffer_size: usize,
    /// Env steps of pure exploration before the first update.
    pub learning_starts: u64,
    pub batch_size: usize,
    /// Env steps collected between training phases.
    pub train_freq: u64,
    /// Gradient steps per training phase.
    pub gradient_steps: usize,
    /// Env steps between target-network updates.
    pub target_update_interval: u64,
    /// Target update weight (1 = hard copy).
    pub tau: f64,
    /// Fraction of the run over which ε falls linearly from its initial to its final value.
    pub exploration_fraction: f64,
    pub exploration_initial_eps: f64,
    pub exploration_final_eps: f64,
    /// Double DQN: the online network picks the next action, the target network values it.
    pub double_dqn: bool,
    /// Rewards summed before bootstrapping (1 = classic DQN).
    pub n_step: usize,
    /// Global gradient-norm clipping threshold.
    pub max_grad_norm: f64,
    /// Loss on the TD error.
    pub loss: TdLoss,
}

impl Default for DqnConfig {
    fn default() -> Self {
        DqnConfig {
            learning_rate: 1e-3,
            anneal_lr: false,
            buffer_size: 100_000,
            learning_starts: 1000,
            batch_size: 128,
            train_freq: 4,
            gradient_steps: 1,
            target_update_interval: 250,
            tau: 1.0,
            exploration_fraction: 0.16,
            exploration_initial_eps: 1.0,
            exploration_final_eps: 0.04,
            double_dqn: false,
            n_step: 3,
            max_grad_norm: 10.0,
            loss: TdLoss::Huber,
        }
    }
}

impl DqnConfig {
    pub fn validate(&self) -> Result<(), AgentError> {
        let bad = |m: String| Err(AgentError::Config(m));
        if self.buffer_size == 0 || self.batch_size == 0 || self.train_freq == 0 || self.n_step == 0 {
            return bad("dqn.buffer_size, batch_size, train_freq and n_step must be at least 1".into());
        }
        if self.target_update_interval == 0 {
            return bad("dqn.target_update_interval must be at least 1".into());
        }
        for (name, v) in [
            ("dqn.tau", self.tau),
            ("dqn.exploration_fraction", self.exploration_fraction),
            ("dqn.exploration_initial_eps", self.exploration_initial_eps),
            ("dqn.exploration_final_eps", self.exploration_final_eps),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(format!("{name} must lie in [0, 1], got {v}"));
            }
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.max_grad_norm > 0.0) {
            return bad("dqn.learning_rate and dqn.max_grad_norm must be positive".into());
        }
        Ok(())
    }

    /// ε after `step` of `total` env steps.
    pub fn epsilon(&self, step: u64, total: u64) -> f64 {
        let span = self.exploration_fraction * total as f64;
        let progress = if span <= 0.0 { 1.0 } else { (step as f64 / span).min(1.0) };
        self.exploration_initial_eps + progress * (self.exploration_final_eps - self.exploration_initial_eps)
    }
}
