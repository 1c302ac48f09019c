//! A run's configuration: defaults < TOML file < command-line flags (`--set key=value` and named flags).
//! The resolved config is saved as `config.toml` in the run directory and is all `rlab eval` needs.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use rlab_agents::{
    dqn::DqnConfig,
    nn::Activation,
    onpolicy::{A2cConfig, OnPolicySettings, PpoConfig},
    policy::{PolicyConfig, PolicyKind},
    reinforce::ReinforceConfig,
    DeviceChoice,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    #[default]
    Ppo,
    A2c,
    Dqn,
    Reinforce,
}

impl Algo {
    pub const ALL: [Algo; 4] = [Algo::Ppo, Algo::A2c, Algo::Dqn, Algo::Reinforce];

    pub fn name(self) -> &'static str {
        match self {
            Algo::Ppo => "ppo",
            Algo::A2c => "a2c",
            Algo::Dqn => "dqn",
            Algo::Reinforce => "reinforce",
        }
    }

    pub fn parse(s: &str) -> Result<Algo> {
        Algo::ALL.into_iter().find(|a| a.name() == s).ok_or_else(|| {
            anyhow!("unknown algo '{s}' (expected one of: {})", Algo::ALL.map(|a| a.name()).join(", "))
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    /// Registered environment name (see `rlab envs`) or a grid map file (.txt).
    pub env: String,
    /// Algorithm: ppo, a2c, dqn or reinforce.
    pub algo: Algo,
    /// Discount rate γ in [0, 1].
    pub gamma: f64,
    /// GAE λ in [0, 1] (ppo, a2c).
    pub gae_lambda: f64,
    /// Seeds libtorch and the envs (sub-env i gets seed + i).
    pub seed: u64,
    /// Env steps to train for, summed over all envs.
    pub total_steps: u64,
    /// Parallel copies of the env.
    pub num_envs: usize,
    /// auto, cpu or cuda.
    pub device: DeviceChoice,
    /// libtorch CPU threads; 1 is fastest (and deterministic) for small networks.
    pub threads: usize,
    /// Episodes of deterministic evaluation at the end (0 skips it).
    pub eval_episodes: usize,
    /// Env steps between evaluations during training (0: none), each over `eval_every_episodes`
    /// episodes of their own (not the final evaluation's), logged as `eval/periodic_mean_return`.
    pub eval_every: u64,
    pub eval_every_episodes: usize,
    /// Keep the weights of the best periodic evaluation (`best.safetensors`) and give those to the
    /// final evaluation: what SB3's EvalCallback saves as the best model. For algorithms whose last
    /// weights can be worse than earlier ones (DQN on CartPole).
    pub keep_best: bool,
    /// Save a checkpoint every this many iterations (the last one is always saved).
    pub checkpoint_every: usize,
    /// Normalise observations with running statistics (saved in the checkpoint, frozen at evaluation).
    pub normalize_obs: bool,
    /// Divide rewards by the running std of the return discounted with this run's gamma.
    pub scale_rewards: bool,
    /// β of a count-based exploration bonus β/√N(s') added to training rewards (0: off). For
    /// discrete observations (grid worlds); logged and evaluated returns exclude it.
    pub exploration_bonus: f64,
    /// Network: kind (mlp, cnn, lstm), sizes, activation.
    pub policy: PolicyConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ppo: Option<PpoConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a2c: Option<A2cConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dqn: Option<DqnConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reinforce: Option<ReinforceConfig>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig::defaults_for(Algo::Ppo)
    }
}

impl RunConfig {
    /// Defaults of each algorithm's reference (CleanRL PPO; SB3/RL Zoo A2C and DQN).
    pub fn defaults_for(algo: Algo) -> Self {
        let base = RunConfig {
            env: "CartPole-v1".into(),
            algo,
            gamma: 0.99,
            gae_lambda: 0.95,
            seed: 1,
            total_steps: 500_000,
            num_envs: 4,
            device: DeviceChoice::Auto,
            threads: 1,
            eval_episodes: 20,
            eval_every: 0,
            eval_every_episodes: 10,
            keep_best: false,
            checkpoint_every: 100,
            normalize_obs: false,
            scale_rewards: false,
            exploration_bonus: 0.0,
            policy: PolicyConfig::default(),
            ppo: None,
            a2c: None,
            dqn: None,
            reinforce: None,
        };
        match algo {
            Algo::Ppo => RunConfig { ppo: Some(PpoConfig::default()), ..base },
            Algo::A2c => RunConfig { gae_lambda: 1.0, num_envs: 8, a2c: Some(A2cConfig::default()), ..base },
            Algo::Reinforce => RunConfig { gae_lambda: 1.0, num_envs: 8, reinforce: Some(ReinforceConfig::default()), ..base },
            Algo::Dqn => RunConfig {
                gae_lambda: 1.0,
                num_envs: 1,
                total_steps: 50_000,
                // Iterations: 4,000 env steps at the default train_freq of 4.
                checkpoint_every: 1000,
                policy: PolicyConfig { hidden_sizes: vec![256, 256], activation: Activation::Relu, ..PolicyConfig::default() },
                dqn: Some(DqnConfig::default()),
                ..base
            },
        }
    }

    pub fn validate(&self) -> Result<()> {
        for (name, v) in [("gamma", self.gamma), ("gae_lambda", self.gae_lambda)] {
            if !(0.0..=1.0).contains(&v) {
                bail!("{name} must lie in [0, 1], got {v}");
            }
        }
        if self.total_steps == 0 {
            bail!("total_steps must be at least 1");
        }
        if self.num_envs == 0 {
            bail!("num_envs must be at least 1");
        }
        if self.num_envs > 4096 {
            bail!("num_envs must be at most 4096, got {}", self.num_envs);
        }
        if self.threads == 0 || self.threads > 256 {
            bail!("threads must be between 1 and 256, got {}", self.threads);
        }
        if self.total_steps > MAX_TOTAL_STEPS {
            bail!("total_steps must be at most {MAX_TOTAL_STEPS}, got {}", self.total_steps);
        }
        if self.eval_episodes > 1_000_000 {
            bail!("eval_episodes must be at most 1000000, got {}", self.eval_episodes);
        }
        if self.checkpoint_every == 0 {
            bail!("checkpoint_every must be at least 1");
        }
        if self.eval_every > 0 && !(1..=1_000_000).contains(&self.eval_every_episodes) {
            bail!("eval_every_episodes must be between 1 and 1000000, got {}", self.eval_every_episodes);
        }
        if self.eval_every > self.total_steps {
            bail!("eval_every ({}) is more than total_steps ({}): no evaluation would run", self.eval_every, self.total_steps);
        }
        if self.keep_best && self.eval_every == 0 {
            bail!("keep_best needs periodic evaluations to choose from: set eval_every (env steps between them)");
        }
        rlab_agents::explore::check_scale(self.exploration_bonus).map_err(|e| anyhow!("{e}"))?;
        self.policy.validate().map_err(|e| anyhow!("{e}"))?;
        let algo = self.algo.name();
        if matches!(self.algo, Algo::Dqn | Algo::Reinforce) && self.policy.kind == PolicyKind::Lstm {
            bail!("{algo} does not support --policy lstm; use --policy mlp or cnn, or --algo ppo/a2c with lstm");
        }
        if !self.policy.cnn_shared_trunk {
            if self.policy.kind != PolicyKind::Cnn {
                bail!("policy.cnn_shared_trunk = false is for --policy cnn (mlp actors and critics never share layers, lstm ones always do)");
            }
            if self.algo == Algo::Dqn {
                bail!("policy.cnn_shared_trunk = false gives a critic its own trunk, and dqn has no critic; use it with ppo, a2c or reinforce");
            }
        }
        // The algorithm's own settings, here rather than when its trainer is built, so that a
        // sweep refuses a bad point before it makes a directory or starts the others.
        let recurrent = self.policy.kind == PolicyKind::Lstm;
        match self.algo {
            Algo::Ppo => OnPolicySettings::from(&self.ppo()).validate(self.num_envs, recurrent),
            Algo::A2c => OnPolicySettings::from(&self.a2c()).validate(self.num_envs, recurrent),
            Algo::Dqn => self.dqn().validate(),
            Algo::Reinforce => self.reinforce().validate(),
        }
        .map_err(|e| anyhow!("{e}"))
    }

    /// Makes the env once to check that it exists and that the policy can read its observations.
    pub fn check_env(&self) -> Result<()> {
        let env = rlab_envs::make(&self.env, &rlab_envs::EnvOptions::default()).map_err(|e| anyhow!("{e}"))?;
        self.policy.check_observation_shape(&env.observation_space().shape()).map_err(|e| anyhow!("{e}"))
    }

    pub fn ppo(&self) -> PpoConfig {
        self.ppo.clone().unwrap_or_default()
    }
    pub fn a2c(&self) -> A2cConfig {
        self.a2c.clone().unwrap_or_default()
    }
    pub fn dqn(&self) -> DqnConfig {
        self.dqn.clone().unwrap_or_default()
    }
    pub fn reinforce(&self) -> ReinforceConfig {
        self.reinforce.clone().unwrap_or_default()
    }

    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).context("cannot write the config as TOML")
    }

    /// Reads a resolved config (as saved in a run directory).
    pub fn from_file(path: &Path) -> Result<Self> {
        load_toml(path)
    }
}

