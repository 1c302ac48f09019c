//! Run directories: always new (never overwrite one), files written atomically.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use anyhow::{bail, Context, Result};

/// Creates `logdir/name`. With an explicit name an existing directory is an error; an automatic
/// name gets a numeric suffix until it is new. `create_dir` (not `_all`) makes the check atomic.
pub fn create_run_dir(logdir: &Path, explicit: Option<&str>, auto_name: &str) -> Result<PathBuf> {
    if let Some(name) = explicit {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            bail!("--name '{name}' must be a plain directory name");
        }
    }
    fs::create_dir_all(logdir).with_context(|| format!("cannot create log directory {}", logdir.display()))?;
    if let Some(name) = explicit {
        let dir = logdir.join(name);
        return match fs::create_dir(&dir) {
            Ok(()) => Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                bail!("run directory {} already exists; choose another --name", dir.display())
            }
            Err(e) => Err(e).with_context(|| format!("cannot create {}", dir.display())),
        };
    }
    for attempt in 0..1000 {
        let name = if attempt == 0 { auto_name.to_string() } else { format!("{auto_name}-{attempt}") };
        let dir = logdir.join(name);
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", dir.display())),
        }
    }
    bail!("could not find a free run directory name under {}", logdir.display())
}

/// Held while a process trains in a run directory (an advisory lock on the directory itself, so
/// no file is added): a second `rlab run --resume` of the same directory would otherwise log every
/// step twice and race on its checkpoints. The kernel drops it when the process ends, however it ends.
pub struct RunDirLock(#[allow(dead_code)] fs::File);

pub fn lock_run_dir(dir: &Path) -> Result<RunDirLock> {
    let handle = fs::File::open(dir).with_context(|| format!("cannot open run directory {}", dir.display()))?;
    match handle.try_lock() {
        Ok(()) => Ok(RunDirLock(handle)),
        Err(fs::TryLockError::WouldBlock) => {
            bail!("{} is in use: another rlab process is training in it", dir.display())
        }
        // File systems without locks: go on unguarded, as before locks existed.
        Err(fs::TryLockError::Error(_)) => Ok(RunDirLock(handle)),
    }
}

/// Writes `path` through a temporary file in the same directory and a rename, so a reader never
/// sees half a file and a crash never destroys the previous version.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let file_name = path.file_name().and_then(|n| n.to_str()).context("bad file name")?;
    // Keep the extension last: libtorch picks the checkpoint format from it.
    let tmp = path.with_file_name(format!(".tmp-{}-{file_name}", std::process::id()));
    // Whatever fails, no temporary file is left behind, and the message names the file the user
    // asked for rather than the temporary one.
    let done = write(&tmp)
        .map_err(|e| anyhow::anyhow!("{}", format!("{e:#}").replace(&tmp.display().to_string(), &path.display().to_string())))
        .and_then(|()| fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display())));
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}

pub fn write_text_atomic(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |tmp| {
        let mut f = fs::File::create(tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        Ok(())
    })
}

/// UTC time as `YYYYMMDD-HHMMSS`, for run names.
pub fn timestamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn run_dirs_are_never_reused() {
        let root = std::env::temp_dir().join(format!("rlab-rundir-{}", std::process::id()));
        let a = create_run_dir(&root, None, "x").unwrap();
        let b = create_run_dir(&root, None, "x").unwrap();
        assert_ne!(a, b);
        assert!(create_run_dir(&root, Some("x"), "ignored").is_err());
        assert!(create_run_dir(&root, Some("../evil"), "ignored").is_err());
        write_text_atomic(&a.join("f.txt"), "one").unwrap();
        write_text_atomic(&a.join("f.txt"), "two").unwrap();
        assert_eq!(fs::read_to_string(a.join("f.txt")).unwrap(), "two");
        assert_eq!(fs::read_dir(&a).unwrap().count(), 1, "no temp file left behind");
        fs::remove_dir_all(&root).unwrap();
    }
}
