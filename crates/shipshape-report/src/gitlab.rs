//! The GitLab reporter: a Code Quality report (the subset of the Code Climate
//! issue format GitLab reads), for `artifacts: reports: codequality:`. GitLab
//! shows its entries in the merge request widget, and compares the report of a
//! merge request with the target branch's by `fingerprint`, so that only new
//! findings are called new.
//!
//! Every entry has the fields GitLab requires: `description`, `check_name` (the
//! check id), `fingerprint` (stable: the finding's fingerprint, never the line;
//! made unique within the file), `severity` and `location.path` +
//! `location.lines.begin`. Severity: critical → `blocker`, high → `critical`,
//! medium → `major`, low → `minor`, info → `info`; a warning one step lower; a check
//! that could not decide is `info`. A finding without a place points at its unit's
//! directory, line 1; paths are relative to where the scan started (see
//! `path_from_start`) and never start with `./`, as GitLab asks.

use crate::common::{Issue, is_probe, issue_fingerprint, issues, one_line, path_from_start};
use crate::{Format, RenderError};
use serde::Serialize;
use shipshape_model::{CheckInfo, Outcome, Report, Severity};
use std::collections::HashSet;

#[derive(Serialize)]
struct Entry {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

const SCALE: [&str; 5] = ["info", "minor", "major", "critical", "blocker"];

/// GitLab's severity for a verdict: the check's severity on GitLab's scale, one step
/// lower for a warning, `info` for a check that could not decide.
fn severity(severity: Severity, outcome: Outcome) -> &'static str {
    let rank: usize = match severity {
        Severity::Critical => 4,
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Info => 0,
    };
    let rank = match outcome {
        Outcome::Warn => rank.saturating_sub(1),
        Outcome::Error => 0,
        _ => rank,
    };
    SCALE[rank]
}

fn entry(report: &Report, many_units: bool, issue: &Issue<'_>) -> Entry {
    let check = issue.check;
    let mut description = String::new();
    if many_units {
        description.push_str(&format!("[{}] ", issue.unit.unit.name));
    }
    match (check.outcome, issue.finding) {
        (Outcome::Error, _) => {
            description.push_str(&format!("{} could not decide: {}", check.id, check.summary))
        }
        (_, Some(f)) => description.push_str(&f.message),
        (_, None) if check.summary.is_empty() => description.push_str(&check.title),
        (_, None) => description.push_str(&check.summary),
    }
    let located = issue
        .finding
        .and_then(|f| f.location.as_ref())
        .filter(|l| !l.path.is_empty());
    let (path, line) = match located {
        Some(l) if is_probe(report) => {
            description.push_str(&format!(" ({l})"));
            (issue.unit.unit.path.clone(), 1)
        }
        Some(l) => (
            path_from_start(report, &l.path),
            l.line.filter(|&n| n >= 1).unwrap_or(1),
        ),
        None => (path_from_start(report, &issue.unit.unit.path), 1),
    };
    Entry {
        description: one_line(&description),
        check_name: check.id.clone(),
        fingerprint: issue_fingerprint(check, issue.unit, issue.finding),
        severity: severity(check.severity, check.outcome),
        location: Location {
            path: if path.is_empty() {
                ".".to_string()
            } else {
                path
            },
            lines: Lines { begin: line },
        },
    }
}

/// Render the report as a GitLab Code Quality report (a pretty JSON array with a
/// trailing newline; `[]` when there is nothing to fix).
pub fn render_gitlab(report: &Report, _catalog: &[CheckInfo]) -> Result<String, RenderError> {
    let many_units = report.units.len() > 1;
    let mut seen: HashSet<String> = HashSet::new();
    let entries: Vec<Entry> = issues(report)
        .iter()
        .map(|issue| {
            let mut e = entry(report, many_units, issue);
            // GitLab keys entries by fingerprint: two with the same one would show as one.
            if !seen.insert(e.fingerprint.clone()) {
                let mut n = 2;
                while !seen.insert(format!("{}:{n}", e.fingerprint)) {
                    n += 1;
                }
                e.fingerprint = format!("{}:{n}", e.fingerprint);
            }
            e
        })
        .collect();
    crate::json::pretty(&entries, Format::Gitlab)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_onto_gitlabs_scale() {
        assert_eq!(severity(Severity::Critical, Outcome::Fail), "blocker");
        assert_eq!(severity(Severity::High, Outcome::Fail), "critical");
        assert_eq!(severity(Severity::Medium, Outcome::Fail), "major");
        assert_eq!(severity(Severity::Low, Outcome::Fail), "minor");
        assert_eq!(severity(Severity::Info, Outcome::Fail), "info");
        assert_eq!(severity(Severity::Critical, Outcome::Warn), "critical");
        assert_eq!(severity(Severity::Info, Outcome::Warn), "info");
        assert_eq!(severity(Severity::Critical, Outcome::Error), "info");
    }
}
