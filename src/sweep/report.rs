//! `rlab sweep report`: one row of metrics per point (`sweep.csv`), a per-γ summary
//! (`summary.md`) and learning curves (`curves.png`), all read from the sweep directory alone.

use std::{fmt::Write as _, path::Path};

use anyhow::Result;
use rlab_tensorboard::{find_event_files, read_event_file};

use super::{
    point::{read_record, state, State},
    run_dir, summary, Point, SweepSpec, CSV, CURVES, SUMMARY_MD,
};
use crate::{
    curves::{normalised_auc, steps_to_threshold},
    run::{run_dir::write_text_atomic, SUMMARY},
};

/// Episodes averaged for steps-to-threshold and for the plotted curves.
pub const LAST_EPISODES: usize = 10;
pub const RETURN_TAG: &str = "charts/episodic_return";

/// What one point's run produced.
pub struct Row<'a> {
    pub point: &'a Point,
    pub state: State,
    pub final_mean_return: Option<f64>,
    pub eval_mean_return: Option<f64>,
    /// γ-discounted return of the evaluation episodes (comparable with V*(start)).
    pub eval_discounted_return: Option<f64>,
    pub steps_to_threshold: Option<f64>,
    pub auc: Option<f64>,
    pub wall_seconds: Option<f64>,
    pub env_steps: Option<u64>,
    /// `(env step, episodic return)` from the run's event file.
    pub curve: Vec<(f64, f64)>,
}

/// Reads every point's summary and event file. Damaged event files are read up to the damage;
/// their warnings are returned beside the rows.
pub fn collect<'a>(dir: &Path, spec: &'a SweepSpec) -> (Vec<Row<'a>>, Vec<String>) {
    let mut warnings = Vec::new();
    let rows = spec
        .points
        .iter()
        .map(|p| {
            let run = run_dir(dir, p);
            let summary: Option<serde_json::Value> =
                std::fs::read_to_string(run.join(SUMMARY)).ok().and_then(|t| serde_json::from_str(&t).ok());
            let num = |k: &str| summary.as_ref().and_then(|s| s.get(k)).and_then(|v| v.as_f64());
            let curve = episodic_returns(&run, &mut warnings);
            let env_steps = summary.as_ref().and_then(|s| s.get("env_steps")).and_then(|v| v.as_u64());
            let total = env_steps.unwrap_or(p.total_steps) as f64;
            let wall = num("wall_seconds").or_else(|| read_record(dir, p).and_then(|r| r.seconds));
            Row {
                point: p,
                state: state(dir, p),
                final_mean_return: num("final_mean_return"),
                eval_mean_return: num("eval_mean_return"),
                eval_discounted_return: num("eval_mean_discounted_return"),
                steps_to_threshold: spec.threshold(&p.env).and_then(|t| steps_to_threshold(&curve, t, LAST_EPISODES)),
                auc: normalised_auc(&curve, total),
                wall_seconds: wall,
                env_steps,
                curve,
            }
        })
        .collect();
    (rows, warnings)
}

fn episodic_returns(run: &Path, warnings: &mut Vec<String>) -> Vec<(f64, f64)> {
    let Ok(files) = find_event_files(run) else { return Vec::new() };
    let mut curve = Vec::new();
    for f in files {
        match read_event_file(&f) {
            Ok(data) => {
                warnings.extend(data.warning);
                if let Some(pts) = data.scalars.get(RETURN_TAG) {
                    curve.extend(pts.iter().map(|p| (p.step as f64, p.value)));
                }
            }
            Err(e) => warnings.push(e.to_string()),
        }
    }
    curve.sort_by(|a, b| a.0.total_cmp(&b.0));
    curve
}

/// A CSV field: quoted when it holds a comma, quote or line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub fn csv(spec: &SweepSpec, rows: &[Row]) -> String {
    let extra: Vec<&str> = spec.keys.iter().map(String::as_str).filter(|k| !["gamma", "seed", "env"].contains(k)).collect();
    let mut head = vec!["index", "name", "env", "gamma", "seed"];
    head.extend(&extra);
    head.extend(["status", "final_mean_return", "eval_mean_return", "eval_discounted_return", "steps_to_threshold", "auc", "wall_seconds", "env_steps", "error"]);
    let mut out = head.iter().map(|h| field(h)).collect::<Vec<_>>().join(",") + "\n";
    for r in rows {
        let p = r.point;
        let mut cells = vec![p.index.to_string(), p.name.clone(), p.env.clone(), p.gamma.to_string(), p.seed.to_string()];
        cells.extend(extra.iter().map(|k| p.value(k).unwrap_or_default().to_string()));
        cells.extend([
            r.state.label().to_string(),
            opt(r.final_mean_return),
            opt(r.eval_mean_return),
            opt(r.eval_discounted_return),
            opt(r.steps_to_threshold),
            opt(r.auc),
            opt(r.wall_seconds.map(|w| (w * 1000.0).round() / 1000.0)),
            opt(r.env_steps),
            match &r.state {
                State::Failed(e) => e.clone(),
                _ => String::new(),
            },
        ]);
        let _ = writeln!(out, "{}", cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
    }
    out
}

/// Writes `sweep.csv`, `summary.md` and `curves.png`; returns the Markdown summary and warnings
/// (damaged event files).
pub fn write_report(dir: &Path, spec: &SweepSpec) -> Result<(String, Vec<String>)> {
    let (rows, warnings) = collect(dir, spec);
    write_text_atomic(&dir.join(CSV), &csv(spec, &rows))?;
    let md = summary::markdown(dir, spec, &rows);
    write_text_atomic(&dir.join(SUMMARY_MD), &md)?;
    summary::curves(spec, &rows, &dir.join(CURVES))?;
    Ok((md, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
