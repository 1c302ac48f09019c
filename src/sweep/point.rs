//! One point's attempt: start `rlab run` for it as a child process, and when the child ends,
//! record how it went in `points/NAME.json` (the error is the last line the run wrote to stderr).

use std::{
    fs,
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    time::Instant,
};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{run_dir, Point, SweepSpec, INCOMPLETE, LOGS, POINTS, RUNS};
use crate::run::{run_dir::timestamp, run_dir::write_text_atomic, RUN_STATE, SUMMARY};

/// Where a point stands, from its run directory and its record.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    Finished,
    Failed(String),
    Interrupted,
    /// Started and not ended (still running, or its process was killed).
    Running,
    Missing,
}

impl State {
    pub fn label(&self) -> &'static str {
        match self {
            State::Finished => "finished",
            State::Failed(_) => "failed",
            State::Interrupted => "interrupted",
            State::Running => "running",
            State::Missing => "missing",
        }
    }
}

/// `points/NAME.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    pub status: String,
    pub error: Option<String>,
    pub exit_code: Option<i32>,
    pub host: String,
    /// The `rlab run` process.
    pub pid: u32,
    pub started: String,
    pub ended: Option<String>,
    pub seconds: Option<f64>,
}

fn record_path(dir: &Path, p: &Point) -> PathBuf {
    dir.join(POINTS).join(format!("{}.json", p.name))
}

pub fn read_record(dir: &Path, p: &Point) -> Option<Record> {
    serde_json::from_str(&fs::read_to_string(record_path(dir, p)).ok()?).ok()
}

