//! A trained actor-critic, given weights from a checkpoint, acting deterministically for evaluation.
//! Observation statistics come from the checkpoint and are never updated here.

use std::path::Path;

use rlab_envs::{Action, Space};
use tch::{Device, Kind, Tensor};

use super::discrete_actions;
use crate::{
    checkpoint::FrozenWeights,
    distributions::Categorical,
    policy::{ActorCritic, PolicyConfig, RecurrentState},
    trainer::Actor,
    AgentError,
};

pub struct ActorCriticAgent {
    weights: FrozenWeights,
    policy: ActorCritic,
    state: Option<RecurrentState>,
    start: bool,
    obs_dim: usize,
    device: Device,
}

impl ActorCriticAgent {
    /// The network with its initial weights, to be given weights by `reload`. Building it draws
    /// from libtorch's generator (the initialisation), so build it before a trainer seeds that.
    pub fn untrained(
        policy_config: &PolicyConfig,
        observation_space: &Space,
        action_space: &Space,
        normalize_obs: bool,
        device: Device,
    ) -> Result<Self, AgentError> {
        let obs_dim = observation_space.flat_dim();
        let num_actions = discrete_actions(action_space)?;
        let (weights, policy) = FrozenWeights::new(device, obs_dim, normalize_obs, |p| {
            ActorCritic::new(p, &observation_space.shape(), num_actions, policy_config)
        })?;
        Ok(ActorCriticAgent { weights, policy, state: None, start: true, obs_dim, device })
    }

    /// The observation statistics loaded from the checkpoint (when the run normalised observations).
    pub fn obs_norm_stats(&self) -> Option<&crate::normalize::RunningMeanStd> {
        self.weights.obs_stats()
    }
}

impl Actor for ActorCriticAgent {
    fn begin_episode(&mut self) {
        self.state = self.policy.initial_state(1, self.device);
        self.start = true;
    }

    fn act_deterministic(&mut self, obs: &[f32]) -> Result<Action, AgentError> {
        let x = Tensor::from_slice(&self.weights.input(obs)).view([1, self.obs_dim as i64]).to(self.device);
        let starts = Tensor::from_slice(&[if self.start { 1.0f32 } else { 0.0 }]).to(self.device);
        let (logits, _, next) = tch::no_grad(|| self.policy.step(&x, self.state.as_ref(), &starts));
        self.state = next;
        self.start = false;
        let a = Categorical::from_logits(&logits.to_kind(Kind::Float)).mode();
        Ok(Action::Discrete(a.int64_value(&[0]) as usize))
    }

    fn act_deterministic_rows(&mut self, obs: &[f32], rows: usize) -> Result<Vec<Action>, AgentError> {
        if self.policy.is_recurrent() {
            return Err(AgentError::Unsupported("a recurrent policy acts one episode at a time".into()));
        }
        let x = Tensor::from_slice(&self.weights.input(obs)).view([rows as i64, self.obs_dim as i64]).to(self.device);
        let starts = Tensor::ones([rows as i64], (Kind::Float, self.device));
        let (logits, _, _) = tch::no_grad(|| self.policy.step(&x, None, &starts));
        let a = Categorical::from_logits(&logits.to_kind(Kind::Float)).mode();
        Ok(Vec::<i64>::try_from(a.to(Device::Cpu))?.into_iter().map(|a| Action::Discrete(a as usize)).collect())
    }

    fn is_recurrent(&self) -> bool {
        self.policy.is_recurrent()
    }

    fn reload(&mut self, path: &Path) -> Result<(), AgentError> {
        self.weights.reload(path)
    }
}
