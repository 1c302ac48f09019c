use serde::{Deserialize, Serialize};

use crate::{nn::Activation, AgentError};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    #[default]
    Mlp,
    Cnn,
    Lstm,
}

impl PolicyKind {
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Mlp => "mlp",
            PolicyKind::Cnn => "cnn",
            PolicyKind::Lstm => "lstm",
        }
    }
}

/// Network shape of a policy (or of a Q-network).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// mlp, cnn (image observations) or lstm (recurrent).
    pub kind: PolicyKind,
    /// Dense hidden layers: the whole MLP; after the convolutions for cnn; before the LSTM for lstm.
    pub hidden_sizes: Vec<i64>,
    /// Hidden activation of the dense layers: tanh or relu.
    pub activation: Activation,
    /// Output channels of each conv → ReLU → max-pool block (cnn).
    pub cnn_channels: Vec<i64>,
    /// LSTM hidden size (lstm).
    pub lstm_hidden: i64,
    /// cnn actor-critics (ppo, a2c, reinforce's baseline): one conv + dense trunk under both heads (true, as CleanRL's
    /// Atari PPO) or a trunk of its own for the critic (false), so that the value loss does not
    /// shape the features the policy reads.
    pub cnn_shared_trunk: bool,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            kind: PolicyKind::Mlp,
            hidden_sizes: vec![64, 64],
            activation: Activation::Tanh,
            cnn_channels: vec![16, 32],
            lstm_hidden: 64,
            cnn_shared_trunk: true,
        }
    }
}

impl PolicyConfig {
    pub fn validate(&self) -> Result<(), AgentError> {
        if self.hidden_sizes.iter().chain(&self.cnn_channels).any(|&h| h < 1) || self.lstm_hidden < 1 {
            return Err(AgentError::Config("policy sizes (hidden_sizes, cnn_channels, lstm_hidden) must all be at least 1".into()));
        }
        if self.kind == PolicyKind::Cnn && self.cnn_channels.is_empty() {
            return Err(AgentError::Config("policy.cnn_channels must name at least one block for --policy cnn".into()));
        }
        Ok(())
    }

    /// Checks that this policy can read observations of `shape`.
    pub fn check_observation_shape(&self, shape: &[usize]) -> Result<(), AgentError> {
        if self.kind == PolicyKind::Cnn && shape.len() != 3 {
            return Err(AgentError::Unsupported(format!(
                "--policy cnn needs image observations [channels, height, width], this env gives shape {shape:?}; use --policy mlp (or lstm)"
            )));
        }
        self.check_memory(shape)
    }

    /// Refuses networks whose parameters alone (with their gradients, Adam's two moments and a
    /// target copy: 5 floats each) would not fit in memory and swap. libtorch would otherwise
    /// either fail deep inside initialisation or, with an allocator that reserves lazily, be
    /// killed by the kernel once the weights are written.
    fn check_memory(&self, shape: &[usize]) -> Result<(), AgentError> {
        let obs_dim = shape.iter().map(|&d| d as f64).product::<f64>();
        let dense = |input: f64| {
            let mut params = 0.0;
            let mut prev = input;
            for &h in &self.hidden_sizes {
                params += (prev + 1.0) * h as f64;
                prev = h as f64;
            }
            (params, prev)
        };
        let params = match self.kind {
            // Actor and critic, each with its own layers.
            PolicyKind::Mlp => 2.0 * dense(obs_dim).0,
            PolicyKind::Cnn => {
                let (mut c, mut h, mut w) = (shape[0] as f64, shape[1] as f64, shape[2] as f64);
                let mut convs = 0.0;
                for &out in &self.cnn_channels {
                    convs += (c * 9.0 + 1.0) * out as f64;
                    c = out as f64;
                    h = (h / 2.0).ceil();
                    w = (w / 2.0).ceil();
                }
                let trunks = if self.cnn_shared_trunk { 1.0 } else { 2.0 };
                trunks * (convs + dense(c * h * w).0)
            }
            PolicyKind::Lstm => {
                let (encoder, features) = dense(obs_dim);
                let hidden = self.lstm_hidden as f64;
                encoder + 4.0 * hidden * (features + hidden + 2.0)
            }
        };
        let bytes = params * 4.0 * 5.0;
        if crate::alloc::exceeds_memory(bytes) {
            return Err(AgentError::Config(format!(
                "policy sizes (hidden_sizes {:?}, cnn_channels {:?}, lstm_hidden {}) give about {:.3e} parameters, which would need {} of memory to train, more than this machine has; make them smaller",
                self.hidden_sizes,
                self.cnn_channels,
                self.lstm_hidden,
                params,
                crate::alloc::human(bytes)
            )));
        }
        Ok(())
    }
}
