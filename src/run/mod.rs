//! `rlab run`: the loop around an algorithm. The algorithm iterates and returns metrics; this
//! loop logs them (TensorBoard), shows progress, saves checkpoints and the summary, evaluates,
//! and resumes stopped runs.

mod periodic_eval;
mod progress;
pub mod run_dir;
mod summary;

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use anyhow::{bail, Context, Result};
use rlab_agents::{Trainer, TrainerState};
use rlab_tensorboard::EventWriter;
use serde::{Deserialize, Serialize};

pub use periodic_eval::BEST;
pub use summary::Summary;

use crate::{
    algos::{build_trainer, load_policy},
    config::RunConfig,
    eval::{evaluate, exact_grid_value, mean_std},
};
use periodic_eval::{PeriodicEval, PeriodicState};
use progress::Progress;
use run_dir::{create_run_dir, lock_run_dir, timestamp, write_atomic, write_text_atomic};

pub const CHECKPOINT: &str = "checkpoint.safetensors";
pub const OPTIMIZER: &str = "optimizer.safetensors";
pub const RUN_STATE: &str = "run_state.json";
pub const CONFIG: &str = "config.toml";
pub const SUMMARY: &str = "summary.json";
/// Training episodes averaged for `final_mean_return`.
const RECENT_EPISODES: usize = 100;

pub struct RunOptions {
    pub logdir: PathBuf,
    /// Run directory name under `logdir`; automatic (and unique) when absent.
    pub name: Option<String>,
    pub quiet: bool,
}

pub struct RunOutcome {
    pub dir: PathBuf,
    pub summary: Summary,
}

/// What a resumed run needs besides the trainer's own state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct RunState {
    trainer: TrainerState,
    recent_returns: VecDeque<f64>,
    training_episodes: usize,
    wall_seconds: f64,
    #[serde(default)]
    periodic_eval: PeriodicState,
}

/// Starts a new run in a new directory.
pub fn run(config: &RunConfig, options: &RunOptions, stop: &AtomicBool) -> Result<RunOutcome> {
    config.validate()?;
    // A map file is recorded by its absolute path, so the run evaluates from any directory.
    let mut config = config.clone();
    if config.env.ends_with(".txt") {
        config.env = std::fs::canonicalize(&config.env)
            .with_context(|| format!("cannot read map {}", config.env))?
            .display()
            .to_string();
    }
    let config = &config;
    // Everything that can fail on bad input is checked before a directory is made.
    let device = config.device.resolve()?;
    tch::set_num_threads(config.threads as i32);
    let periodic = PeriodicEval::prepare(config, device)?;
    let trainer = build_trainer(config, device)?;

    let auto_name = format!("{}__{}__g{}__s{}__{}", env_label(&config.env), config.algo.name(), config.gamma, config.seed, timestamp());
    let dir = create_run_dir(&options.logdir, options.name.as_deref(), &auto_name)?;
    let _lock = lock_run_dir(&dir)?;
    let config_text = config.to_toml()?;
    write_text_atomic(&dir.join(CONFIG), &config_text)?;
    let mut tb = EventWriter::create(&dir)?;
    tb.add_text("config", &format!("```toml\n{config_text}```"), 0)?;
    train(trainer, periodic, config, dir, tb, RunState::default(), options.quiet, stop)
}

