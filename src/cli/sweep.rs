//! `rlab sweep`, `rlab sweep report` and `rlab sweep-worker`.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use super::run::ConfigFlags;
use crate::{
    run::run_dir::{create_run_dir, timestamp},
    sweep::{
        grid::{build_spec, gamma_axis, grid_axis, order_axes, seeds_axis},
        local::{cores, run_points, threads_per_job, Plan, Signals, Tally},
        point::{busy, state, unfinished, State},
        report::write_report,
        slurm, SweepSpec, BASE_CONFIG, LOGS, POINTS, RUNS, SLURM_SCRIPT,
    },
};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// Child processes on this machine.
    #[default]
    Local,
    /// An sbatch array job, one task per point.
    Slurm,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// Discount rates to sweep, e.g. 0.9,0.95,0.99,0.999.
    #[arg(long, value_name = "G1,G2,...", allow_hyphen_values = true)]
    gamma: Option<String>,
    /// Seeds to run for every other grid value, e.g. 0,1,2.
    #[arg(long, value_name = "S1,S2,...")]
    seeds: Option<String>,
    /// Any config key and its values, e.g. --grid ppo.clip_coef=0.1,0.2 (repeatable).
    #[arg(long = "grid", value_name = "KEY=V1,V2")]
    grid: Vec<String>,
    #[command(flatten)]
    flags: ConfigFlags,
    /// Points run at once (default: the number of cores; with slurm: no limit).
    #[arg(long)]
    jobs: Option<usize>,
    /// Return for steps-to-threshold (default: the env's reward_threshold, or 95% of a grid world's best return).
    #[arg(long, allow_hyphen_values = true)]
    threshold: Option<f64>,
    #[arg(long, value_enum, default_value_t)]
    backend: Backend,
    /// Print what would run (the sbatch script with slurm) and create nothing.
    #[arg(long)]
    dry_run: bool,
    /// With slurm: wait for the array to end, then report.
    #[arg(long)]
    wait: bool,
    /// With slurm: an extra #SBATCH option, e.g. --sbatch-arg=--partition=gpu (repeatable).
    #[arg(long = "sbatch-arg", value_name = "OPTION", allow_hyphen_values = true)]
    sbatch_args: Vec<String>,
    /// Directory holding sweep directories.
    #[arg(long, default_value = "sweeps")]
    logdir: PathBuf,
    /// Name of the new sweep directory (default: ENV__sweep__TIME). Must not exist.
    #[arg(long)]
    name: Option<String>,
    /// Run what is not finished (missing, failed, interrupted) in an existing sweep directory.
    #[arg(long, value_name = "SWEEP_DIR")]
    resume: Option<PathBuf>,
    /// No progress lines.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Subcommand)]
enum SweepCommand {
    /// Aggregate a sweep directory: sweep.csv, summary.md (printed) and curves.png.
    Report(ReportArgs),
}

#[derive(Args)]
struct ReportArgs {
    sweep_dir: PathBuf,
    /// Use this return threshold instead of the sweep's.
    #[arg(long, allow_hyphen_values = true)]
    threshold: Option<f64>,
    /// Write the files without printing the summary.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
pub struct WorkerArgs {
    sweep_dir: PathBuf,
    /// The point to run (default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX).
    #[arg(long)]
    index: Option<usize>,
}

pub fn sweep(a: SweepArgs) -> Result<i32> {
    if let Some(SweepCommand::Report(r)) = a.command {
        return report(r);
    }
    if a.jobs == Some(0) {
        bail!("--jobs must be at least 1");
    }
    if a.backend == Backend::Local && (a.wait || !a.sbatch_args.is_empty()) {
        bail!("--wait and --sbatch-arg go with --backend slurm");
    }
    match a.resume.clone() {
        Some(dir) => resume(a, &dir),
        None => new_sweep(a),
    }
}

fn new_sweep(a: SweepArgs) -> Result<i32> {
    let gamma = a.gamma.as_deref().map(gamma_axis).transpose()?;
    let seeds = a.seeds.as_deref().map(seeds_axis).transpose()?;
    let grid = a.grid.iter().map(|g| grid_axis(g)).collect::<Result<Vec<_>>>()?;
    let axes = order_axes(gamma, seeds, grid)?;
    let config = a.flags.config.as_deref();
    let spec = build_spec(config, a.flags.overrides()?, &axes, a.threshold)?;
    let env = &spec.points[0].env;
    let env_name = Path::new(env).file_stem().map_or(env.clone(), |s| s.to_string_lossy().into_owned());
    let auto_name = format!("{env_name}__sweep__{}", timestamp());
    let all: Vec<usize> = (0..spec.points.len()).collect();

    if a.dry_run {
        let dir = std::env::current_dir()?.join(&a.logdir).join(a.name.as_deref().unwrap_or(&auto_name));
        match a.backend {
            Backend::Slurm => print!("{}", slurm_script(&a, &spec, &dir, &all)?),
            Backend::Local => {
                let threads = threads_per_job(a.jobs.unwrap_or_else(cores).min(all.len()));
                for p in &spec.points {
                    let args: Vec<String> = spec.run_args(&dir, p.index, Some(threads)).iter().map(|s| s.to_string_lossy().into_owned()).collect();
                    println!("{}: rlab {}", p.name, args.join(" "));
                }
            }
        }
        return Ok(0);
    }
    // Everything that can fail on bad input is checked before the directory is made.
    let sbatch = if a.backend == Backend::Slurm { Some(slurm::find_sbatch()?) } else { None };
    let config_text = config.map(|c| std::fs::read_to_string(c).with_context(|| format!("cannot read {}", c.display()))).transpose()?;
    let dir = create_run_dir(&a.logdir, a.name.as_deref(), &auto_name)
        .map_err(|e| anyhow!("{}", e.to_string().replace("run directory", "sweep directory")))?;
    let made = (|| -> Result<()> {
        if let Some(text) = &config_text {
            std::fs::write(dir.join(BASE_CONFIG), text)?;
        }
        for sub in [RUNS, POINTS, LOGS] {
            std::fs::create_dir(dir.join(sub))?;
        }
        spec.save(&dir)
    })();
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e.context(format!("cannot set up {}", dir.display())));
    }
    println!("sweep directory: {}", dir.display());
    match sbatch {
        Some(sbatch) => submit(&a, &dir, &spec, &all, &sbatch, true),
        None => run_here(&a, &dir, &spec, &all),
    }
}

