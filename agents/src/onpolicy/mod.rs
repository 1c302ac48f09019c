//! On-policy actor-critic training (PPO and A2C), read top to bottom like CleanRL's `ppo.py`:
//! rollout → GAE with truncation bootstrapping → update → metrics.

mod agent;
mod config;
mod rollout;
mod update;

pub use agent::ActorCriticAgent;
pub use config::{A2cConfig, OnPolicySettings, PpoConfig};
pub use rollout::RolloutBuffer;
pub use update::UpdateMetrics;

use std::path::Path;

use rlab_envs::{EpisodeStats, Space, VecEnv, VecStep};
use tch::{nn, Device, Kind, Tensor};

use crate::{
    checkpoint::StatsVars,
    distributions::Categorical,
    explore::CountBonus,
    normalize::{ObsNormalizer, RewardScaler},
    optim::Optimizer,
    policy::{ActorCritic, PolicyConfig, RecurrentState},
    returns::{check_unit_interval, gae, Ends},
    trainer::{self, CommonSettings, Iteration, Trainer, TrainerState},
    AgentError,
};

/// The number of discrete actions, or an error naming what is supported.
pub(crate) fn discrete_actions(space: &Space) -> Result<i64, AgentError> {
    match space {
        Space::Discrete { n } => Ok(*n as i64),
        other => Err(AgentError::Unsupported(format!(
            "this algorithm needs a discrete action space, the env has {}",
            other.describe()
        ))),
    }
}

pub struct OnPolicyTrainer {
    settings: OnPolicySettings,
    common: CommonSettings,
    device: Device,
    envs: VecEnv,
    vs: nn::VarStore,
    policy: ActorCritic,
    opt: Optimizer,
    buffer: RolloutBuffer,
    step_out: VecStep,
    /// Observation of every env for the next step (normalised if enabled), num_envs × obs_dim.
    next_obs: Vec<f32>,
    /// 1.0 for envs whose next observation starts an episode.
    next_starts: Vec<f32>,
    state: Option<RecurrentState>,
    obs_norm: Option<(ObsNormalizer, StatsVars)>,
    reward_scaler: Option<RewardScaler>,
    bonus: Option<CountBonus>,
    global_step: u64,
    iteration: usize,
    num_iterations: usize,
}

impl OnPolicyTrainer {
    /// Builds the policy and optimiser, seeds libtorch with `common.seed` and resets the envs
    /// (sub-env i with seed + i).
    pub fn new(
        settings: OnPolicySettings,
        policy_config: &PolicyConfig,
        common: CommonSettings,
        envs: VecEnv,
        device: Device,
    ) -> Result<Self, AgentError> {
        check_unit_interval("gamma", common.gamma)?;
        check_unit_interval("gae_lambda", common.gae_lambda)?;
        if envs.num_envs() != common.num_envs {
            return Err(AgentError::Config(format!("{} envs given, num_envs is {}", envs.num_envs(), common.num_envs)));
        }
        let num_actions = discrete_actions(envs.action_space())?;
        let obs_dim = envs.obs_dim();

        tch::manual_seed(common.seed as i64);
        let vs = nn::VarStore::new(device);
        let policy = ActorCritic::new(&vs.root(), &envs.observation_space().shape(), num_actions, policy_config)?;
        settings.validate(common.num_envs, policy.is_recurrent())?;
        let obs_norm = common.normalize_obs.then(|| (ObsNormalizer::new(obs_dim), StatsVars::new(vs.root(), obs_dim)));
        let opt = Optimizer::new(&vs, settings.optimizer.clone(), settings.learning_rate);
        let reward_scaler = common.scale_rewards.then(|| RewardScaler::new(common.num_envs, common.gamma));

        let batch = settings.num_steps * common.num_envs;
        let num_iterations = (common.total_steps as usize).div_ceil(batch).max(1);
        let n = common.num_envs;
        let mut t = OnPolicyTrainer {
            buffer: RolloutBuffer::new(settings.num_steps, n, obs_dim)?,
            step_out: VecStep::new(n, obs_dim),
            state: policy.initial_state(n as i64, device),
            settings,
            device,
            envs,
            vs,
            policy,
            opt,
            next_obs: Vec::new(),
            next_starts: vec![1.0; n],
            obs_norm,
            reward_scaler,
            bonus: CountBonus::new(common.exploration_bonus)?,
            global_step: 0,
            iteration: 0,
            num_iterations,
            common,
        };
        t.start_episodes(t.common.seed);
        Ok(t)
    }

    /// Resets every env (sub-env i with seed + i) and the recurrent state.
    fn start_episodes(&mut self, seed: u64) {
        let mut obs = self.envs.reset(Some(seed));
        self.observe(&mut obs, true);
        self.next_obs = obs;
        self.next_starts.fill(1.0);
        self.state = self.policy.initial_state(self.common.num_envs as i64, self.device);
    }

