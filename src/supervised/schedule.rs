//! Learning rate per epoch.

use super::config::{ScheduleConfig, ScheduleKind};

/// The rate for `epoch` (0-based) of `epochs`, starting from `lr`.
pub fn learning_rate(s: &ScheduleConfig, lr: f64, epoch: usize, epochs: usize) -> f64 {
    match s.name {
        ScheduleKind::Constant => lr,
        ScheduleKind::Step => lr * s.gamma.powi((epoch / s.step_size) as i32),
        ScheduleKind::Exponential => lr * s.gamma.powi(epoch as i32),
        ScheduleKind::Cosine => {
            let t = epoch as f64 / epochs.max(1) as f64;
            s.min_lr + (lr - s.min_lr) * 0.5 * (1.0 + (std::f64::consts::PI * t).cos())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(name: ScheduleKind) -> ScheduleConfig {
        ScheduleConfig { name, step_size: 2, gamma: 0.5, min_lr: 0.0 }
    }

    #[test]
    fn schedules() {
        let at = |k, e| learning_rate(&sched(k), 1.0, e, 4);
        assert_eq!((0..4).map(|e| at(ScheduleKind::Constant, e)).collect::<Vec<_>>(), [1.0; 4]);
        assert_eq!((0..4).map(|e| at(ScheduleKind::Step, e)).collect::<Vec<_>>(), [1.0, 1.0, 0.5, 0.5]);
        assert_eq!((0..3).map(|e| at(ScheduleKind::Exponential, e)).collect::<Vec<_>>(), [1.0, 0.5, 0.25]);
        let cos: Vec<f64> = (0..4).map(|e| at(ScheduleKind::Cosine, e)).collect();
        assert!((cos[0] - 1.0).abs() < 1e-12 && (cos[2] - 0.5).abs() < 1e-12 && cos[3] > 0.0, "{cos:?}");
    }
}
