//! Environments by name, as `gymnasium.make` does.
//!
//! [`make`] builds a registered env and wraps it as `EpisodeStatistics(TimeLimit(env))`, so every
//! env made by name truncates at its step limit and reports finished episodes. A name ending in
//! `.txt` is read as a path to a grid map. [`registered`] lists what exists, for `--help` texts
//! and the checker.

use serde::{Deserialize, Serialize};

use crate::cartpole::CartPole;
use crate::env::{Env, EnvError};
use crate::gridworld::{GridMap, GridObs, GridWorld};
use crate::space::Space;
use crate::wrappers::{EpisodeStatistics, TimeLimit};

/// Options for [`make`]; `None` fields keep the env's defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvOptions {
    /// Time limit (`TimeLimit` truncation) instead of the registered one; must be >= 1.
    pub max_episode_steps: Option<usize>,
    /// Grid worlds only: observation kind (default `Image`).
    pub grid_obs: Option<GridObs>,
    /// Grid worlds only: slip probability instead of the map's.
    pub slip: Option<f64>,
}

/// What [`registered`] says about one env (its default options).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvInfo {
    pub name: String,
    pub description: String,
    pub max_episode_steps: usize,
    pub observation_space: Space,
    pub action_space: Space,
    /// Average return over 100 episodes at which the env counts as solved, where one is set.
    pub reward_threshold: Option<f64>,
}

