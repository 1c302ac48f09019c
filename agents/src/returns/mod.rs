//! Discount-rate-aware returns and advantages, as plain functions over slices.
//!
//! Layout: a rollout of `num_envs` environments over `T` steps is stored time-major, so the value for
//! step `t` of env `i` sits at index `t * num_envs + i`.
//!
//! Episode ends, the rule every function here follows:
//! - `terminated[t]`: the MDP reached a terminal state. Nothing is bootstrapped after it.
//! - `truncated[t]` (and not terminated): the episode was cut by a time limit. The return is
//!   bootstrapped with the value of the *true* next state (`next_values[t]`) and the recursion stops
//!   there, because the following entry of the rollout belongs to a new episode.
//! - A step both terminated and truncated counts as terminated.

mod gae;
mod nstep;
mod reward_to_go;

pub use gae::{gae, Advantages};
pub use nstep::{n_step_targets, NStepTarget};
pub use reward_to_go::{discounted_returns, episode_returns};

use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum ReturnsError {
    #[error("{name} must lie in [0, 1], got {value}")]
    OutOfRange { name: &'static str, value: f64 },
    #[error("{what} has {got} entries, expected {expected}")]
    Length { what: &'static str, got: usize, expected: usize },
    #[error("num_envs must be at least 1")]
    NoEnvs,
    #[error("n must be at least 1 for n-step targets")]
    ZeroN,
}

/// Checks that a discount rate or trace parameter lies in [0, 1] (NaN is rejected).
pub fn check_unit_interval(name: &'static str, value: f64) -> Result<f64, ReturnsError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ReturnsError::OutOfRange { name, value })
    }
}

/// The effective horizon 1/(1−γ): roughly how many steps ahead a reward still counts.
/// Infinite at γ = 1.
pub fn effective_horizon(gamma: f64) -> Result<f64, ReturnsError> {
    let gamma = check_unit_interval("gamma", gamma)?;
    Ok(if gamma == 1.0 { f64::INFINITY } else { 1.0 / (1.0 - gamma) })
}

/// How one rollout step ended, with the terminated-wins rule applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepEnd {
    /// The episode goes on after this step.
    Continues,
    /// Terminal state: no bootstrap.
    Terminated,
    /// Time limit: bootstrap from the true next state, then cut.
    Truncated,
}

impl StepEnd {
    pub fn of(terminated: bool, truncated: bool) -> Self {
        if terminated {
            StepEnd::Terminated
        } else if truncated {
            StepEnd::Truncated
        } else {
            StepEnd::Continues
        }
    }
}

/// The episode-end flags of a rollout, shared by every estimator here.
#[derive(Clone, Copy, Debug)]
pub struct Ends<'a> {
    pub terminated: &'a [bool],
    pub truncated: &'a [bool],
}

impl<'a> Ends<'a> {
    pub fn new(terminated: &'a [bool], truncated: &'a [bool]) -> Self {
        Ends { terminated, truncated }
    }

    pub fn at(&self, k: usize) -> StepEnd {
        StepEnd::of(self.terminated[k], self.truncated[k])
    }

    fn check(&self, len: usize) -> Result<(), ReturnsError> {
        check_len("terminated", self.terminated.len(), len)?;
        check_len("truncated", self.truncated.len(), len)
    }
}

pub(crate) fn check_len(what: &'static str, got: usize, expected: usize) -> Result<(), ReturnsError> {
    if got == expected {
        Ok(())
    } else {
        Err(ReturnsError::Length { what, got, expected })
    }
}

/// Number of time steps of a time-major rollout, after checking its shape.
pub(crate) fn steps_of(len: usize, num_envs: usize) -> Result<usize, ReturnsError> {
    if num_envs == 0 {
        return Err(ReturnsError::NoEnvs);
    }
    if !len.is_multiple_of(num_envs) {
        return Err(ReturnsError::Length { what: "rollout", got: len, expected: len.div_ceil(num_envs) * num_envs });
    }
    Ok(len / num_envs)
}

#[cfg(test)]
pub(crate) fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "index {k}: got {g}, want {w} (all: {got:?})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_is_one_over_one_minus_gamma() {
        assert_eq!(effective_horizon(0.0).unwrap(), 1.0);
        assert!((effective_horizon(0.99).unwrap() - 100.0).abs() < 1e-9);
        assert!(effective_horizon(1.0).unwrap().is_infinite());
    }

    #[test]
    fn rates_outside_unit_interval_are_errors() {
        for bad in [-0.1, 1.0001, f64::NAN, f64::INFINITY] {
            assert!(effective_horizon(bad).is_err(), "{bad} accepted");
            assert!(check_unit_interval("lambda", bad).is_err());
        }
    }

    #[test]
    fn terminated_wins_over_truncated() {
        assert_eq!(StepEnd::of(true, true), StepEnd::Terminated);
        assert_eq!(StepEnd::of(false, true), StepEnd::Truncated);
        assert_eq!(StepEnd::of(false, false), StepEnd::Continues);
    }
}
