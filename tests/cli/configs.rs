use std::path::PathBuf;

use crate::common::rlab;

fn tomls(sub: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(sub);
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    found.sort();
    found
}

#[test]
fn every_ready_made_config_resolves() {
    let agents = tomls("configs");
    assert!(agents.len() >= 10, "expected the ready-made agent configs, found {}", agents.len());
    for path in &agents {
        let r = rlab(&["run", "--print-config", "--config"]).arg(path).ok();
        assert!(r.stdout.contains("algo = "), "{}: {}", path.display(), r.stdout);
    }
}

#[test]
fn every_ready_made_classifier_config_resolves() {
    let classifiers = tomls("configs/supervised");
    assert!(classifiers.len() >= 5, "expected the ready-made classifier configs, found {}", classifiers.len());
    for path in &classifiers {
        let r = rlab(&["train", "classifier", "--print-config", "--config"]).arg(path).ok();
        let model = std::fs::read_to_string(path).unwrap().lines().find(|l| l.starts_with("model = ")).unwrap().to_string();
        assert!(r.stdout.contains(&model), "{}: {}", path.display(), r.stdout);
    }
}