enum Kind {
    CartPole {
        no_velocity: bool,
        description: &'static str,
    },
    /// The map's `description` header is the env's description.
    Grid { map: &'static str },
}

struct Entry {
    name: &'static str,
    kind: Kind,
}

const CARTPOLE_STEPS: usize = 500;
const CARTPOLE_THRESHOLD: f64 = 475.0;

const ENTRIES: [Entry; 6] = [
    Entry {
        name: "CartPole-v1",
        kind: Kind::CartPole {
            no_velocity: false,
            description: "balance a pole on a cart (Gymnasium CartPole-v1 dynamics)",
        },
    },
    Entry {
        name: "CartPoleNoVel-v1",
        kind: Kind::CartPole {
            no_velocity: true,
            description:
                "CartPole with the velocities hidden (indices 1 and 3 are 0): needs memory",
        },
    },
    Entry {
        name: "GridEmpty-v0",
        kind: Kind::Grid {
            map: include_str!("../maps/empty.txt"),
        },
    },
    Entry {
        name: "GridCliff-v0",
        kind: Kind::Grid {
            map: include_str!("../maps/cliff.txt"),
        },
    },
    Entry {
        name: "GridMaze-v0",
        kind: Kind::Grid {
            map: include_str!("../maps/maze.txt"),
        },
    },
    Entry {
        name: "GridSlippery-v0",
        kind: Kind::Grid {
            map: include_str!("../maps/slippery.txt"),
        },
    },
];

/// Build the env `name` (a registered name, or a path ending in `.txt` to a grid map), wrapped
/// in `TimeLimit` and `EpisodeStatistics`. Options that do not apply to the env are an error.
pub fn make(name: &str, options: &EnvOptions) -> Result<Box<dyn Env>, EnvError> {
    // CartPole wrapped as its concrete type: one virtual call per step instead of two, and the
    // wrappers inline around the physics.
    if let Some((no_velocity, steps)) = cartpole_variant(name, options)? {
        return Ok(Box::new(EpisodeStatistics::new(TimeLimit::try_new(CartPole::variant(no_velocity), steps)?)));
    }
    let (env, default_steps) = build(name, options)?;
    let steps = options.max_episode_steps.unwrap_or(default_steps);
    let limited = TimeLimit::try_new(env, steps)?;
    Ok(Box::new(EpisodeStatistics::new(limited)))
}

/// Every registered env with its default options.
pub fn registered() -> Vec<EnvInfo> {
    ENTRIES
        .iter()
        .filter_map(|e| {
            let (env, steps) = build(e.name, &EnvOptions::default()).ok()?;
            let description = match e.kind {
                Kind::CartPole { description, .. } => description.to_string(),
                Kind::Grid { map } => GridMap::parse(map, e.name).ok()?.description,
            };
            Some(EnvInfo {
                name: e.name.to_string(),
                description,
                max_episode_steps: steps,
                observation_space: env.observation_space().clone(),
                action_space: env.action_space().clone(),
                reward_threshold: match e.kind {
                    Kind::CartPole { .. } => Some(CARTPOLE_THRESHOLD),
                    Kind::Grid { .. } => None,
                },
            })
        })
        .collect()
}

/// Whether `name` names a grid world (a registered one, or a path to a `.txt` map).
pub fn is_grid(name: &str) -> bool {
    match ENTRIES.iter().find(|e| e.name == name) {
        Some(e) => matches!(e.kind, Kind::Grid { .. }),
        None => name.ends_with(".txt"),
    }
}

/// The grid world `name` (registered, or a path to a `.txt` map) without wrappers, e.g. to
/// plan on its model with [`GridWorld::solve`]. `options.max_episode_steps` is ignored.
pub fn make_grid(name: &str, options: &EnvOptions) -> Result<GridWorld, EnvError> {
    let map = match ENTRIES.iter().find(|e| e.name == name).map(|e| &e.kind) {
        Some(Kind::Grid { map }) => GridMap::parse(map, name)?,
        Some(Kind::CartPole { .. }) => {
            return Err(EnvError::BadArg(format!("{name} is not a grid world")));
        }
        None if name.ends_with(".txt") => GridMap::from_path(std::path::Path::new(name))?,
        None => return Err(unknown(name)),
    };
    let env = GridWorld::new(map, options.grid_obs.unwrap_or_default());
    match options.slip {
        Some(slip) => env.with_slip(slip),
        None => Ok(env),
    }
}

fn unknown(name: &str) -> EnvError {
    EnvError::UnknownEnv {
        name: name.to_string(),
        known: ENTRIES.iter().map(|e| e.name.to_string()).collect(),
    }
}

/// The unwrapped env and its default step limit.
/// For a CartPole name: whether it hides the velocities and its time limit (options checked,
/// as `make` checks them); `None` for other envs. The vector env's batched backend uses it.
pub(crate) fn cartpole_variant(name: &str, options: &EnvOptions) -> Result<Option<(bool, usize)>, EnvError> {
    let Some(Kind::CartPole { no_velocity, .. }) = ENTRIES.iter().find(|e| e.name == name).map(|e| &e.kind) else {
        return Ok(None);
    };
    for (set, what) in [
        (options.grid_obs.is_some(), "grid_obs"),
        (options.slip.is_some(), "slip"),
    ] {
        if set {
            return Err(EnvError::BadArg(format!(
                "option {what} applies to grid worlds only, not {name}"
            )));
        }
    }
    Ok(Some((*no_velocity, options.max_episode_steps.unwrap_or(CARTPOLE_STEPS))))
}

fn build(name: &str, options: &EnvOptions) -> Result<(Box<dyn Env>, usize), EnvError> {
    if let Some((no_velocity, _)) = cartpole_variant(name, options)? {
        return Ok((Box::new(CartPole::variant(no_velocity)), CARTPOLE_STEPS));
    }
    let env = make_grid(name, options)?;
    let steps = env.max_steps();
    Ok((Box::new(env), steps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_env;
    use crate::space::Action;

    #[test]
    fn every_registered_env_passes_the_checker() {
        let all = registered();
        assert_eq!(all.len(), ENTRIES.len(), "every embedded map parses");
        for info in all {
            for seed in [0, 123] {
                let mut env = make(&info.name, &EnvOptions::default()).unwrap();
                assert_eq!(env.name(), info.name);
                check_env(env.as_mut(), seed).unwrap_or_else(|e| panic!("{}: {e}", info.name));
            }
            if info.name.starts_with("Grid") {
                let opts = EnvOptions {
                    grid_obs: Some(GridObs::Flat),
                    ..Default::default()
                };
                check_env(make(&info.name, &opts).unwrap().as_mut(), 5).unwrap();
            }
        }
    }

    #[test]
    fn make_grid_gives_the_plannable_env() {
        let opts = EnvOptions {
            slip: Some(0.0),
            ..Default::default()
        };
        let grid = make_grid("GridCliff-v0", &opts).unwrap();
        assert_eq!(grid.map().slip, 0.0);
        let v = grid.solve(1.0, 1e-9).unwrap().start_value;
        assert!(
            (v - 0.88).abs() < 1e-12,
            "13 steps: 12 step rewards then the goal, got {v}"
        );
        assert!(make_grid("CartPole-v1", &EnvOptions::default()).is_err());
        assert!(matches!(
            make_grid("Nope-v0", &EnvOptions::default()),
            Err(EnvError::UnknownEnv { .. })
        ));
        for info in registered() {
            assert!(!info.description.is_empty(), "{}", info.name);
        }
    }

    #[test]
    fn unwrapped_envs_pass_the_checker() {
        check_env(&mut CartPole::new(), 1).unwrap();
        check_env(&mut CartPole::no_velocity(), 1).unwrap();
    }

    #[test]
    fn cartpole_truncates_at_500() {
        let mut env = make("CartPole-v1", &EnvOptions::default()).unwrap();
        env.reset(Some(0));
        // set_state keeps the TimeLimit's counter: hold the pole upright by putting it back.
        for t in 1..=500 {
            env.set_state(&[0.0; 4]).unwrap();
            let s = env.step(&Action::Discrete(t % 2)).unwrap();
            assert!(!s.terminated);
            assert_eq!(s.truncated, t == 500, "step {t}");
            if t == 500 {
                assert_eq!(
                    s.episode.map(|e| (e.r#return, e.length)),
                    Some((500.0, 500))
                );
            }
        }
    }

    #[test]
    fn unknown_names_and_bad_options() {
        let e = make("CartPole-v0", &EnvOptions::default()).err().unwrap();
        let msg = e.to_string();
        assert!(
            msg.contains("CartPole-v1") && msg.contains("GridMaze-v0") && !msg.contains('\n'),
            "{msg}"
        );
        let slip = EnvOptions {
            slip: Some(0.1),
            ..Default::default()
        };
        assert!(make("CartPole-v1", &slip).is_err());
        assert!(make(
            "GridEmpty-v0",
            &EnvOptions {
                slip: Some(2.0),
                ..Default::default()
            }
        )
        .is_err());
        assert!(make(
            "GridEmpty-v0",
            &EnvOptions {
                max_episode_steps: Some(0),
                ..Default::default()
            }
        )
        .is_err());
        assert!(matches!(
            make("/no/such/map.txt", &EnvOptions::default()),
            Err(EnvError::Io { .. })
        ));
    }

    #[test]
    fn grid_maps_load_from_paths() {
        let path = std::env::temp_dir().join(format!("rlab-envs-test-{}.txt", std::process::id()));
        std::fs::write(&path, "; max_steps = 9\nS.G\n").unwrap();
        let mut env = make(path.to_str().unwrap(), &EnvOptions::default()).unwrap();
        assert_eq!(env.observation_space().shape(), vec![4, 1, 3]);
        env.reset(Some(0));
        for _ in 0..8 {
            assert!(!env.step(&Action::Discrete(3)).unwrap().truncated);
        }
        assert!(env.step(&Action::Discrete(3)).unwrap().truncated);
        std::fs::write(&path, "S.G\n..X\n#S.\n").unwrap();
        let e = make(path.to_str().unwrap(), &EnvOptions::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains(", line 3: a second start"), "{e}");
        std::fs::remove_file(&path).ok();
    }
}
