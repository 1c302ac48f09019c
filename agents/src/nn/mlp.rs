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
    /// Apply the activation after the last layer too (a feature trunk rather than a head).
    activate_output: bool,
}

/// Builds `in_dim → hidden… → out_dim`, hidden layers with gain √2 and the output layer with
/// `out_gain` (0.01 for a policy head keeps the first policy near uniform; 1.0 for a value head).
/// Biases start at zero. Layers are named `fc0`, `fc1`, … under `p`.
pub fn mlp(p: nn::Path, in_dim: i64, hidden: &[i64], out_dim: i64, activation: Activation, out_gain: f64) -> Mlp {
    let mut layers = Vec::with_capacity(hidden.len() + 1);
    let mut prev = in_dim;
    let sizes = hidden.iter().map(|&h| (h, 2f64.sqrt())).chain(std::iter::once((out_dim, out_gain)));
    for (k, (size, gain)) in sizes.enumerate() {
        layers.push(super::linear_ortho(&p / format!("fc{k}"), prev, size, gain));
        prev = size;
    }
    Mlp { layers, activation, activate_output: false }
}

/// A feature trunk: `in_dim → hidden…` with the activation after every layer, gain √2.
/// With no hidden sizes it is the identity. Returns the trunk and its output size.
pub fn mlp_trunk(p: nn::Path, in_dim: i64, hidden: &[i64], activation: Activation) -> (Mlp, i64) {
    let mut layers = Vec::with_capacity(hidden.len());
    let mut prev = in_dim;
    for (k, &size) in hidden.iter().enumerate() {
        layers.push(super::linear_ortho(&p / format!("fc{k}"), prev, size, 2f64.sqrt()));
        prev = size;
    }
    (Mlp { layers, activation, activate_output: true }, prev)
}

impl nn::Module for Mlp {
    fn forward(&self, x: &Tensor) -> Tensor {
        let last = self.layers.len().saturating_sub(1);
        let mut h = x.shallow_clone();
        for (k, layer) in self.layers.iter().enumerate() {
            h = h.apply(layer);
            if k < last || self.activate_output {
                h = self.activation.apply(&h);
            }
        }
        h
    }
}
