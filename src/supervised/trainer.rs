//! The loop every supervised model shares: seeded shuffled minibatches, one optimiser per var
//! store, a learning-rate schedule, validation after each epoch, the best epoch's weights kept,
//! early stopping, checkpoints with `--resume`, TensorBoard scalars and a progress bar.
//!
//! A [`Task`] owns the model and the data and does the maths of one step; this loop owns time,
//! files and bookkeeping. A classifier is one task; a GAN (two var stores, two optimisers,
//! stepped in turn inside `train_step`) or an autoencoder is another.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use anyhow::{bail, Context, Result};
use rand::{seq::SliceRandom, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rlab_tensorboard::EventWriter;
use serde::{Deserialize, Serialize};
use tch::nn::VarStore;

use super::{
    checkpoint,
    config::TrainConfig,
    optim::{Optimizer, Optimizers},
    progress::Progress,
    schedule::learning_rate,
};

/// Named numbers, e.g. `[("loss", 0.3), ("accuracy", 0.9)]`.
pub type Scalars = Vec<(String, f64)>;

pub const CHECKPOINT: &str = "checkpoint.safetensors";
pub const BEST: &str = "model.safetensors";

pub trait Task {
    /// The parameters, by name. Each store gets its own optimiser (same settings) and its
    /// variables are saved under `NAME.`.
    fn var_stores(&self) -> Vec<(&'static str, &VarStore)>;
    /// Training examples; each epoch visits a fresh seeded permutation of `0..train_len()`.
    fn train_len(&self) -> usize;
    /// One step on the minibatch `batch` (indices into the training set). Returns the batch's
    /// mean of each metric; the trainer averages them over the epoch weighted by batch size.
    fn train_step(&mut self, batch: &[i64], optim: &mut Optimizers) -> Result<Scalars>;
    /// Metrics on the validation split after each epoch (empty if there is none).
    fn validate(&mut self) -> Result<Scalars>;
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based.
    pub epoch: usize,
    pub learning_rate: f64,
    pub seconds: f64,
    pub train: BTreeMap<String, f64>,
    pub validation: BTreeMap<String, f64>,
}

/// What the trainer remembers between epochs (and across `--resume`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TrainerState {
    /// Epochs completed.
    pub epoch: usize,
    pub best_epoch: Option<usize>,
    pub best_value: Option<f64>,
    pub epochs_without_improvement: usize,
    pub stopped_early: bool,
    pub history: Vec<EpochRecord>,
    /// Training seconds summed over every session of the run.
    pub train_seconds: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FitOutcome {
    pub state: TrainerState,
    /// "validation/<metric>" that chose the best epoch (None without validation data).
    pub monitor: Option<String>,
    pub interrupted: bool,
    /// Epoch this session started from (0 unless resumed).
    pub resumed_from: usize,
    pub session_seconds: f64,
}

pub struct FitOptions<'a> {
    pub dir: &'a Path,
    pub resume: bool,
    pub quiet: bool,
    pub stop: &'a AtomicBool,
}

/// Trains `task` for `cfg.epochs` epochs in total (fewer when stopped early or interrupted),
/// writing `checkpoint.safetensors` after every epoch and `model.safetensors` at every new best.
pub fn fit(task: &mut dyn Task, cfg: &TrainConfig, tb: &mut EventWriter, opts: &FitOptions) -> Result<FitOutcome> {
    cfg.validate()?;
    let n = task.train_len();
    if n == 0 {
        bail!("no training examples");
    }
    let mut optim = Optimizers(task.var_stores().iter().map(|(name, vs)| Optimizer::new(name, vs, &cfg.optimizer)).collect());
    let ckpt_path = opts.dir.join(CHECKPOINT);
    let mut state = if opts.resume { restore(task, &mut optim, &ckpt_path)? } else { TrainerState::default() };
    let resumed_from = state.epoch;
    if state.stopped_early {
        bail!("this run stopped early at epoch {} (no improvement for {} epochs); nothing to resume", state.epoch, cfg.early_stopping.patience);
    }
    if opts.resume && state.epoch >= cfg.epochs {
        bail!("this run already trained {} epochs; pass --epochs above {} to train longer", state.epoch, state.epoch);
    }

    let batches_per_epoch = n.div_ceil(cfg.batch_size) as u64;
    let progress = Progress::new(batches_per_epoch * cfg.epochs as u64, batches_per_epoch * state.epoch as u64, opts.quiet);
    let monitor = &cfg.early_stopping.metric;
    let minimise = cfg.early_stopping.minimise();
    let started = Instant::now();
    let mut interrupted = false;

    'epochs: for epoch in state.epoch..cfg.epochs {
        let epoch_start = Instant::now();
        let lr = learning_rate(&cfg.schedule, cfg.optimizer.lr, epoch, cfg.epochs);
        optim.set_lr(lr);
        // Each epoch seeds its own shuffle and libtorch's RNG (dropout), so a resumed run
        // repeats exactly what an uninterrupted one would have done.
        let epoch_seed = cfg.seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64);
        tch::manual_seed(epoch_seed as i64);
        let mut order: Vec<i64> = (0..n as i64).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(epoch_seed));

        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        for batch in order.chunks(cfg.batch_size) {
            if opts.stop.load(Ordering::SeqCst) {
                // Drop the unfinished epoch: the checkpoint on disk is the last whole one.
                interrupted = true;
                break 'epochs;
            }
            let stats = task.train_step(batch, &mut optim)?;
            for (k, v) in &stats {
                *sums.entry(k.clone()).or_insert(0.0) += v * batch.len() as f64;
            }
            let loss = stats.iter().find(|(k, _)| k == "loss").map_or(String::new(), |(_, v)| format!("loss {v:.4}"));
            progress.batch(&format!("epoch {}/{}  {loss}", epoch + 1, cfg.epochs));
        }
        let train: BTreeMap<String, f64> = sums.into_iter().map(|(k, v)| (k, v / n as f64)).collect();
        if let Some(bad) = train.iter().find(|(_, v)| !v.is_finite()) {
            bail!("training diverged in epoch {} ({} = {}); lower the learning rate", epoch + 1, bad.0, bad.1);
        }
        let validation: BTreeMap<String, f64> = task.validate()?.into_iter().collect();
        let seconds = epoch_start.elapsed().as_secs_f64();
        let step = epoch as i64 + 1;
        for (k, v) in &train {
            tb.add_scalar(&format!("{k}/train"), *v, step)?;
        }
        for (k, v) in &validation {
            tb.add_scalar(&format!("{k}/validation"), *v, step)?;
        }
        tb.add_scalar("charts/learning_rate", lr, step)?;
        tb.add_scalar("charts/epoch_seconds", seconds, step)?;

        state.epoch = epoch + 1;
        state.train_seconds += seconds;
        let improved = match (validation.get(monitor), state.best_value) {
            (None, _) if !validation.is_empty() => {
                bail!("early_stopping.metric '{monitor}' is not a validation metric (have: {})", validation.keys().cloned().collect::<Vec<_>>().join(", "))
            }
            // Without validation data the last epoch is the one kept.
            (None, _) => true,
            (Some(v), None) => v.is_finite(),
            (Some(v), Some(best)) => {
                let d = cfg.early_stopping.min_delta;
                if minimise { *v < best - d } else { *v > best + d }
            }
        };
        if improved {
            state.best_epoch = Some(epoch + 1);
            state.best_value = validation.get(monitor).copied();
            state.epochs_without_improvement = 0;
            checkpoint::write::<()>(&opts.dir.join(BEST), checkpoint::variables(&task.var_stores()), None)?;
        } else {
            state.epochs_without_improvement += 1;
        }
        let patience = cfg.early_stopping.patience;
        state.stopped_early = patience > 0 && state.epochs_without_improvement >= patience && epoch + 1 < cfg.epochs;
        progress.epoch_line(&epoch_line(&state, cfg.epochs, &train, &validation, lr, seconds, improved));
        state.history.push(EpochRecord { epoch: epoch + 1, learning_rate: lr, seconds, train, validation });

        let mut tensors = checkpoint::variables(&task.var_stores());
        tensors.extend(optim.0.iter().flat_map(Optimizer::state));
        checkpoint::write(&ckpt_path, tensors, Some(&state))?;
        tb.flush()?;
        if state.stopped_early {
            progress.epoch_line(&format!("early stop: no better validation {monitor} for {patience} epochs"));
            break;
        }
    }
    progress.finish();
    tb.flush()?;
    let has_validation = state.history.last().is_some_and(|r| !r.validation.is_empty());
    Ok(FitOutcome {
        monitor: has_validation.then(|| format!("validation/{monitor}")),
        state,
        interrupted,
        resumed_from,
        session_seconds: started.elapsed().as_secs_f64(),
    })
}

