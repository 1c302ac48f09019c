//! The Slurm backend: an sbatch array script with one task per grid point, each running
//! `rlab sweep-worker SWEEP_DIR --index $SLURM_ARRAY_TASK_ID`. The sweep directory and the rlab
//! executable must be visible at the same paths on the compute nodes (a shared file system).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{anyhow, bail, Context, Result};

use super::LOGS;

/// Slurm's `--array` syntax for a set of indices: runs of consecutive indices as `a-b`.
pub fn array_spec(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}-{}", indices[i], indices[j]) } else { indices[i].to_string() });
        i = j + 1;
    }
    parts.join(",")
}

/// A single-quoted shell word.
fn sh(p: &Path) -> String {
    format!("'{}'", p.to_string_lossy().replace('\'', r"'\''"))
}

pub struct ScriptOptions<'a> {
    /// Absolute sweep directory.
    pub dir: &'a Path,
    pub exe: &'a Path,
    pub indices: &'a [usize],
    /// At most this many tasks at once (`%N`).
    pub jobs: Option<usize>,
    pub cpus_per_task: usize,
    /// Extra `#SBATCH` options, e.g. `--partition=gpu`.
    pub extra: &'a [String],
}

pub fn script(o: &ScriptOptions) -> Result<String> {
    for e in o.extra {
        if e.contains(['\n', '\r']) || !e.starts_with('-') {
            bail!("--sbatch-arg '{}': expected one sbatch option such as --partition=gpu", e.escape_debug());
        }
    }
    let name = o.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "sweep".into());
    let throttle = o.jobs.map(|j| format!("%{j}")).unwrap_or_default();
    let mut s = String::from("#!/bin/bash\n");
    s += "# Written by `rlab sweep --backend slurm`: one array task per grid point of sweep.json.\n";
    s += &format!("#SBATCH --job-name=rlab-{}\n", name.replace(|c: char| c.is_whitespace(), "_"));
    s += &format!("#SBATCH --array={}{throttle}\n", array_spec(o.indices));
    s += &format!("#SBATCH --cpus-per-task={}\n", o.cpus_per_task);
    let output = o.dir.join(LOGS).join("slurm-%A_%a.out").to_string_lossy().into_owned();
    // sbatch reads a directive's value up to white space unless it is double-quoted.
    let output = if output.contains(char::is_whitespace) { format!("\"{output}\"") } else { output };
    s += &format!("#SBATCH --output={output}\n");
    for e in o.extra {
        s += &format!("#SBATCH {e}\n");
    }
    s += &format!("exec {} sweep-worker {} --index \"$SLURM_ARRAY_TASK_ID\"\n", sh(o.exe), sh(o.dir));
    Ok(s)
}

/// `sbatch` on `PATH`, or an error saying Slurm is not installed.
pub fn find_sbatch() -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("sbatch"))
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("sbatch not found on PATH: Slurm is not installed here (use --backend local, or run on the cluster's login node)"))
}

/// Submits `script` and returns the job id. With `wait`, returns when every task has ended.
pub fn submit(sbatch: &Path, script: &Path, wait: bool) -> Result<String> {
    let mut cmd = Command::new(sbatch);
    cmd.arg("--parsable");
    if wait {
        cmd.arg("--wait");
    }
    let out = cmd.arg(script).output().with_context(|| format!("cannot run {}", sbatch.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let job = stdout.lines().map(str::trim).find(|l| l.split(';').next().is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())));
    match job {
        // With --wait, sbatch exits non-zero when a task failed; the job was still submitted.
        Some(line) => Ok(line.split(';').next().unwrap_or(line).to_string()),
        None => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("no job id printed");
            bail!("sbatch failed (Slurm not reachable?): {why}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_compress_runs_of_indices() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[1, 3, 4, 5, 9]), "1,3-5,9");
        assert_eq!(array_spec(&[7]), "7");
    }

    #[test]
    fn the_script_runs_one_worker_per_task() {
        let o = ScriptOptions {
            dir: Path::new("/shared/sweeps/it's"),
            exe: Path::new("/opt/rlab"),
            indices: &[0, 1, 2, 3],
            jobs: Some(2),
            cpus_per_task: 4,
            extra: &["--partition=gpu".to_string()],
        };
        let s = script(&o).unwrap();
        assert!(s.contains("#SBATCH --array=0-3%2\n") && s.contains("#SBATCH --cpus-per-task=4\n") && s.contains("#SBATCH --partition=gpu\n"), "{s}");
        assert!(s.contains(r#"exec '/opt/rlab' sweep-worker '/shared/sweeps/it'\''s' --index "$SLURM_ARRAY_TASK_ID""#), "{s}");
        let bad = ScriptOptions { extra: &["x\n#SBATCH --evil".to_string()], ..o };
        assert!(script(&bad).is_err());
    }
}
