//! Optimisers written out here (not libtorch's) so their state can be saved with a checkpoint and
//! a stopped run resumed exactly. The arithmetic follows PyTorch's Adam and RMSprop (non-fused),
//! up to float rounding (moments are updated as lerps).

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{nn::VarStore, Kind, Tensor};

use crate::AgentError;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Adam,
    Rmsprop,
    Sgd,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptimizerConfig {
    pub kind: OptimizerKind,
    /// Adam β1 / β2.
    pub beta1: f64,
    pub beta2: f64,
    /// RMSprop smoothing constant α.
    pub alpha: f64,
    /// Added to the denominator (Adam, RMSprop).
    pub eps: f64,
    /// SGD momentum.
    pub momentum: f64,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig { kind: OptimizerKind::Adam, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8, momentum: 0.0 }
    }
}

/// One optimiser over the trainable variables of a `VarStore`, in name order.
///
/// Why one flat buffer: the networks here are small, so a step is dominated by the fixed cost of
/// each libtorch op, not by arithmetic. At construction every parameter is moved into one
/// contiguous tensor (each parameter becomes a view of its slice, so the `VarStore`, checkpoints
/// and the model see the same values), and the moments are flat too. A step then runs the
/// update's dozen ops once over all parameters instead of once per parameter. The element-wise
/// arithmetic is the same as per parameter; only the global gradient norm sums in another order.
pub struct Optimizer {
    config: OptimizerConfig,
    names: Vec<String>,
    params: Vec<Tensor>,
    /// All parameters, flat; `None` when they do not share a kind and device (then per parameter).
    flat: Option<Tensor>,
    /// Adam: first moments; RMSprop: unused; SGD: momentum buffers. Flat, like `flat`.
    m: Tensor,
    /// Adam: second moments; RMSprop: square averages.
    v: Tensor,
    /// Each parameter's view of `m` and `v` (same order as `params`).
    m_views: Vec<Tensor>,
    v_views: Vec<Tensor>,
    steps: i64,
    pub lr: f64,
}

/// Views of `flat` shaped like `params`, in order.
fn views_of(flat: &Tensor, params: &[Tensor]) -> Vec<Tensor> {
    let mut offset = 0;
    params
        .iter()
        .map(|p| {
            let n = p.numel() as i64;
            let view = flat.narrow(0, offset, n).view(p.size().as_slice());
            offset += n;
            view
        })
        .collect()
}

impl Optimizer {
    pub fn new(vs: &VarStore, config: OptimizerConfig, lr: f64) -> Self {
        let mut named: Vec<(String, Tensor)> =
            vs.variables().into_iter().filter(|(_, t)| t.requires_grad()).collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let (names, mut params): (Vec<String>, Vec<Tensor>) = named.into_iter().unzip();
        let shared = params.windows(2).all(|w| w[0].kind() == w[1].kind() && w[0].device() == w[1].device());
        let (kind, device) = params.first().map(|p| (p.kind(), p.device())).unwrap_or((Kind::Float, vs.device()));
        let total: i64 = params.iter().map(|p| p.numel() as i64).sum();
        let flat = (shared && !params.is_empty()).then(|| {
            tch::no_grad(|| {
                let flat = Tensor::cat(&params.iter().map(|p| p.detach().reshape(-1)).collect::<Vec<_>>(), 0);
                let views = views_of(&flat, &params);
                for (p, view) in params.iter_mut().zip(views) {
                    p.set_data(&view);
                }
                flat
            })
        });
        let (m, v) = (Tensor::zeros([total], (kind, device)), Tensor::zeros([total], (kind, device)));
        let (m_views, v_views) = (views_of(&m, &params), views_of(&v, &params));
        Optimizer { config, names, params, flat, m, v, m_views, v_views, steps: 0, lr }
    }

