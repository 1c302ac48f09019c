//! Replay buffer of n-step transitions. Truncation is kept apart from termination: a transition
//! cut by a time limit still bootstraps from its true next state; only a terminal state does not.

use std::collections::VecDeque;

use rand::Rng;

use crate::{
    alloc,
    returns::{n_step_targets, Ends, ReturnsError},
    AgentError,
};

/// Ring buffer; every field is indexed by slot.
pub struct ReplayBuffer {
    capacity: usize,
    obs_dim: usize,
    len: usize,
    next: usize,
    pub obs: Vec<f32>,
    pub next_obs: Vec<f32>,
    pub actions: Vec<i64>,
    /// Discounted sum of the (up to n) rewards.
    pub returns: Vec<f32>,
    /// γ^m · (1 if bootstrapping else 0): the factor of max Q(next_obs).
    pub bootstrap_discount: Vec<f32>,
}

impl ReplayBuffer {
    /// An error (not an abort) when `capacity` transitions do not fit in memory.
    pub fn new(capacity: usize, obs_dim: usize) -> Result<Self, AgentError> {
        const WHAT: &str = "the replay buffer (dqn.buffer_size)";
        let floats = alloc::product(capacity, obs_dim, 8, WHAT)?;
        Ok(ReplayBuffer {
            capacity,
            obs_dim,
            len: 0,
            next: 0,
            obs: alloc::filled(floats, 0.0, WHAT)?,
            next_obs: alloc::filled(floats, 0.0, WHAT)?,
            actions: alloc::filled(capacity, 0, WHAT)?,
            returns: alloc::filled(capacity, 0.0, WHAT)?,
            bootstrap_discount: alloc::filled(capacity, 0.0, WHAT)?,
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, obs: &[f32], action: usize, ret: f64, bootstrap_discount: f64, next_obs: &[f32]) {
        let (i, d) = (self.next, self.obs_dim);
        self.obs[i * d..(i + 1) * d].copy_from_slice(obs);
        self.next_obs[i * d..(i + 1) * d].copy_from_slice(next_obs);
        self.actions[i] = action as i64;
        self.returns[i] = ret as f32;
        self.bootstrap_discount[i] = bootstrap_discount as f32;
        self.next = (self.next + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
    }

    /// Uniform sample of slots (with replacement).
    pub fn sample(&self, batch: usize, rng: &mut impl Rng) -> Vec<usize> {
        (0..batch).map(|_| rng.gen_range(0..self.len)).collect()
    }
}

/// The last (up to n) steps of one env, waiting to become n-step transitions.
pub struct NStepWindow {
    n: usize,
    gamma: f64,
    steps: VecDeque<(Vec<f32>, usize, f64)>,
}

/// An n-step transition ready for the buffer: (obs, action, return, bootstrap discount).
pub type Ready = (Vec<f32>, usize, f64, f64);

impl NStepWindow {
    pub fn new(n: usize, gamma: f64) -> Self {
        NStepWindow { n, gamma, steps: VecDeque::with_capacity(n) }
    }

    /// Adds one step. Returns the transitions that are complete: the oldest one when the window
    /// is full, or all of them when the episode ended (terminated: no bootstrap; truncated:
    /// bootstrap from the true next state, which the caller stores as next_obs).
    pub fn push(&mut self, obs: &[f32], action: usize, reward: f64, terminated: bool, truncated: bool) -> Result<Vec<Ready>, ReturnsError> {
        self.steps.push_back((obs.to_vec(), action, reward));
        let ended = terminated || truncated;
        if !ended && self.steps.len() < self.n {
            return Ok(Vec::new());
        }
        let rewards: Vec<f64> = self.steps.iter().map(|s| s.2).collect();
        let len = rewards.len();
        let mut term = vec![false; len];
        let mut trunc = vec![false; len];
        term[len - 1] = terminated;
        trunc[len - 1] = truncated;
        let targets = n_step_targets(&rewards, Ends::new(&term, &trunc), self.n, self.gamma)?;
        let emit = if ended { len } else { 1 };
        let mut out = Vec::with_capacity(emit);
        for t in targets.into_iter().take(emit) {
            let (obs, action, _) = self.steps.pop_front().expect("window holds the step");
            let factor = if t.bootstrap { t.discount } else { 0.0 };
            out.push((obs, action, t.partial_return, factor));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_step_window_matches_case6() {
        let mut w = NStepWindow::new(3, 0.9);
        assert!(w.push(&[0.0], 0, 1.0, false, false).unwrap().is_empty());
        assert!(w.push(&[1.0], 0, 2.0, false, false).unwrap().is_empty());
        let out = w.push(&[2.0], 1, 4.0, false, false).unwrap();
        assert_eq!(out.len(), 1);
        assert!((out[0].2 - 6.04).abs() < 1e-12 && (out[0].3 - 0.729).abs() < 1e-12);
    }

    #[test]
    fn termination_flushes_without_bootstrap_truncation_with() {
        let mut w = NStepWindow::new(3, 0.9);
        w.push(&[0.0], 0, 1.0, false, false).unwrap();
        let out = w.push(&[1.0], 0, 2.0, true, false).unwrap();
        assert_eq!(out.len(), 2);
        assert!((out[0].2 - 2.8).abs() < 1e-12 && out[0].3 == 0.0);
        assert!((out[1].2 - 2.0).abs() < 1e-12 && out[1].3 == 0.0);

        let mut w = NStepWindow::new(3, 0.9);
        w.push(&[0.0], 0, 1.0, false, false).unwrap();
        let out = w.push(&[1.0], 0, 2.0, false, true).unwrap();
        assert!((out[0].2 - 2.8).abs() < 1e-12 && (out[0].3 - 0.81).abs() < 1e-12);
        assert!((out[1].3 - 0.9).abs() < 1e-12);
        // Terminated and truncated at once: terminated wins.
        let mut w = NStepWindow::new(1, 0.9);
        assert_eq!(w.push(&[0.0], 0, 1.0, true, true).unwrap()[0].3, 0.0);
    }

    #[test]
    fn ring_buffer_overwrites_the_oldest() {
        let mut b = ReplayBuffer::new(2, 1).unwrap();
        for k in 0..3 {
            b.push(&[k as f32], k, 0.0, 0.0, &[0.0]);
        }
        assert_eq!(b.len(), 2);
        assert_eq!(b.obs, vec![2.0, 1.0]);
    }
}
