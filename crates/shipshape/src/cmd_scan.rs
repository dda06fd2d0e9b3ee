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
    /// Output format: text, json, sarif, markdown, html, junit, github, gitlab. Repeatable; pairs with --output in order.
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
    /// Judge only the units a change touches: the diff from the merge base of REF and
    /// HEAD (a branch, tag or commit id) plus uncommitted work. A change to a
    /// repository-level file (CI, CODEOWNERS, a root file) judges every unit; the report
    /// lists the units left out and why. For a monorepo's pull-request job (the clone
    /// needs REF's history: `fetch-depth: 0`). Not with --upload: a partial report is no
    /// snapshot of the repository.
    #[arg(long, value_name = "REF", conflicts_with = "upload")]
    pub changed_since: Option<String>,
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
    /// After the scan, upload the JSON report to this shipshape server (token from
    /// SHIPSHAPE_TOKEN; repository, commit, ref and run URL from the CI environment
    /// unless given below). The gate's exit code still applies; a failed upload is exit 2.
    #[arg(long, value_name = "URL", help_heading = "Upload")]
    pub upload: Option<String>,
    /// Repository name for --upload (default: from the CI environment).
    #[arg(
        long,
        value_name = "NAME",
        requires = "upload",
        help_heading = "Upload"
    )]
    pub repo: Option<String>,
    /// Commit SHA for --upload (default: from the CI environment).
    #[arg(long, value_name = "SHA", requires = "upload", help_heading = "Upload")]
    pub commit: Option<String>,
    /// Branch or tag for --upload (default: from the CI environment).
    #[arg(
        long = "ref",
        value_name = "REF",
        requires = "upload",
        help_heading = "Upload"
    )]
    pub git_ref: Option<String>,
    /// Link to the CI run for --upload (default: from the CI environment).
    #[arg(long, value_name = "URL", requires = "upload", help_heading = "Upload")]
    pub ci_run_url: Option<String>,
    /// Give up on the upload after this long (e.g. 60s).
    #[arg(long, value_name = "DURATION", default_value = "60s", requires = "upload",
          value_parser = shipshape_probe::parse_duration, help_heading = "Upload")]
    pub upload_timeout: std::time::Duration,
}

pub fn run(a: ScanArgs) -> anyhow::Result<u8> {
    if let Some(f) = a.fail_under {
        anyhow::ensure!(
            (0.0..=100.0).contains(&f),
            "--fail-under {f} must be between 0 and 100"
        );
    }
    let plan = plan(&a.format, &a.output)?;
    // Checked before scanning, so a missing token or identity costs no scan.
    let upload = match &a.upload {
        Some(server) => Some((
            server.clone(),
            crate::cmd_serve::token_from_env()?,
            crate::cmd_serve::identity(
                a.repo.clone(),
                a.commit.clone(),
                a.git_ref.clone(),
                a.ci_run_url.clone(),
            )?,
        )),
        None => None,
    };
    let opts = ScanOptions {
        root: a.path.clone(),
        config: a.config.clone(),
        fail_under: a.fail_under,
        min_level: a.min_level,
        fail_on: a.fail_on,
        baseline: a.baseline.clone(),
        secrets: a.no_secrets.then_some(false),
        history: a.history.then_some(true),
        staged: false,
        history_since: None,
        changed_since: a.changed_since.clone(),
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
    let code = if out.report.gate.passed {
        EXIT_OK
    } else {
        EXIT_GATE
    };
    if let Some((server, token, id)) = upload {
        // The same bytes `--format json` writes.
        let json = shipshape_report::render(Format::Json, &out.report, &out.catalog)
            .context("rendering the JSON report for the upload")?;
        let answer =
            crate::cmd_serve::send_report(&server, &token, &id, json.as_bytes(), a.upload_timeout)
                .with_context(|| {
                    format!(
                        "the scan finished (gate {}) but its report was not uploaded",
                        if code == EXIT_OK { "passed" } else { "failed" }
                    )
                })?;
        if !a.quiet {
            // Standard error: standard output may be carrying the report.
            crate::cmd_serve::print_answer(&answer, &mut std::io::stderr().lock())?;
        }
    }
    Ok(code)
}
