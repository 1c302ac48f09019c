use crate::common::rlab;

#[test]
fn every_ready_made_config_resolves() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/configs");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let r = rlab(&["run", "--print-config", "--config"]).arg(&path).ok();
            assert!(r.stdout.contains("algo = "), "{}: {}", path.display(), r.stdout);
            n += 1;
        }
    }
    assert!(n >= 10, "expected the ready-made configs, found {n}");
}
