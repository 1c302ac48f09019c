//! The shared supervised trainer: configuration, optimisers with checkpointable state,
//! learning-rate schedules, the epoch loop ([`fit`]) and its files.

pub mod checkpoint;
pub mod config;
pub mod optim;
mod progress;
pub mod schedule;
pub mod trainer;

pub use config::{EarlyStopping, Mode, OptimConfig, OptimKind, ScheduleConfig, ScheduleKind, TrainConfig};
pub use optim::{Optimizer, Optimizers};
pub use trainer::{fit, load_best, EpochRecord, FitOptions, FitOutcome, Scalars, Task, TrainerState, BEST, CHECKPOINT};
