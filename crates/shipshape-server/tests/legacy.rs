//! Migration 5 converts the check results a schema-4 (or older) server stored —
//! rows of check id, outcome and severity — into body-less legacy fragments: the
//! fleet, team and check views read them as before, on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use shipshape_server::auth::Scope;
use shipshape_server::store::{self, Store};
use shipshape_server::{AppState, Config, app, tokens};
use std::sync::Arc;
use tower::ServiceExt;

mod support;
use support::fresh_postgres;

/// What a schema-3 server wrote for one upload (ids far above the new ones).
const LEGACY: &[&str] = &[
    "INSERT INTO repositories (id, name, created_at) VALUES (1000, 'acme/old', 0)",
    "INSERT INTO units (id, repository_id, path, name, kind, latest_report_id, level, score, owner, tier) \
     VALUES (1000, 1000, '.', 'old', 'service', 1000, 'bronze', 50.0, '@acme/old', 2)",
    "INSERT INTO reports (id, repository_id, digest, commit_sha, git_ref, received_at, command, generated_at, body, body_size) \
     VALUES (1000, 1000, 'd', 'c', 'main', 0, 'scan', '2026-01-01T00:00:00Z', '', 0)",
    "INSERT INTO unit_reports (report_id, unit_id, level, score) VALUES (1000, 1000, 'bronze', 50.0)",
    "INSERT INTO check_results (report_id, unit_id, check_id, outcome, severity) VALUES \
     (1000, 1000, 'observability/health-endpoint', 'fail', 'high'), \
     (1000, 1000, 'security/secrets-in-repo', 'pass', 'critical')",
];

async fn get(store: Arc<dyn Store>, token: &str, uri: &str) -> Value {
    let res = app(AppState::new(store, Config::default()))
        .oneshot(
            Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn check(store: Arc<dyn Store>) {
    let now = shipshape_server::time::now();
    assert_eq!(
        store.check_outcomes(1000, 1000).await.unwrap(),
        vec![
            (
                "observability/health-endpoint".to_string(),
                "fail".to_string()
            ),
            ("security/secrets-in-repo".to_string(), "pass".to_string()),
        ]
    );
    let reader = tokens::create(store.as_ref(), "r", Scope::Read, None, None, "t", now)
        .await
        .unwrap()
        .token;
    let v = get(
        store.clone(),
        &reader,
        "/api/v1/checks/observability/health-endpoint",
    )
    .await;
    assert_eq!(v["failing"][0]["unit"]["repository"], "acme/old", "{v}");
    assert_eq!(v["failing"][0]["since_report"], 1000);
    assert_eq!(v["check"]["area"], "observability");
    let v = get(store.clone(), &reader, "/api/v1/teams/@acme/old").await;
    assert_eq!(
        v["holding_back"][0]["check"], "observability/health-endpoint",
        "{v}"
    );
}

#[tokio::test]
async fn legacy_results_survive_migration_5_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let s = store::SqliteStore::open(&path).await.unwrap();
    s.undo_to(3).await.unwrap();
    drop(s);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in LEGACY {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    check(
        store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn legacy_results_survive_migration_5_on_postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let s = store::PgStore::connect(&url).await.unwrap();
    s.undo_to(3).await.unwrap();
    drop(s);
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for sql in LEGACY {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    check(store::open(&url).await.unwrap()).await;
}
