//! Progress display: an indicatif bar on a terminal, plain periodic lines otherwise (logs, CI).

use std::{
    io::IsTerminal,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressStyle};

pub enum Progress {
    Bar(ProgressBar),
    Lines { total: u64, last: Instant, every: Duration },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, quiet: bool) -> Self {
        if quiet {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {human_pos}/{human_len} steps  {per_sec:>12}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            Progress::Bar(bar)
        } else {
            Progress::Lines { total, last: Instant::now(), every: Duration::from_secs(10) }
        }
    }

    pub fn update(&mut self, step: u64, sps: f64, recent_return: Option<f64>) {
        let ret = recent_return.map_or("return -".to_string(), |r| format!("return {r:.1}"));
        match self {
            Progress::Bar(bar) => {
                bar.set_position(step);
                bar.set_message(ret);
            }
            Progress::Lines { total, last, every } => {
                if last.elapsed() >= *every {
                    *last = Instant::now();
                    let pct = 100.0 * step as f64 / (*total).max(1) as f64;
                    eprintln!("step {step}/{total} ({pct:.0}%)  {sps:.0} steps/s  {ret}");
                }
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