    /// Normalises observations in place, updating the statistics first when `learn`.
    fn observe(&mut self, obs: &mut [f32], learn: bool) {
        if let Some((norm, _)) = &mut self.obs_norm {
            if learn {
                norm.update(obs);
            }
            norm.normalize(obs);
        }
    }

    pub fn var_store(&self) -> &nn::VarStore {
        &self.vs
    }

    fn obs_tensor(&self, obs: &[f32], rows: usize) -> Tensor {
        Tensor::from_slice(obs).view([rows as i64, self.envs.obs_dim() as i64]).to(self.device)
    }

    /// V(s) of `rows` observations; recurrent policies continue from `state` (no reset).
    fn values_of(&self, obs: &[f32], rows: usize, state: Option<&RecurrentState>) -> Result<Vec<f64>, AgentError> {
        let x = self.obs_tensor(obs, rows);
        let no_starts = Tensor::zeros([rows as i64], (Kind::Float, self.device));
        let (_, v, _) = tch::no_grad(|| self.policy.step(&x, state, &no_starts));
        Ok(Vec::<f32>::try_from(v.to(Device::Cpu))?.into_iter().map(f64::from).collect())
    }

    /// Runs `num_steps` vector steps, filling the buffer; returns the finished episodes.
    fn collect(&mut self) -> Result<Vec<(u64, EpisodeStats)>, AgentError> {
        let n = self.common.num_envs;
        let d = self.envs.obs_dim();
        let mut episodes = Vec::new();
        let mut actions = vec![0usize; n];
        for t in 0..self.settings.num_steps {
            // Counted before the step, so an episode ending at vector step s is logged at (s + 1) · n.
            self.global_step += n as u64;
            let range = self.buffer.step_range(t);
            self.buffer.obs[range.start * d..range.end * d].copy_from_slice(&self.next_obs);
            self.buffer.starts[range.clone()].copy_from_slice(&self.next_starts);

            let (action_t, log_probs_t, value_t, next_state) = tch::no_grad(|| {
                let obs = self.obs_tensor(&self.next_obs, n);
                // Only a recurrent policy reads `starts` (feed-forward ones ignore it).
                let starts =
                    if self.state.is_some() { Tensor::from_slice(&self.next_starts).to(self.device) } else { Tensor::new() };
                let (logits, value, next_state) = self.policy.step(&obs, self.state.as_ref(), &starts);
                let dist = Categorical::from_logits(&logits);
                (dist.sample(), dist.log_probs().shallow_clone(), value, next_state)
            });
            let action_v = Vec::<i64>::try_from(action_t.to(Device::Cpu))?;
            // log π(a|s) of the sampled actions, picked here from all actions' log-probabilities:
            // the same numbers a gather on the tensor would give, in one copy less.
            let log_probs_v = Vec::<f32>::try_from(log_probs_t.to(Device::Cpu).flatten(0, -1))?;
            let num_actions = log_probs_v.len() / n;
            let value_v = Vec::<f32>::try_from(value_t.to(Device::Cpu))?;
            for (k, i) in range.clone().enumerate() {
                self.buffer.actions[i] = action_v[k];
                self.buffer.log_probs[i] = log_probs_v[k * num_actions + action_v[k] as usize];
                self.buffer.values[i] = f64::from(value_v[k]);
                actions[k] = action_v[k] as usize;
            }

            self.envs.step_discrete(&actions, &mut self.step_out)?;
            let rewards = trainer::training_rewards(&self.step_out, self.bonus.as_mut(), self.reward_scaler.as_mut(), self.common.progress(self.global_step));
            let mut truncated_rows = Vec::new();
            for (k, i) in range.enumerate() {
                let out = &self.step_out;
                self.buffer.rewards[i] = rewards[k];
                self.buffer.terminated[i] = out.terminated[k];
                self.buffer.truncated[i] = out.truncated[k];
                self.buffer.next_values[i] = 0.0;
                if out.truncated[k] && !out.terminated[k] {
                    truncated_rows.push((i, k));
                }
                if let Some(stats) = out.episodes[k] {
                    episodes.push((self.global_step, stats));
                }
                self.next_starts[k] = if out.terminated[k] || out.truncated[k] { 1.0 } else { 0.0 };
            }
            // Truncated episodes bootstrap from the true final observation, not the reset one,
            // and a recurrent policy reads it with the state the episode had reached.
            if !truncated_rows.is_empty() {
                let mut final_obs = Vec::with_capacity(truncated_rows.len() * d);
                for &(_, k) in &truncated_rows {
                    let obs = self.step_out.final_obs[k].as_ref().ok_or_else(|| {
                        AgentError::Unsupported("vector env lost the final observation of a truncated episode".into())
                    })?;
                    final_obs.extend_from_slice(obs);
                }
                self.observe(&mut final_obs, false);
                let rows: Vec<i64> = truncated_rows.iter().map(|&(_, k)| k as i64).collect();
                let state = next_state.as_ref().map(|s| s.select(&Tensor::from_slice(&rows).to(self.device)));
                let values = self.values_of(&final_obs, truncated_rows.len(), state.as_ref())?;
                for (&(i, _), v) in truncated_rows.iter().zip(values) {
                    self.buffer.next_values[i] = v;
                }
            }
            let mut obs = std::mem::take(&mut self.step_out.obs);
            self.observe(&mut obs, true);
            self.next_obs.copy_from_slice(&obs);
            self.step_out.obs = obs;
            self.state = next_state;
        }
        Ok(episodes)
    }
}

