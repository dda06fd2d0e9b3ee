//! `GET /api/v1/summary`: the fleet at a glance — units by level, repositories,
//! reports.

use crate::auth::Auth;
use crate::error::Error;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ByLevel {
    pub gold: i64,
    pub silver: i64,
    pub bronze: i64,
    /// Units below bronze (or never scored).
    pub none: i64,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub repositories: i64,
    pub units: i64,
    pub reports: i64,
    pub by_level: ByLevel,
}

pub async fn summary(State(state): State<AppState>, auth: Auth) -> Result<Json<Summary>, Error> {
    auth.require_read(&state)?;
    let mut by = ByLevel {
        gold: 0,
        silver: 0,
        bronze: 0,
        none: 0,
    };
    for (level, n) in state.store.level_counts().await? {
        match level.as_deref() {
            Some("gold") => by.gold += n,
            Some("silver") => by.silver += n,
            Some("bronze") => by.bronze += n,
            _ => by.none += n,
        }
    }
    Ok(Json(Summary {
        repositories: state.store.count_repositories().await?,
        units: by.gold + by.silver + by.bronze + by.none,
        reports: state.store.count_reports().await?,
        by_level: by,
    }))
}
