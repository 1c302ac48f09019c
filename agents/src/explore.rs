//! Count-based exploration bonus: an intrinsic reward `β / √N(s')` for reaching an observation
//! that has now been reached `N(s')` times (Strehl & Littman's MBIE-EB form, as used for
//! grid worlds such as MiniGrid). Rarely seen states pay more, so an agent keeps going where it
//! has not been; the bonus fades as counts grow and, linearly, over the run (it is 0 at the
//! last step), leaving the env's own reward in charge.
//!
//! Why it exists: on a maze a random walk almost never reaches the goal within the time limit,
//! and where wandering costs as much as falling into a hazard (step reward × 1/(1−γ) = hazard
//! reward), nothing but the goal tells the agent anything. Counts are over exact observations,
//! so the bonus only makes sense for discrete observations (grid worlds); with continuous ones
//! every state is new and the bonus is a constant β. Counts are not saved in checkpoints: a
//! resumed run starts counting again. Logged and evaluated returns never include the bonus.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rlab_envs::VecStep;

use crate::AgentError;

#[derive(Clone, Debug)]
pub struct CountBonus {
    scale: f64,
    counts: HashMap<u64, u32>,
}

impl CountBonus {
    /// `scale` (β) must be a finite number ≥ 0; 0 switches the bonus off.
    pub fn new(scale: f64) -> Result<Option<CountBonus>, AgentError> {
        check_scale(scale)?;
        Ok((scale > 0.0).then(|| CountBonus { scale, counts: HashMap::new() }))
    }

    /// Counts one visit of `obs` and returns its bonus.
    pub fn visit(&mut self, obs: &[f32]) -> f64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        obs.len().hash(&mut h);
        for x in obs {
            x.to_bits().hash(&mut h);
        }
        let n = self.counts.entry(h.finish()).or_insert(0);
        *n = n.saturating_add(1);
        self.scale / f64::from(*n).sqrt()
    }

    /// Adds each env's bonus, times `weight`, to `rewards`: for the observation its step reached,
    /// or the final observation of a truncated episode. A step into a terminal state earns none
    /// (the episode is over there; its reward is the env's alone). Trainers pass the fraction of
    /// training still to go as `weight`, so the bonus fades to 0 and the final policy answers to
    /// the env's reward alone (a rarely visited risky cell would otherwise keep paying).
    pub fn add(&mut self, step: &VecStep, rewards: &mut [f64], weight: f64) {
        let d = step.obs.len() / rewards.len().max(1);
        for (k, r) in rewards.iter_mut().enumerate() {
            if step.terminated[k] {
                continue;
            }
            let reached = match (&step.final_obs[k], step.truncated[k]) {
                (Some(obs), true) => obs.as_slice(),
                _ => &step.obs[k * d..(k + 1) * d],
            };
            *r += weight * self.visit(reached);
        }
    }

    /// Distinct observations seen so far.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }
}

pub fn check_scale(scale: f64) -> Result<(), AgentError> {
    if scale.is_finite() && scale >= 0.0 {
        Ok(())
    } else {
        Err(AgentError::Config(format!("exploration_bonus must be a finite number >= 0, got {scale}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bonus_falls_as_one_over_root_count_per_observation() {
        let mut b = CountBonus::new(0.5).unwrap().unwrap();
        let (x, y) = ([0.0f32, 1.0], [1.0f32, 0.0]);
        assert_eq!(b.visit(&x), 0.5);
        assert_eq!(b.visit(&x), 0.5 / 2f64.sqrt());
        assert_eq!(b.visit(&y), 0.5, "another observation has its own count");
        assert_eq!(b.visit(&x), 0.5 / 3f64.sqrt());
        for _ in 0..12 {
            b.visit(&y);
        }
        assert_eq!(b.visit(&y), 0.5 / 14f64.sqrt());
        assert_eq!(b.distinct(), 2);
    }

    #[test]
    fn zero_is_off_and_bad_scales_are_errors() {
        assert!(CountBonus::new(0.0).unwrap().is_none());
        for bad in [-0.1, f64::NAN, f64::INFINITY] {
            let e = CountBonus::new(bad).unwrap_err().to_string();
            assert!(e.contains("exploration_bonus"), "{e}");
        }
    }

    #[test]
    fn vector_steps_pay_for_the_state_reached_and_not_for_terminal_steps() {
        let mut b = CountBonus::new(1.0).unwrap().unwrap();
        let mut step = VecStep::new(3, 2);
        step.obs = vec![0.0, 1.0, /* reset obs after truncation: */ 9.0, 9.0, 0.0, 1.0];
        step.terminated = vec![false, false, true];
        step.truncated = vec![false, true, false];
        step.final_obs = vec![None, Some(vec![0.0, 1.0]), None];
        let mut rewards = vec![-0.01, -0.01, 1.0];
        b.add(&step, &mut rewards, 1.0);
        // env 0 reaches [0, 1] first (bonus 1), env 1's truncated final obs is [0, 1] again (1/√2),
        // env 2 terminated (no bonus); the reset observation [9, 9] was not counted.
        assert_eq!(rewards, vec![-0.01 + 1.0, -0.01 + 1.0 / 2f64.sqrt(), 1.0]);
        assert_eq!(b.distinct(), 1);
        // Half-way through training the same step pays half (the count still grows).
        let mut rewards = vec![0.0; 3];
        b.add(&step, &mut rewards, 0.5);
        assert_eq!(rewards, vec![0.5 / 3f64.sqrt(), 0.5 / 2.0, 0.0]);
    }
}
