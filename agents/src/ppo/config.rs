//! PPO hyperparameters. Defaults are CleanRL's `ppo.py` (classic control).

use serde::{Deserialize, Serialize};

use crate::{policy::PolicyConfig, AgentError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PpoConfig {
    /// Steps per env in each rollout (the batch is num_envs × num_steps).
    pub num_steps: usize,
    /// Adam learning rate at the start.
    pub learning_rate: f64,
    /// Anneal the learning rate linearly to 0 over the run.
    pub anneal_lr: bool,
    /// Passes over each rollout.
    pub update_epochs: usize,
    /// Minibatches per pass.
    pub num_minibatches: usize,
    /// Ratio clipping range ε of the surrogate objective.
    pub clip_coef: f64,
    /// Clip the value loss around the old values with the same ε.
    pub clip_vloss: bool,
    /// Entropy bonus coefficient.
    pub ent_coef: f64,
    /// Value loss coefficient.
    pub vf_coef: f64,
    /// Global gradient-norm clipping threshold.
    pub max_grad_norm: f64,
    /// Stop the epochs of an update early once the approximate KL exceeds this (off when absent).
    pub target_kl: Option<f64>,
    /// Normalise advantages per minibatch (mean 0, unbiased std 1; minibatches of one are left as they are).
    pub norm_adv: bool,
    /// Adam epsilon.
    pub adam_eps: f64,
    /// Network shape.
    pub policy: PolicyConfig,
}

impl Default for PpoConfig {
    fn default() -> Self {
        PpoConfig {
            num_steps: 128,
            learning_rate: 2.5e-4,
            anneal_lr: true,
            update_epochs: 4,
            num_minibatches: 4,
            clip_coef: 0.2,
            clip_vloss: true,
            ent_coef: 0.01,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            target_kl: None,
            norm_adv: true,
            adam_eps: 1e-5,
            policy: PolicyConfig::default(),
        }
    }
}

impl PpoConfig {
    pub fn validate(&self, num_envs: usize) -> Result<(), AgentError> {
        let bad = |msg: String| Err(AgentError::Config(msg));
        if self.num_steps == 0 || self.update_epochs == 0 || self.num_minibatches == 0 {
            return bad("ppo.num_steps, ppo.update_epochs and ppo.num_minibatches must be at least 1".into());
        }
        let batch = self.num_steps * num_envs;
        if self.num_minibatches > batch {
            return bad(format!("ppo.num_minibatches ({}) exceeds the batch of {batch} steps", self.num_minibatches));
        }
        for (name, v) in [
            ("ppo.learning_rate", self.learning_rate),
            ("ppo.clip_coef", self.clip_coef),
            ("ppo.max_grad_norm", self.max_grad_norm),
            ("ppo.adam_eps", self.adam_eps),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return bad(format!("{name} must be a positive number, got {v}"));
            }
        }
        for (name, v) in [("ppo.ent_coef", self.ent_coef), ("ppo.vf_coef", self.vf_coef)] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(format!("{name} must be a non-negative number, got {v}"));
            }
        }
        if self.policy.hidden_sizes.iter().any(|&h| h < 1) {
            return bad("ppo.policy.hidden_sizes must all be at least 1".into());
        }
        Ok(())
    }

    pub fn minibatch_size(&self, num_envs: usize) -> usize {
        self.num_steps * num_envs / self.num_minibatches
    }
}
