//! `rlab play`: step an environment through given actions, or by keyboard on a terminal.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Result};
use clap::Args;
use rlab_envs::{Action, Env, EnvOptions, Space, Step};

use super::{parse_finite, parse_list, Format};

#[derive(Args)]
#[command(allow_negative_numbers = true)]
pub struct PlayArgs {
    /// Environment name (see `rlab envs`) or a path to a grid map (.txt).
    env: String,
    /// Actions to take, e.g. 0,1,1,0. Without it, on a terminal, you play with the keyboard.
    #[arg(long)]
    actions: Option<String>,
    /// Seed of the reset.
    #[arg(long)]
    seed: Option<u64>,
    /// Start state, e.g. CartPole's x,x_dot,theta,theta_dot (a grid world's cell index).
    #[arg(long, allow_hyphen_values = true)]
    state: Option<String>,
    /// table: one readable line per step; json: JSON Lines with obs, reward, terminated, truncated.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Draw the environment as ASCII after each step (table format).
    #[arg(long)]
    render: bool,
}

pub fn play(a: PlayArgs) -> Result<i32> {
    let mut env = rlab_envs::make(&a.env, &EnvOptions::default())?;
    let mut obs = env.reset(a.seed);
    if let Some(state) = &a.state {
        obs = env.set_state(&parse_finite(state, "--state", f64::from(f32::MAX))?)?;
    }
    let mut out = Printer { format: a.format, render: a.render };
    match &a.actions {
        Some(list) => {
            let actions = parse_list::<usize>(list, "--actions")?;
            for (k, &act) in actions.iter().enumerate() {
                let action = Action::Discrete(act);
                if !env.action_space().contains_action(&action) {
                    bail!("--actions: action {act} (position {}) is outside the action space {}", k + 1, env.action_space());
                }
            }
            out.reset(env.as_ref(), &obs);
            for (k, &act) in actions.iter().enumerate() {
                let step = env.step(&Action::Discrete(act))?;
                out.step(env.as_ref(), k + 1, act, &step);
                if step.terminated || step.truncated {
                    if k + 1 < actions.len() {
                        eprintln!("episode ended after {} steps; {} actions not used", k + 1, actions.len() - k - 1);
                    }
                    break;
                }
            }
        }
        None => {
            if !std::io::stdin().is_terminal() {
                bail!("give --actions (keyboard play needs a terminal)");
            }
            keyboard(env.as_mut(), &obs, &mut out)?;
        }
    }
    Ok(0)
}

struct Printer {
    format: Format,
    render: bool,
}

impl Printer {
    fn reset(&mut self, env: &dyn Env, obs: &[f32]) {
        match self.format {
            Format::Json => println!("{}", json_line(0, None, obs, 0.0, false, false)),
            Format::Table => {
                println!("reset   obs {}", show(obs, env.observation_space()));
                if self.render {
                    println!("{}", env.render());
                }
            }
        }
    }

    fn step(&mut self, env: &dyn Env, t: usize, action: usize, s: &Step) {
        match self.format {
            Format::Json => println!("{}", json_line(t, Some(action), &s.obs, s.reward, s.terminated, s.truncated)),
            Format::Table => {
                let end = match (s.terminated, s.truncated) {
                    (true, _) => "  terminated",
                    (false, true) => "  truncated",
                    _ => "",
                };
                let ep = s.episode.map(|e| format!("  (episode return {}, length {})", e.r#return, e.length)).unwrap_or_default();
                println!(
                    "step {t:<3} action {action}  reward {:<6} obs {}{end}{ep}",
                    s.reward,
                    show(&s.obs, env.observation_space())
                );
                if self.render {
                    println!("{}", env.render());
                }
            }
        }
    }
}

/// One JSON Lines record. Written by hand so observations keep their f32 digits
/// (0.0208394, not the f64 widening 0.0208393856883049).
fn json_line(step: usize, action: Option<usize>, obs: &[f32], reward: f64, terminated: bool, truncated: bool) -> String {
    let num = |v: f64| if v.is_finite() { format!("{v}") } else { "null".into() };
    let obs: Vec<String> = obs.iter().map(|&v| if v.is_finite() { format!("{v}") } else { "null".into() }).collect();
    let action = action.map_or("null".into(), |a| a.to_string());
    format!(
        "{{\"step\":{step},\"action\":{action},\"obs\":[{}],\"reward\":{},\"terminated\":{terminated},\"truncated\":{truncated}}}",
        obs.join(","),
        num(reward)
    )
}

/// Short observation text: the numbers of small vectors, the agent's cell for one-hot grids.
fn show(obs: &[f32], space: &Space) -> String {
    if obs.len() <= 8 {
        return format!("[{}]", obs.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", "));
    }
    format!("{} values ({})", obs.len(), space)
}

/// Line-based keyboard play: w/a/s/d (grid: up/left/down/right; CartPole: a = push left, d = push right).
fn keyboard(env: &mut dyn Env, obs: &[f32], out: &mut Printer) -> Result<()> {
    let n = match env.action_space() {
        Space::Discrete { n } => *n,
        other => bail!("keyboard play needs a discrete action space, not {other}"),
    };
    out.render = true;
    out.reset(env, obs);
    let keys: &[(char, usize)] = if n == 2 { &[('a', 0), ('d', 1)] } else { &[('w', 0), ('d', 1), ('s', 2), ('a', 3)] };
    let help = keys.iter().map(|(k, a)| format!("{k}={a}")).collect::<Vec<_>>().join(" ");
    let stdin = std::io::stdin();
    let mut t = 0;
    loop {
        print!("move ({help}, q quits): ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Ok(());
        }
        let Some(c) = line.trim().chars().next() else { continue };
        if c == 'q' {
            return Ok(());
        }
        let Some(&(_, action)) = keys.iter().find(|(k, _)| *k == c) else {
            println!("unknown key '{c}'");
            continue;
        };
        t += 1;
        let step = env.step(&Action::Discrete(action))?;
        out.step(env, t, action, &step);
        if step.terminated || step.truncated {
            println!("episode over");
            return Ok(());
        }
    }
}