fn resume(a: SweepArgs, dir: &Path) -> Result<i32> {
    if a.gamma.is_some() || a.seeds.is_some() || !a.grid.is_empty() || a.flags.any() || a.threshold.is_some() || a.name.is_some() {
        bail!("--resume takes the grid and flags from SWEEP_DIR/sweep.json; give only --jobs, --backend and -q with it");
    }
    let spec = SweepSpec::load(dir)?;
    if let Some((name, pid)) = busy(dir, &spec) {
        bail!("point {name} is still being run by process {pid} on this host; wait for it or stop it first");
    }
    let todo = unfinished(dir, &spec);
    println!("sweep directory: {}", dir.display());
    if todo.is_empty() {
        println!("all {} points are finished; nothing to run", spec.points.len());
        return run_here(&a, dir, &spec, &todo);
    }
    if a.backend == Backend::Slurm {
        let sbatch = slurm::find_sbatch()?;
        return submit(&a, dir, &spec, &todo, &sbatch, false);
    }
    run_here(&a, dir, &spec, &todo)
}

/// Counts Ctrl-C presses for the sweep (one handler per process).
fn ctrl_c_presses() -> Arc<AtomicUsize> {
    let presses = Arc::new(AtomicUsize::new(0));
    let p = presses.clone();
    let _ = ctrlc::set_handler(move || {
        let n = p.fetch_add(1, Ordering::SeqCst) + 1;
        let msg = match n {
            1 => "stopping: no new points; running ones save and stop after their iteration (again: stop them at once)",
            2 => "stopping the running points at once (Ctrl-C again: kill them)",
            _ => "killing the running points",
        };
        eprintln!("\n{msg}");
    });
    presses
}

fn run_here(a: &SweepArgs, dir: &Path, spec: &SweepSpec, todo: &[usize]) -> Result<i32> {
    let jobs = a.jobs.unwrap_or_else(cores).min(todo.len()).max(1);
    let threads = threads_per_job(jobs);
    let mut tally = Tally::default();
    let presses = ctrl_c_presses();
    if !todo.is_empty() {
        if !a.quiet {
            println!("running {} of {} points, {jobs} at a time, {threads} libtorch thread(s) each", todo.len(), spec.points.len());
        }
        let plan = Plan { todo, jobs, threads: Some(threads), signals: Signals::Forward };
        tally = run_points(dir, spec, &plan, &presses, |line| {
            if !a.quiet {
                println!("{line}");
            }
        })?;
    }
    print_report(dir, spec, false)?;
    if presses.load(Ordering::SeqCst) > 0 {
        eprintln!(
            "interrupted: {} finished, {} interrupted, {} not started; continue with: rlab sweep --resume {}",
            tally.finished,
            tally.interrupted,
            tally.not_started,
            dir.display()
        );
        return Ok(130);
    }
    if tally.failed > 0 {
        bail!("{} of {} points failed (errors in {}); rerun them with: rlab sweep --resume {}", tally.failed, todo.len(), dir.join(crate::sweep::CSV).display(), dir.display());
    }
    Ok(0)
}

fn print_report(dir: &Path, spec: &SweepSpec, quiet: bool) -> Result<()> {
    let (md, warnings) = write_report(dir, spec)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if !quiet {
        println!("\n{md}");
        println!("wrote {}, {} and {}", crate::sweep::CSV, crate::sweep::SUMMARY_MD, crate::sweep::CURVES);
    }
    Ok(())
}

