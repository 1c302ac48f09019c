//! Proximal Policy Optimisation with the clipped objective, read top to bottom like CleanRL's
//! `ppo.py`: rollout → GAE (with truncation bootstrapping) → minibatch epochs → metrics.

mod config;
mod rollout;
mod update;

pub use config::PpoConfig;
pub use rollout::RolloutBuffer;
pub use update::UpdateMetrics;

use std::path::Path;

use rlab_envs::{Action, Space, VecEnv, VecStep};
use tch::{nn, Device, Tensor};

use crate::{
    policy::ActorCritic,
    returns::{check_unit_interval, gae, Ends},
    trainer::{Actor, CommonSettings, Iteration, Trainer},
    AgentError,
};

pub struct PpoTrainer {
    config: PpoConfig,
    common: CommonSettings,
    device: Device,
    envs: VecEnv,
    vs: nn::VarStore,
    policy: ActorCritic,
    opt: nn::Optimizer,
    buffer: RolloutBuffer,
    step_out: VecStep,
    /// Observation of every env for the next step (row-major, num_envs × obs_dim).
    next_obs: Vec<f32>,
    global_step: u64,
    iteration: usize,
    num_iterations: usize,
}

/// The number of discrete actions, or an error naming what PPO here supports.
pub(crate) fn discrete_actions(space: &Space) -> Result<i64, AgentError> {
    match space {
        Space::Discrete { n } => Ok(*n as i64),
        other => Err(AgentError::Unsupported(format!(
            "this algorithm needs a discrete action space, the env has {}",
            other.describe()
        ))),
    }
}

impl PpoTrainer {
    /// Builds the policy and optimiser, seeds libtorch with `common.seed` and resets the envs
    /// (sub-env i with seed + i).
    pub fn new(config: PpoConfig, common: CommonSettings, envs: VecEnv, device: Device) -> Result<Self, AgentError> {
        check_unit_interval("gamma", common.gamma)?;
        check_unit_interval("gae_lambda", common.gae_lambda)?;
        config.validate(common.num_envs)?;
        if envs.num_envs() != common.num_envs {
            return Err(AgentError::Config(format!("{} envs given, num_envs is {}", envs.num_envs(), common.num_envs)));
        }
        let num_actions = discrete_actions(envs.action_space())?;
        let obs_dim = envs.obs_dim();

        tch::manual_seed(common.seed as i64);
        let vs = nn::VarStore::new(device);
        let policy = ActorCritic::new(&vs.root(), obs_dim as i64, num_actions, &config.policy);
        let adam = nn::Adam { eps: config.adam_eps, ..Default::default() };
        let opt = nn::OptimizerConfig::build(adam, &vs, config.learning_rate)?;

        let batch = config.num_steps * common.num_envs;
        let num_iterations = (common.total_steps as usize).div_ceil(batch).max(1);
        let mut envs = envs;
        let next_obs = envs.reset(Some(common.seed));
        Ok(PpoTrainer {
            buffer: RolloutBuffer::new(config.num_steps, common.num_envs, obs_dim),
            step_out: VecStep::new(common.num_envs, obs_dim),
            config,
            common,
            device,
            envs,
            vs,
            policy,
            opt,
            next_obs,
            global_step: 0,
            iteration: 0,
            num_iterations,
        })
    }

    pub fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }

    fn obs_tensor(&self, obs: &[f32], rows: usize) -> Tensor {
        Tensor::from_slice(obs).view([rows as i64, self.envs.obs_dim() as i64]).to(self.device)
    }

    fn values_of(&self, obs: &[f32], rows: usize) -> Result<Vec<f64>, AgentError> {
        let v = tch::no_grad(|| self.policy.value(&self.obs_tensor(obs, rows)));
        Ok(Vec::<f32>::try_from(v.to(Device::Cpu))?.into_iter().map(f64::from).collect())
    }

    /// Runs `num_steps` vector steps, filling the buffer; returns the finished episodes.
    fn collect(&mut self) -> Result<Vec<(u64, rlab_envs::EpisodeStats)>, AgentError> {
        let n = self.common.num_envs;
        let d = self.envs.obs_dim();
        let mut episodes = Vec::new();
        let mut actions = vec![0usize; n];
        for t in 0..self.config.num_steps {
            // Counted before the step, so an episode ending at vector step s is logged at (s + 1) · n.
            self.global_step += n as u64;
            let range = self.buffer.step_range(t);
            self.buffer.obs[range.start * d..range.end * d].copy_from_slice(&self.next_obs);

            let (action_t, log_prob_t, value_t) = tch::no_grad(|| {
                let obs = self.obs_tensor(&self.next_obs, n);
                let dist = self.policy.distribution(&obs);
                let action = dist.sample();
                (action.shallow_clone(), dist.log_prob(&action), self.policy.value(&obs))
            });
            let action_v = Vec::<i64>::try_from(action_t.to(Device::Cpu))?;
            let log_prob_v = Vec::<f32>::try_from(log_prob_t.to(Device::Cpu))?;
            let value_v = Vec::<f32>::try_from(value_t.to(Device::Cpu))?;
            for (k, i) in range.clone().enumerate() {
                self.buffer.actions[i] = action_v[k];
                self.buffer.log_probs[i] = log_prob_v[k];
                self.buffer.values[i] = value_v[k] as f64;
                actions[k] = action_v[k] as usize;
            }

            self.envs.step_discrete(&actions, &mut self.step_out)?;
            let out = &self.step_out;
            let mut truncated_rows = Vec::new();
            for (k, i) in range.enumerate() {
                self.buffer.rewards[i] = out.rewards[k];
                self.buffer.terminated[i] = out.terminated[k];
                self.buffer.truncated[i] = out.truncated[k];
                self.buffer.next_values[i] = 0.0;
                if out.truncated[k] && !out.terminated[k] {
                    truncated_rows.push((i, k));
                }
                if let Some(stats) = out.episodes[k] {
                    episodes.push((self.global_step, stats));
                }
            }
            // Truncated episodes bootstrap from the true final observation, not the reset one.
            if !truncated_rows.is_empty() {
                let mut final_obs = Vec::with_capacity(truncated_rows.len() * d);
                for &(_, k) in &truncated_rows {
                    let obs = self.step_out.final_obs[k].as_ref().ok_or_else(|| {
                        AgentError::Unsupported("vector env lost the final observation of a truncated episode".into())
                    })?;
                    final_obs.extend_from_slice(obs);
                }
                let values = self.values_of(&final_obs, truncated_rows.len())?;
                for (&(i, _), v) in truncated_rows.iter().zip(values) {
                    self.buffer.next_values[i] = v;
                }
            }
            self.next_obs.copy_from_slice(&self.step_out.obs);
        }
        Ok(episodes)
    }
}

