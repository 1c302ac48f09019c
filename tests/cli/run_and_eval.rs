use std::collections::BTreeMap;

use rlab_tensorboard::{find_event_files, read_event_file};

use crate::common::{rlab, short_run, TempDir};

fn scalars(run: &std::path::Path) -> BTreeMap<String, Vec<(i64, f64)>> {
    let files = find_event_files(run).unwrap();
    assert_eq!(files.len(), 1, "one event file per run: {files:?}");
    let data = read_event_file(&files[0]).unwrap();
    assert!(data.warning.is_none(), "{:?}", data.warning);
    data.scalars.into_iter().map(|(k, v)| (k, v.iter().map(|p| (p.step, p.value)).collect())).collect()
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
