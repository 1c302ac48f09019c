//! PPO rollout bookkeeping on toy envs whose episodes end at known steps.

use rlab_envs::{Action, EnvError, EpisodeStatistics, Space, Step, TimeLimit, VecEnv};

use crate::trainer::Trainer;

use super::*;

/// Observation = [steps taken in this episode]; terminates after `lengths[k]` steps in its k-th
/// episode (cycling), unless a time limit cuts it first.
struct Counter {
    obs_space: Space,
    act_space: Space,
    lengths: Vec<usize>,
    episode: usize,
    t: usize,
}

impl Counter {
    fn boxed(lengths: &[usize], limit: usize) -> Box<dyn rlab_envs::Env> {
        let env = Counter {
            obs_space: Space::Box { low: vec![0.0], high: vec![1000.0], shape: vec![1] },
            act_space: Space::Discrete { n: 2 },
            lengths: lengths.to_vec(),
            episode: 0,
            t: 0,
        };
        Box::new(EpisodeStatistics::new(TimeLimit::new(env, limit)))
    }
}

impl rlab_envs::Env for Counter {
    fn observation_space(&self) -> &Space {
        &self.obs_space
    }
    fn action_space(&self) -> &Space {
        &self.act_space
    }
    fn reset(&mut self, _seed: Option<u64>) -> Vec<f32> {
        self.t = 0;
        vec![0.0]
    }
    fn step(&mut self, _action: &Action) -> Result<Step, EnvError> {
        self.t += 1;
        let terminated = self.t == self.lengths[self.episode % self.lengths.len()];
        if terminated {
            self.episode += 1;
        }
        Ok(Step { obs: vec![self.t as f32], reward: 1.0, terminated, truncated: false, episode: None })
    }
    fn render(&self) -> String {
        format!("t={}", self.t)
    }
    fn name(&self) -> &str {
        "Counter"
    }
}

fn common(n: usize) -> CommonSettings {
    CommonSettings {
        gamma: 0.9,
        gae_lambda: 0.95,
        seed: 0,
        total_steps: 10_000,
        num_envs: n,
        normalize_obs: false,
        scale_rewards: false,
        exploration_bonus: 0.0,
    }
}

fn trainer(envs: Vec<Box<dyn rlab_envs::Env>>, num_steps: usize) -> OnPolicyTrainer {
    let n = envs.len();
    let config = PpoConfig { num_steps, num_minibatches: 1, ..Default::default() };
    let settings = OnPolicySettings::from(&config);
    OnPolicyTrainer::new(settings, &PolicyConfig::default(), common(n), VecEnv::new(envs).unwrap(), Device::Cpu).unwrap()
}

#[test]
fn case12_episodes_are_logged_at_the_env_step_where_they_end() {
    let _rng = crate::torch_rng_lock();
    // 4 envs; episodes of 4 then 2 steps end at vector steps 3 and 5 (0-based).
    let mut t = trainer((0..4).map(|_| Counter::boxed(&[4, 2], 1000)).collect(), 6);
    let it = t.iterate().unwrap();
    let steps: Vec<u64> = it.episodes.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, vec![16, 16, 16, 16, 24, 24, 24, 24]);
    let lengths: Vec<usize> = it.episodes.iter().map(|(_, e)| e.length).collect();
    assert_eq!(lengths, vec![4, 4, 4, 4, 2, 2, 2, 2]);
    assert_eq!(it.global_step, 24);
    // Steps never go backwards across iterations either.
    let next = t.iterate().unwrap();
    assert!(next.episodes.iter().all(|(s, _)| *s > 24));
}

#[test]
fn truncated_steps_bootstrap_from_the_true_final_observation() {
    let _rng = crate::torch_rng_lock();
    // Never terminates; the time limit truncates after 3 steps. The reset observation is [0],
    // the true final one [3]: the bootstrap value must be V([3]).
    let mut t = trainer(vec![Counter::boxed(&[usize::MAX], 3), Counter::boxed(&[usize::MAX], 3)], 5);
    t.collect().unwrap();
    let v_final = t.values_of(&[3.0], 1, None).unwrap()[0];
    let v_reset = t.values_of(&[0.0], 1, None).unwrap()[0];
    assert!((v_final - v_reset).abs() > 1e-4);
    let b = &t.buffer;
    for k in 0..b.len() {
        let t_step = k / b.num_envs;
        if t_step == 2 {
            assert!(b.truncated[k] && !b.terminated[k]);
            assert!((b.next_values[k] - v_final).abs() < 1e-6, "row {k}: {} vs {v_final}", b.next_values[k]);
        } else {
            assert!(!b.truncated[k]);
            assert_eq!(b.next_values[k], 0.0);
        }
    }
    // The observation stored for the step after the truncation is the reset one.
    assert_eq!(b.obs[3 * b.num_envs * b.obs_dim], 0.0);
}

