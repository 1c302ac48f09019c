//! `rlab returns`: a calculator for discounted returns (a reward list) and GAE (a rollout CSV).

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use rlab_agents::returns::{effective_horizon, episode_returns, gae, Ends};

use super::{parse_finite, Format};

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct ReturnsArgs {
    /// Rewards of one complete episode, e.g. 1,0,2 (prints each step's discounted return).
    #[arg(long, conflicts_with = "input", allow_hyphen_values = true)]
    rewards: Option<String>,
    /// Rollout CSV with header reward,value,terminated,truncated,next_value (prints advantages and λ-returns).
    #[arg(long, value_name = "FILE.csv")]
    input: Option<PathBuf>,
    /// Discount rate γ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gamma: f64,
    /// GAE λ in [0, 1] (CSV input).
    #[arg(long, default_value_t = 0.95, allow_hyphen_values = true)]
    lambda: f64,
    /// Value of the state after the last row (required unless the last row ends an episode).
    #[arg(long, allow_hyphen_values = true)]
    last_value: Option<f64>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// One row of a rollout CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutRow {
    pub reward: f64,
    pub value: f64,
    pub terminated: bool,
    pub truncated: bool,
    pub next_value: Option<f64>,
}

pub fn returns(a: ReturnsArgs) -> Result<i32> {
    let horizon = effective_horizon(a.gamma)?;
    rlab_agents::returns::check_unit_interval("lambda", a.lambda)?;
    if let Some(v) = a.last_value.filter(|v| !v.is_finite()) {
        bail!("--last-value must be a finite number, got {v}");
    }
    match (&a.rewards, &a.input) {
        (Some(list), None) => {
            if a.last_value.is_some() {
                bail!("--last-value goes with --input: a --rewards list is one whole episode, with nothing after it");
            }
            let rewards = parse_finite(list, "--rewards", f64::MAX)?;
            if rewards.is_empty() {
                bail!("--rewards is empty");
            }
            let out = episode_returns(&rewards, a.gamma)?;
            match a.format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({"gamma": a.gamma, "rewards": rewards, "discounted_returns": out,
                                       "effective_horizon": finite_or_null(horizon)})
                ),
                Format::Table => {
                    println!("gamma {}  effective horizon {}", a.gamma, show_horizon(horizon));
                    println!("{:>5} {:>12} {:>14}", "step", "reward", "return");
                    for (t, (r, g)) in rewards.iter().zip(&out).enumerate() {
                        println!("{t:>5} {r:>12.6} {g:>14.6}");
                    }
                }
            }
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let rows = parse_rollout_csv(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
            let last = rows.last().map(|r| r.terminated || r.truncated).unwrap_or(true);
            let last_value = match (a.last_value, last) {
                (Some(v), _) => v,
                (None, true) => 0.0,
                (None, false) => bail!("--last-value is required: the last row of {} does not end an episode", path.display()),
            };
            let col = |f: fn(&RolloutRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
            let (rewards, values) = (col(|r| r.reward), col(|r| r.value));
            let next_values = col(|r| r.next_value.unwrap_or(0.0));
            let term: Vec<bool> = rows.iter().map(|r| r.terminated).collect();
            let trunc: Vec<bool> = rows.iter().map(|r| r.truncated).collect();
            let out = gae(&rewards, &values, Ends::new(&term, &trunc), &next_values, &[last_value], 1, a.gamma, a.lambda)?;
            match a.format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({"gamma": a.gamma, "lambda": a.lambda, "advantages": out.advantages,
                                       "returns": out.returns, "effective_horizon": finite_or_null(horizon)})
                ),
                Format::Table => {
                    println!("gamma {}  lambda {}  effective horizon {}", a.gamma, a.lambda, show_horizon(horizon));
                    println!("{:>5} {:>10} {:>10} {:>11} {:>12} {:>12}", "step", "reward", "value", "end", "advantage", "λ-return");
                    for (t, r) in rows.iter().enumerate() {
                        let end = if r.terminated { "terminated" } else if r.truncated { "truncated" } else { "" };
                        println!(
                            "{t:>5} {:>10.4} {:>10.4} {end:>11} {:>12.6} {:>12.6}",
                            r.reward, r.value, out.advantages[t], out.returns[t]
                        );
                    }
                }
            }
        }
        _ => bail!("give either --rewards LIST or --input FILE.csv"),
    }
    Ok(0)
}

fn finite_or_null(x: f64) -> serde_json::Value {
    if x.is_finite() {
        serde_json::json!(x)
    } else {
        serde_json::Value::Null
    }
}

fn show_horizon(h: f64) -> String {
    if h.is_finite() {
        format!("{h:.1} steps")
    } else {
        "infinite".into()
    }
}

const HEADER: [&str; 5] = ["reward", "value", "terminated", "truncated", "next_value"];

/// Parses a rollout CSV; errors name the line.
pub fn parse_rollout_csv(text: &str) -> Result<Vec<RolloutRow>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (at, header) = lines.next().ok_or("empty file (expected a header line)")?;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    if cols != HEADER {
        return Err(format!("line {}: header must be '{}', got '{}'", at + 1, HEADER.join(","), header.trim()));
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 5 {
            return Err(format!("line {n}: expected 5 fields, got {}", f.len()));
        }
        let num = |k: usize| -> Result<f64, String> {
            f[k].parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("line {n}: {} '{}' is not a finite number", HEADER[k], f[k]))
        };
        let flag = |k: usize| -> Result<bool, String> {
            match f[k].to_ascii_lowercase().as_str() {
                "1" | "true" => Ok(true),
                "0" | "false" => Ok(false),
                other => Err(format!("line {n}: {} must be 0/1 or true/false, got '{other}'", HEADER[k])),
            }
        };
        let (terminated, truncated) = (flag(2)?, flag(3)?);
        let next_value = if f[4].is_empty() { None } else { Some(num(4)?) };
        if truncated && !terminated && next_value.is_none() {
            return Err(format!("line {n}: a truncated row needs next_value (the value of the true next state)"));
        }
        rows.push(RolloutRow { reward: num(0)?, value: num(1)?, terminated, truncated, next_value });
    }
    if rows.is_empty() {
        return Err("no data rows after the header".into());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rollout_r_and_reports_bad_lines() {
        let csv = "reward,value,terminated,truncated,next_value\n1,0.5,0,0,\n1,0.6,0,0,\n1,0.7,0,1,0.8\n1,0.2,0,0,\n1,0.3,0,0,\n";
        let rows = parse_rollout_csv(csv).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[2].next_value, Some(0.8));
        let bad = [
            ("", "empty"),
            ("reward,value\n", "header"),
            ("reward,value,terminated,truncated,next_value\n1,x,0,0,\n", "line 2"),
            ("reward,value,terminated,truncated,next_value\n1,0,0,0,\n1,0,0,1,\n", "line 3"),
            ("reward,value,terminated,truncated,next_value\n1,0,2,0,\n", "terminated"),
            ("reward,value,terminated,truncated,next_value\n1,0,0\n", "5 fields"),
        ];
        for (text, want) in bad {
            let e = parse_rollout_csv(text).unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }
}
