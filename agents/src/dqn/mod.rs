//! Deep Q-learning with a target network, optional double DQN, a linear ε schedule, n-step
//! targets and a replay buffer that keeps truncation apart from termination.

mod config;
mod qnet;
mod replay;
mod td_loss;

pub use config::DqnConfig;
pub use qnet::QNetwork;
pub use replay::{NStepWindow, ReplayBuffer};
pub use td_loss::TdLoss;

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rlab_envs::{Action, Space, VecEnv, VecStep};
use tch::{nn, nn::Module, Device, Kind, Tensor};

use crate::{
    checkpoint::{FrozenWeights, StatsVars},
    explore::CountBonus,
    normalize::{ObsNormalizer, RewardScaler},
    onpolicy::discrete_actions,
    optim::{Optimizer, OptimizerConfig},
    policy::PolicyConfig,
    returns::check_unit_interval,
    trainer::{self, Actor, CommonSettings, Iteration, Trainer, TrainerState},
    AgentError,
};

pub struct DqnTrainer {
    config: DqnConfig,
    common: CommonSettings,
    device: Device,
    envs: VecEnv,
    vs: nn::VarStore,
    q: QNetwork,
    target_vs: nn::VarStore,
    target: QNetwork,
    opt: Optimizer,
    replay: ReplayBuffer,
    windows: Vec<NStepWindow>,
    step_out: VecStep,
    /// Raw observations of every env for the next step.
    next_obs: Vec<f32>,
    obs_norm: Option<(ObsNormalizer, StatsVars)>,
    reward_scaler: Option<RewardScaler>,
    bonus: Option<CountBonus>,
    rng: ChaCha8Rng,
    num_actions: usize,
    global_step: u64,
    last_target_update: u64,
    iteration: usize,
}

impl DqnTrainer {
    pub fn new(
        config: DqnConfig,
        policy_config: &PolicyConfig,
        common: CommonSettings,
        envs: VecEnv,
        device: Device,
    ) -> Result<Self, AgentError> {
        check_unit_interval("gamma", common.gamma)?;
        config.validate()?;
        let num_actions = discrete_actions(envs.action_space())?;
        let shape = envs.observation_space().shape();
        let obs_dim = envs.obs_dim();
        tch::manual_seed(common.seed as i64);
        let vs = nn::VarStore::new(device);
        let q = QNetwork::new(&vs.root(), &shape, num_actions, policy_config)?;
        let obs_norm = common.normalize_obs.then(|| (ObsNormalizer::new(obs_dim), StatsVars::new(vs.root(), obs_dim)));
        let mut target_vs = nn::VarStore::new(device);
        let target = QNetwork::new(&target_vs.root(), &shape, num_actions, policy_config)?;
        if common.normalize_obs {
            StatsVars::new(target_vs.root(), obs_dim);
        }
        target_vs.copy(&vs)?;
        let opt = Optimizer::new(&vs, OptimizerConfig::default(), config.learning_rate);
        let n = common.num_envs;
        let mut envs = envs;
        let next_obs = envs.reset(Some(common.seed));
        Ok(DqnTrainer {
            replay: ReplayBuffer::new(config.buffer_size, obs_dim)?,
            windows: (0..n).map(|_| NStepWindow::new(config.n_step, common.gamma)).collect(),
            step_out: VecStep::new(n, obs_dim),
            reward_scaler: common.scale_rewards.then(|| RewardScaler::new(n, common.gamma)),
            bonus: CountBonus::new(common.exploration_bonus)?,
            rng: ChaCha8Rng::seed_from_u64(common.seed),
            num_actions: num_actions as usize,
            config,
            common,
            device,
            envs,
            vs,
            q,
            target_vs,
            target,
            opt,
            next_obs,
            obs_norm,
            global_step: 0,
            last_target_update: 0,
            iteration: 0,
        })
    }

    /// Observations as the network sees them (normalised with the current statistics).
    fn input(&self, raw: &[f32], rows: usize) -> Tensor {
        let mut x = raw.to_vec();
        if let Some((norm, _)) = &self.obs_norm {
            norm.normalize(&mut x);
        }
        Tensor::from_slice(&x).view([rows as i64, self.envs.obs_dim() as i64]).to(self.device)
    }

