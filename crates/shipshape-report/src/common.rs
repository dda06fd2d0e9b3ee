//! Small read-only views over a report shared by several reporters: score
//! formatting, the "top fixes" ranking, level verdicts and waiver wording.
//! Nothing here changes a verdict; it only orders and words what is there.

use shipshape_model::{
    CheckInfo, CheckResult, Level, Outcome, Report, Scope, UnitReport, WaiverNote,
};
use std::collections::HashMap;

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
