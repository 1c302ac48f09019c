//! `rlab train classifier` and `rlab predict` on small synthetic data: the files a run writes,
//! the logged scalars, each model family, prediction, determinism and `--resume`.

use std::{collections::BTreeMap, path::Path};

use rlab_tensorboard::{find_event_files, read_event_file};
use serde_json::Value;

use crate::common::{
    rlab,
    synthetic::{idx_dir, idx_images_file, tabular_csv, text_csv},
    wait_for_file, Rlab, TempDir,
};

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// Scalars of every event file in a run, by tag.
fn scalars(run: &Path) -> BTreeMap<String, Vec<(i64, f64)>> {
    let mut out: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
    for f in find_event_files(run).unwrap() {
        let data = read_event_file(&f).unwrap();
        assert!(data.warning.is_none(), "{:?}", data.warning);
        for (k, v) in data.scalars {
            out.entry(k).or_default().extend(v.iter().map(|p| (p.step, p.value)));
        }
    }
    out
}

fn train(data: &Path, model: &str, logdir: &Path, name: &str) -> Rlab {
    rlab(&["train", "classifier", "-q", "--device", "cpu", "--model", model, "--name", name])
        .arg("--data")
        .arg(data)
        .arg("--logdir")
        .arg(logdir)
}

fn tabular(tmp: &TempDir, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let csv = tabular_csv(tmp.path(), 200);
    let mut cmd = train(&csv, "mlp", &tmp.path().join("runs"), name).arg("--target").arg("label");
    let epochs: &[&str] = if extra.contains(&"--epochs") { &[] } else { &["--epochs", "30"] };
    for a in ["--set", "mlp.hidden=[8]", "--lr", "0.01"].iter().chain(epochs).chain(extra) {
        cmd = cmd.arg(a);
    }
    cmd.ok();
    tmp.path().join("runs").join(name)
}

#[test]
fn mlp_run_writes_everything_and_predicts() {
    let tmp = TempDir::new("mlp");
    let run = tabular(&tmp, "a", &[]);
    for f in ["config.toml", "model.json", "model.safetensors", "checkpoint.safetensors", "summary.json", "metrics.json"] {
        assert!(run.join(f).is_file(), "missing {f}");
    }
    let s = json(&run.join("summary.json"));
    assert_eq!((s["task"].as_str(), s["model"].as_str(), s["status"].as_str()), (Some("classifier"), Some("mlp"), Some("finished")));
    assert_eq!(s["classes"], serde_json::json!(["no", "yes"]));
    assert_eq!((s["examples"]["train"].as_u64(), s["examples"]["validation"].as_u64(), s["examples"]["test"].as_u64()), (Some(140), Some(20), Some(40)));
    assert_eq!(s["epochs_completed"], 30);
    assert!(s["test_accuracy"].as_f64().unwrap() >= 0.9, "{s}");
    let m = json(&run.join("metrics.json"));
    assert_eq!(m["history"].as_array().unwrap().len(), 30);
    assert_eq!(m["test"]["examples"], 40);
    assert_eq!(m["test"]["confusion_matrix"].as_array().unwrap().len(), 2);
    assert!(m["test"]["report"].as_str().unwrap().contains("weighted avg"));
    assert_eq!(m["test"]["binary"]["pos_label"], "yes");

    let tags = scalars(&run);
    for tag in ["loss/train", "loss/validation", "accuracy/train", "accuracy/validation", "f1/validation", "charts/learning_rate", "charts/epoch_seconds", "accuracy/test"] {
        assert!(tags.contains_key(tag), "missing {tag}: {:?}", tags.keys());
    }
    let steps: Vec<i64> = tags["loss/train"].iter().map(|p| p.0).collect();
    assert_eq!(steps, (1..=30).collect::<Vec<_>>(), "one point per epoch");
    assert!((tags["charts/learning_rate"][0].1 - 0.01).abs() < 1e-9);

    // Predict from a CSV whose columns come in another order, with an extra column.
    let input = tmp.path().join("new.csv");
    std::fs::write(&input, "x3,x2,x1,note\n5,1.5,1.5,a\n5,-1.5,-1.5,b\n").unwrap();
    let out = rlab(&["predict"]).arg(&run).arg("--input").arg(&input).ok().stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("label") && lines[0].contains("p(yes)"), "{out}");
    assert!(lines[1].starts_with("yes") && lines[2].starts_with("no"), "{out}");
    let out = rlab(&["predict", "--format", "json"]).arg(&run).arg("--input").arg(&input).ok().stdout;
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let p = &v["probabilities"];
        assert!((p["yes"].as_f64().unwrap() + p["no"].as_f64().unwrap() - 1.0).abs() < 1e-6, "{v}");
    }
}

