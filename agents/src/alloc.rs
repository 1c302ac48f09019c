//! Buffers sized by a user's config. `vec![0; n]` aborts the whole process when the memory is
//! not there (no error, no message); these return an error that names the setting instead.

use crate::AgentError;

/// `len` copies of `value`, or an error naming `what` (e.g. "the replay buffer (dqn.buffer_size)").
///
/// Sizes beyond the machine's memory and swap are refused before allocating: an allocator that
/// reserves address space lazily (jemalloc, or any under overcommit) would grant them, and filling
/// the buffer would then end in the kernel's out-of-memory killer instead of an error.
pub fn filled<T: Clone>(len: usize, value: T, what: &str) -> Result<Vec<T>, AgentError> {
    let bytes = len as f64 * std::mem::size_of::<T>() as f64;
    if exceeds_memory(bytes) {
        return Err(too_big(bytes, what));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| too_big(bytes, what))?;
    v.resize(len, value);
    Ok(v)
}

/// `a × b` elements of `bytes_each` bytes, or an error naming `what` when the count overflows.
pub fn product(a: usize, b: usize, bytes_each: usize, what: &str) -> Result<usize, AgentError> {
    a.checked_mul(b).ok_or_else(|| too_big(a as f64 * b as f64 * bytes_each as f64, what))
}

/// Whether `bytes` is more than this machine's memory and swap together (false where unknown).
pub fn exceeds_memory(bytes: f64) -> bool {
    memory_and_swap_bytes().is_some_and(|limit| bytes > limit as f64)
}

/// Physical memory plus swap in bytes (Linux: `sysinfo`); `None` where unknown. It does not
/// allocate, so the binary's `malloc` can ask it too.
pub fn memory_and_swap_bytes() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysinfo only writes the struct it is given.
        let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
        if unsafe { libc::sysinfo(&mut info) } != 0 {
            return None;
        }
        let unit = u64::from(info.mem_unit).max(1);
        Some((info.totalram as u64).saturating_add(info.totalswap as u64).saturating_mul(unit))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

fn too_big(bytes: f64, what: &str) -> AgentError {
    AgentError::Config(format!("{what} would need {} of memory, more than can be allocated; make it smaller", human(bytes)))
}

pub fn human(bytes: f64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{v:.0} {}", units[u])
    } else {
        format!("{v:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_sizes_are_errors_not_aborts() {
        let e = filled(usize::MAX / 8, 0f64, "the replay buffer (dqn.buffer_size)").unwrap_err().to_string();
        assert!(e.starts_with("the replay buffer (dqn.buffer_size) would need") && e.contains("EB"), "{e}");
        assert!(product(usize::MAX, 2, 4, "the rollout buffer").is_err());
        assert_eq!(filled(3, 1u8, "x").unwrap(), vec![1, 1, 1]);
        assert_eq!(product(3, 4, 4, "x").unwrap(), 12);
        assert_eq!(human(1.6e12), "1.6 TB");
        // More than memory and swap together, though an address space could hold it.
        if let Some(limit) = memory_and_swap_bytes() {
            assert!(limit > 100_000_000, "{limit} bytes of memory");
            let len = (limit * 2) as usize;
            let e = filled(len, 0u8, "the replay buffer").unwrap_err().to_string();
            assert!(e.contains("more than can be allocated"), "{e}");
        }
    }
}
