//! `rlab data fetch|list`: the real datasets that package registries ship.

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::data::{
    builtin::{builtin, names, Source, BUILTINS},
    data_dir,
    fetch::{fetch, Fetched},
    store::{dataset_dir, verified},
};

#[derive(Args)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
}

#[derive(Subcommand)]
enum DataCommand {
    /// Download datasets into the data directory (RLAB_DATA, default ~/.cache/rlab/data), checked by SHA-256.
    Fetch {
        /// fashion-mnist, mnist5k, breast-cancer, sms-spam or all.
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// The datasets, where they come from, and whether they are here.
    List,
}

pub fn data(a: DataArgs) -> Result<i32> {
    match a.command {
        DataCommand::Fetch { names: wanted } => fetch_cmd(&wanted),
        DataCommand::List => list(),
    }
}

fn fetch_cmd(wanted: &[String]) -> Result<i32> {
    let mut chosen = Vec::new();
    for w in wanted {
        if w == "all" {
            chosen.extend(BUILTINS.iter());
        } else {
            match builtin(w) {
                Some(b) => chosen.push(b),
                None => bail!("unknown dataset '{w}' (choose from {}, or all)", names().join(", ")),
            }
        }
    }
    chosen.dedup_by_key(|b| b.name);
    for b in chosen {
        match fetch(b, |line| eprintln!("{line}"))? {
            Fetched::AlreadyThere => println!("{}: already in {} (checksums verified)", b.name, dataset_dir(b).display()),
            Fetched::Fetched => println!("{}: fetched into {}", b.name, dataset_dir(b).display()),
        }
    }
    Ok(0)
}

fn list() -> Result<i32> {
    println!("data directory: {} (set RLAB_DATA to change it)", data_dir().display());
    println!("{:<14} {:<8} {:<10} {:<34} description", "name", "kind", "status", "source");
    for b in BUILTINS {
        let status = if verified(b)? { "fetched" } else { "missing" };
        let source = match b.source {
            Source::Wheel { package, version } => format!("PyPI {package}=={version}"),
            Source::Deb { package } => format!("Debian {package}"),
        };
        println!("{:<14} {:<8} {:<10} {:<34} {}", b.name, b.kind.name(), status, source, b.description);
    }
    Ok(0)
}
