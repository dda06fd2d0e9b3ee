//! `/api/v1/campaigns`: admins create, replace and delete campaigns; readers
//! list them with their progress, and read one with the units still short of the
//! target (the checks blocking each, and its owner) and its daily history.

use super::bad_query;
use super::units::UnitJson;
use crate::auth::Auth;
use crate::campaigns::{self, Blocking, CampaignInput, FilterInput, Progress, TargetInput};
use crate::error::Error;
use crate::state::AppState;
use crate::store::{AuditEntry, CampaignRow};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;

/// Largest campaign body.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Serialize)]
pub struct ProgressJson {
    pub units_in_scope: i64,
    pub units_meeting: i64,
    /// Share of the units in scope that meet the target, 0–100 (100 when none are in scope).
    pub percent: f64,
    /// Only on `GET /api/v1/campaigns/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units_short: Option<Vec<ShortJson>>,
}

#[derive(Debug, Serialize)]
pub struct ShortJson {
    pub unit: UnitJson,
    pub blocking: Vec<Blocking>,
}

#[derive(Debug, Serialize)]
pub struct SnapshotJson {
    pub day: String,
    pub units_in_scope: i64,
    pub units_meeting: i64,
}

#[derive(Debug, Serialize)]
pub struct CampaignJson {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub target: TargetInput,
    pub filter: FilterInput,
    pub deadline: Option<String>,
    /// The deadline as a time (a date means the end of that day, UTC).
    pub deadline_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub progress: ProgressJson,
    /// Daily snapshots, oldest first; only on `GET /api/v1/campaigns/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<SnapshotJson>>,
}

fn render(
    c: CampaignRow,
    p: Progress,
    detailed: bool,
    history: Option<Vec<SnapshotJson>>,
) -> CampaignJson {
    let percent = if p.in_scope == 0 {
        100.0
    } else {
        (1000.0 * p.meeting as f64 / p.in_scope as f64).round() / 10.0
    };
    CampaignJson {
        id: c.id,
        name: c.spec.name,
        description: c.spec.description,
        target: TargetInput {
            level: c.spec.target_level,
            checks: c.spec.target_checks,
        },
        filter: FilterInput {
            tier: c.spec.filter_tier,
            team: c.spec.filter_team,
            area: c.spec.filter_area,
            repository: c.spec.filter_repository,
        },
        deadline: c.spec.deadline,
        deadline_at: c.spec.deadline_at.map(crate::time::rfc3339),
        created_by: c.created_by,
        created_at: crate::time::rfc3339(c.created_at),
        updated_at: crate::time::rfc3339(c.updated_at),
        progress: ProgressJson {
            units_in_scope: p.in_scope,
            units_meeting: p.meeting,
            percent,
            units_short: detailed.then(|| {
                p.short
                    .into_iter()
                    .map(|s| ShortJson {
                        unit: s.unit.into(),
                        blocking: s.blocking,
                    })
                    .collect()
            }),
        },
        history,
    }
}

#[derive(Debug, Serialize)]
pub struct CampaignsJson {
    pub campaigns: Vec<CampaignJson>,
}

pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<CampaignsJson>, Error> {
    auth.require_read(&state)?;
    let mut out = Vec::new();
    for c in state.store.campaigns().await? {
        let p = campaigns::progress(state.store.as_ref(), &c.spec).await?;
        out.push(render(c, p, false, None));
    }
    Ok(Json(CampaignsJson { campaigns: out }))
}

pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<CampaignJson>, Error> {
    auth.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    Ok(Json(detail(&state, id).await?))
}

async fn detail(state: &AppState, id: i64) -> Result<CampaignJson, Error> {
    let c = campaigns::find(state.store.as_ref(), id).await?;
    let p = campaigns::progress(state.store.as_ref(), &c.spec).await?;
    let history = state
        .store
        .campaign_snapshots(id)
        .await?
        .into_iter()
        .map(|s| SnapshotJson {
            day: s.day,
            units_in_scope: s.in_scope,
            units_meeting: s.meeting,
        })
        .collect();
    Ok(render(c, p, true, Some(history)))
}

/// A JSON body problem as a clear 4xx (the parser's message names line and column).
fn bad_body(e: JsonRejection) -> Error {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge { limit: BODY_LIMIT },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::BadRequest(
            "send the campaign as JSON with Content-Type: application/json".into(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            Error::Unprocessable(format!("the body is not a campaign: {}", e.body_text()))
        }
        _ => Error::BadRequest(format!("the body is not valid JSON: {}", e.body_text())),
    }
}

fn audit(p: &crate::auth::Principal, action: &str, detail: String) -> AuditEntry {
    AuditEntry {
        at: crate::time::now(),
        token_id: Some(p.token_id),
        actor: p.actor(),
        action: action.into(),
        subject: String::new(),
        detail,
    }
}

fn describe(spec: &crate::store::CampaignSpec) -> String {
    format!(
        "name={:?} target={} tier={:?} team={:?} area={:?} repository={:?} deadline={:?}",
        spec.name,
        match (&spec.target_level, &spec.target_checks) {
            (Some(l), _) => format!("level:{l}"),
            (None, Some(c)) => format!("checks:{}", c.join(",")),
            (None, None) => "none".into(),
        },
        spec.filter_tier,
        spec.filter_team,
        spec.filter_area,
        spec.filter_repository,
        spec.deadline
    )
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    body: Result<Json<CampaignInput>, JsonRejection>,
) -> Result<(StatusCode, Json<CampaignJson>), Error> {
    let p = auth.require_admin("creating a campaign")?;
    let Json(input) = body.map_err(bad_body)?;
    let spec = input.validate()?;
    let entry = audit(p, "campaign.create", describe(&spec));
    let id = state
        .store
        .create_campaign(spec, p.actor(), entry.at, entry)
        .await?;
    Ok((StatusCode::CREATED, Json(detail(&state, id).await?)))
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<CampaignInput>, JsonRejection>,
) -> Result<Json<CampaignJson>, Error> {
    let p = auth.require_admin("changing a campaign")?;
    let Path(id) = id.map_err(bad_query)?;
    let Json(input) = body.map_err(bad_body)?;
    let spec = input.validate()?;
    let entry = audit(p, "campaign.update", describe(&spec));
    if !state
        .store
        .update_campaign(id, spec, entry.at, entry)
        .await?
    {
        return Err(Error::NotFound(format!("no campaign {id}")));
    }
    Ok(Json(detail(&state, id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, Error> {
    let p = auth.require_admin("deleting a campaign")?;
    let Path(id) = id.map_err(bad_query)?;
    let existing = campaigns::find(state.store.as_ref(), id).await?;
    let entry = audit(p, "campaign.delete", describe(&existing.spec));
    if !state.store.delete_campaign(id, entry).await? {
        return Err(Error::NotFound(format!("no campaign {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}