impl Actor for PpoTrainer {
    fn act_deterministic(&self, obs: &[f32]) -> Result<Action, AgentError> {
        let a = tch::no_grad(|| self.policy.distribution(&self.obs_tensor(obs, 1)).mode());
        Ok(Action::Discrete(a.int64_value(&[0]) as usize))
    }
}

impl Trainer for PpoTrainer {
    fn iterate(&mut self) -> Result<Iteration, AgentError> {
        self.iteration += 1;
        let lr = if self.config.anneal_lr {
            let frac = 1.0 - (self.iteration - 1) as f64 / self.num_iterations as f64;
            frac * self.config.learning_rate
        } else {
            self.config.learning_rate
        };
        self.opt.set_lr(lr);

        let episodes = self.collect()?;
        let last_values = self.values_of(&self.next_obs, self.common.num_envs)?;
        let b = &self.buffer;
        let adv = gae(
            &b.rewards,
            &b.values,
            Ends::new(&b.terminated, &b.truncated),
            &b.next_values,
            &last_values,
            b.num_envs,
            self.common.gamma,
            self.common.gae_lambda,
        )?;
        let batch = update::Batch::new(b, &adv.advantages, &adv.returns, self.device);
        let mb = self.config.minibatch_size(self.common.num_envs);
        let m = update::update(&self.policy, &mut self.opt, &batch, &self.config, mb)?;

        Ok(Iteration {
            global_step: self.global_step,
            episodes,
            scalars: vec![
                ("charts/learning_rate", lr),
                ("losses/value_loss", m.value_loss),
                ("losses/policy_loss", m.policy_loss),
                ("losses/entropy", m.entropy),
                ("losses/old_approx_kl", m.old_approx_kl),
                ("losses/approx_kl", m.approx_kl),
                ("losses/clipfrac", m.clipfrac),
                ("losses/explained_variance", m.explained_variance),
            ],
        })
    }

    fn global_step(&self) -> u64 {
        self.global_step
    }

    fn finished(&self) -> bool {
        self.iteration >= self.num_iterations
    }

    fn save(&self, path: &Path) -> Result<(), AgentError> {
        self.vs.save(path).map_err(|e| AgentError::Checkpoint { path: path.display().to_string(), reason: e.to_string() })
    }
}

/// A trained policy loaded from a checkpoint, for evaluation.
pub struct PpoPolicy {
    _vs: nn::VarStore,
    policy: ActorCritic,
    obs_dim: usize,
    device: Device,
}

impl PpoPolicy {
    pub fn load(
        path: &Path,
        config: &PpoConfig,
        obs_dim: usize,
        action_space: &Space,
        device: Device,
    ) -> Result<Self, AgentError> {
        let mut vs = nn::VarStore::new(device);
        let policy = ActorCritic::new(&vs.root(), obs_dim as i64, discrete_actions(action_space)?, &config.policy);
        vs.load(path).map_err(|e| AgentError::Checkpoint {
            path: path.display().to_string(),
            reason: first_line(&e.to_string()),
        })?;
        Ok(PpoPolicy { _vs: vs, policy, obs_dim, device })
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("unreadable").to_string()
}

impl Actor for PpoPolicy {
    fn act_deterministic(&self, obs: &[f32]) -> Result<Action, AgentError> {
        let x = Tensor::from_slice(obs).view([1, self.obs_dim as i64]).to(self.device);
        let a = tch::no_grad(|| self.policy.distribution(&x).mode());
        Ok(Action::Discrete(a.int64_value(&[0]) as usize))
    }
}

#[cfg(test)]
mod tests;
