//! Wrappers that each change one thing about an env, as in Gymnasium.
//!
//! - [`TimeLimit`] ends episodes after a number of steps with `truncated = true`. It is the only
//!   place in this crate that truncates; the envs themselves only terminate.
//! - [`EpisodeStatistics`] fills [`Step::episode`] with the return and length when an episode
//!   ends (terminated or truncated), so training code can log episodes without bookkeeping.
//!
//! The registry stacks them as `EpisodeStatistics(TimeLimit(env))`. Both are generic over any
//! [`Env`], including `Box<dyn Env>`.

use crate::env::{Env, EnvError, EpisodeStats, Step, StepOutcome};
use crate::space::{Action, Space};

/// Truncates an episode once `max_steps` steps have been taken since the last reset.
///
/// Like Gymnasium's `TimeLimit`, the step that reaches the limit has `truncated = true` even if
/// it also terminated (both flags can be set; consumers should treat `terminated` as winning
/// for bootstrapping). Stepping on past the limit keeps returning `truncated = true`.
/// `set_state` is forwarded and does NOT reset the step counter: it changes the state within
/// the current episode, only `reset` starts a new one.
pub struct TimeLimit<E> {
    env: E,
    max_steps: usize,
    elapsed: usize,
}

impl<E: Env> TimeLimit<E> {
    /// `max_steps` must be at least 1 (use `try_new` to get an error instead of clamping).
    pub fn new(env: E, max_steps: usize) -> Self {
        TimeLimit {
            env,
            max_steps: max_steps.max(1),
            elapsed: 0,
        }
    }

    /// Like `new` but rejects `max_steps == 0`.
    pub fn try_new(env: E, max_steps: usize) -> Result<Self, EnvError> {
        if max_steps == 0 {
            return Err(EnvError::BadArg(
                "TimeLimit max_steps must be at least 1".into(),
            ));
        }
        Ok(Self::new(env, max_steps))
    }

    pub fn max_steps(&self) -> usize {
        self.max_steps
    }

    /// Steps taken since the last reset.
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed
    }

    pub fn inner(&self) -> &E {
        &self.env
    }

    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.env
    }

    pub fn into_inner(self) -> E {
        self.env
    }

    fn count(&mut self, mut out: StepOutcome) -> StepOutcome {
        self.elapsed += 1;
        if self.elapsed >= self.max_steps {
            out.truncated = true;
        }
        out
    }
}

impl<E: Env> Env for TimeLimit<E> {
    fn observation_space(&self) -> &Space {
        self.env.observation_space()
    }
    fn action_space(&self) -> &Space {
        self.env.action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        self.elapsed = 0;
        self.env.reset(seed)
    }
    fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
        let mut step = self.env.step(action)?;
        let out = self.count(step.outcome());
        step.truncated = out.truncated;
        Ok(step)
    }
    fn render(&self) -> String {
        format!(
            "{}step {}/{}\n",
            self.env.render(),
            self.elapsed,
            self.max_steps
        )
    }
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.env.set_state(state)
    }
    fn name(&self) -> &str {
        self.env.name()
    }
    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        let out = self.env.step_into(action, obs)?;
        Ok(self.count(out))
    }
    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        self.elapsed = 0;
        self.env.reset_into(seed, obs)
    }
}

/// Reports each finished episode's return and length in [`Step::episode`].
///
/// The running sums restart on `reset` and after an episode is reported. `set_state` is
/// forwarded and keeps the sums (it is not a new episode).
pub struct EpisodeStatistics<E> {
    env: E,
    ret: f64,
    len: usize,
}

impl<E: Env> EpisodeStatistics<E> {
    pub fn new(env: E) -> Self {
        EpisodeStatistics {
            env,
            ret: 0.0,
            len: 0,
        }
    }

    pub fn inner(&self) -> &E {
        &self.env
    }

    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.env
    }

    pub fn into_inner(self) -> E {
        self.env
    }

    fn record(&mut self, mut out: StepOutcome) -> StepOutcome {
        self.ret += out.reward;
        self.len += 1;
        if out.terminated || out.truncated {
            out.episode = Some(EpisodeStats {
                r#return: self.ret,
                length: self.len,
            });
            self.ret = 0.0;
            self.len = 0;
        }
        out
    }
}