/// The run's own `summary.json` status ("finished" / "interrupted"), if it wrote one.
fn summary_status(dir: &Path, p: &Point) -> Option<String> {
    let text = fs::read_to_string(run_dir(dir, p).join(SUMMARY)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("status")?.as_str().map(str::to_string)
}

pub fn state(dir: &Path, p: &Point) -> State {
    match summary_status(dir, p).as_deref() {
        Some("finished") => return State::Finished,
        Some(_) => return State::Interrupted,
        None => {}
    }
    match read_record(dir, p) {
        Some(r) if r.status == "failed" => State::Failed(r.error.unwrap_or_default()),
        Some(r) if r.status == "interrupted" => State::Interrupted,
        Some(_) => State::Running,
        None if run_dir(dir, p).exists() => State::Running,
        None => State::Missing,
    }
}

pub fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// An attempt in progress.
pub struct Attempt {
    pub index: usize,
    pub child: Child,
    log: PathBuf,
    log_offset: u64,
    started: Instant,
    record: Record,
}

/// A run stopped by Ctrl-C saved its weights, optimiser and counters: `rlab run --resume`
/// continues it. Not after a failed attempt to do so (then the point starts afresh).
fn continuable(dir: &Path, p: &Point) -> bool {
    run_dir(dir, p).join(RUN_STATE).is_file()
        && summary_status(dir, p).as_deref() == Some("interrupted")
        && !matches!(read_record(dir, p), Some(r) if r.status != "interrupted")
}

/// Starts point `index`: continues its interrupted run, or else moves aside what an earlier
/// unfinished attempt left (never deleting it) and starts afresh. With `own_group`, `rlab run`
/// gets its own process group, so a Ctrl-C at the terminal reaches only the caller, which then
/// decides what the child is told.
pub fn start(dir: &Path, spec: &SweepSpec, index: usize, threads: Option<usize>, own_group: bool) -> Result<Attempt> {
    let p = &spec.points[index];
    for sub in [RUNS, POINTS, LOGS] {
        fs::create_dir_all(dir.join(sub)).with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    let run = run_dir(dir, p);
    let args = if continuable(dir, p) {
        spec.continue_args(dir, index)
    } else {
        if run.exists() {
            let aside = dir.join(INCOMPLETE).join(format!("{}__{}", p.name, timestamp()));
            fs::create_dir_all(dir.join(INCOMPLETE))?;
            fs::rename(&run, &aside).with_context(|| format!("cannot move {} aside", run.display()))?;
        }
        spec.run_args(dir, index, threads)
    };
    let log = dir.join(LOGS).join(format!("{}.log", p.name));
    let mut file = fs::OpenOptions::new().create(true).append(true).open(&log).with_context(|| format!("cannot open {}", log.display()))?;
    let host = hostname();
    let started_at = timestamp();
    writeln!(file, "== attempt started {started_at} on {host} ==")?;
    let log_offset = file.metadata()?.len();
    let exe = std::env::current_exe().context("cannot find the rlab executable")?;
    let mut cmd = Command::new(exe);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(file);
    if own_group {
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    }
    let child = cmd.spawn().context("cannot start rlab run")?;
    let record = Record { status: "running".into(), error: None, exit_code: None, host, pid: child.id(), started: started_at, ended: None, seconds: None };
    write_record(dir, p, &record)?;
    Ok(Attempt { index, child, log, log_offset, started: Instant::now(), record })
}

fn write_record(dir: &Path, p: &Point, r: &Record) -> Result<()> {
    write_text_atomic(&record_path(dir, p), &(serde_json::to_string_pretty(r)? + "\n"))
}

impl Attempt {
    /// Sends `signal` to the child (SIGINT: stop after this iteration and save; twice: quit).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) with a pid we spawned and have not reaped yet; no memory is involved.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }

    /// Records how the child ended and returns the point's state.
    pub fn finish(mut self, dir: &Path, spec: &SweepSpec, status: ExitStatus) -> Result<State> {
        let p = &spec.points[self.index];
        let state = match (summary_status(dir, p).as_deref(), status.code()) {
            (Some("finished"), _) => State::Finished,
            (Some("interrupted"), _) | (None, Some(130)) => State::Interrupted,
            _ => State::Failed(self.last_error(status)),
        };
        self.record.status = state.label().into();
        self.record.error = match &state {
            State::Failed(e) => Some(e.clone()),
            _ => None,
        };
        self.record.exit_code = status.code();
        self.record.ended = Some(timestamp());
        self.record.seconds = Some(self.started.elapsed().as_secs_f64());
        write_record(dir, p, &self.record)?;
        Ok(state)
    }

    /// The last non-empty line this attempt wrote to its log, without an `error: ` prefix.
    fn last_error(&self, status: ExitStatus) -> String {
        let mut text = String::new();
        if let Ok(mut f) = fs::File::open(&self.log) {
            let _ = f.seek(SeekFrom::Start(self.log_offset)).and_then(|_| f.read_to_string(&mut text));
        }
        let line = text.lines().rev().map(str::trim).find(|l| !l.is_empty());
        match line {
            Some(l) => l.strip_prefix("error: ").unwrap_or(l).to_string(),
            None => match status.code() {
                Some(c) => format!("rlab run exited with code {c}"),
                None => format!("rlab run was killed ({status})"),
            },
        }
    }
}

/// Points of `spec` that are not finished, i.e. what `--resume` runs.
pub fn unfinished(dir: &Path, spec: &SweepSpec) -> Vec<usize> {
    spec.points.iter().filter(|p| state(dir, p) != State::Finished).map(|p| p.index).collect()
}

/// A point whose record says a process on this host is running it, and that process is alive.
pub fn busy(dir: &Path, spec: &SweepSpec) -> Option<(String, u32)> {
    let host = hostname();
    spec.points.iter().find_map(|p| {
        let r = read_record(dir, p).filter(|r| r.status == "running" && r.host == host)?;
        // SAFETY: kill(pid, 0) only checks that the process exists.
        let alive = unsafe { libc::kill(r.pid as libc::pid_t, 0) } == 0;
        alive.then(|| (p.name.clone(), r.pid))
    })
}
