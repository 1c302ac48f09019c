//! `summary.json`: what a run did, in numbers a sweep or a script can read.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub rlab_version: &'static str,
    pub env: String,
    pub algo: &'static str,
    pub policy: &'static str,
    pub gamma: f64,
    pub gae_lambda: f64,
    pub seed: u64,
    /// Env steps asked for.
    pub total_steps: u64,
    /// Env steps taken (a whole number of rollouts; fewer if interrupted).
    pub env_steps: u64,
    pub wall_seconds: f64,
    pub steps_per_second: f64,
    pub device: String,
    pub training_episodes: usize,
    /// Mean return of the last 100 training episodes (null if none finished).
    pub final_mean_return: Option<f64>,
    /// Deterministic evaluation at the end (null if skipped).
    pub eval_mean_return: Option<f64>,
    pub eval_std_return: Option<f64>,
    /// Mean γ-discounted return of the evaluation episodes (compare with `rlab solve`).
    pub eval_mean_discounted_return: Option<f64>,
    pub eval_episodes: usize,
    /// Grid worlds, memoryless policies: the exact γ-discounted value of the start under the
    /// policy's deterministic action in every cell, and `rlab solve`'s optimum (null otherwise).
    pub exact_policy_value: Option<f64>,
    pub optimal_value: Option<f64>,
    /// "finished" or "interrupted".
    pub status: &'static str,
    /// The weights the evaluation judged: checkpoint.safetensors (the last), or best.safetensors
    /// with keep_best.
    pub checkpoint: String,
    /// With keep_best: the env step of the kept weights and their periodic evaluation's mean return.
    pub best_step: Option<u64>,
    pub best_periodic_return: Option<f64>,
}
