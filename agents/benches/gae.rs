//! GAE over a large rollout: 1M steps × 8 envs, episodes ending now and then (terminated and
//! truncated), the shape of an on-policy update's advantage pass at scale.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rlab_agents::returns::{gae, Ends};

fn gae_large(c: &mut Criterion) {
    let (steps, envs) = (1_000_000usize, 8usize);
    let n = steps * envs;
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let rewards: Vec<f64> = (0..n).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let values: Vec<f64> = (0..n).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let next_values: Vec<f64> = (0..n).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let terminated: Vec<bool> = (0..n).map(|_| rng.gen_bool(0.005)).collect();
    let truncated: Vec<bool> = (0..n).map(|_| rng.gen_bool(0.002)).collect();
    let last = vec![0.5; envs];
    let mut g = c.benchmark_group("gae");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("1M_steps_x_8_envs", |b| {
        b.iter(|| {
            gae(&rewards, &values, Ends::new(&terminated, &truncated), &next_values, &last, envs, 0.99, 0.95).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, gae_large);
criterion_main!(benches);
