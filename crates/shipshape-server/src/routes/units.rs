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

#[derive(Debug, Serialize)]
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
    let page = PageQuery {
        cursor: q.cursor,
        limit: q.limit,
    }
    .page()?;
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
        repository: q.repository.filter(|r| !r.is_empty()),
        owner: q.owner.filter(|o| !o.is_empty()),
        tier,
        level,
    };
    let rows = state.store.units(filter, page).await?;
    let next = next_cursor(rows.iter().map(|u| u.id), rows.len(), &page);
    Ok(Json(UnitsPage {
        units: rows.into_iter().map(UnitJson::from).collect(),
        next_cursor: next,
    }))
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
