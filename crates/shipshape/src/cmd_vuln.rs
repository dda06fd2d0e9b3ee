//! `shipshape deps`, `shipshape audit` and `shipshape db ...`.

use crate::EXIT_OK;
use crate::output::parse_format;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use shipshape_engine::ScanOptions;
use shipshape_report::Format;
use shipshape_vuln::{AdvisoryDb, Ecosystem};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct DepsArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AuditArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Advisory database directory (default: the user's cache dir).
    #[arg(long, env = "SHIPSHAPE_DB")]
    pub db: Option<PathBuf>,
    #[arg(long, short = 'f', value_parser = parse_format)]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of standard output. Repeatable.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// No progress output.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Import OSV records: JSON files, directories of them, or OSV `all.zip` archives.
    Import {
        /// Files or directories to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, env = "SHIPSHAPE_DB")]
        db: Option<PathBuf>,
    },
    /// Import end-of-life data from endoflife.date: DIR is a checkout of
    /// github.com/endoflife-date/endoflife.date, its `products/` directory or one product
    /// file. Replaces any earlier end-of-life import.
    ImportEol {
        /// The checkout, `products/` directory or `.md` file.
        path: PathBuf,
        #[arg(long, env = "SHIPSHAPE_DB")]
        db: Option<PathBuf>,
    },
    /// Show ecosystems, record counts and age, and the end-of-life data.
    Status {
        #[arg(long, env = "SHIPSHAPE_DB")]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Download the OSV archives (needs the network).
    Update {
        /// Ecosystems to fetch (default: every supported one), e.g. crates.io, PyPI, npm, Go.
        #[arg(long = "ecosystem")]
        ecosystems: Vec<String>,
        #[arg(long, env = "SHIPSHAPE_DB")]
        db: Option<PathBuf>,
    },
}

fn db_dir(db: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match db {
        Some(d) => Ok(d),
        None => shipshape_vuln::default_dir()
            .map_err(|e| anyhow::anyhow!("{e}; pass --db DIR or set SHIPSHAPE_DB")),
    }
}

pub fn deps(a: DepsArgs) -> anyhow::Result<u8> {
    let facts = shipshape_facts::walk(&a.path, &shipshape_facts::WalkOptions::default())
        .with_context(|| format!("reading {}", a.path.display()))?;
    let mut diags = Vec::new();
    let locks = shipshape_engine::scanners_lockfiles(&facts, &mut diags);
    for d in &diags {
        eprintln!("warning: {}", d.message);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&locks)?)?;
        return Ok(EXIT_OK);
    }
    let mut by_eco: BTreeMap<String, Vec<(&str, &shipshape_vuln::Package)>> = BTreeMap::new();
    for l in &locks {
        for p in &l.packages {
            by_eco
                .entry(p.ecosystem.osv_name().to_string())
                .or_default()
                .push((&l.path, p));
        }
    }
    for (eco, pkgs) in &by_eco {
        writeln!(out, "{eco} ({} packages)", pkgs.len())?;
        for (path, p) in pkgs {
            let scope = match p.direct {
                Some(true) => "direct",
                Some(false) => "transitive",
                None => "",
            };
            writeln!(
                out,
                "  {:<40} {:<20} {:<10} {path}:{}",
                p.name, p.version, scope, p.line
            )?;
        }
    }
    if by_eco.is_empty() {
        writeln!(out, "no lockfile found")?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn audit(a: AuditArgs) -> anyhow::Result<u8> {
    let dir = db_dir(a.db.clone())?;
    if !dir.join(shipshape_vuln::STORE_FILE).exists() {
        bail!(
            "no advisory database in {}: run `shipshape db import <OSV all.zip or dir>` or `shipshape db update` first",
            dir.display()
        );
    }
    let opts = ScanOptions {
        root: a.path.clone(),
        config: a.config.clone(),
        secrets: Some(false),
        db_dir: Some(dir),
        only: vec!["security/no-vulnerable-dependencies".to_string()],
        now: crate::now()?,
        ..ScanOptions::default()
    };
    crate::output::run_focused(&opts, a.quiet, &a.format, &a.output, false)
}

pub fn db(c: DbCommand) -> anyhow::Result<u8> {
    let now = u64::try_from(crate::now()?).unwrap_or(0);
    match c {
        DbCommand::Import { paths, db } => {
            let dir = db_dir(db)?;
            let mut store = if dir.join(shipshape_vuln::STORE_FILE).exists() {
                AdvisoryDb::load(&dir).with_context(|| format!("loading {}", dir.display()))?
            } else {
                AdvisoryDb::new()
            };
            for p in &paths {
                let stats = store
                    .import_path(p, now)
                    .with_context(|| format!("importing {}", p.display()))?;
                eprintln!(
                    "{}: {} record(s) imported from {} file(s); {} withdrawn, {} unsupported ecosystem, {} unparsable",
                    p.display(),
                    stats.imported,
                    stats.files,
                    stats.withdrawn,
                    stats.unsupported,
                    stats.unparsable.len()
                );
                for (name, why) in stats.unparsable.iter().take(5) {
                    eprintln!("  skipped {name}: {why}");
                }
            }
            store
                .save(&dir)
                .with_context(|| format!("saving {}", dir.display()))?;
            eprintln!("database: {} ({} advisories)", dir.display(), store.len());
            Ok(EXIT_OK)
        }
        DbCommand::ImportEol { path, db } => {
            let dir = db_dir(db)?;
            let (data, stats) = shipshape_vuln::eol::import_dir(&path, now)
                .with_context(|| format!("importing end-of-life data from {}", path.display()))?;
            for (name, why) in stats.skipped.iter().take(5) {
                eprintln!("  skipped {name}: {why}");
            }
            shipshape_vuln::eol::save(&dir, &data)
                .with_context(|| format!("saving {}", dir.display()))?;
            eprintln!(
                "{}: {} product(s) with container images, {} release cycle(s) from {} file(s); {} skipped",
                path.display(),
                stats.products,
                stats.cycles,
                stats.files,
                stats.skipped.len()
            );
            eprintln!(
                "end-of-life data: {}",
                dir.join(shipshape_vuln::eol::EOL_FILE).display()
            );
            Ok(EXIT_OK)
        }
        DbCommand::Status { db, json } => {
            let dir = db_dir(db)?;
            let eol = shipshape_vuln::eol::status(&dir, now)
                .with_context(|| format!("loading {}", dir.display()))?;
            let has_advisories = dir.join(shipshape_vuln::STORE_FILE).exists();
            if !has_advisories && eol.is_none() {
                bail!(
                    "no advisory database in {}: run `shipshape db import` or `shipshape db update` (and `shipshape db import-eol DIR` for end-of-life data)",
                    dir.display()
                );
            }
            let st = if has_advisories {
                let store =
                    AdvisoryDb::load(&dir).with_context(|| format!("loading {}", dir.display()))?;
                Some(store.status(now))
            } else {
                None
            };
            let mut out = std::io::stdout().lock();
            if json {
                #[derive(serde::Serialize)]
                struct Both<'a> {
                    #[serde(flatten)]
                    advisories: Option<&'a shipshape_vuln::Status>,
                    eol: Option<&'a shipshape_vuln::eol::EolStatus>,
                }
                let both = Both {
                    advisories: st.as_ref(),
                    eol: eol.as_ref(),
                };
                writeln!(out, "{}", serde_json::to_string_pretty(&both)?)?;
            } else {
                writeln!(out, "database: {}", dir.display())?;
                match &st {
                    Some(st) => {
                        writeln!(
                            out,
                            "{} advisories, last import {:.1} day(s) ago",
                            st.total, st.age_days
                        )?;
                        for e in &st.ecosystems {
                            writeln!(
                                out,
                                "  {:<12} {:>6} records  {:.1} day(s) old",
                                e.ecosystem.osv_name(),
                                e.records,
                                e.age_days
                            )?;
                        }
                    }
                    None => writeln!(
                        out,
                        "no advisories: run `shipshape db import` or `shipshape db update`"
                    )?,
                }
                match &eol {
                    Some(e) => writeln!(
                        out,
                        "end-of-life data: {} products, {} release cycles, {} bytes, imported {:.1} day(s) ago",
                        e.products, e.cycles, e.bytes, e.age_days
                    )?,
                    None => writeln!(
                        out,
                        "no end-of-life data: run `shipshape db import-eol DIR` (a checkout of github.com/endoflife-date/endoflife.date)"
                    )?,
                }
            }
            Ok(EXIT_OK)
        }
        DbCommand::Update { ecosystems, db } => {
            let dir = db_dir(db)?;
            let ecos: Vec<Ecosystem> = if ecosystems.is_empty() {
                Ecosystem::ALL.to_vec()
            } else {
                ecosystems
                    .iter()
                    .map(|e| Ecosystem::from_osv(e).ok_or_else(|| anyhow::anyhow!("unknown ecosystem `{e}` (use the OSV names: crates.io, npm, PyPI, Go, RubyGems, Packagist, Maven, NuGet)")))
                    .collect::<anyhow::Result<_>>()?
            };
            let done =
                shipshape_vuln::update(&dir, &ecos, now).map_err(|e| anyhow::anyhow!("{e}"))?;
            for (eco, s) in done {
                eprintln!("{}: {} record(s)", eco.osv_name(), s.imported);
            }
            Ok(EXIT_OK)
        }
    }
}
