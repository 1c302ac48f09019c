//! Integration tests driving the real `rlab` executable, as a user would.

mod common;

mod algorithms;
mod bad_input;
mod classifier;
mod classifier_bad_input;
mod configs;
mod env_cmds;
mod logs_cmd;
mod real_data;
mod returns_cmd;
mod run_and_eval;
mod sklearn_parity;
mod sweep_cmd;
