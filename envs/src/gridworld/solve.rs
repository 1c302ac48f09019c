//! Value iteration over a grid world's exact model.
//!
//! The model is [`GridWorld::transitions`], slip included, so the solution is the optimal policy
//! of the env that [`Env::step`](crate::Env::step) samples. It is an infinite-horizon model: the
//! registry's time limit (truncation) is not part of it, so values are those of an agent with no
//! step limit. Terminal cells (goals, hazards) have value 0; the reward for entering them is in
//! the transition into them.

use super::{Cell, GridWorld};
use crate::env::EnvError;

/// Most sweeps [`GridWorld::solve`] makes before giving up.
pub const MAX_SWEEPS: usize = 100_000;

/// The result of [`GridWorld::solve`].
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Optimal value per cell (row-major). Walls are `NaN` (they are not states); goals and
    /// hazards are 0.
    pub values: Vec<f64>,
    /// Optimal action per cell (0 up, 1 right, 2 down, 3 left); `None` for walls and terminal
    /// cells. Ties go to the lowest action index.
    pub policy: Vec<Option<usize>>,
    /// The value of the start cell.
    pub start_value: f64,
    /// Sweeps made until the largest change was below `tol`.
    pub iterations: usize,
    width: usize,
    cells: Vec<Cell>,
}

impl GridWorld {
    /// Optimal values and policy by value iteration (synchronous sweeps until the largest change
    /// in a sweep is below `tol`). `gamma` must be in [0, 1] and `tol` positive.
    ///
    /// With `gamma = 1` the values are finite only if every cell's best behaviour reaches a
    /// terminal cell (e.g. negative step rewards); otherwise the sweeps never settle and after
    /// [`MAX_SWEEPS`] this returns `EnvError::BadArg` saying it did not converge. The time limit
    /// is ignored (see the module docs).
    pub fn solve(&self, gamma: f64, tol: f64) -> Result<Solution, EnvError> {
        if !(0.0..=1.0).contains(&gamma) {
            return Err(EnvError::BadArg(format!(
                "gamma must be in [0, 1], got {gamma}"
            )));
        }
        if !(tol > 0.0 && tol.is_finite()) {
            return Err(EnvError::BadArg(format!(
                "tol must be a positive number, got {tol}"
            )));
        }
        let cells = &self.map.cells;
        let mut values: Vec<f64> = cells
            .iter()
            .map(|c| if *c == Cell::Wall { f64::NAN } else { 0.0 })
            .collect();
        let mut next = values.clone();
        let mut iterations = 0;
        loop {
            iterations += 1;
            let mut delta: f64 = 0.0;
            for (i, cell) in cells.iter().enumerate() {
                if *cell == Cell::Wall || cell.is_terminal() {
                    continue;
                }
                let best = (0..4)
                    .map(|a| self.q_value(&values, gamma, i, a))
                    .fold(f64::NEG_INFINITY, f64::max);
                delta = delta.max((best - values[i]).abs());
                next[i] = best;
            }
            std::mem::swap(&mut values, &mut next);
            if delta < tol {
                break;
            }
            if iterations >= MAX_SWEEPS || !delta.is_finite() {
                return Err(EnvError::BadArg(format!(
                    "value iteration did not converge in {iterations} sweeps (last change {delta:e}); \
                     with gamma = 1 some cell can collect reward forever"
                )));
            }
        }
        let policy = (0..cells.len())
            .map(|i| {
                if cells[i] == Cell::Wall || cells[i].is_terminal() {
                    return None;
                }
                let q: Vec<f64> = (0..4).map(|a| self.q_value(&values, gamma, i, a)).collect();
                let best = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let slack = 1e-12 * (1.0 + best.abs());
                q.iter().position(|&v| v >= best - slack)
            })
            .collect();
        Ok(Solution {
            start_value: values[self.map.start],
            values,
            policy,
            iterations,
            width: self.map.width,
            cells: cells.clone(),
        })
    }

