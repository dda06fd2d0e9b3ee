//! The fleet table's filters (repository, owner, tier, level) and the summary by
//! level, tier and owner, on SQLite and on PostgreSQL when it is there. Owner and
//! tier come from the unit's latest report. And the waivers expiring soon.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shipshape_server::auth::Scope;
use shipshape_server::ingest::{UploadMeta, prepare};
use shipshape_server::store::{self, Store};
use shipshape_server::{AppState, Config, app, tokens};
use std::sync::Arc;
use tower::ServiceExt;

mod support;

fn body(path: &str, owner: Option<&str>, tier: Option<u8>, level: Option<&str>) -> Vec<u8> {
    let mut unit = json!({"name": path, "path": path, "kind": "service", "kind_source": "t"});
    if let Some(o) = owner {
        unit["owner"] = json!(o);
    }
    if let Some(t) = tier {
        unit["tier"] = json!(t);
    }
    serde_json::to_vec(&json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan", "target": ".", "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [{"unit": unit, "scores": {"overall": 50.0, "areas": {}}, "level": level, "checks": []}],
        "gate": {"passed": true},
        "stats": {"files_seen": 0, "bytes_read": 0, "files_skipped": 0, "duration_ms": 0}
    }))
    .unwrap()
}

async fn put(store: &dyn Store, repo: &str, json: Vec<u8>) {
    let new = prepare(
        &json,
        UploadMeta {
            repository: repo.into(),
            commit: "c".into(),
            git_ref: "main".into(),
            ci_run_url: None,
            token_id: None,
            actor: "test".into(),
            received_at: 1,
        },
    )
    .unwrap();
    store.ingest(new).await.unwrap();
}

async fn get(app: &axum::Router, uri: &str, token: &str) -> (StatusCode, Value) {
    let req = Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn paths(v: &Value) -> Vec<String> {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap().to_string())
        .collect()
}

