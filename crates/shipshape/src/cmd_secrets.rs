//! `shipshape secrets [PATH]` (the work tree, or `--staged`, `--since REV`, `--history`)
//! and `shipshape secrets baseline`.

use crate::EXIT_OK;
use crate::output::parse_format;
use anyhow::Context;
use clap::{Args, Subcommand};
use shipshape_engine::ScanOptions;
use shipshape_report::Format;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SecretsArgs {
    #[command(subcommand)]
    pub command: Option<SecretsCommand>,
    /// Directory to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also scan every blob reachable in git history.
    #[arg(long)]
    pub history: bool,
    /// Scan the blobs staged in the git index (what the next commit will hold) instead
    /// of the work tree: only those that differ from HEAD, at their staged path and line.
    /// For pre-commit hooks; unstaged edits are not read.
    #[arg(long)]
    pub staged: bool,
    /// Scan only the blobs that the commits in REV..HEAD introduced (a pull request's
    /// commits: `--since origin/main`), instead of the work tree.
    #[arg(long, value_name = "REV", conflicts_with = "history")]
    pub since: Option<String>,
    /// Output format: text, json, sarif (also markdown, html, junit, github, gitlab).
    #[arg(long, short = 'f', value_parser = parse_format)]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of standard output. Repeatable.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Config file (default: PATH/shipshape.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// No progress output.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Exit 1 on samples too: generic secrets found only in tests, examples, docs or
    /// development config are reported as a warning, and by default do not fail.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Subcommand)]
pub enum SecretsCommand {
    /// Record today's findings so that later scans report only new ones.
    Baseline {
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Where to write the baseline.
        #[arg(long, short = 'o', default_value = ".shipshape/secrets-baseline.json")]
        output: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

pub fn run(a: SecretsArgs) -> anyhow::Result<u8> {
    if let Some(SecretsCommand::Baseline {
        path,
        output,
        config,
    }) = a.command
    {
        return baseline(path, output, config);
    }
    let tree = "security/no-committed-secrets".to_string();
    let history = "security/no-secrets-in-history".to_string();
    let only = match (a.staged, a.since.is_some() || a.history) {
        // `--since` alone judges the new commits only; with `--staged`, the index too.
        (false, true) if a.since.is_some() => vec![history],
        (_, true) => vec![tree, history],
        (_, false) => vec![tree],
    };
    let opts = ScanOptions {
        root: a.path.clone(),
        config: a.config.clone(),
        secrets: Some(true),
        history: a.history.then_some(true),
        staged: a.staged,
        history_since: a.since.clone(),
        only,
        now: crate::now()?,
        vulns: Some(false),
        ..ScanOptions::default()
    };
    crate::output::run_focused(&opts, a.quiet, &a.format, &a.output, a.strict)
}

fn baseline(path: PathBuf, output: PathBuf, config: Option<PathBuf>) -> anyhow::Result<u8> {
    let cfg = match &config {
        Some(p) => shipshape_engine::Config::load(p),
        None => shipshape_engine::Config::discover(&path),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let engine = shipshape_engine::secret_engine(&cfg).map_err(|e| anyhow::anyhow!(e))?;
    let found = Mutex::new(Vec::new());
    let hook = |p: &str, b: &[u8]| {
        let m = engine.scan(p, b);
        if !m.is_empty() {
            found.lock().unwrap_or_else(|e| e.into_inner()).extend(m);
        }
    };
    let opts = shipshape_facts::WalkOptions {
        excludes: cfg
            .scan
            .exclude
            .iter()
            .chain(&cfg.paths.ignore)
            .cloned()
            .collect(),
        hook: Some(&hook),
        ..Default::default()
    };
    shipshape_facts::walk(&path, &opts).with_context(|| format!("reading {}", path.display()))?;
    let matches = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let b = shipshape_secrets::Baseline::from_matches(&matches);
    let target = if output.is_relative() {
        path.join(&output)
    } else {
        output.clone()
    };
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&target, b.to_json())
        .with_context(|| format!("writing {}", target.display()))?;
    eprintln!(
        "recorded {} finding(s) in {} (fingerprints only, never the secrets). Point `[secrets] baseline` at it in shipshape.toml.",
        matches.len(),
        target.display()
    );
    Ok(EXIT_OK)
}
