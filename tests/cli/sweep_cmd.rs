//! `rlab sweep`, `rlab sweep report`, `rlab sweep-worker`: runs, failures, resume, Ctrl-C, the
//! Slurm backend against a stand-in `sbatch` (scripts/slurm-test.sh runs a real Slurm), bad input.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::common::{rlab, Rlab, TempDir};

/// Tiny runs: 2 envs × 128 steps × 4 iterations, 2 evaluation episodes.
const TINY: [&str; 6] = ["--total-steps", "1024", "--num-envs", "2", "--set", "eval_episodes=2"];

fn with(mut r: Rlab, args: &[&str]) -> Rlab {
    for a in args {
        r = r.arg(a);
    }
    r
}

/// `sweep.csv` as (header, rows of cells); no field here holds a comma.
fn csv(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let mut lines = text.lines().map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    (lines.next().unwrap(), lines.collect())
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    rows.iter().map(|r| r[i].as_str()).collect()
}

fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", path.display());
    let be = |i: usize| u32::from_be_bytes(b[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

fn summary_status(run: &Path) -> String {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    v["status"].as_str().unwrap().to_string()
}

#[test]
fn a_sweep_runs_every_point_and_reports_per_gamma() {
    let tmp = TempDir::new("sweep");
    let r = with(rlab(&["sweep", "--gamma", "0.9,0.99", "--seeds", "0,1", "--jobs", "2", "--name", "s"]), &TINY).arg("--logdir").arg(tmp.path()).ok();
    let dir = tmp.path().join("s");
    let (header, rows) = csv(&dir);
    assert_eq!(column(&header, &rows, "name"), ["g0.9__s0", "g0.9__s1", "g0.99__s0", "g0.99__s1"]);
    assert_eq!(column(&header, &rows, "status"), ["finished"; 4]);
    assert!(column(&header, &rows, "auc").iter().all(|v| v.parse::<f64>().unwrap() >= 1.0), "{rows:?}");
    assert_eq!(column(&header, &rows, "env_steps"), ["1024"; 4]);
    for h in ["gamma", "seed", "final_mean_return", "eval_mean_return", "steps_to_threshold", "wall_seconds", "error"] {
        assert!(header.iter().any(|x| x == h), "{h} missing from {header:?}");
    }
    // The summary is printed and saved: one row per γ, with mean ± std over the 2 seeds.
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(r.stdout.contains(md.lines().find(|l| l.starts_with("| 0.99 |")).unwrap()), "{}", r.stdout);
    assert!(md.contains("| 0.9 | 2/2 |") && md.contains(" ± ") && md.contains("Threshold on CartPole-v1: 475.0"), "{md}");
    assert!(!md.contains("V*(start)"), "no optimum for CartPole:\n{md}");
    assert_eq!(png_size(&dir.join("curves.png")), (1000, 600));

    // Resuming a complete sweep runs nothing and touches no run.
    let before = std::fs::read(dir.join("runs/g0.9__s0/summary.json")).unwrap();
    let again = rlab(&["sweep", "--resume"]).arg(&dir).ok();
    assert!(again.stdout.contains("all 4 points are finished"), "{}", again.stdout);
    assert_eq!(std::fs::read(dir.join("runs/g0.9__s0/summary.json")).unwrap(), before);

    // A run whose process died before its summary (killed, machine lost) is run again, and what
    // it left is moved aside, not deleted.
    std::fs::remove_file(dir.join("runs/g0.99__s1/summary.json")).unwrap();
    let rerun = rlab(&["sweep", "--resume"]).arg(&dir).ok();
    assert!(rerun.stdout.contains("running 1 of 4 points"), "{}", rerun.stdout);
    assert_eq!(summary_status(&dir.join("runs/g0.99__s1")), "finished");
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.join("incomplete")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(aside.len(), 1);
    assert!(aside[0].join("checkpoint.safetensors").is_file(), "{aside:?}");
    assert_eq!(std::fs::read(dir.join("runs/g0.9__s0/summary.json")).unwrap(), before);
}

#[test]
fn a_failing_point_is_recorded_and_resume_reruns_only_it() {
    let tmp = TempDir::new("sweepfail");
    // This libtorch is CPU-only, so every `device = "cuda"` point fails at run time.
    let r = with(rlab(&["sweep", "--gamma", "0.9", "--grid", "device=cpu,cuda", "--jobs", "2", "--name", "f"]), &TINY)
        .arg("--logdir")
        .arg(tmp.path())
        .run();
    let dir = tmp.path().join("f");
    let (header, rows) = csv(&dir);
    if column(&header, &rows, "status")[1] == "finished" {
        eprintln!("this libtorch has CUDA: skipping the failing-point test");
        return;
    }
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.trim_end().lines().last().unwrap().starts_with("error: 1 of 2 points failed"), "{}", r.stderr);
    assert_eq!(column(&header, &rows, "status"), ["finished", "failed"]);
    assert_eq!(column(&header, &rows, "device"), ["cpu", "cuda"]);
    assert!(column(&header, &rows, "error")[1].contains("CUDA"), "{rows:?}");
    assert!(std::fs::read_to_string(dir.join("summary.md")).unwrap().contains("Failed points"));

    let cpu = dir.join("runs/g0.9__s1__devicecpu/summary.json");
    let before = std::fs::read(&cpu).unwrap();
    let again = rlab(&["sweep", "--resume"]).arg(&dir).run();
    assert_eq!(again.code, 1);
    assert!(again.stdout.contains("running 1 of 2 points"), "{}", again.stdout);
    assert_eq!(std::fs::read(&cpu).unwrap(), before, "a finished point is never rerun");
    let log = std::fs::read_to_string(dir.join("logs/g0.9__s1__devicecuda.log")).unwrap();
    assert_eq!(log.matches("== attempt started").count(), 2, "{log}");
}

fn spawn_sweep(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rlab")).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

fn wait_for(what: &str, ok: impl Fn() -> bool) {
    let t = Instant::now();
    while !ok() {
        assert!(t.elapsed() < Duration::from_secs(120), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn interrupt(child: Child) -> i32 {
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    out.status.code().unwrap_or(-1)
}

fn event_files(run: &Path) -> usize {
    std::fs::read_dir(run).map(|d| d.filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("tfevents")).count()).unwrap_or(0)
}

#[test]
fn ctrl_c_keeps_finished_points_and_resume_continues_the_interrupted_run() {
    let tmp = TempDir::new("sweepint");
    let dir = tmp.path().join("i");
    let d = dir.to_str().unwrap();
    let (short, long) = (dir.join("runs/g0.9__s1__total_steps1024"), dir.join("runs/g0.9__s1__total_steps400000"));
    let mut args = vec!["sweep", "--gamma", "0.9", "--grid", "total_steps=1024,400000", "--jobs", "1", "--num-envs", "2"];
    args.extend(["--set", "eval_episodes=2", "--logdir", tmp.path().to_str().unwrap(), "--name", "i"]);
    let child = spawn_sweep(&args);
    // The long point's directory exists once its run is under way (and the short one is done).
    wait_for("the second point to start", || long.join("config.toml").exists());
    assert_eq!(interrupt(child), 130);
    assert_eq!(summary_status(&short), "finished");
    assert_eq!(summary_status(&long), "interrupted", "the run saved its summary on the forwarded Ctrl-C");
    let (header, rows) = csv(&dir);
    assert_eq!(column(&header, &rows, "status"), ["finished", "interrupted"]);

    // --resume continues the interrupted run in its own directory (a second event file).
    let before = std::fs::read(short.join("summary.json")).unwrap();
    let child = spawn_sweep(&["sweep", "--resume", d, "--jobs", "1"]);
    wait_for("the run to continue", || event_files(&long) == 2);
    assert_eq!(interrupt(child), 130);
    assert_eq!(summary_status(&long), "interrupted");
    assert!(!dir.join("incomplete").exists(), "nothing was moved aside");
    assert_eq!(std::fs::read(short.join("summary.json")).unwrap(), before);
}

/// A stand-in `sbatch` on PATH that records its arguments and prints a job id (or fails).
fn fake_sbatch(dir: &Path, fail: bool) -> String {
    let bin = dir.join(if fail { "badbin" } else { "bin" });
    std::fs::create_dir_all(&bin).unwrap();
    let body = if fail {
        "#!/bin/sh\necho 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' >&2\nexit 1\n".to_string()
    } else {
        format!("#!/bin/sh\necho \"$@\" > '{}'\necho 4242\n", dir.join("sbatch-args").display())
    };
    let path = bin.join("sbatch");
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

#[test]
fn the_slurm_backend_submits_an_array_of_workers_and_report_aggregates() {
    let tmp = TempDir::new("slurm");
    let grid = ["sweep", "--backend", "slurm", "--env", "GridEmpty-v0", "--gamma", "0.5,0.9", "--seeds", "3"];
    let dry = with(rlab(&grid), &TINY).args_dir(tmp.path(), "d").arg("--dry-run").ok();
    assert!(dry.stdout.contains("#SBATCH --array=0-1\n") && dry.stdout.contains("sweep-worker"), "{}", dry.stdout);
    assert!(!tmp.path().join("d").exists(), "--dry-run creates nothing");

    let path = fake_sbatch(tmp.path(), false);
    let r = with(rlab(&grid), &TINY).args_dir(tmp.path(), "s").env("PATH", Some(&path)).ok();
    assert!(r.stdout.contains("submitted Slurm array job 4242: 2 task(s)"), "{}", r.stdout);
    let dir = tmp.path().join("s");
    let script = std::fs::read_to_string(dir.join("slurm.sbatch")).unwrap();
    assert!(std::fs::read_to_string(tmp.path().join("sbatch-args")).unwrap().contains("slurm.sbatch"));
    assert!(script.contains("--index \"$SLURM_ARRAY_TASK_ID\""), "{script}");

    // Array tasks find their point from the scheduler's variable: Slurm's, or Kubernetes'.
    let worker = |var: &str, index: &str| {
        let other = if var == "SLURM_ARRAY_TASK_ID" { "JOB_COMPLETION_INDEX" } else { "SLURM_ARRAY_TASK_ID" };
        rlab(&["sweep-worker"]).arg(&dir).env(var, Some(index)).env(other, None)
    };
    worker("SLURM_ARRAY_TASK_ID", "0").ok();
    worker("JOB_COMPLETION_INDEX", "1").ok();
    assert!(worker("SLURM_ARRAY_TASK_ID", "1").ok().stdout.contains("already finished"));
    rlab(&["sweep-worker", "--index", "2"]).arg(&dir).fails_with("out of range");
    rlab(&["sweep-worker"]).arg(&dir).env("SLURM_ARRAY_TASK_ID", None).env("JOB_COMPLETION_INDEX", None).fails_with("no point index");
    rlab(&["sweep-worker"]).arg(&dir).env("SLURM_ARRAY_TASK_ID", Some("x")).fails_with("SLURM_ARRAY_TASK_ID");

    let report = rlab(&["sweep", "report"]).arg(&dir).ok();
    let (header, rows) = csv(&dir);
    assert_eq!(column(&header, &rows, "status"), ["finished", "finished"]);
    // On a grid world the optimum from value iteration stands beside the learned return.
    let solve = rlab(&["solve", "GridEmpty-v0", "--gamma", "0.9", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&solve.stdout).unwrap();
    let v_star = format!("{:.4}", v["start_value"].as_f64().unwrap());
    let row = report.stdout.lines().find(|l| l.starts_with("| 0.9 |")).unwrap();
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // … | optimal return | eval discounted | V*(start) |
    assert_eq!([cells[cells.len() - 4], cells[cells.len() - 2]], ["0.9300", v_star.as_str()], "{row}");
    assert!(report.stdout.contains("Threshold on GridEmpty-v0: 0.883 (95% of"), "{}", report.stdout);
}

trait LogdirName {
    fn args_dir(self, logdir: &Path, name: &str) -> Self;
}

impl LogdirName for Rlab {
    fn args_dir(self, logdir: &Path, name: &str) -> Self {
        self.arg("--logdir").arg(logdir).arg("--name").arg(name)
    }
}

#[test]
fn bad_sweep_input_fails_in_one_line_and_creates_nothing() {
    let tmp = TempDir::new("sweepbad");
    let logdir = tmp.path().join("sweeps");
    let cases: &[(&[&str], &str)] = &[
        (&[], "empty grid"),
        (&["--gamma", ""], "empty list"),
        (&["--gamma", "0.9,abc"], "'abc'"),
        (&["--gamma", "0.9,1.5"], "gamma must lie in [0, 1]"),
        (&["--gamma", "0.9,0.9"], "twice"),
        (&["--seeds", "0,-1"], "--seeds"),
        (&["--grid", "nokey"], "KEY=V1"),
        (&["--grid", "ppo.nope=1,2"], "nope"),
        (&["--grid", "ppo.clip_coef=0.1,,0.2"], "empty"),
        (&["--gamma", "0.9", "--grid", "gamma=0.5"], "twice"),
        (&["--gamma", "0.9", "--env", "NoSuch-v0"], "NoSuch-v0"),
        // Settings the algorithm checks are checked for every point before anything runs.
        (&["--gamma", "0.9", "--grid", "ppo.clip_coef=-1,0.1"], "grid point gamma=0.9, ppo.clip_coef=-1"),
        (&["--gamma", "0.9", "--grid", "ppo.num_minibatches=0,4"], "num_minibatches"),
        (&["--gamma", "0.9", "--policy", "cnn"], "--policy cnn needs image observations"),
        (&["--gamma", "0.9", "--algo", "dqn", "--set", "dqn.tau=2"], "dqn.tau"),
        (&["--gamma", "0.9", "--jobs", "0"], "--jobs"),
        (&["--gamma", "0.9", "--wait"], "--backend slurm"),
        (&["--resume", "/nonexistent/sweep"], "not a sweep directory"),
    ];
    for (args, needle) in cases {
        with(rlab(&["sweep"]), args).arg("--logdir").arg(&logdir).fails_with(needle);
    }
    let no_slurm = tmp.path().join("empty-bin");
    std::fs::create_dir_all(&no_slurm).unwrap();
    with(rlab(&["sweep", "--backend", "slurm", "--gamma", "0.9"]), &TINY)
        .arg("--logdir")
        .arg(&logdir)
        .env("PATH", Some(no_slurm.to_str().unwrap()))
        .fails_with("sbatch not found");
    let unreachable = fake_sbatch(tmp.path(), true);
    with(rlab(&["sweep", "--backend", "slurm", "--gamma", "0.9"]), &TINY)
        .arg("--logdir")
        .arg(&logdir)
        .env("PATH", Some(&unreachable))
        .fails_with("Unable to contact slurm controller");
    let left: Vec<_> = std::fs::read_dir(&logdir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "bad input left {left:?}");

    // An existing directory is neither a sweep to resume nor one to overwrite.
    let taken = tmp.path().join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::write(taken.join("keep.txt"), "mine").unwrap();
    rlab(&["sweep", "--resume"]).arg(&taken).fails_with("not a sweep directory");
    rlab(&["sweep", "report"]).arg(&taken).fails_with("not a sweep directory");
    with(rlab(&["sweep", "--gamma", "0.9"]), &TINY).args_dir(tmp.path(), "taken").fails_with("already exists");
    assert_eq!(std::fs::read_dir(&taken).unwrap().count(), 1);
    assert_eq!(std::fs::read_to_string(taken.join("keep.txt")).unwrap(), "mine");
    std::fs::write(taken.join("sweep.json"), "{ not json").unwrap();
    rlab(&["sweep", "report"]).arg(&taken).fails_with("malformed sweep.json");
    rlab(&["sweep", "--resume"]).arg(&taken).arg("--gamma").arg("0.9").fails_with("--resume");
}
