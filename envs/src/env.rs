//! The environment interface.
//!
//! Modelled on Gymnasium's `Env`: `reset(seed)` gives the first observation, `step(action)`
//! gives the next one with a reward and two separate end flags. `terminated` means the MDP
//! reached a terminal state (do not bootstrap); `truncated` means an outside limit cut the
//! episode (bootstrap from the true next observation). An env never truncates itself: the
//! [`TimeLimit`](crate::TimeLimit) wrapper does. Errors are values, never panics, so a bad
//! action from user code shows up as [`EnvError::InvalidAction`].
//!
//! Beside the allocating `step`/`reset` the trait has `step_into`/`reset_into`, which write the
//! observation into a caller's buffer; [`VecEnv`](crate::VecEnv) uses them so a rollout does not
//! allocate per step. Their default implementations call `step`/`reset` and copy.

use serde::Serialize;

use crate::space::{Action, Space};

/// Return and length of a finished episode (filled in by [`EpisodeStatistics`](crate::EpisodeStatistics)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EpisodeStats {
    /// Undiscounted sum of the episode's rewards.
    pub r#return: f64,
    /// Number of steps in the episode.
    pub length: usize,
}

/// The result of one [`Env::step`].
#[derive(Clone, Debug)]
pub struct Step {
    pub obs: Vec<f32>,
    pub reward: f64,
    /// The new state is terminal in the MDP: the value of `obs` is zero.
    pub terminated: bool,
    /// A limit outside the MDP ended the episode: `obs` is a real state worth bootstrapping from.
    pub truncated: bool,
    /// `Some` on the step that ends an episode, when the env is wrapped in `EpisodeStatistics`.
    pub episode: Option<EpisodeStats>,
}

/// A [`Step`] without its observation, returned by [`Env::step_into`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepOutcome {
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
    pub episode: Option<EpisodeStats>,
}

impl Step {
    /// The flags and reward without the observation.
    pub fn outcome(&self) -> StepOutcome {
        StepOutcome {
            reward: self.reward,
            terminated: self.terminated,
            truncated: self.truncated,
            episode: self.episode,
        }
    }
}

/// Everything that can go wrong in this crate; each message is one readable line.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error("invalid action {action} for action space {space}")]
    InvalidAction { action: Action, space: Space },
    #[error("unknown environment '{name}' (known: {}; or a path to a .txt grid map)", known.join(", "))]
    UnknownEnv { name: String, known: Vec<String> },
    /// A grid map that cannot be parsed; `file` is the path or the registered name.
    #[error("bad map {file}, line {line}: {msg}")]
    BadMap {
        file: String,
        line: usize,
        msg: String,
    },
    #[error("cannot read {path}: {msg}")]
    Io { path: String, msg: String },
    #[error("{env}: step() called before reset()")]
    NotReset { env: String },
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("bad argument: {0}")]
    BadArg(String),
}

/// A reinforcement-learning environment (see the module docs for the flag semantics).
pub trait Env: Send {
    fn observation_space(&self) -> &Space;
    fn action_space(&self) -> &Space;

    /// Start a new episode and return its first observation.
    /// `Some(s)`: reseed the env's own RNG (`ChaCha8Rng::seed_from_u64(s)`) first, so the same
    /// seed gives the same episode; `None`: continue from the RNG's current state.
    fn reset(&mut self, seed: Option<u64>) -> Vec<f32>;

    /// Advance one step. An action outside [`Env::action_space`] gives
    /// `Err(EnvError::InvalidAction)` and leaves the env unchanged (never a panic).
    fn step(&mut self, action: &Action) -> Result<Step, EnvError>;

    /// An ASCII picture of the current state.
    fn render(&self) -> String;

    /// Put the env directly into `state` and return that state's observation (for tests and
    /// analysis; CartPole takes `[x, x_dot, theta, theta_dot]`). Envs that cannot: `Unsupported`.
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let _ = state;
        Err(EnvError::Unsupported(format!(
            "{} does not support set_state",
            self.name()
        )))
    }

    /// The registered name, e.g. `CartPole-v1`.
    fn name(&self) -> &str;

    /// [`Env::step`] writing the observation into `obs` (length `observation_space().flat_dim()`).
    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        let step = self.step(action)?;
        copy_obs(&step.obs, obs, self.name())?;
        Ok(step.outcome())
    }

    /// [`Env::reset`] writing the observation into `obs`; `BadArg` if the length is wrong.
    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        let first = self.reset(seed);
        copy_obs(&first, obs, self.name())
    }
}

/// Copy an observation into a caller's buffer, checking the length instead of panicking.
pub(crate) fn copy_obs(src: &[f32], dst: &mut [f32], env: &str) -> Result<(), EnvError> {
    if src.len() != dst.len() {
        return Err(EnvError::BadArg(format!(
            "{env}: observation buffer has length {}, the observation has {}",
            dst.len(),
            src.len()
        )));
    }
    dst.copy_from_slice(src);
    Ok(())
}

/// Boxed envs are envs, so wrappers and vector envs can hold any env chosen at run time.
impl Env for Box<dyn Env> {
    fn observation_space(&self) -> &Space {
        (**self).observation_space()
    }
    fn action_space(&self) -> &Space {
        (**self).action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        (**self).reset(seed)
    }
    fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
        (**self).step(action)
    }
    fn render(&self) -> String {
        (**self).render()
    }
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        (**self).set_state(state)
    }
    fn name(&self) -> &str {
        (**self).name()
    }
    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        (**self).step_into(action, obs)
    }
    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        (**self).reset_into(seed, obs)
    }
}
