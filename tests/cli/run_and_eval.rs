use std::collections::BTreeMap;

use rlab_tensorboard::{find_event_files, read_event_file};

use crate::common::{rlab, short_run, wait_for_file, TempDir};

fn scalars(run: &std::path::Path) -> BTreeMap<String, Vec<(i64, f64)>> {
    let files = find_event_files(run).unwrap();
    assert_eq!(files.len(), 1, "one event file per run: {files:?}");
    let data = read_event_file(&files[0]).unwrap();
    assert!(data.warning.is_none(), "{:?}", data.warning);
    data.scalars.into_iter().map(|(k, v)| (k, v.iter().map(|p| (p.step, p.value)).collect())).collect()
}

/// A short run with an evaluation every 256 steps (2 episodes) and keep_best, in `logdir/name`.
fn keep_best_run(logdir: &std::path::Path, name: &str, seed: u64, total_steps: u64, extra: &[&str]) -> std::path::PathBuf {
    let mut cmd = rlab(&["run", "--num-envs", "2", "--device", "cpu", "-q", "--name", name, "--seed", &seed.to_string(), "--total-steps", &total_steps.to_string()]);
    for a in ["--set", "eval_every=256", "--set", "eval_every_episodes=2", "--set", "keep_best=true", "--set", "eval_episodes=2"].iter().chain(extra) {
        cmd = cmd.arg(a);
    }
    cmd.arg("--logdir").arg(logdir).ok();
    logdir.join(name)
}

#[test]
fn a_run_writes_everything_a_user_opens() {
    let tmp = TempDir::new("run");
    let run = short_run(tmp.path(), "a", 3);
    for f in ["config.toml", "checkpoint.safetensors", "summary.json"] {
        assert!(run.join(f).is_file(), "missing {f}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&run)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    for key in ["env", "algo", "gamma", "seed", "total_steps", "wall_seconds", "steps_per_second", "final_mean_return", "eval_mean_return"] {
        assert!(s.get(key).is_some(), "summary.json lacks {key}: {s}");
    }
    assert_eq!(s["env"], "CartPole-v1");
    assert_eq!(s["algo"], "ppo");
    assert_eq!(s["seed"], 3);
    assert_eq!(s["env_steps"], 1024);
    assert_eq!(s["status"], "finished");

    let tags = scalars(&run);
    for tag in [
        "charts/episodic_return",
        "charts/episodic_length",
        "charts/SPS",
        "charts/learning_rate",
        "losses/value_loss",
        "losses/policy_loss",
        "losses/entropy",
        "losses/approx_kl",
        "losses/clipfrac",
        "losses/explained_variance",
    ] {
        assert!(tags.contains_key(tag), "missing tag {tag}; have {:?}", tags.keys());
    }
    // x-axis = env steps: 4 iterations of 2 envs × 128 steps.
    let lr_steps: Vec<i64> = tags["charts/learning_rate"].iter().map(|p| p.0).collect();
    assert_eq!(lr_steps, vec![256, 512, 768, 1024]);
    // Learning rate anneals linearly from 2.5e-4.
    assert!((tags["charts/learning_rate"][0].1 - 2.5e-4).abs() < 1e-9);
    assert!((tags["charts/learning_rate"][3].1 - 2.5e-4 * 0.25).abs() < 1e-9);
    // Episodes are logged at the env step where they end: a multiple of the number of envs.
    assert!(tags["charts/episodic_return"].iter().all(|(step, ret)| step % 2 == 0 && *ret >= 1.0));
    let steps: Vec<i64> = tags["charts/episodic_return"].iter().map(|p| p.0).collect();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "logged steps go backwards: {steps:?}");

    let eval = rlab(&["eval", "--episodes", "4", "--format", "json"]).arg(&run).ok();
    let e: serde_json::Value = serde_json::from_str(eval.stdout.trim()).unwrap();
    assert_eq!(e["episodes"], 4);
    let mean = e["mean_return"].as_f64().unwrap();
    assert!((1.0..=500.0).contains(&mean), "{e}");
    assert!(e["std_return"].as_f64().unwrap() >= 0.0);
    let table = rlab(&["eval", "--episodes", "2"]).arg(&run).ok();
    assert!(table.stdout.contains("mean return"), "{}", table.stdout);
}

