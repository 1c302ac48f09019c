//! Running statistics and normalisers: advantage normalisation, observation normalisation and
//! reward scaling. Plain f64 arithmetic so the numbers can be checked by hand.

use serde::{Deserialize, Serialize};

/// Normalises advantages in place to mean 0 and (unbiased, n−1) standard deviation 1, like
/// `(x - x.mean()) / (x.std() + 1e-8)` in PyTorch.
///
/// Fewer than two elements have no spread to divide by: they are left unchanged rather than
/// turned into NaN (a one-element minibatch would otherwise poison the update).
pub fn normalize_advantages(x: &mut [f64]) {
    if x.len() < 2 {
        return;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let scale = 1.0 / (var.sqrt() + 1e-8);
    for v in x.iter_mut() {
        *v = (*v - mean) * scale;
    }
}

/// Running mean and (population) variance of a stream of vectors, merged batch by batch with the
/// parallel algorithm. `count` starts at a tiny epsilon so the first division is safe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningMeanStd {
    pub mean: Vec<f64>,
    pub var: Vec<f64>,
    pub count: f64,
}

impl RunningMeanStd {
    pub const INITIAL_COUNT: f64 = 1e-4;

    pub fn new(dim: usize) -> Self {
        RunningMeanStd { mean: vec![0.0; dim], var: vec![1.0; dim], count: Self::INITIAL_COUNT }
    }

    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Merges a batch of `rows` vectors stored row-major in `batch`.
    pub fn update(&mut self, batch: &[f64]) {
        let dim = self.dim();
        if dim == 0 || batch.is_empty() {
            return;
        }
        let rows = (batch.len() / dim) as f64;
        for j in 0..dim {
            let column = batch.iter().skip(j).step_by(dim);
            let batch_mean = column.clone().sum::<f64>() / rows;
            let batch_var = column.map(|v| (v - batch_mean) * (v - batch_mean)).sum::<f64>() / rows;
            let delta = batch_mean - self.mean[j];
            let total = self.count + rows;
            let m2 = self.var[j] * self.count + batch_var * rows + delta * delta * self.count * rows / total;
            self.mean[j] += delta * rows / total;
            self.var[j] = m2 / total;
        }
        self.count += rows;
    }

    /// (x − mean) / sqrt(var + eps), clipped to ±clip. Does not update the statistics.
    pub fn normalize(&self, x: &mut [f32], eps: f64, clip: f64) {
        let dim = self.dim();
        for (k, v) in x.iter_mut().enumerate() {
            let j = k % dim;
            let z = (*v as f64 - self.mean[j]) / (self.var[j] + eps).sqrt();
            *v = z.clamp(-clip, clip) as f32;
        }
    }
}

/// Observation normalisation with running statistics (Gymnasium's NormalizeObservation):
/// training updates the statistics, evaluation only applies them (they are saved in the checkpoint).
#[derive(Clone, Debug, PartialEq)]
pub struct ObsNormalizer {
    pub stats: RunningMeanStd,
    pub clip: f64,
    pub eps: f64,
}

impl ObsNormalizer {
    pub fn new(dim: usize) -> Self {
        ObsNormalizer { stats: RunningMeanStd::new(dim), clip: 10.0, eps: 1e-8 }
    }

    /// Adds a batch of observations (rows of `dim`) to the statistics.
    pub fn update(&mut self, batch: &[f32]) {
        let wide: Vec<f64> = batch.iter().map(|&v| f64::from(v)).collect();
        self.stats.update(&wide);
    }

    pub fn normalize(&self, x: &mut [f32]) {
        self.stats.normalize(x, self.eps, self.clip);
    }
}

/// Scales rewards by the running standard deviation of the discounted return, per env.
/// The discount must be the run's γ (a fixed 0.99 would mis-scale every other γ of a sweep).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewardScaler {
    pub gamma: f64,
    /// Discounted sum of rewards so far in each env's current episode.
    pub returns: Vec<f64>,
    pub stats: RunningMeanStd,
}

