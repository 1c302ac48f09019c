//! Text classifier after Kim (2014): token embedding → parallel 1-D convolutions of several
//! widths → ReLU → max over time → dropout → dense.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TextCnnConfig {
    pub embedding_dim: i64,
    /// Filters per kernel width.
    pub filters: i64,
    /// Kernel widths in tokens, one convolution each.
    pub kernel_sizes: Vec<i64>,
    pub dropout: f64,
}

impl Default for TextCnnConfig {
    fn default() -> Self {
        TextCnnConfig { embedding_dim: 128, filters: 64, kernel_sizes: vec![3, 4, 5], dropout: 0.5 }
    }
}

#[derive(Debug)]
pub struct TextCnn {
    embedding: nn::Embedding,
    convs: Vec<nn::Conv1D>,
    out: nn::Linear,
    dropout: f64,
}

pub fn text_cnn(p: nn::Path, vocab: i64, len: i64, outputs: i64, c: &TextCnnConfig) -> Result<TextCnn> {
    if c.embedding_dim < 1 || c.filters < 1 || c.kernel_sizes.is_empty() || !(0.0..1.0).contains(&c.dropout) {
        bail!("textcnn: embedding_dim and filters must be at least 1, kernel_sizes non-empty, dropout in [0, 1)");
    }
    if let Some(&k) = c.kernel_sizes.iter().find(|&&k| k < 1 || k > len) {
        bail!("textcnn: kernel size {k} must lie in 1..={len} (the sequence length, text.max_len)");
    }
    let embedding = super::padded_embedding(&p / "embedding", vocab, c.embedding_dim);
    let convs = c
        .kernel_sizes
        .iter()
        .enumerate()
        .map(|(i, &k)| nn::conv1d(&p / format!("conv{i}"), c.embedding_dim, c.filters, k, Default::default()))
        .collect();
    let out = nn::linear(&p / "out", c.filters * c.kernel_sizes.len() as i64, outputs, Default::default());
    Ok(TextCnn { embedding, convs, out, dropout: c.dropout })
}

impl nn::ModuleT for TextCnn {
    /// `xs`: `[batch, len]` token ids.
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        let emb = xs.apply(&self.embedding).transpose(1, 2); // [batch, embedding, len]
        let pooled: Vec<Tensor> = self.convs.iter().map(|conv| emb.apply(conv).relu().amax([2].as_slice(), false)).collect();
        Tensor::cat(&pooled, 1).dropout(self.dropout, train).apply(&self.out)
    }
}
