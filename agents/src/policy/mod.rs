//! Policies: networks that map observations to an action distribution (and a value estimate).

mod actor_critic;

pub use actor_critic::{ActorCritic, PolicyConfig};
