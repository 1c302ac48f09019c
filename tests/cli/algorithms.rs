//! Every algorithm and policy family through the real binary: short runs that must train,
//! save, evaluate and resume; and the combinations that cannot work must say so.

use crate::common::{rlab, TempDir};

fn run(logdir: &std::path::Path, name: &str, args: &[&str]) -> serde_json::Value {
    let mut cmd = rlab(&["run", "-q", "--seed", "0", "--set", "eval_episodes=2", "--name", name]).arg("--logdir").arg(logdir);
    for a in args {
        cmd = cmd.arg(a);
    }
    cmd.ok();
    serde_json::from_str(&std::fs::read_to_string(logdir.join(name).join("summary.json")).unwrap()).unwrap()
}

#[test]
fn each_algorithm_trains_saves_and_evaluates() {
    let tmp = TempDir::new("algos");
    let cases: &[(&str, &[&str])] = &[
        ("a2c", &["--algo", "a2c", "--total-steps", "2000"]),
        ("dqn", &["--algo", "dqn", "--total-steps", "1500", "--set", "dqn.learning_starts=500", "--set", "dqn.gradient_steps=4", "--set", "dqn.n_step=3", "--set", "dqn.double_dqn=true"]),
        ("reinforce", &["--algo", "reinforce", "--total-steps", "1000"]),
        ("lstm", &["--policy", "lstm", "--env", "CartPoleNoVel-v1", "--total-steps", "1024", "--set", "ppo.num_steps=32"]),
        ("cnn", &["--policy", "cnn", "--env", "GridEmpty-v0", "--total-steps", "1024", "--activation", "relu"]),
        ("cnn-dqn", &["--algo", "dqn", "--policy", "cnn", "--env", "GridEmpty-v0", "--total-steps", "800", "--set", "dqn.learning_starts=200", "--set", "dqn.gradient_steps=2", "--set", "exploration_bonus=0.1"]),
        ("cnn-a2c-bonus", &["--algo", "a2c", "--policy", "cnn", "--env", "GridCliff-v0", "--total-steps", "800", "--set", "exploration_bonus=0.1"]),
        ("norm", &["--total-steps", "1024", "--set", "normalize_obs=true", "--set", "scale_rewards=true"]),
    ];
    for (name, args) in cases {
        let s = run(tmp.path(), name, args);
        assert_eq!(s["status"], "finished", "{name}: {s}");
        assert!(s["env_steps"].as_u64().unwrap() >= s["total_steps"].as_u64().unwrap(), "{name}: {s}");
        assert!(s["eval_mean_return"].as_f64().is_some(), "{name}: {s}");
        let e = rlab(&["eval", "--episodes", "2", "--format", "json"]).arg(tmp.path().join(name)).ok();
        let v: serde_json::Value = serde_json::from_str(e.stdout.trim()).unwrap();
        assert_eq!(v["episodes"], 2, "{name}");
        // Grid worlds: the greedy policy is also judged exactly, beside `rlab solve`'s optimum.
        let grid = s["env"].as_str().unwrap().starts_with("Grid");
        assert_eq!(s["optimal_value"].is_f64(), grid, "{name}: {s}");
        assert_eq!(v["exact"].is_object(), grid, "{name}: {v}");
        if grid {
            assert_eq!(v["exact"]["policy_value"], s["exact_policy_value"], "{name}");
            let optimum = rlab(&["solve", s["env"].as_str().unwrap(), "--gamma", "0.99", "--format", "json"]).ok();
            let optimum: serde_json::Value = serde_json::from_str(optimum.stdout.trim()).unwrap();
            assert_eq!(s["optimal_value"], optimum["start_value"], "{name}");
            let rows = v["exact"]["policy_arrows"].as_array().unwrap();
            assert_eq!(rows.len(), optimum["policy"].as_array().unwrap().len(), "{name}: one row per map row");
            let value = s["exact_policy_value"].as_f64().unwrap();
            assert!(value <= s["optimal_value"].as_f64().unwrap() + 1e-9, "{name}: no policy beats the optimum");
        }
    }
}

#[test]
fn impossible_combinations_name_what_would_work() {
    let tmp = TempDir::new("combos");
    let logdir = tmp.path().join("runs");
    let base = || rlab(&["run", "-q", "--total-steps", "256"]).arg("--logdir").arg(&logdir);
    base().arg("--policy").arg("cnn").fails_with("--policy cnn needs image observations");
    base().arg("--algo").arg("dqn").arg("--policy").arg("lstm").fails_with("--algo ppo/a2c with lstm");
    base().arg("--algo").arg("reinforce").arg("--policy").arg("lstm").fails_with("reinforce does not support --policy lstm");
    base().arg("--policy").arg("transformer").fails_with("transformer");
    base().arg("--activation").arg("gelu").fails_with("gelu");
    base().arg("--policy").arg("lstm").arg("--num-envs").arg("2").fails_with("num_minibatches");
    assert!(!logdir.exists() || std::fs::read_dir(&logdir).unwrap().count() == 0);
}

#[test]
fn a_resumed_run_continues_where_it_stopped() {
    let tmp = TempDir::new("resume");
    run(tmp.path(), "r", &["--total-steps", "1024", "--num-envs", "2"]);
    let dir = tmp.path().join("r");
    rlab(&["run", "--resume"]).arg(&dir).fails_with("already finished");
    // Extend the run: the same config with more steps.
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap().replace("total_steps = 1024", "total_steps = 2048");
    std::fs::write(dir.join("config.toml"), cfg).unwrap();
    rlab(&["run", "-q", "--resume"]).arg(&dir).ok();
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["env_steps"], 2048);

    let files = rlab_tensorboard::find_event_files(&dir).unwrap();
    assert_eq!(files.len(), 2, "the resumed part logs to a second event file");
    let steps = |f: &std::path::Path| -> Vec<i64> {
        let d = rlab_tensorboard::read_event_file(f).unwrap();
        d.scalars["charts/learning_rate"].iter().map(|p| p.step).collect()
    };
    let (mut first, mut second) = (steps(&files[0]), steps(&files[1]));
    if first[0] > second[0] {
        std::mem::swap(&mut first, &mut second);
    }
    assert_eq!(*first.last().unwrap(), 1024);
    assert_eq!(second[0], 1280, "logged steps keep increasing after a resume");
    rlab(&["run", "--resume"]).arg(tmp.path().join("nope")).fails_with("nope");
    rlab(&["run", "--resume"]).arg(&dir).arg("--gamma").arg("0.5").fails_with("--gamma");
}
