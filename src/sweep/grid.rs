//! From command-line lists to grid points: parsing `--gamma`, `--seeds` and `--grid key=v1,v2`,
//! the Cartesian product, point names, and resolving every point's config up front so that a
//! bad value fails before anything is created or run.

use std::{collections::BTreeMap, path::Path};

use anyhow::{anyhow, bail, Context, Result};

use super::{optimal, Point, SweepSpec, Threshold, BASE_CONFIG};
use crate::config::resolve;

/// More points than this is almost surely a typo.
pub const MAX_POINTS: usize = 10_000;

/// One axis of the grid: a config key and its values (TOML, as given).
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<String>,
}

/// Splits `v1,v2,...` at commas outside brackets (so `[64,64],[32]` is two values). Empty lists
/// and empty values are errors.
pub fn split_values(list: &str, what: &str) -> Result<Vec<String>> {
    let mut values = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for c in list.chars() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                values.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    values.push(current);
    let values: Vec<String> = values.into_iter().map(|v| v.trim().to_string()).collect();
    if values.iter().all(String::is_empty) {
        bail!("{what}: empty list of values");
    }
    if let Some(pos) = values.iter().position(String::is_empty) {
        bail!("{what}: value {} of '{list}' is empty", pos + 1);
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            bail!("{what}: '{v}' is listed twice");
        }
    }
    Ok(values)
}

/// `--gamma 0.9,0.99`: numbers, kept in the form `rlab run --gamma` passes them on.
pub fn gamma_axis(list: &str) -> Result<Axis> {
    let values = split_values(list, "--gamma")?
        .iter()
        .map(|v| match v.parse::<f64>() {
            Ok(g) if g.is_finite() => Ok(format!("{g:?}")),
            _ => Err(anyhow!("--gamma: '{v}' is not a finite number")),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Axis { key: "gamma".into(), values })
}

pub fn seeds_axis(list: &str) -> Result<Axis> {
    let values = split_values(list, "--seeds")?
        .iter()
        // TOML integers are i64.
        .map(|v| match v.parse::<u64>() {
            Ok(s) if s <= i64::MAX as u64 => Ok(s.to_string()),
            _ => Err(anyhow!("--seeds: '{v}' is not an integer from 0 to {}", i64::MAX)),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Axis { key: "seed".into(), values })
}

/// `--grid key=v1,v2`.
pub fn grid_axis(spec: &str) -> Result<Axis> {
    let Some((key, list)) = spec.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
        bail!("--grid '{spec}': expected KEY=V1,V2,... (e.g. --grid ppo.clip_coef=0.1,0.2)");
    };
    let key = key.trim();
    if key.split('.').any(|p| p.trim().is_empty()) {
        bail!("--grid '{spec}': malformed key '{key}'");
    }
    Ok(Axis { key: key.to_string(), values: split_values(list, &format!("--grid {key}"))? })
}

/// Orders the axes (γ first, the seed last, `--grid` ones between) and rejects a key given twice.
pub fn order_axes(gamma: Option<Axis>, seeds: Option<Axis>, grid: Vec<Axis>) -> Result<Vec<Axis>> {
    let mut axes: Vec<Axis> = gamma.into_iter().collect();
    let seed_from_grid = grid.iter().any(|a| a.key == "seed");
    axes.extend(grid.into_iter().filter(|a| a.key != "seed"));
    axes.extend(seeds);
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.key == a.key) {
            let by = if a.key == "gamma" || a.key == "seed" { format!(" (by --{} and --grid)", if a.key == "gamma" { "gamma" } else { "seeds" }) } else { String::new() };
            bail!("the grid key '{}' is given twice{by}", a.key);
        }
    }
    if seed_from_grid {
        bail!("sweep seeds with --seeds, not --grid seed=...");
    }
    if axes.is_empty() {
        bail!("empty grid: give --gamma, --seeds or --grid KEY=V1,V2");
    }
    Ok(axes)
}

/// Every combination, the last axis varying fastest.
fn product(axes: &[Axis]) -> Vec<Vec<(String, String)>> {
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for axis in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| axis.values.iter().map(move |v| [c.clone(), vec![(axis.key.clone(), v.clone())]].concat()))
            .collect();
    }
    combos
}