impl<E: Env> Env for EpisodeStatistics<E> {
    fn observation_space(&self) -> &Space {
        self.env.observation_space()
    }
    fn action_space(&self) -> &Space {
        self.env.action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        self.ret = 0.0;
        self.len = 0;
        self.env.reset(seed)
    }
    fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
        let mut step = self.env.step(action)?;
        step.episode = self.record(step.outcome()).episode;
        Ok(step)
    }
    fn render(&self) -> String {
        self.env.render()
    }
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.env.set_state(state)
    }
    fn name(&self) -> &str {
        self.env.name()
    }
    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        let out = self.env.step_into(action, obs)?;
        Ok(self.record(out))
    }
    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        self.ret = 0.0;
        self.len = 0;
        self.env.reset_into(seed, obs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gridworld::{GridObs, GridWorld};

    /// A 1x6 corridor: S at the left, G at the right, 5 steps apart.
    fn corridor() -> GridWorld {
        GridWorld::from_str(
            "; goal_reward = 1.0\n; step_reward = -0.5\nS....G\n",
            "corridor",
            GridObs::Flat,
        )
        .unwrap()
    }

    #[test]
    fn time_limit_truncates_and_resets_counter() {
        let mut env = EpisodeStatistics::new(TimeLimit::new(corridor(), 3));
        env.reset(Some(0));
        for i in 1..=3 {
            let s = env.step(&Action::Discrete(3)).unwrap(); // walk into the left wall
            assert!(!s.terminated);
            assert_eq!(s.truncated, i == 3, "step {i}");
            assert_eq!(s.episode.is_some(), i == 3);
        }
        let s = env.step(&Action::Discrete(3)).unwrap();
        assert!(s.truncated, "stays truncated past the limit");
        env.reset(None);
        assert_eq!(env.inner().elapsed_steps(), 0);
        let s = env.step(&Action::Discrete(1)).unwrap();
        assert!(!s.truncated);
    }

    #[test]
    fn termination_on_the_limit_step_sets_both_flags() {
        let mut env = EpisodeStatistics::new(TimeLimit::new(corridor(), 5));
        env.reset(Some(0));
        let mut last = None;
        for _ in 0..5 {
            last = Some(env.step(&Action::Discrete(1)).unwrap());
        }
        let s = last.unwrap();
        assert!(s.terminated && s.truncated);
        assert_eq!(s.reward, 1.0);
        let ep = s.episode.unwrap();
        assert_eq!(ep.length, 5);
        assert_eq!(ep.r#return, 4.0 * -0.5 + 1.0);
    }

    #[test]
    fn episode_statistics_count_per_episode() {
        let mut env = EpisodeStatistics::new(TimeLimit::new(corridor(), 100));
        env.reset(Some(0));
        // Two wasted steps, then five to the goal.
        for a in [3, 3, 1, 1, 1, 1] {
            assert!(env.step(&Action::Discrete(a)).unwrap().episode.is_none());
        }
        let s = env.step(&Action::Discrete(1)).unwrap();
        assert!(s.terminated && !s.truncated);
        assert_eq!(
            s.episode,
            Some(EpisodeStats {
                r#return: 6.0 * -0.5 + 1.0,
                length: 7
            })
        );
        // A new episode starts from zero.
        env.reset(None);
        let mut obs = vec![0.0; 6];
        for _ in 0..4 {
            assert!(env
                .step_into(&Action::Discrete(1), &mut obs)
                .unwrap()
                .episode
                .is_none());
        }
        let out = env.step_into(&Action::Discrete(1), &mut obs).unwrap();
        assert_eq!(
            out.episode,
            Some(EpisodeStats {
                r#return: 4.0 * -0.5 + 1.0,
                length: 5
            })
        );
        assert_eq!(obs, vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn invalid_action_is_not_counted() {
        let mut env = EpisodeStatistics::new(TimeLimit::new(corridor(), 2));
        env.reset(Some(0));
        assert!(matches!(
            env.step(&Action::Discrete(9)),
            Err(EnvError::InvalidAction { .. })
        ));
        assert_eq!(env.inner().elapsed_steps(), 0);
        assert!(!env.step(&Action::Discrete(1)).unwrap().truncated);
    }

    #[test]
    fn wrappers_wrap_boxed_envs() {
        let boxed: Box<dyn Env> = Box::new(corridor());
        let mut env = TimeLimit::new(boxed, 1);
        env.reset(Some(1));
        assert!(env.step(&Action::Discrete(0)).unwrap().truncated);
        assert_eq!(env.name(), "corridor");
    }
}
