use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use rlab_agents::DeviceChoice;

use super::Format;
use crate::{
    algos::load_policy,
    config::RunConfig,
    eval::{evaluate, evaluate_in_turn, exact_grid_value},
    run::{judged_weights, BEST, CHECKPOINT, CONFIG},
};

/// Enough for any estimate; keeps a typo from allocating terabytes.
const MAX_EPISODES: usize = 1_000_000;

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct EvalArgs {
    /// A run directory made by `rlab run`.
    run_dir: PathBuf,
    #[arg(long, default_value_t = 20)]
    episodes: usize,
    /// Seed of the evaluation episodes (default: the run's seed).
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// auto, cpu or cuda.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Show each step as ASCII.
    #[arg(long)]
    render: bool,
    /// Which weights: the last ones, or the best periodic evaluation's (runs with keep_best).
    /// Default: the ones the run's own final evaluation judged (best with keep_best).
    #[arg(long, value_enum)]
    weights: Option<Weights>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Weights {
    Last,
    Best,
}

impl Weights {
    fn file(self) -> &'static str {
        match self {
            Weights::Last => CHECKPOINT,
            Weights::Best => BEST,
        }
    }

    /// What the run's own final evaluation judged.
    fn judged_by_run(run_dir: &Path, config: &RunConfig) -> Weights {
        if judged_weights(run_dir, config) == BEST {
            Weights::Best
        } else {
            Weights::Last
        }
    }
}

pub fn eval(a: EvalArgs) -> Result<i32> {
    let config_path = a.run_dir.join(CONFIG);
    if !a.run_dir.is_dir() {
        bail!("{} is not a directory", a.run_dir.display());
    }
    if !config_path.is_file() {
        bail!("{} is not a run directory (no {CONFIG})", a.run_dir.display());
    }
    if a.render && matches!(a.format, Format::Json) {
        bail!("--render draws text, which would not be JSON: use it without --format json");
    }
    if a.episodes == 0 || a.episodes > MAX_EPISODES {
        bail!("--episodes must be between 1 and {MAX_EPISODES}, got {}", a.episodes);
    }
    let config = RunConfig::from_file(&config_path)?;
    let weights = a.weights.unwrap_or_else(|| Weights::judged_by_run(&a.run_dir, &config));
    let checkpoint = a.run_dir.join(weights.file());
    if !checkpoint.is_file() {
        match weights {
            Weights::Last => bail!("no checkpoint in {} (missing {CHECKPOINT})", a.run_dir.display()),
            Weights::Best if config.keep_best => bail!(
                "no {BEST} in {}: no periodic evaluation kept one yet (or it was removed); use --weights last",
                a.run_dir.display()
            ),
            Weights::Best => bail!("no {BEST} in {}: only runs with keep_best = true keep one", a.run_dir.display()),
        }
    }
    let mut policy = load_policy(&config, &checkpoint, a.device.resolve()?)?;
    let render = a.render;
    let seed = a.seed.unwrap_or(config.seed);
    let result = if render {
        evaluate_in_turn(policy.as_mut(), &config.env, a.episodes, seed, config.gamma, |env, ep, ret| {
            println!("episode {ep}  return {ret}\n{}", env.render());
        })?
    } else {
        evaluate(policy.as_mut(), &config.env, a.episodes, seed, config.gamma)?
    };
    let exact = exact_grid_value(policy.as_mut(), &config.env, config.gamma)?;
    match a.format {
        Format::Json => {
            let mut json = serde_json::to_value(&result)?;
            json["exact"] = serde_json::to_value(&exact)?;
            json["weights"] = weights.file().into();
            println!("{json}")
        }
        Format::Table => println!(
            "{} ({}{}): mean return {:.2} ± {:.2} over {} episodes (γ-discounted, γ={}: {:.4})",
            config.env,
            config.algo.name(),
            if weights == Weights::Best { ", best weights" } else { "" },
            result.mean_return,
            result.std_return,
            result.episodes,
            config.gamma,
            result.mean_discounted_return
        ),
    }
    if let (Format::Table, Some(x)) = (&a.format, &exact) {
        println!("greedy policy:\n{}", x.policy_arrows.join("\n"));
        match x.policy_value {
            Some(v) => println!("{}", super::run::exact_value_line(config.gamma, v, x.optimal_value)),
            None => println!("the greedy policy never reaches a terminal cell (no finite value at γ = 1)"),
        }
    }
    Ok(0)
}
