//! Classifier networks on tch. Each returns logits: one per example for a binary target
//! (sigmoid + binary cross-entropy), one per class otherwise (softmax + cross-entropy).
//! Module paths are checkpoint keys: renaming a layer breaks saved models.

mod image_cnn;
mod tabular_mlp;
mod text_cnn;
mod text_rnn;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use tch::nn;

pub use image_cnn::{image_cnn, CnnConfig, ImageCnn};
pub use tabular_mlp::{tabular_mlp, MlpConfig, TabularMlp};
pub use text_cnn::{text_cnn, TextCnn, TextCnnConfig};
pub use text_rnn::{text_rnn, Cell, RnnConfig, TextRnn};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Image CNN: conv → ReLU → max-pool blocks, then dense layers.
    Cnn,
    /// Tabular MLP for a binary target.
    Mlp,
    /// Text: embedding → LSTM → dense.
    Lstm,
    /// Text: embedding → GRU → dense.
    Gru,
    /// Text: embedding → 1-D convolutions with max-over-time pooling → dense.
    Textcnn,
}

impl ModelKind {
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Cnn => "cnn",
            ModelKind::Mlp => "mlp",
            ModelKind::Lstm => "lstm",
            ModelKind::Gru => "gru",
            ModelKind::Textcnn => "textcnn",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "cnn" => ModelKind::Cnn,
            "mlp" => ModelKind::Mlp,
            "lstm" => ModelKind::Lstm,
            "gru" => ModelKind::Gru,
            "textcnn" => ModelKind::Textcnn,
            other => bail!("unknown model '{other}' (expected cnn, mlp, lstm, gru or textcnn)"),
        })
    }

    pub fn is_text(self) -> bool {
        matches!(self, ModelKind::Lstm | ModelKind::Gru | ModelKind::Textcnn)
    }
}

/// The settings of every model; only the chosen model's table is used.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelsConfig {
    pub cnn: CnnConfig,
    pub mlp: MlpConfig,
    /// lstm and gru.
    pub rnn: RnnConfig,
    pub textcnn: TextCnnConfig,
}

/// What a model is fed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputShape {
    Image { channels: i64, height: i64, width: i64 },
    Features { n: i64 },
    Sequence { vocab: i64, len: i64 },
}

/// Builds `kind` under `p` for inputs of `shape` with `outputs` logits.
pub fn build(kind: ModelKind, cfg: &ModelsConfig, shape: &InputShape, outputs: i64, p: nn::Path) -> Result<Box<dyn nn::ModuleT>> {
    Ok(match (kind, shape) {
        (ModelKind::Cnn, InputShape::Image { channels, height, width }) => {
            Box::new(image_cnn(p, *channels, *height, *width, outputs, &cfg.cnn)?)
        }
        (ModelKind::Mlp, InputShape::Features { n }) => Box::new(tabular_mlp(p, *n, outputs, &cfg.mlp)?),
        (ModelKind::Lstm | ModelKind::Gru, InputShape::Sequence { vocab, .. }) => {
            let cell = if kind == ModelKind::Lstm { Cell::Lstm } else { Cell::Gru };
            Box::new(text_rnn(p, cell, *vocab, outputs, &cfg.rnn)?)
        }
        (ModelKind::Textcnn, InputShape::Sequence { vocab, len }) => Box::new(text_cnn(p, *vocab, *len, outputs, &cfg.textcnn)?),
        (k, s) => bail!("the {} model cannot take {s:?} input", k.name()),
    })
}

/// A token embedding whose padding row (id 0) starts at zero and never gets a gradient. Rows
/// start uniform in ±0.05 (Keras' default) rather than PyTorch's N(0, 1): small starting
/// vectors keep the first epochs from fitting the training texts' rare words at once.
pub(crate) fn padded_embedding(p: nn::Path, vocab: i64, dim: i64) -> nn::Embedding {
    let cfg = nn::EmbeddingConfig { padding_idx: crate::text::PAD, ws_init: nn::Init::Uniform { lo: -0.05, up: 0.05 }, ..Default::default() };
    let emb = nn::embedding(p, vocab, dim, cfg);
    tch::no_grad(|| {
        let _ = emb.ws.get(crate::text::PAD).fill_(0.0);
    });
    emb
}