    fn act(&mut self, epsilon: f64) -> Result<Vec<usize>, AgentError> {
        let n = self.common.num_envs;
        let greedy = tch::no_grad(|| self.q.forward(&self.input(&self.next_obs, n)).argmax(-1, false));
        let greedy = Vec::<i64>::try_from(greedy.to(Device::Cpu))?;
        Ok(greedy
            .into_iter()
            .map(|g| if self.rng.gen::<f64>() < epsilon { self.rng.gen_range(0..self.num_actions) } else { g as usize })
            .collect())
    }

    /// One gradient step on a sampled batch; returns (TD loss, mean Q of the taken actions).
    fn train_step(&mut self) -> Result<(f64, f64), AgentError> {
        let idx = self.replay.sample(self.config.batch_size, &mut self.rng);
        let d = self.envs.obs_dim();
        let gather = |src: &[f32]| idx.iter().flat_map(|&i| src[i * d..(i + 1) * d].iter().copied()).collect::<Vec<f32>>();
        let (obs, next_obs) = (gather(&self.replay.obs), gather(&self.replay.next_obs));
        let b = idx.len();
        let obs = self.input(&obs, b);
        let next = self.input(&next_obs, b);
        let pick = |v: &[f32]| Tensor::from_slice(&idx.iter().map(|&i| v[i]).collect::<Vec<f32>>()).to(self.device);
        let actions = Tensor::from_slice(&idx.iter().map(|&i| self.replay.actions[i]).collect::<Vec<i64>>()).to(self.device);
        let (returns, discounts) = (pick(&self.replay.returns), pick(&self.replay.bootstrap_discount));

        let target = tch::no_grad(|| {
            let next_q = self.target.forward(&next);
            let best = if self.config.double_dqn {
                let a = self.q.forward(&next).argmax(-1, true);
                next_q.gather(1, &a, false).squeeze_dim(1)
            } else {
                next_q.max_dim(1, false).0
            };
            &returns + &discounts * best
        });
        let q = self.q.forward(&obs).gather(1, &actions.unsqueeze(1), false).squeeze_dim(1);
        let loss = self.config.loss.of(&q, &target);
        self.opt.backward_step(&loss, Some(self.config.max_grad_norm));
        Ok((loss.double_value(&[]), q.mean(Kind::Float).double_value(&[])))
    }

    fn update_target(&mut self) {
        let tau = self.config.tau;
        tch::no_grad(|| {
            let online = self.vs.variables();
            for (name, mut t) in self.target_vs.variables() {
                if let Some(src) = online.get(&name) {
                    if tau >= 1.0 {
                        t.copy_(src);
                    } else {
                        t.copy_(&(src * tau + &t * (1.0 - tau)));
                    }
                }
            }
        });
    }
}

