//! Q-networks: MLP (`q.fc*`) or conv blocks + dense layers (`trunk.conv*`, `dense.fc*`, `q_head`).

use tch::{nn, nn::Module, Tensor};

use crate::{
    nn::{cnn, linear_ortho, mlp, mlp_trunk, Cnn, Mlp},
    policy::{PolicyConfig, PolicyKind},
    AgentError,
};

#[derive(Debug)]
pub enum QNetwork {
    Mlp(Mlp),
    Cnn { trunk: Cnn, dense: Mlp, head: nn::Linear },
}

impl QNetwork {
    pub fn new(p: &nn::Path, obs_shape: &[usize], num_actions: i64, config: &PolicyConfig) -> Result<Self, AgentError> {
        config.validate()?;
        config.check_observation_shape(obs_shape)?;
        let obs_dim = obs_shape.iter().product::<usize>() as i64;
        Ok(match config.kind {
            PolicyKind::Mlp => QNetwork::Mlp(mlp(p / "q", obs_dim, &config.hidden_sizes, num_actions, config.activation, 1.0)),
            PolicyKind::Cnn => {
                let shape = [obs_shape[0] as i64, obs_shape[1] as i64, obs_shape[2] as i64];
                let trunk = cnn(p / "trunk", shape, &config.cnn_channels);
                let (dense, features) = mlp_trunk(p / "dense", trunk.out_dim(), &config.hidden_sizes, config.activation);
                QNetwork::Cnn { trunk, dense, head: linear_ortho(p / "q_head", features, num_actions, 1.0) }
            }
            PolicyKind::Lstm => {
                return Err(AgentError::Unsupported(
                    "dqn does not support --policy lstm; use --policy mlp or cnn, or --algo ppo/a2c with lstm".into(),
                ))
            }
        })
    }
}

impl Module for QNetwork {
    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            QNetwork::Mlp(m) => m.forward(x),
            QNetwork::Cnn { trunk, dense, head } => dense.forward(&trunk.forward(x)).apply(head),
        }
    }
}
