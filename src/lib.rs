//! rlab: reinforcement-learning experiments on libtorch.
//!
//! This crate orchestrates: configuration, the run loop with its logs and checkpoints, evaluation
//! and the command line. Environments live in `rlab-envs`, agents in `rlab-agents`, TensorBoard
//! files in `rlab-tensorboard`.

pub mod algos;
pub mod cli;
pub mod config;
pub mod curves;
pub mod eval;
pub mod logs;
pub mod plot;
pub mod run;
pub mod sweep;

pub use rlab_agents as agents;
pub use rlab_envs as envs;
pub use rlab_tensorboard as tensorboard;
