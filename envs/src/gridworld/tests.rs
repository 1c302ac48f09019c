use super::*;

const ROOM: &str = "; slip = 0.2\n#####\n#...#\n#.S.#\n#..G#\n#####\n";

fn room(obs: GridObs) -> GridWorld {
    GridWorld::from_str(ROOM, "room", obs).unwrap()
}

#[test]
fn observations_are_one_hot() {
    let mut env = room(GridObs::Image);
    assert_eq!(env.observation_space().shape(), vec![4, 5, 5]);
    let obs = env.reset(Some(0));
    assert!(env.observation_space().contains(&obs));
    let plane = |p: usize| &obs[p * 25..(p + 1) * 25];
    assert_eq!(plane(0).iter().sum::<f32>(), 16.0, "16 border walls");
    assert_eq!(plane(1)[12], 1.0, "agent at (2, 2)");
    assert_eq!(plane(1).iter().sum::<f32>(), 1.0);
    assert_eq!(plane(2)[18], 1.0, "goal at (3, 3)");
    assert_eq!(plane(3).iter().sum::<f32>(), 0.0, "no hazards");

    let mut flat = room(GridObs::Flat);
    assert_eq!(flat.observation_space().shape(), vec![25]);
    let obs = flat.reset(Some(0));
    assert_eq!(obs.iter().position(|&v| v == 1.0), Some(12));
    assert_eq!(obs.iter().sum::<f32>(), 1.0);
    assert_eq!(flat.set_state(&[6.0]).unwrap()[6], 1.0);
    let mut buf = vec![9.0; 25];
    flat.reset_into(None, &mut buf).unwrap();
    assert_eq!(buf, obs);
}

#[test]
fn walls_block_and_goal_terminates() {
    let mut env = GridWorld::from_str("#####\n#S#G#\n#...#\n#####\n", "u", GridObs::Flat).unwrap();
    env.reset(Some(0));
    let right = Action::Discrete(1);
    let s = env.step(&right).unwrap();
    assert_eq!(
        (env.agent_cell(), s.reward, s.terminated),
        (6, -0.01, false),
        "wall to the right"
    );
    env.step(&Action::Discrete(0)).unwrap();
    assert_eq!(env.agent_cell(), 6, "wall above");
    for a in [2, 1, 1] {
        assert!(!env.step(&Action::Discrete(a)).unwrap().terminated);
    }
    let s = env.step(&Action::Discrete(0)).unwrap();
    assert_eq!((env.agent_cell(), s.reward, s.terminated), (8, 1.0, true));
    let s = env.step(&Action::Discrete(2)).unwrap();
    assert_eq!(
        (env.agent_cell(), s.reward, s.terminated),
        (8, 0.0, true),
        "terminal cells absorb"
    );
    assert_eq!(env.render(), "#####\n#S#A#\n#...#\n#####\n");
}

#[test]
fn hazards_terminate_with_hazard_reward() {
    let mut env = GridWorld::from_str("; hazard_reward = -5\nXS.G\n", "h", GridObs::Flat).unwrap();
    env.reset(Some(0));
    let s = env.step(&Action::Discrete(3)).unwrap();
    assert_eq!((s.reward, s.terminated), (-5.0, true));
}

#[test]
fn slip_statistics_match_the_model() {
    let mut env = room(GridObs::Flat);
    env.reset(Some(7));
    let model = env.transitions(12, 0);
    assert_eq!(model.len(), 3);
    let mut counts = [0usize; 25];
    let n = 20_000;
    for _ in 0..n {
        env.set_state(&[12.0]).unwrap();
        env.step(&Action::Discrete(0)).unwrap();
        counts[env.agent_cell()] += 1;
    }
    let freq = |c: usize| counts[c] as f64 / n as f64;
    assert!((freq(7) - 0.8).abs() < 0.015, "up {}", freq(7));
    assert!((freq(13) - 0.1).abs() < 0.01, "right {}", freq(13));
    assert!((freq(11) - 0.1).abs() < 0.01, "left {}", freq(11));
    for (p, next, reward, terminal) in model {
        assert!((freq(next) - p).abs() < 0.015);
        assert_eq!((reward, terminal), (-0.01, false));
    }
}

