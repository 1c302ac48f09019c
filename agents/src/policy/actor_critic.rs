//! Actor-critic networks for the on-policy algorithms. Checkpoint keys by kind:
//! mlp `actor.fc*`, `critic.fc*`; cnn `trunk.conv*`, `dense.fc*`, `actor_head`, `critic_head` (and
//! `critic_trunk.conv*`, `critic_dense.fc*` when the critic has its own trunk); lstm `encoder.fc*`, `lstm`, `actor_head`, `critic_head`.

use tch::{nn, nn::Module, nn::RNN, Device, Tensor};

use super::{reset_at_starts, PolicyConfig, PolicyKind, RecurrentState};
use crate::{
    nn::{cnn, linear_ortho, mlp, mlp_trunk, Cnn, Mlp},
    AgentError,
};

#[derive(Debug)]
enum Body {
    Mlp { actor: Mlp, critic: Mlp },
    /// `critic_trunk`: the critic's own conv blocks and dense layers (`cnn_shared_trunk = false`).
    Cnn { trunk: Cnn, dense: Mlp, critic_trunk: Option<(Cnn, Mlp)>, actor: nn::Linear, critic: nn::Linear },
    Lstm { encoder: Mlp, lstm: nn::LSTM, hidden: i64, actor: nn::Linear, critic: nn::Linear },
}

#[derive(Debug)]
pub struct ActorCritic {
    body: Body,
}

impl ActorCritic {
    pub fn new(p: &nn::Path, obs_shape: &[usize], num_actions: i64, config: &PolicyConfig) -> Result<Self, AgentError> {
        config.validate()?;
        config.check_observation_shape(obs_shape)?;
        let obs_dim = obs_shape.iter().product::<usize>() as i64;
        let h = &config.hidden_sizes;
        let body = match config.kind {
            PolicyKind::Mlp => Body::Mlp {
                actor: mlp(p / "actor", obs_dim, h, num_actions, config.activation, 0.01),
                critic: mlp(p / "critic", obs_dim, h, 1, config.activation, 1.0),
            },
            PolicyKind::Cnn => {
                let shape = [obs_shape[0] as i64, obs_shape[1] as i64, obs_shape[2] as i64];
                let trunk = cnn(p / "trunk", shape, &config.cnn_channels);
                let (dense, features) = mlp_trunk(p / "dense", trunk.out_dim(), h, config.activation);
                let critic_trunk = (!config.cnn_shared_trunk).then(|| {
                    let trunk = cnn(p / "critic_trunk", shape, &config.cnn_channels);
                    let (dense, _) = mlp_trunk(p / "critic_dense", trunk.out_dim(), h, config.activation);
                    (trunk, dense)
                });
                Body::Cnn {
                    trunk,
                    dense,
                    critic_trunk,
                    actor: linear_ortho(p / "actor_head", features, num_actions, 0.01),
                    critic: linear_ortho(p / "critic_head", features, 1, 1.0),
                }
            }
            PolicyKind::Lstm => {
                let (encoder, features) = mlp_trunk(p / "encoder", obs_dim, h, config.activation);
                let hidden = config.lstm_hidden;
                Body::Lstm {
                    encoder,
                    lstm: nn::lstm(p / "lstm", features, hidden, Default::default()),
                    hidden,
                    actor: linear_ortho(p / "actor_head", hidden, num_actions, 0.01),
                    critic: linear_ortho(p / "critic_head", hidden, 1, 1.0),
                }
            }
        };
        Ok(ActorCritic { body })
    }

    pub fn is_recurrent(&self) -> bool {
        matches!(self.body, Body::Lstm { .. })
    }

    /// Zero state for `num_envs` envs (recurrent policies only).
    pub fn initial_state(&self, num_envs: i64, device: Device) -> Option<RecurrentState> {
        match &self.body {
            Body::Lstm { hidden, .. } => Some(RecurrentState::zeros(num_envs, *hidden, device)),
            _ => None,
        }
    }