#[test]
fn text_models_learn_and_predict_texts() {
    let tmp = TempDir::new("text");
    let csv = text_csv(tmp.path(), 300);
    for model in ["lstm", "gru", "textcnn"] {
        let cmd = train(&csv, model, &tmp.path().join("runs"), model);
        let small = [
            "--target", "kind", "--text-column", "body", "--epochs", "4", "--set", "text.max_len=12", "--set", "rnn.hidden=16",
            "--set", "rnn.embedding_dim=16", "--set", "textcnn.embedding_dim=16", "--set", "textcnn.filters=8", "--set", "textcnn.kernel_sizes=[2,3]",
            "--lr", "0.01",
        ];
        let mut cmd = cmd;
        for a in small {
            cmd = cmd.arg(a);
        }
        cmd.ok();
        let run = tmp.path().join("runs").join(model);
        let s = json(&run.join("summary.json"));
        assert!(s["test_accuracy"].as_f64().unwrap() >= 0.9, "{model}: {s}");
        let spec = json(&run.join("model.json"));
        let terms = spec["input"]["vectorizer"]["terms"].as_array().unwrap();
        assert!(terms.iter().any(|t| t == "prize"), "the vocabulary is saved with the model");
        let out = rlab(&["predict", "--text", "claim your free cash prize now", "--text", "dinner at home later, love mum"]).arg(&run).ok().stdout;
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].starts_with("spam") && lines[2].starts_with("ham"), "{model}:\n{out}");
    }
}

#[test]
fn cnn_trains_on_idx_files_and_predicts_images() {
    let tmp = TempDir::new("cnn");
    let data = idx_dir(tmp.path());
    let mut cmd = train(&data, "cnn", &tmp.path().join("runs"), "a");
    for a in ["--epochs", "6", "--set", "cnn.channels=[4,8]", "--set", "cnn.dense=[16]", "--lr", "0.01", "--batch-size", "16"] {
        cmd = cmd.arg(a);
    }
    cmd.ok();
    let run = tmp.path().join("runs/a");
    let s = json(&run.join("summary.json"));
    // The IDX directory brings its own test set (t10k); validation comes out of train.
    assert_eq!((s["examples"]["train"].as_u64(), s["examples"]["validation"].as_u64(), s["examples"]["test"].as_u64()), (Some(216), Some(24), Some(60)));
    assert_eq!(s["classes"], serde_json::json!(["0", "1", "2"]));
    assert!(s["test_accuracy"].as_f64().unwrap() >= 0.8, "{s}");
    let (file, truth) = idx_images_file(tmp.path(), 12);
    let out = rlab(&["predict", "--format", "json"]).arg(&run).arg("--input").arg(&file).ok().stdout;
    let labels: Vec<String> = out.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["label"].as_str().unwrap().to_string()).collect();
    let right = labels.iter().zip(&truth).filter(|(l, t)| **l == t.to_string()).count();
    assert!(right >= 9, "{right}/12 right: {labels:?} vs {truth:?}");
}

fn history_numbers(run: &Path) -> Vec<(u64, Vec<f64>)> {
    let m = json(&run.join("metrics.json"));
    m["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut v: Vec<f64> = ["train", "validation"].iter().flat_map(|k| e[k].as_object().unwrap().values().map(|x| x.as_f64().unwrap())).collect();
            v.push(e["learning_rate"].as_f64().unwrap());
            (e["epoch"].as_u64().unwrap(), v)
        })
        .collect()
}

