//! `shipshape paths [PATH]`: the role of every file (production, test, example,
//! documentation, dev tooling, build-only, template) and why, so that a user can see
//! why a file was or was not judged as production. Reads the same `[paths]` and
//! excludes as `scan`; decides nothing itself (the facts crate does).

use crate::EXIT_OK;
use anyhow::Context;
use clap::Args;
use serde::Serialize;
use shipshape_facts::role::{Role, classify};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct PathsArgs {
    /// Repository (or directory) to list [default: .]
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Config file (default: PATH/shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only files of this role (repeatable): production, test, example, documentation,
    /// dev-tooling, build-only, template.
    #[arg(long, value_name = "ROLE", value_parser = |s: &str| s.parse::<Role>())]
    pub role: Vec<Role>,
    /// Only the number of files per role.
    #[arg(long)]
    pub summary: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Entry<'a> {
    path: &'a str,
    role: Role,
    reason: String,
}

pub fn run(a: PathsArgs) -> anyhow::Result<u8> {
    let config = match &a.config {
        Some(p) => shipshape_engine::Config::load(p),
        None => shipshape_engine::Config::discover(&a.path),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let overrides = config
        .paths
        .overrides()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut excludes = config.scan.exclude.clone();
    excludes.extend(config.paths.ignore.iter().cloned());
    let opts = shipshape_facts::WalkOptions {
        excludes,
        include_vendored: config.scan.include_vendored,
        roles: overrides.clone(),
        ..Default::default()
    };
    let facts = shipshape_facts::walk(&a.path, &opts)
        .with_context(|| format!("reading {}", a.path.display()))?;
    let entries: Vec<Entry> = facts
        .files
        .iter()
        .map(|f| {
            let (role, reason) = classify(&f.path, &overrides);
            // The walk may have decided from the file's first bytes (a test-data factory
            // kept beside production code): say so.
            let reason = if f.role != role {
                facts
                    .relational_role_reason(&f.path)
                    .map(str::to_string)
                    .or_else(|| content_reason(&a.path, &f.path))
                    .unwrap_or_else(|| reason.into_owned())
            } else {
                reason.into_owned()
            };
            Entry {
                path: &f.path,
                role: f.role,
                reason,
            }
        })
        .filter(|e| a.role.is_empty() || a.role.contains(&e.role))
        .collect();
    let mut counts: BTreeMap<Role, usize> = BTreeMap::new();
    for e in &entries {
        *counts.entry(e.role).or_default() += 1;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        let counts: BTreeMap<&str, usize> = counts.iter().map(|(r, n)| (r.as_str(), *n)).collect();
        let v = if a.summary {
            serde_json::json!({ "counts": counts })
        } else {
            serde_json::json!({ "counts": counts, "files": entries })
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(EXIT_OK);
    }
    if !a.summary {
        let width = entries
            .iter()
            .map(|e| e.role.as_str().len())
            .max()
            .unwrap_or(0);
        for e in &entries {
            writeln!(
                out,
                "{:width$}  {}  ({})",
                e.role.as_str(),
                e.path,
                e.reason
            )?;
        }
        writeln!(out)?;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(r, n)| format!("{n} {}", r.as_str()))
        .collect();
    writeln!(out, "{} files: {}", entries.len(), parts.join(", "))?;
    Ok(EXIT_OK)
}

/// Why the walk gave `path` a role from its content ([`shipshape_facts::role::content_role`]).
fn content_reason(root: &std::path::Path, path: &str) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(root.join(path))
        .ok()?
        .take(8192)
        .read_to_end(&mut head)
        .ok()?;
    shipshape_facts::role::content_role(path, shipshape_facts::classify(path), &head)
        .map(|(_, why)| why.to_string())
}
