//! SGD, Adam and RMSprop written over tensors (PyTorch's update rules), so that their state —
//! momentum buffers, moment estimates, step counts — goes into the checkpoint and `--resume`
//! continues exactly where a run stopped. (tch's built-in optimisers cannot save their state.)

use std::collections::HashMap;

use anyhow::{anyhow, bail, Result};
use tch::{nn::VarStore, Kind, Tensor};

use super::config::{OptimConfig, OptimKind};

struct Param {
    name: String,
    value: Tensor,
    /// Per-kind buffers, named by [`slots`].
    state: Vec<Tensor>,
    /// Updates applied to this parameter (Adam's bias correction; SGD's first momentum step).
    steps: i64,
}

fn slots(kind: OptimKind) -> &'static [&'static str] {
    match kind {
        OptimKind::Sgd => &["momentum_buffer"],
        OptimKind::Adam => &["exp_avg", "exp_avg_sq"],
        OptimKind::Rmsprop => &["square_avg", "momentum_buffer"],
    }
}

/// Optimises the trainable variables of one var store.
pub struct Optimizer {
    name: String,
    cfg: OptimConfig,
    lr: f64,
    params: Vec<Param>,
}

impl Optimizer {
    /// `name` prefixes the state in checkpoints (e.g. "model", or "generator" and "discriminator").
    pub fn new(name: &str, vs: &VarStore, cfg: &OptimConfig) -> Self {
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().filter(|(_, t)| t.requires_grad()).collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let params = vars
            .into_iter()
            .map(|(name, value)| {
                let state = slots(cfg.name).iter().map(|_| tch::no_grad(|| value.zeros_like())).collect();
                Param { name, value, state, steps: 0 }
            })
            .collect();
        Optimizer { name: name.to_string(), cfg: cfg.clone(), lr: cfg.lr, params }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn lr(&self) -> f64 {
        self.lr
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    pub fn zero_grad(&mut self) {
        for p in &mut self.params {
            p.value.zero_grad();
        }
    }

    /// Zeroes the gradients, backpropagates `loss` and applies one update.
    pub fn backward_step(&mut self, loss: &Tensor) {
        self.zero_grad();
        loss.backward();
        self.step();
    }

    /// Applies one update from the gradients already computed.
    pub fn step(&mut self) {
        tch::no_grad(|| {
            let scale = self.clip_scale();
            let c = &self.cfg;
            let lr = self.lr;
            for p in &mut self.params {
                let grad = p.value.grad();
                if !grad.defined() {
                    continue;
                }
                let mut g = if scale < 1.0 { &grad * scale } else { grad };
                if c.weight_decay > 0.0 {
                    g += &p.value * c.weight_decay;
                }
                p.steps += 1;
                let update = match c.name {
                    OptimKind::Sgd => {
                        if c.momentum > 0.0 {
                            let buf = &mut p.state[0];
                            if p.steps == 1 {
                                buf.copy_(&g);
                            } else {
                                let _ = buf.g_mul_scalar_(c.momentum);
                                let _ = buf.g_add_(&g);
                            }
                            if c.nesterov {
                                &g + &*buf * c.momentum
                            } else {
                                buf.shallow_clone()
                            }
                        } else {
                            g
                        }
                    }
                    OptimKind::Adam => {
                        let (m, rest) = p.state.split_at_mut(1);
                        let (m, v) = (&mut m[0], &mut rest[0]);
                        let _ = m.g_mul_scalar_(c.beta1);
                        let _ = m.g_add_(&(&g * (1.0 - c.beta1)));
                        let _ = v.g_mul_scalar_(c.beta2);
                        let _ = v.addcmul_(&(&g * (1.0 - c.beta2)), &g);
                        let bc1 = 1.0 - c.beta1.powi(p.steps as i32);
                        let bc2 = 1.0 - c.beta2.powi(p.steps as i32);
                        let denom = v.sqrt() / bc2.sqrt() + c.eps;
                        &*m / denom / bc1
                    }
                    OptimKind::Rmsprop => {
                        let (v, rest) = p.state.split_at_mut(1);
                        let (v, buf) = (&mut v[0], &mut rest[0]);
                        let _ = v.g_mul_scalar_(c.alpha);
                        let _ = v.addcmul_(&(&g * (1.0 - c.alpha)), &g);
                        let avg = v.sqrt() + c.eps;
                        if c.momentum > 0.0 {
                            let _ = buf.g_mul_scalar_(c.momentum);
                            let _ = buf.g_add_(&(&g / avg));
                            buf.shallow_clone()
                        } else {
                            g / avg
                        }
                    }
                };
                let _ = p.value.g_sub_(&(update * lr));
            }
        });
    }

    /// Factor that brings the global gradient norm down to `max_grad_norm` (1 when below it or off).
    fn clip_scale(&self) -> f64 {
        if self.cfg.max_grad_norm <= 0.0 {
            return 1.0;
        }
        let sq: f64 = self
            .params
            .iter()
            .map(|p| p.value.grad())
            .filter(Tensor::defined)
            .map(|g| g.square().sum(Kind::Double).double_value(&[]))
            .sum();
        let coef = self.cfg.max_grad_norm / (sq.sqrt() + 1e-6);
        coef.min(1.0)
    }

    /// The state as named tensors: `optim.NAME.PARAM.SLOT` and `optim.NAME.PARAM.step`.
    pub fn state(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for p in &self.params {
            for (slot, t) in slots(self.cfg.name).iter().zip(&p.state) {
                out.push((format!("optim.{}.{}.{slot}", self.name, p.name), t.shallow_clone()));
            }
            out.push((format!("optim.{}.{}.step", self.name, p.name), Tensor::from(p.steps)));
        }
        out
    }

    /// Restores what [`Optimizer::state`] saved.
    pub fn load_state(&mut self, saved: &HashMap<String, Tensor>) -> Result<()> {
        let kind = self.cfg.name;
        for p in &mut self.params {
            for (slot, t) in slots(kind).iter().zip(p.state.iter_mut()) {
                let key = format!("optim.{}.{}.{slot}", self.name, p.name);
                let src = saved.get(&key).ok_or_else(|| anyhow!("the checkpoint lacks {key} (was it saved with another optimiser?)"))?;
                if src.size() != t.size() {
                    bail!("checkpoint {key} has shape {:?}, expected {:?}", src.size(), t.size());
                }
                tch::no_grad(|| t.copy_(src));
            }
            let key = format!("optim.{}.{}.step", self.name, p.name);
            p.steps = saved.get(&key).ok_or_else(|| anyhow!("the checkpoint lacks {key}"))?.int64_value(&[]);
        }
        Ok(())
    }
}

/// The optimisers of a task, one per var store, found by name.
pub struct Optimizers(pub Vec<Optimizer>);

impl Optimizers {
    pub fn get(&mut self, name: &str) -> &mut Optimizer {
        let names: Vec<String> = self.0.iter().map(|o| o.name.clone()).collect();
        self.0.iter_mut().find(|o| o.name == name).unwrap_or_else(|| panic!("no optimiser named {name}; have {names:?}"))
    }

    /// Zero, backpropagate and update the var store `name`.
    pub fn backward_step(&mut self, name: &str, loss: &Tensor) {
        self.get(name).backward_step(loss);
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.0.iter_mut().for_each(|o| o.set_lr(lr));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{nn, Device};

    /// Minimises (w - 3)² from w = 0 and returns w after `steps` updates.
    fn descend(cfg: OptimConfig, steps: usize) -> f64 {
        let vs = VarStore::new(Device::Cpu);
        let w = vs.root().var("w", &[1], nn::Init::Const(0.0));
        let mut opt = Optimizer::new("model", &vs, &cfg);
        for _ in 0..steps {
            let loss = (&w - 3.0).square().sum(Kind::Float);
            opt.backward_step(&loss);
        }
        w.double_value(&[0])
    }

    #[test]
    fn first_steps_match_pytorch_by_hand() {
        // grad at w=0 is -6. SGD lr 0.1: w = 0.6.
        let sgd = OptimConfig { name: OptimKind::Sgd, lr: 0.1, ..Default::default() };
        assert!((descend(sgd.clone(), 1) - 0.6).abs() < 1e-6);
        // SGD momentum 0.9: step 1 buf = -6 → 0.6; step 2 grad -4.8, buf = -10.2 → 1.62.
        let mom = OptimConfig { momentum: 0.9, ..sgd };
        assert!((descend(mom, 2) - 1.62).abs() < 1e-5);
        // Adam's first step moves by lr whatever the gradient's size.
        let adam = OptimConfig { name: OptimKind::Adam, lr: 0.01, ..Default::default() };
        assert!((descend(adam, 1) - 0.01).abs() < 1e-6);
        // RMSprop alpha 0.99: v = 0.01·36, step = lr·6/(0.6+eps) = 10·lr.
        let rms = OptimConfig { name: OptimKind::Rmsprop, lr: 0.01, ..Default::default() };
        assert!((descend(rms, 1) - 0.1).abs() < 1e-5);
        // All of them get to the minimum.
        for name in [OptimKind::Sgd, OptimKind::Adam, OptimKind::Rmsprop] {
            let w = descend(OptimConfig { name, lr: 0.05, ..Default::default() }, 500);
            assert!((w - 3.0).abs() < 0.05, "{name:?} ended at {w}");
        }
    }

    #[test]
    fn clipping_bounds_the_step() {
        let clipped = OptimConfig { name: OptimKind::Sgd, lr: 1.0, max_grad_norm: 0.5, ..Default::default() };
        assert!((descend(clipped, 1) - 0.5).abs() < 1e-5);
    }

    #[test]
    fn state_round_trips() {
        let cfg = OptimConfig::default();
        let vs = VarStore::new(Device::Cpu);
        let w = vs.root().var("w", &[2], nn::Init::Const(1.0));
        let mut a = Optimizer::new("model", &vs, &cfg);
        a.backward_step(&w.square().sum(Kind::Float));
        let saved: HashMap<String, Tensor> = a.state().into_iter().collect();
        assert_eq!(saved.len(), 3);
        let mut b = Optimizer::new("model", &vs, &cfg);
        b.load_state(&saved).unwrap();
        assert_eq!(b.params[0].steps, 1);
        assert_eq!(b.params[0].state[1].double_value(&[0]), a.params[0].state[1].double_value(&[0]));
        let sgd = Optimizer::new("model", &vs, &OptimConfig { name: OptimKind::Sgd, ..cfg });
        let mut sgd = sgd;
        assert!(sgd.load_state(&saved).unwrap_err().to_string().contains("momentum_buffer"));
    }
}