#[test]
fn same_seed_on_cpu_gives_identical_metrics() {
    let tmp = TempDir::new("determinism");
    let a = scalars(&short_run(tmp.path(), "a", 11));
    let b = scalars(&short_run(tmp.path(), "b", 11));
    let c = scalars(&short_run(tmp.path(), "c", 12));
    let without_timing = |m: &BTreeMap<String, Vec<(i64, f64)>>| {
        let mut m = m.clone();
        m.remove("charts/SPS");
        m
    };
    assert_eq!(without_timing(&a), without_timing(&b));
    assert_ne!(without_timing(&a)["losses/value_loss"], without_timing(&c)["losses/value_loss"]);
}

#[test]
fn tensorboard_reads_back_every_value_rlab_wrote() {
    // The independent reader is Python's TensorBoard (EventAccumulator), run when scripts/test.sh
    // provides its interpreter; our own reader supplies the expected values.
    let Ok(python) = std::env::var("RLAB_TB_PYTHON") else {
        eprintln!("RLAB_TB_PYTHON not set: skipping the TensorBoard cross-check (scripts/test.sh sets it)");
        return;
    };
    let tmp = TempDir::new("tbcheck");
    let run = short_run(tmp.path(), "a", 5);
    let data = read_event_file(&find_event_files(&run).unwrap()[0]).unwrap();
    let expected = serde_json::json!({
        "scalars": data.scalars.iter().map(|(tag, pts)| (tag.clone(), pts.iter().map(|p| (p.step, p.value)).collect::<Vec<_>>())).collect::<BTreeMap<_, _>>(),
        "texts": data.texts,
    });
    let expected_path = tmp.path().join("expected.json");
    std::fs::write(&expected_path, expected.to_string()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/check_tensorboard.py");
    let out = std::process::Command::new(python).arg(script).arg(&run).arg(&expected_path).output().unwrap();
    assert!(
        out.status.success(),
        "TensorBoard disagrees:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn periodic_evaluations_are_logged_keep_the_best_and_leave_training_unchanged() {
    let tmp = TempDir::new("periodic");
    let plain = short_run(tmp.path(), "plain", 5);
    // short_run's 1024 steps are 4 iterations of 256: an evaluation after each.
    let every = ["--set", "eval_every=256", "--set", "eval_every_episodes=3", "--set", "keep_best=true"];
    let mut cmd = rlab(&["run", "--total-steps", "1024", "--num-envs", "2", "--device", "cpu", "-q", "--name", "best", "--seed", "5"]);
    for a in every.iter().chain(&["--set", "eval_episodes=3", "--logdir"]) {
        cmd = cmd.arg(a);
    }
    cmd.arg(tmp.path()).ok();
    let best = tmp.path().join("best");

    // Evaluating builds no network from libtorch's generator mid-run: the same weights come out.
    let weights = |run: &std::path::Path| std::fs::read(run.join("checkpoint.safetensors")).unwrap();
    assert_eq!(weights(&plain), weights(&best), "periodic evaluations changed the training");
    let mut without_eval = scalars(&best);
    let periodic = without_eval.remove("eval/periodic_mean_return").expect("periodic evaluations logged");
    assert_eq!(periodic.iter().map(|p| p.0).collect::<Vec<_>>(), [256, 512, 768, 1024]);
    let mut plain_scalars = scalars(&plain);
    for m in [&mut without_eval, &mut plain_scalars] {
        m.remove("charts/SPS");
        m.remove("eval/mean_return");
    }
    assert_eq!(without_eval, plain_scalars);

    // The kept weights are the first best evaluation's, and the final evaluation judged them.
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(best.join("summary.json")).unwrap()).unwrap();
    let top = periodic.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let first_top = periodic.iter().find(|p| p.1 == top).unwrap();
    assert_eq!(summary["checkpoint"], "best.safetensors");
    assert_eq!(summary["best_step"].as_i64(), Some(first_top.0));
    // TensorBoard keeps scalars as f32.
    assert!((summary["best_periodic_return"].as_f64().unwrap() - first_top.1).abs() < 1e-4, "{summary}");
    assert!(best.join("best.safetensors").is_file());
    assert!(!std::fs::read_dir(&best).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".eval")));
    let eval = |run: &std::path::Path, extra: &[&str]| {
        let mut cmd = rlab(&["eval", "--episodes", "3", "--format", "json"]).arg(run);
        for a in extra {
            cmd = cmd.arg(a);
        }
        serde_json::from_str::<serde_json::Value>(cmd.ok().stdout.trim()).unwrap()
    };
    let again = eval(&best, &[]);
    assert_eq!((again["weights"].as_str(), again["mean_return"].as_f64()), (Some("best.safetensors"), summary["eval_mean_return"].as_f64()));
    assert_eq!(eval(&best, &["--weights", "last"])["weights"], "checkpoint.safetensors");
    assert_eq!(eval(&plain, &[])["weights"], "checkpoint.safetensors");
    rlab(&["eval", "--weights", "best"]).arg(&plain).fails_with("only runs with keep_best = true keep one");
    // Without the kept file the default falls back to the last weights; asking for it names the gap.
    std::fs::remove_file(best.join("best.safetensors")).unwrap();
    assert_eq!(eval(&best, &[])["weights"], "checkpoint.safetensors");
    rlab(&["eval", "--weights", "best"]).arg(&best).fails_with("no periodic evaluation kept one yet (or it was removed)");
}

