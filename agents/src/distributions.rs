//! Categorical distribution over logits, the policy distribution for discrete actions.

use tch::{Kind, Tensor};

pub struct Categorical {
    log_probs: Tensor,
}

impl Categorical {
    pub fn from_logits(logits: &Tensor) -> Self {
        Categorical { log_probs: logits.log_softmax(-1, Kind::Float) }
    }

    /// One sample per row, from libtorch's generator (seeded by `tch::manual_seed`).
    pub fn sample(&self) -> Tensor {
        self.log_probs.exp().multinomial(1, true).squeeze_dim(-1)
    }

    /// log π(a) of every action, [B, A].
    pub fn log_probs(&self) -> &Tensor {
        &self.log_probs
    }

    pub fn mode(&self) -> Tensor {
        self.log_probs.argmax(-1, false)
    }

    pub fn log_prob(&self, actions: &Tensor) -> Tensor {
        self.log_probs.gather(-1, &actions.unsqueeze(-1), false).squeeze_dim(-1)
    }

    pub fn entropy(&self) -> Tensor {
        -(self.log_probs.exp() * &self.log_probs).sum_dim_intlist(-1, false, Kind::Float)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_logits_have_log_n_entropy_and_equal_log_probs() {
        let d = Categorical::from_logits(&Tensor::zeros([2, 4], (Kind::Float, tch::Device::Cpu)));
        let h = Vec::<f32>::try_from(d.entropy()).unwrap();
        assert!(h.iter().all(|v| (v - 4f32.ln()).abs() < 1e-6));
        let lp = Vec::<f32>::try_from(d.log_prob(&Tensor::from_slice(&[0i64, 3]))).unwrap();
        assert!(lp.iter().all(|v| (v + 4f32.ln()).abs() < 1e-6));
    }

    #[test]
    fn mode_is_argmax_and_samples_follow_probabilities() {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(0);
        let logits = Tensor::from_slice(&[0.0f32, 3.0]).view([1, 2]).repeat([2000, 1]);
        let d = Categorical::from_logits(&logits);
        assert_eq!(Vec::<i64>::try_from(d.mode()).unwrap()[0], 1);
        let ones = Vec::<i64>::try_from(d.sample()).unwrap().iter().sum::<i64>() as f64 / 2000.0;
        let p1 = 3f64.exp() / (1.0 + 3f64.exp());
        assert!((ones - p1).abs() < 0.03, "{ones} vs {p1}");
    }
}
