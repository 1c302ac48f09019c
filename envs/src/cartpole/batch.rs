//! [`CartPoles`]: n CartPole envs (each in `TimeLimit` and `EpisodeStatistics`, as the registry
//! makes them) stepped together, the state held as one array per variable. This is the vector
//! env's backend for CartPole: the physics runs as one loop over the arrays, which the compiler
//! turns into SIMD, instead of n calls through three layers of `dyn Env`.
//!
//! Every number is the scalar env's: the same `euler_step` on the same libm sin/cos, the same
//! per-env RNG for starting states, so sub-env `i` reproduces a `CartPole` reset with `seed + i`
//! step for step (tested against it and against Gymnasium's recorded trajectories).
//! Steps use the vector env's SAME_STEP autoreset, so a sub-env never steps past termination
//! and every reward is 1.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{euler_step, out_of_bounds, start_state, CartPole};
use crate::env::{Env, EnvError, EpisodeStats};
use crate::space::Space;
use crate::vector::VecStep;

pub struct CartPoles {
    x: Vec<f64>,
    x_dot: Vec<f64>,
    theta: Vec<f64>,
    theta_dot: Vec<f64>,
    /// sin θ and cos θ of the step being computed (scratch, kept to avoid allocating).
    sin: Vec<f64>,
    cos: Vec<f64>,
    rngs: Vec<ChaCha8Rng>,
    /// Steps since the last reset: the time limit's count and the episode length (every reward
    /// is 1, so it is the episode's return too).
    lengths: Vec<usize>,
    max_episode_steps: usize,
    no_velocity: bool,
    is_reset: bool,
    /// One scalar env for the spaces, the name, rendering and validating `set_state`.
    single: CartPole,
}