#[test]
fn transitions_merge_and_sum_to_one() {
    let env = room(GridObs::Flat);
    // Corner (1, 1) moving up: up and left both bump into walls and stay; right slips to (1, 2).
    let t = env.transitions(6, 0);
    assert_eq!(t.len(), 2);
    assert!((t[0].0 - 0.9).abs() < 1e-12 && t[0].1 == 6);
    assert!((t[1].0 - 0.1).abs() < 1e-12 && t[1].1 == 7);
    // Next to the goal, moving right: the goal with 0.8.
    let t = env.transitions(17, 1);
    assert!(t.contains(&(0.8, 18, 1.0, true)));
    for cell in 0..25 {
        for a in 0..4 {
            let t = env.transitions(cell, a);
            if env.map().cells[cell] != Cell::Wall {
                assert!((t.iter().map(|x| x.0).sum::<f64>() - 1.0).abs() < 1e-12);
            } else {
                assert!(t.is_empty());
            }
        }
    }
    assert_eq!(env.transitions(18, 2), vec![(1.0, 18, 0.0, true)]);
    assert!(env.transitions(12, 4).is_empty() && env.transitions(99, 0).is_empty());
}

#[test]
fn same_seed_same_trajectory() {
    let run = |seed| {
        let mut env = room(GridObs::Flat);
        env.reset(Some(seed));
        (0..50)
            .map(|t| {
                env.step(&Action::Discrete(t % 4)).unwrap();
                env.agent_cell()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

#[test]
fn value_iteration_on_a_corridor() {
    let env =
        GridWorld::from_str("; step_reward = -0.1\nS...G\n", "corridor", GridObs::Flat).unwrap();
    let sol = env.solve(0.9, 1e-12).unwrap();
    // V(d steps from G) = step * (1 + g + ... + g^(d-2)) + g^(d-1) * goal.
    let expected = [0.458, 0.62, 0.8, 1.0, 0.0];
    for (v, e) in sol.values.iter().zip(expected) {
        assert!((v - e).abs() < 1e-9, "{:?}", sol.values);
    }
    assert_eq!(sol.policy, vec![Some(1), Some(1), Some(1), Some(1), None]);
    assert!((sol.start_value - 0.458).abs() < 1e-9);
    assert!(sol.iterations >= 4);
    assert_eq!(sol.render_policy(), "→→→→G\n");
    assert_eq!(
        sol.render_values(),
        "   0.458   0.620   0.800   1.000       G\n"
    );

    // Undiscounted: V = goal + (d - 1) * step.
    let sol = env.solve(1.0, 1e-12).unwrap();
    assert!((sol.start_value - 0.7).abs() < 1e-9);
}

#[test]
fn value_iteration_with_walls_and_slip() {
    let env = room(GridObs::Flat);
    let sol = env.solve(0.95, 1e-10).unwrap();
    assert!(sol.values[0].is_nan(), "walls are NaN");
    assert_eq!(sol.values[18], 0.0);
    assert_eq!(sol.policy[18], None);
    assert!(
        sol.start_value > 0.8 && sol.start_value < -0.01 + 0.95,
        "{}",
        sol.start_value
    );
    // Bellman consistency at every state.
    for c in (0..25).filter(|&c| sol.policy[c].is_some()) {
        let q = |a| {
            env.transitions(c, a)
                .iter()
                .map(|&(p, n, r, t)| p * (r + if t { 0.0 } else { 0.95 * sol.values[n] }))
                .sum::<f64>()
        };
        let best = (0..4).map(q).fold(f64::MIN, f64::max);
        assert!((best - sol.values[c]).abs() < 1e-8);
        assert!((q(sol.policy[c].unwrap()) - best).abs() < 1e-8);
    }
    let rendered = sol.render_policy();
    assert_eq!(rendered.lines().count(), 5);
    assert!(rendered.starts_with("#####\n#"));
}

#[test]
fn solve_rejects_bad_arguments_and_divergence() {
    let env = room(GridObs::Flat);
    assert!(env.solve(1.5, 1e-6).is_err());
    assert!(env.solve(-0.1, 1e-6).is_err());
    assert!(env.solve(0.9, 0.0).is_err());
    let looping = GridWorld::from_str("; step_reward = 1\nS.G\n", "l", GridObs::Flat).unwrap();
    let e = looping.solve(1.0, 1e-6).unwrap_err();
    assert!(e.to_string().contains("did not converge"), "{e}");
    assert!(looping.solve(0.5, 1e-9).is_ok());
}

#[test]
fn errors_not_panics() {
    let mut env = room(GridObs::Image);
    env.reset(Some(0));
    assert!(matches!(
        env.step(&Action::Discrete(4)),
        Err(EnvError::InvalidAction { .. })
    ));
    assert!(env.set_state(&[0.0]).is_err(), "wall");
    assert!(env.set_state(&[1.5]).is_err());
    assert!(env.set_state(&[-1.0]).is_err());
    assert!(env.set_state(&[25.0]).is_err());
    assert!(env.set_state(&[6.0, 1.0]).is_err());
    assert!(env.step_into(&Action::Discrete(0), &mut [0.0; 3]).is_err());
    assert!(room(GridObs::Flat).with_slip(1.2).is_err());
    assert_eq!(
        room(GridObs::Flat)
            .with_slip(0.0)
            .unwrap()
            .transitions(12, 0)
            .len(),
        1
    );
}

#[test]
fn discount_changes_the_cliff_path() {
    let env =
        GridWorld::from_str(include_str!("../../maps/cliff.txt"), "cliff", GridObs::Flat).unwrap();
    let edge_row = |sol: &Solution| (1..=11).map(|c| sol.policy[3 * 14 + c]).collect::<Vec<_>>();
    let start = 4 * 14 + 1;
    assert_eq!(env.map().start, start);

    // Without slip the shortest path along the edge is optimal.
    let sol = env
        .clone()
        .with_slip(0.0)
        .unwrap()
        .solve(0.99, 1e-10)
        .unwrap();
    assert_eq!(edge_row(&sol), vec![Some(1); 11]);
    // With slip 0.1, a far-sighted agent leaves the edge row ...
    let sol = env.solve(0.99, 1e-10).unwrap();
    assert_eq!(edge_row(&sol), vec![Some(0); 11]);
    assert_eq!(sol.policy[start], Some(0));
    // ... a more myopic one hugs it for the last cells ...
    let sol = env.solve(0.9, 1e-10).unwrap();
    assert_eq!(edge_row(&sol)[9..], [Some(1), Some(1)]);
    assert_eq!(sol.policy[start], Some(0));
    // ... and a very myopic one waits for a safe slip instead of stepping up.
    assert_eq!(env.solve(0.8, 1e-10).unwrap().policy[start], Some(3));
}

#[test]
fn grid_obs_names() {
    assert_eq!("Flat".parse::<GridObs>().unwrap(), GridObs::Flat);
    assert_eq!("image".parse::<GridObs>().unwrap(), GridObs::Image);
    assert!("pixels".parse::<GridObs>().is_err());
    assert_eq!(GridObs::Flat.to_string(), "flat");
}

#[test]
fn policy_evaluation_matches_closed_forms_and_the_optimum() {
    let corridor =
        GridWorld::from_str("; step_reward = -0.1\nS...G\n", "corridor", GridObs::Flat).unwrap();
    // Always right: the optimal values of `value_iteration_on_a_corridor`.
    let v = corridor.evaluate_policy(0.9, &[1, 1, 1, 1, 0], 1e-12).unwrap();
    for (v, e) in v.iter().zip([0.458, 0.62, 0.8, 1.0, 0.0]) {
        assert!((v - e).abs() < 1e-9, "{v} vs {e}");
    }
    // Always left never ends: V = step / (1 - γ) everywhere but next to nothing.
    let v = corridor.evaluate_policy(0.9, &[3; 5], 1e-12).unwrap();
    assert!((v[0] + 1.0).abs() < 1e-9 && (v[3] + 1.0).abs() < 1e-9, "{v:?}");
    let e = corridor.evaluate_policy(1.0, &[3; 5], 1e-9).unwrap_err();
    assert!(e.to_string().contains("never ends an episode"), "{e}");

    // The optimal policy's exact values are the optimal values, slip included; any other
    // policy is worth less from the start.
    for map in [include_str!("../../maps/cliff.txt"), include_str!("../../maps/slippery.txt")] {
        let env = GridWorld::from_str(map, "m", GridObs::Image).unwrap();
        for gamma in [0.9, 0.99] {
            let sol = env.solve(gamma, 1e-12).unwrap();
            let best: Vec<usize> = sol.policy.iter().map(|a| a.unwrap_or(0)).collect();
            let v = env.evaluate_policy(gamma, &best, 1e-12).unwrap();
            for (a, b) in v.iter().zip(&sol.values) {
                assert!(a.is_nan() && b.is_nan() || (a - b).abs() < 1e-8, "{a} vs {b}");
            }
            let up: Vec<usize> = vec![0; best.len()];
            let worse = env.evaluate_policy(gamma, &up, 1e-12).unwrap();
            assert!(worse[env.map().start] < sol.start_value - 1e-3);
        }
    }
    assert!(corridor.evaluate_policy(0.9, &[1; 4], 1e-9).is_err(), "wrong length");
    assert!(corridor.evaluate_policy(0.9, &[1, 1, 7, 1, 0], 1e-9).is_err(), "bad action");
    assert!(corridor.evaluate_policy(1.1, &[1; 5], 1e-9).is_err());
}

#[test]
fn observation_at_is_what_the_env_shows_there() {
    for kind in [GridObs::Image, GridObs::Flat] {
        let mut env = room(kind);
        for cell in [6, 8, 12, 16] {
            let shown = env.set_state(&[cell as f64]).unwrap();
            assert_eq!(env.observation_at(cell).unwrap(), shown);
        }
        assert!(env.observation_at(25).is_err());
    }
}