fn restore(task: &mut dyn Task, optim: &mut Optimizers, path: &Path) -> Result<TrainerState> {
    if !path.is_file() {
        bail!("{} does not exist: nothing to resume", path.display());
    }
    let (saved, state) = checkpoint::read::<TrainerState>(path)?;
    let state = state.with_context(|| format!("{} holds no trainer state", path.display()))?;
    checkpoint::load_variables(&task.var_stores(), &saved, path)?;
    for o in &mut optim.0 {
        o.load_state(&saved).with_context(|| format!("{}", path.display()))?;
    }
    Ok(state)
}

/// Loads the best epoch's weights (`model.safetensors`) into the task's stores.
pub fn load_best(stores: &[(&str, &VarStore)], dir: &Path) -> Result<PathBuf> {
    let path = dir.join(BEST);
    if !path.is_file() {
        bail!("{} has no {BEST}", dir.display());
    }
    let (saved, _) = checkpoint::read::<()>(&path)?;
    checkpoint::load_variables(stores, &saved, &path)?;
    Ok(path)
}

fn epoch_line(
    s: &TrainerState,
    epochs: usize,
    train: &BTreeMap<String, f64>,
    val: &BTreeMap<String, f64>,
    lr: f64,
    seconds: f64,
    best: bool,
) -> String {
    let join = |m: &BTreeMap<String, f64>, prefix: &str| m.iter().map(|(k, v)| format!("{prefix}{k} {v:.4}")).collect::<Vec<_>>().join("  ");
    let mut line = format!("epoch {:>3}/{epochs}  {}", s.epoch, join(train, ""));
    if !val.is_empty() {
        line += &format!("  |  {}", join(val, "val_"));
    }
    line += &format!("  |  lr {lr:.2e}  {seconds:.1}s");
    if best && !val.is_empty() {
        line += "  *";
    }
    line
}
