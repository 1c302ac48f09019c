//! Network building blocks. Module paths (`p / "actor" / "fc0"`) are checkpoint keys: treat them as API.

mod mlp;

pub use mlp::{mlp, Activation, Mlp};
