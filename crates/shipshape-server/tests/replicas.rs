//! Two replicas on one database (two stores, two apps, as two `serve` processes
//! would have) receiving uploads for the same unit at once: no report lost or
//! duplicated, the same report sent to both stored once, the unit's latest report
//! the newest. On SQLite (two stores on one file) and on PostgreSQL when
//! `SHIPSHAPE_TEST_POSTGRES_URL` is set.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shipshape_server::auth::Scope;
use shipshape_server::store::{self, Page};
use shipshape_server::{AppState, Config, app, tokens};
use std::collections::BTreeSet;
use tower::ServiceExt;

mod support;

const DISTINCT: usize = 24;
const SAME: usize = 8;

fn body(seq: usize) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan", "target": ".", "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [{"unit": {"name": "api", "path": ".", "kind": "service", "kind_source": "t"},
                   "scores": {"overall": seq as f64, "areas": {}}, "level": null,
                   "checks": [{"id": "observability/x", "title": "t", "area": "observability",
                               "severity": "high", "outcome": "fail", "summary": "s", "remediation": "r"}]}],
        "gate": {"passed": true},
        "stats": {"files_seen": seq, "bytes_read": 0, "files_skipped": 0, "duration_ms": 0}
    }))
    .unwrap()
}

async fn two_replicas(url: &str) {
    let a = store::open(url).await.unwrap();
    let b = store::open(url).await.unwrap();
    let token = tokens::create(
        a.as_ref(),
        "ci",
        Scope::Upload,
        None,
        None,
        "t",
        shipshape_server::time::now(),
    )
    .await
    .unwrap()
    .token;
    let apps = [
        app(AppState::new(a.clone(), Config::default())),
        app(AppState::new(b.clone(), Config::default())),
    ];
    let mut tasks = Vec::new();
    for i in 0..DISTINCT + SAME {
        let app = apps[i % 2].clone();
        let token = token.clone();
        // The last SAME uploads are one report, sent to both replicas at once.
        let payload = if i < DISTINCT { body(i) } else { body(10_000) };
        tasks.push(tokio::spawn(async move {
            let req = Request::post("/api/v1/reports?repository=acme/api&commit=c&ref=main")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(payload))
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(status, StatusCode::CREATED, "{json}");
            (json["id"].as_i64().unwrap(), json["created"] == true)
        }));
    }
    let mut distinct = BTreeSet::new();
    let mut same = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        let (id, created) = t.await.unwrap();
        if i < DISTINCT {
            assert!(created);
            assert!(distinct.insert(id), "id {id} given twice");
        } else {
            same.push((id, created));
        }
    }
    let same_id = same[0].0;
    assert!(same.iter().all(|(id, _)| *id == same_id), "{same:?}");
    assert_eq!(same.iter().filter(|(_, c)| *c).count(), 1, "{same:?}");
    assert!(!distinct.contains(&same_id));
    assert_eq!(a.count_reports().await.unwrap(), (DISTINCT + 1) as i64);
    let units = b
        .units(
            Default::default(),
            Page {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(units.len(), 1, "one unit, whichever replica created it");
    let history: BTreeSet<i64> = b
        .unit_reports(
            units[0].id,
            Page {
                cursor: None,
                limit: 1000,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(history.len(), DISTINCT + 1);
    assert_eq!(units[0].latest_report_id, history.last().copied());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    two_replicas(&format!("sqlite://{}", dir.path().join("r.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    two_replicas(&url).await;
}
