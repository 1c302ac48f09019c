//! Error type of the crate.

use std::path::PathBuf;

/// Errors from writing or reading event files.
///
/// Damage inside an event file is *not* an error: [`crate::read_event_file`] reads up to the damage and
/// reports it in [`crate::EventFileData::warning`].
#[derive(Debug, thiserror::Error)]
pub enum TbError {
    /// An I/O operation on `path` failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every candidate file name in `dir` already existed.
    #[error("{dir}: no free event file name after {tries} tries")]
    NoUniqueName { dir: PathBuf, tries: u64 },
    /// An earlier write to this file failed part-way, so the file may end in a partial record;
    /// the writer refuses to append after it.
    #[error("{path}: an earlier write failed; the writer no longer appends to this file")]
    Broken { path: PathBuf },
}

impl TbError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TbError::Io {
            path: path.into(),
            source,
        }
    }
}
