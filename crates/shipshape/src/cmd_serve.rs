//! `shipshape serve` (the fleet server), `shipshape serve token create|list|revoke`
//! and `shipshape upload REPORT.json --server URL` (token from `SHIPSHAPE_TOKEN`,
//! identity from the CI environment, flags override): argument parsing and
//! printing only; everything else is in `shipshape-server`.

use crate::EXIT_OK;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use shipshape_server::auth::Scope;
use shipshape_server::client::{self, Identity};
use shipshape_server::{Config, ServeOptions, store, tokens};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  shipshape serve --data /var/lib/shipshape --listen 127.0.0.1:8480\n  shipshape serve token create --data /var/lib/shipshape --name ci --scope upload --repo 'acme/*'\n  shipshape serve --database postgres://shipshape@db/shipshape --listen 0.0.0.0:8480"
)]
pub struct ServeArgs {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Where the data lives: a directory (SQLite at DIR/shipshape.db) or a database URL.
#[derive(Args, Clone)]
pub struct DataArgs {
    /// Data directory (holds shipshape.db unless --database names another database).
    #[arg(long, value_name = "DIR", default_value = "shipshape-data")]
    pub data: PathBuf,
    /// sqlite://PATH or postgres://USER@HOST/DB (default: sqlite://DIR/shipshape.db).
    #[arg(
        long,
        value_name = "URL",
        env = "SHIPSHAPE_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
}

impl DataArgs {
    fn url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| shipshape_server::default_database_url(&self.data))
    }
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8480")]
    pub listen: SocketAddr,
    /// Serve reads without a token (only on a trusted network).
    #[arg(long)]
    pub public_read: bool,
    /// Largest accepted upload, before and after decompression (e.g. 16MiB, 500KiB).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub body_limit: usize,
    /// Time a request may take before it is answered 408 (e.g. 30s).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = shipshape_probe::parse_duration)]
    pub request_timeout: Duration,
    /// Keep every report this many days, then one per day (see --daily-until-days).
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub keep_all_days: i64,
    /// Keep one report per day until this age, then one per week.
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub daily_until_days: i64,
    /// Keep every report forever.
    #[arg(long, conflicts_with_all = ["keep_all_days", "daily_until_days"])]
    pub no_retention: bool,
    /// A default branch: uploads for it raise webhook events (level drops, new
    /// critical failures). Repeat for several; default main and master.
    #[arg(long = "default-branch", value_name = "NAME")]
    pub default_branches: Vec<String>,
}

#[derive(Subcommand)]
pub enum ServeCommand {
    /// Manage API tokens (shown once at creation, stored hashed).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage webhooks (Slack-compatible notifications; URLs listed redacted).
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Write a consistent copy of the SQLite database (safe while serve runs).
    Backup(BackupArgs),
    /// Copy every table (reports, tokens, audit log, campaigns…) from one database
    /// into another, SQLite and PostgreSQL either way, verified by row counts.
    #[command(
        after_help = "Examples:\n  shipshape serve migrate-db --from sqlite://shipshape-data/shipshape.db --to postgres://shipshape@db/shipshape\n  shipshape serve migrate-db --from postgres://shipshape@db/shipshape --to sqlite://copy.db"
    )]
    MigrateDb(MigrateDbArgs),
}

#[derive(Args)]
pub struct MigrateDbArgs {
    /// The database to copy: sqlite://PATH or postgres://… (read in one snapshot; serve may keep running).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The database to fill: sqlite://PATH or postgres://… (migrated first; must be empty).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Replace what the target database holds instead of refusing.
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The copy to write (must not exist).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once on standard output.
    Create(CreateArgs),
    /// List tokens (never their secret).
    List(ListArgs),
    /// Revoke a token by id.
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A name saying who uses the token (e.g. ci-acme).
    #[arg(long)]
    pub name: String,
    /// upload (with --repo), read or admin.
    #[arg(long, value_parser = parse_scope)]
    pub scope: Scope,
    /// Repositories an upload token may upload for, as a glob (e.g. 'acme/*').
    #[arg(long, value_name = "GLOB")]
    pub repo: Option<String>,
    /// Expiry: a date (end of that day, UTC) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The token's id (see `token list`).
    pub id: i64,
}

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Register a webhook that receives events as Slack-compatible JSON.
    #[command(
        after_help = "Events: level-drop, new-critical (uploads on a default branch), waiver-expired, campaign-deadline.\n\nExample:\n  SHIPSHAPE_WEBHOOK_URL=https://hooks.slack.com/services/… shipshape serve webhook add --data /var/lib/shipshape --name platform --events level-drop,new-critical"
    )]
    Add(WebhookAddArgs),
    /// List webhooks (URLs redacted: only scheme and host are shown).
    List(ListArgs),
    /// Remove a webhook by id, with its pending deliveries.
    Remove(WebhookRemoveArgs),
}

