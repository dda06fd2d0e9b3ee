//! Glue to the secret and vulnerability scanners: build them from the config,
//! and turn their results into the evidence checks read.

use crate::config::Config;
use shipshape_checks::{SecretEvidence, VulnEvidence};
use shipshape_facts::{Facts, FileKind};
use shipshape_model::{Diagnostic, DiagnosticLevel};
use shipshape_secrets::{Engine, SecretMatch};
use std::path::Path;

/// The secret engine with the config's custom rules and allowlisted paths.
pub fn secret_engine(config: &Config) -> Result<Engine, String> {
    Engine::new(&config.secrets.rules, &config.secrets.allow_paths).map_err(|e| {
        let file = config
            .source
            .as_ref()
            .map_or("shipshape.toml".to_string(), |p| p.display().to_string());
        format!("{file}: [secrets]: {e}")
    })
}

pub(crate) fn secret_evidence(m: &SecretMatch) -> SecretEvidence {
    SecretEvidence {
        path: m.path.clone(),
        line: m.line,
        rule: m.rule_id.clone(),
        description: m.description.clone(),
        redacted: m.redacted.clone(),
        fingerprint: m.fingerprint.clone(),
        commit: None,
        date: None,
        provider_format: shipshape_secrets::rules::provider_issued(&m.rule_id, m.class),
        commented: shipshape_checks::is_comment_line(&m.snippet),
    }
}

/// Drop matches recorded in the secrets baseline file (`[secrets] baseline`).
pub(crate) fn apply_secret_baseline(
    config: &Config,
    root: &Path,
    matches: &mut Vec<SecretMatch>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(rel) = &config.secrets.baseline else {
        return;
    };
    let path = root.join(rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "secrets-baseline-unreadable".into(),
                message: format!(
                    "{}: {e}; create it with `shipshape secrets baseline`",
                    path.display()
                ),
                path: Some(rel.clone()),
            });
            return;
        }
    };
    match shipshape_secrets::Baseline::from_json(&text, rel) {
        Ok(b) => {
            let all = std::mem::take(matches);
            *matches = b.filter(all);
        }
        Err(e) => diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "secrets-baseline-invalid".into(),
            message: e.to_string(),
            path: Some(rel.clone()),
        }),
    }
}

/// A history match as evidence: the match, and the commit and date it first appeared in.
pub(crate) fn history_evidence(h: &shipshape_secrets::HistoryMatch) -> SecretEvidence {
    SecretEvidence {
        commit: Some(h.commit.clone()),
        date: Some(h.author_date.clone()),
        ..secret_evidence(&h.secret)
    }
}

/// Scan history; errors become a diagnostic and an empty result is not claimed.
pub(crate) fn history(
    engine: &Engine,
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SecretEvidence> {
    match shipshape_secrets::scan_history(root, engine, &|_, _| {}) {
        Ok(found) => found.iter().map(history_evidence).collect(),
        Err(e) => {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "history-unreadable".into(),
                message: format!("git history could not be scanned: {e}"),
                path: None,
            });
            Vec::new()
        }
    }
}

/// Open the advisory database: an explicit directory, else the default cache dir.
/// `Ok(None)` when none exists.
pub fn open_advisory_db(
    dir: Option<&Path>,
) -> Result<Option<(shipshape_vuln::AdvisoryDb, std::path::PathBuf)>, String> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => match shipshape_vuln::default_dir() {
            Ok(d) => d,
            Err(_) => return Ok(None),
        },
    };
    if !dir.join(shipshape_vuln::STORE_FILE).exists() {
        return Ok(None);
    }
    shipshape_vuln::AdvisoryDb::load(&dir)
        .map(|db| Some((db, dir.clone())))
        .map_err(|e| format!("advisory database {}: {e}", dir.display()))
}

