//! The SARIF 2.1.0 reporter, shaped for GitHub code scanning.
//!
//! Own serde structs for the subset of SARIF that code scanning reads (the
//! `serde-sarif` crate pulls syn 1 and schemafy). Tests validate the output
//! against the OASIS schema.
//!
//! Choices that GitHub's ingestion forces (see `docs/output-formats.md`):
//! - every result has a location with `physicalLocation.artifactLocation.uri`,
//!   or GitHub rejects the whole file ("expected at least one location"). A
//!   finding without a location (an absence, such as "no CI definition") points
//!   at its unit's directory (`.` for a whole-repository unit); GitHub accepts
//!   a relative URI that names no file and shows the alert without a snippet;
//! - probe findings point at the probed URL (path of the request appended);
//! - `partialFingerprints["shipshapeFingerprint/v1"]` carries the finding's
//!   fingerprint, so alerts survive line shifts.

use crate::common::catalog_index;
use crate::{Format, RenderError};
use serde::Serialize;
use shipshape_model::{
    Area, CheckInfo, CheckResult, DiagnosticLevel, Finding, Outcome, Report, Severity, UnitReport,
};
use std::collections::BTreeMap;

/// The `$schema` URI written into every SARIF file.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key under which a finding's fingerprint is written.
pub const FINGERPRINT_KEY: &str = "shipshapeFingerprint/v1";

const INFORMATION_URI: &str = "https://github.com/shipshape-dev/shipshape";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    #[serde(rename = "shipshape/severity")]
    severity: Severity,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_rule: Option<RuleReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptor: Option<Descriptor>,
}

#[derive(Serialize)]
struct RuleReference {
    id: String,
    index: usize,
}

#[derive(Serialize)]
struct Descriptor {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<SarifArtifactChange>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    #[serde(rename = "shipshape/applicability")]
    applicability: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<SarifReplacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement {
    deleted_region: DeletedRegion,
    inserted_content: InsertedContent,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    char_offset: usize,
    char_length: usize,
}

#[derive(Serialize)]
struct InsertedContent {
    text: String,
}

/// One change a fix proposes, for SARIF's `fixes` (built by `shipshape fix`, which owns
/// the fixes; the reporter only renders it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixChange {
    /// The check whose results the fix answers.
    pub check_id: String,
    /// The unit it was proposed for.
    pub unit: String,
    /// What it does (SARIF `fix.description`).
    pub description: String,
    /// `safe` or `review`.
    pub applicability: String,
    /// One entry per file, in order.
    pub files: Vec<FileChange>,
}

/// The replacements of one file (repository-relative, `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub replacements: Vec<Replacement>,
}

/// Text `deleted` (a region of the file as the scan read it; empty for an insertion)
/// replaced by `inserted`, positions in the run's `unicodeCodePoints` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Characters (code points) before the region, and in it.
    pub char_offset: usize,
    pub char_length: usize,
    pub inserted: String,
}

impl Replacement {
    /// The replacement of bytes `start..end` of `text` (the file's content; `""` for a
    /// file to create) by `inserted`. Offsets past the text or inside a character are
    /// clamped back to the character before.
    pub fn in_text(text: &str, start: usize, end: usize, inserted: impl Into<String>) -> Self {
        let floor = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (start, end) = (floor(start), floor(end.max(start)));
        let position = |at: usize| -> (u32, u32) {
            let before = &text[..at];
            let line = before.matches('\n').count() as u32 + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (line, before[line_start..].chars().count() as u32 + 1)
        };
        let (start_line, start_column) = position(start);
        let (end_line, end_column) = position(end);
        Replacement {
            start_line,
            start_column,
            end_line,
            end_column,
            char_offset: text[..start].chars().count(),
            char_length: text[start..end].chars().count(),
            inserted: inserted.into(),
        }
    }
}

