//! REINFORCE with a learned baseline: whole episodes, discounted reward-to-go from the returns
//! module (a time-limit cut bootstraps from the baseline's value of the true final state), and
//! the advantage G − V(s) weighting log π(a|s).
//!
//! Each iteration resets every env and plays until each has finished one episode; only that
//! first episode per env is learned from, so every sample comes from the current policy.

use std::path::Path;

use rlab_envs::{EpisodeStats, VecEnv, VecStep};
use serde::{Deserialize, Serialize};
use tch::{nn, Device, Kind, Tensor};

use crate::{
    checkpoint::StatsVars,
    explore::CountBonus,
    distributions::Categorical,
    normalize::{ObsNormalizer, RewardScaler},
    onpolicy::discrete_actions,
    optim::{Optimizer, OptimizerConfig},
    policy::{ActorCritic, PolicyConfig},
    returns::{check_unit_interval, discounted_returns, Ends},
    trainer::{self, CommonSettings, Iteration, Trainer, TrainerState},
    AgentError,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReinforceConfig {
    /// Adam learning rate (policy and baseline).
    pub learning_rate: f64,
    /// Baseline (value) loss coefficient.
    pub vf_coef: f64,
    pub ent_coef: f64,
    pub max_grad_norm: f64,
    /// Normalise the advantages of each batch of episodes.
    pub norm_adv: bool,
    pub adam_eps: f64,
}

impl ReinforceConfig {
    pub fn validate(&self) -> Result<(), AgentError> {
        let positive = [("learning_rate", self.learning_rate), ("max_grad_norm", self.max_grad_norm), ("adam_eps", self.adam_eps)];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(AgentError::Config(format!("reinforce.{name} must be a positive number, got {v}")));
            }
        }
        for (name, v) in [("vf_coef", self.vf_coef), ("ent_coef", self.ent_coef)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(AgentError::Config(format!("reinforce.{name} must be a non-negative number, got {v}")));
            }
        }
        Ok(())
    }
}

impl Default for ReinforceConfig {
    fn default() -> Self {
        ReinforceConfig { learning_rate: 1e-3, vf_coef: 0.5, ent_coef: 0.0, max_grad_norm: 0.5, norm_adv: true, adam_eps: 1e-5 }
    }
}

/// One env's first episode of an iteration.
#[derive(Default)]
struct Episode {
    obs: Vec<f32>,
    actions: Vec<i64>,
    rewards: Vec<f64>,
    terminated: bool,
    truncated: bool,
    final_obs: Vec<f32>,
    done: bool,
}

pub struct ReinforceTrainer {
    config: ReinforceConfig,
    common: CommonSettings,
    device: Device,
    envs: VecEnv,
    vs: nn::VarStore,
    policy: ActorCritic,
    opt: Optimizer,
    step_out: VecStep,
    obs_norm: Option<(ObsNormalizer, StatsVars)>,
    reward_scaler: Option<RewardScaler>,
    bonus: Option<CountBonus>,
    global_step: u64,
    iteration: usize,
    reset_seed: Option<u64>,
}

impl ReinforceTrainer {
    pub fn new(
        config: ReinforceConfig,
        policy_config: &PolicyConfig,
        common: CommonSettings,
        envs: VecEnv,
        device: Device,
    ) -> Result<Self, AgentError> {
        check_unit_interval("gamma", common.gamma)?;
        config.validate()?;
        let num_actions = discrete_actions(envs.action_space())?;
        tch::manual_seed(common.seed as i64);
        let vs = nn::VarStore::new(device);
        let policy = ActorCritic::new(&vs.root(), &envs.observation_space().shape(), num_actions, policy_config)?;
        if policy.is_recurrent() {
            return Err(AgentError::Unsupported("reinforce does not support --policy lstm; use --algo ppo or a2c".into()));
        }
        let d = envs.obs_dim();
        let obs_norm = common.normalize_obs.then(|| (ObsNormalizer::new(d), StatsVars::new(vs.root(), d)));
        let opt = Optimizer::new(&vs, OptimizerConfig { eps: config.adam_eps, ..Default::default() }, config.learning_rate);
        Ok(ReinforceTrainer {
            step_out: VecStep::new(common.num_envs, d),
            reward_scaler: common.scale_rewards.then(|| RewardScaler::new(common.num_envs, common.gamma)),
            bonus: CountBonus::new(common.exploration_bonus)?,
            reset_seed: Some(common.seed),
            config,
            common,
            device,
            envs,
            vs,
            policy,
            opt,
            obs_norm,
            global_step: 0,
            iteration: 0,
        })
    }

    fn observe(&mut self, obs: &mut [f32], learn: bool) {
        if let Some((norm, _)) = &mut self.obs_norm {
            if learn {
                norm.update(obs);
            }
            norm.normalize(obs);
        }
    }

