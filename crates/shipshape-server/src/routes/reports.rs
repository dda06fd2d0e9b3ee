//! `POST /api/v1/reports` (upload: validate, store in one transaction, answer
//! 201 with the diff, idempotent by digest) and `GET /api/v1/reports/{id}`.

use super::bad_query;
use crate::auth::Auth;
use crate::diff::{self, UnitDiff};
use crate::error::Error;
use crate::ingest::{self, UploadMeta};
use crate::state::AppState;
use crate::store::StoredReport;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub repository: Option<String>,
    pub commit: Option<String>,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub ci_run_url: Option<String>,
}

/// What an upload answers (and what a retry of the same report answers again).
#[derive(Debug, Serialize)]
pub struct UploadResponse {
    pub id: i64,
    /// False when the same report had already been stored: nothing was written.
    pub created: bool,
    pub repository: String,
    pub commit: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub digest: String,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub diff: DiffJson,
}

#[derive(Debug, Serialize)]
pub struct DiffJson {
    /// One entry per unit of the report, against that unit's previous report on the same ref.
    pub units: Vec<UnitDiff>,
}

pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    query: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadResponse>), Error> {
    let result = upload_inner(&state, auth, query, headers, body).await;
    state.metrics.upload(match &result {
        Ok(r) if r.created => "created",
        Ok(_) => "duplicate",
        Err(_) => "rejected",
    });
    if let Err(e) = &result {
        tracing::info!(status = e.status().as_u16(), reason = %e, "upload refused");
    }
    result.map(|r| (StatusCode::CREATED, Json(r)))
}

async fn upload_inner(
    state: &AppState,
    auth: Auth,
    query: Result<Query<UploadQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<UploadResponse, Error> {
    let Query(q) = query.map_err(bad_query)?;
    let repository = q.repository.unwrap_or_default();
    if repository.trim().is_empty() {
        return Err(Error::BadRequest(
            "the query parameter repository is required (POST /api/v1/reports?repository=NAME&commit=SHA&ref=REF)".into(),
        ));
    }
    let principal = auth.require_upload(&repository)?.clone();
    let limit = state.config.body_limit;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Error::TooLarge { limit });
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        let inner = e.into_inner();
        if inner
            .downcast_ref::<http_body_util::LengthLimitError>()
            .is_some()
        {
            Error::TooLarge { limit }
        } else {
            Error::BadRequest(format!("the body could not be read: {inner}"))
        }
    })?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("unreadable").to_string());
    let meta = UploadMeta {
        repository,
        commit: q.commit.unwrap_or_default(),
        git_ref: q.git_ref.unwrap_or_default(),
        ci_run_url: q.ci_run_url.filter(|u| !u.is_empty()),
        token_id: Some(principal.token_id),
        actor: principal.actor(),
        received_at: crate::time::now(),
    };
    // Decompression, parsing, hashing and compression are CPU work: off the async workers.
    let new = tokio::task::spawn_blocking(move || {
        let json = ingest::decode(&bytes, encoding.as_deref(), limit)?;
        ingest::prepare(&json, meta)
    })
    .await
    .map_err(|e| Error::Internal(format!("upload worker: {e}")))??;
    let mut new = new;
    new.default_branch =
        crate::webhooks::is_default_branch(&new.git_ref, &state.config.default_branches);
    let answer = UploadResponse {
        id: 0,
        created: true,
        repository: new.repository.clone(),
        commit: new.commit.clone(),
        git_ref: new.git_ref.clone(),
        digest: new.digest.clone(),
        level: new.level.clone(),
        score: new.score,
        diff: DiffJson { units: Vec::new() },
    };
    let ingested = state.store.ingest(new).await?;
    if let Some(units) = ingested.diff {
        // Stored now: the answer comes from the data in hand.
        return Ok(UploadResponse {
            id: ingested.report_id,
            diff: DiffJson { units },
            ..answer
        });
    }
    // Stored before (a retry): the stored report and its diff, as first answered.
    let stored = state
        .store
        .report(ingested.report_id)
        .await?
        .ok_or_else(|| Error::Internal(format!("report {} vanished", ingested.report_id)))?;
    let units = diff::of_report(state.store.as_ref(), stored.id).await?;
    Ok(UploadResponse {
        id: stored.id,
        created: false,
        repository: stored.repository,
        commit: stored.commit,
        git_ref: stored.git_ref,
        digest: stored.digest,
        level: stored.level,
        score: stored.score,
        diff: DiffJson { units },
    })
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub against: Option<String>,
}

/// `GET /api/v1/reports/{id}/diff?against=OTHER`: report `id` compared with any
/// other stored report (without `against`: with each unit's previous report on
/// the same ref, as the upload answered).
pub async fn diff_between(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, Error> {
    auth.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    let Query(q) = query.map_err(bad_query)?;
    let exists = |id: i64| {
        let store = state.store.clone();
        async move {
            store
                .report(id)
                .await?
                .map(|_| ())
                .ok_or_else(|| Error::NotFound(format!("no report {id}")))
        }
    };
    exists(id).await?;
    match q.against.as_deref().filter(|a| !a.is_empty()) {
        None => {
            let units = diff::of_report(state.store.as_ref(), id).await?;
            Ok(Json(serde_json::json!({ "to": id, "units": units })))
        }
        Some(a) => {
            let from: i64 = a.parse().map_err(|_| {
                Error::BadRequest(format!("against must be a report id, not {a:?}"))
            })?;
            exists(from).await?;
            let d = diff::between(state.store.as_ref(), from, id).await?;
            serde_json::to_value(d)
                .map(Json)
                .map_err(|e| Error::Internal(e.to_string()))
        }
    }
}

/// A stored report: where it came from, and the report itself as uploaded.
#[derive(Debug, Serialize)]
pub struct ReportJson {
    pub id: i64,
    pub repository: String,
    pub commit: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: String,
    pub digest: String,
    pub command: String,
    pub level: Option<String>,
    pub score: Option<f64>,
    /// Size of the report's JSON, and what it takes in the database.
    pub size: i64,
    pub stored_size: usize,
    pub diff: DiffJson,
    pub report: serde_json::Value,
}

pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ReportJson>, Error> {
    auth.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    let stored: StoredReport = state
        .store
        .report(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no report {id}")))?;
    let units = diff::of_report(state.store.as_ref(), id).await?;
    let stored_size = stored.body.len();
    let report = restore(&state, &stored).await?;
    Ok(Json(ReportJson {
        id: stored.id,
        repository: stored.repository,
        commit: stored.commit,
        git_ref: stored.git_ref,
        ci_run_url: stored.ci_run_url,
        received_at: crate::time::rfc3339(stored.received_at),
        digest: stored.digest,
        command: stored.command,
        level: stored.level,
        score: stored.score,
        size: stored.body_size,
        stored_size,
        diff: DiffJson { units },
        report,
    }))
}

/// A stored report's canonical JSON: the body itself, or its skeleton with the
/// fragments put back.
pub async fn restore(state: &AppState, stored: &StoredReport) -> Result<serde_json::Value, Error> {
    let body = ingest::inflate(&stored.body)?;
    if stored.body_format != crate::store::BODY_FRAGMENTS {
        return Ok(body);
    }
    let ids = ingest::fragment_ids(&body);
    let mut fragments = std::collections::HashMap::with_capacity(ids.len());
    for (id, b) in state.store.fragment_bodies(ids).await? {
        let b = b.ok_or_else(|| Error::Internal(format!("fragment {id} has no body")))?;
        fragments.insert(id, b);
    }
    ingest::restore(body, &fragments)
}
