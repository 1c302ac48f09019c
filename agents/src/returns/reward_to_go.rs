//! Discounted reward-to-go: G_t = r_t + γ·G_{t+1}, restarted at episode ends.

use super::{check_len, check_unit_interval, steps_of, Ends, ReturnsError, StepEnd};

/// Discounted reward-to-go over a time-major rollout of `num_envs` environments.
///
/// At a terminated step nothing follows; at a truncated step the return is bootstrapped with
/// `next_values[k]` (the value of the true next state); at the final step of a still-running episode
/// with `last_values[env]`. Pass zeros for pure Monte-Carlo returns of complete episodes.
pub fn discounted_returns(
    rewards: &[f64],
    ends: Ends<'_>,
    next_values: &[f64],
    last_values: &[f64],
    num_envs: usize,
    gamma: f64,
) -> Result<Vec<f64>, ReturnsError> {
    let gamma = check_unit_interval("gamma", gamma)?;
    let steps = steps_of(rewards.len(), num_envs)?;
    check_len("next_values", next_values.len(), rewards.len())?;
    check_len("last_values", last_values.len(), num_envs)?;
    ends.check(rewards.len())?;

    let mut returns = vec![0.0; rewards.len()];
    for env in 0..num_envs {
        let mut following = last_values[env];
        for t in (0..steps).rev() {
            let k = t * num_envs + env;
            let after = match ends.at(k) {
                StepEnd::Terminated => 0.0,
                StepEnd::Truncated => next_values[k],
                StepEnd::Continues => following,
            };
            returns[k] = rewards[k] + gamma * after;
            following = returns[k];
        }
    }
    Ok(returns)
}

/// The discounted return from every step of one complete episode (the last step is terminal).
pub fn episode_returns(rewards: &[f64], gamma: f64) -> Result<Vec<f64>, ReturnsError> {
    let n = rewards.len();
    let mut terminated = vec![false; n];
    if let Some(last) = terminated.last_mut() {
        *last = true;
    }
    discounted_returns(rewards, Ends::new(&terminated, &vec![false; n]), &vec![0.0; n], &[0.0], 1, gamma)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::returns::assert_close;

    fn case5(gamma: f64) -> Vec<f64> {
        let terminated = [false, true, false, false];
        discounted_returns(&[1.0, 2.0, 3.0, 4.0], Ends::new(&terminated, &[false; 4]), &[0.0; 4], &[0.0], 1, gamma)
            .unwrap()
    }

    #[test]
    fn case5_reward_to_go_restarts_after_termination() {
        assert_close(&case5(0.0), &[1.0, 2.0, 3.0, 4.0], 1e-12);
        assert_close(&case5(0.9), &[2.8, 2.0, 6.6, 4.0], 1e-12);
        assert_close(&case5(1.0), &[3.0, 2.0, 7.0, 4.0], 1e-12);
    }

    #[test]
    fn truncation_bootstraps_from_the_true_next_state() {
        let truncated = [false, true, false];
        let out =
            discounted_returns(&[1.0, 1.0, 1.0], Ends::new(&[false; 3], &truncated), &[0.0, 10.0, 0.0], &[5.0], 1, 0.5)
                .unwrap();
        assert_close(&out, &[1.0 + 0.5 * 6.0, 6.0, 1.0 + 0.5 * 5.0], 1e-12);
    }

    #[test]
    fn one_complete_episode() {
        assert_close(&episode_returns(&[1.0, 0.0, 2.0], 0.9).unwrap(), &[2.62, 1.8, 2.0], 1e-12);
        assert!(episode_returns(&[], 0.9).unwrap().is_empty());
        assert!(episode_returns(&[1.0], 1.1).is_err());
    }
}
