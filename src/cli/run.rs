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

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// TOML config file (see configs/); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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
    /// Continue a stopped run in RUN_DIR (its own config; no other config flags).
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["config", "env", "algo", "policy", "activation", "gamma", "gae_lambda", "seed", "total_steps", "num_envs", "device", "set", "name", "print_config"])]
    resume: Option<PathBuf>,
    /// Discount rate γ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gamma: Option<f64>,
    /// GAE λ in [0, 1].
    #[arg(long, allow_hyphen_values = true)]
    gae_lambda: Option<f64>,
    #[arg(long)]
    seed: Option<u64>,
    /// Env steps to train for, over all envs.
    #[arg(long)]
    total_steps: Option<u64>,
    #[arg(long)]
    num_envs: Option<usize>,
    /// auto, cpu or cuda.
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// Any config key, e.g. --set ppo.clip_coef=0.1 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    set: Vec<(String, String)>,
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
    let mut overrides = a.set.clone();
    let mut flag = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            overrides.push((k.to_string(), v));
        }
    };
    let quoted = |s: String| format!("{:?}", s);
    flag("env", a.env.map(quoted));
    flag("algo", a.algo.map(quoted));
    flag("policy.kind", a.policy.map(quoted));
    flag("policy.activation", a.activation.map(quoted));
    flag("gamma", a.gamma.map(toml_float));
    flag("gae_lambda", a.gae_lambda.map(toml_float));
    if a.seed.is_some_and(|s| s > i64::MAX as u64) {
        anyhow::bail!("--seed must be at most {}", i64::MAX);
    }
    if let Some(t) = a.total_steps.filter(|&t| t > crate::config::MAX_TOTAL_STEPS) {
        anyhow::bail!("total_steps must be at most {}, got {t}", crate::config::MAX_TOTAL_STEPS);
    }
    flag("seed", a.seed.map(|v| v.to_string()));
    flag("total_steps", a.total_steps.map(|v| v.to_string()));
    flag("num_envs", a.num_envs.map(|v| v.to_string()));
    flag("device", a.device.map(|d| quoted(d.to_string())));
    let resume_dir = a.resume.clone();
    let config = if resume_dir.is_some() { None } else { Some(resolve(a.config.as_deref(), &overrides)?) };
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
