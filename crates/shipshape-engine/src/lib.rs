//! The decision layer: args and config in, a finished [`Report`] out.
//!
//! ```text
//! config → walk once (facts + secret scan in the same pass) → vulnerability matching
//!        → units → checks in parallel → overrides / waivers / fingerprints
//!        → scores and levels → baseline → gate → Report
//! ```
//! Reporters render the report; nothing after this layer decides anything.

mod changes;
pub mod config;
mod decide;
pub mod discover;
pub mod rules;
mod scanners;

pub use config::{Config, ConfigError, Policy};
pub use decide::{apply_gate, baseline_fingerprints, load_baseline};
pub use scanners::{lockfiles as scanners_lockfiles, open_advisory_db, secret_engine};

use decide::AnyCheck;
use rayon::prelude::*;
use shipshape_checks::profiles::{DEFAULT_PROFILE, Profile, find_profile, profile_names};
use shipshape_checks::{Ctx, ScanIndex, SecretEvidence, VulnInput, registry, unit};
use shipshape_facts::{Facts, WalkOptions};
use shipshape_model::{
    CheckInfo, CheckResult, Diagnostic, DiagnosticLevel, GateOutcome, Level, Outcome, Report,
    ReportStats, Rollup, SCHEMA_VERSION, Severity, ToolInfo, Unit, UnitKind, UnitReport,
    level_for_tier, score_unit,
};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What can stop a scan before it produces a report.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot scan {path}: {message}")]
    Walk { path: String, message: String },
    #[error("{0}")]
    Usage(String),
}

/// Options from the command line (they win over the config file).
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub root: PathBuf,
    /// `--config`; default `<root>/shipshape.toml` when present.
    pub config: Option<PathBuf>,
    pub fail_under: Option<f64>,
    pub min_level: Option<Level>,
    pub fail_on: Option<Severity>,
    /// `--baseline previous.json`.
    pub baseline: Option<PathBuf>,
    /// Force secret scanning on/off (default: config, on).
    pub secrets: Option<bool>,
    /// Scan git history for secrets (default: config, off).
    pub history: Option<bool>,
    /// Read the secret scan's files from the git index (the staged blobs that differ
    /// from HEAD) instead of the work tree: a pre-commit hook's view.
    pub staged: bool,
    /// Restrict the history scan to the commits in `REV..HEAD` (turns it on).
    pub history_since: Option<String>,
    /// `scan --changed-since REF`: judge only the units that the change from the merge
    /// base of REF and HEAD to the work tree touches (see `changes.rs`).
    pub changed_since: Option<String>,
    /// Advisory database directory (default: config, then the user's cache dir).
    pub db_dir: Option<PathBuf>,
    /// Force vulnerability matching off (`Some(false)`); default: on when a database exists.
    pub vulns: Option<bool>,
    /// Extra exclude globs.
    pub exclude: Vec<String>,
    /// Run only these check ids (empty = all).
    pub only: Vec<String>,
    /// Now, as Unix seconds (passed in so that the engine stays testable).
    pub now: i64,
    pub threads: usize,
}

/// Progress notes for a terminal (the CLI decides whether to show them).
pub trait Progress: Sync {
    fn phase(&self, _what: &str) {}
    fn files(&self, _count: u64) {}
}

/// No progress output.
pub struct Quiet;
impl Progress for Quiet {}

/// A finished scan: the report, plus the facts for commands that need more (init).
pub struct ScanOutput {
    pub report: Report,
    /// The effective catalog: the profile's built-in checks plus the custom
    /// rules. Reporters (SARIF rules, explanations) take it from here.
    pub catalog: Vec<CheckInfo>,
    /// Where the time went (`scan --timings`). Never part of the report, which stays
    /// the same from run to run.
    pub timings: Timings,
}

/// Where a scan's time went: each phase's wall time, in the order they ran, and each
/// check's time summed over the units it judged.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// `(phase, wall time)`; phases that did not run are absent.
    pub phases: Vec<(&'static str, Duration)>,
    /// `(check id, time summed over units, units judged)`, in catalog order. Checks of
    /// one unit run in parallel, so the sum can exceed the checks phase.
    pub checks: Vec<(String, Duration, u32)>,
}

impl Timings {
    fn phase(&mut self, name: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.phases.push((name, now - *since));
        *since = now;
    }
}

