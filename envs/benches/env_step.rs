//! CartPole-v1 stepping with random actions through the registry env (time limit and episode
//! statistics included): one plain env, and vector envs of 64 and 256 (same-step autoreset).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rlab_envs::{make, throughput, EnvOptions, VecEnv, VecStep};

fn cartpole(c: &mut Criterion) {
    let mut g = c.benchmark_group("cartpole");
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let steps = 10_000u64;
    g.throughput(Throughput::Elements(steps));
    let mut env = make("CartPole-v1", &EnvOptions::default()).unwrap();
    env.reset(Some(0));
    g.bench_function("single", |b| b.iter(|| throughput::random_steps(env.as_mut(), steps, &mut rng).unwrap()));
    for n in [64usize, 256] {
        let mut envs = VecEnv::make("CartPole-v1", n, &EnvOptions::default()).unwrap();
        envs.reset(Some(0));
        let mut out = VecStep::new(n, envs.obs_dim());
        let vector_steps = steps / n as u64;
        g.throughput(Throughput::Elements(vector_steps * n as u64));
        g.bench_function(format!("vec{n}"), |b| {
            b.iter(|| throughput::random_vec_steps(&mut envs, &mut out, vector_steps, &mut rng).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, cartpole);
criterion_main!(benches);