fn sarif_fix(f: &FixChange) -> SarifFix {
    SarifFix {
        description: Text {
            text: f.description.clone(),
        },
        artifact_changes: f
            .files
            .iter()
            .map(|c| SarifArtifactChange {
                artifact_location: ArtifactLocation {
                    uri: encode_path(&c.path),
                    uri_base_id: Some("%SRCROOT%"),
                },
                replacements: c
                    .replacements
                    .iter()
                    .map(|r| SarifReplacement {
                        deleted_region: DeletedRegion {
                            start_line: r.start_line,
                            start_column: r.start_column,
                            end_line: r.end_line,
                            end_column: r.end_column,
                            char_offset: r.char_offset,
                            char_length: r.char_length,
                        },
                        inserted_content: InsertedContent {
                            text: r.inserted.clone(),
                        },
                    })
                    .collect(),
            })
            .collect(),
        properties: FixProperties {
            applicability: f.applicability.clone(),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(rename = "shipshape/unit")]
    unit: String,
    #[serde(rename = "shipshape/outcome")]
    outcome: Outcome,
    #[serde(rename = "shipshape/severity")]
    severity: Severity,
}

#[derive(Serialize)]
struct RunProperties {
    #[serde(rename = "shipshape/command")]
    command: String,
    #[serde(rename = "shipshape/target")]
    target: String,
    #[serde(rename = "shipshape/gatePassed")]
    gate_passed: bool,
}

/// SARIF level for a severity: critical/high → error, medium → warning, low/info → note.
pub(crate) fn severity_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The level of a result: from its severity, at most `warning` for a warning.
pub(crate) fn result_level(severity: Severity, outcome: Outcome) -> &'static str {
    let level = severity_level(severity);
    if outcome == Outcome::Warn && level == "error" {
        "warning"
    } else {
        level
    }
}

/// GitHub's `security-severity` score for a security check (0.1–10, higher is worse).
fn security_severity(area: Area, severity: Severity) -> Option<&'static str> {
    if area != Area::Security {
        return None;
    }
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

/// `observability/health-endpoint` → `HealthEndpoint` (SARIF's `name` is an identifier).
fn rule_name(id: &str) -> String {
    let last = id.rsplit('/').next().unwrap_or(id);
    last.split(['-', '_', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_from_info(info: &CheckInfo) -> Rule {
    let mut markdown = String::new();
    if !info.evaluation.is_empty() {
        markdown.push_str(&format!(
            "**How it is evaluated**\n\n{}\n\n",
            info.evaluation
        ));
    }
    markdown.push_str(&format!("**How to fix**\n\n{}\n", info.remediation));
    if !info.references.is_empty() {
        markdown.push_str("\n**References**\n\n");
        for r in &info.references {
            markdown.push_str(&format!("- {r}\n"));
        }
    }
    let mut text = String::new();
    if !info.evaluation.is_empty() {
        text.push_str(&format!("How it is evaluated: {}\n\n", info.evaluation));
    }
    text.push_str(&format!("How to fix: {}", info.remediation));
    Rule {
        id: info.id.clone(),
        name: rule_name(&info.id),
        short_description: Text {
            text: info.title.clone(),
        },
        full_description: Text {
            text: if info.rationale.is_empty() {
                info.title.clone()
            } else {
                info.rationale.clone()
            },
        },
        help: Help { text, markdown },
        help_uri: info
            .references
            .iter()
            .find(|r| r.starts_with("https://") || r.starts_with("http://"))
            .cloned(),
        default_configuration: Configuration {
            level: severity_level(info.severity),
        },
        properties: RuleProperties {
            tags: vec![info.area.as_str().to_string(), "shipshape".to_string()],
            security_severity: security_severity(info.area, info.severity),
            severity: info.severity,
        },
    }
}

/// A rule for a check the catalog does not describe (e.g. a custom policy),
/// built from what its result carries.
fn rule_from_result(check: &CheckResult) -> Rule {
    rule_from_info(&CheckInfo {
        id: check.id.clone(),
        title: check.title.clone(),
        area: check.area,
        severity: check.severity,
        applies_to: String::new(),
        rationale: String::new(),
        evaluation: String::new(),
        remediation: check.remediation.clone(),
        references: Vec::new(),
    })
}

/// Percent-encode a repository path for a URI reference, keeping `/` and the
/// characters RFC 3986 allows unescaped in a path segment.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // A leading `x:` would read as a URI scheme; `./` keeps it a relative path.
    if let Some(colon) = out.find(':')
        && !out[..colon].contains('/')
    {
        out.insert_str(0, "./");
    }
    out
}

/// The probed URL with a request's path appended: `GET /healthz` on
/// `https://svc.example/` → `https://svc.example/healthz`.
fn probe_uri(target: &str, request: &str) -> String {
    let path = request.split_once(' ').map_or(request, |(_, p)| p).trim();
    if !path.starts_with('/') {
        return target.to_string();
    }
    let base = match target.find("://") {
        Some(scheme_end) => {
            let after = scheme_end + 3;
            match target[after..].find('/') {
                Some(slash) => &target[..after + slash],
                None => target,
            }
        }
        None => target.trim_end_matches('/'),
    };
    let mut uri = String::from(base);
    for c in path.chars() {
        if c.is_ascii_graphic() && c != '"' && c != '<' && c != '>' && c != '\\' {
            uri.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                uri.push_str(&format!("%{b:02X}"));
            }
        }
    }
    uri
}

fn location_for(report: &Report, unit: &UnitReport, finding: Option<&Finding>) -> SarifLocation {
    let loc = finding.and_then(|f| f.location.as_ref());
    let (uri, base, region) = if crate::common::is_probe(report) {
        let uri = match loc {
            Some(l) => probe_uri(&report.target, &l.path),
            None => report.target.clone(),
        };
        (uri, None, None)
    } else {
        match loc {
            Some(l) if !l.path.is_empty() => {
                let region = l.line.filter(|&n| n >= 1).map(|start_line| Region {
                    start_line,
                    start_column: l.column.filter(|&c| c >= 1),
                    snippet: finding
                        .and_then(|f| f.snippet.as_ref())
                        .map(|s| Text { text: s.clone() }),
                });
                (encode_path(&l.path), Some("%SRCROOT%"), region)
            }
            _ => (encode_path(&unit.unit.path), Some("%SRCROOT%"), None),
        }
    };
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri,
                uri_base_id: base,
            },
            region,
        },
    }
}

