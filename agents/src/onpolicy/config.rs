//! Hyperparameters of the on-policy actor-critic algorithms. PPO's defaults are CleanRL's
//! `ppo.py`; A2C's are Stable-Baselines3's.

use serde::{Deserialize, Serialize};

use crate::{
    optim::{OptimizerConfig, OptimizerKind},
    AgentError,
};

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
    /// Minibatches per pass (recurrent policies: groups of envs, so at most num_envs).
    pub num_minibatches: usize,
    /// Ratio clipping range ε of the surrogate objective.
    pub clip_coef: f64,
    /// Anneal the clipping range linearly to 0 over the run, like the learning rate (RL Zoo's `lin_0.2`).
    pub anneal_clip: bool,
    /// Clip the value loss around the old values with the same ε.
    pub clip_vloss: bool,
    /// Entropy bonus coefficient.
    pub ent_coef: f64,
    /// Anneal the entropy coefficient linearly to 0 over the run: explore early, then let the
    /// policy sharpen where actions differ little in value (grid worlds with slip).
    pub anneal_ent: bool,
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
            anneal_clip: false,
            clip_vloss: true,
            ent_coef: 0.01,
            anneal_ent: false,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            target_kl: None,
            norm_adv: true,
            adam_eps: 1e-5,
        }
    }
}

/// A2C: one gradient step per rollout of the plain policy-gradient loss, RMSprop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct A2cConfig {
    /// Steps per env in each rollout.
    pub num_steps: usize,
    /// RMSprop learning rate.
    pub learning_rate: f64,
    /// Anneal the learning rate linearly to 0 over the run.
    pub anneal_lr: bool,
    pub ent_coef: f64,
    pub vf_coef: f64,
    pub max_grad_norm: f64,
    /// Normalise advantages over the rollout.
    pub norm_adv: bool,
    /// RMSprop smoothing constant α and epsilon.
    pub rms_alpha: f64,
    pub rms_eps: f64,
}

impl Default for A2cConfig {
    fn default() -> Self {
        A2cConfig {
            num_steps: 5,
            learning_rate: 7e-4,
            anneal_lr: false,
            ent_coef: 0.0,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            norm_adv: false,
            rms_alpha: 0.99,
            rms_eps: 1e-5,
        }
    }
}

/// What the shared on-policy trainer runs: PPO's clipped update or A2C's single plain step.
#[derive(Clone, Debug, PartialEq)]
pub struct OnPolicySettings {
    pub num_steps: usize,
    pub learning_rate: f64,
    pub anneal_lr: bool,
    pub update_epochs: usize,
    pub num_minibatches: usize,
    /// PPO's clipped surrogate with this ε; `None` is the plain policy gradient (A2C).
    pub clip_coef: Option<f64>,
    /// Anneal ε linearly to 0 over the run (the same fraction as the learning rate).
    pub anneal_clip: bool,
    pub clip_vloss: bool,
    pub ent_coef: f64,
    /// Anneal the entropy coefficient linearly to 0 (the same fraction as the learning rate).
    pub anneal_ent: bool,
    pub vf_coef: f64,
    pub max_grad_norm: f64,
    pub target_kl: Option<f64>,
    pub norm_adv: bool,
    pub optimizer: OptimizerConfig,
}

impl From<&PpoConfig> for OnPolicySettings {
    fn from(c: &PpoConfig) -> Self {
        OnPolicySettings {
            num_steps: c.num_steps,
            learning_rate: c.learning_rate,
            anneal_lr: c.anneal_lr,
            update_epochs: c.update_epochs,
            num_minibatches: c.num_minibatches,
            clip_coef: Some(c.clip_coef),
            anneal_clip: c.anneal_clip,
            clip_vloss: c.clip_vloss,
            ent_coef: c.ent_coef,
            anneal_ent: c.anneal_ent,
            vf_coef: c.vf_coef,
            max_grad_norm: c.max_grad_norm,
            target_kl: c.target_kl,
            norm_adv: c.norm_adv,
            optimizer: OptimizerConfig { kind: OptimizerKind::Adam, eps: c.adam_eps, ..Default::default() },
        }
    }
}

impl From<&A2cConfig> for OnPolicySettings {
    fn from(c: &A2cConfig) -> Self {
        OnPolicySettings {
            num_steps: c.num_steps,
            learning_rate: c.learning_rate,
            anneal_lr: c.anneal_lr,
            update_epochs: 1,
            num_minibatches: 1,
            clip_coef: None,
            anneal_clip: false,
            clip_vloss: false,
            ent_coef: c.ent_coef,
            anneal_ent: false,
            vf_coef: c.vf_coef,
            max_grad_norm: c.max_grad_norm,
            target_kl: None,
            norm_adv: c.norm_adv,
            optimizer: OptimizerConfig {
                kind: OptimizerKind::Rmsprop,
                alpha: c.rms_alpha,
                eps: c.rms_eps,
                ..Default::default()
            },
        }
    }
}

impl OnPolicySettings {
    pub fn validate(&self, num_envs: usize, recurrent: bool) -> Result<(), AgentError> {
        let bad = |msg: String| Err(AgentError::Config(msg));
        if self.num_steps == 0 || self.update_epochs == 0 || self.num_minibatches == 0 {
            return bad("num_steps, update_epochs and num_minibatches must be at least 1".into());
        }
        let batch = self.num_steps * num_envs;
        if self.num_minibatches > batch {
            return bad(format!("num_minibatches ({}) exceeds the batch of {batch} steps", self.num_minibatches));
        }
        if recurrent && self.num_minibatches > num_envs {
            return bad(format!(
                "a recurrent policy splits minibatches by env: num_minibatches ({}) must not exceed num_envs ({num_envs})",
                self.num_minibatches
            ));
        }
        let positive = [("learning_rate", self.learning_rate), ("max_grad_norm", self.max_grad_norm), ("optimizer eps", self.optimizer.eps)];
        for (name, v) in positive.into_iter().chain(self.clip_coef.map(|c| ("clip_coef", c))) {
            if !(v.is_finite() && v > 0.0) {
                return bad(format!("{name} must be a positive number, got {v}"));
            }
        }
        if let Some(kl) = self.target_kl {
            if !(kl.is_finite() && kl > 0.0) {
                return bad(format!("target_kl must be a positive number (or left out: no early stop), got {kl}"));
            }
        }
        for (name, v) in [("ent_coef", self.ent_coef), ("vf_coef", self.vf_coef)] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(format!("{name} must be a non-negative number, got {v}"));
            }
        }
        Ok(())
    }
}