impl CartPoles {
    /// `n` envs (at least one) with time limit `max_episode_steps` (at least one); not reset yet.
    pub fn new(n: usize, no_velocity: bool, max_episode_steps: usize) -> Result<Self, EnvError> {
        if n == 0 {
            return Err(EnvError::BadArg("a VecEnv needs at least one env".into()));
        }
        if max_episode_steps == 0 {
            // The message `TimeLimit` gives for the same option.
            return Err(EnvError::BadArg("TimeLimit max_steps must be at least 1".into()));
        }
        let single = CartPole::variant(no_velocity);
        Ok(CartPoles {
            x: vec![0.0; n],
            x_dot: vec![0.0; n],
            theta: vec![0.0; n],
            theta_dot: vec![0.0; n],
            sin: vec![0.0; n],
            cos: vec![0.0; n],
            rngs: (0..n).map(|_| ChaCha8Rng::from_entropy()).collect(),
            lengths: vec![0; n],
            max_episode_steps,
            no_velocity,
            is_reset: false,
            single,
        })
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    pub fn observation_space(&self) -> &Space {
        self.single.observation_space()
    }

    pub fn action_space(&self) -> &Space {
        self.single.action_space()
    }

    pub fn name(&self) -> &str {
        self.single.name()
    }

    fn state(&self, i: usize) -> [f64; 4] {
        [self.x[i], self.x_dot[i], self.theta[i], self.theta_dot[i]]
    }

    fn set(&mut self, i: usize, s: [f64; 4]) {
        (self.x[i], self.x_dot[i], self.theta[i], self.theta_dot[i]) = (s[0], s[1], s[2], s[3]);
    }

    /// The observation row of env `i` (velocities zeroed for CartPoleNoVel).
    #[inline(always)]
    fn write_obs(&self, i: usize, row: &mut [f32]) {
        // Selects rather than overwriting afterwards: the loop over all envs stays branch-free.
        row[0] = self.x[i] as f32;
        row[1] = if self.no_velocity { 0.0 } else { self.x_dot[i] as f32 };
        row[2] = self.theta[i] as f32;
        row[3] = if self.no_velocity { 0.0 } else { self.theta_dot[i] as f32 };
    }

    fn reset_one(&mut self, i: usize) {
        let s = start_state(&mut self.rngs[i]);
        self.set(i, s);
        self.lengths[i] = 0;
    }

    /// Resets every env (env `i` with `seed + i` when seeded) into `obs` (`len() × 4` values).
    pub fn reset(&mut self, seed: Option<u64>, obs: &mut [f32]) {
        for i in 0..self.len() {
            if let Some(s) = seed {
                self.rngs[i] = ChaCha8Rng::seed_from_u64(s.wrapping_add(i as u64));
            }
            self.reset_one(i);
            self.write_obs(i, &mut obs[i * 4..(i + 1) * 4]);
        }
        self.is_reset = true;
    }

    /// Puts env `i` in `state` (what `CartPole::set_state` accepts); its episode goes on.
    pub fn set_state(&mut self, i: usize, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        if i >= self.len() {
            return Err(EnvError::BadArg(format!("no sub-env {i} in a vector env of {}", self.len())));
        }
        let obs = self.single.set_state(state)?;
        self.set(i, self.single.state().expect("set_state just set it"));
        Ok(obs)
    }

    /// Text rendering of env `i` (as the scalar env renders the same state).
    pub fn render(&self, i: usize) -> String {
        match (self.is_reset, i < self.len()) {
            (true, true) => super::render_state(&self.state(i)),
            _ => format!("{} sub-env {i} (not reset)\n", self.name()),
        }
    }

    /// The physics, outcomes and observation rows of every env (episode ends are the caller's).
    fn advance_all(&mut self, actions: &[usize], out: &mut VecStep) {
        let n = self.len();
        for i in 0..n {
            let s = [self.x[i], self.x_dot[i], self.theta[i], self.theta_dot[i]];
            let [x, x_dot, theta, theta_dot] = euler_step(s, actions[i] == 1, self.sin[i], self.cos[i]);
            (self.x[i], self.x_dot[i], self.theta[i], self.theta_dot[i]) = (x, x_dot, theta, theta_dot);
        }
        // Outcomes and observations for all envs (branch-free), then the few episode ends.
        let obs = &mut out.obs[..n * 4];
        for (i, row) in obs.chunks_exact_mut(4).enumerate() {
            out.terminated[i] = out_of_bounds(self.x[i], self.theta[i]);
            self.lengths[i] += 1;
            out.truncated[i] = self.lengths[i] >= self.max_episode_steps;
            out.rewards[i] = 1.0;
            out.episodes[i] = None;
            self.write_obs(i, row);
        }
    }

    /// One step of every env with `actions` (0 or 1, checked by the caller), into `out`
    /// (sized by the caller); `spare` recycles `final_obs` buffers.
    pub fn step(&mut self, actions: &[usize], out: &mut VecStep, spare: &mut Vec<Vec<f32>>) -> Result<(), EnvError> {
        if !self.is_reset {
            return Err(EnvError::NotReset { env: self.name().to_string() });
        }
        let n = self.len();
        // libm's sin/cos, one call per env: approximations that vectorise would not give
        // Gymnasium's numbers bit for bit.
        for i in 0..n {
            (self.sin[i], self.cos[i]) = self.theta[i].sin_cos();
        }
        self.advance_all(actions, out);
        for i in 0..n {
            out.recycle_final_obs(i, spare);
            if out.terminated[i] || out.truncated[i] {
                out.episodes[i] = Some(EpisodeStats { r#return: self.lengths[i] as f64, length: self.lengths[i] });
                out.keep_final_obs(i, 4, spare);
                self.reset_one(i);
                self.write_obs(i, &mut out.obs[i * 4..(i + 1) * 4]);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use crate::{make, EnvOptions, VecEnv, VecStep};

    /// The batched backend against the same envs behind `dyn Env` (each a registry CartPole in
    /// `TimeLimit` and `EpisodeStatistics`): every field of every step, episode ends included.
    fn same_as_dyn_envs(name: &str, max_episode_steps: Option<usize>) {
        let options = EnvOptions { max_episode_steps, ..Default::default() };
        let n = 7;
        let mut batched = VecEnv::make(name, n, &options).unwrap();
        let mut boxed = VecEnv::new((0..n).map(|_| make(name, &options).unwrap()).collect()).unwrap();
        assert_eq!(batched.reset(Some(5)), boxed.reset(Some(5)));
        let (mut a, mut b) = (VecStep::new(n, 4), VecStep::new(n, 4));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut ends = 0;
        for t in 0..3000 {
            let actions: Vec<usize> = (0..n).map(|_| rng.gen_range(0..2)).collect();
            batched.step_discrete(&actions, &mut a).unwrap();
            boxed.step_discrete(&actions, &mut b).unwrap();
            assert_eq!(a, b, "{name} step {t}");
            ends += a.episodes.iter().filter(|e| e.is_some()).count();
        }
        assert!(ends > 100, "random CartPole episodes are short: {ends} ends");
    }

    #[test]
    fn batched_cartpole_steps_exactly_like_the_dyn_envs() {
        same_as_dyn_envs("CartPole-v1", None);
        same_as_dyn_envs("CartPoleNoVel-v1", None);
        // A time limit shorter than most episodes: truncations too.
        same_as_dyn_envs("CartPole-v1", Some(9));
    }

    #[test]
    fn set_state_render_and_bad_input() {
        let mut v = VecEnv::make("CartPole-v1", 2, &EnvOptions::default()).unwrap();
        let mut out = VecStep::new(2, 4);
        assert!(v.step_discrete(&[0, 1], &mut out).is_err(), "stepping before reset");
        v.reset(Some(0));
        assert_eq!(v.set_state(1, &[0.5, 0.0, 0.1, 0.0]).unwrap(), vec![0.5, 0.0, 0.1, 0.0]);
        let mut single = make("CartPole-v1", &EnvOptions::default()).unwrap();
        single.reset(Some(0));
        single.set_state(&[0.5, 0.0, 0.1, 0.0]).unwrap();
        assert_eq!(v.render(1), single.render().lines().take(4).collect::<Vec<_>>().join("\n") + "\n");
        assert!(v.set_state(2, &[0.0; 4]).is_err());
        assert!(v.set_state(0, &[0.0; 3]).is_err());
        assert!(v.set_state(0, &[f64::NAN, 0.0, 0.0, 0.0]).is_err());
        assert!(v.step_discrete(&[0, 2], &mut out).is_err());
        assert!(v.step_discrete(&[0], &mut out).is_err());
        assert!(VecEnv::make("CartPole-v1", 0, &EnvOptions::default()).is_err());
        let zero_limit = EnvOptions { max_episode_steps: Some(0), ..Default::default() };
        assert!(VecEnv::make("CartPole-v1", 2, &zero_limit).is_err());
    }
}
