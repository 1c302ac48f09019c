//! Random-action stepping: the workload `rlab bench env` times and the criterion benches reuse.
//! Actions come from the caller's seeded generator, one draw per env step, so the timing includes
//! choosing the actions (a Python loop that pre-draws them would not).

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
    for _ in 0..steps {
        let o = env.step_into(&Action::Discrete(rng.gen_range(0..n)), &mut obs)?;
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
        for a in &mut actions {
            *a = rng.gen_range(0..n);
        }
        envs.step_discrete(&actions, out)?;
        episodes += out.episodes.iter().filter(|e| e.is_some()).count() as u64;
    }
    Ok(episodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{make, EnvOptions};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn single_and_vector_stepping_agree_on_episodes() {
        // One vector env of one sub-env sees the same actions and episodes as the plain env.
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut env = make("CartPole-v1", &EnvOptions::default()).unwrap();
        env.reset(Some(3));
        let single = random_steps(&mut env, 2000, &mut rng).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut v = VecEnv::make("CartPole-v1", 1, &EnvOptions::default()).unwrap();
        v.reset(Some(3));
        let mut out = VecStep::new(1, v.obs_dim());
        let vector = random_vec_steps(&mut v, &mut out, 2000, &mut rng).unwrap();
        assert_eq!(single, vector);
        assert!(single > 50, "random CartPole episodes last about 20 steps");
    }
}
