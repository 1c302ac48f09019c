//! The on-policy update: PPO's clipped surrogate with clipped value loss over minibatch epochs,
//! or (no clipping, one epoch, one minibatch) A2C's plain policy-gradient step.

use tch::{Device, Kind, Tensor};

use super::{rollout::RolloutBuffer, OnPolicySettings};
use crate::{distributions::Categorical, optim::Optimizer, policy::ActorCritic, policy::RecurrentState, AgentError};

/// Metrics of one update, as CleanRL reports them (losses of the last minibatch, clip fraction
/// averaged over all minibatches).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateMetrics {
    pub value_loss: f64,
    pub policy_loss: f64,
    pub entropy: f64,
    pub old_approx_kl: f64,
    pub approx_kl: f64,
    pub clipfrac: f64,
    pub explained_variance: f64,
    pub epochs_run: usize,
}

/// Everything the update reads, as tensors on the training device (time-major, T·N rows).
pub struct Batch {
    obs: Tensor,
    starts: Tensor,
    actions: Tensor,
    log_probs: Tensor,
    advantages: Tensor,
    returns: Tensor,
    values: Tensor,
    num_envs: i64,
    /// Recurrent state before the rollout's first step.
    initial_state: Option<RecurrentState>,
}

impl Batch {
    pub fn new(
        buf: &RolloutBuffer,
        advantages: &[f64],
        returns: &[f64],
        initial_state: Option<RecurrentState>,
        device: Device,
    ) -> Self {
        let n = buf.len() as i64;
        let f32s = |v: &[f64]| Tensor::from_slice(&v.iter().map(|&x| x as f32).collect::<Vec<f32>>()).to(device);
        Batch {
            obs: Tensor::from_slice(&buf.obs).view([n, buf.obs_dim as i64]).to(device),
            starts: Tensor::from_slice(&buf.starts).to(device),
            // [T·N, 1], the shape a gather over the action axis takes.
            actions: Tensor::from_slice(&buf.actions).view([n, 1]).to(device),
            log_probs: Tensor::from_slice(&buf.log_probs).to(device),
            advantages: f32s(advantages),
            returns: f32s(returns),
            values: f32s(&buf.values),
            num_envs: buf.num_envs as i64,
            initial_state,
        }
    }

    fn len(&self) -> i64 {
        self.actions.size()[0]
    }
}

fn scalar(t: &Tensor) -> f64 {
    t.double_value(&[])
}

/// One minibatch: its rows of the batch (`None`: all of them, in order) and, for recurrent
/// policies, the envs whose sequences it replays.
struct Minibatch {
    rows: Option<Tensor>,
    group: Option<Tensor>,
}

impl Minibatch {
    fn select(&self, t: &Tensor) -> Tensor {
        match &self.rows {
            Some(rows) => t.index_select(0, rows),
            None => t.shallow_clone(),
        }
    }
}

/// The row sets of one epoch. Feed-forward: a random permutation cut into minibatches.
/// Recurrent: random groups of whole envs, each row set in time-major order so the sequence can
/// be replayed from the rollout's initial state.
fn minibatches(batch: &Batch, count: usize, recurrent: bool) -> Vec<Minibatch> {
    let device = batch.obs.device();
    let count = count as i64;
    if !recurrent {
        let size = batch.len();
        if count == 1 {
            // One minibatch is the whole batch: its order does not change the mean losses, so
            // skip the permutation and the row copies.
            return vec![Minibatch { rows: None, group: None }];
        }
        let mb = size / count;
        let order = Tensor::randperm(size, (Kind::Int64, device));
        return (0..count)
            .map(|k| {
                let len = if k == count - 1 { size - k * mb } else { mb };
                Minibatch { rows: Some(order.narrow(0, k * mb, len)), group: None }
            })
            .collect();
    }
    let n = batch.num_envs;
    let steps = batch.len() / n;
    let envs = Tensor::randperm(n, (Kind::Int64, device));
    let per = n / count;
    (0..count)
        .map(|k| {
            let len = if k == count - 1 { n - k * per } else { per };
            let group = envs.narrow(0, k * per, len);
            let t = Tensor::arange(steps, (Kind::Int64, device)).view([steps, 1]);
            let rows = (t * n + group.view([1, len])).flatten(0, -1);
            Minibatch { rows: Some(rows), group: Some(group) }
        })
        .collect()
}

