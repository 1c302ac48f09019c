//! Environments for rlab, shaped like Gymnasium's API so that code and intuitions carry over:
//! an [`Env`] trait with `reset(seed)` / `step(action)` returning separate `terminated` and
//! `truncated` flags, [`Space`]s with `sample`/`contains`, wrappers that each change one thing
//! ([`TimeLimit`] is the only place that truncates, [`EpisodeStatistics`] reports episode
//! return/length), a same-step-autoreset [`VecEnv`], a [`registry`] of names for [`make`], and
//! a [`check_env`] checker run over every registered env.
//!
//! The crate is pure Rust (no libtorch), so its tests run anywhere. Environments:
//! - `CartPole-v1` and `CartPoleNoVel-v1` ([`CartPole`]), matching Gymnasium's dynamics step for step;
//! - grid worlds loaded from text maps ([`GridWorld`]), with an exact model for value iteration.

pub mod cartpole;
pub mod checker;
pub mod env;
pub mod gridworld;
pub mod registry;
pub mod space;
pub mod throughput;
pub mod vector;
pub mod wrappers;

pub use cartpole::CartPole;
pub use checker::check_env;
pub use env::{Env, EnvError, EpisodeStats, Step, StepOutcome};
pub use gridworld::{Cell, GridMap, GridObs, GridWorld, Solution, Transition};
pub use registry::{is_grid, make, make_grid, registered, EnvInfo, EnvOptions};
pub use space::{Action, Space};
pub use vector::{VecEnv, VecStep};
pub use wrappers::{EpisodeStatistics, TimeLimit};
