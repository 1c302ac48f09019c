//! Command-line interface: argument definitions and dispatch. Each subcommand lives in its own file.

mod envs;
mod eval;
mod play;
mod returns;
mod run;
mod solve;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "rlab", version, about = "Reinforcement-learning experiments on libtorch", propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Train an agent (default: PPO on CartPole-v1) into a new run directory.
    Run(run::RunArgs),
    /// Evaluate a run's checkpoint with its deterministic policy.
    Eval(eval::EvalArgs),
    /// List the registered environments and their spaces.
    Envs(envs::EnvsArgs),
    /// Step an environment through actions (or play it with the keyboard).
    Play(play::PlayArgs),
    /// Exact optimal values and policy of a grid world (value iteration).
    Solve(solve::SolveArgs),
    /// Discounted returns, advantages and λ-returns of a reward sequence or a rollout CSV.
    Returns(returns::ReturnsArgs),
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return report_clap_error(e),
    };
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Eval(a) => eval::eval(a),
        Command::Envs(a) => envs::envs(a),
        Command::Returns(a) => returns::returns(a),
        Command::Play(a) => play::play(a),
        Command::Solve(a) => solve::solve(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&format!("{e:#}")));
            1
        }
    }
}

/// Help and version go to stdout as clap writes them; errors become one line on stderr.
fn report_clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind::*;
    match e.kind() {
        DisplayHelp | DisplayVersion => {
            let _ = e.print();
            0
        }
        DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            2
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("error: bad arguments");
            eprintln!("{} (see 'rlab --help')", first.trim_end());
            2
        }
    }
}

/// A bug should still end in one readable line, not a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error{at}: {} (please report this)", one_line(msg));
    }));
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn parse_list<T: std::str::FromStr>(s: &str, what: &str) -> anyhow::Result<Vec<T>> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<T>().map_err(|_| anyhow::anyhow!("{what}: '{}' is not a valid number", p.trim())))
        .collect()
}
