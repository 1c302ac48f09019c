//! Grid worlds: small tabular MDPs from text maps, with an exact model for planning.
//!
//! ## Description
//! The agent walks on a grid of walls, empty cells, goals and hazards (see [`map`] for the
//! file format). Because the dynamics are known exactly, [`GridWorld::transitions`] exposes them
//! and [`GridWorld::solve`] runs value iteration, so a learned policy can be compared with the
//! optimal one.
//!
//! ## Action Space
//! `Discrete(4)`: 0 up, 1 right, 2 down, 3 left. Moving into a wall or off the grid leaves the
//! agent in place. With slip probability `p`, the move goes in one of the two perpendicular
//! directions instead (`p/2` each), and the intended one with probability `1 - p`.
//!
//! ## Observation Space
//! [`GridObs::Image`] (default): `Box(0..1)` of shape `[4, H, W]`, one-hot planes — 0 walls,
//! 1 the agent, 2 goals, 3 hazards (a fourth plane so hazards are visible without memory).
//! [`GridObs::Flat`]: `Box(0..1)` of shape `[H * W]`, the one-hot index of the agent's cell.
//! Both are exact functions of the agent's cell.
//!
//! ## Rewards
//! A step that enters a goal earns `goal_reward`, one that enters a hazard earns
//! `hazard_reward`, any other step earns `step_reward` (bumping into a wall included). The rewards
//! do not add up: entering a goal gives `goal_reward` only.
//!
//! ## Starting State
//! Always the `S` cell.
//!
//! ## Episode End
//! Terminated on entering a goal or a hazard. The env never truncates; the registry adds a
//! `TimeLimit` (the map's `max_steps`). After termination, further steps stay put with reward 0
//! and `terminated = true` (terminal cells are absorbing, as in the model).
//!
//! ## Arguments
//! The map (registered name, or a path to a `.txt` file), the [`GridObs`] kind, and an optional
//! slip override (`EnvOptions::slip`).
//!
//! ## Version History
//! - v0: first version.

pub mod map;
mod solve;

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use map::{Cell, GridMap};
pub use solve::{render_policy, Solution, MAX_SWEEPS};

use crate::env::{Env, EnvError, Step, StepOutcome};
use crate::space::{Action, Space};

/// How a grid world is observed (see the module docs). Written `image` / `flat` in configs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GridObs {
    #[default]
    Image,
    Flat,
}

impl std::str::FromStr for GridObs {
    type Err = EnvError;

    /// `image` or `flat` (any case).
    fn from_str(s: &str) -> Result<Self, EnvError> {
        match s.to_ascii_lowercase().as_str() {
            "image" => Ok(GridObs::Image),
            "flat" => Ok(GridObs::Flat),
            _ => Err(EnvError::BadArg(format!(
                "grid observation must be image or flat, got {s:?}"
            ))),
        }
    }
}

impl std::fmt::Display for GridObs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GridObs::Image => "image",
            GridObs::Flat => "flat",
        })
    }
}

/// One outcome of a move: `(probability, next cell, reward, next cell is terminal)`.
pub type Transition = (f64, usize, f64, bool);

/// Number of planes in the [`GridObs::Image`] observation.
pub const IMAGE_PLANES: usize = 4;

/// A grid-world env; see the module docs.
#[derive(Clone, Debug)]
pub struct GridWorld {
    map: GridMap,
    obs_kind: GridObs,
    agent: usize,
    /// Image observations without the agent plane filled in (walls, goals, hazards).
    template: Vec<f32>,
    rng: ChaCha8Rng,
    observation_space: Space,
    action_space: Space,
}

impl GridWorld {
    /// Build from a parsed map.
    pub fn new(map: GridMap, obs: GridObs) -> GridWorld {
        let (h, w) = (map.height, map.width);
        let shape = match obs {
            GridObs::Image => vec![IMAGE_PLANES, h, w],
            GridObs::Flat => vec![h * w],
        };
        let n: usize = shape.iter().product();
        let mut template = Vec::new();
        if obs == GridObs::Image {
            template = vec![0.0; n];
            for (i, cell) in map.cells.iter().enumerate() {
                let plane = match cell {
                    Cell::Wall => 0,
                    Cell::Goal => 2,
                    Cell::Hazard => 3,
                    _ => continue,
                };
                template[plane * h * w + i] = 1.0;
            }
        }
        GridWorld {
            agent: map.start,
            obs_kind: obs,
            template,
            rng: ChaCha8Rng::from_entropy(),
            observation_space: Space::Box {
                low: vec![0.0; n],
                high: vec![1.0; n],
                shape,
            },
            action_space: Space::Discrete { n: 4 },
            map,
        }
    }