/// A trillion env steps: far past any run on one machine, and safely inside TOML's i64 integers.
pub const MAX_TOTAL_STEPS: u64 = 1_000_000_000_000;

/// Sections that hold settings; an array or number in their place would be read by position.
const SECTIONS: [&str; 5] = ["policy", "ppo", "a2c", "dqn", "reinforce"];

/// Builds a config from its layers: defaults, then an optional TOML file, then `key=value` overrides.
/// The algorithm is read from the layers first, so that its own defaults sit underneath.
pub fn resolve(file: Option<&Path>, overrides: &[(String, String)]) -> Result<RunConfig> {
    let mut user = toml::Value::Table(Default::default());
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        merge(&mut user, parse_toml(&text, path)?);
    }
    for (key, raw) in overrides {
        set_key(&mut user, key, raw)?;
    }
    for section in SECTIONS {
        if let Some(v) = user.get(section).filter(|v| !v.is_table()) {
            bail!("config: '{section}' must be a table of settings ([{section}] in TOML), got {v}");
        }
    }
    let algo = match user.get("algo") {
        None => Algo::Ppo,
        Some(toml::Value::String(s)) => Algo::parse(s)?,
        Some(other) => bail!("config: algo must be a string, got {other}"),
    };
    let mut value = toml::Value::try_from(RunConfig::defaults_for(algo)).context("cannot encode defaults")?;
    merge(&mut value, user);
    let config: RunConfig = from_value(value)?;
    config.validate()?;
    Ok(config)
}

