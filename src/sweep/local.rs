//! Runs points on this machine, `jobs` child processes at a time.
//!
//! Ctrl-C (or SIGTERM) with `Signals::Forward`: the children live in their own process groups, so
//! the terminal's SIGINT reaches only the sweep. The first press stops launching points and
//! forwards one SIGINT to every running child (each finishes its iteration, saves its checkpoint
//! and an "interrupted" summary); the second forwards another (the children quit at once); the
//! third kills them. With `Signals::Shared` (a sweep worker under Slurm, which signals every
//! process of the task itself) the child shares the caller's group and gets signals directly.
//! Finished points are never touched.

use std::{
    collections::VecDeque,
    path::Path,
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use anyhow::Result;

use super::{
    point::{start, Attempt, State},
    SweepSpec,
};

#[derive(Debug, Default)]
pub struct Tally {
    pub finished: usize,
    pub failed: usize,
    pub interrupted: usize,
    /// Points never started because the sweep was stopped.
    pub not_started: usize,
}

/// libtorch threads per run so that `jobs` runs together use at most the machine's cores.
pub fn threads_per_job(jobs: usize) -> usize {
    (cores() / jobs.max(1)).max(1)
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// How stop signals reach the children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signals {
    /// Children in their own process groups; the sweep forwards what it receives.
    Forward,
    /// Children in the caller's process group; they receive the same signals directly.
    Shared,
}

/// What to run and how.
pub struct Plan<'a> {
    /// Indices into `spec.points`.
    pub todo: &'a [usize],
    pub jobs: usize,
    pub threads: Option<usize>,
    pub signals: Signals,
}

/// Runs `plan.todo`. `presses` counts Ctrl-C presses; `say` gets one line per point that ends.
pub fn run_points(dir: &Path, spec: &SweepSpec, plan: &Plan, presses: &AtomicUsize, mut say: impl FnMut(&str)) -> Result<Tally> {
    let Plan { todo, jobs, threads, signals } = *plan;
    let forward = signals == Signals::Forward;
    let mut queue: VecDeque<usize> = todo.iter().copied().collect();
    let mut running: Vec<Attempt> = Vec::new();
    let mut tally = Tally::default();
    let mut forwarded = 0;
    let (total, mut done) = (todo.len(), 0);
    loop {
        let pressed = presses.load(Ordering::SeqCst);
        while pressed == 0 && running.len() < jobs.max(1) {
            let Some(index) = queue.pop_front() else { break };
            match start(dir, spec, index, threads, forward) {
                Ok(a) => running.push(a),
                Err(e) => {
                    tally.failed += 1;
                    done += 1;
                    say(&format!("[{done}/{total}] {} failed to start: {e:#}", spec.points[index].name));
                }
            }
        }
        if running.is_empty() {
            break;
        }
        for press in (forwarded + 1..=pressed).filter(|_| forward) {
            let signal = if press >= 3 { libc::SIGKILL } else { libc::SIGINT };
            running.iter().for_each(|a| a.signal(signal));
        }
        forwarded = forwarded.max(pressed);
        let mut k = 0;
        while k < running.len() {
            match running[k].child.try_wait()? {
                None => k += 1,
                Some(status) => {
                    let attempt = running.swap_remove(k);
                    let name = spec.points[attempt.index].name.clone();
                    let state = attempt.finish(dir, spec, status)?;
                    done += 1;
                    let what = match &state {
                        State::Finished => {
                            tally.finished += 1;
                            "finished".to_string()
                        }
                        State::Interrupted => {
                            tally.interrupted += 1;
                            "interrupted (checkpoint and summary saved)".to_string()
                        }
                        other => {
                            tally.failed += 1;
                            match other {
                                State::Failed(e) => format!("failed: {e}"),
                                s => s.label().to_string(),
                            }
                        }
                    };
                    say(&format!("[{done}/{total}] {name} {what}"));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    tally.not_started = queue.len();
    Ok(tally)
}
