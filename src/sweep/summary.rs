//! The per-γ summary (Markdown) and `curves.png`: points grouped by every grid key but the seed,
//! mean ± std over the seeds of each group.

use std::{fmt::Write as _, path::Path};

use anyhow::Result;

use super::{
    optimal::{optimum, GridOptimum},
    point::State,
    report::{Row, LAST_EPISODES},
    SweepSpec,
};
use crate::{
    curves::{mean_std, moving_average, sample_at},
    plot::{color, save_png, Chart, Series},
};

/// Points that differ only in their seed.
struct Group<'r, 'a> {
    label: String,
    /// The group's value of each grid key but the seed (γ alone when no key is swept).
    cells: Vec<String>,
    env: String,
    gamma: f64,
    rows: Vec<&'r Row<'a>>,
}

fn groups<'r, 'a>(spec: &SweepSpec, rows: &'r [Row<'a>]) -> Vec<Group<'r, 'a>> {
    let keys = spec.group_keys();
    let mut out: Vec<Group> = Vec::new();
    for r in rows {
        let cells: Vec<String> = if keys.is_empty() {
            vec![r.point.gamma.to_string()]
        } else {
            keys.iter().map(|k| r.point.value(k).unwrap_or_default().trim_matches('"').to_string()).collect()
        };
        let names: Vec<&str> = if keys.is_empty() { vec!["γ"] } else { keys.iter().map(|k| short(k)).collect() };
        let label = names.iter().zip(&cells).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
        match out.iter_mut().find(|g| g.label == label) {
            Some(g) => g.rows.push(r),
            None => out.push(Group { label, cells, env: r.point.env.clone(), gamma: r.point.gamma, rows: vec![r] }),
        }
    }
    out
}

fn short(key: &str) -> &str {
    if key == "gamma" {
        "γ"
    } else {
        key.rsplit('.').next().unwrap_or(key)
    }
}

/// Decimals a number of this size needs.
fn decimals(v: f64) -> usize {
    if v.abs() >= 100.0 {
        1
    } else if v.abs() >= 10.0 {
        2
    } else {
        3
    }
}

fn num(v: f64) -> String {
    format!("{v:.*}", decimals(v))
}

/// Env steps, in thousands or millions when `reference` (the mean) is that big.
fn steps(v: f64, reference: f64) -> String {
    if reference.abs() >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if reference.abs() >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Return,
    Steps,
    Seconds,
}

/// `v` in `unit`; returns get the decimals `reference` (the mean) needs, so mean and spread match.
fn show(v: f64, unit: Unit, reference: f64) -> String {
    match unit {
        Unit::Return => format!("{v:.*}", decimals(reference)),
        Unit::Steps => steps(v, reference),
        Unit::Seconds => format!("{v:.1}"),
    }
}

fn stat(values: impl Iterator<Item = Option<f64>>, unit: Unit) -> String {
    let v: Vec<f64> = values.flatten().collect();
    match mean_std(&v) {
        Some((m, s)) if v.len() > 1 => format!("{} ± {}", show(m, unit, m), show(s, unit, m)),
        Some((m, _)) => show(m, unit, m),
        None => "–".into(),
    }
}

