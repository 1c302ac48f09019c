//! Evaluations during training (`eval_every`): each on episodes of its own, logged, and with
//! `keep_best` the weights of the best one kept for the final evaluation.

use std::{fs, path::Path};

use anyhow::{Context, Result};
use rlab_agents::{Actor, Trainer};
use serde::{Deserialize, Serialize};
use tch::Device;

use super::run_dir::write_text_atomic;
use crate::{
    algos::untrained_policy,
    config::RunConfig,
    eval::{evaluate, exact_policy_value},
};

/// The kept weights of the best periodic evaluation.
pub const BEST: &str = "best.safetensors";
/// Which evaluation they are from, written with them: checkpoints come less often, so after a
/// crash `run_state.json` can be older than the kept weights, and a resumed run reads this instead.
pub(super) const BEST_INFO: &str = "best.json";

/// Periodic evaluations play episodes seeded this far beyond the final evaluation's, so that the
/// best weights are chosen on other episodes than the ones they are then judged on.
const SEED_SHIFT: u64 = 1_000_000;

/// What a resumed run needs to carry on evaluating.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PeriodicState {
    /// Env step at or after which the next evaluation runs (0: none scheduled yet).
    pub next_at: u64,
    /// The best evaluation so far.
    pub best: Option<Best>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Best {
    pub mean_return: f64,
    /// Env step of the weights in `best.safetensors`.
    pub step: u64,
}

/// The evaluation the kept weights in `dir` come from, if the run kept any.
pub fn kept_best(dir: &Path) -> Result<Option<Best>> {
    let path = dir.join(BEST_INFO);
    if !path.is_file() {
        return Ok(None);
    }
    let text = fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let best = serde_json::from_str(&text).with_context(|| format!("{}: malformed", path.display()))?;
    Ok(Some(best))
}

/// What one periodic evaluation found.
pub struct Evaluation {
    pub mean_return: f64,
    /// Grid worlds: the greedy policy's exact value of the start (no sampling noise), logged to
    /// show when a run found or lost the optimal moves; the best weights are still chosen on
    /// sampled episodes, as they would be on any other env.
    pub exact_value: Option<f64>,
}

/// The network periodic evaluations load the trainer's weights into.
pub struct PeriodicEval {
    policy: Box<dyn Actor>,
}

impl PeriodicEval {
    /// None when the run has no periodic evaluations. Call it before the trainer is built: making
    /// the network draws from libtorch's generator, which the trainer then seeds, so a run trains
    /// the same with or without evaluations.
    pub fn prepare(config: &RunConfig, device: Device) -> Result<Option<Self>> {
        if config.eval_every == 0 {
            return Ok(None);
        }
        Ok(Some(PeriodicEval { policy: untrained_policy(config, device)? }))
    }

    /// Evaluates the trainer's current weights if an evaluation is due.
    pub fn evaluate_if_due(
        &mut self,
        trainer: &dyn Trainer,
        config: &RunConfig,
        dir: &Path,
        state: &mut PeriodicState,
    ) -> Result<Option<Evaluation>> {
        let step = trainer.global_step();
        if state.next_at == 0 {
            state.next_at = config.eval_every;
        }
        if step < state.next_at {
            return Ok(None);
        }
        // One evaluation however many intervals the last iteration crossed.
        state.next_at += (step - state.next_at) / config.eval_every * config.eval_every + config.eval_every;

        let candidate = dir.join(format!(".eval-{}.safetensors", std::process::id()));
        let result = (|| {
            trainer.save_weights(&candidate).context("cannot save the weights to evaluate")?;
            self.policy.reload(&candidate)?;
            let seed = config.seed.wrapping_add(SEED_SHIFT);
            let mean = evaluate(self.policy.as_mut(), &config.env, config.eval_every_episodes, seed, config.gamma)?.mean_return;
            let exact_value = exact_policy_value(self.policy.as_mut(), &config.env, config.gamma)?;
            // Strictly better, as SB3 does: the earliest of equally good weights stays.
            let better = match state.best {
                None => true,
                Some(b) => mean > b.mean_return,
            };
            if config.keep_best && better {
                fs::rename(&candidate, dir.join(BEST))
                    .with_context(|| format!("cannot keep the best weights in {}", dir.display()))?;
                let best = Best { mean_return: mean, step };
                write_text_atomic(&dir.join(BEST_INFO), &(serde_json::to_string(&best)? + "\n"))?;
                state.best = Some(best);
            }
            Ok(Evaluation { mean_return: mean, exact_value })
        })();
        let _ = fs::remove_file(&candidate);
        result.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_best_reads_back_exactly() {
        // A resumed run compares later evaluations with this value ("strictly better"), so it must
        // come back bit for bit (serde_json's float_roundtrip; without it this one is read as 0.93).
        let best = Best { mean_return: 0.9299999999999999, step: 20480 };
        let back: Best = serde_json::from_str(&serde_json::to_string(&best).unwrap()).unwrap();
        assert_eq!(back.mean_return.to_bits(), best.mean_return.to_bits());
    }
}
