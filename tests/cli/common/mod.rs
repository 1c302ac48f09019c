//! A small builder around the `rlab` binary and temp directories.

pub mod synthetic;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

pub struct Rlab {
    args: Vec<String>,
    dir: Option<PathBuf>,
    env: Vec<(String, Option<String>)>,
}

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn rlab(args: &[&str]) -> Rlab {
    Rlab { args: args.iter().map(|s| s.to_string()).collect(), dir: None, env: Vec::new() }
}

impl Rlab {
    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(a.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Sets (`Some`) or removes (`None`) an environment variable for the command.
    pub fn env(mut self, key: &str, value: Option<&str>) -> Self {
        self.env.push((key.to_string(), value.map(str::to_string)));
        self
    }

    pub fn run(self) -> Ran {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rlab"));
        cmd.args(&self.args);
        if let Some(d) = &self.dir {
            cmd.current_dir(d);
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let Output { status, stdout, stderr } = cmd.output().expect("cannot start rlab");
        Ran {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// Runs and asserts success.
    pub fn ok(self) -> Ran {
        let desc = self.args.join(" ");
        let r = self.run();
        assert_eq!(r.code, 0, "rlab {desc} failed:\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
        r
    }

    /// Runs and asserts the bad-input contract: non-zero exit, one line on stderr naming `needle`,
    /// no panic or backtrace.
    pub fn fails_with(self, needle: &str) -> Ran {
        let desc = self.args.join(" ");
        let r = self.run();
        assert_ne!(r.code, 0, "rlab {desc} should fail; stdout: {}", r.stdout);
        let err = r.stderr.trim_end();
        assert_eq!(err.lines().count(), 1, "rlab {desc}: error is not one line:\n{err}");
        assert!(err.contains(needle), "rlab {desc}: error '{err}' does not mention '{needle}'");
        assert!(!err.contains("panicked") && !err.contains("internal error") && !err.contains("RUST_BACKTRACE"), "{err}");
        r
    }
}

/// Waits (up to two minutes) until `path` exists, e.g. a file a background run writes.
pub fn wait_for_file(path: &Path, what: &str) {
    let started = std::time::Instant::now();
    while !path.exists() {
        assert!(started.elapsed().as_secs() < 120, "no {what} appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "rlab-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A short PPO run on CartPole in `logdir/name` (2 envs × 128 steps × 4 iterations).
pub fn short_run(logdir: &Path, name: &str, seed: u64) -> PathBuf {
    rlab(&["run", "--total-steps", "1024", "--num-envs", "2", "--device", "cpu", "-q", "--name", name])
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--logdir")
        .arg(logdir)
        .arg("--set")
        .arg("eval_episodes=3")
        .ok();
    logdir.join(name)
}
