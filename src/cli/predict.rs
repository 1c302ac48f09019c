//! `rlab predict RUN_DIR`: ŷ of a trained classifier for new inputs.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use rlab_agents::DeviceChoice;

use super::Format;
use crate::classifier::{
    load_run,
    predict::{predict as run_predict, Inputs},
};

#[derive(Args)]
pub struct PredictArgs {
    /// A run directory made by `rlab train classifier`.
    run_dir: PathBuf,
    /// A text to classify (repeatable; text models).
    #[arg(long)]
    text: Vec<String>,
    /// A file of inputs: one text per line, a CSV of feature rows (header optional), or images
    /// (an IDX file or a CSV of pixels).
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    input: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// auto, cpu or cuda.
    #[arg(long, default_value = "cpu")]
    device: DeviceChoice,
}

pub fn predict(a: PredictArgs) -> Result<i32> {
    let inputs = match (&a.input, a.text.is_empty()) {
        (Some(p), _) => Inputs::File(p),
        (None, false) => Inputs::Texts(&a.text),
        (None, true) => bail!("give the inputs: --text \"…\" (text models) or --input FILE"),
    };
    let device = a.device.resolve()?;
    let trained = load_run(&a.run_dir, device)?;
    let preds = run_predict(&trained, inputs, device)?;
    let classes = &trained.spec.classes;
    match a.format {
        Format::Json => {
            for p in &preds {
                let probs: serde_json::Map<String, serde_json::Value> =
                    classes.iter().zip(&p.probabilities).map(|(c, v)| (c.clone(), serde_json::json!(v))).collect();
                println!("{}", serde_json::json!({"input": p.input, "label": p.label, "probabilities": probs}));
            }
        }
        Format::Table => {
            let binary = classes.len() == 2;
            let width = classes.iter().map(|c| c.chars().count()).max().unwrap_or(5).max(5);
            let extra = if binary { format!("  {:>10}", format!("p({})", classes[1])) } else { String::new() };
            println!("{:<width$}  {:>11}{extra}  input", "label", "probability");
            for p in &preds {
                let k = classes.iter().position(|c| *c == p.label).unwrap_or(0);
                let extra = if binary { format!("  {:>10.4}", p.probabilities[1]) } else { String::new() };
                println!("{:<width$}  {:>11.4}{extra}  {}", p.label, p.probabilities[k], shorten(&p.input, 70));
            }
        }
    }
    Ok(0)
}

fn shorten(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        flat.chars().take(max - 1).collect::<String>() + "…"
    }
}
