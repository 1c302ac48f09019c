//! Generalised advantage estimation, GAE(γ, λ), and the λ-returns it implies.

use super::{check_len, check_unit_interval, steps_of, Ends, ReturnsError, StepEnd};

/// Advantages and λ-returns (advantage + value), time-major like the inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Advantages {
    pub advantages: Vec<f64>,
    pub returns: Vec<f64>,
}

/// GAE over a time-major rollout of `num_envs` environments.
///
/// - `values[t*n+i]`: V(s_t) for env i.
/// - `next_values[t*n+i]`: V(true next state), read only where the step was truncated (not terminated).
/// - `last_values[i]`: V of the state after the final step, read only if that step did not end an episode.
///
/// λ = 1 gives Monte-Carlo advantages, λ = 0 one-step TD errors.
pub fn gae(
    rewards: &[f64],
    values: &[f64],
    ends: Ends<'_>,
    next_values: &[f64],
    last_values: &[f64],
    num_envs: usize,
    gamma: f64,
    lambda: f64,
) -> Result<Advantages, ReturnsError> {
    let gamma = check_unit_interval("gamma", gamma)?;
    let lambda = check_unit_interval("lambda", lambda)?;
    let steps = steps_of(rewards.len(), num_envs)?;
    check_len("values", values.len(), rewards.len())?;
    check_len("next_values", next_values.len(), rewards.len())?;
    check_len("last_values", last_values.len(), num_envs)?;
    ends.check(rewards.len())?;

    let mut advantages = vec![0.0; rewards.len()];
    // Advantage of the following step in the same episode, per env (0 once the recursion is cut).
    // Backwards over time with all envs of a step together, so memory is read in order (a pass
    // per env strides through the whole rollout); each env's arithmetic is unchanged.
    let mut carried = vec![0.0; num_envs];
    for t in (0..steps).rev() {
        let row = t * num_envs;
        let following = if t + 1 < steps { &values[row + num_envs..row + 2 * num_envs] } else { last_values };
        for (env, carried) in carried.iter_mut().enumerate() {
            let k = row + env;
            let (bootstrap, continue_trace) = match ends.at(k) {
                StepEnd::Terminated => (0.0, false),
                StepEnd::Truncated => (next_values[k], false),
                StepEnd::Continues => (following[env], true),
            };
            let delta = rewards[k] + gamma * bootstrap - values[k];
            *carried = if continue_trace { delta + gamma * lambda * *carried } else { delta };
            advantages[k] = *carried;
        }
    }
    let returns = advantages.iter().zip(values).map(|(a, v)| a + v).collect();
    Ok(Advantages { advantages, returns })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::returns::assert_close;

    // Rollout "R" of the shared cases: one env, truncated at t = 2 (true next value 0.8),
    // a new episode from t = 3, V(after t = 4) = 0.4.
    const R_REWARDS: [f64; 5] = [1.0; 5];
    const R_VALUES: [f64; 5] = [0.5, 0.6, 0.7, 0.2, 0.3];
    const R_NEXT: [f64; 5] = [0.0, 0.0, 0.8, 0.0, 0.0];
    const NONE: [bool; 5] = [false; 5];
    const AT2: [bool; 5] = [false, false, true, false, false];

    fn on_r(terminated: &[bool], truncated: &[bool], gamma: f64, lambda: f64) -> Advantages {
        gae(&R_REWARDS, &R_VALUES, Ends::new(terminated, truncated), &R_NEXT, &[0.4], 1, gamma, lambda).unwrap()
    }

    #[test]
    fn case1_truncation_bootstraps_and_cuts() {
        let out = on_r(&NONE, &AT2, 0.9, 0.95);
        assert_close(&out.advantages, &[2.666295, 1.9021, 1.02, 1.9763, 1.06], 1e-6);
        assert_close(&out.returns, &[3.166295, 2.5021, 1.72, 2.1763, 1.36], 1e-6);
    }

    #[test]
    fn case1_same_as_folding_the_bootstrap_into_the_reward() {
        let mut rewards = R_REWARDS;
        rewards[2] += 0.9 * 0.8;
        let folded = gae(&rewards, &R_VALUES, Ends::new(&AT2, &NONE), &[0.0; 5], &[0.4], 1, 0.9, 0.95).unwrap();
        assert_close(&folded.advantages, &on_r(&NONE, &AT2, 0.9, 0.95).advantages, 1e-12);
    }

    #[test]
    fn case2_termination_does_not_bootstrap_and_wins_over_truncation() {
        let want = [2.139957, 1.2865, 0.3, 1.9763, 1.06];
        assert_close(&on_r(&AT2, &NONE, 0.9, 0.95).advantages, &want, 1e-6);
        assert_close(&on_r(&AT2, &AT2, 0.9, 0.95).advantages, &want, 1e-6);
    }

    #[test]
    fn case3_truncation_is_not_a_continuing_step() {
        // Bootstrapping without cutting would give [3.901535, 3.346825, 2.709737, ...].
        let out = on_r(&NONE, &AT2, 0.9, 0.95);
        assert!((out.advantages[0] - 3.901535).abs() > 1.0);
        assert!((out.advantages[2] - 2.709737).abs() > 1.0);
    }

    #[test]
    fn case4_discount_edges() {
        let g0 = on_r(&NONE, &AT2, 0.0, 0.95);
        assert_close(&g0.advantages, &[0.5, 0.4, 0.3, 0.8, 0.7], 1e-12);
        assert_close(&g0.returns, &R_REWARDS, 1e-12);
        assert_close(&on_r(&NONE, &AT2, 1.0, 1.0).advantages, &[3.3, 2.2, 1.1, 2.2, 1.1], 1e-12);
        assert_close(&on_r(&NONE, &AT2, 0.9, 0.0).advantages, &[1.04, 1.03, 1.02, 1.07, 1.06], 1e-12);
    }

    #[test]
    fn envs_are_independent_in_a_time_major_rollout() {
        // Two envs interleaved: env 0 is rollout R, env 1 is R with termination at t = 2.
        let mut rewards = vec![];
        let mut values = vec![];
        let mut next = vec![];
        let mut term = vec![];
        let mut trunc = vec![];
        for t in 0..5 {
            rewards.extend([1.0, 1.0]);
            values.extend([R_VALUES[t], R_VALUES[t]]);
            next.extend([R_NEXT[t], R_NEXT[t]]);
            term.extend([false, AT2[t]]);
            trunc.extend([AT2[t], false]);
        }
        let out = gae(&rewards, &values, Ends::new(&term, &trunc), &next, &[0.4, 0.4], 2, 0.9, 0.95).unwrap();
        let env0: Vec<f64> = out.advantages.iter().step_by(2).copied().collect();
        let env1: Vec<f64> = out.advantages.iter().skip(1).step_by(2).copied().collect();
        assert_close(&env0, &[2.666295, 1.9021, 1.02, 1.9763, 1.06], 1e-6);
        assert_close(&env1, &[2.139957, 1.2865, 0.3, 1.9763, 1.06], 1e-6);
    }

    #[test]
    fn bad_rates_and_shapes_are_errors() {
        let ends = Ends::new(&NONE, &NONE);
        for (g, l) in [(1.5, 0.9), (0.9, -0.1), (f64::NAN, 0.9), (0.9, f64::NAN)] {
            assert!(matches!(
                gae(&R_REWARDS, &R_VALUES, ends, &R_NEXT, &[0.4], 1, g, l),
                Err(ReturnsError::OutOfRange { .. })
            ));
        }
        assert!(gae(&R_REWARDS, &R_VALUES[..4], ends, &R_NEXT, &[0.4], 1, 0.9, 0.9).is_err());
        assert!(gae(&R_REWARDS, &R_VALUES, ends, &R_NEXT, &[0.4], 2, 0.9, 0.9).is_err());
    }
}
