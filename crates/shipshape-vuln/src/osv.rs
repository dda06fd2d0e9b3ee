//! OSV records as published (the subset we read) and their conversion into the compact
//! [`Advisory`] the store keeps.
//!
//! Conversion keeps only what matching and reporting need: id, aliases, summary, modified,
//! severity (computed once here), the informational kind (RustSec "unmaintained", "unsound",
//! "notice") and, per affected package in a supported ecosystem, its normalised name, its
//! `SEMVER`/`ECOSYSTEM` ranges and its explicit `versions`. `GIT` ranges are dropped (they
//! name commits, not releases).

use crate::cvss;
use crate::lockfile::Ecosystem;
use serde::{Deserialize, Serialize};
use shipshape_model::Severity;

#[derive(Deserialize)]
pub(crate) struct OsvRecord {
    pub(crate) id: String,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Option<Vec<OsvSeverity>>,
    #[serde(default)]
    affected: Option<Vec<OsvAffected>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct OsvAffected {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(default)]
    severity: Option<Vec<OsvSeverity>>,
    #[serde(default)]
    ranges: Option<Vec<OsvRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<OsvEvent>,
}

#[derive(Deserialize)]
struct OsvEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// How bad an advisory is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeverityInfo {
    /// The CVSS vector the score came from (`None` when only a label was published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_vector: Option<String>,
    /// The CVSS base score (`None` when only a label was published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_score: Option<f64>,
    /// critical / high / medium / low (info for a 0.0 score).
    pub label: Severity,
    /// True when the score is the approximation used for CVSS 4.0 vectors (see [`cvss`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

/// Which ordering an OSV range uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    #[serde(rename = "S")]
    SemVer,
    #[serde(rename = "E")]
    Ecosystem,
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    #[serde(rename = "i")]
    Introduced(String),
    #[serde(rename = "f")]
    Fixed(String),
    #[serde(rename = "l")]
    LastAffected(String),
    #[serde(rename = "x")]
    Limit(String),
}

/// A range of affected versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "t")]
    pub kind: RangeKind,
    #[serde(rename = "e")]
    pub events: Vec<Event>,
}

/// One affected package of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    #[serde(rename = "eco")]
    pub ecosystem: Ecosystem,
    /// Normalised with [`Ecosystem::normalize_name`].
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// The explicit `versions` list, joined by single spaces (versions never contain
    /// whitespace): one string instead of hundreds keeps loading the store fast.
    /// Iterate with [`Affected::versions`].
    #[serde(default, rename = "versions", skip_serializing_if = "String::is_empty")]
    pub versions_joined: String,
}

impl Affected {
    /// The explicit affected versions.
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.versions_joined.split(' ').filter(|v| !v.is_empty())
    }
}

/// The compact form of an OSV record kept in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityInfo>,
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`): not a vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    pub affected: Vec<Affected>,
}

/// Why a record was not kept.
pub(crate) enum Skip {
    Withdrawn,
    NoSupportedPackage,
}

fn severity_from(list: &[OsvSeverity]) -> Option<SeverityInfo> {
    // Prefer v3 (exact) over v4 (approximate).
    let mut best: Option<SeverityInfo> = None;
    for s in list {
        if !s.kind.starts_with("CVSS_V3") && !s.kind.starts_with("CVSS_V4") {
            continue;
        }
        let Some(score) = cvss::base_score(&s.score) else {
            continue;
        };
        let info = SeverityInfo {
            cvss_vector: Some(s.score.trim().to_string()),
            base_score: Some(score.base_score),
            label: cvss::label_for_score(score.base_score),
            approximate: score.approximate,
        };
        if best
            .as_ref()
            .is_none_or(|b| b.approximate && !info.approximate)
        {
            best = Some(info);
        }
    }
    best
}

fn label_from(db: Option<&serde_json::Value>) -> Option<SeverityInfo> {
    let label = db?.get("severity")?.as_str()?;
    let label = match label.to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "moderate" | "medium" => Severity::Medium,
        "low" => Severity::Low,
        _ => return None,
    };
    Some(SeverityInfo {
        cvss_vector: None,
        base_score: None,
        label,
        approximate: false,
    })
}

fn summary_of(summary: Option<String>, details: Option<&str>) -> String {
    let s = summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            details
                .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let s = s.trim();
    if s.chars().count() > 200 {
        let cut: String = s.chars().take(199).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

impl OsvRecord {
    /// Convert to the stored form; `Err(Skip)` for withdrawn records and records that affect
    /// no package of a supported ecosystem.
    pub(crate) fn into_advisory(self) -> Result<Advisory, Skip> {
        if self.withdrawn.as_deref().is_some_and(|w| !w.is_empty()) {
            return Err(Skip::Withdrawn);
        }
        let mut severity = self.severity.as_deref().and_then(severity_from);
        let mut informational = None;
        let mut affected = Vec::new();
        for a in self.affected.unwrap_or_default() {
            let Some(pkg) = &a.package else { continue };
            let Some(eco) = Ecosystem::from_osv(&pkg.ecosystem) else {
                continue;
            };
            if severity.is_none() {
                severity = a.severity.as_deref().and_then(severity_from);
            }
            if informational.is_none() {
                informational = a
                    .database_specific
                    .as_ref()
                    .and_then(|d| d.get("informational"))
                    .and_then(|i| i.as_str())
                    .map(str::to_string);
            }
            let ranges = a
                .ranges
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    let kind = match r.kind.as_str() {
                        "SEMVER" => RangeKind::SemVer,
                        "ECOSYSTEM" => RangeKind::Ecosystem,
                        _ => return None,
                    };
                    let events = r
                        .events
                        .into_iter()
                        .filter_map(|e| {
                            e.introduced
                                .map(Event::Introduced)
                                .or(e.fixed.map(Event::Fixed))
                                .or(e.last_affected.map(Event::LastAffected))
                                .or(e.limit.map(Event::Limit))
                        })
                        .collect();
                    Some(Range { kind, events })
                })
                .collect();
            affected.push(Affected {
                ecosystem: eco,
                name: eco.normalize_name(&pkg.name),
                ranges,
                versions_joined: a
                    .versions
                    .unwrap_or_default()
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace))
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        if affected.is_empty() {
            return Err(Skip::NoSupportedPackage);
        }
        if severity.is_none() {
            severity = label_from(self.database_specific.as_ref());
        }
        Ok(Advisory {
            summary: summary_of(self.summary, self.details.as_deref()),
            id: self.id,
            aliases: self.aliases.unwrap_or_default(),
            modified: self.modified.unwrap_or_default(),
            severity,
            informational,
            affected,
        })
    }
}
