use crate::common::{rlab, TempDir};

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6), "{a:?} vs {b:?}");
}

#[test]
fn discounted_returns_of_one_episode() {
    let r = rlab(&["returns", "--rewards", "1,0,2", "--gamma", "0.9", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    close(&floats(&v["discounted_returns"]), &[2.62, 1.8, 2.0]);
    assert!((v["effective_horizon"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    let one = rlab(&["returns", "--rewards", "1,1", "--gamma", "1", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(one.stdout.trim()).unwrap();
    assert!(v["effective_horizon"].is_null(), "infinite horizon is null in JSON");
    let table = rlab(&["returns", "--rewards", "1,0,2", "--gamma", "0.9"]).ok();
    assert!(table.stdout.contains("2.620000") && table.stdout.contains("10.0 steps"), "{}", table.stdout);
}

#[test]
fn gae_from_a_rollout_csv_matches_the_shared_case() {
    let tmp = TempDir::new("returns");
    let csv = tmp.path().join("r.csv");
    std::fs::write(&csv, "reward,value,terminated,truncated,next_value\n1,0.5,0,0,\n1,0.6,0,0,\n1,0.7,0,1,0.8\n1,0.2,0,0,\n1,0.3,0,0,\n").unwrap();
    let r = rlab(&["returns", "--gamma", "0.9", "--lambda", "0.95", "--last-value", "0.4", "--format", "json", "--input"]).arg(&csv).ok();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    close(&floats(&v["advantages"]), &[2.666295, 1.9021, 1.02, 1.9763, 1.06]);
    close(&floats(&v["returns"]), &[3.166295, 2.5021, 1.72, 2.1763, 1.36]);

    rlab(&["returns", "--gamma", "0.9", "--input"]).arg(&csv).fails_with("--last-value");
    rlab(&["returns", "--gamma", "1.2", "--rewards", "1"]).fails_with("gamma");
    rlab(&["returns", "--gamma", "0.9", "--lambda", "-1", "--last-value", "0", "--input"]).arg(&csv).fails_with("lambda");
    rlab(&["returns", "--gamma", "0.9", "--rewards", "1,x"]).fails_with("'x'");
    std::fs::write(&csv, "reward,value,terminated,truncated,next_value\n1,0.5,0,0,\n1,oops,0,0,\n").unwrap();
    rlab(&["returns", "--gamma", "0.9", "--last-value", "0", "--input"]).arg(&csv).fails_with("line 3");
    rlab(&["returns", "--gamma", "0.9", "--input"]).arg(tmp.path().join("missing.csv")).fails_with("missing.csv");
}