impl Trainer for DqnTrainer {
    fn iterate(&mut self) -> Result<Iteration, AgentError> {
        self.iteration += 1;
        let n = self.common.num_envs;
        let vector_steps = self.config.train_freq.div_ceil(n as u64).max(1);
        let mut episodes = Vec::new();
        let mut epsilon = 0.0;
        for _ in 0..vector_steps {
            if self.finished() {
                break;
            }
            epsilon = self.config.epsilon(self.global_step, self.common.total_steps);
            let actions = self.act(epsilon)?;
            self.global_step += n as u64;
            if let Some((norm, _)) = &mut self.obs_norm {
                norm.update(&self.next_obs);
            }
            self.envs.step_discrete(&actions, &mut self.step_out)?;
            let out = &self.step_out;
            let d = self.envs.obs_dim();
            let rewards = trainer::training_rewards(out, self.bonus.as_mut(), self.reward_scaler.as_mut(), self.common.progress(self.global_step));
            for k in 0..n {
                let obs = &self.next_obs[k * d..(k + 1) * d];
                // The true next state: the final observation when the episode ended.
                let next: &[f32] = match &out.final_obs[k] {
                    Some(f) => f,
                    None => &out.obs[k * d..(k + 1) * d],
                };
                for (o, a, ret, disc) in self.windows[k].push(obs, actions[k], rewards[k], out.terminated[k], out.truncated[k])? {
                    self.replay.push(&o, a, ret, disc, next);
                }
                if let Some(stats) = out.episodes[k] {
                    episodes.push((self.global_step, stats));
                }
            }
            self.next_obs.copy_from_slice(&self.step_out.obs);
            if self.global_step - self.last_target_update >= self.config.target_update_interval {
                self.update_target();
                self.last_target_update = self.global_step;
            }
        }
        if self.config.anneal_lr {
            self.opt.lr = self.config.learning_rate * (1.0 - self.common.progress(self.global_step));
        }
        let mut scalars = vec![("charts/epsilon", epsilon), ("charts/learning_rate", self.opt.lr)];
        if self.global_step >= self.config.learning_starts && !self.replay.is_empty() {
            let (mut loss, mut q) = (0.0, 0.0);
            for _ in 0..self.config.gradient_steps {
                (loss, q) = self.train_step()?;
            }
            if !loss.is_finite() {
                return Err(AgentError::Unsupported(format!("DQN loss became {loss}; lower the learning rate")));
            }
            scalars.push(("losses/td_loss", loss));
            scalars.push(("losses/q_values", q));
        }
        Ok(Iteration { global_step: self.global_step, episodes, scalars })
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

    /// The replay buffer is not saved: a resumed run refills it (updates wait for `batch_size` transitions).
    fn restore(&mut self, weights: &Path, optimizer: &Path, state: &TrainerState) -> Result<(), AgentError> {
        trainer::load_weights(&mut self.vs, weights)?;
        if let Some((norm, vars)) = &mut self.obs_norm {
            norm.stats = vars.load();
        }
        self.target_vs.copy(&self.vs)?;
        self.opt.load(optimizer)?;
        self.global_step = state.global_step;
        self.last_target_update = state.global_step;
        self.iteration = state.iteration;
        if state.reward_scaler.is_some() {
            self.reward_scaler = state.reward_scaler.clone();
        }
        let seed = self.common.seed.wrapping_add(1_000_003 * state.iteration as u64);
        self.rng = ChaCha8Rng::seed_from_u64(seed);
        self.next_obs = self.envs.reset(Some(seed));
        Ok(())
    }
}

/// A trained Q-network acting greedily, for evaluation.
pub struct QAgent {
    weights: FrozenWeights,
    q: QNetwork,
    obs_dim: usize,
    device: Device,
}

impl QAgent {
    /// The Q-network with its initial weights, to be given weights by `reload`. Building it draws
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
        let (weights, q) = FrozenWeights::new(device, obs_dim, normalize_obs, |p| {
            QNetwork::new(p, &observation_space.shape(), num_actions, policy_config)
        })?;
        Ok(QAgent { weights, q, obs_dim, device })
    }
}

impl Actor for QAgent {
    fn begin_episode(&mut self) {}

    fn act_deterministic(&mut self, obs: &[f32]) -> Result<Action, AgentError> {
        let t = Tensor::from_slice(&self.weights.input(obs)).view([1, self.obs_dim as i64]).to(self.device);
        let a = tch::no_grad(|| self.q.forward(&t).argmax(-1, false));
        Ok(Action::Discrete(a.int64_value(&[0]) as usize))
    }

    fn act_deterministic_rows(&mut self, obs: &[f32], rows: usize) -> Result<Vec<Action>, AgentError> {
        let t = Tensor::from_slice(&self.weights.input(obs)).view([rows as i64, self.obs_dim as i64]).to(self.device);
        let a = tch::no_grad(|| self.q.forward(&t).argmax(-1, false));
        Ok(Vec::<i64>::try_from(a.to(Device::Cpu))?.into_iter().map(|a| Action::Discrete(a as usize)).collect())
    }

    fn reload(&mut self, path: &Path) -> Result<(), AgentError> {
        self.weights.reload(path)
    }
}