    /// Plays until every env has finished one episode.
    fn collect(&mut self) -> Result<(Vec<Episode>, Vec<(u64, EpisodeStats)>), AgentError> {
        let n = self.common.num_envs;
        let d = self.envs.obs_dim();
        let mut obs = self.envs.reset(self.reset_seed.take());
        self.observe(&mut obs, true);
        let mut eps: Vec<Episode> = (0..n).map(|_| Episode::default()).collect();
        let mut logged = Vec::new();
        let mut actions = vec![0usize; n];
        while eps.iter().any(|e| !e.done) {
            self.global_step += n as u64;
            let x = Tensor::from_slice(&obs).view([n as i64, d as i64]).to(self.device);
            let (logits, _, _) = tch::no_grad(|| self.policy.step(&x, None, &Tensor::zeros([n as i64], (Kind::Float, self.device))));
            let sampled = Vec::<i64>::try_from(Categorical::from_logits(&logits).sample().to(Device::Cpu))?;
            for (a, s) in actions.iter_mut().zip(&sampled) {
                *a = *s as usize;
            }
            self.envs.step_discrete(&actions, &mut self.step_out)?;
            let out = &self.step_out;
            let rewards = trainer::training_rewards(out, self.bonus.as_mut(), self.reward_scaler.as_mut(), self.common.progress(self.global_step));
            let mut finals = Vec::new();
            for (k, ep) in eps.iter_mut().enumerate() {
                if ep.done {
                    continue;
                }
                ep.obs.extend_from_slice(&obs[k * d..(k + 1) * d]);
                ep.actions.push(sampled[k]);
                ep.rewards.push(rewards[k]);
                if out.terminated[k] || out.truncated[k] {
                    ep.done = true;
                    ep.terminated = out.terminated[k];
                    ep.truncated = out.truncated[k];
                    if let Some(f) = &out.final_obs[k] {
                        finals.push((k, f.clone()));
                    }
                    if let Some(stats) = out.episodes[k] {
                        logged.push((self.global_step, stats));
                    }
                }
            }
            for (k, mut f) in finals {
                self.observe(&mut f, false);
                eps[k].final_obs = f;
            }
            obs.copy_from_slice(&self.step_out.obs);
            self.observe(&mut obs, true);
        }
        Ok((eps, logged))
    }
}

impl Trainer for ReinforceTrainer {
    fn iterate(&mut self) -> Result<Iteration, AgentError> {
        self.iteration += 1;
        let (episodes, logged) = self.collect()?;
        let d = self.envs.obs_dim() as i64;
        let (mut all_obs, mut all_actions, mut all_returns) = (Vec::new(), Vec::new(), Vec::new());
        for ep in &episodes {
            let len = ep.rewards.len();
            let mut next_values = vec![0.0; len];
            if ep.truncated && !ep.terminated && !ep.final_obs.is_empty() {
                let x = Tensor::from_slice(&ep.final_obs).view([1, d]).to(self.device);
                let (_, v, _) = tch::no_grad(|| self.policy.step(&x, None, &Tensor::zeros([1], (Kind::Float, self.device))));
                next_values[len - 1] = v.double_value(&[0]);
            }
            let mut term = vec![false; len];
            let mut trunc = vec![false; len];
            term[len - 1] = ep.terminated;
            trunc[len - 1] = ep.truncated;
            let g = discounted_returns(&ep.rewards, Ends::new(&term, &trunc), &next_values, &[0.0], 1, self.common.gamma)?;
            all_obs.extend_from_slice(&ep.obs);
            all_actions.extend_from_slice(&ep.actions);
            all_returns.extend(g.into_iter().map(|x| x as f32));
        }
        let rows = all_actions.len() as i64;
        let obs = Tensor::from_slice(&all_obs).view([rows, d]).to(self.device);
        let actions = Tensor::from_slice(&all_actions).to(self.device);
        let returns = Tensor::from_slice(&all_returns).to(self.device);

        let (logits, values, _) = self.policy.step(&obs, None, &Tensor::zeros([rows], (Kind::Float, self.device)));
        let dist = Categorical::from_logits(&logits);
        let mut adv = &returns - values.detach();
        if self.config.norm_adv && rows > 1 {
            adv = (&adv - adv.mean(Kind::Float)) / (adv.std(true) + 1e-8);
        }
        let policy_loss = -(dist.log_prob(&actions) * &adv).mean(Kind::Float);
        let value_loss = (&values - &returns).square().mean(Kind::Float) * 0.5;
        let entropy = dist.entropy().mean(Kind::Float);
        let loss = &policy_loss + &value_loss * self.config.vf_coef - &entropy * self.config.ent_coef;
        self.opt.backward_step(&loss, Some(self.config.max_grad_norm));
        let (pl, vl) = (policy_loss.double_value(&[]), value_loss.double_value(&[]));
        if !(pl.is_finite() && vl.is_finite()) {
            return Err(AgentError::Unsupported(format!("REINFORCE loss became non-finite ({pl}, {vl}); lower the learning rate")));
        }
        Ok(Iteration {
            global_step: self.global_step,
            episodes: logged,
            scalars: vec![
                ("charts/learning_rate", self.opt.lr),
                ("losses/policy_loss", pl),
                ("losses/value_loss", vl),
                ("losses/entropy", entropy.double_value(&[])),
            ],
        })
    }

    fn global_step(&self) -> u64 {
        self.global_step
    }

    fn finished(&self) -> bool {
        self.global_step >= self.common.total_steps
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
        let seed = self.common.seed.wrapping_add(1_000_003 * state.iteration as u64);
        tch::manual_seed(seed as i64);
        self.reset_seed = Some(seed);
        Ok(())
    }
}
