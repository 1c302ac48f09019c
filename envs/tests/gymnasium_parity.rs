//! Replays CartPole-v1 episodes recorded from the real Gymnasium (scripts/gymnasium_reference.py)
//! through rlab's registered CartPole-v1 and CartPoleNoVel-v1: same start state, same actions,
//! every observation within 1e-6 and every reward and end flag identical.

use rlab_envs::{make, Action, EnvOptions, VecEnv, VecStep};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    gymnasium_version: String,
    env_id: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    /// Decimal strings (exact f64 via Rust's correctly rounded parser).
    start_state: Vec<String>,
    actions: Vec<usize>,
    obs: Vec<Vec<f32>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

const TOLERANCE: f32 = 1e-6;

impl Case {
    fn start(&self) -> Vec<f64> {
        self.start_state
            .iter()
            .map(|v| v.parse().expect("a float"))
            .collect()
    }
}

fn reference() -> Reference {
    let text = include_str!("data/cartpole_gymnasium.json");
    let r: Reference = serde_json::from_str(text).expect("valid reference JSON");
    assert_eq!(r.env_id, "CartPole-v1");
    assert!(
        r.gymnasium_version.starts_with("1."),
        "recorded with gymnasium {}",
        r.gymnasium_version
    );
    assert!(r.cases.len() >= 24);
    r
}

/// The observation rlab should give for a Gymnasium observation.
fn expected(obs: &[f32], no_velocity: bool) -> Vec<f32> {
    let mut e = obs.to_vec();
    if no_velocity {
        e[1] = 0.0;
        e[3] = 0.0;
    }
    e
}

fn assert_close(got: &[f32], want: &[f32], what: &str) -> f32 {
    assert_eq!(got.len(), want.len(), "{what}");
    let diff = got
        .iter()
        .zip(want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        diff <= TOLERANCE,
        "{what}: rlab {got:?} vs gymnasium {want:?} (max diff {diff:e})"
    );
    diff
}

fn replay(env_name: &str, no_velocity: bool) {
    let r = reference();
    let mut worst = 0.0f32;
    for case in &r.cases {
        let mut env = make(env_name, &EnvOptions::default()).unwrap();
        env.reset(Some(0));
        let first = env.set_state(&case.start()).unwrap();
        let start: Vec<f32> = case.start().iter().map(|&v| v as f32).collect();
        assert_eq!(
            first,
            expected(&start, no_velocity),
            "{}: start observation",
            case.name
        );
        let n = case.actions.len();
        for (t, &a) in case.actions.iter().enumerate() {
            let what = format!("{env_name} case {} step {}", case.name, t + 1);
            let s = env.step(&Action::Discrete(a)).unwrap();
            worst = worst.max(assert_close(
                &s.obs,
                &expected(&case.obs[t], no_velocity),
                &what,
            ));
            assert_eq!(s.reward, case.rewards[t], "{what}: reward");
            assert_eq!(
                (s.terminated, s.truncated),
                (case.terminated[t], case.truncated[t]),
                "{what}: (terminated, truncated)"
            );
            let last = t + 1 == n;
            assert_eq!(
                s.episode.map(|e| (e.length, e.r#return)),
                last.then_some((n, n as f64)),
                "{what}: episode"
            );
        }
    }
    println!(
        "{env_name}: {} cases, largest observation difference {worst:e}",
        r.cases.len()
    );
}

#[test]
fn cartpole_matches_gymnasium() {
    replay("CartPole-v1", false);
}

#[test]
fn cartpole_novel_matches_gymnasium_with_velocities_zeroed() {
    replay("CartPoleNoVel-v1", true);
}

/// The allocation-free vector path gives the same trajectories (up to each episode's end,
/// where the vector env resets and reports the last observation in `final_obs`).
#[test]
fn vector_step_discrete_matches_gymnasium() {
    let r = reference();
    let mut v = VecEnv::make("CartPole-v1", r.cases.len(), &EnvOptions::default()).unwrap();
    v.reset(Some(0));
    for (i, case) in r.cases.iter().enumerate() {
        v.set_state(i, &case.start()).unwrap();
    }
    let longest = r.cases.iter().map(|c| c.actions.len()).max().unwrap_or(0);
    let mut done = vec![false; r.cases.len()];
    let mut out = VecStep::new(v.num_envs(), v.obs_dim());
    for t in 0..longest {
        let actions: Vec<usize> = r
            .cases
            .iter()
            .map(|c| c.actions.get(t).copied().unwrap_or(0))
            .collect();
        v.step_discrete(&actions, &mut out).unwrap();
        for (i, case) in r.cases.iter().enumerate() {
            if done[i] {
                continue;
            }
            let what = format!("vector case {} step {}", case.name, t + 1);
            assert_eq!(
                (out.terminated[i], out.truncated[i]),
                (case.terminated[t], case.truncated[t]),
                "{what}"
            );
            if out.terminated[i] || out.truncated[i] {
                let last = out.final_obs[i]
                    .as_deref()
                    .expect("final_obs on the ending step");
                assert_close(last, &case.obs[t], &what);
                assert_eq!(
                    out.episodes[i].map(|e| e.length),
                    Some(case.actions.len()),
                    "{what}"
                );
                done[i] = true;
            } else {
                assert_close(out.obs_row(i, 4), &case.obs[t], &what);
            }
        }
    }
    assert!(done.iter().all(|&d| d));
}
