//! `rlab predict`: the trained model's ŷ for new inputs — class probabilities and the label.

use std::path::Path;

use anyhow::{bail, Result};
use serde::Serialize;
use tch::Device;

use super::{spec::InputSpec, Trained};
use crate::data::{idx::read_maybe_gz, images, table, texts};

pub enum Inputs<'a> {
    /// Texts given on the command line.
    Texts(&'a [String]),
    /// A file: lines of text, a CSV of feature rows, or images (IDX or a CSV of pixels).
    File(&'a Path),
}

#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    /// The text, or "row N" / "image N" (1-based).
    pub input: String,
    pub label: String,
    /// Probability of each class, in the order of the model's classes.
    pub probabilities: Vec<f64>,
}

pub fn predict(t: &Trained, inputs: Inputs, device: Device) -> Result<Vec<Prediction>> {
    let spec = &t.spec;
    let (x, names) = match (&spec.input, inputs) {
        (InputSpec::Text { .. }, Inputs::Texts(list)) => (spec.text_tensor(list, device)?, list.to_vec()),
        (InputSpec::Text { .. }, Inputs::File(p)) => {
            let lines = texts::load_lines(p)?;
            (spec.text_tensor(&lines, device)?, lines)
        }
        (_, Inputs::Texts(_)) => bail!("this {} model does not take --text; give --input FILE", spec.model.name()),
        (InputSpec::Table { features, .. }, Inputs::File(p)) => {
            let rows = table::load_features(p, features)?;
            let flat: Vec<f32> = rows.iter().flatten().copied().collect();
            (spec.table_tensor(&flat, device)?, (1..=rows.len()).map(|i| format!("row {i}")).collect())
        }
        (InputSpec::Image { .. }, Inputs::File(p)) => {
            let set = if is_idx(p)? { images::load_idx_images(p)? } else { images::load_pixel_csv(p, false)? };
            if set.is_empty() {
                bail!("{}: no images", p.display());
            }
            (spec.image_tensor(&set.pixels, set.height, set.width, device)?, (1..=set.len()).map(|i| format!("image {i}")).collect())
        }
    };
    let (inf, _) = t.net.infer(&x, None, t.config.eval_batch_size);
    Ok(names
        .into_iter()
        .zip(inf.probs.into_iter().zip(inf.predicted))
        .map(|(input, (probabilities, k))| Prediction { input, label: spec.classes[k].clone(), probabilities })
        .collect())
}

/// IDX files start with two zero bytes (after gunzipping).
fn is_idx(p: &Path) -> Result<bool> {
    let bytes = read_maybe_gz(p)?;
    Ok(bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == 0)
}
