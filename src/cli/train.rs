//! `rlab train classifier`: supervised training on the shared trainer.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use rlab_agents::DeviceChoice;

use crate::{
    classifier::{train as train_classifier, ClassifierConfig, TrainOptions, CONFIG},
    config::{load_toml, parse_assignment, resolve_layers},
};

#[derive(Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    command: TrainCommand,
}

#[derive(Subcommand)]
enum TrainCommand {
    /// Train an image, tabular or text classifier and score it on a held-out test split.
    Classifier(ClassifierArgs),
}

#[derive(Args)]
pub struct ClassifierArgs {
    /// A dataset (fashion-mnist, mnist5k, breast-cancer, sms-spam) or a file (CSV, pixel CSV, IDX directory).
    #[arg(long)]
    data: Option<String>,
    /// cnn (images), mlp (tabular, binary), lstm, gru or textcnn (text).
    #[arg(long)]
    model: Option<String>,
    /// Target column of a CSV file.
    #[arg(long)]
    target: Option<String>,
    /// Text column of a CSV file (text models; default "text").
    #[arg(long)]
    text_column: Option<String>,
    #[arg(long)]
    epochs: Option<usize>,
    #[arg(long)]
    batch_size: Option<usize>,
    /// Learning rate.
    #[arg(long, allow_hyphen_values = true)]
    lr: Option<f64>,
    /// sgd, adam or rmsprop.
    #[arg(long)]
    optimizer: Option<String>,
    /// Seeds the weights, shuffles and dropout.
    #[arg(long)]
    seed: Option<u64>,
    /// auto, cpu or cuda.
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// TOML config file (ready-made ones in configs/supervised/); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Any config key, e.g. --set text.max_len=50 --set cnn.channels=[16,32] (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    set: Vec<(String, String)>,
    /// Directory holding the run directories.
    #[arg(long, default_value = "runs")]
    logdir: PathBuf,
    /// Name of the new run directory (default: DATA__MODEL__sSEED__TIME). Must not exist.
    #[arg(long)]
    name: Option<String>,
    /// Continue the run in this directory from its last checkpoint (with its saved config;
    /// only --epochs may change, to train longer).
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
    /// Print the resolved config as TOML and exit without training.
    #[arg(long)]
    print_config: bool,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

pub fn train(a: TrainArgs) -> Result<i32> {
    match a.command {
        TrainCommand::Classifier(c) => classifier(c),
    }
}

fn classifier(a: ClassifierArgs) -> Result<i32> {
    let config = match &a.resume {
        Some(dir) => resumed_config(&a, dir)?,
        None => {
            let mut o = a.set.clone();
            let quoted = |s: &str| format!("{s:?}");
            let mut flag = |k: &str, v: Option<String>| o.extend(v.map(|v| (k.to_string(), v)));
            flag("data.source", a.data.as_deref().map(quoted));
            flag("model", a.model.as_deref().map(quoted));
            flag("data.target", a.target.as_deref().map(quoted));
            flag("data.text_column", a.text_column.as_deref().map(quoted));
            flag("train.epochs", a.epochs.map(|v| v.to_string()));
            flag("train.batch_size", a.batch_size.map(|v| v.to_string()));
            flag("train.optimizer.lr", a.lr.map(|v| format!("{v:?}")));
            flag("train.optimizer.name", a.optimizer.as_deref().map(quoted));
            flag("train.seed", a.seed.map(|v| v.to_string()));
            flag("device", a.device.map(|d| quoted(&d.to_string())));
            let c: ClassifierConfig = resolve_layers(a.config.as_deref(), &o)?;
            c.validate()?;
            c
        }
    };
    if a.print_config {
        print!("{}", toml::to_string_pretty(&config)?);
        return Ok(0);
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\nstopping: the last finished epoch is checkpointed (Ctrl-C again to quit at once)");
        });
    }
    let opts = TrainOptions { logdir: a.logdir.clone(), name: a.name.clone(), resume: a.resume.clone(), quiet: a.quiet };
    let out = train_classifier(&config, &opts, &stop)?;
    let s = &out.fit.state;
    println!("run directory: {}", out.dir.display());
    let [tr, va, te] = out.examples;
    let best = match (s.best_epoch, &out.fit.monitor, s.best_value) {
        (Some(e), Some(m), Some(v)) => format!("best epoch {e} by {m} {v:.4}"),
        (Some(e), _, _) => format!("weights of epoch {e}"),
        _ => "no epoch finished".into(),
    };
    println!(
        "{} on {}: {tr} train / {va} validation / {te} test examples; {} of {} epochs in {:.1} s; {best}",
        out.spec.model.name(),
        config.data.source,
        s.epoch,
        config.train.epochs,
        s.train_seconds,
    );
    if let Some(r) = &out.test {
        println!("\ntest split ({} examples), loss {:.4}:\n{}", r.examples, out.test_loss.unwrap_or(f64::NAN), r.to_text());
    }
    println!("tensorboard --logdir {}", out.dir.parent().unwrap_or(&out.dir).display());
    if out.fit.interrupted {
        println!("interrupted: resume with rlab train classifier --resume {}", out.dir.display());
        return Ok(130);
    }
    Ok(0)
}

/// A resumed run keeps its saved config; only the number of epochs may grow.
fn resumed_config(a: &ClassifierArgs, dir: &std::path::Path) -> Result<ClassifierConfig> {
    let others = a.data.is_some()
        || a.model.is_some()
        || a.target.is_some()
        || a.text_column.is_some()
        || a.batch_size.is_some()
        || a.lr.is_some()
        || a.optimizer.is_some()
        || a.seed.is_some()
        || a.config.is_some()
        || !a.set.is_empty()
        || a.name.is_some();
    if others {
        bail!("--resume continues a run with its saved config; only --epochs, --device and -q may be given");
    }
    if !dir.join(CONFIG).is_file() {
        bail!("{} is not a classifier run directory (no {CONFIG})", dir.display());
    }
    let mut c: ClassifierConfig = load_toml(&dir.join(CONFIG))?;
    if let Some(e) = a.epochs {
        c.train.epochs = e;
    }
    if let Some(d) = a.device {
        c.device = d;
    }
    c.validate()?;
    Ok(c)
}
