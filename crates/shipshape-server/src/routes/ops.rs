//! Operations endpoints (the dashboard now answers `/`): `/healthz` (the process answers), `/readyz` (database
//! reachable and migrations current), `/metrics` (Prometheus), `/api/openapi.json`.

use crate::error::Error;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.readiness().await {
        Ok(r) if r.current() => Json(json!({
            "status": "ready",
            "database": state.store.backend(),
            "migration": r.applied,
        }))
        .into_response(),
        Ok(r) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "not ready",
                "database": state.store.backend(),
                "reason": format!(
                    "migrations not current: database at {:?}, this server needs {}",
                    r.applied, r.expected
                ),
            })),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "not ready",
                    "database": state.store.backend(),
                    "reason": "database unreachable",
                })),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Result<Response, Error> {
    let body = state
        .metrics
        .encode(state.store.pool_stats())
        .map_err(|e| Error::Internal(format!("encoding metrics: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// The OpenAPI 3.1 description of this API (`src/openapi.json`, checked by a test
/// against the routes).
pub const OPENAPI: &str = include_str!("../openapi.json");

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn not_found() -> Error {
    Error::NotFound("no such route".into())
}
