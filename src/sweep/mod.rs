//! Sweeps: many runs over a grid of config values (the discount rate γ above all), each a normal
//! run directory inside one sweep directory, and the comparison across them.
//!
//! A sweep directory holds everything needed to (re)run and report on it, so that `--resume`,
//! `rlab sweep-worker` on a cluster node and `rlab sweep report` work from it alone:
//! ```text
//! sweep.json      the grid: every point's config overrides (SweepSpec)
//! base.toml       a copy of --config, if one was given
//! runs/NAME/      one run directory per point (rlab run --logdir runs --name NAME)
//! points/NAME.json  how the point's last attempt went (PointRecord)
//! logs/NAME.log   the run's stderr, all attempts
//! incomplete/     run directories of unfinished attempts that could not be continued, moved
//!                 aside when the point is run again
//! sweep.csv, summary.md, curves.png   the report
//! ```

pub mod grid;
pub mod local;
pub mod optimal;
pub mod point;
pub mod report;
pub mod slurm;
mod summary;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};

pub const SPEC: &str = "sweep.json";
pub const BASE_CONFIG: &str = "base.toml";
pub const RUNS: &str = "runs";
pub const POINTS: &str = "points";
pub const LOGS: &str = "logs";
pub const INCOMPLETE: &str = "incomplete";
pub const CSV: &str = "sweep.csv";
pub const SUMMARY_MD: &str = "summary.md";
pub const CURVES: &str = "curves.png";
pub const SLURM_SCRIPT: &str = "slurm.sbatch";

/// `sweep.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    pub rlab_version: String,
    pub created: String,
    /// `BASE_CONFIG` when the sweep was given `--config` (a copy, so the sweep stands alone).
    pub config: Option<String>,
    /// Overrides every point shares (`key`, TOML value), applied in order before the point's own.
    pub base: Vec<(String, String)>,
    /// The grid's keys, outermost first (the seed, when swept, is innermost).
    pub keys: Vec<String>,
    /// Return threshold per env for steps-to-threshold (`None`: no threshold known).
    pub thresholds: BTreeMap<String, Threshold>,
    pub points: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub value: f64,
    /// Where the value comes from, for the report.
    pub source: String,
}

/// One grid point: a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub index: usize,
    /// The run directory's name under `runs/`.
    pub name: String,
    /// The grid values of this point (`key`, TOML value), in `keys` order.
    pub values: Vec<(String, String)>,
    /// From the point's resolved config, for grouping and the report.
    pub env: String,
    pub gamma: f64,
    pub seed: u64,
    pub total_steps: u64,
}

impl Point {
    /// The point's value for `key` as given on the command line.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl SweepSpec {
    /// Reads `DIR/sweep.json`; a directory without one is not a sweep directory.
    pub fn load(dir: &Path) -> Result<SweepSpec> {
        if !dir.is_dir() {
            return Err(anyhow!("{} is not a sweep directory (no such directory)", dir.display()));
        }
        let path = dir.join(SPEC);
        if !path.is_file() {
            return Err(anyhow!("{} is not a sweep directory (no {SPEC}; make one with rlab sweep)", dir.display()));
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let spec: SweepSpec = serde_json::from_str(&text).map_err(|e| anyhow!("{}: malformed {SPEC}: {e}", path.display()))?;
        for (i, p) in spec.points.iter().enumerate() {
            if p.index != i || p.name.is_empty() || p.name.contains('/') || p.name.starts_with('.') {
                return Err(anyhow!("{}: malformed {SPEC}: bad point {i}", path.display()));
            }
        }
        Ok(spec)
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self)? + "\n";
        crate::run::run_dir::write_text_atomic(&dir.join(SPEC), &json)
    }

    /// The grid keys that tell groups of seeds apart (every key but the seed).
    pub fn group_keys(&self) -> Vec<&str> {
        self.keys.iter().map(String::as_str).filter(|k| *k != "seed").collect()
    }

    /// The `rlab run` arguments of point `index`, run directory under `dir/runs`. `threads`, when
    /// given, sets libtorch's threads unless the sweep sets them itself.
    pub fn run_args(&self, dir: &Path, index: usize, threads: Option<usize>) -> Vec<std::ffi::OsString> {
        let point = &self.points[index];
        let mut args: Vec<std::ffi::OsString> = vec!["run".into()];
        if let Some(cfg) = &self.config {
            args.extend(["--config".into(), dir.join(cfg).into_os_string()]);
        }
        let sets_threads = self.base.iter().chain(&point.values).any(|(k, _)| k == "threads");
        let threads = threads.filter(|_| !sets_threads).map(|n| ("threads".to_string(), n.to_string()));
        for (k, v) in self.base.iter().chain(&point.values).chain(threads.as_ref()) {
            args.extend(["--set".into(), format!("{k}={v}").into()]);
        }
        args.extend(["--logdir".into(), dir.join(RUNS).into_os_string(), "--name".into(), point.name.clone().into(), "-q".into()]);
        args
    }

    /// The `rlab run` arguments that continue point `index`'s stopped run where it stopped.
    pub fn continue_args(&self, dir: &Path, index: usize) -> Vec<std::ffi::OsString> {
        let run = run_dir(dir, &self.points[index]).into_os_string();
        vec!["run".into(), "--resume".into(), run, "-q".into()]
    }

    /// The threshold for `env`, if any.
    pub fn threshold(&self, env: &str) -> Option<f64> {
        self.thresholds.get(env).map(|t| t.value)
    }
}

/// Paths of a point's files.
pub fn run_dir(dir: &Path, point: &Point) -> PathBuf {
    dir.join(RUNS).join(&point.name)
}