    /// Parse map text; `source_name` appears in errors and is the default env name.
    pub fn from_str(text: &str, source_name: &str, obs: GridObs) -> Result<GridWorld, EnvError> {
        Ok(GridWorld::new(GridMap::parse(text, source_name)?, obs))
    }

    /// Load a map file.
    pub fn from_path(path: impl AsRef<Path>, obs: GridObs) -> Result<GridWorld, EnvError> {
        Ok(GridWorld::new(GridMap::from_path(path.as_ref())?, obs))
    }

    /// Override the map's slip probability (must be in [0, 1]).
    pub fn with_slip(mut self, slip: f64) -> Result<GridWorld, EnvError> {
        if !(0.0..=1.0).contains(&slip) {
            return Err(EnvError::BadArg(format!(
                "slip must be in [0, 1], got {slip}"
            )));
        }
        self.map.slip = slip;
        Ok(self)
    }

    pub fn map(&self) -> &GridMap {
        &self.map
    }

    pub fn obs_kind(&self) -> GridObs {
        self.obs_kind
    }

    /// The agent's cell index (`row * width + col`).
    pub fn agent_cell(&self) -> usize {
        self.agent
    }

    /// The observation the env would give with the agent in `cell`, which must be a cell of the
    /// map (e.g. to read a memoryless policy's action in every cell and evaluate it exactly).
    pub fn observation_at(&self, cell: usize) -> Result<Vec<f32>, EnvError> {
        if cell >= self.map.cells.len() {
            return Err(EnvError::BadArg(format!(
                "{}: cell {cell} is outside the {}-cell map",
                self.map.name,
                self.map.cells.len()
            )));
        }
        let mut obs = vec![0.0; self.observation_space.flat_dim()];
        self.write_obs_at(cell, &mut obs);
        Ok(obs)
    }

    /// The time limit the registry uses: the map's `max_steps` or its default.
    pub fn max_steps(&self) -> usize {
        self.map
            .max_steps
            .unwrap_or_else(|| self.map.default_max_steps())
    }

    /// The exact dynamics: every outcome of taking `action` in `cell`, with probabilities summing
    /// to 1 (outcomes landing on the same cell are merged; zero-probability ones left out).
    /// From a terminal cell the only outcome is staying there with reward 0. A wall cell, a cell
    /// index outside the grid or an action outside `0..4` has no outcomes (empty vector).
    /// [`Env::step`] samples from exactly this distribution.
    pub fn transitions(&self, cell: usize, action: usize) -> Vec<Transition> {
        let m = &self.map;
        if cell >= m.cells.len() || action >= 4 || m.cells[cell] == Cell::Wall {
            return Vec::new();
        }
        if m.cells[cell].is_terminal() {
            return vec![(1.0, cell, 0.0, true)];
        }
        let mut out: Vec<Transition> = Vec::with_capacity(3);
        for (p, dir) in self.directions(action) {
            if p <= 0.0 {
                continue;
            }
            let next = m.neighbour(cell, dir);
            if let Some(t) = out.iter_mut().find(|t| t.1 == next) {
                t.0 += p;
            } else {
                let (reward, terminal) = self.reward_for(next);
                out.push((p, next, reward, terminal));
            }
        }
        out
    }

    /// `(probability, direction)` for the intended move and its two perpendiculars.
    fn directions(&self, action: usize) -> [(f64, usize); 3] {
        let side = self.map.slip / 2.0;
        [
            (1.0 - self.map.slip, action),
            (side, (action + 1) % 4),
            (side, (action + 3) % 4),
        ]
    }

    /// Reward and terminal flag for a step that lands in `next`.
    fn reward_for(&self, next: usize) -> (f64, bool) {
        match self.map.cells[next] {
            Cell::Goal => (self.map.goal_reward, true),
            Cell::Hazard => (self.map.hazard_reward, true),
            _ => (self.map.step_reward, false),
        }
    }

