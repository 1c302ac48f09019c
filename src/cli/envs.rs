use anyhow::Result;
use clap::Args;

use super::Format;

#[derive(Args)]
pub struct EnvsArgs {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn envs(a: EnvsArgs) -> Result<i32> {
    let infos = rlab_envs::registered();
    match a.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = infos
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "name": i.name,
                        "observation_space": i.observation_space,
                        "action_space": i.action_space,
                        "max_episode_steps": i.max_episode_steps,
                        "description": i.description,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        Format::Table => {
            let w = infos.iter().map(|i| i.observation_space.describe().chars().count()).max().unwrap_or(0);
            println!("{:<18} {:<w$} {:<12} {:>9}  description", "name", "observation space", "actions", "max steps");
            for i in &infos {
                println!(
                    "{:<18} {:<w$} {:<12} {:>9}  {}",
                    i.name,
                    i.observation_space.describe(),
                    i.action_space.describe(),
                    i.max_episode_steps,
                    i.description
                );
            }
        }
    }
    Ok(0)
}
