//! Rollout storage for on-policy algorithms: one fixed-size, time-major buffer reused every iteration.

use crate::{alloc, AgentError};

/// `num_steps × num_envs` transitions; index `t * num_envs + i` is step t of env i.
pub struct RolloutBuffer {
    pub num_steps: usize,
    pub num_envs: usize,
    pub obs_dim: usize,
    pub obs: Vec<f32>,
    /// 1.0 where the observation is the first of an episode (recurrent state is reset there).
    pub starts: Vec<f32>,
    pub actions: Vec<i64>,
    pub log_probs: Vec<f32>,
    pub values: Vec<f64>,
    pub rewards: Vec<f64>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
    /// V(true next state), filled only where a step was truncated (not terminated).
    pub next_values: Vec<f64>,
}

impl RolloutBuffer {
    /// An error (not an abort) when `num_steps × num_envs` transitions do not fit in memory.
    pub fn new(num_steps: usize, num_envs: usize, obs_dim: usize) -> Result<Self, AgentError> {
        const WHAT: &str = "the rollout buffer (num_steps × num_envs)";
        let n = alloc::product(num_steps, num_envs, 4 * obs_dim + 45, WHAT)?;
        Ok(RolloutBuffer {
            num_steps,
            num_envs,
            obs_dim,
            obs: alloc::filled(alloc::product(n, obs_dim, 4, WHAT)?, 0.0, WHAT)?,
            starts: alloc::filled(n, 0.0, WHAT)?,
            actions: alloc::filled(n, 0, WHAT)?,
            log_probs: alloc::filled(n, 0.0, WHAT)?,
            values: alloc::filled(n, 0.0, WHAT)?,
            rewards: alloc::filled(n, 0.0, WHAT)?,
            terminated: alloc::filled(n, false, WHAT)?,
            truncated: alloc::filled(n, false, WHAT)?,
            next_values: alloc::filled(n, 0.0, WHAT)?,
        })
    }

    pub fn len(&self) -> usize {
        self.num_steps * self.num_envs
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Slice of the buffer holding the `num_envs` entries of step `t`.
    pub fn step_range(&self, t: usize) -> std::ops::Range<usize> {
        t * self.num_envs..(t + 1) * self.num_envs
    }
}