#[derive(Args)]
pub struct WebhookRemoveArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The webhook's id (see `webhook list`).
    pub id: i64,
}

#[derive(Args)]
pub struct WebhookAddArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A name saying where the events go (e.g. slack-platform).
    #[arg(long)]
    pub name: String,
    /// The URL events are POSTed to (it may hold a secret: prefer the variable).
    #[arg(long, env = "SHIPSHAPE_WEBHOOK_URL", hide_env_values = true)]
    pub url: String,
    /// Comma-separated event kinds, or all (the default).
    #[arg(long, value_name = "LIST")]
    pub events: Option<String>,
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.parse()
}

/// `16MiB`, `500KiB`, `1M`, `2048`: bytes.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size such as 16MiB"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit {other:?} (use KiB, MiB or GiB)")),
    };
    n.checked_mul(mult)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{s:?} is out of range"))
}

pub fn serve(a: ServeArgs) -> anyhow::Result<u8> {
    match a.command {
        None => {
            let r = a.run;
            if r.keep_all_days < 1 || r.daily_until_days < r.keep_all_days {
                bail!("--keep-all-days must be at least 1 and at most --daily-until-days");
            }
            std::fs::create_dir_all(&r.data.data).with_context(|| {
                format!("creating the data directory {}", r.data.data.display())
            })?;
            shipshape_server::serve_blocking(ServeOptions {
                data_dir: r.data.data.clone(),
                database_url: r.data.database.clone(),
                listen: r.listen,
                config: Config {
                    public_read: r.public_read,
                    body_limit: r.body_limit,
                    request_timeout: r.request_timeout,
                    default_branches: if r.default_branches.is_empty() {
                        shipshape_server::state::DEFAULT_BRANCHES
                            .iter()
                            .map(|b| b.to_string())
                            .collect()
                    } else {
                        r.default_branches.clone()
                    },
                },
                retention: (!r.no_retention).then_some(shipshape_server::retention::Policy {
                    keep_all_days: r.keep_all_days,
                    daily_until_days: r.daily_until_days,
                }),
            })?;
            Ok(EXIT_OK)
        }
        Some(ServeCommand::Token(t)) => token(t),
        Some(ServeCommand::Webhook(w)) => webhook(w),
        Some(ServeCommand::MigrateDb(m)) => {
            let copied =
                shipshape_server::block_on(store::migrate_db(&m.from, &m.to, m.overwrite))?
                    .with_context(|| {
                        format!(
                            "copying {} into {}",
                            store::redact(&m.from),
                            store::redact(&m.to)
                        )
                    })?;
            for (table, n) in &copied.tables {
                eprintln!("{n:>10}  {table}");
            }
            eprintln!(
                "copied into {}; row counts verified against the source",
                store::redact(&m.to)
            );
            Ok(EXIT_OK)
        }
        Some(ServeCommand::Backup(b)) => {
            let url = b.data.url();
            shipshape_server::block_on(shipshape_server::backup(&url, &b.to))?
                .with_context(|| format!("backing up {url}"))?;
            eprintln!("backup written to {}", b.to.display());
            Ok(EXIT_OK)
        }
    }
}

/// Who runs a token command, for the audit log.
fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

async fn open(data: &DataArgs) -> anyhow::Result<std::sync::Arc<dyn store::Store>> {
    if data.database.is_none() {
        ensure_dir(&data.data)?;
    }
    let url = data.url();
    store::open(&url)
        .await
        .with_context(|| format!("opening the database of {}", data.data.display()))
}

fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

fn token(cmd: TokenCommand) -> anyhow::Result<u8> {
    let now = crate::now()?;
    shipshape_server::block_on(async move {
        match cmd {
            TokenCommand::Create(c) => {
                let expires = c
                    .expires
                    .as_deref()
                    .map(shipshape_server::time::parse_expiry)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--expires: {e}"))?;
                let store = open(&c.data).await?;
                let created = tokens::create(
                    store.as_ref(),
                    &c.name,
                    c.scope,
                    c.repo.as_deref(),
                    expires,
                    &actor(),
                    now,
                )
                .await?;
                println!("{}", created.token);
                eprintln!(
                    "token {} ({}, scope {}) created; it is shown only this once",
                    created.id, c.name, c.scope
                );
                Ok(EXIT_OK)
            }
            TokenCommand::List(l) => {
                let store = open(&l.data).await?;
                let rows = tokens::list(store.as_ref()).await?;
                let fmt = |t: Option<i64>| {
                    t.map(shipshape_server::time::rfc3339)
                        .unwrap_or_else(|| "-".into())
                };
                println!("id\tname\tscope\trepo\tcreated\texpires\tlast used\trevoked");
                for t in rows {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        t.id,
                        t.name,
                        t.scope,
                        t.repo_glob.as_deref().unwrap_or("-"),
                        fmt(Some(t.created_at)),
                        fmt(t.expires_at),
                        fmt(t.last_used_at),
                        fmt(t.revoked_at)
                    );
                }
                Ok(EXIT_OK)
            }
            TokenCommand::Revoke(r) => {
                let store = open(&r.data).await?;
                if !tokens::revoke(store.as_ref(), r.id, &actor(), now).await? {
                    bail!("no token {} to revoke (unknown, or already revoked)", r.id);
                }
                eprintln!("token {} revoked", r.id);
                Ok(EXIT_OK)
            }
        }
    })?
}

fn webhook(cmd: WebhookCommand) -> anyhow::Result<u8> {
    use shipshape_server::webhooks;
    let now = crate::now()?;
    shipshape_server::block_on(async move {
        match cmd {
            WebhookCommand::Add(a) => {
                let store = open(&a.data).await?;
                let id = webhooks::add(
                    store.as_ref(),
                    &a.name,
                    &a.url,
                    a.events.as_deref(),
                    &actor(),
                    now,
                )
                .await?;
                println!("{id}");
                eprintln!(
                    "webhook {id} ({}) added for {}",
                    a.name,
                    shipshape_server::client::redact_url(&a.url)
                );
                Ok(EXIT_OK)
            }
            WebhookCommand::List(l) => {
                let store = open(&l.data).await?;
                println!("id\tname\turl\tevents\tcreated\tcreated by");
                for h in webhooks::list(store.as_ref()).await? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        h.id,
                        h.name,
                        h.url,
                        h.events.join(","),
                        shipshape_server::time::rfc3339(h.created_at),
                        h.created_by
                    );
                }
                Ok(EXIT_OK)
            }
            WebhookCommand::Remove(r) => {
                let store = open(&r.data).await?;
                if !webhooks::remove(store.as_ref(), r.id, &actor(), now).await? {
                    bail!(
                        "no webhook {} to remove (see `shipshape serve webhook list`)",
                        r.id
                    );
                }
                eprintln!("webhook {} removed", r.id);
                Ok(EXIT_OK)
            }
        }
    })?
}

// ---- shipshape upload -------------------------------------------------------

#[derive(Args)]
#[command(
    after_help = "The token is read from SHIPSHAPE_TOKEN. Repository, commit, ref and run URL come from \
GitHub Actions, GitLab CI, Buildkite or Jenkins variables when present.\n\nExample:\n  \
shipshape scan . --format json --output report.json\n  SHIPSHAPE_TOKEN=shs_… shipshape upload report.json --server https://shipshape.example"
)]
pub struct UploadArgs {
    /// The JSON report (`shipshape scan --format json`), or - for standard input.
    pub report: PathBuf,
    /// Base URL of the server, e.g. https://shipshape.example
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// Repository name (default: from the CI environment).
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// Commit SHA (default: from the CI environment).
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    /// Branch or tag (default: from the CI environment).
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// Link to the CI run (default: from the CI environment).
    #[arg(long, value_name = "URL")]
    pub ci_run_url: Option<String>,
    /// Print the server's JSON answer instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Give up after this long (e.g. 60s).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = shipshape_probe::parse_duration)]
    pub timeout: Duration,
}