#[test]
fn extending_a_finished_run_equals_training_longer_at_once() {
    let tmp = TempDir::new("extend");
    // Dropout and Adam: the resumed run needs libtorch's RNG and the optimiser moments back.
    let cfg = ["--set", "train.early_stopping.patience=0", "--set", "mlp.dropout=0.2"];
    let whole = tabular(&tmp, "whole", &cfg);
    let mut part = cfg.to_vec();
    part.extend(["--epochs", "12"]);
    let half = tabular(&tmp, "half", &part);
    assert_eq!(json(&half.join("summary.json"))["epochs_completed"], 12);
    rlab(&["train", "classifier", "-q", "--epochs", "30", "--resume"]).arg(&half).ok();
    let s = json(&half.join("summary.json"));
    assert_eq!((s["epochs_completed"].as_u64(), s["resumed_from_epoch"].as_u64()), (Some(30), Some(12)));
    assert_eq!(history_numbers(&half), history_numbers(&whole), "resumed history differs");
    let (a, b) = (json(&whole.join("metrics.json")), json(&half.join("metrics.json")));
    assert_eq!(a["test"]["loss"], b["test"]["loss"]);
    // Nothing left to do: an error, and the run is untouched.
    let before = std::fs::read(half.join("summary.json")).unwrap();
    rlab(&["train", "classifier", "-q", "--resume"]).arg(&half).fails_with("already trained 30 epochs");
    assert_eq!(std::fs::read(half.join("summary.json")).unwrap(), before);
}

#[test]
fn ctrl_c_then_resume_matches_an_uninterrupted_run() {
    let tmp = TempDir::new("ctrlc");
    // A cosine schedule over 60 epochs of small batches: long enough to interrupt early.
    let cfg = ["--epochs", "60", "--batch-size", "8", "--set", "train.schedule.name=cosine", "--set", "train.early_stopping.patience=0", "--set", "mlp.dropout=0.2"];
    let whole = tabular(&tmp, "whole", &cfg);
    let csv = tmp.path().join("blobs.csv");
    let run = tmp.path().join("runs/cut");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rlab"))
        .args(["train", "classifier", "-q", "--device", "cpu", "--model", "mlp", "--name", "cut", "--target", "label", "--set", "mlp.hidden=[8]", "--lr", "0.01"])
        .args(cfg)
        .arg("--data")
        .arg(&csv)
        .arg("--logdir")
        .arg(tmp.path().join("runs"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt as soon as the first checkpoint exists (a Ctrl-C mid-epoch drops that epoch).
    wait_for_file(&run.join("checkpoint.safetensors"), "checkpoint");
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let s = json(&run.join("summary.json"));
    assert_eq!(s["status"], "interrupted");
    let done = s["epochs_completed"].as_u64().unwrap();
    assert!((1..60).contains(&done), "{s}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("--resume"), "the output says how to resume");
    rlab(&["train", "classifier", "-q", "--resume"]).arg(&run).ok();
    assert_eq!(json(&run.join("summary.json"))["status"], "finished");
    assert_eq!(history_numbers(&run), history_numbers(&whole), "interrupted + resumed differs from uninterrupted");
}

#[test]
fn same_seed_same_run_and_early_stopping() {
    let tmp = TempDir::new("seed");
    let a = tabular(&tmp, "a", &["--epochs", "5"]);
    let b = tabular(&tmp, "b", &["--epochs", "5"]);
    let c = tabular(&tmp, "c", &["--epochs", "5", "--seed", "2"]);
    assert_eq!(history_numbers(&a), history_numbers(&b));
    assert_ne!(history_numbers(&a), history_numbers(&c));
    // An improvement must beat the best by 10: never happens after epoch 1, so patience 2 stops at 3.
    let d = tabular(&tmp, "d", &["--set", "train.early_stopping.patience=2", "--set", "train.early_stopping.min_delta=10"]);
    let s = json(&d.join("summary.json"));
    assert_eq!((s["status"].as_str(), s["epochs_completed"].as_u64(), s["best_epoch"].as_u64()), (Some("stopped_early"), Some(3), Some(1)));
    rlab(&["train", "classifier", "-q", "--epochs", "40", "--resume"]).arg(&d).fails_with("stopped early");
}