#[test]
fn a_resumed_run_trusts_the_kept_best_weights_over_an_older_run_state() {
    let tmp = TempDir::new("bestresume");
    let run = keep_best_run(tmp.path(), "r", 2, 512, &[]);
    let read = |name: &str| serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(run.join(name)).unwrap()).unwrap();
    let kept = read("best.json");
    // As after a crash between checkpoints: run_state.json knows an older, worse evaluation.
    let mut state = read("run_state.json");
    // No evaluation in the resumed part, so what the summary reports comes from the restored state.
    state["periodic_eval"] = serde_json::json!({ "next_at": 1_000_000, "best": { "mean_return": -1.0, "step": 1 } });
    std::fs::write(run.join("run_state.json"), state.to_string()).unwrap();
    let config = std::fs::read_to_string(run.join("config.toml")).unwrap().replace("total_steps = 512", "total_steps = 1024");
    std::fs::write(run.join("config.toml"), config).unwrap();
    rlab(&["run", "-q", "--resume"]).arg(&run).ok();
    let (summary, best) = (read("summary.json"), read("best.json"));
    assert_eq!(best, kept);
    assert_eq!(summary["best_step"], kept["step"], "{summary}");
    assert_eq!(summary["best_periodic_return"], kept["mean_return"], "{summary}");
    assert_eq!(summary["checkpoint"], "best.safetensors");
    // `rlab logs` reads the directory as one run, its two event files in order.
    let logs = rlab(&["logs", "--format", "json", "--tag", "charts/SPS"]).arg(&run).ok();
    let v: serde_json::Value = serde_json::from_str(&logs.stdout).unwrap();
    assert_eq!((v.as_array().unwrap().len(), v[0]["files"].as_array().unwrap().len()), (1, 2), "{v}");
    assert_eq!(v[0]["tags"]["charts/SPS"]["steps"], serde_json::json!([256, 512, 768, 1024]));
}