/// Resolve a profile name (`None` = the default); unknown names are a usage error
/// listing the known ones.
pub fn resolve_profile(name: Option<&str>) -> Result<&'static Profile, EngineError> {
    let name = name.unwrap_or(DEFAULT_PROFILE);
    find_profile(name).ok_or_else(|| {
        EngineError::Usage(format!(
            "unknown profile `{name}`: use one of {}",
            profile_names().join(", ")
        ))
    })
}

/// The effective catalog for a config and profile: the profile's built-in
/// checks, then the config's custom rules (which every profile runs).
pub fn effective_catalog(config: &Config, profile: &Profile) -> Vec<CheckInfo> {
    registry()
        .iter()
        .filter(|c| profile.includes(c.meta.id))
        .map(|c| c.meta.info())
        .chain(config.custom_checks().into_iter().map(|c| c.info))
        .collect()
}

fn rfc3339(now: i64) -> String {
    jiff::Timestamp::from_second(now).map_or_else(|_| now.to_string(), |t| t.to_string())
}

/// Resolve the config: `--config` path, or `<root>/shipshape.toml`, or defaults.
pub fn load_config(opts: &ScanOptions) -> Result<Config, ConfigError> {
    match &opts.config {
        Some(p) => Config::load(p),
        None => Config::discover(&opts.root),
    }
}

/// Run a whole scan with the profile of the config (default `production`).
pub fn scan(opts: &ScanOptions, progress: &dyn Progress) -> Result<ScanOutput, EngineError> {
    scan_with_profile(opts, None, progress)
}

/// Run a whole scan; `profile` (`--profile`) wins over `[scan] profile`.
pub fn scan_with_profile(
    opts: &ScanOptions,
    profile: Option<&str>,
    progress: &dyn Progress,
) -> Result<ScanOutput, EngineError> {
    let (out, facts) = scan_keeping_facts(opts, profile, progress)?;
    // Freeing the parsed facts (millions of small nodes in a large monorepo) is a
    // noticeable share of a scan: another thread does it while the report renders.
    std::thread::spawn(move || drop(facts));
    Ok(out)
}

