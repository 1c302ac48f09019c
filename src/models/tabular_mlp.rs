//! Tabular classifier: dense layers on standardised features.

use anyhow::{bail, Result};
use rlab_agents::nn::Activation;
use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MlpConfig {
    pub hidden: Vec<i64>,
    /// relu or tanh.
    pub activation: Activation,
    pub dropout: f64,
}

impl Default for MlpConfig {
    fn default() -> Self {
        MlpConfig { hidden: vec![32], activation: Activation::Relu, dropout: 0.0 }
    }
}

#[derive(Debug)]
pub struct TabularMlp {
    layers: Vec<nn::Linear>,
    activation: Activation,
    dropout: f64,
}

pub fn tabular_mlp(p: nn::Path, inputs: i64, outputs: i64, c: &MlpConfig) -> Result<TabularMlp> {
    if c.hidden.iter().any(|&h| h < 1) || !(0.0..1.0).contains(&c.dropout) {
        bail!("mlp: hidden sizes must be at least 1 and dropout in [0, 1)");
    }
    let mut layers = Vec::new();
    let mut dim = inputs;
    for (k, &size) in c.hidden.iter().chain([outputs].iter()).enumerate() {
        layers.push(nn::linear(&p / format!("fc{k}"), dim, size, Default::default()));
        dim = size;
    }
    Ok(TabularMlp { layers, activation: c.activation, dropout: c.dropout })
}

impl nn::ModuleT for TabularMlp {
    fn forward_t(&self, xs: &Tensor, train: bool) -> Tensor {
        let last = self.layers.len() - 1;
        let mut x = xs.shallow_clone();
        for (k, layer) in self.layers.iter().enumerate() {
            x = x.apply(layer);
            if k < last {
                x = self.activation.apply(&x).dropout(self.dropout, train);
            }
        }
        x
    }
}