    /// Gradients of `loss`, optional global-norm clipping, step.
    ///
    /// The gradients come straight from the autograd engine (`run_backward`), not accumulated into
    /// each parameter's `.grad`: that saves zeroing and accumulating a dozen small tensors per step.
    /// A parameter the loss does not reach gets no gradient and is left alone this step.
    pub fn backward_step(&mut self, loss: &Tensor, max_grad_norm: Option<f64>) {
        let grads = Tensor::run_backward(&[loss], &self.params, false, false);
        tch::no_grad(|| {
            if let (Some(flat), true) = (&self.flat, grads.iter().all(|g| g.defined())) {
                // Fast path: every parameter has a gradient, so clip and step once over the flat buffer.
                let mut g = Tensor::cat(&grads.iter().map(|g| g.reshape(-1)).collect::<Vec<_>>(), 0);
                if let Some(max) = max_grad_norm {
                    let coef = max / (g.norm().double_value(&[]) + 1e-6);
                    if coef < 1.0 {
                        let _ = g.g_mul_scalar_(coef);
                    }
                }
                self.steps += 1;
                let (mut flat, mut m, mut v) = (flat.shallow_clone(), self.m.shallow_clone(), self.v.shallow_clone());
                self.apply(&mut flat, &g, &mut m, &mut v);
                return;
            }
            let mut grads = grads;
            if let Some(max) = max_grad_norm {
                let norms: Vec<Tensor> = grads.iter().filter(|g| g.defined()).map(|g| g.norm()).collect();
                if !norms.is_empty() {
                    let coef = max / (Tensor::stack(&norms, 0).norm().double_value(&[]) + 1e-6);
                    if coef < 1.0 {
                        for g in grads.iter_mut().filter(|g| g.defined()) {
                            *g = &*g * coef;
                        }
                    }
                }
            }
            self.steps += 1;
            for (i, g) in grads.iter().enumerate().filter(|(_, g)| g.defined()) {
                let (mut p, mut m, mut v) =
                    (self.params[i].shallow_clone(), self.m_views[i].shallow_clone(), self.v_views[i].shallow_clone());
                self.apply(&mut p, g, &mut m, &mut v);
            }
        });
    }

    /// The update of `p` (in place) from gradient `g` and its moments, at step `self.steps`.
    fn apply(&self, p: &mut Tensor, g: &Tensor, m: &mut Tensor, v: &mut Tensor) {
        let c = &self.config;
        let (lr, t) = (self.lr, self.steps as f64);
        match c.kind {
            OptimizerKind::Adam => {
                // m ← β1·m + (1−β1)·g and v ← β2·v + (1−β2)·g², written as lerps (as PyTorch's
                // own Adam does for m): fewer ops, and every op costs more than its arithmetic here.
                let _ = m.lerp_(g, 1.0 - c.beta1);
                let _ = v.lerp_(&g.square(), 1.0 - c.beta2);
                let bias1 = 1.0 - c.beta1.powf(t);
                let bias2 = 1.0 - c.beta2.powf(t);
                // p ← p − lr/bias1 · m / (√v/√bias2 + ε); the step size is folded into the denominator.
                if lr != 0.0 {
                    let mut denom = v.sqrt();
                    let _ = denom.g_div_scalar_(bias2.sqrt()).g_add_scalar_(c.eps).g_mul_scalar_(-bias1 / lr);
                    let _ = p.addcdiv_(m, &denom);
                }
            }
            OptimizerKind::Rmsprop => {
                let _ = v.g_mul_scalar_(c.alpha).g_add_(&(g.square() * (1.0 - c.alpha)));
                let denom = v.sqrt() + c.eps;
                let _ = p.g_sub_(&(g / denom * lr));
            }
            OptimizerKind::Sgd => {
                if c.momentum > 0.0 {
                    if t == 1.0 {
                        m.copy_(g);
                    } else {
                        let _ = m.g_mul_scalar_(c.momentum).g_add_(g);
                    }
                    let _ = p.g_sub_(&(&*m * lr));
                } else {
                    let _ = p.g_sub_(&(g * lr));
                }
            }
        }
    }

    /// Saves the moments and step count as safetensors (names: `m.<param>`, `v.<param>`, `steps`).
    pub fn save(&self, path: &Path) -> Result<(), AgentError> {
        let mut named: Vec<(String, Tensor)> = Vec::new();
        for ((n, m), v) in self.names.iter().zip(&self.m_views).zip(&self.v_views) {
            named.push((format!("m.{n}"), m.shallow_clone()));
            named.push((format!("v.{n}"), v.shallow_clone()));
        }
        named.push(("steps".into(), Tensor::from_slice(&[self.steps])));
        Tensor::write_safetensors(&named, path).map_err(|e| checkpoint_err(path, e))
    }

    pub fn load(&mut self, path: &Path) -> Result<(), AgentError> {
        let loaded = Tensor::read_safetensors(path).map_err(|e| checkpoint_err(path, e))?;
        let find = |name: &str| {
            loaded.iter().find(|(n, _)| n == name).map(|(_, t)| t).ok_or_else(|| AgentError::Checkpoint {
                path: path.display().to_string(),
                reason: format!("optimiser state lacks '{name}'"),
            })
        };
        for ((n, m), v) in self.names.iter().zip(&mut self.m_views).zip(&mut self.v_views) {
            for (prefix, dst) in [("m", &mut *m), ("v", &mut *v)] {
                let src = find(&format!("{prefix}.{n}"))?;
                if src.size() != dst.size() {
                    return Err(AgentError::Checkpoint {
                        path: path.display().to_string(),
                        reason: format!("optimiser state for '{n}' has shape {:?}, the model {:?}", src.size(), dst.size()),
                    });
                }
                tch::no_grad(|| dst.copy_(&src.to_device(dst.device()).to_kind(Kind::Float)));
            }
        }
        self.steps = find("steps")?.int64_value(&[0]);
        Ok(())
    }
}

