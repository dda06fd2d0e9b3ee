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
    /// After the scan, print where the time went on standard error: each phase (walk,
    /// parse, checks, render) and the slowest checks, summed over units.
    #[arg(long)]
    pub timings: bool,
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
    let rendering = std::time::Instant::now();
    emit(&out.report, &out.catalog, &plan)?;
    if a.timings {
        let units = out.report.units.len();
        print_timings(
            &out.timings,
            rendering.elapsed(),
            units,
            &mut std::io::stderr().lock(),
        )?;
    }
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

/// The `--timings` table: phases in the order they ran, then the slowest checks.
fn print_timings(
    t: &shipshape_engine::Timings,
    render: std::time::Duration,
    units: usize,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let mut phases = t.phases.clone();
    phases.push(("render and write", render));
    let total: std::time::Duration = phases.iter().map(|p| p.1).sum();
    let width = phases.iter().map(|p| p.0.len()).max().unwrap_or(0);
    writeln!(w, "timings (wall clock):")?;
    for (name, d) in &phases {
        writeln!(w, "  {name:<width$}  {:>9.1} ms", ms(*d))?;
    }
    writeln!(w, "  {:<width$}  {:>9.1} ms", "total", ms(total))?;
    let mut checks: Vec<&(String, std::time::Duration, u32)> = t.checks.iter().collect();
    checks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let shown = checks.len().min(15);
    if shown > 0 {
        let summed: std::time::Duration = t.checks.iter().map(|c| c.1).sum();
        writeln!(
            w,
            "slowest checks of {} (time summed over {units} unit(s), {:.1} ms in all; a unit's checks run in parallel):",
            checks.len(),
            ms(summed)
        )?;
        let width = checks[..shown].iter().map(|c| c.0.len()).max().unwrap_or(0);
        for (id, d, runs) in &checks[..shown] {
            writeln!(w, "  {id:<width$}  {:>9.1} ms  ({runs} run(s))", ms(*d))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod timings_tests {
    use std::time::Duration;

    #[test]
    fn the_timings_table_lists_phases_in_order_and_the_slowest_checks_first() {
        let t = shipshape_engine::Timings {
            phases: vec![
                ("walk (read, classify)", Duration::from_millis(12)),
                ("checks", Duration::from_millis(30)),
            ],
            checks: vec![
                ("a/fast".into(), Duration::from_millis(1), 2),
                ("b/slow".into(), Duration::from_millis(25), 2),
            ],
        };
        let mut out = Vec::new();
        super::print_timings(&t, Duration::from_millis(3), 2, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let walk = text.find("walk (read, classify)").unwrap();
        let checks = text.find("  checks").unwrap();
        let render = text.find("render and write").unwrap();
        assert!(walk < checks && checks < render, "{text}");
        assert!(text.contains("total") && text.contains("45.0 ms"), "{text}");
        let slow = text.find("b/slow").unwrap();
        let fast = text.find("a/fast").unwrap();
        assert!(slow < fast, "{text}");
        assert!(
            text.contains("summed over 2 unit(s), 26.0 ms in all"),
            "{text}"
        );
        insta::assert_snapshot!("scan_timings_table", text);
    }
}