    /// Logits [B, A] and values [B] of flat observations [B, obs_dim], for feed-forward policies.
    fn forward(&self, obs: &Tensor) -> (Tensor, Tensor) {
        match &self.body {
            Body::Mlp { actor, critic } => (actor.forward(obs), critic.forward(obs).squeeze_dim(-1)),
            Body::Cnn { trunk, dense, critic_trunk, actor, critic } => {
                let f = dense.forward(&trunk.forward(obs));
                let g = match critic_trunk {
                    Some((trunk, dense)) => dense.forward(&trunk.forward(obs)),
                    None => f.shallow_clone(),
                };
                (f.apply(actor), g.apply(critic).squeeze_dim(-1))
            }
            Body::Lstm { .. } => unreachable!("recurrent policies go through step/sequence"),
        }
    }

    /// One step for a batch of envs: observations [N, obs_dim], `starts` [N] (1 where the
    /// observation is the first of an episode: the state is reset first).
    /// Returns logits [N, A], values [N] and the next state (recurrent policies).
    pub fn step(
        &self,
        obs: &Tensor,
        state: Option<&RecurrentState>,
        starts: &Tensor,
    ) -> (Tensor, Tensor, Option<RecurrentState>) {
        match (&self.body, state) {
            (Body::Lstm { encoder, lstm, actor, critic, .. }, Some(s)) => {
                let input = encoder.forward(obs);
                let reset = nn::LSTMState((reset_at_starts(&s.h, starts), reset_at_starts(&s.c, starts)));
                let nn::LSTMState((h, c)) = lstm.step(&input, &reset);
                let out = h.squeeze_dim(0);
                (out.apply(actor), out.apply(critic).squeeze_dim(-1), Some(RecurrentState { h, c }))
            }
            (Body::Lstm { .. }, None) => {
                let zero = self.initial_state(obs.size()[0], obs.device());
                self.step(obs, zero.as_ref(), starts)
            }
            _ => {
                let (logits, values) = self.forward(obs);
                (logits, values, None)
            }
        }
    }

    /// A rollout of T steps of `num_envs` envs, time-major: obs [T·N, obs_dim], starts [T·N],
    /// `state` = the state before the first step. Recurrent policies replay the steps in order
    /// (the same computation as `step`, so training sees what acting saw).
    pub fn sequence(
        &self,
        obs: &Tensor,
        state: Option<&RecurrentState>,
        starts: &Tensor,
        num_envs: i64,
    ) -> (Tensor, Tensor) {
        if !self.is_recurrent() {
            return self.forward(obs);
        }
        let steps = obs.size()[0] / num_envs;
        let mut logits = Vec::with_capacity(steps as usize);
        let mut values = Vec::with_capacity(steps as usize);
        let mut s = match state {
            Some(s) => RecurrentState { h: s.h.shallow_clone(), c: s.c.shallow_clone() },
            None => RecurrentState::zeros(num_envs, self.lstm_hidden(), obs.device()),
        };
        for t in 0..steps {
            let rows = obs.narrow(0, t * num_envs, num_envs);
            let st = starts.narrow(0, t * num_envs, num_envs);
            let (l, v, next) = self.step(&rows, Some(&s), &st);
            logits.push(l);
            values.push(v);
            s = next.expect("recurrent step returns a state");
        }
        (Tensor::cat(&logits, 0), Tensor::cat(&values, 0))
    }

