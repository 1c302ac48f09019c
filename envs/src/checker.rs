//! A checker for the [`Env`] contract, in the spirit of Gymnasium's `env_checker`.
//!
//! Run it over every env (the registry tests do): it catches the mistakes that silently ruin
//! training — observations outside the declared space, seeds that do not reproduce, a fast
//! path (`step_into`) that disagrees with `step`, panics on bad actions.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::env::{Env, EnvError};
use crate::space::{Action, Space};

/// Steps per checked trajectory.
const STEPS: usize = 300;

/// One recorded step: observation, reward, terminated, truncated.
type Record = (Vec<f32>, f64, bool, bool);

/// Check `env` against the [`Env`] contract; `Err` holds a one-line description of the first
/// violation. Checks, with `seed`:
/// - the spaces are usable and action samples lie in the action space;
/// - `reset(Some(seed))` gives an observation in the space, the same one each time;
/// - a random-action trajectory (resetting with `None` whenever an episode ends) has every
///   observation in the space, finite rewards, consistent episode statistics, and replays
///   identically after `reset(Some(seed))`;
/// - the replay through `step_into`/`reset_into` gives exactly the same trajectory;
/// - invalid actions return `Err(InvalidAction)` without panicking and without changing the
///   trajectory;
/// - `render` returns text.
pub fn check_env(env: &mut dyn Env, seed: u64) -> Result<(), String> {
    let name = env.name().to_string();
    check_env_inner(env, seed).map_err(|e| format!("{name}: {e}"))
}

fn check_env_inner(env: &mut dyn Env, seed: u64) -> Result<(), String> {
    let obs_space = env.observation_space().clone();
    let act_space = env.action_space().clone();
    if !matches!(obs_space, Space::Box { .. }) || obs_space.flat_dim() == 0 {
        return Err(format!(
            "observation space must be a non-empty Box, got {obs_space}"
        ));
    }
    if act_space.flat_dim() == 0 {
        return Err(format!("action space is empty: {act_space}"));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let actions: Vec<Action> = (0..STEPS).map(|_| act_space.sample(&mut rng)).collect();
    if let Some(a) = actions.iter().find(|a| !act_space.contains_action(a)) {
        return Err(format!(
            "sampled action {a} is not in the action space {act_space}"
        ));
    }

    let first = env.reset(Some(seed));
    check_obs(&obs_space, &first, "reset(Some(seed))")?;
    if env.reset(Some(seed)) != first {
        return Err("reset with the same seed gave different observations".into());
    }
    if env.render().trim().is_empty() {
        return Err("render() returned nothing".into());
    }

    let reference = run(env, seed, &actions, None)?;
    let again = run(env, seed, &actions, None)?;
    if let Some(t) = first_difference(&reference, &again) {
        return Err(format!(
            "same seed and actions gave a different trajectory at step {t}"
        ));
    }
    let fast = run(env, seed, &actions, Some(&obs_space))?;
    if let Some(t) = first_difference(&reference, &fast) {
        return Err(format!(
            "step_into/reset_into disagree with step/reset at step {t}"
        ));
    }
    let after_reset = env.reset(None);
    check_obs(&obs_space, &after_reset, "reset(None)")
}

/// Play `actions` from `reset(Some(seed))`, with an invalid action tried at a few steps.
/// `fast`: use `step_into`/`reset_into` (with this space's buffer size) instead of `step`/`reset`.
fn run(
    env: &mut dyn Env,
    seed: u64,
    actions: &[Action],
    fast: Option<&Space>,
) -> Result<Vec<Record>, String> {
    let invalid = invalid_actions(env.action_space());
    let mut buf = vec![0.0f32; fast.map_or(0, |s| s.flat_dim())];
    let reset =
        |env: &mut dyn Env, s: Option<u64>, buf: &mut Vec<f32>| -> Result<Vec<f32>, String> {
            if fast.is_some() {
                env.reset_into(s, buf)
                    .map_err(|e| format!("reset_into failed: {e}"))?;
                Ok(buf.clone())
            } else {
                Ok(env.reset(s))
            }
        };
    reset(env, Some(seed), &mut buf)?;
    let obs_space = env.observation_space().clone();
    let (mut ret, mut len) = (0.0, 0usize);
    let mut out = Vec::with_capacity(actions.len());
    for (t, action) in actions.iter().enumerate() {
        if t % 50 == 7 {
            for bad in &invalid {
                try_invalid(env, bad)?;
            }
        }
        let (obs, o) = if fast.is_some() {
            let o = env
                .step_into(action, &mut buf)
                .map_err(|e| format!("step {t}: step_into({action}) failed: {e}"))?;
            (buf.clone(), o)
        } else {
            let s = env
                .step(action)
                .map_err(|e| format!("step {t}: step({action}) failed: {e}"))?;
            let o = s.outcome();
            (s.obs, o)
        };
        check_obs(&obs_space, &obs, &format!("step {t}"))?;
        if !o.reward.is_finite() {
            return Err(format!("step {t}: reward {} is not finite", o.reward));
        }
        ret += o.reward;
        len += 1;
        let done = o.terminated || o.truncated;
        if let Some(ep) = o.episode {
            if !done {
                return Err(format!(
                    "step {t}: episode statistics on a step that did not end the episode"
                ));
            }
            if ep.length != len || (ep.r#return - ret).abs() > 1e-9 * (1.0 + ret.abs()) {
                return Err(format!(
                    "step {t}: episode statistics say return {} length {}, the steps add up to {ret} and {len}",
                    ep.r#return, ep.length
                ));
            }
        }
        out.push((obs, o.reward, o.terminated, o.truncated));
        if done {
            reset(env, None, &mut buf)?;
            ret = 0.0;
            len = 0;
        }
    }
    Ok(out)
}

/// Actions that no env with this action space may accept.
fn invalid_actions(space: &Space) -> Vec<Action> {
    match space {
        Space::Discrete { n } => vec![
            Action::Discrete(*n),
            Action::Discrete(usize::MAX),
            Action::Continuous(vec![0.0]),
        ],
        Space::Box { .. } => {
            let d = space.flat_dim();
            vec![
                Action::Discrete(0),
                Action::Continuous(vec![0.0; d + 1]),
                Action::Continuous(vec![f32::NAN; d]),
            ]
        }
    }
}

fn try_invalid(env: &mut dyn Env, action: &Action) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| env.step(action))) {
        Err(_) => Err(format!(
            "step({action}) panicked instead of returning an error"
        )),
        Ok(Ok(_)) => Err(format!(
            "step({action}) accepted an action outside {}",
            env.action_space()
        )),
        Ok(Err(EnvError::InvalidAction { .. })) => Ok(()),
        Ok(Err(e)) => Err(format!(
            "step({action}) returned {e}, expected an InvalidAction error"
        )),
    }
}

