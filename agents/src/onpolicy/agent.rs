//! A trained actor-critic loaded from a checkpoint, acting deterministically for evaluation.
//! Observation statistics come from the checkpoint and are never updated here.

use std::path::Path;

use rlab_envs::{Action, Space};
use tch::{nn, Device, Kind, Tensor};

use super::discrete_actions;
use crate::{
    checkpoint::StatsVars,
    distributions::Categorical,
    normalize::ObsNormalizer,
    policy::{ActorCritic, PolicyConfig, RecurrentState},
    trainer::{load_weights, Actor},
    AgentError,
};

pub struct ActorCriticAgent {
    vs: nn::VarStore,
    policy: ActorCritic,
    stats_vars: Option<StatsVars>,
    obs_norm: Option<ObsNormalizer>,
    state: Option<RecurrentState>,
    start: bool,
    obs_dim: usize,
    device: Device,
}

impl ActorCriticAgent {
    pub fn load(
        path: &Path,
        policy_config: &PolicyConfig,
        observation_space: &Space,
        action_space: &Space,
        normalize_obs: bool,
        device: Device,
    ) -> Result<Self, AgentError> {
        let mut agent = Self::untrained(policy_config, observation_space, action_space, normalize_obs, device)?;
        agent.reload(path)?;
        Ok(agent)
    }

    /// The network with its initial weights, to be given weights by `reload`. Building it draws
    /// from libtorch's generator (the initialisation), so build it before a trainer seeds that.
    pub fn untrained(
        policy_config: &PolicyConfig,
        observation_space: &Space,
        action_space: &Space,
        normalize_obs: bool,
        device: Device,
    ) -> Result<Self, AgentError> {
        let vs = nn::VarStore::new(device);
        let obs_dim = observation_space.flat_dim();
        let policy =
            ActorCritic::new(&vs.root(), &observation_space.shape(), discrete_actions(action_space)?, policy_config)?;
        let stats_vars = normalize_obs.then(|| StatsVars::new(vs.root(), obs_dim));
        Ok(ActorCriticAgent { vs, policy, stats_vars, obs_norm: None, state: None, start: true, obs_dim, device })
    }

    /// Takes the weights (and observation statistics) of a checkpoint; draws no random numbers.
    pub fn reload(&mut self, path: &Path) -> Result<(), AgentError> {
        load_weights(&mut self.vs, path)?;
        self.obs_norm =
            self.stats_vars.as_ref().map(|v| ObsNormalizer { stats: v.load(), ..ObsNormalizer::new(self.obs_dim) });
        Ok(())
    }
}

impl ActorCriticAgent {
    /// The observation statistics loaded from the checkpoint (when the run normalised observations).
    pub fn obs_norm_stats(&self) -> Option<&crate::normalize::RunningMeanStd> {
        self.obs_norm.as_ref().map(|n| &n.stats)
    }
}

impl Actor for ActorCriticAgent {
    fn begin_episode(&mut self) {
        self.state = self.policy.initial_state(1, self.device);
        self.start = true;
    }

    fn act_deterministic(&mut self, obs: &[f32]) -> Result<Action, AgentError> {
        let mut obs = obs.to_vec();
        if let Some(norm) = &self.obs_norm {
            norm.normalize(&mut obs);
        }
        let x = Tensor::from_slice(&obs).view([1, self.obs_dim as i64]).to(self.device);
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
        let mut obs = obs.to_vec();
        if let Some(norm) = &self.obs_norm {
            norm.normalize(&mut obs); // row by row: the statistics repeat every obs_dim values
        }
        let x = Tensor::from_slice(&obs).view([rows as i64, self.obs_dim as i64]).to(self.device);
        let starts = Tensor::ones([rows as i64], (Kind::Float, self.device));
        let (logits, _, _) = tch::no_grad(|| self.policy.step(&x, None, &starts));
        let a = Categorical::from_logits(&logits.to_kind(Kind::Float)).mode();
        Ok(Vec::<i64>::try_from(a.to(Device::Cpu))?.into_iter().map(|a| Action::Discrete(a as usize)).collect())
    }

    fn is_recurrent(&self) -> bool {
        self.policy.is_recurrent()
    }

    fn reload(&mut self, path: &Path) -> Result<(), AgentError> {
        ActorCriticAgent::reload(self, path)
    }
}
