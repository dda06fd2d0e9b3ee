//! `GET /api/v1/units` (the fleet, latest level and score per unit; filters by
//! repository, owner, tier and level) and
//! `GET /api/v1/units/{id}/reports` (one unit's history, newest first).

use super::{PageQuery, bad_query, next_cursor};
use crate::auth::Auth;
use crate::error::Error;
use crate::state::AppState;
use crate::store::{ReportSummary, UnitFilter, UnitRow};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct UnitsQuery {
    pub repository: Option<String>,
    /// The team owning the unit, as its report names it (e.g. `@acme/payments`).
    pub owner: Option<String>,
    pub tier: Option<String>,
    /// `gold`, `silver`, `bronze` or `none`.
    pub level: Option<String>,
    // Not `#[serde(flatten)] PageQuery`: flattening loses the numbers of a query string.
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitJson {
    pub id: i64,
    pub repository: String,
    /// The unit's path in its repository (`.` for the whole repository).
    pub unit: String,
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub latest_report: Option<i64>,
}

impl From<UnitRow> for UnitJson {
    fn from(u: UnitRow) -> Self {
        UnitJson {
            id: u.id,
            repository: u.repository,
            unit: u.path,
            name: u.name,
            kind: u.kind,
            owner: u.owner,
            tier: u.tier,
            level: u.level,
            score: u.score,
            latest_report: u.latest_report_id,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct UnitsPage {
    pub units: Vec<UnitJson>,
    pub next_cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    query: Result<Query<UnitsQuery>, QueryRejection>,
) -> Result<Json<UnitsPage>, Error> {
    auth.require_read(&state)?;
    let Query(q) = query.map_err(bad_query)?;
    let filter = filter_of(&q)?;
    let page = PageQuery {
        cursor: q.cursor,
        limit: q.limit,
    }
    .page()?;
    let rows = state.store.units(filter, page).await?;
    let next = next_cursor(rows.iter().map(|u| u.id), rows.len(), &page);
    Ok(Json(UnitsPage {
        units: rows.into_iter().map(UnitJson::from).collect(),
        next_cursor: next,
    }))
}

/// The filters of a units query, checked.
fn filter_of(q: &UnitsQuery) -> Result<UnitFilter, Error> {
    let tier = match q.tier.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            t.parse::<i64>()
                .ok()
                .filter(|t| (1..=3).contains(t))
                .ok_or_else(|| Error::BadRequest(format!("tier must be 1, 2 or 3, not {t:?}")))?,
        ),
    };
    let level = match q.level.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(l @ ("gold" | "silver" | "bronze" | "none")) => Some(l.to_string()),
        Some(l) => {
            return Err(Error::BadRequest(format!(
                "level must be gold, silver, bronze or none, not {l:?}"
            )));
        }
    };
    let filter = UnitFilter {
        repository: q.repository.clone().filter(|r| !r.is_empty()),
        owner: q.owner.clone().filter(|o| !o.is_empty()),
        tier,
        level,
    };
    Ok(filter)
}

/// `GET /api/v1/units.csv`: the whole fleet table (same filters) as CSV, for
/// spreadsheets. Cells that a spreadsheet would run as a formula are prefixed with `'`.
pub async fn csv(
    State(state): State<AppState>,
    auth: Auth,
    query: Result<Query<UnitsQuery>, QueryRejection>,
) -> Result<axum::response::Response, Error> {
    use axum::response::IntoResponse;
    auth.require_read(&state)?;
    let Query(q) = query.map_err(bad_query)?;
    let filter = filter_of(&q)?;
    let mut out =
        String::from("id,repository,unit,name,kind,owner,tier,level,score,latest_report\r\n");
    let mut cursor = None;
    loop {
        let page = crate::store::Page {
            cursor,
            limit: super::MAX_LIMIT,
        };
        let rows = state.store.units(filter.clone(), page).await?;
        for u in &rows {
            let cells = [
                u.id.to_string(),
                u.repository.clone(),
                u.path.clone(),
                u.name.clone(),
                u.kind.clone(),
                u.owner.clone().unwrap_or_default(),
                u.tier.map(|t| t.to_string()).unwrap_or_default(),
                u.level.clone().unwrap_or_default(),
                u.score.map(|s| s.to_string()).unwrap_or_default(),
                u.latest_report_id
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        if (rows.len() as i64) < page.limit {
            break;
        }
        cursor = rows.last().map(|u| u.id);
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"shipshape-units.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// One CSV cell (RFC 4180 quoting), defused against spreadsheet formulas.
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[derive(Debug, Serialize)]
pub struct ReportSummaryJson {
    pub id: i64,
    pub commit: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: String,
    pub level: Option<String>,
    pub score: Option<f64>,
}

impl From<ReportSummary> for ReportSummaryJson {
    fn from(r: ReportSummary) -> Self {
        ReportSummaryJson {
            id: r.id,
            commit: r.commit,
            git_ref: r.git_ref,
            ci_run_url: r.ci_run_url,
            received_at: crate::time::rfc3339(r.received_at),
            level: r.level,
            score: r.score,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct UnitReportsPage {
    pub unit: UnitJson,
    pub reports: Vec<ReportSummaryJson>,
    pub next_cursor: Option<String>,
}

pub async fn reports(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<UnitReportsPage>, Error> {
    auth.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    let Query(q) = query.map_err(bad_query)?;
    let page = q.page()?;
    let unit = state
        .store
        .unit(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no unit {id}")))?;
    let rows = state.store.unit_reports(id, page).await?;
    let next = next_cursor(rows.iter().map(|r| r.id), rows.len(), &page);
    Ok(Json(UnitReportsPage {
        unit: unit.into(),
        reports: rows.into_iter().map(ReportSummaryJson::from).collect(),
        next_cursor: next,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_are_quoted_and_defused() {
        use super::csv_cell;
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("@acme/payments"), "'@acme/payments");
        assert_eq!(csv_cell("-1"), "'-1");
    }
}
