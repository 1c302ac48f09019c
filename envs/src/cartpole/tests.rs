use super::*;

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-7)
}

fn run_until_done(env: &mut CartPole, policy: impl Fn(usize) -> usize) -> (usize, Vec<f32>) {
    for t in 0..1000 {
        let s = env.step(&Action::Discrete(policy(t))).unwrap();
        assert_eq!(s.reward, 1.0);
        if s.terminated {
            return (t + 1, s.obs);
        }
    }
    panic!("never terminated");
}

#[test]
#[allow(clippy::excessive_precision)] // the values as quoted in the reference notes
fn golden_values_from_zero_state() {
    let mut env = CartPole::new();
    assert_eq!(env.set_state(&[0.0; 4]).unwrap(), vec![0.0; 4]);
    let expected: [[f32; 4]; 3] = [
        [0.0, 0.19512194, 0.0, -0.29268292],
        [0.00390244, 0.39024389, -0.00585366, -0.58536583],
        [0.01170732, 0.58544737, -0.01756098, -0.87988698],
    ];
    for e in expected {
        let s = env.step(&Action::Discrete(1)).unwrap();
        assert!(close(&s.obs, &e), "{:?} vs {:?}", s.obs, e);
        assert!(!s.terminated && !s.truncated);
    }
}

#[test]
#[allow(clippy::excessive_precision)]
fn always_right_terminates_at_step_9() {
    let mut env = CartPole::new();
    env.set_state(&[0.0; 4]).unwrap();
    let (t, obs) = run_until_done(&mut env, |_| 1);
    assert_eq!(t, 9);
    assert!(
        close(&obs, &[0.14065097, 1.7603811, -0.21518604, -2.7778864]),
        "{obs:?}"
    );
}

#[test]
fn alternating_terminates_at_step_33() {
    let mut env = CartPole::new();
    env.set_state(&[0.0; 4]).unwrap();
    assert_eq!(run_until_done(&mut env, |t| t % 2).0, 33);
}

#[test]
fn steps_after_termination_give_zero_reward() {
    let mut env = CartPole::new();
    env.set_state(&[0.0; 4]).unwrap();
    run_until_done(&mut env, |_| 1);
    let s = env.step(&Action::Discrete(1)).unwrap();
    assert!(s.terminated);
    assert_eq!(s.reward, 0.0);
}

#[test]
fn no_velocity_hides_indices_1_and_3() {
    let mut full = CartPole::new();
    let mut novel = CartPole::no_velocity();
    let a = full.reset(Some(3));
    let b = novel.reset(Some(3));
    assert_eq!([b[0], b[2]], [a[0], a[2]]);
    assert_eq!([b[1], b[3]], [0.0, 0.0]);
    for t in 0..5 {
        let a = full.step(&Action::Discrete(t % 2)).unwrap().obs;
        let b = novel.step(&Action::Discrete(t % 2)).unwrap().obs;
        assert_eq!(b, vec![a[0], 0.0, a[2], 0.0]);
    }
    assert_eq!(novel.state(), full.state());
}

#[test]
fn reset_is_seeded_and_small() {
    let mut env = CartPole::new();
    let a = env.reset(Some(42));
    let b = env.reset(None);
    assert_ne!(a, b);
    assert_eq!(env.reset(Some(42)), a);
    assert!(a.iter().all(|v| v.abs() < 0.05));
    assert!(env.observation_space().contains(&a));
}

#[test]
fn errors_instead_of_panics() {
    let mut env = CartPole::new();
    assert!(matches!(
        env.step(&Action::Discrete(0)),
        Err(EnvError::NotReset { .. })
    ));
    env.reset(Some(0));
    let before = env.state();
    assert!(matches!(
        env.step(&Action::Discrete(2)),
        Err(EnvError::InvalidAction { .. })
    ));
    assert!(matches!(
        env.step(&Action::Continuous(vec![1.0])),
        Err(EnvError::InvalidAction { .. })
    ));
    assert_eq!(
        env.state(),
        before,
        "an invalid action leaves the state alone"
    );
    assert!(env.set_state(&[0.0; 3]).is_err());
    assert!(env.set_state(&[0.0, f64::NAN, 0.0, 0.0]).is_err());
    assert!(env.step_into(&Action::Discrete(0), &mut [0.0; 3]).is_err());
}

#[test]
fn render_shows_cart_and_pole() {
    let mut env = CartPole::new();
    assert!(env.render().contains("not reset"));
    env.set_state(&[0.0, 0.0, 0.1, 0.0]).unwrap();
    let r = env.render();
    assert!(r.contains("[#]") && r.contains('/'), "{r}");
    assert_eq!(r.lines().count(), 4);
}