fn check_obs(space: &Space, obs: &[f32], when: &str) -> Result<(), String> {
    if obs.len() != space.flat_dim() {
        return Err(format!(
            "{when}: observation has {} values, the space {space} has {}",
            obs.len(),
            space.flat_dim()
        ));
    }
    if !space.contains(obs) {
        return Err(format!("{when}: observation {obs:?} is outside {space}"));
    }
    Ok(())
}

fn first_difference(a: &[Record], b: &[Record]) -> Option<usize> {
    if a.len() != b.len() {
        return Some(a.len().min(b.len()));
    }
    a.iter().zip(b).position(|(x, y)| x != y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Step;

    /// An env that breaks the contract in a chosen way.
    struct Broken {
        obs_space: Space,
        act_space: Space,
        flaw: &'static str,
        t: u32,
    }

    impl Env for Broken {
        fn observation_space(&self) -> &Space {
            &self.obs_space
        }
        fn action_space(&self) -> &Space {
            &self.act_space
        }
        fn reset(&mut self, _seed: Option<u64>) -> Vec<f32> {
            self.t += 1;
            vec![if self.flaw == "unseeded" {
                self.t as f32 / 1000.0
            } else {
                0.0
            }]
        }
        fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
            match action {
                Action::Discrete(a) if *a < 2 => {}
                _ if self.flaw == "panics" => panic!("bad action"),
                _ => {
                    return Err(EnvError::InvalidAction {
                        action: action.clone(),
                        space: self.act_space.clone(),
                    })
                }
            }
            let obs = vec![if self.flaw == "outside" { 2.0 } else { 0.5 }];
            Ok(Step {
                obs,
                reward: 1.0,
                terminated: false,
                truncated: false,
                episode: None,
            })
        }
        fn render(&self) -> String {
            "x".into()
        }
        fn name(&self) -> &str {
            "Broken"
        }
    }

    fn broken(flaw: &'static str) -> Broken {
        Broken {
            obs_space: Space::uniform_box(0.0, 1.0, vec![1]).unwrap(),
            act_space: Space::Discrete { n: 2 },
            flaw,
            t: 0,
        }
    }

    #[test]
    fn accepts_a_correct_env_and_finds_flaws() {
        assert_eq!(check_env(&mut broken("none"), 0), Ok(()));
        let err = |flaw| check_env(&mut broken(flaw), 0).unwrap_err();
        assert!(err("unseeded").contains("same seed"), "{}", err("unseeded"));
        assert!(err("outside").contains("outside Box"), "{}", err("outside"));
        assert!(err("panics").contains("panicked"), "{}", err("panics"));
    }
}
