//! Integration tests driving the real `rlab` executable, as a user would.

mod common;

mod algorithms;
mod bad_input;
mod configs;
mod env_cmds;
mod logs_cmd;
mod returns_cmd;
mod run_and_eval;
mod sweep_cmd;
