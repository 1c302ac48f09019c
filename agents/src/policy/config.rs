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
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            kind: PolicyKind::Mlp,
            hidden_sizes: vec![64, 64],
            activation: Activation::Tanh,
            cnn_channels: vec![16, 32],
            lstm_hidden: 64,
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
        Ok(())
    }
}
