use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use anyhow::Result;
use clap::Args;
use rlab_agents::DeviceChoice;

use super::toml_float;
use crate::{
    config::{parse_assignment, resolve},
    run::{resume, run as run_training, RunOptions},
};

/// The config flags `rlab run` and `rlab sweep` share (γ and the seed are each command's own:
/// one value for a run, lists for a sweep).
#[derive(Args)]
pub struct ConfigFlags {
    /// TOML config file (see configs/); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Environment name (see `rlab envs`).
    #[arg(long)]
    env: Option<String>,
    /// Algorithm: ppo, a2c, dqn or reinforce.
    #[arg(long)]
    algo: Option<String>,
    /// Network: mlp, cnn (image observations) or lstm (recurrent; ppo and a2c).
    #[arg(long)]
    policy: Option<String>,
    /// Hidden activation: tanh or relu.
    #[arg(long)]
    activation: Option<String>,
    /// GAE λ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gae_lambda: Option<f64>,
    /// Env steps to train for, over all envs.
    #[arg(long)]
    total_steps: Option<u64>,
    /// Parallel copies of the env.
    #[arg(long)]
    num_envs: Option<usize>,
    /// auto, cpu or cuda.
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// Any config key, e.g. --set ppo.clip_coef=0.1 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    set: Vec<(String, String)>,
}

impl ConfigFlags {
    /// The flags as `key=value` config overrides: `--set` ones first, then the named flags.
    pub fn overrides(&self) -> Result<Vec<(String, String)>> {
        // TOML integers are i64: a bigger count would not even reach the config's own check.
        if let Some(t) = self.total_steps.filter(|&t| t > crate::config::MAX_TOTAL_STEPS) {
            anyhow::bail!("total_steps must be at most {}, got {t}", crate::config::MAX_TOTAL_STEPS);
        }
        let mut overrides = self.set.clone();
        let quoted = |s: &str| format!("{s:?}");
        let named = [
            ("env", self.env.as_deref().map(quoted)),
            ("algo", self.algo.as_deref().map(quoted)),
            ("policy.kind", self.policy.as_deref().map(quoted)),
            ("policy.activation", self.activation.as_deref().map(quoted)),
            ("gae_lambda", self.gae_lambda.map(toml_float)),
            ("total_steps", self.total_steps.map(|v| v.to_string())),
            ("num_envs", self.num_envs.map(|v| v.to_string())),
            ("device", self.device.map(|d| quoted(&d.to_string()))),
        ];
        overrides.extend(named.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))));
        Ok(overrides)
    }

    /// True when any flag was given.
    pub fn any(&self) -> bool {
        self.config.is_some()
            || self.env.is_some()
            || self.algo.is_some()
            || self.policy.is_some()
            || self.activation.is_some()
            || self.gae_lambda.is_some()
            || self.total_steps.is_some()
            || self.num_envs.is_some()
            || self.device.is_some()
            || !self.set.is_empty()
    }
}

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    #[command(flatten)]
    flags: ConfigFlags,
    /// Continue a stopped run in RUN_DIR (its own config; no other config flags).
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["config", "env", "algo", "policy", "activation", "gamma", "gae_lambda", "seed", "total_steps", "num_envs", "device", "set", "name", "logdir", "print_config"])]
    resume: Option<PathBuf>,
    /// Discount rate γ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gamma: Option<f64>,
    #[arg(long)]
    seed: Option<u64>,
    /// Directory holding the run directories.
    #[arg(long, default_value = "runs")]
    logdir: PathBuf,
    /// Name of the new run directory (default: env__algo__gGAMMA__sSEED__TIME). Must not exist.
    #[arg(long)]
    name: Option<String>,
    /// Print the resolved config as TOML and exit without training.
    #[arg(long)]
    print_config: bool,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(a: RunArgs) -> Result<i32> {
    if a.seed.is_some_and(|s| s > i64::MAX as u64) {
        anyhow::bail!("--seed must be at most {}", i64::MAX);
    }
    let mut overrides = a.flags.overrides()?;
    overrides.extend(a.gamma.map(|v| ("gamma".to_string(), toml_float(v))));
    overrides.extend(a.seed.map(|v| ("seed".to_string(), v.to_string())));
    let resume_dir = a.resume.clone();
    let config = if resume_dir.is_some() { None } else { Some(resolve(a.flags.config.as_deref(), &overrides)?) };
    if let (true, Some(config)) = (a.print_config, &config) {
        print!("{}", config.to_toml()?);
        return Ok(0);
    }

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // First Ctrl-C: finish the current iteration, save, summarise. Second: leave at once.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nstopping after this iteration (Ctrl-C again to quit at once)");
        });
    }
    let out = match (resume_dir, config) {
        (Some(dir), _) => resume(&dir, a.quiet, &stop)?,
        (None, Some(config)) => run_training(&config, &RunOptions { logdir: a.logdir, name: a.name, quiet: a.quiet }, &stop)?,
        (None, None) => unreachable!("a config is resolved whenever --resume is absent"),
    };
    let s = &out.summary;
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.1}"));
    println!("run directory: {}", out.dir.display());
    println!(
        "{} ({}) {} gamma={} seed={}: {} env steps in {:.1} s ({:.0} steps/s), {} episodes",
        s.algo, s.policy, s.env, s.gamma, s.seed, s.env_steps, s.wall_seconds, s.steps_per_second, s.training_episodes
    );
    println!(
        "mean return of the last 100 training episodes: {}; deterministic evaluation over {} episodes: {} ± {}",
        fmt(s.final_mean_return),
        s.eval_episodes,
        fmt(s.eval_mean_return),
        fmt(s.eval_std_return)
    );
    if let (Some(v), Some(opt)) = (s.exact_policy_value, s.optimal_value) {
        println!("{}", exact_value_line(s.gamma, v, opt));
    }
    println!("tensorboard --logdir {}", options_logdir_hint(&out.dir));
    if s.status == "interrupted" {
        println!("interrupted: checkpoint and summary saved");
        return Ok(130);
    }
    Ok(0)
}

fn options_logdir_hint(dir: &std::path::Path) -> String {
    dir.parent().unwrap_or(dir).display().to_string()
}

/// One line setting a grid-world policy's exact value beside the optimum.
pub fn exact_value_line(gamma: f64, value: f64, optimum: f64) -> String {
    format!(
        "exact γ-discounted value of the greedy policy (γ={gamma}): {value:.4}; optimum (rlab solve): {optimum:.4}; shortfall {:.1}%",
        100.0 * crate::eval::shortfall(value, optimum)
    )
}
