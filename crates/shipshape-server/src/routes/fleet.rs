//! `GET /api/v1/summary`: the fleet at a glance — units by level, by tier and by
//! owner (team), repositories, reports.

use crate::auth::Auth;
use crate::error::Error;
use crate::state::AppState;
use crate::store::Grouping;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Units per declared tier (`none`: no tier declared).
    pub by_tier: BTreeMap<String, i64>,
    /// Units per owner as the reports name it (`none`: no owner declared).
    pub by_owner: BTreeMap<String, i64>,
}

async fn counts(state: &AppState, by: Grouping) -> Result<BTreeMap<String, i64>, Error> {
    let mut out = BTreeMap::new();
    for (key, n) in state.store.unit_counts(by).await? {
        *out.entry(key.unwrap_or_else(|| "none".into())).or_insert(0) += n;
    }
    Ok(out)
}

pub async fn summary(State(state): State<AppState>, auth: Auth) -> Result<Json<Summary>, Error> {
    auth.require_read(&state)?;
    let mut by = ByLevel {
        gold: 0,
        silver: 0,
        bronze: 0,
        none: 0,
    };
    for (level, n) in state.store.unit_counts(Grouping::Level).await? {
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
        by_tier: counts(&state, Grouping::Tier).await?,
        by_owner: counts(&state, Grouping::Owner).await?,
    }))
}
