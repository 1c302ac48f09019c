//! The PPO update: clipped surrogate objective, clipped value loss, entropy bonus, minibatch epochs.

use tch::{nn, Device, Kind, Tensor};

use super::{rollout::RolloutBuffer, PpoConfig};
use crate::{policy::ActorCritic, AgentError};

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

/// Everything the update reads, as tensors on the training device.
pub struct Batch {
    obs: Tensor,
    actions: Tensor,
    log_probs: Tensor,
    advantages: Tensor,
    returns: Tensor,
    values: Tensor,
}

impl Batch {
    pub fn new(buf: &RolloutBuffer, advantages: &[f64], returns: &[f64], device: Device) -> Self {
        let n = buf.len() as i64;
        let f32s = |v: &[f64]| Tensor::from_slice(&v.iter().map(|&x| x as f32).collect::<Vec<f32>>()).to(device);
        Batch {
            obs: Tensor::from_slice(&buf.obs).view([n, buf.obs_dim as i64]).to(device),
            actions: Tensor::from_slice(&buf.actions).to(device),
            log_probs: Tensor::from_slice(&buf.log_probs).to(device),
            advantages: f32s(advantages),
            returns: f32s(returns),
            values: f32s(&buf.values),
        }
    }
}

fn scalar(t: &Tensor) -> f64 {
    t.double_value(&[])
}

pub fn update(
    policy: &ActorCritic,
    opt: &mut nn::Optimizer,
    batch: &Batch,
    config: &PpoConfig,
    minibatch_size: usize,
) -> Result<UpdateMetrics, AgentError> {
    let size = batch.actions.size()[0];
    let device = batch.obs.device();
    let mb = minibatch_size as i64;
    let clip = config.clip_coef;
    let mut m = UpdateMetrics::default();
    let mut clipfracs = Vec::new();

    for _epoch in 0..config.update_epochs {
        m.epochs_run += 1;
        let order = Tensor::randperm(size, (Kind::Int64, device));
        let mut start = 0;
        while start < size {
            let len = mb.min(size - start);
            let idx = order.narrow(0, start, len);
            start += len;

            let dist = policy.distribution(&batch.obs.index_select(0, &idx));
            let new_values = policy.value(&batch.obs.index_select(0, &idx));
            let new_log_probs = dist.log_prob(&batch.actions.index_select(0, &idx));
            let entropy = dist.entropy().mean(Kind::Float);
            let log_ratio = new_log_probs - batch.log_probs.index_select(0, &idx);
            let ratio = log_ratio.exp();

            tch::no_grad(|| {
                m.old_approx_kl = scalar(&(-&log_ratio).mean(Kind::Float));
                m.approx_kl = scalar(&((&ratio - 1.0) - &log_ratio).mean(Kind::Float));
                clipfracs.push(scalar(&(&ratio - 1.0).abs().gt(clip).to_kind(Kind::Float).mean(Kind::Float)));
            });

            let mut adv = batch.advantages.index_select(0, &idx);
            if config.norm_adv && len > 1 {
                // Unbiased std, like torch's default; a one-element minibatch is skipped (it would be NaN).
                adv = (&adv - adv.mean(Kind::Float)) / (adv.std(true) + 1e-8);
            }
            let pg_loss1 = -&adv * &ratio;
            let pg_loss2 = -&adv * ratio.clamp(1.0 - clip, 1.0 + clip);
            let policy_loss = pg_loss1.max_other(&pg_loss2).mean(Kind::Float);

            let mb_returns = batch.returns.index_select(0, &idx);
            let value_loss = if config.clip_vloss {
                let old = batch.values.index_select(0, &idx);
                let unclipped = (&new_values - &mb_returns).square();
                let clipped = &old + (&new_values - &old).clamp(-clip, clip);
                let clipped = (clipped - &mb_returns).square();
                unclipped.max_other(&clipped).mean(Kind::Float) * 0.5
            } else {
                (&new_values - &mb_returns).square().mean(Kind::Float) * 0.5
            };

            let loss = &policy_loss - &entropy * config.ent_coef + &value_loss * config.vf_coef;
            opt.backward_step_clip_norm(&loss, config.max_grad_norm);

            m.policy_loss = scalar(&policy_loss);
            m.value_loss = scalar(&value_loss);
            m.entropy = scalar(&entropy);
        }
        if config.target_kl.is_some_and(|kl| m.approx_kl > kl) {
            break;
        }
    }
    m.clipfrac = if clipfracs.is_empty() { 0.0 } else { clipfracs.iter().sum::<f64>() / clipfracs.len() as f64 };
    m.explained_variance = explained_variance(&batch.values, &batch.returns);
    if !(m.policy_loss.is_finite() && m.value_loss.is_finite()) {
        return Err(AgentError::Unsupported(format!(
            "PPO update produced a non-finite loss (policy {}, value {}); lower the learning rate",
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