/// Continues a stopped run in its own directory: same config, weights and optimiser state
/// restored, logged steps carrying on from where they stopped (in a new event file).
pub fn resume(run_dir: &Path, quiet: bool, stop: &AtomicBool) -> Result<RunOutcome> {
    let _lock = if run_dir.is_dir() { Some(lock_run_dir(run_dir)?) } else { None };
    let config = RunConfig::from_file(&run_dir.join(CONFIG))
        .with_context(|| format!("{} is not a resumable run directory", run_dir.display()))?;
    config.validate()?;
    let state_text = std::fs::read_to_string(run_dir.join(RUN_STATE))
        .with_context(|| format!("cannot resume {}: no {RUN_STATE} (was it made by this version?)", run_dir.display()))?;
    let mut state: RunState =
        serde_json::from_str(&state_text).with_context(|| format!("{}: malformed", run_dir.join(RUN_STATE).display()))?;
    let kept = periodic_eval::kept_best(run_dir)?;
    if let Some(best) = kept {
        state.periodic_eval.best = Some(best);
    }
    let device = config.device.resolve()?;
    tch::set_num_threads(config.threads as i32);
    // The kept weights are what the final evaluation judges: a missing or unreadable file must stop
    // the resume now, not after the training it would otherwise add. (Before the trainer is built:
    // loading draws from libtorch's generator, which the trainer then seeds.)
    if let (true, Some(best)) = (config.keep_best, kept) {
        let path = run_dir.join(BEST);
        if !path.is_file() {
            bail!(
                "cannot resume {}: {} names kept weights from step {} but {BEST} is missing (restore it, or remove {} to choose the best weights anew)",
                run_dir.display(),
                periodic_eval::BEST_INFO,
                best.step,
                periodic_eval::BEST_INFO
            );
        }
        load_policy(&config, &path, device).with_context(|| format!("cannot resume {}", run_dir.display()))?;
    }
    let periodic = PeriodicEval::prepare(&config, device)?;
    let mut trainer = build_trainer(&config, device)?;
    if trainer_finished_at(&config, &state) {
        bail!("{} already finished its {} steps", run_dir.display(), config.total_steps);
    }
    trainer.restore(&run_dir.join(CHECKPOINT), &run_dir.join(OPTIMIZER), &state.trainer)?;
    let tb = EventWriter::create(run_dir)?;
    train(trainer, periodic, &config, run_dir.to_path_buf(), tb, state, quiet, stop)
}

/// The weights file in `dir` a run's final evaluation judges, and `rlab eval` takes by default:
/// with keep_best the kept best weights once an evaluation kept any, else the last ones.
pub fn judged_weights(dir: &Path, config: &RunConfig) -> &'static str {
    if config.keep_best && dir.join(BEST).is_file() {
        BEST
    } else {
        CHECKPOINT
    }
}

fn trainer_finished_at(config: &RunConfig, state: &RunState) -> bool {
    state.trainer.global_step >= config.total_steps
}

/// Env names may be map paths: keep the file stem for directory names.
fn env_label(env: &str) -> String {
    Path::new(env).file_stem().and_then(|s| s.to_str()).unwrap_or(env).to_string()
}

