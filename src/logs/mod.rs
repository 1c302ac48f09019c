//! `rlab logs`: scalars from TensorBoard event files (rlab's or any other tool's), as tables,
//! CSV or JSON, and plots.

mod output;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Result};
use rlab_tensorboard::{find_event_files, read_event_file, ScalarPoint};

pub use output::{csv, json, table};

use crate::{
    curves::moving_average,
    plot::{color, save_png, Chart, Series},
};

/// One run's scalars: every event file in one directory, read as one (as TensorBoard does; a
/// resumed run adds a file).
pub struct RunLog {
    /// The run's directory.
    pub label: String,
    /// Its event files, in name order (names start with the creation time).
    pub files: Vec<PathBuf>,
    /// One per damaged file: what came before the damage is in `scalars`.
    pub warnings: Vec<String>,
    /// Each tag's points from every file, ordered by step (files in order where steps repeat).
    pub scalars: BTreeMap<String, Vec<ScalarPoint>>,
}

/// Reads every event file under `paths` (directories are searched recursively), one run per
/// directory, in the order the paths are given and sorted by directory within each.
pub fn load(paths: &[PathBuf]) -> Result<Vec<RunLog>> {
    let mut runs: Vec<RunLog> = Vec::new();
    for path in paths {
        if !path.exists() {
            bail!("{}: no such file or directory", path.display());
        }
        let files = find_event_files(path).map_err(|e| anyhow!("{e}"))?;
        if files.is_empty() {
            bail!("no event files (names containing 'tfevents') under {}", path.display());
        }
        let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for file in files {
            let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
            by_dir.entry(dir).or_default().push(file);
        }
        for (dir, mut files) in by_dir {
            files.sort();
            let mut run = RunLog { label: dir.display().to_string(), files: Vec::new(), warnings: Vec::new(), scalars: BTreeMap::new() };
            for file in files {
                let data = read_event_file(&file).map_err(|e| anyhow!("{e}"))?;
                run.warnings.extend(data.warning);
                for (tag, points) in data.scalars {
                    run.scalars.entry(tag).or_default().extend(points);
                }
                run.files.push(file);
            }
            for points in run.scalars.values_mut() {
                points.sort_by_key(|p| p.step); // stable: a repeated step keeps its files' order
            }
            runs.push(run);
        }
    }
    Ok(runs)
}

/// Whether `tag` is selected by `--tag` patterns: the exact tag, or a prefix ending in `/`
/// (`losses/` selects every loss). No patterns select everything.
pub fn selected(tag: &str, patterns: &[String]) -> bool {
    patterns.is_empty() || patterns.iter().any(|p| p == tag || (p.ends_with('/') && tag.starts_with(p.as_str())))
}

/// Keeps the selected tags; a pattern that matches no tag of any run is an error.
pub fn filter_tags(runs: &mut [RunLog], patterns: &[String]) -> Result<()> {
    for p in patterns {
        if !runs.iter().any(|r| r.scalars.keys().any(|t| selected(t, std::slice::from_ref(p)))) {
            let mut all: Vec<&String> = runs.iter().flat_map(|r| r.scalars.keys()).collect();
            all.sort();
            all.dedup();
            let shown: Vec<&str> = all.iter().take(12).map(|s| s.as_str()).collect();
            let more = if all.len() > shown.len() { ", ..." } else { "" };
            bail!("no run has the tag '{p}' (tags: {}{more})", if shown.is_empty() { "none".to_string() } else { shown.join(", ") });
        }
    }
    for r in runs.iter_mut() {
        r.scalars.retain(|t, _| selected(t, patterns));
    }
    Ok(())
}

/// Replaces every value by the mean of the last `window` values (trailing moving average).
pub fn smooth(runs: &mut [RunLog], window: usize) {
    for r in runs.iter_mut() {
        for pts in r.scalars.values_mut() {
            let xy: Vec<(f64, f64)> = pts.iter().map(|p| (p.step as f64, p.value)).collect();
            for (p, (_, v)) in pts.iter_mut().zip(moving_average(&xy, window)) {
                p.value = v;
            }
        }
    }
}

