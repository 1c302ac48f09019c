//! Chooses an algorithm by name at run time: builds its trainer, or loads its trained policy.

use std::path::Path;

use anyhow::Result;
use rlab_agents::{
    dqn::{DqnTrainer, QAgent},
    onpolicy::{ActorCriticAgent, OnPolicySettings, OnPolicyTrainer},
    reinforce::ReinforceTrainer,
    Actor, CommonSettings, Trainer,
};
use rlab_envs::{EnvOptions, VecEnv};
use tch::Device;

use crate::config::{Algo, RunConfig};

pub fn common_settings(c: &RunConfig) -> CommonSettings {
    CommonSettings {
        gamma: c.gamma,
        gae_lambda: c.gae_lambda,
        seed: c.seed,
        total_steps: c.total_steps,
        num_envs: c.num_envs,
        normalize_obs: c.normalize_obs,
        scale_rewards: c.scale_rewards,
        exploration_bonus: c.exploration_bonus,
    }
}

pub fn build_trainer(c: &RunConfig, device: Device) -> Result<Box<dyn Trainer>> {
    let envs = VecEnv::make(&c.env, c.num_envs, &EnvOptions::default())?;
    let common = common_settings(c);
    Ok(match c.algo {
        Algo::Ppo => Box::new(OnPolicyTrainer::new(OnPolicySettings::from(&c.ppo()), &c.policy, common, envs, device)?),
        Algo::A2c => Box::new(OnPolicyTrainer::new(OnPolicySettings::from(&c.a2c()), &c.policy, common, envs, device)?),
        Algo::Dqn => Box::new(DqnTrainer::new(c.dqn(), &c.policy, common, envs, device)?),
        Algo::Reinforce => Box::new(ReinforceTrainer::new(c.reinforce(), &c.policy, common, envs, device)?),
    })
}

/// The policy network of the run configured by `c`, with initial weights (see `Actor::reload`).
pub fn untrained_policy(c: &RunConfig, device: Device) -> Result<Box<dyn Actor>> {
    let env = rlab_envs::make(&c.env, &EnvOptions::default())?;
    let (obs, act) = (env.observation_space(), env.action_space());
    Ok(match c.algo {
        Algo::Ppo | Algo::A2c | Algo::Reinforce => {
            Box::new(ActorCriticAgent::untrained(&c.policy, obs, act, c.normalize_obs, device)?)
        }
        Algo::Dqn => Box::new(QAgent::untrained(&c.policy, obs, act, c.normalize_obs, device)?),
    })
}

/// Loads the policy saved in `checkpoint` for the run configured by `c`.
pub fn load_policy(c: &RunConfig, checkpoint: &Path, device: Device) -> Result<Box<dyn Actor>> {
    let mut policy = untrained_policy(c, device)?;
    policy.reload(checkpoint)?;
    Ok(policy)
}
