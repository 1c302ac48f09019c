//! `rlab logs PATH...`: read scalars from event files (any tool's), list, compare, export, plot.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

use crate::logs::{csv, filter_tags, json, load, plot, smooth, table};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Runs and their tags (with --tag: each tag's runs side by side).
    #[default]
    Table,
    /// Every point: run,tag,step,wall_time,value.
    Csv,
    /// Statistics and every point, per run and tag.
    Json,
}

#[derive(Args)]
pub struct LogsArgs {
    /// Event files, or directories searched for them (e.g. runs/ or a sweep directory).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only this tag; a prefix ending in '/' picks a family (e.g. losses/). Repeatable.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    format: LogFormat,
    /// Also plot the chosen tags (default: charts/episodic_return) to this PNG, one panel per tag.
    #[arg(long, value_name = "FILE.png")]
    plot: Option<PathBuf>,
    /// Replace each value by the mean of the last W values (trailing moving average) everywhere.
    #[arg(long, value_name = "W")]
    smooth: Option<usize>,
    /// How many of the last values "mean of last N" averages.
    #[arg(long, value_name = "N", default_value_t = 10)]
    last: usize,
}

pub fn logs(a: LogsArgs) -> Result<i32> {
    if a.smooth == Some(0) {
        bail!("--smooth must be at least 1");
    }
    if a.last == 0 {
        bail!("--last must be at least 1");
    }
    if let Some(p) = &a.plot {
        if !matches!(p.extension().and_then(|e| e.to_str()), Some(e) if e.eq_ignore_ascii_case("png")) {
            bail!("--plot {}: the file name must end in .png", p.display());
        }
    }
    let mut runs = load(&a.paths)?;
    filter_tags(&mut runs, &a.tags)?;
    for r in &runs {
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
    }
    if let Some(w) = a.smooth {
        smooth(&mut runs, w);
    }
    if let Some(path) = &a.plot {
        let mut tags: Vec<String> = runs.iter().flat_map(|r| r.scalars.keys().cloned()).collect();
        tags.sort();
        tags.dedup();
        if a.tags.is_empty() {
            const DEFAULT: &str = "charts/episodic_return";
            if !tags.iter().any(|t| t == DEFAULT) {
                bail!("--plot: no run has {DEFAULT}; choose the tags to plot with --tag");
            }
            tags = vec![DEFAULT.to_string()];
        }
        if tags.len() > 12 {
            bail!("--plot: {} tags chosen; plot at most 12 at a time", tags.len());
        }
        plot(&runs, &tags, a.smooth.unwrap_or(1), path)?;
        eprintln!("wrote {}", path.display());
    }
    match a.format {
        LogFormat::Table => print!("{}", table(&runs, !a.tags.is_empty(), a.last)),
        LogFormat::Csv => print!("{}", csv(&runs)),
        LogFormat::Json => println!("{}", json(&runs, a.last)),
    }
    Ok(0)
}
