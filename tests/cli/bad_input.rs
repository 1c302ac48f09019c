use crate::common::{rlab, short_run, TempDir};

fn no_run_dirs(logdir: &std::path::Path) {
    let n = std::fs::read_dir(logdir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(n, 0, "a failed run left a directory in {}", logdir.display());
}

#[test]
fn bad_run_flags_fail_in_one_line_before_any_directory_is_made() {
    let tmp = TempDir::new("badrun");
    let logdir = tmp.path().join("runs");
    let cases: &[(&[&str], &str)] = &[
        (&["--gamma", "1.5"], "gamma"),
        (&["--gamma", "-0.1"], "gamma"),
        (&["--gamma", "abc"], "--gamma"),
        (&["--gae-lambda", "2"], "gae_lambda"),
        (&["--total-steps", "0"], "total_steps"),
        (&["--algo", "sac"], "sac"),
        (&["--env", "NoSuchEnv-v0"], "NoSuchEnv-v0"),
        (&["--set", "ppo.no_such_key=1"], "no_such_key"),
        (&["--set", "nokey"], "key=value"),
        (&["--device", "tpu"], "tpu"),
        (&["--no-such-flag"], "--no-such-flag"),
        (&["--config", "/nonexistent/c.toml"], "/nonexistent/c.toml"),
        (&["--set", "exploration_bonus=-0.5"], "exploration_bonus must be a finite number >= 0"),
        (&["--set", "keep_best=true"], "keep_best needs periodic evaluations to choose from: set eval_every"),
        (&["--total-steps", "1000", "--set", "eval_every=5000"], "eval_every (5000) is more than total_steps (1000)"),
        (&["--set", "eval_every=1000", "--set", "eval_every_episodes=0"], "eval_every_episodes must be between 1 and 1000000"),
        // Sizes that cannot be allocated are errors, not an abort (or libtorch's backtrace).
        (&["--algo", "dqn", "--set", "dqn.buffer_size=100000000000"], "the replay buffer (dqn.buffer_size) would need"),
        (&["--set", "ppo.num_steps=100000000000000"], "the rollout buffer"),
        (&["--set", "policy.hidden_sizes=[100000000000]"], "more than this machine has"),
        // Each layer allocatable, the pair not: refused before libtorch writes the weights.
        (&["--set", "policy.hidden_sizes=[300000,300000]"], "give about 1.800e11 parameters"),
        (&["--algo", "dqn", "--set", "policy.hidden_sizes=[300000,300000]"], "more than this machine has"),
    ];
    for (args, needle) in cases {
        rlab(&["run", "-q"]).arg("--logdir").arg(&logdir).args(args).fails_with(needle);
    }
    no_run_dirs(&logdir);
}

#[test]
fn malformed_toml_names_file_and_line() {
    let tmp = TempDir::new("badtoml");
    let cfg = tmp.path().join("bad.toml");
    std::fs::write(&cfg, "gamma = 0.9\n[ppo\nclip_coef = 0.1\n").unwrap();
    rlab(&["run", "-q", "--config"]).arg(&cfg).arg("--logdir").arg(tmp.path().join("runs")).fails_with("bad.toml:2");
    std::fs::write(&cfg, "gama = 0.9\n").unwrap();
    rlab(&["run", "-q", "--config"]).arg(&cfg).arg("--logdir").arg(tmp.path().join("runs")).fails_with("gama");
    no_run_dirs(&tmp.path().join("runs"));
}

#[test]
fn an_existing_run_dir_is_never_overwritten() {
    let tmp = TempDir::new("exists");
    let run = short_run(tmp.path(), "a", 1);
    let before = std::fs::read(run.join("summary.json")).unwrap();
    rlab(&["run", "-q", "--total-steps", "256", "--name", "a", "--logdir"]).arg(tmp.path()).fails_with("already exists");
    assert_eq!(std::fs::read(run.join("summary.json")).unwrap(), before);
}

#[test]
fn eval_rejects_missing_and_corrupt_checkpoints() {
    let tmp = TempDir::new("badeval");
    rlab(&["eval"]).arg(tmp.path().join("nope")).fails_with("nope");
    rlab(&["eval"]).arg(tmp.path()).fails_with("not a run directory");
    let run = short_run(tmp.path(), "a", 2);
    std::fs::write(run.join("checkpoint.safetensors"), b"not a checkpoint").unwrap();
    rlab(&["eval"]).arg(&run).fails_with("checkpoint");
    std::fs::remove_file(run.join("checkpoint.safetensors")).unwrap();
    rlab(&["eval"]).arg(&run).fails_with("no checkpoint");
    rlab(&["eval", "--episodes", "0"]).arg(&run).fails_with("--episodes");
}

trait Args {
    fn args(self, a: &[&str]) -> Self;
}

impl Args for crate::common::Rlab {
    fn args(mut self, a: &[&str]) -> Self {
        for x in a {
            self = self.arg(x);
        }
        self
    }
}

#[test]
fn regressions_from_the_new_user_trial() {
    let tmp = TempDir::new("trial");
    let logdir = tmp.path().join("runs");
    let run = || rlab(&["run", "-q"]).arg("--logdir").arg(&logdir);
    run().args(&["--gamma", "NaN"]).fails_with("gamma must lie in [0, 1]");
    run().args(&["--total-steps", "-5"]).fails_with("-5");
    run().args(&["--total-steps", "18446744073709551615"]).fails_with("total_steps must be at most");
    run().args(&["--set", "ppo=[4,0.001]"]).fails_with("must be a table");
    run().args(&["--set", "threads=100000"]).fails_with("threads");
    run().args(&["--num-envs", "100000"]).fails_with("num_envs");
    rlab(&["run", "-q", "--name", "a/b"]).arg("--logdir").arg(tmp.path().join("never")).fails_with("plain directory name");
    assert!(!tmp.path().join("never").exists(), "a rejected --name must not leave the log directory behind");
    no_run_dirs(&logdir);

    rlab(&["returns", "--gamma", "0.9", "--rewards", "nan"]).fails_with("not a finite number");
    rlab(&["returns", "--gamma", "0.9", "--rewards", "1,,2"]).fails_with("item 2 is empty");
    rlab(&["returns", "--gamma", "0.9", "--rewards", ""]).fails_with("empty");
    rlab(&["returns", "--gamma", "0.9", "--rewards", "1,2", "--last-value", "3"]).fails_with("--last-value goes with --input");
    rlab(&["play", "CartPole-v1", "--actions", "1,,0"]).fails_with("item 2 is empty");
    rlab(&["play", "CartPole-v1", "--state", "1e40,0,0,0", "--actions", "1"]).fails_with("out of range");
    rlab(&["solve", "GridCliff-v0"]).fails_with("--gamma");
    let existing = crate::common::short_run(tmp.path(), "r", 4);
    rlab(&["eval", "--episodes", "100000000000000"]).arg(&existing).fails_with("--episodes");
    rlab(&["eval", "--render", "--format", "json"]).arg(&existing).fails_with("--render");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rlab"))
        .args(["solve", "GridMaze-v0", "--gamma", "0.9"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end before rlab writes anything: its first print meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("internal error") && !err.contains("panicked"), "{err}");
}
