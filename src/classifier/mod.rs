//! Classifiers for images, tables and text on the shared supervised trainer:
//! `rlab train classifier` ([`train`]) and `rlab predict` ([`predict`]).

pub mod config;
pub mod predict;
pub mod prepare;
pub mod spec;
mod task;

use std::{
    path::{Path, PathBuf},
    sync::atomic::AtomicBool,
    time::Instant,
};

use anyhow::{bail, Context, Result};
use rlab_tensorboard::EventWriter;
use serde::Serialize;
use serde_json::json;
use tch::{nn, Device, Tensor};

pub use config::{ClassWeight, ClassifierConfig, DataConfig};
pub use spec::{InputSpec, ModelSpec, SPEC};
pub use task::{headline_f1, Inference, Net};

use crate::{
    config::load_toml,
    metrics::Report,
    models,
    run::run_dir::{create_run_dir, lock_run_dir, timestamp, write_text_atomic},
    supervised::{fit, load_best, FitOptions, FitOutcome, BEST, CHECKPOINT},
};
use prepare::{prepare, Part};
use task::{balanced_weights, ClassifierTask};

pub const CONFIG: &str = "config.toml";
pub const SUMMARY: &str = "summary.json";
pub const METRICS: &str = "metrics.json";

pub struct TrainOptions {
    pub logdir: PathBuf,
    pub name: Option<String>,
    /// Continue the run in this directory instead of starting a new one.
    pub resume: Option<PathBuf>,
    pub quiet: bool,
}

pub struct TrainOutcome {
    pub dir: PathBuf,
    pub fit: FitOutcome,
    /// Test-split report with the best epoch's weights (None if no epoch finished).
    pub test: Option<Report>,
    pub test_loss: Option<f64>,
    pub spec: ModelSpec,
    pub examples: [usize; 3],
    pub summary: serde_json::Value,
}

/// Builds the network for `spec` (weights freshly initialised from libtorch's current seed).
pub fn build_net(config: &ClassifierConfig, spec: &ModelSpec, device: Device) -> Result<Net> {
    let vs = nn::VarStore::new(device);
    let module = models::build(spec.model, &config.models(), &spec.shape(), spec.outputs(), vs.root() / "model")?;
    Ok(Net { vs, module, binary: spec.is_binary(), n_classes: spec.classes.len() })
}

/// Trains a classifier into a new run directory (or continues one with `resume`), then scores
/// the best epoch's weights on the held-out test split.
pub fn train(config: &ClassifierConfig, opts: &TrainOptions, stop: &AtomicBool) -> Result<TrainOutcome> {
    config.validate()?;
    // Held until training ends (see lock_run_dir); a new run's directory is locked once made.
    let mut _lock = match &opts.resume {
        Some(d) if d.is_dir() => Some(lock_run_dir(d)?),
        _ => None,
    };
    let device = config.device.resolve()?;
    tch::set_num_threads(config.threads as i32);
    // All data checks happen before a directory is made or touched.
    let data = prepare(config, device)?;
    let spec_json = serde_json::to_string_pretty(&data.spec)? + "\n";
    if let Some(dir) = &opts.resume {
        let saved = std::fs::read_to_string(dir.join(SPEC)).with_context(|| format!("{} is not a classifier run directory", dir.display()))?;
        if saved != spec_json {
            bail!("the data or preprocessing differ from what {} was trained on; cannot resume", dir.display());
        }
    }
    tch::manual_seed(config.train.seed as i64);
    let net = build_net(config, &data.spec, device)?;

    let dir = match &opts.resume {
        Some(d) => d.clone(),
        None => {
            let model = data.spec.model.name();
            let stem = Path::new(&config.data.source).file_stem().map_or("data".into(), |s| s.to_string_lossy().into_owned());
            let auto = format!("{stem}__{model}__s{}__{}", config.train.seed, timestamp());
            let dir = create_run_dir(&opts.logdir, opts.name.as_deref(), &auto)?;
            _lock = Some(lock_run_dir(&dir)?);
            write_text_atomic(&dir.join(CONFIG), &toml::to_string_pretty(config)?)?;
            write_text_atomic(&dir.join(SPEC), &spec_json)?;
            dir
        }
    };
    let mut tb = EventWriter::create(&dir)?;
    if opts.resume.is_none() {
        tb.add_text("config", &format!("```toml\n{}```", toml::to_string_pretty(config)?), 0)?;
    }

    let started = Instant::now();
    let class_weights = match config.class_weight {
        ClassWeight::None => None,
        ClassWeight::Balanced => Some(Tensor::from_slice(&balanced_weights(&data.train.labels, data.spec.classes.len())).to_device(device)),
    };
    let mut task = ClassifierTask { net: &net, train: &data.train, validation: data.validation.as_ref(), eval_batch: config.eval_batch_size, class_weights };
    let fit_opts = FitOptions { dir: &dir, resume: opts.resume.is_some(), quiet: opts.quiet, stop };
    let outcome = fit(&mut task, &config.train, &mut tb, &fit_opts)?;

    // Score the best epoch's weights (the last epoch's without validation data).
    let have_best = dir.join(BEST).is_file();
    let (mut test, mut test_loss, mut val) = (None, None, None);
    if have_best {
        load_best(&[("model", &net.vs)], &dir)?;
        let (report, loss) = score(&net, &data.test, &data.spec, config.eval_batch_size)?;
        let step = outcome.state.best_epoch.unwrap_or(outcome.state.epoch) as i64;
        tb.add_scalar("accuracy/test", report.accuracy, step)?;
        tb.add_scalar("loss/test", loss, step)?;
        tb.flush()?;
        test = Some(report);
        test_loss = Some(loss);
        if let Some(v) = &data.validation {
            val = Some(score(&net, v, &data.spec, config.eval_batch_size)?);
        }
    }
    let examples = [data.train.len(), data.validation.as_ref().map_or(0, Part::len), data.test.len()];
    let metrics = json!({
        "test": test.as_ref().map(|r| with_loss(r, test_loss)),
        "validation": val.as_ref().map(|(r, l)| with_loss(r, Some(*l))),
        "best_epoch": outcome.state.best_epoch,
        "history": outcome.state.history,
    });
    write_text_atomic(&dir.join(METRICS), &(serde_json::to_string_pretty(&metrics)? + "\n"))?;
    let summary = summary(config, &data.spec, &outcome, test.as_ref(), test_loss, examples, device, started.elapsed().as_secs_f64());
    write_text_atomic(&dir.join(SUMMARY), &(serde_json::to_string_pretty(&summary)? + "\n"))?;
    Ok(TrainOutcome { dir, fit: outcome, test, test_loss, spec: data.spec, examples, summary })
}