/// [`scan_with_profile`], also handing back the facts the checks saw: `shipshape fix`
/// builds its changes from the same facts that decided the verdicts, with no second walk.
pub fn scan_keeping_facts(
    opts: &ScanOptions,
    profile: Option<&str>,
    progress: &dyn Progress,
) -> Result<(ScanOutput, Facts), EngineError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let mut lap = started;
    let config = load_config(opts)?;
    let profile = resolve_profile(profile.or(config.scan.profile.as_deref()))?;
    let custom = config.custom_checks();
    let catalog = effective_catalog(&config, profile);
    for id in &opts.only {
        if !catalog.iter().any(|c| &c.id == id) {
            let hint = config::suggest(id, catalog.iter().map(|c| c.id.as_str()))
                .map_or("run `shipshape checks` to list the ids".to_string(), |s| {
                    format!("did you mean `{s}`?")
                });
            return Err(EngineError::Usage(format!(
                "unknown check id `{id}`: {hint}"
            )));
        }
    }
    let mut diagnostics: Vec<Diagnostic> = Vec::new();

    // Secrets ride along the single walk.
    let secrets_on = opts.secrets.unwrap_or(config.secrets.enabled);
    let engine = if secrets_on {
        Some(secret_engine(&config).map_err(EngineError::Usage)?)
    } else {
        None
    };
    let found: Mutex<Vec<shipshape_secrets::SecretMatch>> = Mutex::new(Vec::new());
    let hook = |path: &str, bytes: &[u8]| {
        if let Some(e) = &engine {
            let m = e.scan(path, bytes);
            if !m.is_empty() {
                found.lock().unwrap_or_else(|p| p.into_inner()).extend(m);
            }
        }
    };
    let on_files = |n: u64| progress.files(n);
    let mut excludes = config.scan.exclude.clone();
    excludes.extend(config.paths.ignore.iter().cloned());
    excludes.extend(opts.exclude.iter().cloned());
    // Validated when the config was parsed.
    let roles = config.paths.overrides().map_err(EngineError::Usage)?;
    let walk_opts = WalkOptions {
        roles,
        max_file_size: config.scan.max_file_size.unwrap_or(1024 * 1024),
        excludes,
        include_vendored: config.scan.include_vendored,
        threads: opts.threads,
        progress: Some(&on_files),
        // Staged blobs are read from the index below, not from the work tree.
        hook: engine
            .as_ref()
            .filter(|_| !opts.staged)
            .map(|_| &hook as &(dyn Fn(&str, &[u8]) + Sync)),
        // go.work for unit discovery; the files custom rules read.
        keep_text: std::iter::once("go.work".to_string())
            .chain(custom.iter().flat_map(|c| c.keep_text()))
            .collect(),
        ..WalkOptions::default()
    };
    progress.phase("reading the repository");
    let facts = shipshape_facts::walk(&opts.root, &walk_opts).map_err(|e| EngineError::Walk {
        path: opts.root.display().to_string(),
        message: e.to_string(),
    })?;
    diagnostics.extend(facts.diagnostics.iter().cloned());
    timings.phase(
        if engine.is_some() {
            "walk (read, classify, tree secrets)"
        } else {
            "walk (read, classify)"
        },
        &mut lap,
    );

    let tree_secrets = match &engine {
        Some(e) => {
            let mut matches = if opts.staged {
                progress.phase("scanning staged changes");
                shipshape_secrets::scan_staged(&opts.root, e)
                    .map_err(|e| EngineError::Usage(e.to_string()))?
            } else {
                found.into_inner().unwrap_or_else(|p| p.into_inner())
            };
            scanners::apply_secret_baseline(&config, &opts.root, &mut matches, &mut diagnostics);
            matches.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            Some(
                matches
                    .iter()
                    .map(scanners::secret_evidence)
                    .collect::<Vec<SecretEvidence>>(),
            )
        }
        None => None,
    };
    let history_on = opts.history_since.is_some() || opts.history.unwrap_or(config.secrets.history);
    let history_secrets = match (&engine, history_on, &facts.git) {
        (Some(e), true, _) if opts.history_since.is_some() => {
            let since = opts.history_since.as_deref().unwrap_or_default();
            progress.phase("scanning new commits");
            let found = shipshape_secrets::scan_since(&opts.root, since, e, &|_, _| {})
                .map_err(|e| EngineError::Usage(e.to_string()))?;
            Some(found.iter().map(scanners::history_evidence).collect())
        }
        (Some(e), true, Some(_)) => {
            progress.phase("scanning git history");
            Some(scanners::history(e, &opts.root, &mut diagnostics))
        }
        (None, true, _) => {
            diagnostics.push(note(
                "history-skipped",
                "history scanning was asked for but secret scanning is off",
            ));
            None
        }
        _ => None,
    };
    if opts.staged || history_secrets.is_some() {
        timings.phase("secrets (staged, history)", &mut lap);
    }

    progress.phase("matching dependencies against advisories");
    let db_dir = opts
        .db_dir
        .clone()
        .or_else(|| config.vulns.database.as_ref().map(|d| opts.root.join(d)));
    let vulns = if opts.vulns == Some(false) {
        None
    } else {
        scanners::vulnerabilities(
            &facts,
            db_dir.as_deref(),
            &config,
            opts.now,
            &mut diagnostics,
        )
    };

    // End-of-life data only for a run whose catalog has a check reading it.
    let eol_check = "maintenance/no-deprecated-base-images";
    let eol = if profile.includes(eol_check)
        && (opts.only.is_empty() || opts.only.iter().any(|o| o == eol_check))
    {
        scanners::eol_data(db_dir.as_deref(), opts.now, &mut diagnostics)
    } else {
        None
    };

    timings.phase("advisories and end-of-life data", &mut lap);
    progress.phase("running checks");
    // A full catalog needs nearly every parsed fact: parse them in parallel up front.
    // A focused run (`secrets`, `--check ID`) parses only what its checks ask for.
    if opts.only.is_empty() {
        facts.prepare();
        timings.phase("parse (manifests, YAML, CI, Dockerfiles)", &mut lap);
    }
    let units = resolve_units(&facts, &config);
    timings.phase("units (discovery, kinds)", &mut lap);
    let unit_paths: Vec<String> = units.iter().map(|(u, _)| u.path.clone()).collect();
    let unit_kinds: Vec<shipshape_model::UnitKind> = units.iter().map(|(u, _)| u.kind).collect();
    let unit_names: Vec<String> = units.iter().map(|(u, _)| u.name.clone()).collect();
    let scan_index = ScanIndex::new(&unit_paths, &unit_names);
    let selection = match &opts.changed_since {
        Some(since) => {
            progress.phase("finding the units the change touches");
            let plain: Vec<Unit> = units.iter().map(|(u, _)| u.clone()).collect();
            Some(
                changes::select(&opts.root, since, &facts, &plain, &unit_paths)
                    .map_err(EngineError::Usage)?,
            )
        }
        None => None,
    };
    let policy = config.policy();
    let mut unit_reports = Vec::new();
    let shared = decide::SharedVerdicts::default();
    for (index, (unit, ucfg)) in units.iter().enumerate() {
        if selection.as_ref().is_some_and(|s| !s.judge[index]) {
            continue;
        }
        let waived_paths = decide::waived_paths(&config.waivers, unit, opts.now);
        let waived = |check: &str, path: &str| {
            waived_paths
                .iter()
                .any(|(c, m)| c == check && m.is_match(path))
        };
        let ctx = Ctx {
            facts: &facts,
            unit,
            oncall: ucfg.oncall.as_deref(),
            runbook: ucfg.runbook.as_deref(),
            slo: ucfg.slo.as_deref(),
            secrets: tree_secrets.as_deref(),
            secrets_staged: opts.staged,
            history_secrets: history_secrets.as_deref(),
            history_since: opts.history_since.as_deref(),
            vulns: match &vulns {
                Some((findings, age, lockfiles)) => VulnInput::Matched {
                    findings,
                    db_age_days: *age,
                    lockfiles: *lockfiles,
                },
                None => VulnInput::NoDatabase,
            },
            eol: eol.as_ref(),
            now: opts.now,
            unit_paths: &unit_paths,
            unit_kinds: &unit_kinds,
            shared_naming: Default::default(),
            linked_k8s: Default::default(),
            linked_dockerfiles: Default::default(),
            nested_units: Default::default(),
            waived: &waived,
            index: &scan_index,
        };
        let checks: Vec<AnyCheck> = registry()
            .iter()
            .filter(|c| profile.includes(c.meta.id))
            .map(|c| AnyCheck::Builtin(c))
            .chain(custom.iter().map(AnyCheck::Custom))
            .filter(|c| !policy.disabled.iter().any(|d| d == c.id()))
            .filter(|c| opts.only.is_empty() || opts.only.iter().any(|o| o == c.id()))
            .collect();
        let timed: Vec<(CheckResult, Duration)> = checks
            .par_iter()
            .map(|c| {
                let t = Instant::now();
                let r = decide::run_check(c, &ctx, &policy, &shared);
                (r, t.elapsed())
            })
            .collect();
        let mut results = Vec::with_capacity(timed.len());
        for (i, (c, (r, took))) in checks.iter().zip(timed).enumerate() {
            // Every unit runs the same list, so the check's row is usually at `i`.
            let row = match timings.checks.get(i) {
                Some((id, _, _)) if id == c.id() => Some(i),
                _ => timings.checks.iter().position(|(id, _, _)| id == c.id()),
            };
            match row.map(|r| &mut timings.checks[r]) {
                Some(t) => {
                    t.1 += took;
                    t.2 += 1;
                }
                None => timings.checks.push((c.id().to_string(), took, 1)),
            }
            results.push(r);
        }
        let results =
            decide::apply_waivers(results, unit, &config.waivers, opts.now, &mut diagnostics);
        let (scores, level) = score_unit(&results);
        let required = opts
            .min_level
            .or(policy.min_level)
            .or_else(|| unit.tier.and_then(level_for_tier));
        unit_reports.push(UnitReport {
            unit: unit.clone(),
            scores,
            level,
            required_level: required,
            checks: results,
        });
    }
    timings.phase("checks", &mut lap);
    // A waiver for a unit this change did not judge is not unused.
    if selection.is_none() {
        decide::unused_waivers(&config.waivers, &unit_reports, &mut diagnostics);
    }
    let no_errors = Vec::new();
    let dep_errors = facts
        .dependencies_if_parsed()
        .map_or(&no_errors, |d| &d.errors);
    for (path, message) in dep_errors.iter() {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "manifest-unparsable".into(),
            message: format!("{path}: {message}"),
            path: Some(path.clone()),
        });
    }
    let k8s_errors = facts
        .k8s_objects_if_parsed()
        .map_or(&no_errors, |k| &k.errors);
    for (path, message) in k8s_errors.iter() {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "yaml-unparsable".into(),
            message: format!("{path}: {message}"),
            path: Some(path.clone()),
        });
    }

    let mut report = Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "shipshape".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        command: "scan".into(),
        target: opts.root.display().to_string(),
        profile: profile.name.to_string(),
        generated_at: rfc3339(opts.now),
        rollup: Rollup::of(&unit_reports),
        units: unit_reports,
        diagnostics,
        gate: GateOutcome {
            passed: true,
            reasons: vec![],
            fail_under: None,
            fail_on: None,
            min_level: None,
            baseline: false,
        },
        stats: ReportStats {
            files_seen: facts.stats.files,
            bytes_read: facts.stats.bytes_read,
            files_skipped: facts.stats.skipped,
            duration_ms: 0,
        },
        changes: selection.map(|s| s.scope),
    };
    let baseline = match &opts.baseline {
        Some(p) => Some(load_baseline(p).map_err(EngineError::Usage)?),
        None => None,
    };
    apply_gate(
        &mut report,
        opts.fail_under.or(policy.fail_under),
        opts.min_level.or(policy.min_level),
        opts.fail_on.or(policy.fail_on),
        baseline.as_ref(),
    );
    timings.phase("gate", &mut lap);
    report.stats.duration_ms = started.elapsed().as_millis() as u64;
    Ok((
        ScanOutput {
            report,
            catalog,
            timings,
        },
        facts,
    ))
}

