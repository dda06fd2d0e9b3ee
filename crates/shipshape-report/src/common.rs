//! Small read-only views over a report shared by several reporters: score
//! formatting, the "top fixes" ranking, level verdicts and waiver wording.
//! Nothing here changes a verdict; it only orders and words what is there.

use shipshape_model::{
    CheckInfo, CheckResult, Finding, Level, Outcome, Report, Scope, UnitReport, WaiverNote,
};
use std::collections::{HashMap, HashSet};

/// How many findings a human-facing format lists under one check before "and N more".
pub(crate) const MAX_FINDINGS: usize = 5;

/// How many checks "Top fixes" lists.
pub(crate) const MAX_TOP_FIXES: usize = 5;

/// A score as shown to people: one decimal, or `n/a` when nothing was scored.
pub(crate) fn fmt_score(score: Option<f64>) -> String {
    match score {
        Some(s) if s.is_finite() => format!("{s:.1}"),
        _ => "n/a".to_string(),
    }
}

/// Index the catalog by check id.
pub(crate) fn catalog_index(catalog: &[CheckInfo]) -> HashMap<&str, &CheckInfo> {
    catalog.iter().map(|c| (c.id.as_str(), c)).collect()
}

/// True for a report made by `probe` (locations are requests, not files).
pub(crate) fn is_probe(report: &Report) -> bool {
    report.command == "probe"
}

/// Whether a unit reached the level its gate requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LevelVerdict {
    /// No level is required.
    NotRequired,
    Met,
    NotMet,
}

pub(crate) fn level_verdict(unit: &UnitReport) -> LevelVerdict {
    match unit.required_level {
        None => LevelVerdict::NotRequired,
        Some(required) if unit.level.is_some_and(|l| l >= required) => LevelVerdict::Met,
        Some(_) => LevelVerdict::NotMet,
    }
}

/// A level for people: `gold`, or `none` when not even bronze was reached.
pub(crate) fn level_name(level: Option<Level>) -> &'static str {
    level.map_or("none", Level::as_str)
}

/// One entry of "Top fixes".
pub(crate) struct Fix<'a> {
    pub unit: &'a UnitReport,
    pub check: &'a CheckResult,
    /// For a repository-scope check: how many units share this one verdict.
    pub shared_by: usize,
}

impl Fix<'_> {
    /// Where the fix applies, for people: the unit's name, or `the repository` for a
    /// check judged once for every unit.
    pub fn place(&self) -> String {
        if self.check.scope == Scope::Repository && self.shared_by > 1 {
            format!("the repository ({} units)", self.shared_by)
        } else if self.check.scope == Scope::Repository {
            "the repository".to_string()
        } else {
            self.unit.unit.name.clone()
        }
    }
}

/// The failing and warning checks that cost the most score points, most
/// costly first: a failure costs its severity weight, a warning half of it
/// (the same arithmetic as the scorer). Checks with no weight (info) are left
/// out; ties keep report order (unit order, then registry order). A repository-scope
/// check is one fix however many units inherit it (one workflow problem is listed once,
/// not once per unit of a monorepo).
pub(crate) fn top_fixes(report: &Report) -> Vec<Fix<'_>> {
    let mut fixes: Vec<(f64, usize, Fix<'_>)> = Vec::new();
    let mut order = 0usize;
    for unit in &report.units {
        for check in &unit.checks {
            let cost = match check.outcome {
                Outcome::Fail => check.severity.weight(),
                Outcome::Warn => check.severity.weight() / 2.0,
                _ => 0.0,
            };
            order += 1;
            if cost <= 0.0 {
                continue;
            }
            if check.scope == Scope::Repository
                && let Some((_, _, f)) = fixes
                    .iter_mut()
                    .find(|(_, _, f)| f.check.scope == Scope::Repository && f.check.id == check.id)
            {
                f.shared_by += 1;
                continue;
            }
            fixes.push((
                cost,
                order,
                Fix {
                    unit,
                    check,
                    shared_by: 1,
                },
            ));
        }
    }
    fixes.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    fixes
        .into_iter()
        .take(MAX_TOP_FIXES)
        .map(|(_, _, fix)| fix)
        .collect()
}

/// A waiver in words: `reason (owner: x; expires 2025-01-31; was fail)`.
pub(crate) fn waiver_text(w: &WaiverNote) -> String {
    let mut extra = Vec::new();
    if let Some(owner) = &w.owner {
        extra.push(format!("owner: {owner}"));
    }
    match &w.expires {
        Some(date) => extra.push(format!("expires {date}")),
        None => extra.push("no expiry".to_string()),
    }
    extra.push(format!("was {}", w.original));
    format!("{} ({})", w.reason, extra.join("; "))
}

