//! Multi-layer perceptron with orthogonal initialisation (the init PPO implementations rely on).

use serde::{Deserialize, Serialize};
use tch::{nn, Tensor};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    #[default]
    Tanh,
    Relu,
}

impl Activation {
    pub fn apply(self, x: &Tensor) -> Tensor {
        match self {
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.relu(),
        }
    }
}

#[derive(Debug)]
pub struct Mlp {
    layers: Vec<nn::Linear>,
    activation: Activation,
}

/// Builds `in_dim → hidden… → out_dim`, hidden layers with gain √2 and the output layer with
/// `out_gain` (0.01 for a policy head keeps the first policy near uniform; 1.0 for a value head).
/// Biases start at zero. Layers are named `fc0`, `fc1`, … under `p`.
pub fn mlp(p: nn::Path, in_dim: i64, hidden: &[i64], out_dim: i64, activation: Activation, out_gain: f64) -> Mlp {
    let mut layers = Vec::with_capacity(hidden.len() + 1);
    let mut prev = in_dim;
    let sizes = hidden.iter().map(|&h| (h, 2f64.sqrt())).chain(std::iter::once((out_dim, out_gain)));
    for (k, (size, gain)) in sizes.enumerate() {
        let config = nn::LinearConfig {
            ws_init: nn::Init::Orthogonal { gain },
            bs_init: Some(nn::Init::Const(0.0)),
            bias: true,
        };
        layers.push(nn::linear(&p / format!("fc{k}"), prev, size, config));
        prev = size;
    }
    Mlp { layers, activation }
}

impl nn::Module for Mlp {
    fn forward(&self, x: &Tensor) -> Tensor {
        let last = self.layers.len() - 1;
        let mut h = x.shallow_clone();
        for (k, layer) in self.layers.iter().enumerate() {
            h = h.apply(layer);
            if k < last {
                h = self.activation.apply(&h);
            }
        }
        h
    }
}
