//! Network building blocks. Module paths (`p / "actor" / "fc0"`) are checkpoint keys: treat them as API.

mod cnn;
mod mlp;

pub use cnn::{cnn, Cnn};
pub use mlp::{mlp, mlp_trunk, Activation, Mlp};

use tch::nn;

/// A linear layer with orthogonal weights of `gain` and zero bias (the PPO-style init).
pub fn linear_ortho(p: nn::Path, in_dim: i64, out_dim: i64, gain: f64) -> nn::Linear {
    let config = nn::LinearConfig {
        ws_init: nn::Init::Orthogonal { gain },
        bs_init: Some(nn::Init::Const(0.0)),
        bias: true,
    };
    nn::linear(p, in_dim, out_dim, config)
}