    fn write_obs(&self, obs: &mut [f32]) {
        self.write_obs_at(self.agent, obs);
    }

    fn write_obs_at(&self, agent: usize, obs: &mut [f32]) {
        match self.obs_kind {
            GridObs::Image => {
                obs.copy_from_slice(&self.template);
                obs[self.map.cells.len() + agent] = 1.0;
            }
            GridObs::Flat => {
                obs.fill(0.0);
                obs[agent] = 1.0;
            }
        }
    }

    fn check_len(&self, obs: &[f32]) -> Result<(), EnvError> {
        let n = self.observation_space.flat_dim();
        if obs.len() == n {
            return Ok(());
        }
        Err(EnvError::BadArg(format!(
            "{}: observation buffer has length {}, needs {n}",
            self.map.name,
            obs.len()
        )))
    }

    fn obs_vec(&self) -> Vec<f32> {
        let mut obs = vec![0.0; self.observation_space.flat_dim()];
        self.write_obs(&mut obs);
        obs
    }

    fn advance(&mut self, action: &Action) -> Result<StepOutcome, EnvError> {
        let a = match action {
            Action::Discrete(a) if *a < 4 => *a,
            _ => {
                return Err(EnvError::InvalidAction {
                    action: action.clone(),
                    space: self.action_space.clone(),
                })
            }
        };
        let here = self.map.cells[self.agent];
        if here.is_terminal() {
            return Ok(StepOutcome {
                reward: 0.0,
                terminated: true,
                truncated: false,
                episode: None,
            });
        }
        // One uniform draw per step, whatever the slip, so trajectories depend only on the seed.
        let u: f64 = self.rng.gen();
        let side = self.map.slip / 2.0;
        let dir = if u < side {
            (a + 1) % 4
        } else if u < 2.0 * side {
            (a + 3) % 4
        } else {
            a
        };
        self.agent = self.map.neighbour(self.agent, dir);
        let (reward, terminated) = self.reward_for(self.agent);
        Ok(StepOutcome {
            reward,
            terminated,
            truncated: false,
            episode: None,
        })
    }
}

impl Env for GridWorld {
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f32> {
        if let Some(seed) = seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        self.agent = self.map.start;
        self.obs_vec()
    }

    fn step(&mut self, action: &Action) -> Result<Step, EnvError> {
        let out = self.advance(action)?;
        Ok(Step {
            obs: self.obs_vec(),
            reward: out.reward,
            terminated: out.terminated,
            truncated: false,
            episode: None,
        })
    }

    fn step_into(&mut self, action: &Action, obs: &mut [f32]) -> Result<StepOutcome, EnvError> {
        self.check_len(obs)?;
        let out = self.advance(action)?;
        self.write_obs(obs);
        Ok(out)
    }

    fn reset_into(&mut self, seed: Option<u64>, obs: &mut [f32]) -> Result<(), EnvError> {
        self.check_len(obs)?;
        if let Some(seed) = seed {
            self.rng = ChaCha8Rng::seed_from_u64(seed);
        }
        self.agent = self.map.start;
        self.write_obs(obs);
        Ok(())
    }

    /// The map with the agent drawn as `A`.
    fn render(&self) -> String {
        let mut out = String::with_capacity((self.map.width + 1) * self.map.height);
        for (i, cell) in self.map.cells.iter().enumerate() {
            out.push(if i == self.agent { 'A' } else { cell.symbol() });
            if (i + 1) % self.map.width == 0 {
                out.push('\n');
            }
        }
        out
    }

    /// `[cell]`: put the agent on that cell index (any non-wall cell, terminal ones included).
    fn set_state(&mut self, state: &[f64]) -> Result<Vec<f32>, EnvError> {
        let bad = || {
            EnvError::BadArg(format!(
                "{}: set_state takes [cell index of a non-wall cell], got {state:?}",
                self.map.name
            ))
        };
        let &[c] = state else { return Err(bad()) };
        if !(c >= 0.0 && c.fract() == 0.0 && c < self.map.cells.len() as f64) {
            return Err(bad());
        }
        let cell = c as usize;
        if self.map.cells[cell] == Cell::Wall {
            return Err(bad());
        }
        self.agent = cell;
        Ok(self.obs_vec())
    }

    fn name(&self) -> &str {
        &self.map.name
    }
}

#[cfg(test)]
mod tests;