    fn lstm_hidden(&self) -> i64 {
        match &self.body {
            Body::Lstm { hidden, .. } => *hidden,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Kind;

    fn lstm_policy(vs: &nn::VarStore) -> ActorCritic {
        let config = PolicyConfig { kind: PolicyKind::Lstm, hidden_sizes: vec![8], lstm_hidden: 6, ..Default::default() };
        ActorCritic::new(&vs.root(), &[3], 2, &config).unwrap()
    }

    #[test]
    fn case7_step_by_step_equals_sequence_recomputation() {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(3);
        let vs = nn::VarStore::new(Device::Cpu);
        let policy = lstm_policy(&vs);
        let (steps, n) = (6, 2);
        let obs = Tensor::randn([steps * n, 3], (Kind::Float, Device::Cpu));
        // Env 0 starts a new episode at t = 0 and t = 3; env 1 at t = 0 and t = 4.
        let starts = Tensor::from_slice(&[1.0f32, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let init = policy.initial_state(n, Device::Cpu);
        let (seq_logits, seq_values) = policy.sequence(&obs, init.as_ref(), &starts, n);

        let mut state = policy.initial_state(n, Device::Cpu);
        for t in 0..steps {
            let rows = obs.narrow(0, t * n, n);
            let (l, v, next) = policy.step(&rows, state.as_ref(), &starts.narrow(0, t * n, n));
            assert!(l.allclose(&seq_logits.narrow(0, t * n, n), 1e-6, 1e-6, false), "logits differ at t={t}");
            assert!(v.allclose(&seq_values.narrow(0, t * n, n), 1e-6, 1e-6, false), "values differ at t={t}");
            state = next;
        }

        // At a start the output equals a fresh zero-state LSTM on that input (env 0, t = 3).
        let row = obs.narrow(0, 3 * n, 1);
        let (fresh, _, _) = policy.step(&row, None, &Tensor::from_slice(&[0.0f32]));
        assert!(fresh.allclose(&seq_logits.narrow(0, 3 * n, 1), 1e-6, 1e-6, false));
        // ...and without the reset it would differ.
        let no_reset = Tensor::zeros([steps * n], (Kind::Float, Device::Cpu));
        let (carried, _) = policy.sequence(&obs, init.as_ref(), &no_reset, n);
        assert!(!carried.narrow(0, 3 * n, 1).allclose(&fresh, 1e-6, 1e-6, false));
    }

    #[test]
    fn cnn_needs_image_observations() {
        let vs = nn::VarStore::new(Device::Cpu);
        let config = PolicyConfig { kind: PolicyKind::Cnn, ..Default::default() };
        let err = ActorCritic::new(&vs.root(), &[4], 2, &config).unwrap_err().to_string();
        assert!(err.contains("--policy cnn") && err.contains("[4]"), "{err}");
        let ok = ActorCritic::new(&vs.root(), &[4, 5, 5], 4, &config).unwrap();
        let obs = Tensor::zeros([2, 100], (Kind::Float, Device::Cpu));
        let (l, v, s) = ok.step(&obs, None, &Tensor::zeros([2], (Kind::Float, Device::Cpu)));
        assert_eq!((l.size(), v.size(), s.is_none()), (vec![2, 4], vec![2], true));
    }

    #[test]
    fn a_cnn_critic_with_its_own_trunk_leaves_the_actor_s_features_alone() {
        let _rng = crate::torch_rng_lock();
        tch::manual_seed(0);
        let obs = Tensor::rand([5, 4 * 5 * 5], (Kind::Float, Device::Cpu));
        let starts = Tensor::zeros([5], (Kind::Float, Device::Cpu));
        for shared in [true, false] {
            let vs = nn::VarStore::new(Device::Cpu);
            let config = PolicyConfig { kind: PolicyKind::Cnn, cnn_shared_trunk: shared, hidden_sizes: vec![8], cnn_channels: vec![3], ..Default::default() };
            let policy = ActorCritic::new(&vs.root(), &[4, 5, 5], 4, &config).unwrap();
            let names: Vec<String> = vs.variables().into_keys().collect();
            assert_eq!(names.iter().any(|n| n.starts_with("critic_trunk.conv0") || n.starts_with("critic_dense.fc0")), !shared, "{names:?}");
            // The value loss's gradient reaches the actor's trunk only when the trunk is shared.
            let (_, values, _) = policy.step(&obs, None, &starts);
            values.square().sum(Kind::Float).backward();
            let actor_conv = &vs.variables()["trunk.conv0.weight"];
            let reached = actor_conv.grad().defined() && actor_conv.grad().abs().sum(Kind::Float).double_value(&[]) > 0.0;
            assert_eq!(reached, shared, "shared = {shared}");
        }
    }
}
