//! `GET /api/v1/checks/{area}/{name}`: one check across the fleet — its outcomes
//! in every unit's latest report, and which units fail it (or error on it) since when.

use super::bad_query;
use super::units::UnitJson;
use crate::auth::Auth;
use crate::campaigns::all_units;
use crate::error::Error;
use crate::state::AppState;
use crate::store::UnitFilter;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde::Serialize;
use shipshape_model::Area;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

#[derive(Debug, Serialize)]
pub struct CheckMeta {
    pub id: String,
    pub title: Option<String>,
    pub area: String,
    pub severity: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FailingUnit {
    pub unit: UnitJson,
    pub outcome: String,
    /// The first report of the unbroken run of failing reports that ends in the latest.
    pub since: String,
    pub since_report: i64,
    /// The first findings of the latest report's result (file, line, message).
    pub findings: Vec<FindingJson>,
}

#[derive(Debug, Serialize)]
pub struct FindingJson {
    pub file: Option<String>,
    pub line: Option<i64>,
    pub message: String,
}

/// Findings shown per failing unit.
const FINDINGS_PER_UNIT: i64 = 20;

#[derive(Debug, Serialize)]
pub struct CheckJson {
    pub check: CheckMeta,
    /// Units per outcome in their latest reports (`pass`, `fail`, `warn`, `n/a`, `waived`, `error`).
    pub outcomes: BTreeMap<String, i64>,
    /// Longest failing first.
    pub failing: Vec<FailingUnit>,
}

pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<CheckJson>, Error> {
    auth.require_read(&state)?;
    let Path((area, name)) = path.map_err(bad_query)?;
    if !Area::from_str(&area).is_ok_and(|a| a.as_str() == area) {
        return Err(Error::NotFound(format!(
            "{area:?} is not an area; check ids are area/name with area one of {}",
            Area::ALL.map(Area::as_str).join(", ")
        )));
    }
    let id = format!("{area}/{name}");
    let info = state.store.check_info(id.clone()).await?;
    let outcomes: BTreeMap<String, i64> = state
        .store
        .check_outcome_counts(id.clone())
        .await?
        .into_iter()
        .collect();
    if info.is_none() && outcomes.is_empty() {
        return Err(Error::NotFound(format!(
            "no stored report carries the check {id:?}"
        )));
    }
    let failures = state.store.check_failures(id.clone()).await?;
    let mut failing = Vec::with_capacity(failures.len());
    if !failures.is_empty() {
        let mut findings: HashMap<i64, Vec<FindingJson>> = HashMap::new();
        for f in state
            .store
            .latest_findings(
                id.clone(),
                failures.iter().map(|f| f.unit_id).collect(),
                FINDINGS_PER_UNIT,
            )
            .await?
        {
            findings.entry(f.unit_id).or_default().push(FindingJson {
                file: f.path,
                line: f.line,
                message: f.message,
            });
        }
        let units: HashMap<i64, _> = all_units(state.store.as_ref(), UnitFilter::default())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        for f in failures {
            if let Some(u) = units.get(&f.unit_id) {
                failing.push(FailingUnit {
                    unit: u.clone().into(),
                    outcome: f.outcome,
                    since: crate::time::rfc3339(f.since),
                    since_report: f.since_report,
                    findings: findings.remove(&f.unit_id).unwrap_or_default(),
                });
            }
        }
    }
    Ok(Json(CheckJson {
        check: CheckMeta {
            id,
            title: info.as_ref().map(|i| i.title.clone()),
            area,
            severity: info.map(|i| i.severity),
        },
        outcomes,
        failing,
    }))
}
