//! A vector of environments stepped together, with SAME_STEP autoreset.
//!
//! Autoreset mode (the only one): when sub-env `i` ends in a step (terminated or truncated),
//! it is reset within that same step. Row `i` of `obs` is then the FIRST observation of the
//! new episode; `final_obs[i]` holds the true LAST observation of the finished episode, which
//! is what a learner needs to bootstrap `V(final_obs)` on truncation. The step's `rewards[i]`,
//! `terminated[i]`, `truncated[i]` and `episodes[i]` belong to the ending step. Every action is
//! therefore used (unlike Gymnasium's default NEXT_STEP mode, which spends a step on the
//! reset). The reset continues the sub-env's RNG (`reset(None)`).
//!
//! Seeding: `reset(Some(seed))` resets sub-env `i` with `seed + i`, so one seed drives all of
//! them and sub-env `i` behaves exactly like a single env reset with `seed + i`.
//!
//! [`VecEnv::step_discrete`] writes into a caller-owned [`VecStep`] and does not allocate in
//! steady state (buffers for `final_obs` are recycled).
//!
//! Backends: any envs behind `dyn Env`, or, for CartPole from [`VecEnv::make`], the batched
//! [`CartPoles`], which gives the same numbers without a virtual call per env.

use crate::cartpole::CartPoles;
use crate::env::{Env, EnvError};
use crate::registry::{self, EnvOptions};
use crate::space::{Action, Space};
use crate::EpisodeStats;

/// One step of all sub-envs; see the module docs for what each field means on an episode end.
#[derive(Clone, Debug, PartialEq)]
pub struct VecStep {
    /// `num_envs * obs_dim` values, row-major (row `i` is sub-env `i`).
    pub obs: Vec<f32>,
    pub rewards: Vec<f64>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
    /// `Some(last observation)` for sub-envs whose episode ended in this step.
    pub final_obs: Vec<Option<Vec<f32>>>,
    /// `Some` for sub-envs whose episode ended in this step (when wrapped in `EpisodeStatistics`).
    pub episodes: Vec<Option<EpisodeStats>>,
}

impl VecStep {
    /// Zeroed buffers of the right sizes.
    pub fn new(num_envs: usize, obs_dim: usize) -> Self {
        VecStep {
            obs: vec![0.0; num_envs * obs_dim],
            rewards: vec![0.0; num_envs],
            terminated: vec![false; num_envs],
            truncated: vec![false; num_envs],
            final_obs: vec![None; num_envs],
            episodes: vec![None; num_envs],
        }
    }

    /// Observation row of sub-env `i`.
    pub fn obs_row(&self, i: usize, obs_dim: usize) -> &[f32] {
        &self.obs[i * obs_dim..(i + 1) * obs_dim]
    }

    /// Start of sub-env `i`'s part of a step: last step's `final_obs` buffer goes back to `spare`.
    pub(crate) fn recycle_final_obs(&mut self, i: usize, spare: &mut Vec<Vec<f32>>) {
        if let Some(old) = self.final_obs[i].take() {
            spare.push(old);
        }
    }

    /// Sub-env `i`'s episode ended in this step: its observation row (still the last one of the
    /// episode) is kept in `final_obs[i]`, in a recycled buffer when there is one.
    pub(crate) fn keep_final_obs(&mut self, i: usize, obs_dim: usize, spare: &mut Vec<Vec<f32>>) {
        let mut last = spare.pop().unwrap_or_default();
        last.clear();
        last.extend_from_slice(&self.obs[i * obs_dim..(i + 1) * obs_dim]);
        self.final_obs[i] = Some(last);
    }

    fn fit(&mut self, num_envs: usize, obs_dim: usize) {
        self.obs.resize(num_envs * obs_dim, 0.0);
        self.rewards.resize(num_envs, 0.0);
        self.terminated.resize(num_envs, false);
        self.truncated.resize(num_envs, false);
        self.final_obs.resize(num_envs, None);
        self.episodes.resize(num_envs, None);
    }
}

