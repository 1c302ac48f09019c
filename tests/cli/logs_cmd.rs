//! `rlab logs`: tables, side-by-side runs, CSV/JSON export, plots, damaged files, files written
//! by TensorBoard's own writer, bad input.

use std::path::Path;

use rlab_tensorboard::{find_event_files, read_event_file};

use crate::common::{rlab, short_run, TempDir};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1e-30)
}

fn png_height(path: &Path) -> u32 {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    u32::from_be_bytes(b[20..24].try_into().unwrap())
}

#[test]
fn logs_lists_compares_exports_and_plots_runs() {
    let tmp = TempDir::new("logs");
    let runs = tmp.path().join("runs");
    short_run(&runs, "a", 1);
    short_run(&runs, "b", 2);
    let label = |n: &str| runs.join(n).display().to_string();

    let all = rlab(&["logs"]).arg(&runs).ok();
    for want in [label("a"), label("b"), "charts/episodic_return".into(), "losses/value_loss".into(), "mean of last 10".into()] {
        assert!(all.stdout.contains(&want), "missing {want}:\n{}", all.stdout);
    }

    // One tag: the runs side by side, one row each.
    let side = rlab(&["logs", "--tag", "charts/learning_rate"]).arg(&runs).ok();
    let lines: Vec<&str> = side.stdout.lines().collect();
    assert_eq!(lines[0], "charts/learning_rate");
    assert!(lines[1].starts_with("run ") && lines[2].starts_with(&label("a")) && lines[3].starts_with(&label("b")), "{}", side.stdout);
    let cells: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(cells[1..], ["4", "1024", "6.25e-5", "2.5e-4", "1.5625e-4"], "points, last step, last, max, mean:\n{}", side.stdout);

    // CSV and JSON export exactly what the event files hold.
    let ours = read_event_file(&find_event_files(&runs.join("a")).unwrap()[0]).unwrap();
    let returns = &ours.scalars["charts/episodic_return"];
    let csv = rlab(&["logs", "--format", "csv", "--tag", "charts/episodic_return"]).arg(runs.join("a")).ok();
    let rows: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(rows[0], "run,tag,step,wall_time,value");
    assert_eq!(rows.len(), returns.len() + 1);
    assert!(rows[1].starts_with(&format!("{},charts/episodic_return,{},", label("a"), returns[0].step)), "{}", rows[1]);
    let json = rlab(&["logs", "--format", "json", "--tag", "losses/"]).arg(&runs).ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let tags = v[0]["tags"].as_object().unwrap();
    assert!(tags.keys().all(|t| t.starts_with("losses/")) && tags.len() >= 5, "{:?}", tags.keys());
    let values: Vec<f64> = tags["losses/value_loss"]["values"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let want = &ours.scalars["losses/value_loss"];
    assert!(values.len() == want.len() && values.iter().zip(want).all(|(a, b)| close(*a, b.value)), "{values:?}");

    // Plots: the episodic return by default, one 500-pixel panel per chosen tag.
    let png = tmp.path().join("returns.png");
    rlab(&["logs", "--smooth", "5", "--plot"]).arg(&png).arg(&runs).ok();
    assert_eq!(png_height(&png), 500);
    let panels = tmp.path().join("panels.png");
    rlab(&["logs", "--tag", "charts/SPS", "--tag", "losses/entropy", "--plot"]).arg(&panels).arg(&runs).ok();
    assert_eq!(png_height(&panels), 1000);
    let smooth = rlab(&["logs", "--format", "json", "--smooth", "1000", "--tag", "charts/learning_rate"]).arg(runs.join("a")).ok();
    let v: serde_json::Value = serde_json::from_str(&smooth.stdout).unwrap();
    let lr = v[0]["tags"]["charts/learning_rate"]["values"].as_array().unwrap();
    assert!((lr[3].as_f64().unwrap() - 0.00015625).abs() < 1e-9, "smoothed: mean of all 4 so far: {lr:?}");

    // A damaged file is read up to the damage, with a warning naming it and the offset.
    let damaged = tmp.path().join("damaged");
    std::fs::create_dir_all(&damaged).unwrap();
    let src = find_event_files(&runs.join("b")).unwrap()[0].clone();
    let bytes = std::fs::read(&src).unwrap();
    let cut = damaged.join(src.file_name().unwrap());
    std::fs::write(&cut, &bytes[..bytes.len() - 7]).unwrap();
    let r = rlab(&["logs", "--tag", "charts/episodic_return"]).arg(&damaged).ok();
    assert!(r.stderr.contains("warning: ") && r.stderr.contains(&cut.display().to_string()) && r.stderr.contains("at byte"), "{}", r.stderr);
    assert!(r.stdout.contains("charts/episodic_return"), "{}", r.stdout);
}

#[test]
fn logs_reads_files_written_by_tensorboards_own_writer() {
    let Ok(python) = std::env::var("RLAB_TB_PYTHON") else {
        eprintln!("RLAB_TB_PYTHON not set: skipping the TensorBoard-writer check (scripts/test.sh sets it)");
        return;
    };
    let tmp = TempDir::new("tbwriter");
    let out = tmp.path().join("tb");
    // tensorboard.summary.Writer: TensorBoard's own writer (tensor-form scalars with plugin metadata).
    let script = "import sys\nfrom tensorboard.summary import Writer\nw = Writer(sys.argv[1])\n\
                  for step in range(0, 100, 10):\n    w.add_scalar('train/loss', 1.0 / (step + 1), step)\n    w.add_scalar('train/accuracy', step / 100.0, step)\nw.close()\n";
    let status = std::process::Command::new(python).arg("-c").arg(script).arg(&out).status().unwrap();
    assert!(status.success());
    let r = rlab(&["logs", "--format", "json"]).arg(&out).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let tags = &v[0]["tags"];
    let steps: Vec<i64> = tags["train/loss"]["steps"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
    assert_eq!(steps, (0..100).step_by(10).collect::<Vec<_>>());
    for (i, step) in steps.iter().enumerate() {
        let loss = tags["train/loss"]["values"][i].as_f64().unwrap();
        let acc = tags["train/accuracy"]["values"][i].as_f64().unwrap();
        // Python computes in float64, the writer stores float32 (serde_json's parse may be 1 ulp off).
        assert!(close(loss, (1.0 / (*step as f64 + 1.0)) as f32 as f64), "{loss}");
        assert!(close(acc, (*step as f64 / 100.0) as f32 as f64), "{acc}");
    }
    assert!(close(tags["train/accuracy"]["max"].as_f64().unwrap(), 0.9f32 as f64));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn bad_logs_input_fails_in_one_line() {
    let tmp = TempDir::new("logsbad");
    rlab(&["logs"]).arg(tmp.path().join("nope")).fails_with("no such file or directory");
    rlab(&["logs"]).arg(tmp.path()).fails_with("no event files");
    rlab(&["logs"]).fails_with("required");
    let runs = tmp.path().join("runs");
    let run = short_run(&runs, "a", 1);
    rlab(&["logs", "--tag", "no/such_tag"]).arg(&run).fails_with("no/such_tag");
    rlab(&["logs", "--smooth", "0"]).arg(&run).fails_with("--smooth");
    rlab(&["logs", "--last", "0"]).arg(&run).fails_with("--last");
    rlab(&["logs", "--plot", "x.jpg"]).arg(&run).fails_with(".png");
    let nowhere = tmp.path().join("no/dir/x.png");
    // The message names the file asked for, not the temporary file it is written through.
    rlab(&["logs", "--tag", "losses/", "--plot"]).arg(&nowhere).arg(&run).fails_with(&format!("cannot write {}: ", nowhere.display()));
    // A wrong choice lists the right ones.
    rlab(&["logs", "--format", "xml"]).arg(&run).fails_with("[possible values: table, csv, json]");
}