/// `SHIPSHAPE_TOKEN`, or a clear error saying how to get one.
pub fn token_from_env() -> anyhow::Result<String> {
    std::env::var("SHIPSHAPE_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .context("SHIPSHAPE_TOKEN is not set: create one with `shipshape serve token create --scope upload`")
}

/// The identity of an upload: flags first, then the CI environment.
pub fn identity(
    repo: Option<String>,
    commit: Option<String>,
    git_ref: Option<String>,
    ci_run_url: Option<String>,
) -> anyhow::Result<Identity> {
    let ci = client::ci_identity(|k| std::env::var(k).ok());
    let id = Identity {
        repository: repo.or(ci.repository),
        commit: commit.or(ci.commit),
        git_ref: git_ref.or(ci.git_ref),
        ci_run_url: ci_run_url.or(ci.ci_run_url),
    };
    if id.repository.is_none() {
        bail!(
            "no repository name: pass --repo NAME (no GitHub Actions, GitLab CI, Buildkite or Jenkins environment found to take it from)"
        );
    }
    Ok(id)
}

/// Sends `json` to `server` and returns its answer; a refusal or a transport
/// failure is an error naming the server and what it said.
pub fn send_report(
    server: &str,
    token: &str,
    id: &Identity,
    json: &[u8],
    timeout: Duration,
) -> anyhow::Result<client::Uploaded> {
    shipshape_server::block_on(client::upload(server, token, id, json, timeout))?
        .with_context(|| format!("uploading the report to {server}"))
}

pub fn upload(a: UploadArgs) -> anyhow::Result<u8> {
    let token = token_from_env()?;
    let json = if a.report.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .context("reading standard input")?;
        buf
    } else {
        std::fs::read(&a.report).with_context(|| format!("reading {}", a.report.display()))?
    };
    let id = identity(a.repo, a.commit, a.git_ref, a.ci_run_url)?;
    let answer = send_report(&a.server, &token, &id, &json, a.timeout)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&answer.body)?);
        return Ok(EXIT_OK);
    }
    print_answer(&answer, &mut std::io::stdout().lock())?;
    Ok(EXIT_OK)
}

/// The server's answer in a few lines: the stored report, each unit's level and
/// what changed since its previous report.
pub fn print_answer(
    answer: &client::Uploaded,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let b = &answer.body;
    let stored = if b["created"] == true {
        "stored"
    } else {
        "already stored"
    };
    writeln!(
        out,
        "report {} {stored} for {}{}",
        b["id"],
        b["repository"].as_str().unwrap_or("?"),
        b["ref"]
            .as_str()
            .filter(|r| !r.is_empty())
            .map(|r| format!(" on {r}"))
            .unwrap_or_default()
    )?;
    for u in b["diff"]["units"].as_array().into_iter().flatten() {
        let level = |v: &serde_json::Value| v.as_str().unwrap_or("none").to_string();
        let mut line = format!(
            "  {}: level {}",
            u["unit"].as_str().unwrap_or("?"),
            level(&u["level_after"])
        );
        if u["previous_report"].is_null() {
            line.push_str(" (first report on this ref)");
        } else if u["level_change"] != "same" {
            line.push_str(&format!(" (was {})", level(&u["level_before"])));
        }
        let list = |v: &serde_json::Value| {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        let new = list(&u["new_failures"]);
        let fixed = list(&u["fixed"]);
        if !new.is_empty() {
            line.push_str(&format!("; new failures: {new}"));
        }
        if !fixed.is_empty() {
            line.push_str(&format!("; fixed: {fixed}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MiB"), Ok(16 * 1024 * 1024));
        assert_eq!(parse_size("500KiB"), Ok(500 * 1024));
        assert_eq!(parse_size("2048"), Ok(2048));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3TB").is_err());
    }
}