/// Fingerprint of a finding for `partialFingerprints` (see
/// [`crate::common::issue_fingerprint`]): without the unit's path GitHub would merge
/// the alerts of different units into one.
fn fingerprint(check: &CheckResult, unit: &UnitReport, finding: Option<&Finding>) -> String {
    crate::common::issue_fingerprint(check, unit, finding)
}

/// Render the report as SARIF 2.1.0 (pretty JSON with a trailing newline).
pub fn render_sarif(report: &Report, catalog: &[CheckInfo]) -> Result<String, RenderError> {
    render_sarif_with_fixes(report, catalog, &[], &[])
}

/// [`render_sarif`], with each fix attached as SARIF `fixes` to one result of its check
/// and unit (a repository-wide check's results whatever the unit): the result at a line
/// the fix replaces, else the nearest above its first change in a file it changes, else
/// one whose message names a file it changes, else the first; and `notes` (what the
/// fixes leave out) as tool notifications.
pub fn render_sarif_with_fixes(
    report: &Report,
    catalog: &[CheckInfo],
    fixes: &[FixChange],
    notes: &[String],
) -> Result<String, RenderError> {
    let index = catalog_index(catalog);

    // Rules: catalog order for the checks the report contains, then checks the catalog lacks.
    let mut present: Vec<&CheckResult> = Vec::new();
    for unit in &report.units {
        for check in &unit.checks {
            if !present.iter().any(|c| c.id == check.id) {
                present.push(check);
            }
        }
    }
    let mut rules: Vec<Rule> = catalog
        .iter()
        .filter(|info| present.iter().any(|c| c.id == info.id))
        .map(rule_from_info)
        .collect();
    for check in &present {
        if !index.contains_key(check.id.as_str()) {
            rules.push(rule_from_result(check));
        }
    }
    let rule_index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();

    let many_units = report.units.len() > 1;
    let mut results = Vec::new();
    // (check, unit, repository scope, location path) of each result, to attach fixes.
    type Key<'k> = (&'k str, &'k str, bool, Option<(&'k str, Option<u32>)>);
    let mut keys: Vec<Key> = Vec::new();
    let mut notifications = Vec::new();
    // A repository-scope check carries the same verdict in every unit: one result.
    let mut repository_done: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for unit in &report.units {
        for check in &unit.checks {
            if check.scope == shipshape_model::Scope::Repository
                && !repository_done.insert(check.id.as_str())
            {
                continue;
            }
            let Some(&idx) = rule_index.get(check.id.as_str()) else {
                continue; // unreachable: every present check got a rule above
            };
            let effective = match (check.outcome, &check.waiver) {
                (Outcome::Fail | Outcome::Warn, _) => check.outcome,
                (Outcome::Waived, Some(w)) => w.original,
                (Outcome::Waived, None) => Outcome::Fail,
                (Outcome::Error, _) => {
                    notifications.push(Notification {
                        level: "error",
                        message: Text {
                            text: format!(
                                "{} could not decide on {}: {}",
                                check.id, unit.unit.name, check.summary
                            ),
                        },
                        associated_rule: Some(RuleReference {
                            id: check.id.clone(),
                            index: idx,
                        }),
                        descriptor: None,
                    });
                    continue;
                }
                (Outcome::Pass | Outcome::NotApplicable, _) => continue,
            };
            let level = result_level(check.severity, effective);
            let suppressions = match (check.outcome, &check.waiver) {
                (Outcome::Waived, Some(w)) => vec![Suppression {
                    kind: "external",
                    justification: crate::common::waiver_text(w),
                }],
                (Outcome::Waived, None) => vec![Suppression {
                    kind: "external",
                    justification: "waived".to_string(),
                }],
                _ => Vec::new(),
            };
            let findings: Vec<Option<&Finding>> = if check.findings.is_empty() {
                vec![None]
            } else {
                check.findings.iter().map(Some).collect()
            };
            for finding in findings {
                let mut text = match finding {
                    Some(f) => f.message.clone(),
                    None if check.summary.is_empty() => check.title.clone(),
                    None => check.summary.clone(),
                };
                if many_units {
                    text = format!("[{}] {text}", unit.unit.name);
                }
                if crate::common::is_probe(report)
                    && let Some(l) = finding.and_then(|f| f.location.as_ref())
                {
                    text = format!("{text} ({l})");
                }
                keys.push((
                    check.id.as_str(),
                    unit.unit.name.as_str(),
                    check.scope == shipshape_model::Scope::Repository,
                    finding
                        .and_then(|f| f.location.as_ref())
                        .map(|l| (l.path.as_str(), l.line)),
                ));
                results.push(SarifResult {
                    rule_id: check.id.clone(),
                    rule_index: idx,
                    level,
                    message: Text { text },
                    locations: vec![location_for(report, unit, finding)],
                    partial_fingerprints: BTreeMap::from([(
                        FINGERPRINT_KEY,
                        fingerprint(check, unit, finding),
                    )]),
                    suppressions: suppressions
                        .iter()
                        .map(|s| Suppression {
                            kind: s.kind,
                            justification: s.justification.clone(),
                        })
                        .collect(),
                    baseline_state: check.baselined.then_some("unchanged"),
                    fixes: Vec::new(),
                    properties: ResultProperties {
                        unit: unit.unit.name.clone(),
                        outcome: check.outcome,
                        severity: check.severity,
                    },
                });
            }
        }
    }
    for f in fixes {
        let of_fix: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, (id, unit, repo, _))| *id == f.check_id && (*repo || *unit == f.unit))
            .map(|(i, _)| i)
            .collect();
        // The result at a line the fix replaces; else the nearest result above its first
        // change in a file it changes (a key added at the end of the block a finding
        // points at); else one whose message names a file it changes (`built from
        // web/Dockerfile`); else the first.
        let at_line = |i: &usize| {
            keys[*i].3.is_some_and(|(p, line)| {
                f.files.iter().any(|c| {
                    c.path == p
                        && c.replacements
                            .iter()
                            .any(|r| line.is_some_and(|l| (r.start_line..=r.end_line).contains(&l)))
                })
            })
        };
        let above = || {
            let mut best: Option<(usize, u32)> = None;
            for &i in &of_fix {
                let Some((p, Some(line))) = keys[i].3 else {
                    continue;
                };
                let Some(first) = f
                    .files
                    .iter()
                    .find(|c| c.path == p)
                    .and_then(|c| c.replacements.iter().map(|r| r.start_line).min())
                else {
                    continue;
                };
                if line <= first && best.is_none_or(|(_, l)| line > l) {
                    best = Some((i, line));
                }
            }
            best.map(|(i, _)| i)
        };
        let named = |i: &usize| {
            f.files
                .iter()
                .any(|c| results[*i].message.text.contains(c.path.as_str()))
        };
        let at = of_fix
            .iter()
            .copied()
            .find(at_line)
            .or_else(above)
            .or_else(|| of_fix.iter().copied().find(named))
            .or_else(|| of_fix.first().copied());
        if let Some(i) = at {
            results[i].fixes.push(sarif_fix(f));
        }
    }
    for n in notes {
        notifications.push(Notification {
            level: "note",
            message: Text { text: n.clone() },
            associated_rule: None,
            descriptor: Some(Descriptor {
                id: "fix-note".to_string(),
            }),
        });
    }
    for d in &report.diagnostics {
        let mut text = d.message.clone();
        if let Some(path) = &d.path {
            text = format!("{text} ({path})");
        }
        notifications.push(Notification {
            level: match d.level {
                DiagnosticLevel::Warning => "warning",
                DiagnosticLevel::Note => "note",
            },
            message: Text { text },
            associated_rule: None,
            descriptor: Some(Descriptor { id: d.code.clone() }),
        });
    }

    let log = Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "shipshape",
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            automation_details: AutomationDetails {
                id: format!("shipshape/{}/", report.command),
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                command: report.command.clone(),
                target: report.target.clone(),
                gate_passed: report.gate.passed,
            },
        }],
    };
    crate::json::pretty(&log, Format::Sarif)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity_and_warn_caps_at_warning() {
        assert_eq!(result_level(Severity::Critical, Outcome::Fail), "error");
        assert_eq!(result_level(Severity::High, Outcome::Fail), "error");
        assert_eq!(result_level(Severity::Medium, Outcome::Fail), "warning");
        assert_eq!(result_level(Severity::Low, Outcome::Fail), "note");
        assert_eq!(result_level(Severity::Info, Outcome::Fail), "note");
        assert_eq!(result_level(Severity::Critical, Outcome::Warn), "warning");
        assert_eq!(result_level(Severity::Low, Outcome::Warn), "note");
    }

    #[test]
    fn replacement_regions_count_lines_and_code_points() {
        let text = "a: 1\nbé: 2\n";
        let r = Replacement::in_text(text, 5, 9, "x");
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (2, 1, 2, 4)
        );
        assert_eq!((r.char_offset, r.char_length), (5, 3));
        let end = Replacement::in_text(text, text.len(), text.len(), "c: 3\n");
        assert_eq!(
            (end.start_line, end.start_column, end.char_length),
            (3, 1, 0)
        );
        let new = Replacement::in_text("", 0, 0, "new file\n");
        assert_eq!(
            (new.start_line, new.start_column, new.end_column),
            (1, 1, 1)
        );
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(rule_name("observability/health-endpoint"), "HealthEndpoint");
        assert_eq!(rule_name("x"), "X");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("src/a b#c.rs"), "src/a%20b%23c.rs");
        assert_eq!(encode_path("docs/é.md"), "docs/%C3%A9.md");
        assert_eq!(encode_path("c:odd"), "./c:odd");
        assert_eq!(encode_path("."), ".");
    }

    #[test]
    fn probe_requests_become_urls() {
        assert_eq!(
            probe_uri("https://svc.example/", "GET /healthz"),
            "https://svc.example/healthz"
        );
        assert_eq!(
            probe_uri("https://svc.example/app/x", "GET /metrics?a=b c"),
            "https://svc.example/metrics?a=b%20c"
        );
        assert_eq!(
            probe_uri("https://svc.example", "TLS handshake"),
            "https://svc.example"
        );
    }
}
