use crate::common::{rlab, TempDir};

#[test]
fn envs_lists_every_registered_env_with_its_spaces() {
    let r = rlab(&["envs", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    for want in ["CartPole-v1", "CartPoleNoVel-v1", "GridEmpty-v0", "GridCliff-v0", "GridMaze-v0", "GridSlippery-v0"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let table = rlab(&["envs"]).ok();
    assert!(table.stdout.contains("Discrete(2)") && table.stdout.contains("shape [4, 7, 7]"), "{}", table.stdout);
}

#[test]
fn play_from_a_state_prints_json_lines_matching_gymnasium_golden_values() {
    let r = rlab(&["play", "CartPole-v1", "--state", "0,0,0,0", "--actions", "1,1,1,1,1,1,1,1,1,1", "--format", "json"]).ok();
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // reset line + 9 steps: always pushing right terminates at step 9 (the 10th action is not used).
    assert_eq!(lines.len(), 10, "{}", r.stdout);
    assert!(r.stderr.contains("1 actions not used"), "{}", r.stderr);
    let obs3: Vec<f64> = lines[3]["obs"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let want3 = [0.01170732, 0.58544737, -0.01756098, -0.87988698];
    assert!(obs3.iter().zip(want3).all(|(a, b)| (a - b).abs() < 1e-6), "{obs3:?}");
    let last = &lines[9];
    assert_eq!(last["terminated"], true);
    assert_eq!(last["truncated"], false);
    assert_eq!(last["reward"], 1.0);
    assert!(lines[..9].iter().all(|l| l["terminated"] == false));
}

#[test]
fn play_rejects_bad_input() {
    rlab(&["play", "NoSuchEnv-v9", "--actions", "0"]).fails_with("NoSuchEnv-v9");
    rlab(&["play", "CartPole-v1", "--actions", "0,2"]).fails_with("action 2");
    rlab(&["play", "CartPole-v1", "--actions", "0,x"]).fails_with("'x'");
    rlab(&["play", "CartPole-v1", "--state", "0,0,0", "--actions", "0"]).fails_with("state");
    rlab(&["play", "GridEmpty-v0", "--actions", "4"]).fails_with("action 4");
    // Without --actions and without a terminal there is nothing to play.
    rlab(&["play", "GridEmpty-v0"]).fails_with("--actions");
}

#[test]
fn play_a_grid_world_to_the_goal() {
    // GridEmpty-v0: start top-left, goal bottom-right of a 5x5 room: 4 right, 4 down.
    let r = rlab(&["play", "GridEmpty-v0", "--seed", "0", "--actions", "1,1,1,1,2,2,2,2", "--format", "json"]).ok();
    let last: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["terminated"], true);
    assert_eq!(last["step"], 8);
}

#[test]
fn solve_gives_exact_values_and_discount_changes_the_policy() {
    let json = |gamma: &str| -> serde_json::Value {
        let r = rlab(&["solve", "GridCliff-v0", "--format", "json", "--gamma", gamma]).ok();
        serde_json::from_str(&r.stdout).unwrap()
    };
    let (a, b) = (json("0.99"), json("0.8"));
    for key in ["gamma", "start_value", "values", "policy"] {
        assert!(a.get(key).is_some(), "missing {key}");
    }
    assert!(a["start_value"].as_f64().unwrap() > b["start_value"].as_f64().unwrap());
    assert_ne!(a["policy"], b["policy"], "the discount rate should change the optimal policy on the cliff");

    // A deterministic corridor: S . G with step reward 0 and goal reward 1 → V(S) = γ (two moves, the second enters G).
    let tmp = TempDir::new("solve");
    let map = tmp.path().join("corridor.txt");
    std::fs::write(&map, "; step_reward = 0\n; goal_reward = 1\n#####\n#S.G#\n#####\n").unwrap();
    let r = rlab(&["solve", "--gamma", "0.9", "--format", "json"]).arg(&map).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!((v["start_value"].as_f64().unwrap() - 0.9).abs() < 1e-9, "{v}");

    rlab(&["solve", "GridCliff-v0", "--gamma", "1.5"]).fails_with("gamma");
    rlab(&["solve", "CartPole-v1", "--gamma", "0.9"]).fails_with("not a grid world");
    std::fs::write(&map, "#####\n#S.G#\n#S..\n").unwrap();
    rlab(&["solve", "--gamma", "0.9"]).arg(&map).fails_with("line");
}