#[test]
fn grid_runs_log_the_exact_value_of_each_periodic_evaluation() {
    let tmp = TempDir::new("periodicexact");
    let run = keep_best_run(tmp.path(), "g", 1, 1024, &["--env", "GridEmpty-v0"]);
    let tags = scalars(&run);
    let exact = &tags["eval/periodic_exact_policy_value"];
    let steps = |points: &[(i64, f64)]| points.iter().map(|p| p.0).collect::<Vec<_>>();
    assert_eq!(steps(exact), steps(&tags["eval/periodic_mean_return"]));
    assert_eq!(steps(exact), [256, 512, 768, 1024]);
    // The final evaluation judged the kept weights: their exact value is the one logged at their step.
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let at_best = exact.iter().find(|p| Some(p.0) == s["best_step"].as_i64()).expect("an evaluation at best_step");
    assert!((at_best.1 - s["exact_policy_value"].as_f64().unwrap()).abs() < 1e-6, "{at_best:?} vs {s}");
    let optimum = s["optimal_value"].as_f64().unwrap();
    assert!(exact.iter().all(|p| p.1 <= optimum + 1e-6), "{exact:?} above the optimum {optimum}");
}

#[test]
fn a_resume_with_missing_or_unreadable_files_stops_before_training() {
    let tmp = TempDir::new("resumefiles");
    let run = keep_best_run(tmp.path(), "r", 4, 512, &[]);
    let config = std::fs::read_to_string(run.join("config.toml")).unwrap().replace("total_steps = 512", "total_steps = 1024");
    std::fs::write(run.join("config.toml"), config).unwrap();
    let snapshot = |dir: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let copy = |name: &str| {
        let dir = tmp.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        for (f, bytes) in snapshot(&run) {
            std::fs::write(dir.join(f), bytes).unwrap();
        }
        dir
    };
    let cases: [(&str, fn(&std::path::Path), &str); 4] = [
        ("corrupt_best", |d| std::fs::write(d.join("best.safetensors"), "garbage\n").unwrap(), "not a readable safetensors file"),
        ("no_best", |d| std::fs::remove_file(d.join("best.safetensors")).unwrap(), "best.json names kept weights from step"),
        ("no_checkpoint", |d| std::fs::remove_file(d.join("checkpoint.safetensors")).unwrap(), "checkpoint.safetensors: no such file"),
        ("no_optimizer", |d| std::fs::remove_file(d.join("optimizer.safetensors")).unwrap(), "optimizer.safetensors: no such file"),
    ];
    for (name, damage, message) in cases {
        let dir = copy(name);
        damage(&dir);
        let before = snapshot(&dir);
        rlab(&["run", "-q", "--resume"]).arg(&dir).fails_with(message);
        assert!(snapshot(&dir) == before, "{name}: the failed resume changed the run directory");
    }
    // A resume continues in the run's own directory: --logdir has no meaning there.
    let elsewhere = tmp.path().join("elsewhere");
    rlab(&["run", "-q", "--resume"]).arg(&run).arg("--logdir").arg(&elsewhere).fails_with("--logdir");
    assert!(!elsewhere.exists());
}

#[test]
fn a_run_directory_trains_in_one_process_at_a_time() {
    let tmp = TempDir::new("lock");
    let run = tmp.path().join("busy");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rlab"))
        .args(["run", "-q", "--device", "cpu", "--total-steps", "5000000", "--name", "busy", "--logdir"])
        .arg(tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first checkpoint means training is under way (the lock is taken before anything is written).
    wait_for_file(&run.join("run_state.json"), "checkpoint");
    let events = || find_event_files(&run).unwrap().len();
    rlab(&["run", "-q", "--resume"]).arg(&run).fails_with("is in use: another rlab process is training in it");
    assert_eq!(events(), 1, "the refused resume started an event file");
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    // Once that process has ended the directory is free again.
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["status"], "interrupted");
    let config = std::fs::read_to_string(run.join("config.toml")).unwrap();
    let done = s["env_steps"].as_u64().unwrap();
    std::fs::write(run.join("config.toml"), config.replace("total_steps = 5000000", &format!("total_steps = {}", done + 1024))).unwrap();
    rlab(&["run", "-q", "--resume"]).arg(&run).arg("--set").arg("eval_episodes=1").fails_with("cannot be used with");
    rlab(&["run", "-q", "--resume"]).arg(&run).ok();
    assert_eq!(events(), 2);
}