/// `n` envs with equal spaces, stepped in lockstep (see the module docs).
pub struct VecEnv {
    backend: Backend,
    observation_space: Space,
    action_space: Space,
    obs_dim: usize,
    /// Recycled `final_obs` buffers.
    spare: Vec<Vec<f32>>,
}

enum Backend {
    Envs(Vec<Box<dyn Env>>),
    CartPoles(CartPoles),
}

impl VecEnv {
    /// At least one env; all must have the same observation and action spaces.
    pub fn new(envs: Vec<Box<dyn Env>>) -> Result<Self, EnvError> {
        let first = envs
            .first()
            .ok_or_else(|| EnvError::BadArg("a VecEnv needs at least one env".into()))?;
        let observation_space = first.observation_space().clone();
        let action_space = first.action_space().clone();
        for (i, e) in envs.iter().enumerate() {
            if *e.observation_space() != observation_space || *e.action_space() != action_space {
                return Err(EnvError::BadArg(format!(
                    "VecEnv sub-env {i} ({}) has spaces {} / {}, sub-env 0 ({}) has {} / {}",
                    e.name(),
                    e.observation_space(),
                    e.action_space(),
                    first.name(),
                    observation_space,
                    action_space
                )));
            }
        }
        let obs_dim = observation_space.flat_dim();
        Ok(VecEnv {
            backend: Backend::Envs(envs),
            observation_space,
            action_space,
            obs_dim,
            spare: Vec::new(),
        })
    }

    /// `n` copies of a registered env (each wrapped in `TimeLimit` and `EpisodeStatistics`);
    /// CartPole runs on the batched backend.
    pub fn make(name: &str, n: usize, options: &EnvOptions) -> Result<Self, EnvError> {
        if let Some((no_velocity, steps)) = registry::cartpole_variant(name, options)? {
            let envs = CartPoles::new(n, no_velocity, steps)?;
            let observation_space = envs.observation_space().clone();
            return Ok(VecEnv {
                obs_dim: observation_space.flat_dim(),
                action_space: envs.action_space().clone(),
                observation_space,
                backend: Backend::CartPoles(envs),
                spare: Vec::new(),
            });
        }
        let envs = (0..n)
            .map(|_| registry::make(name, options))
            .collect::<Result<Vec<_>, _>>()?;
        VecEnv::new(envs)
    }

    pub fn num_envs(&self) -> usize {
        match &self.backend {
            Backend::Envs(envs) => envs.len(),
            Backend::CartPoles(envs) => envs.len(),
        }
    }

    /// Length of one observation row.
    pub fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    pub fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    pub fn action_space(&self) -> &Space {
        &self.action_space
    }

    /// Puts sub-env `i` in `state` (see [`Env::set_state`]); its episode goes on.
    pub fn set_state(&mut self, i: usize, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        match &mut self.backend {
            Backend::Envs(envs) => match envs.get_mut(i) {
                Some(env) => env.set_state(state),
                None => Err(EnvError::BadArg(format!("no sub-env {i} in a vector env of {}", envs.len()))),
            },
            Backend::CartPoles(envs) => envs.set_state(i, state),
        }
    }

    /// Text rendering of sub-env `i`.
    pub fn render(&self, i: usize) -> String {
        match &self.backend {
            Backend::Envs(envs) => envs.get(i).map(|e| e.render()).unwrap_or_else(|| format!("no sub-env {i}\n")),
            Backend::CartPoles(envs) => envs.render(i),
        }
    }