    /// Exact values of a fixed policy (iterative policy evaluation on the same model as
    /// [`GridWorld::solve`], so the two are directly comparable): `policy[cell]` is the action
    /// taken in each non-terminal open cell; entries for walls and terminal cells are ignored.
    /// Same conventions as `solve`: walls `NaN`, terminal cells 0, no time limit. A policy that
    /// never ends an episode under `gamma = 1` has no finite value: that is an error.
    pub fn evaluate_policy(&self, gamma: f64, policy: &[usize], tol: f64) -> Result<Vec<f64>, EnvError> {
        let cells = &self.map.cells;
        if !(0.0..=1.0).contains(&gamma) {
            return Err(EnvError::BadArg(format!("gamma must be in [0, 1], got {gamma}")));
        }
        if !(tol > 0.0 && tol.is_finite()) {
            return Err(EnvError::BadArg(format!("tol must be a positive number, got {tol}")));
        }
        if policy.len() != cells.len() {
            return Err(EnvError::BadArg(format!(
                "policy has {} entries, the map has {} cells",
                policy.len(),
                cells.len()
            )));
        }
        let open = |i: usize| cells[i] != Cell::Wall && !cells[i].is_terminal();
        if let Some(i) = (0..cells.len()).find(|&i| open(i) && policy[i] >= 4) {
            return Err(EnvError::BadArg(format!("policy action {} in cell {i} is not in 0..4", policy[i])));
        }
        let mut values: Vec<f64> = cells.iter().map(|c| if *c == Cell::Wall { f64::NAN } else { 0.0 }).collect();
        let mut next = values.clone();
        for _ in 0..MAX_SWEEPS {
            let mut delta: f64 = 0.0;
            for i in (0..cells.len()).filter(|&i| open(i)) {
                next[i] = self.q_value(&values, gamma, i, policy[i]);
                delta = delta.max((next[i] - values[i]).abs());
            }
            std::mem::swap(&mut values, &mut next);
            if delta < tol {
                return Ok(values);
            }
            if !delta.is_finite() {
                break;
            }
        }
        Err(EnvError::BadArg(format!(
            "policy evaluation did not converge in {MAX_SWEEPS} sweeps: with gamma = {gamma} the policy never ends an episode"
        )))
    }

    /// Expected reward plus discounted value of taking `action` in `cell`.
    fn q_value(&self, values: &[f64], gamma: f64, cell: usize, action: usize) -> f64 {
        self.transitions(cell, action)
            .iter()
            .map(|&(p, next, r, terminal)| {
                p * (r + if terminal { 0.0 } else { gamma * values[next] })
            })
            .sum()
    }
}

impl Solution {
    /// The values as a grid, 8 characters per cell: walls `#`, goals `G`, hazards `X`.
    pub fn render_values(&self) -> String {
        self.render(|i| match self.cells[i] {
            Cell::Wall | Cell::Goal | Cell::Hazard => format!("{:>8}", self.cells[i].symbol()),
            _ => format!("{:>8.3}", self.values[i]),
        })
    }

    /// The policy as a grid of arrows `↑→↓←`: walls `#`, goals `G`, hazards `X`.
    pub fn render_policy(&self) -> String {
        render_policy(&self.cells, self.width, &self.policy)
    }

    fn render(&self, cell: impl Fn(usize) -> String) -> String {
        render_cells(self.cells.len(), self.width, cell)
    }
}

/// `cell(i)` for every cell, a line per row of the map.
fn render_cells(len: usize, width: usize, cell: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in 0..len {
        out.push_str(&cell(i));
        if (i + 1) % width.max(1) == 0 {
            out.push('\n');
        }
    }
    out
}

/// A policy (one action per cell, `None` where there is none) as a grid of arrows `↑→↓←`, with
/// walls `#`, goals `G` and hazards `X`: one line per row of the map.
pub fn render_policy(cells: &[Cell], width: usize, policy: &[Option<usize>]) -> String {
    render_cells(cells.len(), width, |i| match (cells[i], policy.get(i).copied().flatten()) {
        (Cell::Empty | Cell::Start, Some(a)) => ['↑', '→', '↓', '←'].get(a).copied().unwrap_or('?').to_string(),
        (cell, _) => cell.symbol().to_string(),
    })
}