async fn suite(store: Arc<dyn Store>) {
    put(
        store.as_ref(),
        "acme/pay",
        body("pay", Some("@acme/payments"), Some(1), Some("gold")),
    )
    .await;
    put(
        store.as_ref(),
        "acme/web",
        body("web", Some("@acme/web"), Some(2), Some("bronze")),
    )
    .await;
    put(store.as_ref(), "acme/tool", body("tool", None, None, None)).await;
    // The latest report decides: web moves to the payments team.
    put(
        store.as_ref(),
        "acme/web",
        body("web", Some("@acme/payments"), Some(2), Some("silver")),
    )
    .await;
    let token = tokens::create(store.as_ref(), "r", Scope::Read, None, None, "t", 1)
        .await
        .unwrap()
        .token;
    let app = app(AppState::new(store.clone(), Config::default()));
    let (s, all) = get(&app, "/api/v1/units", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(paths(&all), ["pay", "web", "tool"]);
    assert_eq!(all["units"][0]["owner"], "@acme/payments");
    assert_eq!(all["units"][0]["tier"], 1);
    assert_eq!(all["units"][2]["owner"], Value::Null);
    let (_, v) = get(&app, "/api/v1/units?owner=%40acme%2Fpayments", &token).await;
    assert_eq!(paths(&v), ["pay", "web"]);
    let (_, v) = get(&app, "/api/v1/units?tier=2", &token).await;
    assert_eq!(paths(&v), ["web"]);
    let (_, v) = get(&app, "/api/v1/units?level=none", &token).await;
    assert_eq!(paths(&v), ["tool"]);
    let (_, v) = get(
        &app,
        "/api/v1/units?level=silver&owner=%40acme%2Fpayments",
        &token,
    )
    .await;
    assert_eq!(paths(&v), ["web"]);
    let (_, v) = get(&app, "/api/v1/units?repository=acme/tool", &token).await;
    assert_eq!(paths(&v), ["tool"]);
    let (s, v) = get(&app, "/api/v1/units?tier=7", &token).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = get(&app, "/api/v1/units?level=platinum", &token).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Pagination keeps the filter.
    let (_, p1) = get(
        &app,
        "/api/v1/units?owner=%40acme%2Fpayments&limit=1",
        &token,
    )
    .await;
    assert_eq!(paths(&p1), ["pay"]);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = get(
        &app,
        &format!("/api/v1/units?owner=%40acme%2Fpayments&limit=1&cursor={cursor}"),
        &token,
    )
    .await;
    assert_eq!(paths(&p2), ["web"]);

    // The same table as CSV, whole and filtered.
    let req = Request::get("/api/v1/units.csv?owner=%40acme%2Fpayments")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let text = String::from_utf8(
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,repository,unit,name,kind,owner,tier,level,score,latest_report"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].contains(",acme/pay,pay,pay,service,'@acme/payments,1,gold,50,"),
        "{text}"
    );
    let unauthenticated = app
        .clone()
        .oneshot(
            Request::get("/api/v1/units.csv")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    let (_, sum) = get(&app, "/api/v1/summary", &token).await;
    assert_eq!(
        sum,
        json!({"repositories": 3, "units": 3, "reports": 4,
               "by_level": {"gold": 1, "silver": 1, "bronze": 0, "none": 1},
               "by_tier": {"1": 1, "2": 1, "none": 1},
               "by_owner": {"@acme/payments": 2, "none": 1}})
    );
}

fn waived(path: &str, checks: &[(&str, Option<&str>)]) -> Vec<u8> {
    let checks: Vec<Value> = checks
        .iter()
        .map(|(id, expires)| {
            let mut waiver =
                json!({"reason": format!("{id} later"), "owner": "@acme/sre", "original": "fail"});
            if let Some(e) = expires {
                waiver["expires"] = json!(e);
            }
            json!({"id": id, "title": "t", "area": "observability", "severity": "high",
                   "outcome": "waived", "summary": "s", "remediation": "r", "waiver": waiver})
        })
        .collect();
    let mut v: Value = serde_json::from_slice(&body(path, None, None, None)).unwrap();
    v["units"][0]["checks"] = Value::Array(checks);
    serde_json::to_vec(&v).unwrap()
}

async fn waivers_suite(store: Arc<dyn Store>) {
    let day = 86_400;
    let date = |offset_days: i64| {
        jiff::Timestamp::from_second(shipshape_server::time::now() + offset_days * day)
            .unwrap()
            .strftime("%Y-%m-%d")
            .to_string()
    };
    let (soon, later, past) = (date(5), date(200), date(-3));
    // An older report's waivers do not count once a newer report replaced it.
    put(
        store.as_ref(),
        "acme/a",
        waived("a", &[("obs/old", Some(&soon))]),
    )
    .await;
    put(
        store.as_ref(),
        "acme/a",
        waived(
            "a",
            &[
                ("obs/soon", Some(&soon)),
                ("obs/later", Some(&later)),
                ("obs/never", None),
            ],
        ),
    )
    .await;
    put(
        store.as_ref(),
        "acme/b",
        waived("b", &[("obs/lapsed", Some(&past))]),
    )
    .await;
    let token = tokens::create(store.as_ref(), "r", Scope::Read, None, None, "t", 1)
        .await
        .unwrap()
        .token;
    let app = app(AppState::new(store.clone(), Config::default()));
    let checks = |v: &Value| -> Vec<String> {
        v["waivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["check"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, v) = get(&app, "/api/v1/waivers", &token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(checks(&v), ["obs/lapsed", "obs/soon"], "{v}");
    assert_eq!(v["waivers"][1]["repository"], "acme/a");
    assert_eq!(v["waivers"][1]["owner"], "@acme/sre");
    assert_eq!(v["waivers"][1]["expires"], Value::String(soon.clone()));
    assert!(
        v["waivers"][1]["expires_at"]
            .as_str()
            .unwrap()
            .ends_with("T23:59:59Z")
    );
    let (_, v) = get(&app, "/api/v1/waivers?expiring_within_days=365", &token).await;
    assert_eq!(checks(&v), ["obs/lapsed", "obs/soon", "obs/later"]);
    let (s, _) = get(&app, "/api/v1/waivers?expiring_within_days=-1", &token).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn waivers_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    waivers_suite(
        store::open(&format!("sqlite://{}", dir.path().join("w.db").display()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn waivers_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    waivers_suite(store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn fleet_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suite(
        store::open(&format!("sqlite://{}", dir.path().join("f.db").display()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn fleet_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    suite(store::open(&url).await.unwrap()).await;
}
