//! Recurrent state handling: the state is zeroed where an episode starts, both when stepping
//! through a rollout and when training recomputes the sequence, so the two agree.

use tch::{Kind, Tensor};

/// LSTM state for a batch of envs: h and c, each [1, num_envs, hidden].
#[derive(Debug)]
pub struct RecurrentState {
    pub h: Tensor,
    pub c: Tensor,
}

impl RecurrentState {
    pub fn zeros(num_envs: i64, hidden: i64, device: tch::Device) -> Self {
        let z = Tensor::zeros([1, num_envs, hidden], (Kind::Float, device));
        RecurrentState { h: z.shallow_clone(), c: z }
    }

    /// The state of some envs (their indices along dimension 1).
    pub fn select(&self, envs: &Tensor) -> Self {
        RecurrentState { h: self.h.index_select(1, envs), c: self.c.index_select(1, envs) }
    }

    pub fn detach(&self) -> Self {
        RecurrentState { h: self.h.detach(), c: self.c.detach() }
    }
}

/// `(1 − start) · state`: forgets the state of envs whose episode starts at this step.
/// `starts` is [num_envs] of 0/1 floats; `state` is [layers, num_envs, hidden].
pub fn reset_at_starts(state: &Tensor, starts: &Tensor) -> Tensor {
    let keep: Tensor = 1.0 - starts;
    state * keep.view([1, -1, 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case7_toy_cell_resets_at_episode_starts() {
        // h = (1 − start)·h + x over x = [1..5], starts = [1,0,0,1,0] → [1,3,6,4,9].
        let xs = [1.0f32, 2.0, 3.0, 4.0, 5.0];
        let starts = [1.0f32, 0.0, 0.0, 1.0, 0.0];
        let run = |starts: &[f32]| {
            let mut h = Tensor::zeros([1, 1, 1], (Kind::Float, tch::Device::Cpu));
            let mut out = vec![];
            for (x, s) in xs.iter().zip(starts) {
                h = reset_at_starts(&h, &Tensor::from_slice(&[*s])) + f64::from(*x);
                out.push(h.double_value(&[0, 0, 0]));
            }
            out
        };
        assert_eq!(run(&starts), vec![1.0, 3.0, 6.0, 4.0, 9.0]);
        assert_eq!(run(&[0.0; 5]), vec![1.0, 3.0, 6.0, 10.0, 15.0]);
    }
}
