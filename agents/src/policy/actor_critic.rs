//! Separate actor and critic MLPs, as CleanRL's PPO uses for classic-control tasks.
//! Checkpoint keys: `actor.fc0.weight`, …, `critic.fc0.weight`, ….

use serde::{Deserialize, Serialize};
use tch::{nn, nn::Module, Tensor};

use crate::{
    distributions::Categorical,
    nn::{mlp, Activation, Mlp},
};

/// Network shape of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyConfig {
    /// Hidden layer sizes, shared by actor and critic.
    pub hidden_sizes: Vec<i64>,
    /// Hidden activation: tanh or relu.
    pub activation: Activation,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig { hidden_sizes: vec![64, 64], activation: Activation::Tanh }
    }
}

#[derive(Debug)]
pub struct ActorCritic {
    actor: Mlp,
    critic: Mlp,
}

impl ActorCritic {
    pub fn new(p: &nn::Path, obs_dim: i64, num_actions: i64, config: &PolicyConfig) -> Self {
        let h = &config.hidden_sizes;
        ActorCritic {
            actor: mlp(p / "actor", obs_dim, h, num_actions, config.activation, 0.01),
            critic: mlp(p / "critic", obs_dim, h, 1, config.activation, 1.0),
        }
    }

    pub fn distribution(&self, obs: &Tensor) -> Categorical {
        Categorical::from_logits(&self.actor.forward(obs))
    }

    /// V(s) for a batch of observations, shape [batch].
    pub fn value(&self, obs: &Tensor) -> Tensor {
        self.critic.forward(obs).squeeze_dim(-1)
    }
}
