//! The diff between two reports of one unit: new failures, fixed checks, level
//! and score change. Pure functions over stored check outcomes, plus the loader
//! that finds "the previous report of the same unit on the same ref".

use crate::store::{Store, StoreResult};
use serde::Serialize;
use shipshape_model::Level;
use std::collections::BTreeMap;

/// One unit's change since its previous report on the same ref.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDiff {
    pub unit_id: i64,
    pub unit: String,
    /// The report compared with; `None` for the unit's first report on this ref.
    pub previous_report: Option<i64>,
    /// Checks that fail now and did not fail before (or did not exist).
    pub new_failures: Vec<String>,
    /// Checks that failed before and no longer fail (and still exist).
    pub fixed: Vec<String>,
    pub level_before: Option<String>,
    pub level_after: Option<String>,
    /// `up`, `down` or `same`.
    pub level_change: &'static str,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
}

/// A failing outcome, for diffs: `fail` and `error` (which never satisfies a level).
fn failing(outcome: &str) -> bool {
    outcome == "fail" || outcome == "error"
}

/// New failures and fixes between two sets of `(check id, outcome)`.
pub fn compare(
    before: &[(String, String)],
    after: &[(String, String)],
) -> (Vec<String>, Vec<String>) {
    let before: BTreeMap<&str, &str> = before
        .iter()
        .map(|(c, o)| (c.as_str(), o.as_str()))
        .collect();
    let after: BTreeMap<&str, &str> = after
        .iter()
        .map(|(c, o)| (c.as_str(), o.as_str()))
        .collect();
    let new_failures = after
        .iter()
        .filter(|(id, o)| failing(o) && !before.get(*id).is_some_and(|b| failing(b)))
        .map(|(id, _)| id.to_string())
        .collect();
    let fixed = before
        .iter()
        .filter(|(id, o)| failing(o) && after.get(*id).is_some_and(|a| !failing(a)))
        .map(|(id, _)| id.to_string())
        .collect();
    (new_failures, fixed)
}

/// `up`, `down` or `same`; no level ranks below bronze.
pub fn level_change(before: Option<&str>, after: Option<&str>) -> &'static str {
    let rank = |l: Option<&str>| l.and_then(|l| l.parse::<Level>().ok());
    match rank(after).cmp(&rank(before)) {
        std::cmp::Ordering::Greater => "up",
        std::cmp::Ordering::Less => "down",
        std::cmp::Ordering::Equal => "same",
    }
}

/// The diff of every unit of a stored report against the unit's previous report
/// on the same ref. Depends only on reports older than `report_id`, so an
/// idempotent re-upload gets the same answer.
pub async fn of_report(store: &dyn Store, report_id: i64) -> StoreResult<Vec<UnitDiff>> {
    let mut out = Vec::new();
    for unit in store.report_units(report_id).await? {
        let after = store.check_outcomes(report_id, unit.unit_id).await?;
        let previous = store
            .previous_unit_report(unit.unit_id, unit.git_ref.clone(), report_id)
            .await?;
        let before = match &previous {
            Some(p) => store.check_outcomes(p.report_id, unit.unit_id).await?,
            None => Vec::new(),
        };
        out.push(against(
            unit.unit_id,
            unit.path,
            (unit.level, unit.score),
            previous,
            &before,
            &after,
        ));
    }
    // By path in byte order, as the upload answers (not the database's collation).
    out.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(out)
}

/// One unit's diff from an upload's data in hand: its checks, and its previous report
/// on the same ref with that report's outcomes (`None` and none: the first). The same
/// answer [`of_report`] computes from the stored rows.
pub fn of_upload(
    unit_id: i64,
    unit: &crate::store::NewUnitReport,
    previous: Option<crate::store::PreviousUnitReport>,
    before: &[(String, String)],
) -> UnitDiff {
    let after: Vec<(String, String)> = unit
        .checks
        .iter()
        .map(|c| (c.check_id.clone(), c.outcome.clone()))
        .collect();
    against(
        unit_id,
        unit.path.clone(),
        (unit.level.clone(), unit.score),
        previous,
        before,
        &after,
    )
}

/// A unit's diff: its outcomes, level and score now against its previous report's
/// (`before` is empty without one, so every failure is new and nothing is fixed).
fn against(
    unit_id: i64,
    path: String,
    (level_after, score_after): (Option<String>, Option<f64>),
    previous: Option<crate::store::PreviousUnitReport>,
    before: &[(String, String)],
    after: &[(String, String)],
) -> UnitDiff {
    let (new_failures, fixed) = compare(before, after);
    let level_change = match &previous {
        Some(p) => level_change(p.level.as_deref(), level_after.as_deref()),
        None => "same",
    };
    UnitDiff {
        unit_id,
        unit: path,
        previous_report: previous.as_ref().map(|p| p.report_id),
        level_change,
        new_failures,
        fixed,
        level_before: previous.as_ref().and_then(|p| p.level.clone()),
        level_after,
        score_before: previous.and_then(|p| p.score),
        score_after,
    }
}

/// Two stored reports compared: each unit of `to` against the same unit in `from`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportsDiff {
    pub from: i64,
    pub to: i64,
    /// Units of `to`; `previous_report` is `null` for a unit absent from `from`.
    pub units: Vec<UnitDiff>,
    /// Paths of the units of `from` that `to` no longer has.
    pub units_removed: Vec<String>,
}

/// The diff between any two stored reports (usually of one repository).
pub async fn between(store: &dyn Store, from: i64, to: i64) -> StoreResult<ReportsDiff> {
    let before = store.report_units(from).await?;
    let after = store.report_units(to).await?;
    let mut units = Vec::new();
    for unit in &after {
        let now = store.check_outcomes(to, unit.unit_id).await?;
        let old = before.iter().find(|b| b.unit_id == unit.unit_id);
        let then = match old {
            Some(_) => store.check_outcomes(from, unit.unit_id).await?,
            None => Vec::new(),
        };
        let (new_failures, fixed) = compare(&then, &now);
        units.push(UnitDiff {
            unit_id: unit.unit_id,
            unit: unit.path.clone(),
            previous_report: old.map(|_| from),
            new_failures,
            fixed,
            level_before: old.and_then(|o| o.level.clone()),
            level_after: unit.level.clone(),
            level_change: match old {
                Some(o) => level_change(o.level.as_deref(), unit.level.as_deref()),
                None => "same",
            },
            score_before: old.and_then(|o| o.score),
            score_after: unit.score,
        });
    }
    let units_removed = before
        .iter()
        .filter(|b| !after.iter().any(|a| a.unit_id == b.unit_id))
        .map(|b| b.path.clone())
        .collect();
    Ok(ReportsDiff {
        from,
        to,
        units,
        units_removed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn new_failures_and_fixes() {
        let before = set(&[
            ("a", "fail"),
            ("b", "pass"),
            ("c", "fail"),
            ("gone", "fail"),
        ]);
        let after = set(&[
            ("a", "pass"),
            ("b", "fail"),
            ("c", "fail"),
            ("new", "error"),
        ]);
        let (n, f) = compare(&before, &after);
        assert_eq!(n, vec!["b", "new"]);
        assert_eq!(f, vec!["a"]);
    }

    #[test]
    fn level_changes() {
        assert_eq!(level_change(Some("bronze"), Some("silver")), "up");
        assert_eq!(level_change(Some("gold"), None), "down");
        assert_eq!(level_change(None, None), "same");
        assert_eq!(level_change(None, Some("bronze")), "up");
    }
}