fn checkpoint_err(path: &Path, e: tch::TchError) -> AgentError {
    AgentError::checkpoint_io(path, &e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{nn, nn::Module, Device};

    fn train(kind: OptimizerKind, ours: bool, steps: usize) -> Vec<f32> {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(0);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = nn::linear(vs.root() / "l", 3, 2, Default::default());
        let x = Tensor::from_slice(&[0.5f32, -1.0, 2.0, 1.5, 0.0, -0.5]).view([2, 3]);
        let y = Tensor::from_slice(&[1.0f32, 0.0, -1.0, 2.0]).view([2, 2]);
        let config = OptimizerConfig { kind, eps: 1e-5, momentum: 0.9, ..Default::default() };
        let loss = || (net.forward(&x) - &y).square().mean(Kind::Float);
        if ours {
            let mut opt = Optimizer::new(&vs, config, 0.01);
            for _ in 0..steps {
                opt.backward_step(&loss(), Some(0.5));
            }
        } else {
            let mut opt = match kind {
                OptimizerKind::Adam => nn::OptimizerConfig::build(
                    nn::Adam { eps: 1e-5, ..Default::default() },
                    &vs,
                    0.01,
                ),
                OptimizerKind::Rmsprop => nn::OptimizerConfig::build(
                    nn::RmsProp { alpha: 0.99, eps: 1e-5, wd: 0.0, momentum: 0.0, centered: false },
                    &vs,
                    0.01,
                ),
                OptimizerKind::Sgd => nn::OptimizerConfig::build(nn::Sgd { momentum: 0.9, ..Default::default() }, &vs, 0.01),
            }
            .unwrap();
            for _ in 0..steps {
                opt.backward_step_clip_norm(&loss(), 0.5);
            }
        }
        let mut w = Vec::<f32>::try_from(vs.variables()["l.weight"].flatten(0, -1)).unwrap();
        w.extend(Vec::<f32>::try_from(vs.variables()["l.bias"].shallow_clone()).unwrap());
        w
    }

    #[test]
    fn matches_libtorch_optimisers() {
        for kind in [OptimizerKind::Adam, OptimizerKind::Rmsprop, OptimizerKind::Sgd] {
            let (a, b) = (train(kind, true, 50), train(kind, false, 50));
            for (x, y) in a.iter().zip(&b) {
                assert!((x - y).abs() < 1e-5, "{kind:?}: {a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn state_round_trips_through_a_file() {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(1);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = nn::linear(vs.root() / "l", 2, 1, Default::default());
        let x = Tensor::from_slice(&[1.0f32, 2.0]).view([1, 2]);
        let mut opt = Optimizer::new(&vs, OptimizerConfig::default(), 0.1);
        opt.backward_step(&net.forward(&x).sum(Kind::Float), None);
        let path = std::env::temp_dir().join(format!("rlab-opt-{}.safetensors", std::process::id()));
        opt.save(&path).unwrap();
        let mut other = Optimizer::new(&vs, OptimizerConfig::default(), 0.1);
        other.load(&path).unwrap();
        assert_eq!(other.steps, 1);
        assert!(opt.v.equal(&other.v));
        std::fs::write(&path, b"garbage").unwrap();
        assert!(other.load(&path).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_parameter_the_loss_does_not_reach_is_left_alone() {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(2);
        let vs = nn::VarStore::new(Device::Cpu);
        let used = nn::linear(vs.root() / "a", 2, 1, Default::default());
        let unused = nn::linear(vs.root() / "b", 2, 1, Default::default());
        let before = unused.ws.copy();
        let x = Tensor::from_slice(&[1.0f32, 2.0]).view([1, 2]);
        let mut opt = Optimizer::new(&vs, OptimizerConfig::default(), 0.1);
        let w0 = used.ws.copy();
        for _ in 0..3 {
            opt.backward_step(&used.forward(&x).sum(Kind::Float), Some(0.5));
        }
        assert!(unused.ws.equal(&before));
        assert!(!used.ws.equal(&w0));
        assert_eq!(opt.steps, 3);
    }
}
