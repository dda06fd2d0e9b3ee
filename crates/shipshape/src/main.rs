//! `shipshape`: is this software ready for production, and if not, what exactly is missing?
//!
//! This binary only parses arguments, calls the engine, the scanners and the
//! probe, hands the finished report to a reporter and maps the gate to an exit
//! code: 0 the gate holds, 1 it does not, 2 usage or configuration errors (141 when
//! standard output is closed early).

mod cmd_catalog;
mod cmd_fix;
mod cmd_init;
mod cmd_paths;
mod cmd_probe;
mod cmd_scan;
mod cmd_secrets;
mod cmd_serve;
mod cmd_shell;
mod cmd_vuln;
mod config_schema;
mod output;
mod progress;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code when the gate holds.
pub const EXIT_OK: u8 = 0;
/// Exit code when the gate does not hold (or findings were found).
pub const EXIT_GATE: u8 = 1;
/// Exit code for usage and configuration errors.
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "shipshape",
    version,
    about = "Is this software ready for production? If not, what exactly is missing?",
    long_about = "shipshape judges a repository against a production-readiness checklist \
(observability, delivery, rollback, security, ownership, incident response, maintenance, \
documentation, scalability) offline and in seconds, finds committed secrets and vulnerable \
dependencies, and probes running services from outside.\n\n\
Exit codes: 0 = the gate holds, 1 = it does not (or findings were found), 2 = usage or configuration error, \
141 = standard output was closed early (e.g. piped into `head`).",
    after_help = "Examples:\n  shipshape scan .\n  shipshape scan . --format sarif --output shipshape.sarif --min-level silver\n  shipshape explain delivery/gha-actions-pinned\n  shipshape secrets . --history\n  shipshape probe http://127.0.0.1:8080"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Judge a repository (or each unit of a monorepo) against the readiness checklist.
    Scan(cmd_scan::ScanArgs),
    /// List the check catalog.
    Checks(cmd_catalog::ChecksArgs),
    /// Explain one check: why it matters, how it is evaluated, how to fix it.
    Explain(cmd_catalog::ExplainArgs),
    /// Write a commented starter shipshape.toml for the detected unit.
    Init(cmd_init::InitArgs),
    /// Show (or with --write, apply) the changes that fix failing checks, built from the repository's facts.
    Fix(cmd_fix::FixArgs),
    /// Find committed secrets in the tree (and optionally git history).
    Secrets(cmd_secrets::SecretsArgs),
    /// List every file's role (production, test, example, documentation, dev tooling,
    /// build-only, template) and why: what `scan` judges as production.
    Paths(cmd_paths::PathsArgs),
    /// List resolved dependencies from lockfiles, per ecosystem.
    Deps(cmd_vuln::DepsArgs),
    /// Report dependencies with known vulnerabilities (offline OSV database).
    Audit(cmd_vuln::AuditArgs),
    /// Manage the local advisory database.
    #[command(subcommand)]
    Db(cmd_vuln::DbCommand),
    /// Check a running HTTP service from outside: health, metrics, TLS, headers, bad input, load.
    Probe(cmd_probe::ProbeArgs),
    /// Run the fleet server: receive, store and compare reports uploaded from CI.
    Serve(cmd_serve::ServeArgs),
    /// Send a JSON report to a `shipshape serve` (token from SHIPSHAPE_TOKEN).
    Upload(cmd_serve::UploadArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(cmd_shell::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(cmd_shell::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(a) => cmd_scan::run(a),
        Command::Checks(a) => cmd_catalog::checks(a),
        Command::Explain(a) => cmd_catalog::explain(a),
        Command::Init(a) => cmd_init::run(a),
        Command::Fix(a) => cmd_fix::run(a),
        Command::Secrets(a) => cmd_secrets::run(a),
        Command::Paths(a) => cmd_paths::run(a),
        Command::Deps(a) => cmd_vuln::deps(a),
        Command::Audit(a) => cmd_vuln::audit(a),
        Command::Db(c) => cmd_vuln::db(c),
        Command::Probe(a) => cmd_probe::run(a),
        Command::Serve(a) => cmd_serve::serve(a),
        Command::Upload(a) => cmd_serve::upload(a),
        Command::Completions(a) => cmd_shell::completions(a),
        Command::Man(a) => cmd_shell::man(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`shipshape scan . | head`): stop quietly, with the
        // status a shell gives a program killed by SIGPIPE.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_BROKEN_PIPE),
        Err(e) => {
            let mut err = anstream::stderr();
            let red = anstyle::Style::new()
                .bold()
                .fg_color(Some(anstyle::AnsiColor::Red.into()));
            use std::io::Write;
            let _ = writeln!(err, "{red}error{red:#}: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Exit code when standard output was closed before everything was written (128 + SIGPIPE).
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// True when the error (or one of its causes) is a write to a closed pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// "Now" in Unix seconds: read once here so that everything below stays pure.
///
/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention: Unix seconds) fixes it,
/// so that a report of a pinned commit is the same tomorrow (the ecosystem check
/// relies on this); a value that is not a number is an error, never ignored.
pub fn now() -> anyhow::Result<i64> {
    match std::env::var_os("SOURCE_DATE_EPOCH") {
        None => Ok(jiff::Timestamp::now().as_second()),
        Some(v) => parse_epoch(&v.to_string_lossy()),
    }
}

fn parse_epoch(v: &str) -> anyhow::Result<i64> {
    v.trim().parse::<i64>().map_err(|_| {
        anyhow::anyhow!(
            "SOURCE_DATE_EPOCH={v:?} is not a number of seconds since 1970: set it to e.g. `date +%s` output, or unset it"
        )
    })
}