/// Summary numbers of one tag's series.
#[derive(Clone, Debug, PartialEq)]
pub struct TagStats {
    pub points: usize,
    pub last_step: i64,
    pub last: f64,
    pub max: f64,
    /// Mean of the last `n` values (fewer if the series is shorter).
    pub mean_last: f64,
}

pub fn stats(points: &[ScalarPoint], n: usize) -> Option<TagStats> {
    let last = points.last()?;
    let tail = &points[points.len().saturating_sub(n.max(1))..];
    Some(TagStats {
        points: points.len(),
        last_step: last.step,
        last: last.value,
        max: points.iter().map(|p| p.value).fold(f64::NEG_INFINITY, f64::max),
        mean_last: tail.iter().map(|p| p.value).sum::<f64>() / tail.len() as f64,
    })
}

/// Legend labels: the run labels without the directory they all share (`runs/a`, `runs/b` → `a`, `b`).
fn short_labels(runs: &[RunLog]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = runs.iter().map(|r| r.label.split('/').collect()).collect();
    let shortest = parts.iter().map(Vec::len).min().unwrap_or(0);
    let common = (0..shortest.saturating_sub(1)).take_while(|&i| parts.iter().all(|p| p[i] == parts[0][i])).count();
    parts.iter().map(|p| p[common..].join("/")).collect()
}

/// Plots each of `tags` in its own panel, one line per run that has it.
pub fn plot(runs: &[RunLog], tags: &[String], smooth: usize, path: &Path) -> Result<()> {
    let labels = short_labels(runs);
    let charts: Vec<Chart> = tags
        .iter()
        .map(|tag| Chart {
            title: if smooth > 1 { format!("{tag} (moving average of {smooth})") } else { tag.clone() },
            x_label: "step".into(),
            y_label: tag.rsplit('/').next().unwrap_or(tag).replace('_', " "),
            series: runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let pts = r.scalars.get(tag)?;
                    Some(Series::line(labels[i].clone(), color(i), pts.iter().map(|p| (p.step as f64, p.value)).collect()))
                })
                .collect(),
        })
        .collect();
    save_png(&charts, 1000, 500, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[f64]) -> Vec<ScalarPoint> {
        v.iter().enumerate().map(|(i, &value)| ScalarPoint { step: i as i64 * 10, wall_time: 0.0, value }).collect()
    }

    #[test]
    fn stats_of_a_series() {
        let s = stats(&pts(&[1.0, 5.0, 2.0, 4.0]), 2).unwrap();
        assert_eq!(s, TagStats { points: 4, last_step: 30, last: 4.0, max: 5.0, mean_last: 3.0 });
        assert_eq!(stats(&pts(&[2.0]), 10).unwrap().mean_last, 2.0);
        assert!(stats(&[], 3).is_none());
    }

    #[test]
    fn legend_labels_drop_the_shared_directory() {
        let run = |label: &str| RunLog { label: label.into(), files: Vec::new(), warnings: Vec::new(), scalars: BTreeMap::new() };
        assert_eq!(short_labels(&[run("s/runs/a"), run("s/runs/b")]), ["a", "b"]);
        assert_eq!(short_labels(&[run("runs/a")]), ["a"]);
        assert_eq!(short_labels(&[run("x/a"), run("y/a")]), ["x/a", "y/a"]);
    }

    #[test]
    fn tag_patterns_match_exactly_or_by_prefix() {
        let p = vec!["losses/".to_string(), "charts/SPS".to_string()];
        assert!(selected("losses/value_loss", &p) && selected("charts/SPS", &p));
        assert!(!selected("charts/SPS2", &p) && !selected("charts/episodic_return", &p));
        assert!(selected("anything", &[]));
    }
}