    /// Reset every sub-env (sub-env `i` with `seed + i`); returns `num_envs * obs_dim` values.
    pub fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        let d = self.obs_dim;
        let mut obs = vec![0.0; self.num_envs() * d];
        let envs = match &mut self.backend {
            Backend::Envs(envs) => envs,
            Backend::CartPoles(envs) => {
                envs.reset(seed, &mut obs);
                return obs;
            }
        };
        for (i, (env, row)) in envs.iter_mut().zip(obs.chunks_exact_mut(d)).enumerate() {
            let s = seed.map(|s| s.wrapping_add(i as u64));
            // Rows have the right length by construction, so this cannot fail; fall back anyway.
            if env.reset_into(s, row).is_err() {
                let first = env.reset(s);
                let n = first.len().min(d);
                row[..n].copy_from_slice(&first[..n]);
            }
        }
        obs
    }

    /// Step every sub-env with its action; validates all actions before stepping any.
    pub fn step(&mut self, actions: &[Action]) -> Result<VecStep, EnvError> {
        self.check_actions(actions.len(), |i| &actions[i])?;
        let mut out = VecStep::new(self.num_envs(), self.obs_dim);
        if let Backend::CartPoles(envs) = &mut self.backend {
            let discrete: Vec<usize> = actions.iter().map(|a| matches!(a, Action::Discrete(1)) as usize).collect();
            envs.step(&discrete, &mut out, &mut self.spare)?;
            return Ok(out);
        }
        for (i, a) in actions.iter().enumerate() {
            self.step_one(i, a, &mut out)?;
        }
        Ok(out)
    }

    /// [`VecEnv::step`] for discrete actions, into `out` (resized if its sizes are wrong).
    pub fn step_discrete(&mut self, actions: &[usize], out: &mut VecStep) -> Result<(), EnvError> {
        if actions.len() != self.num_envs() {
            return Err(self.count_error(actions.len()));
        }
        let bad = match self.action_space {
            Space::Discrete { n } => actions.iter().find(|&&a| a >= n),
            _ => actions.iter().find(|&&a| !self.action_space.contains_action(&Action::Discrete(a))),
        };
        if let Some(&a) = bad {
            return Err(EnvError::InvalidAction {
                action: Action::Discrete(a),
                space: self.action_space.clone(),
            });
        }
        out.fit(self.num_envs(), self.obs_dim);
        if let Backend::CartPoles(envs) = &mut self.backend {
            return envs.step(actions, out, &mut self.spare);
        }
        for (i, &a) in actions.iter().enumerate() {
            self.step_one(i, &Action::Discrete(a), out)?;
        }
        Ok(())
    }

    fn count_error(&self, got: usize) -> EnvError {
        EnvError::BadArg(format!("got {got} actions for {} envs", self.num_envs()))
    }

    fn check_actions<'a>(
        &self,
        n: usize,
        action: impl Fn(usize) -> &'a Action,
    ) -> Result<(), EnvError> {
        if n != self.num_envs() {
            return Err(self.count_error(n));
        }
        for i in 0..n {
            if !self.action_space.contains_action(action(i)) {
                return Err(EnvError::InvalidAction {
                    action: action(i).clone(),
                    space: self.action_space.clone(),
                });
            }
        }
        Ok(())
    }

    /// Steps sub-env `i` of the `dyn Env` backend.
    fn step_one(&mut self, i: usize, action: &Action, out: &mut VecStep) -> Result<(), EnvError> {
        let d = self.obs_dim;
        let Backend::Envs(envs) = &mut self.backend else {
            unreachable!("only the dyn Env backend steps env by env")
        };
        let env = &mut envs[i];
        let o = env.step_into(action, &mut out.obs[i * d..(i + 1) * d])?;
        out.rewards[i] = o.reward;
        out.terminated[i] = o.terminated;
        out.truncated[i] = o.truncated;
        out.episodes[i] = o.episode;
        out.recycle_final_obs(i, &mut self.spare);
        if o.terminated || o.truncated {
            out.keep_final_obs(i, d, &mut self.spare);
            env.reset_into(None, &mut out.obs[i * d..(i + 1) * d])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{make, GridObs};

    fn opts() -> EnvOptions {
        EnvOptions::default()
    }

    #[test]
    fn sub_env_i_is_seeded_with_seed_plus_i() {
        let mut v = VecEnv::make("CartPole-v1", 3, &opts()).unwrap();
        let obs = v.reset(Some(10));
        for i in 0..3 {
            let mut single = make("CartPole-v1", &opts()).unwrap();
            assert_eq!(
                single.reset(Some(10 + i as u64)),
                obs[i * 4..(i + 1) * 4].to_vec()
            );
        }
        // And they keep matching while stepping.
        let mut single = make("CartPole-v1", &opts()).unwrap();
        single.reset(Some(12));
        let mut out = VecStep::new(3, 4);
        for t in 0..30 {
            v.step_discrete(&[0, 1, t % 2], &mut out).unwrap();
            let s = single.step(&Action::Discrete(t % 2)).unwrap();
            let expect = s.obs.clone();
            if s.terminated || s.truncated {
                assert_eq!(out.final_obs[2].as_deref(), Some(&expect[..]));
                break;
            }
            assert_eq!(out.obs_row(2, 4), &expect[..]);
        }
    }

    #[test]
    fn same_step_autoreset_keeps_final_obs() {
        let mut v = VecEnv::make("CartPole-v1", 2, &opts()).unwrap();
        v.reset(Some(0));
        let mut reference = make("CartPole-v1", &opts()).unwrap();
        reference.reset(Some(0));
        let mut out = VecStep::new(2, 4);
        let mut steps = 0;
        loop {
            steps += 1;
            v.step_discrete(&[1, 0], &mut out).unwrap();
            let r = reference.step(&Action::Discrete(1)).unwrap();
            assert_eq!(out.rewards[0], r.reward);
            if r.terminated {
                assert!(out.terminated[0] && !out.truncated[0]);
                assert_eq!(
                    out.final_obs[0].as_deref(),
                    Some(&r.obs[..]),
                    "final_obs is the last obs"
                );
                assert_ne!(
                    out.obs_row(0, 4),
                    &r.obs[..],
                    "row 0 is already the reset obs"
                );
                assert_eq!(out.episodes[0].map(|e| e.length), Some(steps));
                // The reset continued sub-env 0's RNG, like reset(None) on the reference.
                assert_eq!(out.obs_row(0, 4), &reference.reset(None)[..]);
                break;
            }
            assert!(out.final_obs[0].is_none() && out.episodes[0].is_none());
            assert_eq!(out.obs_row(0, 4), &r.obs[..]);
        }
        v.step_discrete(&[1, 0], &mut out).unwrap();
        assert!(out.final_obs[0].is_none(), "cleared on the next step");
    }

    #[test]
    fn truncation_autoresets_with_final_obs() {
        let options = EnvOptions {
            max_episode_steps: Some(3),
            grid_obs: Some(GridObs::Flat),
            ..opts()
        };
        let mut v = VecEnv::make("GridEmpty-v0", 2, &options).unwrap();
        let start = v.reset(Some(1));
        let actions = [Action::Discrete(0), Action::Discrete(3)]; // into the walls: never terminates
        for t in 1..=3 {
            let s = v.step(&actions).unwrap();
            assert_eq!(s.truncated, vec![t == 3; 2]);
            assert_eq!(s.terminated, vec![false; 2]);
            if t == 3 {
                assert_eq!(s.final_obs[0].as_deref(), Some(&start[..v.obs_dim()]));
                assert_eq!(s.episodes[1].map(|e| e.length), Some(3));
                assert_eq!(s.obs, start);
            }
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut v = VecEnv::make("CartPole-v1", 2, &opts()).unwrap();
        v.reset(Some(0));
        let mut out = VecStep::new(1, 1); // wrong sizes get fixed
        assert!(v.step_discrete(&[0], &mut out).is_err());
        assert!(matches!(
            v.step_discrete(&[0, 2], &mut out),
            Err(EnvError::InvalidAction { .. })
        ));
        assert!(v
            .step(&[Action::Discrete(0), Action::Continuous(vec![0.0])])
            .is_err());
        v.step_discrete(&[0, 1], &mut out).unwrap();
        assert_eq!(out.obs.len(), 8);
        assert!(VecEnv::new(Vec::new()).is_err());
        let mixed = vec![
            make("CartPole-v1", &opts()).unwrap(),
            make("GridEmpty-v0", &opts()).unwrap(),
        ];
        assert!(VecEnv::new(mixed).is_err());
        assert_eq!((v.num_envs(), v.obs_dim()), (2, 4));
    }
}
