//! Progress on a terminal: a spinner on stderr for work that can take more than
//! a second. Silent when stderr is not a terminal, in CI, or with --quiet.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    pub fn new(quiet: bool) -> Spinner {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        if quiet || !interactive {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner { bar: Some(bar) }
    }

    pub fn message(&self, m: &str) {
        if let Some(b) = &self.bar {
            b.set_message(m.to_string());
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl shipshape_engine::Progress for Spinner {
    fn phase(&self, what: &str) {
        self.message(what);
    }
    fn files(&self, count: u64) {
        self.message(&format!("reading the repository: {count} files"));
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.finish();
    }
}