#[test]
fn configuration_errors_are_reported_not_panics() {
    let _rng = crate::torch_rng_lock();
    let policy = PolicyConfig::default();
    let ppo = OnPolicySettings::from(&PpoConfig::default());
    let envs = VecEnv::new(vec![Counter::boxed(&[3], 10)]).unwrap();
    let bad_gamma = CommonSettings { gamma: 1.5, ..common(1) };
    assert!(OnPolicyTrainer::new(ppo.clone(), &policy, bad_gamma, envs, Device::Cpu).is_err());
    let envs = VecEnv::new(vec![Counter::boxed(&[3], 10)]).unwrap();
    let too_many = OnPolicySettings::from(&PpoConfig { num_minibatches: 1000, ..Default::default() });
    assert!(OnPolicyTrainer::new(too_many, &policy, common(1), envs, Device::Cpu).is_err());
    // Recurrent minibatches are groups of envs: more minibatches than envs cannot work.
    let envs = VecEnv::new(vec![Counter::boxed(&[3], 10), Counter::boxed(&[3], 10)]).unwrap();
    let lstm = PolicyConfig { kind: crate::policy::PolicyKind::Lstm, ..Default::default() };
    let err = OnPolicyTrainer::new(ppo, &lstm, common(2), envs, Device::Cpu).err().unwrap().to_string();
    assert!(err.contains("num_envs"), "{err}");
    for kl in [f64::NAN, -1.0, 0.0, f64::INFINITY] {
        let s = OnPolicySettings::from(&PpoConfig { target_kl: Some(kl), ..Default::default() });
        assert!(s.validate(1, false).unwrap_err().to_string().contains("target_kl must be a positive number"), "{kl}");
    }
    assert!(OnPolicySettings::from(&PpoConfig { target_kl: Some(0.02), ..Default::default() }).validate(1, false).is_ok());
}

#[test]
fn case10_observation_statistics_travel_in_the_checkpoint_and_stay_frozen_at_evaluation() {
    let _rng = crate::torch_rng_lock();
    let envs = VecEnv::new((0..2).map(|_| Counter::boxed(&[5], 100)).collect()).unwrap();
    let settings = OnPolicySettings::from(&PpoConfig { num_steps: 8, num_minibatches: 1, ..Default::default() });
    let normalized = CommonSettings { normalize_obs: true, ..common(2) };
    let mut t = OnPolicyTrainer::new(settings, &PolicyConfig::default(), normalized, envs, Device::Cpu).unwrap();
    t.iterate().unwrap();
    let trained = t.obs_norm.as_ref().unwrap().0.stats.clone();
    assert!(trained.count > 10.0 && trained.mean[0] > 0.5, "{trained:?}");

    let path = std::env::temp_dir().join(format!("rlab-obsnorm-{}.safetensors", std::process::id()));
    t.save_weights(&path).unwrap();
    let obs_space = Space::Box { low: vec![0.0], high: vec![1000.0], shape: vec![1] };
    let act_space = Space::Discrete { n: 2 };
    use crate::Actor;
    let mut agent = ActorCriticAgent::untrained(&PolicyConfig::default(), &obs_space, &act_space, true, Device::Cpu).unwrap();
    agent.reload(&path).unwrap();
    let loaded = agent.obs_norm_stats().unwrap().clone();
    assert!((loaded.mean[0] - trained.mean[0]).abs() < 1e-5 && (loaded.count - trained.count).abs() < 1e-2);
    agent.begin_episode();
    for x in [100.0f32, 200.0, 300.0] {
        agent.act_deterministic(&[x]).unwrap();
    }
    assert_eq!(agent.obs_norm_stats().unwrap(), &loaded, "evaluation must not update the statistics");
    // A checkpoint without the statistics cannot be loaded as one with them.
    let plain = OnPolicyTrainer::new(
        OnPolicySettings::from(&PpoConfig { num_steps: 8, num_minibatches: 1, ..Default::default() }),
        &PolicyConfig::default(),
        common(1),
        VecEnv::new(vec![Counter::boxed(&[5], 100)]).unwrap(),
        Device::Cpu,
    )
    .unwrap();
    plain.save_weights(&path).unwrap();
    assert!(agent.reload(&path).is_err());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn resumed_training_continues_the_step_count_and_optimiser() {
    let _rng = crate::torch_rng_lock();
    let make = || {
        let envs = VecEnv::new((0..2).map(|_| Counter::boxed(&[5], 100)).collect()).unwrap();
        let settings = OnPolicySettings::from(&PpoConfig { num_steps: 8, num_minibatches: 1, ..Default::default() });
        OnPolicyTrainer::new(settings, &PolicyConfig::default(), common(2), envs, Device::Cpu).unwrap()
    };
    let mut a = make();
    a.iterate().unwrap();
    a.iterate().unwrap();
    let dir = std::env::temp_dir().join(format!("rlab-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    a.save_weights(&dir.join("w.safetensors")).unwrap();
    a.save_optimizer(&dir.join("o.safetensors")).unwrap();
    let mut b = make();
    b.restore(&dir.join("w.safetensors"), &dir.join("o.safetensors"), &a.state()).unwrap();
    assert_eq!(b.global_step, 32);
    assert_eq!(b.iteration, 2);
    let it = b.iterate().unwrap();
    assert_eq!(it.global_step, 48);
    assert!(it.episodes.iter().all(|(s, _)| *s > 32));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_weight_of_every_policy_kind_is_trained() {
    let _rng = crate::torch_rng_lock();
    for kind in [crate::policy::PolicyKind::Mlp, crate::policy::PolicyKind::Lstm] {
        let envs = VecEnv::new((0..2).map(|_| Counter::boxed(&[3, 7], 100)).collect()).unwrap();
        let settings = OnPolicySettings::from(&PpoConfig { num_steps: 16, num_minibatches: 2, ..Default::default() });
        let policy = PolicyConfig { kind, ..Default::default() };
        let mut t = OnPolicyTrainer::new(settings, &policy, common(2), envs, Device::Cpu).unwrap();
        let before: std::collections::HashMap<String, Tensor> =
            t.vs.variables().into_iter().map(|(k, v)| (k, v.copy())).collect();
        t.iterate().unwrap();
        for (name, after) in t.vs.variables() {
            assert!(!after.equal(&before[&name]), "{kind:?}: {name} did not change");
        }
    }
}
