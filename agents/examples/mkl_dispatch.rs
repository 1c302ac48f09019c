//! Times libtorch's float `tanh` and `exp` on a 256×64 batch (one thread), the kernels MKL's
//! vendor check slows down on non-Intel CPUs (see `rlab_agents::mkl_dispatch`). Compare
//!   cargo run --release -p rlab-agents --example mkl_dispatch
//!   RLAB_MKL_VENDOR_CHECK=1 cargo run --release -p rlab-agents --example mkl_dispatch

use std::time::Instant;

use tch::{Device, Kind, Tensor};

fn micros_per_call(f: impl Fn() -> Tensor) -> f64 {
    for _ in 0..100 {
        let _ = f();
    }
    let calls = 5000;
    let start = Instant::now();
    for _ in 0..calls {
        let _ = f();
    }
    start.elapsed().as_secs_f64() / calls as f64 * 1e6
}

fn main() {
    tch::set_num_threads(1);
    // Referenced so the linker keeps the crate (and its exported MKL hook) in this binary.
    let intel = rlab_agents::mkl_dispatch::mkl_serv_intel_cpu_true();
    let x = Tensor::randn([256, 64], (Kind::Float, Device::Cpu));
    println!("MKL told the CPU may use its fast paths: {}", intel == 1);
    println!("tanh 256x64: {:.1} us", micros_per_call(|| x.tanh()));
    println!("exp  256x64: {:.1} us", micros_per_call(|| x.exp()));
}
