//! n-step targets: G = r_i + γ r_{i+1} + … + γ^{m−1} r_{i+m−1}, bootstrapped with γ^m·V(s_{i+m}).

use super::{check_len, check_unit_interval, Ends, ReturnsError, StepEnd};

/// The n-step target starting at one index of a single-env trajectory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NStepTarget {
    /// Discounted sum of the (up to n) rewards.
    pub partial_return: f64,
    /// γ^m, the factor for the bootstrap value, where m is the number of rewards summed.
    pub discount: f64,
    /// Whether to add `discount · V(next state of last_index)`; false after a terminal state.
    pub bootstrap: bool,
    /// Index whose (true) next state is bootstrapped from.
    pub last_index: usize,
}

impl NStepTarget {
    /// The full target given V of the next state of `last_index`.
    pub fn target(&self, next_value: f64) -> f64 {
        if self.bootstrap {
            self.partial_return + self.discount * next_value
        } else {
            self.partial_return
        }
    }
}

/// n-step targets for every index of one trajectory (one env, in time order).
///
/// The sum stops early at an episode end: after a terminated step there is no bootstrap, after a
/// truncated one the bootstrap is from that step's true next state. Near the end of the data the
/// sum is shorter and bootstraps from the next state of the last index.
pub fn n_step_targets(rewards: &[f64], ends: Ends<'_>, n: usize, gamma: f64) -> Result<Vec<NStepTarget>, ReturnsError> {
    let gamma = check_unit_interval("gamma", gamma)?;
    if n == 0 {
        return Err(ReturnsError::ZeroN);
    }
    check_len("terminated", ends.terminated.len(), rewards.len())?;
    check_len("truncated", ends.truncated.len(), rewards.len())?;
    let len = rewards.len();
    let mut out = Vec::with_capacity(len);
    for start in 0..len {
        let mut partial_return = 0.0;
        let mut discount = 1.0;
        let mut bootstrap = true;
        let mut last_index = start;
        for k in start..(start + n).min(len) {
            partial_return += discount * rewards[k];
            discount *= gamma;
            last_index = k;
            match ends.at(k) {
                StepEnd::Terminated => {
                    bootstrap = false;
                    break;
                }
                StepEnd::Truncated => break,
                StepEnd::Continues => {}
            }
        }
        out.push(NStepTarget { partial_return, discount, bootstrap, last_index });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(terminated: [bool; 3], truncated: [bool; 3]) -> NStepTarget {
        n_step_targets(&[1.0, 2.0, 4.0], Ends::new(&terminated, &truncated), 3, 0.9).unwrap()[0]
    }

    #[test]
    fn case6_no_episode_end() {
        let t = first([false; 3], [false; 3]);
        assert!((t.partial_return - 6.04).abs() < 1e-12);
        assert!((t.discount - 0.729).abs() < 1e-12);
        assert!(t.bootstrap);
        assert_eq!(t.last_index, 2);
    }

    #[test]
    fn case6_terminated_stops_without_bootstrap() {
        let t = first([false, true, false], [false; 3]);
        assert!((t.partial_return - 2.8).abs() < 1e-12);
        assert!((t.discount - 0.81).abs() < 1e-12);
        assert!(!t.bootstrap);
        assert_eq!(t.target(100.0), t.partial_return);
    }

    #[test]
    fn case6_truncated_stops_and_bootstraps_from_true_next_state() {
        let t = first([false; 3], [false, true, false]);
        assert!((t.partial_return - 2.8).abs() < 1e-12);
        assert!((t.discount - 0.81).abs() < 1e-12);
        assert!(t.bootstrap);
        assert_eq!(t.last_index, 1);
        assert!((t.target(1.0) - 3.61).abs() < 1e-12);
    }

    #[test]
    fn short_tail_and_bad_input() {
        let all = n_step_targets(&[1.0, 2.0, 4.0], Ends::new(&[false; 3], &[false; 3]), 3, 0.9).unwrap();
        assert_eq!(all[2].last_index, 2);
        assert!((all[2].discount - 0.9).abs() < 1e-12);
        assert!(n_step_targets(&[1.0], Ends::new(&[false], &[false]), 0, 0.9).is_err());
        assert!(n_step_targets(&[1.0], Ends::new(&[false], &[false]), 1, -0.5).is_err());
    }
}