/// Parse every lockfile of the tree (parse errors become diagnostics).
pub fn lockfiles(
    facts: &Facts,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<shipshape_vuln::Lockfile> {
    let go_sums: Vec<&str> = facts
        .files
        .iter()
        .filter(|f| f.path.ends_with("go.sum"))
        .map(|f| f.path.as_str())
        .collect();
    let mut out = Vec::new();
    for f in &facts.files {
        if !matches!(f.kind, FileKind::Lockfile(_) | FileKind::Manifest(_)) {
            continue;
        }
        let Some(kind) = shipshape_vuln::detect(&f.path) else {
            continue;
        };
        let Some(text) = facts.text(&f.path) else {
            if f.unread && f.size > 0 {
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    code: "lockfile-unread".into(),
                    message: format!(
                        "{}: not read (too large or unreadable); its dependencies were not checked",
                        f.path
                    ),
                    path: Some(f.path.clone()),
                });
            }
            continue;
        };
        match shipshape_vuln::parse(kind, &f.path, text) {
            Ok(mut l) => {
                if f.path.ends_with("go.mod") {
                    let sum = format!("{}go.sum", f.path.strip_suffix("go.mod").unwrap_or(""));
                    shipshape_vuln::note_go_sum(&mut l, go_sums.contains(&sum.as_str()));
                }
                out.push(l);
            }
            Err(e) => diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "lockfile-unparsable".into(),
                message: e.to_string(),
                path: Some(f.path.clone()),
            }),
        }
    }
    out
}

/// Match the tree's lockfiles against the advisory database.
/// `None` when there is no database.
pub(crate) fn vulnerabilities(
    facts: &Facts,
    db_dir: Option<&Path>,
    config: &Config,
    now: i64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Vec<VulnEvidence>, Option<i64>, usize)> {
    let (db, dir) = match open_advisory_db(db_dir) {
        Ok(Some(x)) => x,
        Ok(None) => return None,
        Err(e) => {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "advisory-db-unreadable".into(),
                message: format!("{e}; run `shipshape db import` again"),
                path: None,
            });
            return None;
        }
    };
    let now_u = u64::try_from(now).unwrap_or(0);
    let status = db.status(now_u);
    let max_age = config.vulns.max_age_days.unwrap_or(7);
    if db.is_stale(max_age, now_u) {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "advisory-db-stale".into(),
            message: format!(
                "the advisory database in {} is {:.0} days old (limit {max_age}): run `shipshape db update`",
                dir.display(),
                status.age_days
            ),
            path: None,
        });
    }
    let locks = lockfiles(facts, diagnostics);
    let mut found = Vec::new();
    for l in &locks {
        // Informational advisories (unmaintained, unsound, notices) are not vulnerabilities.
        for m in db
            .matches_lockfile(l)
            .into_iter()
            .filter(|m| m.informational.is_none())
        {
            found.push(VulnEvidence {
                lockfile: m.lockfile_path.clone(),
                line: m.package.line,
                ecosystem: m.package.ecosystem.osv_name().to_string(),
                package: m.package.name.clone(),
                version: m.package.version.clone(),
                advisory: m.advisory_id.clone(),
                aliases: m.aliases.clone(),
                summary: m.summary.clone(),
                severity: m.severity.as_ref().map(|s| s.label.to_string()),
                fixed: m.fixed.clone(),
            });
        }
    }
    Some((found, Some(status.age_days as i64), locks.len()))
}

/// End-of-life data older than this (days) gets a warning.
const EOL_STALE_DAYS: i64 = 180;

/// Load the end-of-life data (`eol.json`) from the database directory: an explicit one,
/// else the default cache dir. `None` when none is imported; an unreadable file becomes
/// a warning (and the check that needs it says there is no data).
pub(crate) fn eol_data(
    db_dir: Option<&Path>,
    now: i64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<shipshape_model::EolData> {
    let dir = match db_dir {
        Some(d) => d.to_path_buf(),
        None => shipshape_vuln::default_dir().ok()?,
    };
    match shipshape_vuln::eol::load(&dir) {
        Ok(Some(data)) => {
            // Old data still dates the releases it lists, but misses newer ones and
            // end dates announced since.
            let age_days =
                now.saturating_sub(i64::try_from(data.imported_at).unwrap_or(0)) / 86_400;
            if age_days > EOL_STALE_DAYS {
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    code: "eol-data-stale".into(),
                    message: format!(
                        "the end-of-life data in {} is {age_days} days old (limit {EOL_STALE_DAYS}): run `shipshape db import-eol` on a current checkout of github.com/endoflife-date/endoflife.date",
                        dir.display()
                    ),
                    path: None,
                });
            }
            Some(data)
        }
        Ok(None) => None,
        Err(e) => {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "eol-data-unreadable".into(),
                message: e.to_string(),
                path: None,
            });
            None
        }
    }
}
