//! Image classifier: blocks of conv (same padding) → ReLU → max-pool, then dense layers.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CnnConfig {
    /// Output channels of each conv block (one block per entry).
    pub channels: Vec<i64>,
    /// Square kernel size (odd, so that padding keeps the size before pooling).
    pub kernel_size: i64,
    /// Max-pool window and stride after each conv.
    pub pool: i64,
    /// Hidden dense layers after the blocks.
    pub dense: Vec<i64>,
    /// Dropout before each dense layer (training only).
    pub dropout: f64,
}

impl Default for CnnConfig {
    fn default() -> Self {
        CnnConfig { channels: vec![32, 64], kernel_size: 3, pool: 2, dense: vec![128], dropout: 0.25 }
    }
}

#[derive(Debug)]
pub struct ImageCnn {
    convs: Vec<nn::Conv2D>,
    dense: Vec<nn::Linear>,
    out: nn::Linear,
    pool: i64,
    dropout: f64,
}

pub fn image_cnn(p: nn::Path, channels: i64, height: i64, width: i64, outputs: i64, c: &CnnConfig) -> Result<ImageCnn> {
    if c.kernel_size < 1 || c.kernel_size % 2 == 0 {
        bail!("cnn.kernel_size must be odd, got {}", c.kernel_size);
    }
    if c.pool < 1 || c.channels.iter().chain(&c.dense).any(|&n| n < 1) || !(0.0..1.0).contains(&c.dropout) {
        bail!("cnn: pool, channels and dense sizes must be at least 1 and dropout in [0, 1)");
    }
    let (mut h, mut w, mut ch) = (height, width, channels);
    let mut convs = Vec::new();
    for (k, &out) in c.channels.iter().enumerate() {
        let cfg = nn::ConvConfig { padding: c.kernel_size / 2, ..Default::default() };
        convs.push(nn::conv2d(&p / format!("conv{k}"), ch, out, c.kernel_size, cfg));
        (h, w, ch) = (h / c.pool, w / c.pool, out);
        if h == 0 || w == 0 {
            bail!("cnn: {} pooling blocks shrink a {height}×{width} image to nothing; use fewer channels entries", k + 1);
        }
    }
    let mut dense = Vec::new();
    let mut dim = ch * h * w;
    for (k, &size) in c.dense.iter().enumerate() {
        dense.push(nn::linear(&p / format!("fc{k}"), dim, size, Default::default()));
        dim = size;
    }
    let out = nn::linear(&p / "out", dim, outputs, Default::default());
    Ok(ImageCnn { convs, dense, out, pool: c.pool, dropout: c.dropout })
}

impl nn::ModuleT for ImageCnn {
    /// `xs`: `[batch, channels, height, width]`, values in [0, 1].
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        let mut x = xs.shallow_clone();
        for conv in &self.convs {
            x = x.apply(conv).relu().max_pool2d_default(self.pool);
        }
        x = x.flat_view();
        for layer in &self.dense {
            x = x.dropout(self.dropout, train).apply(layer).relu();
        }
        x.dropout(self.dropout, train).apply(&self.out)
    }
}
