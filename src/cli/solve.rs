//! `rlab solve`: exact optimal values and policy of a grid world by value iteration.

use anyhow::Result;
use clap::Args;
use rlab_envs::EnvOptions;

use super::Format;

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct SolveArgs {
    /// A grid world (see `rlab envs`) or a path to a map file (.txt).
    env: String,
    /// Discount rate γ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gamma: f64,
    /// Override the map's slip probability.
    #[arg(long, allow_hyphen_values = true)]
    slip: Option<f64>,
    /// Stop when no value changes by more than this in a sweep.
    #[arg(long, default_value_t = 1e-10)]
    tol: f64,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

const ARROWS: [&str; 4] = ["↑", "→", "↓", "←"];

pub fn solve(a: SolveArgs) -> Result<i32> {
    if !(0.0..=1.0).contains(&a.gamma) {
        anyhow::bail!("gamma must lie in [0, 1], got {}", a.gamma);
    }
    let options = EnvOptions { slip: a.slip, ..Default::default() };
    let grid = rlab_envs::make_grid(&a.env, &options)?;
    let sol = grid.solve(a.gamma, a.tol)?;
    let width = grid.map().width;
    match a.format {
        Format::Json => {
            let rows = |f: &dyn Fn(usize) -> serde_json::Value| -> Vec<Vec<serde_json::Value>> {
                (0..sol.values.len()).collect::<Vec<_>>().chunks(width).map(|r| r.iter().map(|&i| f(i)).collect()).collect()
            };
            let values = rows(&|i| if sol.values[i].is_finite() { serde_json::json!(sol.values[i]) } else { serde_json::Value::Null });
            let policy = rows(&|i| sol.policy[i].map_or(serde_json::Value::Null, |p| serde_json::json!(p)));
            let arrows = rows(&|i| sol.policy[i].map_or(serde_json::Value::Null, |p| serde_json::json!(ARROWS[p])));
            println!(
                "{}",
                serde_json::json!({"env": a.env, "gamma": a.gamma, "slip": grid.map().slip, "start_value": sol.start_value,
                                   "iterations": sol.iterations, "values": values, "policy": policy,
                                   "policy_arrows": arrows, "actions": ["up", "right", "down", "left"]})
            );
        }
        Format::Table => {
            println!(
                "{}  gamma {}  slip {}  optimal value of the start: {:.4}  ({} sweeps of value iteration)",
                a.env,
                a.gamma,
                grid.map().slip,
                sol.start_value,
                sol.iterations
            );
            println!("\nvalues:\n{}", sol.render_values());
            println!("policy:\n{}", sol.render_policy());
        }
    }
    Ok(0)
}
