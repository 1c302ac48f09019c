//! `rlab logs` output: aligned tables, CSV of every point, JSON.

use std::fmt::Write as _;

use super::{stats, RunLog};

/// A value with about five significant digits, trailing zeros dropped (500, 0.0123, 2.5e-4).
pub fn short(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return v.to_string();
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-3..7).contains(&mag) {
        let s = format!("{v:.4e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    let s = format!("{v:.*}", (4 - mag).clamp(0, 8) as usize);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Columns padded to their widest cell; the first column left-aligned, the rest right-aligned.
fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| if c == 0 { format!("{s:<w$}", w = widths[c]) } else { format!("{s:>w$}", w = widths[c]) })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

fn header(first: &str, n: usize) -> Vec<String> {
    [first, "points", "last step", "last", "max", &format!("mean of last {n}")].iter().map(|s| s.to_string()).collect()
}

fn stat_cells(first: String, s: &super::TagStats) -> Vec<String> {
    vec![first, s.points.to_string(), s.last_step.to_string(), short(s.last), short(s.max), short(s.mean_last)]
}

/// Without chosen tags: each run and its tags. With `--tag`: each tag and its runs side by side.
pub fn table(runs: &[RunLog], by_tag: bool, n: usize) -> String {
    let mut out = String::new();
    if by_tag {
        let mut tags: Vec<&String> = runs.iter().flat_map(|r| r.scalars.keys()).collect();
        tags.sort();
        tags.dedup();
        for tag in tags {
            let mut rows = vec![header("run", n)];
            for r in runs {
                if let Some(s) = r.scalars.get(tag).and_then(|p| stats(p, n)) {
                    rows.push(stat_cells(r.label.clone(), &s));
                }
            }
            let _ = write!(out, "{}{tag}\n{}", if out.is_empty() { "" } else { "\n" }, align(&rows));
        }
    } else {
        for r in runs {
            let mut rows = vec![header("tag", n)];
            for (tag, pts) in &r.scalars {
                if let Some(s) = stats(pts, n) {
                    rows.push(stat_cells(tag.clone(), &s));
                }
            }
            let files: Vec<String> = r.files.iter().map(|f| f.display().to_string()).collect();
            let _ = write!(out, "{}{}  ({})\n{}", if out.is_empty() { "" } else { "\n" }, r.label, files.join(", "), align(&rows));
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every point: `run,tag,step,wall_time,value`.
pub fn csv(runs: &[RunLog]) -> String {
    let mut out = String::from("run,tag,step,wall_time,value\n");
    for r in runs {
        for (tag, pts) in &r.scalars {
            for p in pts {
                let _ = writeln!(out, "{},{},{},{},{}", csv_field(&r.label), csv_field(tag), p.step, p.wall_time, p.value);
            }
        }
    }
    out
}

/// `[{"run", "files", "warnings", "tags": {TAG: {"points", "last_step", "last", "max", "mean_last", "steps", "wall_times", "values"}}}]`.
pub fn json(runs: &[RunLog], n: usize) -> serde_json::Value {
    let finite = |v: f64| if v.is_finite() { serde_json::json!(v) } else { serde_json::Value::Null };
    serde_json::Value::Array(
        runs.iter()
            .map(|r| {
                let tags: serde_json::Map<String, serde_json::Value> = r
                    .scalars
                    .iter()
                    .filter_map(|(tag, pts)| {
                        let s = stats(pts, n)?;
                        Some((
                            tag.clone(),
                            serde_json::json!({
                                "points": s.points, "last_step": s.last_step, "last": finite(s.last), "max": finite(s.max),
                                "mean_last": finite(s.mean_last), "mean_last_n": n,
                                "steps": pts.iter().map(|p| p.step).collect::<Vec<_>>(),
                                "wall_times": pts.iter().map(|p| p.wall_time).collect::<Vec<_>>(),
                                "values": pts.iter().map(|p| finite(p.value)).collect::<Vec<_>>(),
                            }),
                        ))
                    })
                    .collect();
                let files: Vec<String> = r.files.iter().map(|f| f.display().to_string()).collect();
                serde_json::json!({"run": r.label, "files": files, "warnings": r.warnings, "tags": tags})
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short(500.0), "500");
        assert_eq!(short(23.456789), "23.457");
        assert_eq!(short(0.0123), "0.0123");
        assert_eq!(short(2.5e-7), "2.5e-7");
        assert_eq!(short(1.5625e-4), "1.5625e-4");
        assert_eq!(short(0.00123), "0.00123");
        assert_eq!(short(-3e9), "-3e9");
        assert_eq!(short(18957.3), "18957");
        assert_eq!(short(0.0), "0");
        assert_eq!(align(&[vec!["a".into(), "1".into()], vec!["bbb".into(), "22".into()]]), "a     1\nbbb  22\n");
    }
}
