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

impl AgentError {
    /// A checkpoint file that libtorch could not read or write, with a reason a user can act on:
    /// libtorch's safetensors messages repeat the path and end in a Rust debug value.
    pub(crate) fn checkpoint_io(path: &std::path::Path, e: &tch::TchError) -> Self {
        let detail = e.to_string().lines().next().unwrap_or("unreadable").to_string();
        let reason = if detail.contains("NotFound") {
            "no such file".to_string()
        } else if detail.contains("PermissionDenied") {
            "permission denied".to_string()
        } else if detail.contains("IoError") {
            "cannot be read or written".to_string()
        } else if let Some(kind) = detail.strip_prefix("safetensors error ").and_then(|rest| rest.rsplit(": ").next()) {
            // e.g. HeaderTooLarge, InvalidHeaderLength: the file is not what rlab wrote.
            format!("not a readable safetensors file ({})", kind.split(['(', ' ']).next().unwrap_or(kind))
        } else {
            detail
        };
        AgentError::Checkpoint { path: path.display().to_string(), reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_checkpoints_are_named_plainly() {
        let dir = std::env::temp_dir().join(format!("rlab-ckpt-err-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.safetensors");
        let e = tch::Tensor::read_safetensors(&missing).unwrap_err();
        assert_eq!(AgentError::checkpoint_io(&missing, &e).to_string(), format!("checkpoint {}: no such file", missing.display()));
        let garbage = dir.join("garbage.safetensors");
        std::fs::write(&garbage, "garbage\n").unwrap();
        let e = tch::Tensor::read_safetensors(&garbage).unwrap_err();
        let msg = AgentError::checkpoint_io(&garbage, &e).to_string();
        assert!(msg.contains("not a readable safetensors file (") && msg.matches(&*garbage.display().to_string()).count() == 1, "{msg}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
