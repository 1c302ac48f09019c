//! What a perfect agent would get on a grid world, from the map's exact model — the yardstick
//! a sweep's learned returns are set beside.
//!
//! Learned returns (`charts/episodic_return`, evaluation) are undiscounted sums of reward within
//! the time limit, while value iteration's V*(start) (`rlab solve`) is a discounted value with no
//! time limit. So besides V* we compute, exactly, the expected undiscounted return within the
//! time limit of the policy that is optimal for γ: the number an evaluation of a perfectly trained
//! agent would show.

use rlab_envs::{EnvOptions, GridWorld};

/// Value-iteration tolerance (as `rlab solve`'s default).
const TOL: f64 = 1e-10;
/// A grid world's default threshold is this fraction of its best achievable return below it.
pub const GRID_THRESHOLD_MARGIN: f64 = 0.05;

#[derive(Clone, Debug, PartialEq)]
pub struct GridOptimum {
    /// V*(start) for γ, as `rlab solve` prints it (`None` if value iteration does not converge, γ = 1).
    pub v_star: Option<f64>,
    /// Expected undiscounted return within the time limit of the γ-optimal policy.
    pub policy_return: Option<f64>,
}

fn grid(env: &str) -> Option<GridWorld> {
    rlab_envs::make_grid(env, &EnvOptions::default()).ok()
}

/// `None` when `env` is not a grid world.
pub fn optimum(env: &str, gamma: f64) -> Option<GridOptimum> {
    let g = grid(env)?;
    let Ok(sol) = g.solve(gamma, TOL) else {
        return Some(GridOptimum { v_star: None, policy_return: None });
    };
    let policy_return = undiscounted_return(&g, |cell| sol.policy[cell]);
    Some(GridOptimum { v_star: Some(sol.start_value), policy_return: Some(policy_return) })
}

/// Expected sum of rewards from the start over the time limit, following `policy` (state
/// distribution pushed forward one step at a time through the exact transitions).
fn undiscounted_return(g: &GridWorld, policy: impl Fn(usize) -> Option<usize>) -> f64 {
    let n = g.map().cells.len();
    let mut mass = vec![0.0; n];
    mass[g.map().start] = 1.0;
    let mut total = 0.0;
    for _ in 0..g.max_steps() {
        let mut next = vec![0.0; n];
        for (cell, &m) in mass.iter().enumerate() {
            let Some(action) = policy(cell).filter(|_| m > 0.0) else { continue };
            for (p, to, reward, terminal) in g.transitions(cell, action) {
                total += m * p * reward;
                if !terminal {
                    next[to] += m * p;
                }
            }
        }
        mass = next;
    }
    total
}

/// The best expected undiscounted return any policy can collect within the time limit (finite-
/// horizon dynamic programming: the policy may depend on the steps left).
pub fn best_return(env: &str) -> Option<f64> {
    let g = grid(env)?;
    let n = g.map().cells.len();
    let mut v = vec![0.0; n];
    for _ in 0..g.max_steps() {
        v = (0..n)
            .map(|cell| {
                (0..4)
                    .map(|a| g.transitions(cell, a).iter().map(|&(p, to, r, term)| p * (r + if term { 0.0 } else { v[to] })).sum::<f64>())
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .map(|q| if q.is_finite() { q } else { 0.0 })
            .collect();
    }
    Some(v[g.map().start])
}

/// The default return threshold for steps-to-threshold, and where it comes from: the registry's
/// `reward_threshold` (CartPole: 475), else for a grid world its best achievable return less 5%
/// of its size.
pub fn default_threshold(env: &str) -> Option<(f64, String)> {
    if let Some(t) = rlab_envs::registered().into_iter().find(|e| e.name == env).and_then(|e| e.reward_threshold) {
        return Some((t, format!("{env}'s reward_threshold")));
    }
    let best = best_return(env)?;
    let t = best - GRID_THRESHOLD_MARGIN * best.abs();
    Some((t, format!("95% of {env}'s best achievable return {best:.4} (exact, within the time limit)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_room_optimum_is_the_shortest_path() {
        // 8 steps: 7 step rewards of -0.01, then the goal's 1.0.
        let best = best_return("GridEmpty-v0").unwrap();
        assert!((best - 0.93).abs() < 1e-9, "{best}");
        let o = optimum("GridEmpty-v0", 0.9).unwrap();
        assert!((o.policy_return.unwrap() - 0.93).abs() < 1e-9, "{o:?}");
        let v = o.v_star.unwrap();
        let want: f64 = -0.01 * (0..7).map(|k| 0.9f64.powi(k)).sum::<f64>() + 0.9f64.powi(7);
        assert!((v - want).abs() < 1e-8, "{v} vs {want}");
        let (t, why) = default_threshold("GridEmpty-v0").unwrap();
        assert!((t - 0.93 * 0.95).abs() < 1e-9 && why.contains("95%"), "{t} {why}");
    }

    #[test]
    fn cartpole_uses_the_registry_and_has_no_model() {
        assert_eq!(default_threshold("CartPole-v1").unwrap().0, 475.0);
        assert_eq!(optimum("CartPole-v1", 0.99), None);
        assert_eq!(best_return("NoSuchEnv-v0"), None);
    }

    #[test]
    fn a_short_sighted_policy_gets_less_on_the_slippery_cliff() {
        let far = optimum("GridCliff-v0", 0.99).unwrap().policy_return.unwrap();
        let near = optimum("GridCliff-v0", 0.8).unwrap().policy_return.unwrap();
        let best = best_return("GridCliff-v0").unwrap();
        assert!(near < far && far <= best + 1e-12, "γ 0.8: {near}, γ 0.99: {far}, best {best}");
    }
}
