//! Deterministic evaluation of a policy on fresh episodes.

use anyhow::Result;
use rlab_agents::Actor;
use rlab_envs::{Env, EnvOptions};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct EvalResult {
    pub mean_return: f64,
    pub std_return: f64,
    pub episodes: usize,
    pub returns: Vec<f64>,
    /// γ-discounted return from the start, comparable with `rlab solve`'s optimal start value.
    pub gamma: f64,
    pub mean_discounted_return: f64,
}

/// Seeds for evaluation episodes live far from the training seeds (seed + i for sub-env i).
pub const EVAL_SEED_OFFSET: u64 = 1_000_000;

/// Runs `episodes` episodes with the policy's deterministic action; episode k is reset with
/// `seed + EVAL_SEED_OFFSET + k`. `on_step` sees each step (for rendering).
pub fn evaluate(
    actor: &mut dyn Actor,
    env_name: &str,
    episodes: usize,
    seed: u64,
    gamma: f64,
    mut on_step: impl FnMut(&dyn Env, usize, f64),
) -> Result<EvalResult> {
    let mut env = rlab_envs::make(env_name, &EnvOptions::default())?;
    let mut returns = Vec::new();
    let mut discounted = Vec::new();
    for k in 0..episodes {
        let mut obs = env.reset(Some(seed + EVAL_SEED_OFFSET + k as u64));
        actor.begin_episode();
        let (mut total, mut disc, mut weight) = (0.0, 0.0, 1.0);
        loop {
            let step = env.step(&actor.act_deterministic(&obs)?)?;
            total += step.reward;
            disc += weight * step.reward;
            weight *= gamma;
            on_step(env.as_ref(), k, total);
            if step.terminated || step.truncated {
                break;
            }
            obs = step.obs;
        }
        returns.push(total);
        discounted.push(disc);
    }
    let (mean_return, std_return) = mean_std(&returns);
    let mean_discounted_return = mean_std(&discounted).0;
    Ok(EvalResult { mean_return, std_return, episodes, returns, gamma, mean_discounted_return })
}

/// Mean and population standard deviation (0, 0 for no data).
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}
