//! The data directory: `RLAB_DATA`, else `$XDG_CACHE_HOME/rlab/data`, else `~/.cache/rlab/data`.
//! Each dataset lives in a sub-directory named after it.

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use super::builtin::Builtin;

pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RLAB_DATA").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("rlab").join("data")
}

pub fn dataset_dir(b: &Builtin) -> PathBuf {
    data_dir().join(b.name)
}

/// The dataset's directory, or an error naming the command that fetches it.
pub fn require(b: &Builtin) -> Result<PathBuf> {
    let dir = dataset_dir(b);
    if let Some(missing) = b.files.iter().find(|f| !dir.join(f.name).is_file()) {
        bail!(
            "dataset '{}' is not in {} ({} is missing); run `rlab data fetch {}` (set RLAB_DATA to use another directory)",
            b.name,
            data_dir().display(),
            missing.name,
            b.name
        );
    }
    Ok(dir)
}

/// True when every file is there with its pinned checksum.
pub fn verified(b: &Builtin) -> Result<bool> {
    let dir = dataset_dir(b);
    for f in b.files {
        let p = dir.join(f.name);
        if !p.is_file() || sha256_file(&p)? != f.sha256 {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_bytes(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