impl RewardScaler {
    pub fn new(num_envs: usize, gamma: f64) -> Self {
        RewardScaler { gamma, returns: vec![0.0; num_envs], stats: RunningMeanStd::new(1) }
    }

    /// Accumulates one vector step (rewards of every env) and returns the rewards divided by the
    /// running std of the return. An ended episode's accumulator restarts after its step.
    pub fn scale(&mut self, rewards: &[f64], done: &[bool]) -> Vec<f64> {
        for (ret, r) in self.returns.iter_mut().zip(rewards) {
            *ret = *ret * self.gamma + r;
        }
        self.stats.update(&self.returns);
        let std = (self.stats.var[0] + 1e-8).sqrt();
        for (ret, &d) in self.returns.iter_mut().zip(done) {
            if d {
                *ret = 0.0;
            }
        }
        rewards.iter().map(|r| r / std).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::returns::assert_close;

    #[test]
    fn case8_single_advantage_stays_finite() {
        let mut one = [0.5];
        normalize_advantages(&mut one);
        assert_eq!(one, [0.5]);
        let mut empty: [f64; 0] = [];
        normalize_advantages(&mut empty);
    }

    #[test]
    fn case8_unbiased_std_is_the_pinned_choice() {
        let mut x = [1.0, 2.0, 3.0, 4.0];
        normalize_advantages(&mut x);
        assert_close(&x, &[-1.161895, -0.387298, 0.387298, 1.161895], 1e-6);
        let mut same = [3.0, 3.0, 3.0];
        normalize_advantages(&mut same);
        assert!(same.iter().all(|v| v.is_finite() && *v == 0.0));
    }

    #[test]
    fn case10_running_mean_var_after_one_batch() {
        let mut rms = RunningMeanStd::new(1);
        rms.update(&[1.0, 2.0, 3.0]);
        assert!((rms.mean[0] - 1.9999333).abs() < 1e-7);
        assert!((rms.var[0] - 0.6668111).abs() < 1e-7);
        assert!((rms.count - 3.0001).abs() < 1e-12);
    }

    #[test]
    fn running_stats_merge_like_one_pass() {
        let data: Vec<f64> = (0..40).map(|k| ((k * 37) % 11) as f64 - 3.0).collect();
        let mut whole = RunningMeanStd::new(2);
        whole.update(&data);
        let mut parts = RunningMeanStd::new(2);
        parts.update(&data[..10]);
        parts.update(&data[10..]);
        assert_close(&whole.mean, &parts.mean, 1e-9);
        assert_close(&whole.var, &parts.var, 1e-9);
    }

    #[test]
    fn normalize_does_not_update_statistics() {
        let mut rms = RunningMeanStd::new(1);
        rms.update(&[1.0, 2.0, 3.0]);
        let before = rms.clone();
        let mut x = [2.0f32, 100.0];
        rms.normalize(&mut x, 1e-8, 5.0);
        assert_eq!(rms, before);
        assert!(x[0].abs() < 1e-3 && x[1] == 5.0);
    }

    #[test]
    fn case9_reward_scaler_uses_the_runs_gamma_and_resets_after_done() {
        let mut scaler = RewardScaler::new(1, 0.9);
        for (r, d) in [(1.0, false), (1.0, true), (1.0, false), (1.0, false)] {
            scaler.scale(&[r], &[d]);
        }
        // The accumulator must have run through [1, 1.9, 1, 1.9]: replay those into fresh statistics.
        let mut want = RunningMeanStd::new(1);
        for v in [1.0, 1.9, 1.0, 1.9] {
            want.update(&[v]);
        }
        assert_close(&scaler.stats.mean, &want.mean, 1e-12);
        assert_close(&scaler.stats.var, &want.var, 1e-12);
        assert_close(&scaler.returns, &[1.9], 1e-12);
        assert!((scaler.stats.count - RunningMeanStd::INITIAL_COUNT - 4.0).abs() < 1e-9);
    }
}
