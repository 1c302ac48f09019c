//! The real datasets, when fetched (scripts/test.sh fetches all four datasets
//! and sets RLAB_REQUIRE_DATA=1 so that a missing one fails instead of skipping): loaders give the
//! documented sizes, and a few quick epochs learn something.

use rlab::data::{builtin, store::dataset_dir};
use serde_json::Value;

use crate::common::{rlab, TempDir};

/// Whether the dataset is in the data directory; panics when it must be.
fn have(name: &str) -> bool {
    let b = builtin(name).unwrap();
    let here = b.files.iter().all(|f| dataset_dir(b).join(f.name).is_file());
    if !here {
        assert!(std::env::var("RLAB_REQUIRE_DATA").is_err(), "{name} is not fetched; run `rlab data fetch {name}`");
        eprintln!("skipped: {name} is not fetched (rlab data fetch {name})");
    }
    here
}

#[test]
fn loaders_read_the_real_files() {
    if have("sms-spam") {
        let s = builtin::load_sms(&dataset_dir(builtin("sms-spam").unwrap())).unwrap();
        assert_eq!((s.texts.len(), s.target.iter().filter(|t| *t == "1").count()), (4837, 638));
        assert!(s.texts.iter().any(|t| t.contains('\n')), "quoted multi-line messages survive");
    }
    if have("breast-cancer") {
        let (t, names) = builtin::load_breast_cancer(&dataset_dir(builtin("breast-cancer").unwrap())).unwrap();
        assert_eq!((t.n_rows(), t.n_features(), names), (569, 30, vec!["malignant".to_string(), "benign".to_string()]));
        assert_eq!(t.target.iter().filter(|c| *c == "0").count(), 212);
        assert_eq!(t.features[0], 17.99);
    }
    if have("mnist5k") {
        let m = builtin::load_mnist5k(&dataset_dir(builtin("mnist5k").unwrap())).unwrap();
        assert_eq!((m.len(), m.height, m.width), (5000, 28, 28));
        assert!((0..10).all(|c| m.labels.iter().filter(|&&l| l == c).count() == 500));
    }
    if have("fashion-mnist") {
        let (train, test) = builtin::load_fashion(&dataset_dir(builtin("fashion-mnist").unwrap())).unwrap();
        assert_eq!((train.len(), test.len(), train.height), (60_000, 10_000, 28));
    }
}

fn summary(run: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn quick_runs_on_real_data() {
    let tmp = TempDir::new("real");
    let logdir = tmp.path().join("runs");
    let run = |name: &str, args: &[&str]| {
        let mut cmd = rlab(&["train", "classifier", "-q", "--device", "cpu", "--name", name]).arg("--logdir").arg(&logdir);
        for a in args {
            cmd = cmd.arg(a);
        }
        cmd.ok();
        logdir.join(name)
    };
    if have("breast-cancer") {
        let r = run("bc", &["--data", "breast-cancer", "--model", "mlp", "--epochs", "15", "--lr", "0.01"]);
        let s = summary(&r);
        assert!(s["test_accuracy"].as_f64().unwrap() > 0.9, "{s}");
        assert_eq!((s["examples"]["train"].as_u64(), s["examples"]["test"].as_u64()), (Some(398), Some(114)));
    }
    if have("sms-spam") {
        let small = ["--set", "textcnn.filters=16", "--set", "textcnn.embedding_dim=32", "--set", "text.max_len=32", "--set", "text.max_features=1000"];
        let mut args = vec!["--data", "sms-spam", "--model", "textcnn", "--epochs", "2", "--lr", "0.01"];
        args.extend(small);
        let r = run("sms", &args);
        let s = summary(&r);
        assert_eq!(s["classes"], serde_json::json!(["ham", "spam"]));
        assert!(s["test_accuracy"].as_f64().unwrap() > 0.9, "better than always ham (0.868): {s}");
        let out = rlab(&["predict", "--text", "Ok, see you at home later"]).arg(&r).ok().stdout;
        assert!(out.contains("p(spam)"), "{out}");
    }
    if have("mnist5k") {
        let r = run("digits", &["--data", "mnist5k", "--model", "cnn", "--epochs", "1", "--set", "cnn.channels=[8]", "--set", "cnn.dense=[32]"]);
        assert!(summary(&r)["test_accuracy"].as_f64().unwrap() > 0.6);
    }
}
