//! Policies: networks that map observations to an action distribution and a value estimate.
//!
//! - `mlp`: separate actor and critic MLPs (CleanRL's classic-control layout).
//! - `cnn`: conv → ReLU → max-pool blocks shared by actor and critic, for image observations [C, H, W].
//! - `lstm`: an encoder, then an LSTM whose state is carried through rollouts and reset at episode starts.

mod actor_critic;
mod config;
mod recurrent;

pub use actor_critic::ActorCritic;
pub use config::{PolicyConfig, PolicyKind};
pub use recurrent::{reset_at_starts, RecurrentState};
