//! Lets Intel MKL (linked inside libtorch's CPU library) pick its code paths by CPU features.
//!
//! MKL asks `mkl_serv_intel_cpu_true()` whether the CPU is made by Intel and, when it is not,
//! runs generic SSE code whatever the CPU supports. On this project's AMD EPYC machines that
//! makes libtorch's float `tanh` (MKL's vector math, the activation of every MLP policy here)
//! take 42 µs for a 256×64 batch instead of 6 µs, and `exp` 14 µs instead of 4 µs
//! (`cargo run --release -p rlab-agents --example mkl_dispatch`). libtorch_cpu.so exports the
//! symbol and calls it through the dynamic linker, so the executable's definition below is the
//! one it finds. MKL still chooses among its paths by the CPU's feature flags (AVX2, AVX-512…),
//! so this only lifts the vendor check; on Intel CPUs nothing changes. The results are MKL's
//! own, within its stated accuracy either way, but not bit-identical across the two paths.
//! Set `RLAB_MKL_VENDOR_CHECK=1` to keep MKL's own answer.

use std::sync::OnceLock;

/// Called by MKL; `1` means "use the code paths the CPU's features allow".
#[no_mangle]
pub extern "C" fn mkl_serv_intel_cpu_true() -> i32 {
    static ANSWER: OnceLock<i32> = OnceLock::new();
    *ANSWER.get_or_init(|| match std::env::var_os("RLAB_MKL_VENDOR_CHECK") {
        Some(v) if v == "1" => i32::from(cpu_vendor_is_intel()),
        _ => 1,
    })
}

fn cpu_vendor_is_intel() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // CPUID leaf 0 spells the vendor in EBX, EDX, ECX: "GenuineIntel".
        let r = std::arch::x86_64::__cpuid(0);
        let mut vendor = [0u8; 12];
        vendor[..4].copy_from_slice(&r.ebx.to_le_bytes());
        vendor[4..8].copy_from_slice(&r.edx.to_le_bytes());
        vendor[8..].copy_from_slice(&r.ecx.to_le_bytes());
        &vendor == b"GenuineIntel"
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Tensor;

    #[test]
    fn the_vendor_read_from_cpuid_is_the_kernels() {
        let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else { return };
        let Some(line) = info.lines().find(|l| l.starts_with("vendor_id")) else { return };
        assert_eq!(cpu_vendor_is_intel(), line.ends_with("GenuineIntel"), "{line}");
    }

    #[test]
    fn tanh_and_exp_on_the_paths_mkl_now_takes_stay_accurate() {
        assert_eq!(mkl_serv_intel_cpu_true(), 1);
        let xs: Vec<f32> = (0..4096).map(|i| (i as f32 - 2048.0) / 256.0).collect();
        let x = Tensor::from_slice(&xs).view([64, 64]);
        let tanh = Vec::<f32>::try_from(x.tanh().flatten(0, -1)).unwrap();
        let exp = Vec::<f32>::try_from(x.exp().flatten(0, -1)).unwrap();
        for ((&v, &t), &e) in xs.iter().zip(&tanh).zip(&exp) {
            let (t64, e64) = (f64::from(v).tanh(), f64::from(v).exp());
            assert!((f64::from(t) - t64).abs() <= 2.0 * f64::from(f32::EPSILON) * t64.abs().max(1e-30), "tanh({v}) = {t}, not {t64}");
            assert!((f64::from(e) - e64).abs() <= 2.0 * f64::from(f32::EPSILON) * e64, "exp({v}) = {e}, not {e64}");
        }
    }
}
