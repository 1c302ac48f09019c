//! rlab: reinforcement-learning experiments on libtorch.
//!
//! This crate orchestrates: configuration, the run loop with its logs and checkpoints, evaluation
//! and the command line. Environments live in `rlab-envs`, agents in `rlab-agents`, TensorBoard
//! files in `rlab-tensorboard`.
//!
//! Supervised learning beside the RL work: [`data`] (real datasets and loaders), [`metrics`]
//! and [`text`] (pure functions with scikit-learn's semantics), [`models`] (networks on tch),
//! [`supervised`] (the shared trainer) and [`classifier`] (`rlab train classifier`, `rlab predict`).

pub mod algos;
pub mod classifier;
pub mod cli;
pub mod config;
pub mod curves;
pub mod data;
pub mod eval;
pub mod logs;
pub mod metrics;
pub mod models;
pub mod plot;
pub mod run;
pub mod supervised;
pub mod sweep;
pub mod text;

pub use rlab_agents as agents;
pub use rlab_envs as envs;
pub use rlab_tensorboard as tensorboard;