/// A readable, file-system-safe run name: `g0.99__s1` plus `__KEYvalue` for other grid keys.
/// `key=value, …` of a grid point, for errors.
fn describe(values: &[(String, String)]) -> String {
    if values.is_empty() {
        return "(the only one)".into();
    }
    values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

fn point_name(values: &[(String, String)], gamma: f64, seed: u64) -> String {
    let mut parts = vec![format!("g{gamma}"), format!("s{seed}")];
    for (k, v) in values.iter().filter(|(k, _)| k != "gamma" && k != "seed") {
        let short = k.rsplit('.').next().unwrap_or(k);
        let v = v.trim_matches('"');
        let v = if v.ends_with(".txt") { Path::new(v).file_stem().map_or(v.into(), |s| s.to_string_lossy().into_owned()) } else { v.to_string() };
        parts.push(format!("{short}{v}"));
    }
    let name = parts.join("__");
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-+".contains(c) { c } else { '_' }).collect()
}

/// Resolves every point's config (defaults < `config` < `base` < the point's values), checks it,
/// and builds the spec. Nothing is written.
pub fn build_spec(config: Option<&Path>, base: Vec<(String, String)>, axes: &[Axis], threshold: Option<f64>) -> Result<SweepSpec> {
    let combos = product(axes);
    if combos.len() > MAX_POINTS {
        bail!("the grid has {} points; at most {MAX_POINTS} are allowed", combos.len());
    }
    let mut points = Vec::with_capacity(combos.len());
    let mut thresholds = BTreeMap::new();
    for (index, values) in combos.into_iter().enumerate() {
        let overrides: Vec<(String, String)> = base.iter().chain(&values).cloned().collect();
        let c = resolve(config, &overrides).with_context(|| format!("grid point {}", describe(&values)))?;
        c.check_env().with_context(|| format!("grid point {}", describe(&values)))?;
        if !thresholds.contains_key(&c.env) {
            let t = match threshold {
                Some(v) if v.is_finite() => Some(Threshold { value: v, source: "--threshold".into() }),
                Some(v) => bail!("--threshold must be a finite number, got {v}"),
                None => optimal::default_threshold(&c.env).map(|(value, source)| Threshold { value, source }),
            };
            thresholds.extend(t.map(|t| (c.env.clone(), t)));
        }
        let name = point_name(&values, c.gamma, c.seed);
        points.push(Point { index, name, values, env: c.env, gamma: c.gamma, seed: c.seed, total_steps: c.total_steps });
    }
    // Sanitising can make two names equal; the index keeps them apart.
    let mut seen = std::collections::HashSet::new();
    let clash = points.iter().any(|p| !seen.insert(p.name.clone()));
    if clash {
        for p in &mut points {
            p.name = format!("p{:04}__{}", p.index, p.name);
        }
    }
    Ok(SweepSpec {
        rlab_version: env!("CARGO_PKG_VERSION").into(),
        created: crate::run::run_dir::timestamp(),
        config: config.map(|_| BASE_CONFIG.to_string()),
        base,
        keys: axes.iter().map(|a| a.key.clone()).collect(),
        thresholds,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_outside_brackets_and_reject_empties_and_repeats() {
        assert_eq!(split_values("[64,64], [32]", "x").unwrap(), vec!["[64,64]", "[32]"]);
        assert!(split_values("", "x").unwrap_err().to_string().contains("empty list"));
        assert!(split_values("1,,2", "x").unwrap_err().to_string().contains("value 2"));
        assert!(split_values("1,1", "x").unwrap_err().to_string().contains("twice"));
        assert!(gamma_axis("0.9,abc").unwrap_err().to_string().contains("'abc'"));
        assert!(gamma_axis("nan").unwrap_err().to_string().contains("finite"));
        assert!(seeds_axis("18446744073709551615").is_err() && seeds_axis("-1").is_err());
        assert_eq!(gamma_axis("0.90, 1").unwrap().values, vec!["0.9", "1.0"]);
        assert!(grid_axis("nokey").is_err() && grid_axis("=1").is_err() && grid_axis("a..b=1").is_err());
        assert!(grid_axis("ppo.clip_coef=").unwrap_err().to_string().contains("empty list"));
    }

    #[test]
    fn axes_order_gamma_first_seed_last_and_no_key_twice() {
        let g = gamma_axis("0.9,0.99").unwrap();
        let s = seeds_axis("0,1,2").unwrap();
        let c = grid_axis("ppo.clip_coef=0.1,0.2").unwrap();
        let axes = order_axes(Some(g.clone()), Some(s), vec![c]).unwrap();
        let keys: Vec<&str> = axes.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["gamma", "ppo.clip_coef", "seed"]);
        assert_eq!(product(&axes).len(), 12);
        assert!(order_axes(Some(g), None, vec![grid_axis("gamma=0.5").unwrap()]).unwrap_err().to_string().contains("twice"));
        assert!(order_axes(None, None, vec![]).unwrap_err().to_string().contains("empty grid"));
    }

    #[test]
    fn points_resolve_and_get_names() {
        let axes = order_axes(Some(gamma_axis("0.9,0.99").unwrap()), Some(seeds_axis("0,1").unwrap()), vec![grid_axis("policy.hidden_sizes=[8],[4,4]").unwrap()]).unwrap();
        let spec = build_spec(None, vec![("total_steps".into(), "512".into())], &axes, None).unwrap();
        let names: Vec<&str> = spec.points.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names[..3], ["g0.9__s0__hidden_sizes_8_", "g0.9__s1__hidden_sizes_8_", "g0.9__s0__hidden_sizes_4_4_"]);
        assert_eq!((spec.points[7].gamma, spec.points[7].seed, spec.points[7].total_steps), (0.99, 1, 512));
        assert_eq!(spec.thresholds["CartPole-v1"].value, 475.0);
        let bad = order_axes(Some(gamma_axis("0.9,1.5").unwrap()), None, vec![]).unwrap();
        assert!(build_spec(None, vec![], &bad, None).unwrap_err().to_string().contains("gamma"));
        let unknown = order_axes(None, None, vec![grid_axis("ppo.nope=1,2").unwrap()]).unwrap();
        assert!(build_spec(None, vec![], &unknown, None).unwrap_err().to_string().contains("nope"));
        let env = order_axes(None, None, vec![grid_axis("env=GridEmpty-v0,NoSuch-v0").unwrap()]).unwrap();
        assert!(build_spec(None, vec![], &env, None).unwrap_err().to_string().contains("NoSuch-v0"));
    }
}
