//! `GET /api/v1/waivers?expiring_within_days=N`: the waivers of units' latest
//! reports that expire within N days (default 30), soonest first — already
//! expired ones included, so nothing lapses unseen.

use super::bad_query;
use crate::auth::Auth;
use crate::error::Error;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct WaiversQuery {
    pub expiring_within_days: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct WaiverJson {
    pub unit_id: i64,
    pub repository: String,
    pub unit: String,
    pub report: i64,
    pub check: String,
    pub reason: String,
    pub owner: Option<String>,
    /// As the report wrote it.
    pub expires: Option<String>,
    /// The end of that day (or that time), RFC 3339.
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WaiversPage {
    pub until: String,
    pub waivers: Vec<WaiverJson>,
}

pub async fn expiring(
    State(state): State<AppState>,
    auth: Auth,
    query: Result<Query<WaiversQuery>, QueryRejection>,
) -> Result<Json<WaiversPage>, Error> {
    auth.require_read(&state)?;
    let Query(q) = query.map_err(bad_query)?;
    let days = q.expiring_within_days.unwrap_or(30);
    if !(0..=3650).contains(&days) {
        return Err(Error::BadRequest(
            "expiring_within_days must be between 0 and 3650".into(),
        ));
    }
    let limit = q.limit.unwrap_or(super::MAX_LIMIT);
    if !(1..=super::MAX_LIMIT).contains(&limit) {
        return Err(Error::BadRequest(format!(
            "limit must be between 1 and {}",
            super::MAX_LIMIT
        )));
    }
    let until = crate::time::now() + days * crate::retention::DAY;
    let rows = state.store.waivers_expiring(until, limit).await?;
    Ok(Json(WaiversPage {
        until: crate::time::rfc3339(until),
        waivers: rows
            .into_iter()
            .map(|w| WaiverJson {
                unit_id: w.unit_id,
                repository: w.repository,
                unit: w.unit,
                report: w.report_id,
                check: w.check_id,
                reason: w.reason,
                owner: w.owner,
                expires: w.expires,
                expires_at: w.expires_at.map(crate::time::rfc3339),
            })
            .collect(),
    }))
}
