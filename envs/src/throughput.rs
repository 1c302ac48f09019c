//! Random-action stepping: the workload `rlab bench env` times and the criterion benches reuse.
//! Actions come from the caller's seeded generator inside the timed loop, so the timing includes
//! choosing them: 64 at a time from the bits of one draw where the count is a power of two
//! (what numpy's batch sampling does for Gymnasium's vector env), else one draw per action.

use rand::Rng;

use crate::env::{Env, EnvError};
use crate::space::{Action, Space};
use crate::vector::{VecEnv, VecStep};

fn num_actions(space: &Space) -> Result<usize, EnvError> {
    match space {
        Space::Discrete { n } => Ok(*n),
        other => Err(EnvError::Unsupported(format!(
            "random stepping needs a discrete action space, got {other}"
        ))),
    }
}

/// Steps one env `steps` times, resetting it whenever an episode ends (like a plain Gymnasium
/// loop). The env must have been reset. Returns the number of finished episodes.
pub fn random_steps(env: &mut dyn Env, steps: u64, rng: &mut impl Rng) -> Result<u64, EnvError> {
    let n = num_actions(env.action_space())?;
    let mut obs = vec![0.0; env.observation_space().flat_dim()];
    let mut episodes = 0;
    // Actions drawn 64 at a time, as for the vector env (numpy's batch sampling does the same).
    let mut actions = vec![0; 64];
    for t in 0..steps {
        let k = (t % 64) as usize;
        if k == 0 {
            uniform_actions(n, &mut actions, rng);
        }
        let o = env.step_into(&Action::Discrete(actions[k]), &mut obs)?;
        if o.terminated || o.truncated {
            episodes += 1;
            env.reset_into(None, &mut obs)?;
        }
    }
    Ok(episodes)
}

/// Steps a vector env `steps` times (`steps × num_envs` env steps; it autoresets). The vector
/// env must have been reset. Returns the number of finished episodes.
pub fn random_vec_steps(
    envs: &mut VecEnv,
    out: &mut VecStep,
    steps: u64,
    rng: &mut impl Rng,
) -> Result<u64, EnvError> {
    let n = num_actions(envs.action_space())?;
    let mut actions = vec![0; envs.num_envs()];
    let mut episodes = 0;
    for _ in 0..steps {
        uniform_actions(n, &mut actions, rng);
        envs.step_discrete(&actions, out)?;
        episodes += out.episodes.iter().filter(|e| e.is_some()).count() as u64;
    }
    Ok(episodes)
}

/// Fills `actions` with independent uniform draws from `0..n`, as a numpy batch sample would.
/// For a power-of-two `n` each action takes log2(n) bits of one 64-bit draw (exactly uniform,
/// several actions per draw); otherwise one `gen_range` per action.
fn uniform_actions(n: usize, actions: &mut [usize], rng: &mut impl Rng) {
    if !n.is_power_of_two() || n > 1 << 16 {
        for a in actions.iter_mut() {
            *a = rng.gen_range(0..n);
        }
        return;
    }
    let bits = n.trailing_zeros();
    if bits == 0 {
        actions.fill(0);
        return;
    }
    let per_draw = (64 / bits) as usize;
    for chunk in actions.chunks_mut(per_draw) {
        let mut word: u64 = rng.gen();
        for a in chunk {
            *a = (word & (n as u64 - 1)) as usize;
            word >>= bits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{make, EnvOptions};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn batch_actions_are_uniform_and_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 3, 4, 8] {
            let mut actions = vec![usize::MAX; 100_003];
            uniform_actions(n, &mut actions, &mut rng);
            let mut counts = vec![0usize; n];
            for &a in &actions {
                counts[a] += 1; // panics if out of range
            }
            let expect = actions.len() as f64 / n as f64;
            // 5 standard deviations of a binomial count.
            let sd = (actions.len() as f64 * (1.0 / n as f64) * (1.0 - 1.0 / n as f64)).sqrt();
            assert!(counts.iter().all(|&c| (c as f64 - expect).abs() <= 5.0 * sd + 1e-9), "n={n}: {counts:?}");
        }
    }

    #[test]
    fn single_and_vector_stepping_give_random_cartpoles_mean_episode_length() {
        // A uniformly random policy keeps CartPole up for about 22 steps on average; both loops
        // (one action per gen_range, and batch actions from bits) must see that.
        let steps = 200_000;
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut env = make("CartPole-v1", &EnvOptions::default()).unwrap();
        env.reset(Some(3));
        let single = random_steps(&mut env, steps, &mut rng).unwrap();
        let mut v = VecEnv::make("CartPole-v1", 8, &EnvOptions::default()).unwrap();
        v.reset(Some(3));
        let mut out = VecStep::new(8, v.obs_dim());
        let vector = random_vec_steps(&mut v, &mut out, steps / 8, &mut rng).unwrap();
        for (what, episodes) in [("single", single), ("vector", vector)] {
            let mean = steps as f64 / episodes as f64;
            assert!((21.0..23.5).contains(&mean), "{what}: mean episode length {mean}");
        }
    }
}