fn score(net: &Net, part: &Part, spec: &ModelSpec, batch: usize) -> Result<(Report, f64)> {
    let (inf, loss) = net.infer(&part.x, Some(&part.y), batch);
    Ok((Report::new(&part.labels, &inf.predicted, &spec.classes)?, loss.unwrap_or(f64::NAN)))
}

fn with_loss(r: &Report, loss: Option<f64>) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("loss".into(), json!(loss));
        obj.insert("report".into(), json!(r.to_text()));
    }
    v
}

#[derive(Serialize)]
struct Examples {
    train: usize,
    validation: usize,
    test: usize,
}

#[allow(clippy::too_many_arguments)]
fn summary(
    c: &ClassifierConfig,
    spec: &ModelSpec,
    o: &FitOutcome,
    test: Option<&Report>,
    test_loss: Option<f64>,
    examples: [usize; 3],
    device: Device,
    wall: f64,
) -> serde_json::Value {
    let status = if o.interrupted {
        "interrupted"
    } else if o.state.stopped_early {
        "stopped_early"
    } else {
        "finished"
    };
    json!({
        "rlab_version": env!("CARGO_PKG_VERSION"),
        "task": "classifier",
        "data": c.data.source,
        "model": spec.model.name(),
        "classes": spec.classes,
        "seed": c.train.seed,
        "split_seed": c.data.split_seed,
        "examples": Examples { train: examples[0], validation: examples[1], test: examples[2] },
        "epochs": c.train.epochs,
        "epochs_completed": o.state.epoch,
        "best_epoch": o.state.best_epoch,
        "monitor": o.monitor,
        "best_value": o.state.best_value,
        "status": status,
        "resumed_from_epoch": (o.resumed_from > 0).then_some(o.resumed_from),
        "train_seconds": o.state.train_seconds,
        "wall_seconds": wall,
        "device": format!("{device:?}").to_lowercase(),
        "threads": c.threads,
        "test_accuracy": test.map(|r| r.accuracy),
        "test_f1": test.map(|r| r.binary.as_ref().map_or(r.macro_avg.f1, |b| b.f1)),
        "test_loss": test_loss,
        "checkpoint": CHECKPOINT,
        "weights": BEST,
    })
}

/// A trained run: its config, spec and network with the best weights loaded.
pub struct Trained {
    pub config: ClassifierConfig,
    pub spec: ModelSpec,
    pub net: Net,
}

pub fn load_run(dir: &Path, device: Device) -> Result<Trained> {
    if !dir.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    if !dir.join(SPEC).is_file() || !dir.join(CONFIG).is_file() {
        bail!("{} is not a classifier run directory (no {SPEC} or {CONFIG})", dir.display());
    }
    let config: ClassifierConfig = load_toml(&dir.join(CONFIG))?;
    let spec_text = std::fs::read_to_string(dir.join(SPEC)).with_context(|| format!("cannot read {}", dir.join(SPEC).display()))?;
    let spec: ModelSpec = serde_json::from_str(&spec_text).with_context(|| format!("{} is malformed", dir.join(SPEC).display()))?;
    spec.check().with_context(|| format!("{} is malformed", dir.join(SPEC).display()))?;
    let net = build_net(&config, &spec, device)?;
    if !dir.join(BEST).is_file() {
        bail!("{} has no trained weights ({BEST}); did training finish an epoch?", dir.display());
    }
    load_best(&[("model", &net.vs)], dir)?;
    Ok(Trained { config, spec, net })
}