pub fn update(
    policy: &ActorCritic,
    opt: &mut Optimizer,
    batch: &Batch,
    s: &OnPolicySettings,
    // The ε of this update (annealed or not); `None` for A2C.
    clip_coef: Option<f64>,
    // The entropy coefficient of this update (annealed or not).
    ent_coef: f64,
) -> Result<UpdateMetrics, AgentError> {
    let recurrent = policy.is_recurrent();
    let mut m = UpdateMetrics::default();

    // −A of a minibatch (normalised per minibatch, as CleanRL does). With one feed-forward
    // minibatch every epoch sees the same rows, so it is computed once.
    let neg_advantages = |mb: &Minibatch| {
        let mut adv = mb.select(&batch.advantages);
        if s.norm_adv && adv.size()[0] > 1 {
            // Unbiased std, like torch's default; a one-element minibatch is skipped (it would be NaN).
            adv = (&adv - adv.mean(Kind::Float)) / (adv.std(true) + 1e-8);
        }
        -adv
    };
    let whole_batch = (s.num_minibatches == 1 && !recurrent).then(|| neg_advantages(&Minibatch { rows: None, group: None }));

    // Summed over all minibatches as a tensor, so that no minibatch waits for a scalar.
    let mut clipped = Tensor::zeros([], (Kind::Float, batch.obs.device()));
    let mut minibatches_run = 0;
    for epoch in 0..s.update_epochs {
        m.epochs_run += 1;
        let mbs = minibatches(batch, s.num_minibatches, recurrent);
        let count = mbs.len();
        for (k, mb) in mbs.into_iter().enumerate() {
            // The reported KL and losses are the last minibatch's of an epoch, read for the
            // early stop (target_kl) or, without one, only after the last epoch.
            let report = k + 1 == count && (s.target_kl.is_some() || epoch + 1 == s.update_epochs);
            let obs = mb.select(&batch.obs);
            let starts = mb.select(&batch.starts);
            let (logits, new_values) = match &mb.group {
                Some(g) => {
                    let init = batch.initial_state.as_ref().map(|st| st.select(g));
                    policy.sequence(&obs, init.as_ref(), &starts, g.size()[0])
                }
                None => policy.sequence(&obs, None, &starts, 1),
            };
            let dist = Categorical::from_logits(&logits);
            let new_log_probs = dist.log_probs().gather(-1, &mb.select(&batch.actions), false).squeeze_dim(-1);
            // Without an entropy bonus the entropy stays out of the graph (it is only reported).
            let entropy = (ent_coef != 0.0).then(|| dist.entropy().mean(Kind::Float));
            let log_ratio = &new_log_probs - mb.select(&batch.log_probs);
            let ratio = log_ratio.exp();

            tch::no_grad(|| {
                if report {
                    m.old_approx_kl = scalar(&(-&log_ratio).mean(Kind::Float));
                    m.approx_kl = scalar(&((&ratio - 1.0) - &log_ratio).mean(Kind::Float));
                }
                let clip = clip_coef.unwrap_or(f64::INFINITY);
                clipped += (&ratio - 1.0).abs().gt(clip).mean(Kind::Float);
            });
            minibatches_run += 1;

            let neg_adv = match &whole_batch {
                Some(a) => a.shallow_clone(),
                None => neg_advantages(&mb),
            };
            let policy_loss = match clip_coef {
                Some(clip) => {
                    let pg1 = &neg_adv * &ratio;
                    let pg2 = &neg_adv * ratio.clamp(1.0 - clip, 1.0 + clip);
                    pg1.max_other(&pg2).mean(Kind::Float)
                }
                // A2C: −A·log π(a|s), the plain policy gradient.
                None => (&neg_adv * &new_log_probs).mean(Kind::Float),
            };

            let mb_returns = mb.select(&batch.returns);
            // The mean squared error; the value loss is half of it (one product in the graph below).
            let value_mse = match clip_coef {
                Some(clip) if s.clip_vloss => {
                    let old = mb.select(&batch.values);
                    let unclipped = (&new_values - &mb_returns).square();
                    let clipped = &old + (&new_values - &old).clamp(-clip, clip);
                    unclipped.max_other(&(clipped - &mb_returns).square()).mean(Kind::Float)
                }
                _ => (&new_values - &mb_returns).square().mean(Kind::Float),
            };

            let mut loss = &policy_loss + &value_mse * (0.5 * s.vf_coef);
            if let Some(h) = &entropy {
                loss = loss - h * ent_coef;
            }
            opt.backward_step(&loss, Some(s.max_grad_norm));

            if report {
                m.policy_loss = scalar(&policy_loss);
                m.value_loss = 0.5 * scalar(&value_mse);
                m.entropy = match &entropy {
                    Some(h) => scalar(h),
                    None => tch::no_grad(|| scalar(&dist.entropy().mean(Kind::Float))),
                };
            }
        }
        if s.target_kl.is_some_and(|kl| m.approx_kl > kl) {
            break;
        }
    }
    m.clipfrac = if minibatches_run == 0 { 0.0 } else { scalar(&clipped) / minibatches_run as f64 };
    m.explained_variance = explained_variance(&batch.values, &batch.returns);
    if !(m.policy_loss.is_finite() && m.value_loss.is_finite()) {
        return Err(AgentError::Unsupported(format!(
            "the update produced a non-finite loss (policy {}, value {}); lower the learning rate",
            m.policy_loss, m.value_loss
        )));
    }
    Ok(m)
}

/// 1 − Var(returns − values) / Var(returns); NaN when the returns do not vary.
fn explained_variance(values: &Tensor, returns: &Tensor) -> f64 {
    let var_y = scalar(&returns.var(false));
    if var_y == 0.0 {
        return f64::NAN;
    }
    1.0 - scalar(&(returns - values).var(false)) / var_y
}
