//! Rollout storage for on-policy algorithms: one fixed-size, time-major buffer reused every iteration.

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
    pub fn new(num_steps: usize, num_envs: usize, obs_dim: usize) -> Self {
        let n = num_steps * num_envs;
        RolloutBuffer {
            num_steps,
            num_envs,
            obs_dim,
            obs: vec![0.0; n * obs_dim],
            starts: vec![0.0; n],
            actions: vec![0; n],
            log_probs: vec![0.0; n],
            values: vec![0.0; n],
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            next_values: vec![0.0; n],
        }
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