/// Defaults, then an optional TOML file, then `key=value` overrides, for any config type (the
/// supervised trainers' configs use it). Does not validate.
pub fn resolve_layers<T: Serialize + DeserializeOwned + Default>(file: Option<&Path>, overrides: &[(String, String)]) -> Result<T> {
    let mut value = toml::Value::try_from(T::default()).context("cannot encode defaults")?;
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        merge(&mut value, parse_toml(&text, path)?);
    }
    for (key, raw) in overrides {
        set_key(&mut value, key, raw)?;
    }
    from_value(value)
}

/// Reads a resolved config of any type (as saved in a run directory).
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = parse_toml(&text, path)?;
    from_value(value).with_context(|| format!("{}", path.display()))
}

fn from_value<T: DeserializeOwned>(value: toml::Value) -> Result<T> {
    T::deserialize(value).map_err(|e| anyhow!("config: {}", one_line(&e.to_string())))
}

/// Parses TOML, reporting a syntax error as `FILE:LINE:COLUMN: message` on one line.
fn parse_toml(text: &str, path: &Path) -> Result<toml::Value> {
    toml::from_str::<toml::Value>(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        anyhow!("{}{at}: malformed TOML: {}", path.display(), one_line(e.message()))
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn merge(base: &mut toml::Value, top: toml::Value) {
    match (base, top) {
        (toml::Value::Table(b), toml::Value::Table(t)) => {
            for (k, v) in t {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_table() && v.is_table() => merge(existing, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, t) => *b = t,
    }
}

/// Sets a dotted key (`ppo.clip_coef`) to a value written as TOML (`0.1`, `true`, `[64, 64]`),
/// or as a bare string (`CartPole-v1`). Unknown keys are left for deserialisation to reject.
fn set_key(root: &mut toml::Value, key: &str, raw: &str) -> Result<()> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        bail!("--set {key}={raw}: malformed key");
    }
    let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()));
    let mut node = root;
    for part in &parts[..parts.len() - 1] {
        let table = node.as_table_mut().ok_or_else(|| anyhow!("--set {key}: '{part}' is not a section"))?;
        node = table.entry(part.to_string()).or_insert_with(|| toml::Value::Table(Default::default()));
    }
    let table = node.as_table_mut().ok_or_else(|| anyhow!("--set {key}: not a section"))?;
    table.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

/// Splits `key=value`.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected key=value, got '{s}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Result<RunConfig> {
        let o: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        resolve(None, &o)
    }

    #[test]
    fn defaults_are_ppo_on_cartpole() {
        let c = set(&[]).unwrap();
        assert_eq!((c.env.as_str(), c.algo, c.gamma), ("CartPole-v1", Algo::Ppo, 0.99));
    }

    #[test]
    fn precedence_defaults_then_file_then_flags() {
        let dir = std::env::temp_dir().join(format!("rlab-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "gamma = 0.9\nseed = 7\n[ppo]\nclip_coef = 0.3\n").unwrap();
        let c = resolve(Some(&file), &[("gamma".into(), "0.95".into())]).unwrap();
        assert_eq!((c.gamma, c.seed, c.ppo().clip_coef, c.ppo().num_steps), (0.95, 7, 0.3, 128));
        std::fs::write(&file, "gamma = 0.9\nseed = = 7\n").unwrap();
        let err = resolve(Some(&file), &[]).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("malformed TOML") && !err.contains('\n'), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_values_and_unknown_keys_are_errors() {
        for (k, v) in [("gamma", "1.5"), ("gamma", "nan"), ("total_steps", "0"), ("ppo.nope", "1"), ("nope", "1"), ("algo", "sac")] {
            let err = set(&[(k, v)]).unwrap_err().to_string();
            assert!(!err.contains('\n'), "{err}");
        }
        assert!(set(&[("ppo.nope", "1")]).unwrap_err().to_string().contains("nope"));
        assert!(set(&[("ppo", "[4, 0.001]")]).unwrap_err().to_string().contains("must be a table"));
        assert!(set(&[("threads", "100000")]).unwrap_err().to_string().contains("threads"));
        assert_eq!(set(&[("policy.hidden_sizes", "[32]")]).unwrap().policy.hidden_sizes, vec![32]);
        assert!(set(&[("algo", "sac")]).unwrap_err().to_string().contains("ppo, a2c, dqn, reinforce"));
        let lstm_dqn = set(&[("algo", "dqn"), ("policy.kind", "lstm")]).unwrap_err().to_string();
        assert!(lstm_dqn.contains("dqn does not support --policy lstm"), "{lstm_dqn}");
        let own_trunk = |kind: &'static str, algo: &'static str| set(&[("algo", algo), ("policy.kind", kind), ("policy.cnn_shared_trunk", "false")]);
        assert!(own_trunk("cnn", "ppo").is_ok() && own_trunk("cnn", "reinforce").is_ok());
        assert!(own_trunk("mlp", "ppo").unwrap_err().to_string().contains("is for --policy cnn"));
        assert!(own_trunk("cnn", "dqn").unwrap_err().to_string().contains("dqn has no critic"));
    }

    #[test]
    fn each_algorithm_brings_its_own_defaults() {
        let a2c = set(&[("algo", "a2c")]).unwrap();
        assert_eq!((a2c.gae_lambda, a2c.num_envs, a2c.a2c().num_steps), (1.0, 8, 5));
        assert!(a2c.ppo.is_none());
        let dqn = set(&[("algo", "dqn"), ("policy.kind", "mlp")]).unwrap();
        assert_eq!((dqn.total_steps, dqn.policy.hidden_sizes.clone()), (50_000, vec![256, 256]));
        let text = dqn.to_toml().unwrap();
        assert!(text.contains("[dqn]") && !text.contains("[ppo]"), "{text}");
    }
}