pub fn markdown(dir: &Path, spec: &SweepSpec, rows: &[Row]) -> String {
    let gs = groups(spec, rows);
    let optima: Vec<Option<GridOptimum>> = gs.iter().map(|g| optimum(&g.env, g.gamma)).collect();
    let grid_world = optima.iter().any(Option::is_some);
    let count = |s: &str| rows.iter().filter(|r| r.state.label() == s).count();
    let mut md = format!("# Sweep {}\n\n", dir.display());
    let states: Vec<String> = ["finished", "failed", "interrupted", "running", "missing"]
        .iter()
        .filter(|s| count(s) > 0)
        .map(|s| format!("{} {s}", count(s)))
        .collect();
    let envs: Vec<&str> = gs.iter().map(|g| g.env.as_str()).fold(Vec::new(), |mut v, e| {
        if !v.contains(&e) {
            v.push(e);
        }
        v
    });
    let _ = writeln!(md, "{} runs ({}) on {}.", rows.len(), states.join(", "), envs.join(", "));
    for (env, t) in &spec.thresholds {
        let _ = writeln!(md, "Threshold on {env}: {} ({}).", num(t.value), t.source);
    }
    let mut head: Vec<String> = spec.group_keys().iter().map(|k| short(k).to_string()).collect();
    if head.is_empty() {
        head.push("γ".into());
    }
    head.extend(["runs", "eval return", "final return", "steps to threshold", "AUC", "wall time (s)"].map(String::from));
    if grid_world {
        head.extend(["optimal return", "eval discounted", "V*(start)"].map(String::from));
    }
    let _ = writeln!(md, "\n| {} |", head.join(" | "));
    let _ = writeln!(md, "|{}", head.iter().map(|_| "---|").collect::<String>());
    for (g, opt) in gs.iter().zip(&optima) {
        let mut cells = g.cells.clone();
        let finished = g.rows.iter().filter(|r| r.state == State::Finished).count();
        let reached = g.rows.iter().filter(|r| r.steps_to_threshold.is_some()).count();
        let tts = stat(g.rows.iter().map(|r| r.steps_to_threshold), Unit::Steps);
        cells.extend([
            format!("{finished}/{}", g.rows.len()),
            stat(g.rows.iter().map(|r| r.eval_mean_return), Unit::Return),
            stat(g.rows.iter().map(|r| r.final_mean_return), Unit::Return),
            match (reached, finished) {
                (0, 0) => "–".into(),
                (0, _) => format!("not reached (0/{})", g.rows.len()),
                _ => format!("{tts} ({reached}/{} reached)", g.rows.len()),
            },
            stat(g.rows.iter().map(|r| r.auc), Unit::Return),
            stat(g.rows.iter().map(|r| r.wall_seconds), Unit::Seconds),
        ]);
        if grid_world {
            let o = opt.as_ref();
            cells.push(o.and_then(|o| o.policy_return).map_or("–".into(), |v| format!("{v:.4}")));
            cells.push(stat(g.rows.iter().map(|r| r.eval_discounted_return), Unit::Return));
            cells.push(o.and_then(|o| o.v_star).map_or("–".into(), |v| format!("{v:.4}")));
        }
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
    md.push_str(concat!(
        "\nMean ± standard deviation over seeds. Eval return: deterministic policy at the end of training; final return: ",
        "mean of the last 100 training episodes. Steps to threshold: first env step at which the mean of the last 10 ",
        "training episodes reaches the threshold (mean over the runs that reached it). AUC: area under the training ",
        "episodic-return curve divided by the env steps, i.e. the mean return over training.\n"
    ));
    if grid_world {
        md.push_str(concat!(
            "Optimal return: the expected undiscounted return, within the time limit, of the policy that is optimal for ",
            "this γ (exact, from value iteration on the map's model), to compare with the eval return. Eval discounted: ",
            "the γ-discounted return of the evaluation episodes, to compare with V*(start), the optimal discounted value ",
            "of the start as `rlab solve` prints it.\n"
        ));
    }
    let failed: Vec<&Row> = rows.iter().filter(|r| matches!(r.state, State::Failed(_))).collect();
    if !failed.is_empty() {
        md.push_str("\nFailed points (rerun with `rlab sweep --resume`):\n\n");
        for r in failed {
            if let State::Failed(e) = &r.state {
                let _ = writeln!(md, "- {}: {e}", r.point.name);
            }
        }
    }
    md
}

/// Episodic return against env steps: per group the mean over seeds of each run's mean of the
/// last 10 episodes, with a band from the lowest to the highest seed; dashed lines for the
/// threshold and, on grid worlds, each γ's optimal return.
pub fn curves(spec: &SweepSpec, rows: &[Row], path: &Path) -> Result<()> {
    let gs = groups(spec, rows);
    let end = rows.iter().flat_map(|r| r.curve.last().map(|p| p.0)).fold(0.0, f64::max);
    let xs: Vec<f64> = (0..=200).map(|i| end * i as f64 / 200.0).collect();
    let mut series = Vec::new();
    let mut dashed = Vec::new();
    for (i, g) in gs.iter().enumerate() {
        let sampled: Vec<Vec<Option<f64>>> = g.rows.iter().map(|r| sample_at(&moving_average(&r.curve, LAST_EPISODES), &xs)).collect();
        let mut s = Series::line(g.label.clone(), color(i), Vec::new());
        for (k, &x) in xs.iter().enumerate() {
            let at: Vec<f64> = sampled.iter().filter_map(|v| v[k]).collect();
            if let Some((m, _)) = mean_std(&at) {
                s.points.push((x, m));
                let lo = at.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = at.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                s.band.push((x, lo, hi));
            }
        }
        if let Some(v) = optimum(&g.env, g.gamma).and_then(|o| o.policy_return).filter(|_| end > 0.0) {
            let mut o = Series::line(format!("{} optimal", g.label), color(i), vec![(0.0, v), (end, v)]);
            o.dashed = true;
            dashed.push(o);
        }
        series.push(s);
    }
    let mut thresholds: Vec<f64> = spec.thresholds.values().map(|t| t.value).collect();
    thresholds.dedup();
    if let [t] = thresholds[..] {
        if end > 0.0 {
            let mut s = Series::line(format!("threshold {}", num(t)), [120, 120, 120], vec![(0.0, t), (end, t)]);
            s.dashed = true;
            dashed.push(s);
        }
    }
    series.extend(dashed);
    let env = spec.points.first().map(|p| p.env.as_str()).unwrap_or("");
    let chart = Chart {
        title: format!("{env}: episodic return, mean of last {LAST_EPISODES} episodes (band: min-max over seeds)"),
        x_label: "env steps".into(),
        y_label: "episodic return".into(),
        series,
    };
    save_png(&[chart], 1000, 600, path)
}
