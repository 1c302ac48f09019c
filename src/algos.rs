//! Chooses an algorithm by name at run time: builds its trainer, or loads its trained policy.

use std::path::Path;

use anyhow::Result;
use rlab_agents::{
    ppo::{PpoPolicy, PpoTrainer},
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
    }
}

pub fn build_trainer(c: &RunConfig, device: Device) -> Result<Box<dyn Trainer>> {
    let envs = VecEnv::make(&c.env, c.num_envs, &EnvOptions::default())?;
    Ok(match c.algo {
        Algo::Ppo => Box::new(PpoTrainer::new(c.ppo.clone(), common_settings(c), envs, device)?),
    })
}

/// Loads the policy saved in `checkpoint` for the run configured by `c`.
pub fn load_policy(c: &RunConfig, checkpoint: &Path, device: Device) -> Result<Box<dyn Actor>> {
    let env = rlab_envs::make(&c.env, &EnvOptions::default())?;
    let obs_dim = env.observation_space().flat_dim();
    Ok(match c.algo {
        Algo::Ppo => Box::new(PpoPolicy::load(checkpoint, &c.ppo, obs_dim, env.action_space(), device)?),
    })
}
