//! Deterministic evaluation of a policy on fresh episodes.

use anyhow::Result;
use rlab_agents::Actor;
use rlab_envs::{gridworld::render_policy, Action, Cell, Env, EnvOptions, GridWorld};
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
/// `seed + EVAL_SEED_OFFSET + k`. Feed-forward policies play all episodes side by side, one
/// forward pass per step for every episode still running (the same actions as one at a time);
/// recurrent ones play them in turn.
pub fn evaluate(actor: &mut dyn Actor, env_name: &str, episodes: usize, seed: u64, gamma: f64) -> Result<EvalResult> {
    if actor.is_recurrent() {
        return evaluate_in_turn(actor, env_name, episodes, seed, gamma, |_, _, _| {});
    }
    let mut totals = Vec::with_capacity(episodes);
    for first in (0..episodes).step_by(SIDE_BY_SIDE) {
        let ks = first..episodes.min(first + SIDE_BY_SIDE);
        totals.extend(play_side_by_side(actor, env_name, ks, seed, gamma)?);
    }
    summarise(totals, gamma)
}

/// Episodes played at once by `evaluate` (bounds the envs held and the batch of one forward pass).
const SIDE_BY_SIDE: usize = 256;

/// (return, discounted return) of episodes `ks`, stepped together.
fn play_side_by_side(
    actor: &mut dyn Actor,
    env_name: &str,
    ks: std::ops::Range<usize>,
    seed: u64,
    gamma: f64,
) -> Result<Vec<(f64, f64)>> {
    let mut envs = Vec::with_capacity(ks.len());
    let mut obs = Vec::with_capacity(ks.len());
    for k in ks {
        let mut env = rlab_envs::make(env_name, &EnvOptions::default())?;
        obs.push(env.reset(Some(seed + EVAL_SEED_OFFSET + k as u64)));
        envs.push(env);
    }
    let mut totals = vec![(0.0, 0.0); envs.len()];
    let mut running: Vec<usize> = (0..envs.len()).collect();
    let mut weight = 1.0;
    while !running.is_empty() {
        let rows: Vec<f32> = running.iter().flat_map(|&i| obs[i].iter().copied()).collect();
        let actions = actor.act_deterministic_rows(&rows, running.len())?;
        let mut still = Vec::with_capacity(running.len());
        for (&i, action) in running.iter().zip(&actions) {
            let step = envs[i].step(action)?;
            totals[i].0 += step.reward;
            totals[i].1 += weight * step.reward;
            if !(step.terminated || step.truncated) {
                obs[i] = step.obs;
                still.push(i);
            }
        }
        running = still;
        weight *= gamma;
    }
    Ok(totals)
}

/// `evaluate` one episode after another; `on_step` sees each step (for rendering).
pub fn evaluate_in_turn(
    actor: &mut dyn Actor,
    env_name: &str,
    episodes: usize,
    seed: u64,
    gamma: f64,
    mut on_step: impl FnMut(&dyn Env, usize, f64),
) -> Result<EvalResult> {
    let mut env = rlab_envs::make(env_name, &EnvOptions::default())?;
    let mut totals = Vec::with_capacity(episodes);
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
        totals.push((total, disc));
    }
    summarise(totals, gamma)
}

fn summarise(totals: Vec<(f64, f64)>, gamma: f64) -> Result<EvalResult> {
    let (returns, discounted): (Vec<f64>, Vec<f64>) = totals.into_iter().unzip();
    let (mean_return, std_return) = mean_std(&returns);
    let mean_discounted_return = mean_std(&discounted).0;
    Ok(EvalResult { mean_return, std_return, episodes: returns.len(), returns, gamma, mean_discounted_return })
}

/// A grid-world policy judged exactly: its deterministic action in every cell, evaluated on the
/// env's model, next to the optimum. Sampling noise plays no part, which matters on slippery
/// maps (1,000 episodes leave a standard error of several percent of the optimum there).
#[derive(Clone, Debug, Serialize)]
pub struct ExactValue {
    pub gamma: f64,
    /// Value of the start cell under the policy (no time limit, like `rlab solve`); `None` when
    /// the policy never ends an episode and γ = 1.
    pub policy_value: Option<f64>,
    /// `rlab solve`'s optimal value of the start cell.
    pub optimal_value: f64,
    /// The policy's action per cell, row-major (null for walls, goals and hazards).
    pub actions: Vec<Option<usize>>,
    /// The same as arrows, one string per row of the map (as `rlab solve` draws its policy).
    pub policy_arrows: Vec<String>,
}

/// How far `value` is below `optimum`, as a fraction of |optimum| (0 = optimal).
pub fn shortfall(value: f64, optimum: f64) -> f64 {
    (optimum - value) / optimum.abs().max(1e-12)
}

/// [`ExactValue`] of a memoryless policy on a grid world (`None` for other envs, and for
/// recurrent policies: their action depends on more than the cell).
pub fn exact_grid_value(actor: &mut dyn Actor, env_name: &str, gamma: f64) -> Result<Option<ExactValue>> {
    let Some((grid, policy)) = greedy_grid_policy(actor, env_name)? else {
        return Ok(None);
    };
    let optimal_value = grid.solve(gamma, EXACT_TOL)?.start_value;
    let policy_value = start_value(&grid, &policy, gamma);
    let map = grid.map();
    let actions: Vec<Option<usize>> = map
        .cells
        .iter()
        .zip(&policy)
        .map(|(c, &a)| (*c != Cell::Wall && !c.is_terminal()).then_some(a))
        .collect();
    let policy_arrows = render_policy(&map.cells, map.width, &actions).lines().map(str::to_string).collect();
    Ok(Some(ExactValue { gamma, policy_value, optimal_value, actions, policy_arrows }))
}

/// Only [`ExactValue::policy_value`], for evaluations during training: the optimum does not change
/// within a run, so it is not solved again each time.
pub fn exact_policy_value(actor: &mut dyn Actor, env_name: &str, gamma: f64) -> Result<Option<f64>> {
    Ok(greedy_grid_policy(actor, env_name)?.and_then(|(grid, policy)| start_value(&grid, &policy, gamma)))
}

/// The map and the policy's deterministic action in every open cell (0 elsewhere), for memoryless
/// policies on grid worlds.
fn greedy_grid_policy(actor: &mut dyn Actor, env_name: &str) -> Result<Option<(GridWorld, Vec<usize>)>> {
    if !rlab_envs::is_grid(env_name) || actor.is_recurrent() {
        return Ok(None);
    }
    let grid = rlab_envs::make_grid(env_name, &EnvOptions::default())?;
    let mut policy = vec![0; grid.map().cells.len()];
    for (cell, kind) in grid.map().cells.iter().enumerate() {
        if *kind == Cell::Wall || kind.is_terminal() {
            continue;
        }
        actor.begin_episode();
        policy[cell] = match actor.act_deterministic(&grid.observation_at(cell)?)? {
            Action::Discrete(a) => a,
            other => anyhow::bail!("{env_name}: the policy answered {other:?}, not a discrete action"),
        };
    }
    Ok(Some((grid, policy)))
}

fn start_value(grid: &GridWorld, policy: &[usize], gamma: f64) -> Option<f64> {
    grid.evaluate_policy(gamma, policy, EXACT_TOL).ok().map(|v| v[grid.map().start])
}

/// Tolerance of the exact evaluations (the default of `rlab solve`).
const EXACT_TOL: f64 = 1e-10;

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
