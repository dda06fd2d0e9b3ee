//! `shipshape scan [PATH]`.

use crate::output::{emit, parse_format, plan};
use crate::progress::Spinner;
use crate::{EXIT_GATE, EXIT_OK};
use anyhow::Context;
use clap::Args;
use shipshape_engine::{EngineError, ScanOptions};
use shipshape_model::{Level, Severity};
use shipshape_report::Format;
use std::path::PathBuf;

#[derive(Args)]
pub struct ScanArgs {
    /// Repository (or directory) to judge.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Config file (default: PATH/shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format: text, json, sarif, markdown, html, junit. Repeatable; pairs with --output in order.
    #[arg(long, short = 'f', value_parser = parse_format, value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of standard output. Repeatable.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Gate: fail when a unit's overall score is below SCORE (0–100).
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Gate: fail when a unit does not reach LEVEL (default: the level its tier requires, else bronze).
    #[arg(long, value_name = "LEVEL")]
    pub min_level: Option<Level>,
    /// Gate: fail when a check of at least SEVERITY fails.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Only fail on findings that are new relative to a previous JSON report.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Also scan every blob of the git history for secrets.
    #[arg(long)]
    pub history: bool,
    /// Do not scan for secrets.
    #[arg(long)]
    pub no_secrets: bool,
    /// Advisory database directory (default: the user's cache dir).
    #[arg(long, env = "SHIPSHAPE_DB", value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// Leave out paths matching GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Run only this check (repeatable).
    #[arg(long = "check", value_name = "ID")]
    pub only: Vec<String>,
    /// Checklist to judge against: production (every check, default), google-prr, mercari.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// No progress output.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(a: ScanArgs) -> anyhow::Result<u8> {
    if let Some(f) = a.fail_under {
        anyhow::ensure!(
            (0.0..=100.0).contains(&f),
            "--fail-under {f} must be between 0 and 100"
        );
    }
    let plan = plan(&a.format, &a.output)?;
    let opts = ScanOptions {
        root: a.path.clone(),
        config: a.config.clone(),
        fail_under: a.fail_under,
        min_level: a.min_level,
        fail_on: a.fail_on,
        baseline: a.baseline.clone(),
        secrets: a.no_secrets.then_some(false),
        history: a.history.then_some(true),
        db_dir: a.db.clone(),
        vulns: None,
        exclude: a.exclude.clone(),
        only: a.only.clone(),
        now: crate::now()?,
        threads: a.threads,
    };
    let spinner = Spinner::new(a.quiet);
    let out = match shipshape_engine::scan_with_profile(&opts, a.profile.as_deref(), &spinner) {
        Ok(o) => o,
        Err(EngineError::Config(e)) => {
            spinner.finish();
            return Err(anyhow::anyhow!("{e}"));
        }
        Err(e) => {
            spinner.finish();
            return Err(e).context("scan failed");
        }
    };
    spinner.finish();
    emit(&out.report, &out.catalog, &plan)?;
    Ok(if out.report.gate.passed {
        EXIT_OK
    } else {
        EXIT_GATE
    })
}
