//! `rlab run`: the loop around an algorithm. The algorithm iterates and returns metrics; this
//! loop logs them (TensorBoard), shows progress, saves checkpoints and the summary, and evaluates.

mod progress;
pub mod run_dir;
mod summary;

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use anyhow::{Context, Result};
use rlab_agents::Trainer;
use rlab_tensorboard::EventWriter;

pub use summary::Summary;

use crate::{
    algos::build_trainer,
    config::RunConfig,
    eval::{evaluate, mean_std},
};
use progress::Progress;
use run_dir::{create_run_dir, timestamp, write_atomic, write_text_atomic};

pub const CHECKPOINT: &str = "checkpoint.safetensors";
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

pub fn run(config: &RunConfig, options: &RunOptions, stop: &AtomicBool) -> Result<RunOutcome> {
    config.validate()?;
    // Everything that can fail on bad input is checked before a directory is made.
    let device = config.device.resolve()?;
    tch::set_num_threads(config.threads as i32);
    let mut trainer = build_trainer(config, device)?;

    let auto_name = format!("{}__{}__g{}__s{}__{}", config.env, config.algo.name(), config.gamma, config.seed, timestamp());
    let dir = create_run_dir(&options.logdir, options.name.as_deref(), &auto_name)?;
    let config_text = config.to_toml()?;
    write_text_atomic(&dir.join(CONFIG), &config_text)?;
    let mut tb = EventWriter::create(&dir)?;
    tb.add_text("config", &format!("```toml\n{config_text}```"), 0)?;

    let started = Instant::now();
    let mut progress = Progress::new(config.total_steps, options.quiet);
    let mut recent: VecDeque<f64> = VecDeque::with_capacity(RECENT_EPISODES);
    let mut episodes = 0usize;
    let mut iterations = 0usize;
    let mut interrupted = false;

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
            if recent.len() == RECENT_EPISODES {
                recent.pop_front();
            }
            recent.push_back(ep.r#return);
        }
        episodes += it.episodes.len();
        for (tag, value) in &it.scalars {
            tb.add_scalar(tag, *value, step)?;
        }
        let sps = it.global_step as f64 / started.elapsed().as_secs_f64().max(1e-9);
        tb.add_scalar("charts/SPS", sps, step)?;
        progress.update(it.global_step, sps, mean(&recent));
        if iterations % config.checkpoint_every == 0 {
            save_checkpoint(trainer.as_ref(), &dir)?;
            tb.flush()?;
        }
    }
    progress.finish();
    let wall_seconds = started.elapsed().as_secs_f64();
    save_checkpoint(trainer.as_ref(), &dir)?;
    tb.flush()?;

    let eval = if config.eval_episodes > 0 && !interrupted {
        let e = evaluate(trainer.as_ref(), &config.env, config.eval_episodes, config.seed, |_, _, _| {})?;
        tb.add_scalar("eval/mean_return", e.mean_return, trainer.global_step() as i64)?;
        Some(e)
    } else {
        None
    };
    tb.flush()?;

    let env_steps = trainer.global_step();
    let summary = Summary {
        rlab_version: env!("CARGO_PKG_VERSION"),
        env: config.env.clone(),
        algo: config.algo.name(),
        gamma: config.gamma,
        gae_lambda: config.gae_lambda,
        seed: config.seed,
        total_steps: config.total_steps,
        env_steps,
        wall_seconds,
        steps_per_second: env_steps as f64 / wall_seconds.max(1e-9),
        device: format!("{device:?}").to_lowercase(),
        training_episodes: episodes,
        final_mean_return: mean(&recent),
        eval_mean_return: eval.as_ref().map(|e| e.mean_return),
        eval_std_return: eval.as_ref().map(|e| e.std_return),
        eval_episodes: eval.as_ref().map_or(0, |e| e.episodes),
        status: if interrupted { "interrupted" } else { "finished" },
        checkpoint: CHECKPOINT.into(),
    };
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    write_text_atomic(&dir.join(SUMMARY), &json)?;
    Ok(RunOutcome { dir, summary })
}

fn save_checkpoint(trainer: &dyn Trainer, dir: &Path) -> Result<()> {
    write_atomic(&dir.join(CHECKPOINT), |tmp| trainer.save(tmp).context("cannot save the checkpoint"))
}

fn mean(xs: &VecDeque<f64>) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        let v: Vec<f64> = xs.iter().copied().collect();
        Some(mean_std(&v).0)
    }
}
