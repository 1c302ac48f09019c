//! rlab's agents on libtorch (`tch`).
//!
//! - [`returns`] and [`normalize`]: numeric kernels over plain slices (no tensors), unit-tested by hand.
//! - [`nn`], [`distributions`], [`policy`]: network building blocks and the policies built from them.
//! - [`ppo`]: the algorithms. They run rollouts and updates and *return* metrics; they never print
//!   or write files — the run loop in the `rlab` crate logs and saves.

pub mod alloc;
pub mod device;
pub mod distributions;
pub mod dqn;
pub mod error;
pub mod explore;
pub mod nn;
pub mod mkl_dispatch;
pub mod normalize;
pub mod optim;
pub mod policy;
pub mod reinforce;
pub mod checkpoint;
pub mod onpolicy;
pub mod returns;
pub mod trainer;

pub use device::DeviceChoice;
pub use error::AgentError;
pub use trainer::{Actor, CommonSettings, Iteration, Trainer, TrainerState};
pub use tch;

/// libtorch's random generator is global: tests that seed it take this lock so parallel tests
/// do not draw from each other's sequence.
#[cfg(test)]
pub(crate) fn torch_rng_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