fn slurm_script(a: &SweepArgs, spec: &SweepSpec, dir: &Path, indices: &[usize]) -> Result<String> {
    let exe = std::env::current_exe().context("cannot find the rlab executable")?;
    // CPUs per task: the most libtorch threads any point asks for (runs use 1 unless set).
    let threads = |p: &crate::sweep::Point| -> usize {
        spec.base.iter().chain(&p.values).filter(|(k, _)| k == "threads").filter_map(|(_, v)| v.parse().ok()).next_back().unwrap_or(1)
    };
    let cpus = indices.iter().map(|&i| threads(&spec.points[i])).max().unwrap_or(1);
    slurm::script(&slurm::ScriptOptions { dir, exe: &exe, indices, jobs: a.jobs, cpus_per_task: cpus, extra: &a.sbatch_args })
}

/// Writes the array script for `indices` and submits it. A new sweep directory whose submission
/// fails is removed again (it holds nothing but what this command just wrote).
fn submit(a: &SweepArgs, dir: &Path, spec: &SweepSpec, indices: &[usize], sbatch: &Path, new: bool) -> Result<i32> {
    let abs = std::fs::canonicalize(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let file = if new { SLURM_SCRIPT.to_string() } else { format!("slurm-resume-{}.sbatch", timestamp()) };
    let script = slurm_script(a, spec, &abs, indices)?;
    let submitted = crate::run::run_dir::write_text_atomic(&abs.join(&file), &script).and_then(|_| slurm::submit(sbatch, &abs.join(&file), a.wait));
    let job = match submitted {
        Ok(job) => job,
        Err(e) => {
            if new {
                let _ = std::fs::remove_dir_all(&abs);
            }
            return Err(e);
        }
    };
    println!("submitted Slurm array job {job}: {} task(s), script {}", indices.len(), abs.join(&file).display());
    if !a.wait {
        println!("when it is done: rlab sweep report {}", dir.display());
        return Ok(0);
    }
    print_report(dir, spec, false)?;
    let failed = spec.points.iter().filter(|p| state(dir, p) != State::Finished).count();
    if failed > 0 {
        bail!("{failed} of {} points did not finish (see {}); rerun them with: rlab sweep --resume {} --backend slurm", spec.points.len(), dir.join(crate::sweep::CSV).display(), dir.display());
    }
    Ok(0)
}

fn report(r: ReportArgs) -> Result<i32> {
    let mut spec = SweepSpec::load(&r.sweep_dir)?;
    if let Some(t) = r.threshold {
        if !t.is_finite() {
            bail!("--threshold must be a finite number, got {t}");
        }
        for th in spec.thresholds.values_mut() {
            *th = crate::sweep::Threshold { value: t, source: "--threshold".into() };
        }
    }
    print_report(&r.sweep_dir, &spec, r.quiet)?;
    Ok(0)
}

/// The index from `--index`, else from the array-job variables of Slurm or Kubernetes.
fn worker_index(flag: Option<usize>) -> Result<usize> {
    if let Some(i) = flag {
        return Ok(i);
    }
    for var in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
        if let Ok(v) = std::env::var(var) {
            return v.trim().parse().map_err(|_| anyhow!("{var}='{v}' is not a point index"));
        }
    }
    bail!("no point index: give --index I, or set SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
}

pub fn sweep_worker(a: WorkerArgs) -> Result<i32> {
    let spec = SweepSpec::load(&a.sweep_dir)?;
    let index = worker_index(a.index)?;
    let n = spec.points.len();
    let p = spec.points.get(index).ok_or_else(|| anyhow!("point index {index} is out of range: the sweep has {n} points (0-{})", n - 1))?;
    if state(&a.sweep_dir, p) == State::Finished {
        println!("point {index} ({}) is already finished", p.name);
        return Ok(0);
    }
    // Slurm says how many CPUs the task got; elsewhere the run's own setting stands.
    let threads = std::env::var("SLURM_CPUS_PER_TASK").ok().and_then(|v| v.parse().ok());
    // Slurm's scancel and time limit signal every process of the task: the run hears them itself.
    let presses = ctrl_c_presses();
    let plan = Plan { todo: &[index], jobs: 1, threads, signals: Signals::Shared };
    let tally = run_points(&a.sweep_dir, &spec, &plan, &presses, |line| println!("{line}"))?;
    match (tally.finished, tally.interrupted) {
        (1, _) => Ok(0),
        (_, 1) => Ok(130),
        _ => match state(&a.sweep_dir, p) {
            State::Failed(e) => bail!("point {index} ({}) failed: {e}", p.name),
            s => bail!("point {index} ({}) did not finish: {}", p.name, s.label()),
        },
    }
}
