//! Bad input to `rlab train classifier`, `rlab predict` and `rlab data`: one line naming the
//! problem, a non-zero exit, and no run directory made or changed.

use std::path::Path;

use crate::common::{
    rlab,
    synthetic::{tabular_csv, text_csv},
    Rlab, TempDir,
};

fn no_run_dirs(logdir: &Path) {
    let n = std::fs::read_dir(logdir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(n, 0, "a failed command left a directory in {}", logdir.display());
}

fn train(logdir: &Path, args: &[&str]) -> Rlab {
    let mut cmd = rlab(&["train", "classifier", "-q", "--device", "cpu", "--logdir"]).arg(logdir);
    for a in args {
        cmd = cmd.arg(a);
    }
    cmd
}

fn file(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn bad_training_data_fails_in_one_line_before_any_directory_is_made() {
    let tmp = TempDir::new("badclf");
    let logdir = tmp.path().join("runs");
    let d = tmp.path();
    let good = tabular_csv(d, 40).to_string_lossy().into_owned();
    let malformed = file(d, "bad.csv", "a,y\n1,0\nx,1\n");
    let ragged = file(d, "ragged.csv", "a,b,y\n1,2,0\n3,1\n");
    let three = file(d, "three.csv", "a,y\n1,r\n2,g\n3,b\n4,r\n");
    let one = file(d, "one.csv", "a,y\n1,r\n2,r\n");
    let empty_text = file(d, "texts.csv", "text,label\nhello there,ham\n\"   \",spam\n");
    let cases: &[(&[&str], &str)] = &[
        (&["--data", "/nonexistent/data.csv", "--model", "mlp", "--target", "y"], "/nonexistent/data.csv does not exist"),
        (&["--data", &malformed, "--model", "mlp", "--target", "y"], "bad.csv:3: column 'a': 'x' is not a finite number"),
        (&["--data", &ragged, "--model", "mlp", "--target", "y"], "ragged.csv:3: expected 3 fields"),
        (&["--data", &good, "--model", "mlp", "--target", "nope"], "no column named 'nope'"),
        (&["--data", &good, "--model", "mlp"], "--target"),
        (&["--data", &three, "--model", "mlp", "--target", "y"], "mlp model is binary"),
        (&["--data", &one, "--model", "mlp", "--target", "y"], "single value"),
        (&["--data", &empty_text, "--model", "lstm", "--target", "label"], "texts.csv:3: empty text"),
        (&["--data", &empty_text, "--model", "lstm", "--target", "label", "--text-column", "body"], "no text column named 'body'"),
        (&["--data", &good, "--model", "resnet", "--target", "label"], "resnet"),
        (&["--model", "mlp"], "--data"),
        (&["--data", &good, "--target", "label"], "--model"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--epochs", "0"], "epochs"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--lr", "-1"], "lr"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--optimizer", "lbfgs"], "lbfgs"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--set", "data.test=0.95"], "data.test"),
        (&["--data", &empty_text, "--model", "lstm", "--target", "label", "--set", "text.ngram_range=[1,2]"], "ngram_range"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--set", "text.min_df=3", "--set", "text.max_df=2"], "max_df"),
        (&["--data", &good, "--model", "mlp", "--target", "label", "--set", "train.nope=1"], "nope"),
        (&["--data", &good, "--model", "cnn", "--target", "label"], "square"),
        (&["--data", "breast-cancer", "--model", "mlp", "--target", "label"], "has its own target"),
        (&["--data", &empty_text, "--model", "lstm", "--target", "label", "--set", "text.max_len=100000000"], "max_len"),
    ];
    for (args, needle) in cases {
        train(&logdir, args).fails_with(needle);
    }
    // Layers libtorch cannot allocate: one line and the exit status of any other input error.
    let huge = train(&logdir, &["--data", &good, "--model", "mlp", "--target", "label", "--set", "mlp.hidden=[300000,300000]"])
        .fails_with("out of memory: libtorch could not allocate 360.0 GB");
    assert_eq!(huge.code, 1, "{}", huge.stderr);
    no_run_dirs(&logdir);
}

#[test]
fn a_dataset_not_fetched_names_the_fetch_command() {
    let tmp = TempDir::new("nodata");
    let logdir = tmp.path().join("runs");
    let empty = tmp.path().join("empty").to_string_lossy().into_owned();
    for (name, model) in [("sms-spam", "lstm"), ("breast-cancer", "mlp"), ("fashion-mnist", "cnn"), ("mnist5k", "cnn")] {
        train(&logdir, &["--data", name, "--model", model]).env("RLAB_DATA", Some(&empty)).fails_with(&format!("run `rlab data fetch {name}`"));
    }
    no_run_dirs(&logdir);
    let list = rlab(&["data", "list"]).env("RLAB_DATA", Some(&empty)).ok().stdout;
    assert_eq!(list.matches("missing").count(), 4, "{list}");
    rlab(&["data", "fetch", "nope"]).env("RLAB_DATA", Some(&empty)).fails_with("unknown dataset 'nope'");
    rlab(&["data", "fetch"]).fails_with("NAMES");
}

#[test]
fn predict_rejects_bad_runs_and_inputs() {
    let tmp = TempDir::new("badpred");
    rlab(&["predict", "--text", "hi"]).arg(tmp.path().join("nope")).fails_with("not a directory");
    rlab(&["predict", "--text", "hi"]).arg(tmp.path()).fails_with("not a classifier run directory");

    let csv = text_csv(tmp.path(), 60);
    let logdir = tmp.path().join("runs");
    let mut cmd = train(&logdir, &["--model", "textcnn", "--target", "kind", "--text-column", "body", "--epochs", "1", "--name", "t"]);
    for a in ["--set", "textcnn.filters=4", "--set", "textcnn.embedding_dim=8", "--set", "text.max_len=8", "--set", "textcnn.kernel_sizes=[2]"] {
        cmd = cmd.arg(a);
    }
    cmd.arg("--data").arg(&csv).ok();
    let run = logdir.join("t");
    rlab(&["predict", "--text", ""]).arg(&run).fails_with("empty text");
    rlab(&["predict", "--text", "  \n "]).arg(&run).fails_with("empty text");
    rlab(&["predict"]).arg(&run).fails_with("--text");
    let lines = file(tmp.path(), "lines.txt", "win cash\n\nhome later\n");
    rlab(&["predict", "--input", &lines]).arg(&run).fails_with("lines.txt:2: empty text");
    rlab(&["predict", "--input", "/nonexistent/in.txt"]).arg(&run).fails_with("/nonexistent/in.txt");

    let tab = tabular_csv(tmp.path(), 40);
    train(&logdir, &["--model", "mlp", "--target", "label", "--epochs", "1", "--name", "m"]).arg("--data").arg(&tab).ok();
    let mlp = logdir.join("m");
    rlab(&["predict", "--text", "hello"]).arg(&mlp).fails_with("does not take --text");
    let short = file(tmp.path(), "short.csv", "1,2\n");
    rlab(&["predict", "--input", &short]).arg(&mlp).fails_with("2 values, but the model takes 3 features");
    let bad = file(tmp.path(), "badrow.csv", "x1,x2,x3\n1,2,3\n1,oops,3\n");
    rlab(&["predict", "--input", &bad]).arg(&mlp).fails_with("badrow.csv:3: column 'x2'");

    // A hand-edited model.json is named, not a crash.
    let spec_path = mlp.join("model.json");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&spec).unwrap();
    v["input"]["mean"].as_array_mut().unwrap().pop();
    std::fs::write(&spec_path, v.to_string()).unwrap();
    rlab(&["predict", "--input"]).arg(&tab).arg(&mlp).fails_with("3 features but 2 means");
    std::fs::write(&spec_path, spec).unwrap();

    // A corrupt weights file is named, not a crash.
    std::fs::write(mlp.join("model.safetensors"), b"garbage").unwrap();
    rlab(&["predict", "--input"]).arg(tab).arg(&mlp).fails_with("model.safetensors");
    rlab(&["train", "classifier", "--resume"]).arg(&mlp).arg("--lr").arg("0.1").fails_with("--resume");
    rlab(&["train", "classifier", "--resume"]).arg(tmp.path()).fails_with("not a classifier run directory");
}
