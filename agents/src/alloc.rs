//! Buffers sized by a user's config. `vec![0; n]` aborts the whole process when the memory is
//! not there (no error, no message); these return an error that names the setting instead.

use crate::AgentError;

/// `len` copies of `value`, or an error naming `what` (e.g. "the replay buffer (dqn.buffer_size)").
pub fn filled<T: Clone>(len: usize, value: T, what: &str) -> Result<Vec<T>, AgentError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| too_big(len as f64 * std::mem::size_of::<T>() as f64, what))?;
    v.resize(len, value);
    Ok(v)
}

/// `a × b` elements of `bytes_each` bytes, or an error naming `what` when the count overflows.
pub fn product(a: usize, b: usize, bytes_each: usize, what: &str) -> Result<usize, AgentError> {
    a.checked_mul(b).ok_or_else(|| too_big(a as f64 * b as f64 * bytes_each as f64, what))
}

fn too_big(bytes: f64, what: &str) -> AgentError {
    AgentError::Config(format!("{what} would need {} of memory, more than can be allocated; make it smaller", human(bytes)))
}

fn human(bytes: f64) -> String {
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
    }
}