impl Trainer for OnPolicyTrainer {
    fn iterate(&mut self) -> Result<Iteration, AgentError> {
        self.iteration += 1;
        let s = &self.settings;
        let frac = 1.0 - (self.iteration - 1) as f64 / self.num_iterations as f64;
        let lr = if s.anneal_lr { frac * s.learning_rate } else { s.learning_rate };
        let clip_coef = s.clip_coef.map(|c| if s.anneal_clip { frac * c } else { c });
        let ent_coef = if s.anneal_ent { frac * s.ent_coef } else { s.ent_coef };
        self.opt.lr = lr;

        let initial_state = self.state.as_ref().map(|st| st.detach());
        let episodes = self.collect()?;
        let no_starts: Vec<f32> = self.next_starts.clone();
        // V(state after the rollout), for envs whose episode goes on. A recurrent policy reads the
        // next observation with the carried state, reset where that observation starts an episode.
        let last_values = {
            let x = self.obs_tensor(&self.next_obs, self.common.num_envs);
            let starts = Tensor::from_slice(&no_starts).to(self.device);
            let (_, v, _) = tch::no_grad(|| self.policy.step(&x, self.state.as_ref(), &starts));
            Vec::<f32>::try_from(v.to(Device::Cpu))?.into_iter().map(f64::from).collect::<Vec<f64>>()
        };
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
        let batch = update::Batch::new(b, &adv.advantages, &adv.returns, initial_state, self.device);
        let m = update::update(&self.policy, &mut self.opt, &batch, &self.settings, clip_coef, ent_coef)?;

        let mut scalars = vec![
            ("charts/learning_rate", lr),
            ("losses/value_loss", m.value_loss),
            ("losses/policy_loss", m.policy_loss),
            ("losses/entropy", m.entropy),
            ("losses/old_approx_kl", m.old_approx_kl),
            ("losses/approx_kl", m.approx_kl),
            ("losses/clipfrac", m.clipfrac),
            ("losses/explained_variance", m.explained_variance),
        ];
        if let Some(c) = clip_coef {
            scalars.push(("charts/clip_coef", c));
        }
        if self.settings.anneal_ent {
            scalars.push(("charts/ent_coef", ent_coef));
        }
        Ok(Iteration { global_step: self.global_step, episodes, scalars })
    }

    fn global_step(&self) -> u64 {
        self.global_step
    }

    fn finished(&self) -> bool {
        self.iteration >= self.num_iterations
    }

    fn save_weights(&self, path: &Path) -> Result<(), AgentError> {
        if let Some((norm, vars)) = &self.obs_norm {
            vars.store(&norm.stats);
        }
        trainer::save_weights(&self.vs, path)
    }

    fn save_optimizer(&self, path: &Path) -> Result<(), AgentError> {
        self.opt.save(path)
    }

    fn state(&self) -> TrainerState {
        TrainerState { global_step: self.global_step, iteration: self.iteration, reward_scaler: self.reward_scaler.clone() }
    }

    fn restore(&mut self, weights: &Path, optimizer: &Path, state: &TrainerState) -> Result<(), AgentError> {
        trainer::load_weights(&mut self.vs, weights)?;
        if let Some((norm, vars)) = &mut self.obs_norm {
            norm.stats = vars.load();
        }
        self.opt.load(optimizer)?;
        self.global_step = state.global_step;
        self.iteration = state.iteration;
        if state.reward_scaler.is_some() {
            self.reward_scaler = state.reward_scaler.clone();
        }
        // Fresh episodes with seeds of their own, and a generator that continues differently
        // from the first part of the run.
        let seed = self.common.seed.wrapping_add(1_000_003 * state.iteration as u64);
        tch::manual_seed(seed as i64);
        self.start_episodes(seed);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