#[allow(clippy::too_many_arguments)]
fn train(
    mut trainer: Box<dyn Trainer>,
    mut periodic: Option<PeriodicEval>,
    config: &RunConfig,
    dir: PathBuf,
    mut tb: EventWriter,
    mut state: RunState,
    quiet: bool,
    stop: &AtomicBool,
) -> Result<RunOutcome> {
    let started = Instant::now();
    let start_step = trainer.global_step();
    let mut progress = Progress::new(config.total_steps, quiet);
    let mut iterations = 0usize;
    let mut interrupted = false;
    let device = config.device.resolve()?;

    while !trainer.finished() {
        if stop.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        let it = trainer.iterate()?;
        iterations += 1;
        let step = it.global_step as i64;
        for (at, ep) in &it.episodes {
            tb.add_scalar("charts/episodic_return", ep.r#return, *at as i64)?;
            tb.add_scalar("charts/episodic_length", ep.length as f64, *at as i64)?;
            if state.recent_returns.len() == RECENT_EPISODES {
                state.recent_returns.pop_front();
            }
            state.recent_returns.push_back(ep.r#return);
        }
        state.training_episodes += it.episodes.len();
        for (tag, value) in &it.scalars {
            tb.add_scalar(tag, *value, step)?;
        }
        let sps = (it.global_step - start_step) as f64 / started.elapsed().as_secs_f64().max(1e-9);
        tb.add_scalar("charts/SPS", sps, step)?;
        progress.update(it.global_step, sps, mean(&state.recent_returns));
        if let Some(p) = periodic.as_mut() {
            if let Some(e) = p.evaluate_if_due(trainer.as_ref(), config, &dir, &mut state.periodic_eval)? {
                tb.add_scalar("eval/periodic_mean_return", e.mean_return, step)?;
                if let Some(v) = e.exact_value {
                    tb.add_scalar("eval/periodic_exact_policy_value", v, step)?;
                }
            }
        }
        if iterations.is_multiple_of(config.checkpoint_every) {
            save(trainer.as_ref(), &dir, &state, started.elapsed().as_secs_f64())?;
            tb.flush()?;
        }
    }
    progress.finish();
    let wall_seconds = state.wall_seconds + started.elapsed().as_secs_f64();
    save(trainer.as_ref(), &dir, &state, started.elapsed().as_secs_f64())?;
    tb.flush()?;

    let evaluated = judged_weights(&dir, config);
    let best = state.periodic_eval.best.filter(|_| evaluated == BEST);
    let eval = if config.eval_episodes > 0 && !interrupted {
        // Evaluate what was saved, exactly as `rlab eval` would load it.
        let mut policy = load_policy(config, &dir.join(evaluated), device)?;
        let e = evaluate(policy.as_mut(), &config.env, config.eval_episodes, config.seed, config.gamma)?;
        tb.add_scalar("eval/mean_return", e.mean_return, trainer.global_step() as i64)?;
        let exact = exact_grid_value(policy.as_mut(), &config.env, config.gamma)?;
        if let Some(v) = exact.as_ref().and_then(|x| x.policy_value) {
            tb.add_scalar("eval/exact_policy_value", v, trainer.global_step() as i64)?;
        }
        Some((e, exact))
    } else {
        None
    };
    let exact = eval.as_ref().and_then(|(_, x)| x.clone());
    let eval = eval.map(|(e, _)| e);
    tb.flush()?;

    let env_steps = trainer.global_step();
    let summary = Summary {
        rlab_version: env!("CARGO_PKG_VERSION"),
        env: config.env.clone(),
        algo: config.algo.name(),
        policy: config.policy.kind.name(),
        gamma: config.gamma,
        gae_lambda: config.gae_lambda,
        seed: config.seed,
        total_steps: config.total_steps,
        env_steps,
        wall_seconds,
        steps_per_second: env_steps as f64 / wall_seconds.max(1e-9),
        device: format!("{device:?}").to_lowercase(),
        training_episodes: state.training_episodes,
        final_mean_return: mean(&state.recent_returns),
        eval_mean_return: eval.as_ref().map(|e| e.mean_return),
        eval_std_return: eval.as_ref().map(|e| e.std_return),
        eval_mean_discounted_return: eval.as_ref().map(|e| e.mean_discounted_return),
        eval_episodes: eval.as_ref().map_or(0, |e| e.episodes),
        exact_policy_value: exact.as_ref().and_then(|x| x.policy_value),
        optimal_value: exact.as_ref().map(|x| x.optimal_value),
        status: if interrupted { "interrupted" } else { "finished" },
        checkpoint: evaluated.into(),
        best_step: best.map(|b| b.step),
        best_periodic_return: best.map(|b| b.mean_return),
    };
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    write_text_atomic(&dir.join(SUMMARY), &json)?;
    Ok(RunOutcome { dir, summary })
}

/// Weights, optimiser state and counters, each written atomically; the counters last, so a
/// crash in between leaves the previous consistent set to resume from... or newer weights with
/// older counters, which only repeats a little training.
fn save(trainer: &dyn Trainer, dir: &Path, state: &RunState, elapsed: f64) -> Result<()> {
    write_atomic(&dir.join(CHECKPOINT), |tmp| trainer.save_weights(tmp).context("cannot save the checkpoint"))?;
    write_atomic(&dir.join(OPTIMIZER), |tmp| trainer.save_optimizer(tmp).context("cannot save the optimiser state"))?;
    let snapshot = RunState { trainer: trainer.state(), wall_seconds: state.wall_seconds + elapsed, ..state.clone() };
    write_text_atomic(&dir.join(RUN_STATE), &(serde_json::to_string_pretty(&snapshot)? + "\n"))
}

fn mean(xs: &VecDeque<f64>) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        let v: Vec<f64> = xs.iter().copied().collect();
        Some(mean_std(&v).0)
    }
}
