//! CartPole-v1 and CartPoleNoVel-v1, the same dynamics as Gymnasium 1.x's `CartPole-v1`.
//!
//! ## Description
//! A cart slides without friction along a track; a pole stands on it on a free hinge. Each step
//! the agent pushes the cart left or right with a fixed force and must keep the pole upright and
//! the cart on the track (Barto, Sutton and Anderson, 1983). The arithmetic follows Gymnasium's
//! Python expression by expression (f64 state, no fused multiply-add), so trajectories agree
//! with it to float32 rounding; `tests/gymnasium_parity.rs` replays recorded Gymnasium episodes.
//!
//! ## Action Space
//! `Discrete(2)`: 0 pushes the cart left (force -10 N), 1 pushes it right (+10 N). How much the
//! velocity changes depends on the pole's angle.
//!
//! ## Observation Space
//! `Box` of shape `[4]`, float32: cart position (bounds ±4.8), cart velocity (unbounded), pole
//! angle in radians (±0.41887903, i.e. ±24°), pole angular velocity (unbounded). The bounds are
//! twice the termination thresholds so that a terminating observation is still inside the space.
//! `CartPoleNoVel-v1` (as in RL Zoo) reports 0 for both velocities, indices 1 and 3, while the
//! internal state keeps them: a partially observed problem that needs memory to solve well.
//! The declared space is the same as CartPole's.
//!
//! ## Rewards
//! +1 for every step, the terminating one included, so the return is the episode length.
//!
//! ## Starting State
//! Each of the four state variables uniform in (-0.05, 0.05), drawn from the env's own
//! `ChaCha8Rng` (not numpy's generator, so a seed gives different numbers than in Gymnasium).
//! An env never seeded draws its RNG seed from the OS.
//!
//! ## Episode End
//! Terminated when, after the update, the cart position leaves (-2.4, 2.4) or the pole angle
//! leaves (-12°, 12°) (strict comparisons). The env never truncates; the registry wraps it in
//! `TimeLimit(500)`. Stepping after termination behaves like Gymnasium: the physics still runs,
//! the reward is 0 and `terminated` reflects the new state (Gymnasium also logs a warning).
//! Stepping before `reset` or `set_state` is an `EnvError::NotReset`.
//!
//! ## Arguments
//! [`CartPole::new`] or [`CartPole::no_velocity`]; through the registry, `EnvOptions::max_episode_steps`
//! changes the time limit (default 500).
//!
//! ## Version History
//! - v1: Gymnasium's v1 (time limit 500, reward threshold 475), Euler integrator, unit rewards.

use std::f64::consts::PI;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::env::{Env, EnvError, Step, StepOutcome};
use crate::space::{Action, Space};

const GRAVITY: f64 = 9.8;
const MASSCART: f64 = 1.0;
const MASSPOLE: f64 = 0.1;
const TOTAL_MASS: f64 = MASSPOLE + MASSCART;
/// Half the pole's length.
const LENGTH: f64 = 0.5;
const POLEMASS_LENGTH: f64 = MASSPOLE * LENGTH;
const FORCE_MAG: f64 = 10.0;
/// Seconds per step.
const TAU: f64 = 0.02;
/// Pole angle beyond which the episode terminates (12 degrees), computed as Gymnasium does.
pub const THETA_THRESHOLD_RADIANS: f64 = 12.0 * 2.0 * PI / 360.0;
/// Cart position beyond which the episode terminates.
pub const X_THRESHOLD: f64 = 2.4;

/// One Euler step from `[x, x_dot, theta, theta_dot]` given sin θ and cos θ (libm's, which is
/// what Python's `math` calls). Same operations in the same order as Gymnasium's Python (no
/// mul_add), so the result is bit-identical; shared by [`CartPole`] and the batched [`CartPoles`].
#[inline(always)]
pub(crate) fn euler_step(s: [f64; 4], push_right: bool, sintheta: f64, costheta: f64) -> [f64; 4] {
    let [x, x_dot, theta, theta_dot] = s;
    let force = [-FORCE_MAG, FORCE_MAG][push_right as usize];
    let temp = (force + POLEMASS_LENGTH * (theta_dot * theta_dot) * sintheta) / TOTAL_MASS;
    let thetaacc = (GRAVITY * sintheta - costheta * temp)
        / (LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / TOTAL_MASS));
    let xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS;
    // Explicit Euler: positions move with the old velocities.
    [x + TAU * x_dot, x_dot + TAU * xacc, theta + TAU * theta_dot, theta_dot + TAU * thetaacc]
}

