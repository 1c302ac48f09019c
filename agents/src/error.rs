use thiserror::Error;

#[derive(Debug, Error)]
pub enum AgentError {
    #[error(transparent)]
    Env(#[from] rlab_envs::EnvError),
    #[error(transparent)]
    Returns(#[from] crate::returns::ReturnsError),
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Config(String),
    #[error("checkpoint {path}: {reason}")]
    Checkpoint { path: String, reason: String },
}