/// A unit's description: `service, tier 1, services/api`.
pub(crate) fn unit_description(unit: &UnitReport) -> String {
    let mut parts = vec![unit.unit.kind.as_str().to_string()];
    if let Some(tier) = unit.unit.tier {
        parts.push(format!("tier {tier}"));
    }
    if let Some(owner) = &unit.unit.owner {
        parts.push(format!("owner {owner}"));
    }
    // `.` (the whole repository, or a probed service) says nothing to a reader.
    if unit.unit.path != "." {
        parts.push(unit.unit.path.clone());
    }
    parts.join(", ")
}

/// Shorten `s` to at most `max` characters, ending with `…` when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Collapse line breaks and tabs so a value stays on one output line.
pub(crate) fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Counts of each outcome across a unit, in display order.
pub(crate) fn outcome_counts(unit: &UnitReport) -> [(Outcome, usize); 6] {
    let order = [
        Outcome::Fail,
        Outcome::Error,
        Outcome::Warn,
        Outcome::Waived,
        Outcome::Pass,
        Outcome::NotApplicable,
    ];
    order.map(|o| (o, unit.checks.iter().filter(|c| c.outcome == o).count()))
}

/// One finding to annotate: a failing, warning or undecided check of a unit and one
/// of its findings (`None` for a check that failed without any), as the
/// annotation-style formats (`github`, `gitlab`) list them.
pub(crate) struct Issue<'a> {
    pub unit: &'a UnitReport,
    pub check: &'a CheckResult,
    pub finding: Option<&'a Finding>,
}

/// Every finding of every failing, warning or erroring check, in report order; a
/// repository-scope check once (the first unit that carries it). Passing, n/a and
/// waived checks are left out: a waiver is an accepted answer, not something to fix.
pub(crate) fn issues(report: &Report) -> Vec<Issue<'_>> {
    let mut out = Vec::new();
    let mut repository_done: HashSet<&str> = HashSet::new();
    for unit in &report.units {
        for check in &unit.checks {
            if !matches!(
                check.outcome,
                Outcome::Fail | Outcome::Warn | Outcome::Error
            ) {
                continue;
            }
            if check.scope == Scope::Repository && !repository_done.insert(check.id.as_str()) {
                continue;
            }
            if check.findings.is_empty() || check.outcome == Outcome::Error {
                out.push(Issue {
                    unit,
                    check,
                    finding: None,
                });
            } else {
                out.extend(check.findings.iter().map(|f| Issue {
                    unit,
                    check,
                    finding: Some(f),
                }));
            }
        }
    }
    out
}

/// A finding's path as seen from where the scan was started: the report's paths are
/// relative to the scanned directory, and an annotation needs one relative to the
/// repository's root, which is where CI starts a scan. So a relative target other
/// than `.` is put in front (`services/api` + `Dockerfile`); an absolute target is
/// left out, since nothing says where the repository starts.
pub(crate) fn path_from_start(report: &Report, path: &str) -> String {
    let target = report.target.replace('\\', "/");
    let target = target.trim_start_matches("./").trim_end_matches('/');
    let path = path.trim_start_matches("./");
    let absolute = target.starts_with('/') || target.get(1..3) == Some(":/");
    if target.is_empty() || target == "." || absolute || is_probe(report) {
        return path.to_string();
    }
    if path.is_empty() || path == "." {
        return target.to_string();
    }
    format!("{target}/{path}")
}

/// The fingerprint of an issue: the finding's own (check id + path + key, never the
/// line), or for a finding without a location the check's summary's; the unit's path
/// is added for units other than the repository root, so that the same absence in two
/// units stays two issues.
pub(crate) fn issue_fingerprint(
    check: &CheckResult,
    unit: &UnitReport,
    finding: Option<&Finding>,
) -> String {
    let base = match finding {
        Some(f) if !f.fingerprint.is_empty() => f.fingerprint.clone(),
        Some(f) => f.compute_fingerprint(&check.id),
        None => Finding::new(check.summary.clone()).compute_fingerprint(&check.id),
    };
    let located = finding.is_some_and(|f| f.location.is_some());
    if located || unit.unit.path == "." {
        base
    } else {
        format!("{base}:{}", unit.unit.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate_chars("ééééé", 5), "ééééé");
        assert_eq!(truncate_chars("éééééé", 5), "éééé…");
    }

    #[test]
    fn one_line_removes_breaks() {
        assert_eq!(one_line("a\nb\r\n\tc"), "a b c");
    }
}