/// Whether a state with cart position `x` and pole angle `theta` ends the episode (strict bounds).
/// Written as Gymnasium's comparisons, not `!range.contains`: a NaN state must not end an episode
/// here when it does not there.
#[allow(clippy::manual_range_contains)]
#[inline(always)]
pub(crate) fn out_of_bounds(x: f64, theta: f64) -> bool {
    x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS
}

/// The cart-pole env; see the module docs.
#[derive(Clone, Debug)]
pub struct CartPole {
    state: Option<[f64; 4]>,
    /// `None` until the first terminating step, then the number of steps taken after it.
    steps_beyond_terminated: Option<usize>,
    rng: ChaCha8Rng,
    no_velocity: bool,
    observation_space: Space,
    action_space: Space,
}

impl CartPole {
    /// `CartPole-v1`.
    pub fn new() -> Self {
        Self::variant(false)
    }

    /// `CartPoleNoVel-v1`: velocities hidden from the observation.
    pub fn no_velocity() -> Self {
        Self::variant(true)
    }

    /// `CartPoleNoVel-v1` when `no_velocity`, else `CartPole-v1`.
    pub fn variant(no_velocity: bool) -> Self {
        let high = [
            (X_THRESHOLD * 2.0) as f32,
            f32::INFINITY,
            (THETA_THRESHOLD_RADIANS * 2.0) as f32,
            f32::INFINITY,
        ];
        let observation_space = Space::Box {
            low: high.iter().map(|h| -h).collect(),
            high: high.to_vec(),
            shape: vec![4],
        };
        CartPole {
            state: None,
            steps_beyond_terminated: None,
            rng: ChaCha8Rng::from_entropy(),
            no_velocity,
            observation_space,
            action_space: Space::Discrete { n: 2 },
        }
    }

    /// The internal state `[x, x_dot, theta, theta_dot]`, `None` before the first reset.
    pub fn state(&self) -> Option<[f64; 4]> {
        self.state
    }

    fn write_obs(&self, s: &[f64; 4], obs: &mut [f32]) {
        for (o, v) in obs.iter_mut().zip(s) {
            *o = *v as f32;
        }
        if self.no_velocity {
            obs[1] = 0.0;
            obs[3] = 0.0;
        }
    }

    fn obs_vec(&self, s: &[f64; 4]) -> Vec<f32> {
        let mut obs = vec![0.0; 4];
        self.write_obs(s, &mut obs);
        obs
    }

    /// One Euler step of the dynamics; returns the new state and the outcome.
    fn advance(&mut self, action: &Action) -> Result<([f64; 4], StepOutcome), EnvError> {
        // One predictable check, then no branch on which way: random actions would mispredict it.
        let push_right = match action {
            Action::Discrete(a) if *a < 2 => *a == 1,
            _ => {
                return Err(EnvError::InvalidAction {
                    action: action.clone(),
                    space: self.action_space.clone(),
                })
            }
        };
        let [x, x_dot, theta, theta_dot] = self.state.ok_or_else(|| EnvError::NotReset {
            env: self.name().to_string(),
        })?;
        let (sintheta, costheta) = theta.sin_cos();
        let new = euler_step([x, x_dot, theta, theta_dot], push_right, sintheta, costheta);
        self.state = Some(new);
        let terminated = out_of_bounds(new[0], new[2]);
        let reward = if !terminated {
            1.0
        } else if let Some(n) = self.steps_beyond_terminated.as_mut() {
            *n += 1;
            0.0
        } else {
            self.steps_beyond_terminated = Some(0);
            1.0
        };
        let outcome = StepOutcome {
            reward,
            terminated,
            truncated: false,
            episode: None,
        };
        Ok((new, outcome))
    }
}

impl Default for CartPole {
    fn default() -> Self {
        Self::new()
    }
}

