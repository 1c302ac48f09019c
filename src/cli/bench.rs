//! `rlab bench env|text`: throughput as one JSON line, for bench/compare.sh.
//! `env`: env steps per second with random actions, a thin timer around `rlab_envs::throughput`
//! on the real registry env (time limit and episode statistics wrappers included). One thread.
//! `text`: documents per second of the TF-IDF vectoriser's fit_transform on the real SMS set.

use std::time::Instant;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rlab_envs::{throughput, EnvOptions, VecEnv, VecStep};

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchCommand,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Env steps per second with uniform random actions (one thread); prints JSON.
    Env(EnvBenchArgs),
    /// TF-IDF vectoriser documents per second (fit_transform) on the sms-spam texts; prints JSON.
    Text(TextBenchArgs),
}

#[derive(Args)]
struct TextBenchArgs {
    /// Fit + transform passes over the corpus; the median pass is reported.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Word n-grams from 1 up to this.
    #[arg(long, default_value_t = 1)]
    max_ngram: usize,
}

#[derive(Args)]
struct EnvBenchArgs {
    /// Environment name (see `rlab envs`).
    #[arg(long, default_value = "CartPole-v1")]
    env: String,
    /// 1: the plain env, reset by the loop; more: a vector env (same-step autoreset).
    #[arg(long, default_value_t = 1)]
    num_envs: usize,
    /// Env steps in total (rounded up to a multiple of --num-envs).
    #[arg(long, default_value_t = 10_000_000)]
    steps: u64,
    /// Seeds the envs and the action generator.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

pub fn bench(a: BenchArgs) -> Result<i32> {
    match a.what {
        BenchCommand::Env(a) => env(a),
        BenchCommand::Text(a) => text(a),
    }
}

/// scikit-learn's `TfidfVectorizer(ngram_range=(1, n))` defaults, `fit_transform` of the 4,837
/// SMS messages: the vocabulary and every message's TF-IDF row.
fn text(a: TextBenchArgs) -> Result<i32> {
    use crate::{data::builtin, text::{Vectorizer, VectorizerConfig}};
    if a.rounds == 0 || a.rounds > 100_000 {
        bail!("--rounds must lie in [1, 100000], got {}", a.rounds);
    }
    if a.max_ngram == 0 || a.max_ngram > 10 {
        bail!("--max-ngram must lie in [1, 10], got {}", a.max_ngram);
    }
    let b = builtin::builtin("sms-spam").expect("sms-spam is a built-in dataset");
    let texts = builtin::load_sms(&crate::data::store::require(b)?)?.texts;
    let cfg = VectorizerConfig { ngram_range: [1, a.max_ngram], ..VectorizerConfig::sklearn() };
    let mut seconds = Vec::with_capacity(a.rounds);
    let mut nonzeros = 0;
    for _ in 0..a.rounds {
        let start = Instant::now();
        let (_, rows) = Vectorizer::fit_transform_tfidf(&texts, &cfg)?;
        nonzeros = rows.iter().map(Vec::len).sum::<usize>();
        seconds.push(start.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let line = serde_json::json!({
        "documents": texts.len(),
        "ngram_range": [1, a.max_ngram],
        "nonzeros": nonzeros,
        "median_seconds": median,
        "documents_per_second": texts.len() as f64 / median.max(1e-12),
    });
    println!("{line}");
    Ok(0)
}

fn env(a: EnvBenchArgs) -> Result<i32> {
    if a.num_envs == 0 || a.num_envs > 1_000_000 {
        bail!("--num-envs must lie in [1, 1000000], got {}", a.num_envs);
    }
    if a.steps == 0 {
        bail!("--steps must be at least 1");
    }
    let options = EnvOptions::default();
    let mut rng = ChaCha8Rng::seed_from_u64(a.seed);
    let vector_steps = a.steps.div_ceil(a.num_envs as u64);
    let (seconds, cpu_seconds, episodes) = if a.num_envs == 1 {
        let mut env = rlab_envs::make(&a.env, &options)?;
        env.reset(Some(a.seed));
        let (start, cpu) = (Instant::now(), cpu_time());
        let episodes = throughput::random_steps(env.as_mut(), vector_steps, &mut rng)?;
        (start.elapsed().as_secs_f64(), cpu_time() - cpu, episodes)
    } else {
        let mut envs = VecEnv::make(&a.env, a.num_envs, &options)?;
        envs.reset(Some(a.seed));
        let mut out = VecStep::new(envs.num_envs(), envs.obs_dim());
        let (start, cpu) = (Instant::now(), cpu_time());
        let episodes = throughput::random_vec_steps(&mut envs, &mut out, vector_steps, &mut rng)?;
        (start.elapsed().as_secs_f64(), cpu_time() - cpu, episodes)
    };
    let env_steps = vector_steps * a.num_envs as u64;
    let line = serde_json::json!({
        "env": a.env,
        "num_envs": a.num_envs,
        "env_steps": env_steps,
        "episodes": episodes,
        "seconds": seconds,
        "steps_per_second": env_steps as f64 / seconds.max(1e-12),
        "cpu_seconds": cpu_seconds,
        "steps_per_cpu_second": env_steps as f64 / cpu_seconds.max(1e-12),
    });
    println!("{line}");
    Ok(0)
}

/// CPU time of this process in seconds (what Python's `time.process_time` reads): on a shared
/// machine it leaves out the time spent waiting for a core.
fn cpu_time() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}
