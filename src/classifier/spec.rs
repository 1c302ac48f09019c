//! `model.json`: everything besides the weights that turns raw input into the model's tensors
//! and its outputs back into class names — fitted on the training split, saved with the model.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor};

use crate::{
    models::{InputShape, ModelKind},
    text::Vectorizer,
};

pub const SPEC: &str = "model.json";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum InputSpec {
    /// Grey-scale images, pixels 0–255 scaled to [0, 1].
    Image { height: usize, width: usize },
    /// Numeric features in this order, standardised with these means and deviations.
    Table { features: Vec<String>, mean: Vec<f32>, std: Vec<f32> },
    /// Texts, vectorised into id sequences.
    Text { vectorizer: Vectorizer },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub model: ModelKind,
    /// The data it was trained on (a dataset name or a file).
    pub data: String,
    /// Class names; the model's class i is `classes[i]`. Two classes: one sigmoid output for class 1.
    pub classes: Vec<String>,
    pub input: InputSpec,
}

impl ModelSpec {
    /// What a hand-edited or damaged file could break: the lengths and values the tensors use.
    pub fn check(&self) -> Result<()> {
        if self.classes.len() < 2 {
            bail!("{} classes; a classifier needs at least 2", self.classes.len());
        }
        match &self.input {
            InputSpec::Image { height, width } => {
                if *height == 0 || *width == 0 || height.saturating_mul(*width) > 1 << 24 {
                    bail!("image size {height}×{width} is not possible");
                }
            }
            InputSpec::Table { features, mean, std } => {
                if features.is_empty() || mean.len() != features.len() || std.len() != features.len() {
                    bail!("{} features but {} means and {} deviations", features.len(), mean.len(), std.len());
                }
                if mean.iter().any(|m| !m.is_finite()) || std.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
                    bail!("feature means must be finite and deviations finite and positive");
                }
            }
            InputSpec::Text { .. } => {}
        }
        Ok(())
    }

    pub fn is_binary(&self) -> bool {
        self.classes.len() == 2
    }

    /// Logits per example: 1 for a binary target, else one per class.
    pub fn outputs(&self) -> i64 {
        if self.is_binary() {
            1
        } else {
            self.classes.len() as i64
        }
    }

    pub fn shape(&self) -> InputShape {
        match &self.input {
            InputSpec::Image { height, width } => InputShape::Image { channels: 1, height: *height as i64, width: *width as i64 },
            InputSpec::Table { features, .. } => InputShape::Features { n: features.len() as i64 },
            InputSpec::Text { vectorizer } => {
                InputShape::Sequence { vocab: vectorizer.sequence_vocab_size() as i64, len: vectorizer.config().max_len as i64 }
            }
        }
    }

    /// `n` images of `height × width` bytes → `[n, 1, height, width]` floats in [0, 1].
    pub fn image_tensor(&self, pixels: &[u8], height: usize, width: usize, device: Device) -> Result<Tensor> {
        let InputSpec::Image { height: h, width: w } = &self.input else { bail!("this model does not take images") };
        if (height, width) != (*h, *w) {
            bail!("the model takes {h}×{w} images, these are {height}×{width}");
        }
        let n = (pixels.len() / (h * w)) as i64;
        Ok((Tensor::from_slice(pixels).to_kind(Kind::Float) / 255.0).view([n, 1, *h as i64, *w as i64]).to_device(device))
    }

    /// Rows of raw features → standardised `[n, features]`.
    pub fn table_tensor(&self, rows: &[f32], device: Device) -> Result<Tensor> {
        let InputSpec::Table { features, mean, std } = &self.input else { bail!("this model does not take tabular rows") };
        let d = features.len();
        let scaled: Vec<f32> = rows.iter().enumerate().map(|(i, v)| (v - mean[i % d]) / std[i % d]).collect();
        Ok(Tensor::from_slice(&scaled).view([(rows.len() / d) as i64, d as i64]).to_device(device))
    }

    /// Texts → `[n, max_len]` token ids. An empty text is an error.
    pub fn text_tensor<S: AsRef<str>>(&self, texts: &[S], device: Device) -> Result<Tensor> {
        let InputSpec::Text { vectorizer } = &self.input else { bail!("this model does not take text") };
        let len = texts.len().saturating_mul(vectorizer.config().max_len);
        let mut ids = Vec::new();
        let bytes = len as f64 * std::mem::size_of::<i64>() as f64;
        if rlab_agents::alloc::exceeds_memory(bytes) || ids.try_reserve_exact(len).is_err() {
            bail!("{} texts × text.max_len {} token ids do not fit in memory; lower text.max_len", texts.len(), vectorizer.config().max_len);
        }
        for t in texts {
            if t.as_ref().trim().is_empty() {
                bail!("empty text: give the message to classify");
            }
            ids.extend(vectorizer.sequence(t.as_ref()));
        }
        Ok(Tensor::from_slice(&ids).view([texts.len() as i64, vectorizer.config().max_len as i64]).to_device(device))
    }
}

/// Per-feature mean and population standard deviation (scikit-learn's `StandardScaler`; a
/// constant feature gets deviation 1 so it maps to 0).
pub fn fit_scaler(rows: &[f32], d: usize, standardize: bool) -> (Vec<f32>, Vec<f32>) {
    if !standardize || d == 0 {
        return (vec![0.0; d], vec![1.0; d]);
    }
    let n = (rows.len() / d) as f64;
    let mut mean = vec![0f64; d];
    for (i, v) in rows.iter().enumerate() {
        mean[i % d] += *v as f64 / n;
    }
    let mut var = vec![0f64; d];
    for (i, v) in rows.iter().enumerate() {
        var[i % d] += (*v as f64 - mean[i % d]).powi(2) / n;
    }
    // Rounding leaves a constant column a variance of about eps² · mean², not 0: such a tiny
    // deviation would blow any other value up to ±huge. Treat it as constant (scikit-learn's
    // StandardScaler does the same below 10 eps).
    let std = var
        .iter()
        .zip(&mean)
        .map(|(v, m)| if v.sqrt() > 10.0 * f64::EPSILON * m.abs().max(1.0) { v.sqrt() as f32 } else { 1.0 })
        .collect();
    (mean.iter().map(|m| *m as f32).collect(), std)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaler_matches_standard_scaler() {
        let (m, s) = fit_scaler(&[1.0, 5.0, 3.0, 5.0], 2, true);
        assert_eq!((m, s), (vec![2.0, 5.0], vec![1.0, 1.0]));
        let (m, s) = fit_scaler(&[0.0, 4.0], 1, true);
        assert_eq!((m, s), (vec![2.0], vec![2.0]));
        // A constant 0.1 (not exact in binary) has a rounding-sized variance: still constant.
        let (m, s) = fit_scaler(&[0.1, 0.1, 0.1], 1, true);
        assert_eq!((m[0], s), (0.1, vec![1.0]));
    }
}