impl Env for CartPole {
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        let mut obs = vec![0.0; 4];
        self.reset_state(seed);
        if let Some(s) = self.state {
            self.write_obs(&s, &mut obs);
        }
        obs
    }

    fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
        let (s, out) = self.advance(action)?;
        Ok(Step {
            obs: self.obs_vec(&s),
            reward: out.reward,
            terminated: out.terminated,
            truncated: false,
            episode: None,
        })
    }

    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        check_len(obs)?;
        let (s, out) = self.advance(action)?;
        self.write_obs(&s, obs);
        Ok(out)
    }

    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        check_len(obs)?;
        self.reset_state(seed);
        if let Some(s) = self.state {
            self.write_obs(&s, obs);
        }
        Ok(())
    }

    fn render(&self) -> String {
        match self.state {
            None => format!("{} (not reset)\n", self.name()),
            Some(s) => render_state(&s),
        }
    }

    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let s: [f64; 4] = state.try_into().map_err(|_| {
            EnvError::BadArg(format!(
                "CartPole state is [x, x_dot, theta, theta_dot], got {} numbers",
                state.len()
            ))
        })?;
        if s.iter().any(|v| !v.is_finite()) {
            return Err(EnvError::BadArg(format!(
                "CartPole state must be finite, got {s:?}"
            )));
        }
        self.state = Some(s);
        self.steps_beyond_terminated = None;
        Ok(self.obs_vec(&s))
    }

    fn name(&self) -> &str {
        if self.no_velocity {
            "CartPoleNoVel-v1"
        } else {
            "CartPole-v1"
        }
    }
}

impl CartPole {
    fn reset_state(&mut self, seed: Option<u64>) {
        if let Some(seed) = seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        self.state = Some(start_state(&mut self.rng));
        self.steps_beyond_terminated = None;
    }
}

/// A starting state: each variable uniform in (-0.05, 0.05), drawn in order from `rng`.
pub(crate) fn start_state(rng: &mut ChaCha8Rng) -> [f64; 4] {
    let mut s = [0.0; 4];
    for v in &mut s {
        *v = rng.gen_range(-0.05..0.05);
    }
    s
}

fn check_len(obs: &[f32]) -> Result<(), EnvError> {
    if obs.len() == 4 {
        Ok(())
    } else {
        Err(EnvError::BadArg(format!(
            "CartPole observation buffer must have length 4, got {}",
            obs.len()
        )))
    }
}

/// Three text rows: the pole's top, the pole's middle, the track with the cart `[#]`.
/// The track spans -2.4..2.4 in 49 columns; the pole leans by the angle.
fn render_state(s: &[f64; 4]) -> String {
    const COLS: usize = 49;
    let half = (COLS / 2) as f64;
    let col = |x: f64| -> usize {
        let c = (half + x / X_THRESHOLD * half).round();
        c.clamp(0.0, (COLS - 1) as f64) as usize
    };
    let cart = col(s[0]);
    let lean = |h: f64| -> usize {
        let c = cart as f64 + (s[2].sin() * h * 4.0).round();
        c.clamp(0.0, (COLS - 1) as f64) as usize
    };
    let glyph = if s[2] > 0.05 {
        '/'
    } else if s[2] < -0.05 {
        '\\'
    } else {
        '|'
    };
    let mut rows = vec![vec![' '; COLS]; 2];
    rows[0][lean(2.0)] = glyph;
    rows[1][lean(1.0)] = glyph;
    let mut track = vec!['-'; COLS];
    track[0] = '|';
    track[COLS - 1] = '|';
    track[cart] = '#';
    if cart > 0 {
        track[cart - 1] = '[';
    }
    if cart + 1 < COLS {
        track[cart + 1] = ']';
    }
    let mut out = format!(
        "x={:+.3} x_dot={:+.3} theta={:+.2}deg theta_dot={:+.3}\n",
        s[0],
        s[1],
        s[2].to_degrees(),
        s[3]
    );
    for row in rows.iter().chain(std::iter::once(&track)) {
        out.extend(row.iter());
        out.push('\n');
    }
    out
}

mod batch;
pub use batch::CartPoles;

#[cfg(test)]
mod tests;