fn note(code: &str, message: &str) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Note,
        code: code.into(),
        message: message.into(),
        path: None,
    }
}

/// The units to judge: `[[unit]]` entries; else the units discovered in a
/// monorepo (see [`discover`]); else the repository as one unit. A `[service]`
/// table describes the repository as one unit, so it turns discovery off unless
/// `[scan] discover-units = true` asks for it.
pub fn resolve_units(facts: &Facts, config: &Config) -> Vec<(Unit, config::UnitConfig)> {
    let discover_on = config
        .scan
        .discover_units
        .unwrap_or(config.service.is_none());
    if config.units.is_empty() && discover_on {
        let found = discover::discover(facts);
        if !found.is_empty() {
            let names = discover::unique_names(&found);
            let others: Vec<String> = found
                .iter()
                .filter(|c| c.path != ".")
                .map(|c| c.path.clone())
                .collect();
            return found
                .into_iter()
                .zip(names)
                .map(|(c, name)| {
                    let name = if c.path == "." {
                        default_name(&facts.root, ".")
                    } else {
                        name
                    };
                    let from = format!("discovered from {}", c.sources.join(", "));
                    let (kind, why) = match c.kind {
                        Some(k) => (k, "declared there".to_string()),
                        None if c.path == "." => unit::detect_kind_in(facts, ".", &others),
                        None => unit::detect_kind(facts, &c.path),
                    };
                    let ucfg = config::UnitConfig {
                        name: Some(name.clone()),
                        path: Some(c.path.clone()),
                        owner: c.owner.clone(),
                        ..Default::default()
                    };
                    (
                        Unit {
                            name,
                            path: c.path,
                            kind,
                            kind_source: format!("{from}; kind: {why}"),
                            tier: None,
                            owner: c.owner,
                        },
                        ucfg,
                    )
                })
                .collect();
        }
    }
    let entries: Vec<config::UnitConfig> = if config.units.is_empty() {
        vec![config.service.clone().unwrap_or_default()]
    } else {
        config.units.clone()
    };
    entries
        .into_iter()
        .map(|u| {
            let path = u
                .path
                .clone()
                .map(|p| p.trim_matches('/').to_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| ".".to_string());
            let (detected, why) = unit::detect_kind(facts, &path);
            let (kind, kind_source) =
                match u.kind.as_deref().and_then(|k| k.parse::<UnitKind>().ok()) {
                    Some(k) => (k, "config".to_string()),
                    None => (detected, why),
                };
            let name = u
                .name
                .clone()
                .unwrap_or_else(|| default_name(&facts.root, &path));
            (
                Unit {
                    name,
                    path,
                    kind,
                    kind_source,
                    tier: u.tier,
                    owner: u.owner.clone(),
                },
                u,
            )
        })
        .collect()
}

fn default_name(root: &Path, path: &str) -> String {
    if path != "." {
        return path.rsplit('/').next().unwrap_or(path).to_string();
    }
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "repository".into())
}

/// Outcome counts, for summaries.
pub fn count(report: &Report, outcome: Outcome) -> usize {
    report
        .units
        .iter()
        .map(|u| u.checks.iter().filter(|c| c.outcome == outcome).count())
        .sum()
}
