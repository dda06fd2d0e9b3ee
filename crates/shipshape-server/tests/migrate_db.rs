//! `serve migrate-db`: a database copied SQLite → PostgreSQL and back (SQLite →
//! SQLite when no PostgreSQL is configured) reads the same through the API,
//! keeps its tokens working, continues its ids, and refuses a non-empty target.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shipshape_model::{
    Area, CheckResult, GateOutcome, Level, Outcome, Report, ReportStats, SCHEMA_VERSION, Scores,
    Severity, ToolInfo, Unit, UnitKind, UnitReport,
};
use shipshape_server::auth::Scope;
use shipshape_server::store::{self, Store};
use shipshape_server::{AppState, Config, app, tokens};
use std::sync::Arc;
use tower::ServiceExt;

mod support;
use support::fresh_postgres;

fn report(path: &str, n: usize) -> String {
    let checks = (0..3)
        .map(|i| CheckResult {
            scope: Default::default(),
            id: format!("security/check-{i}"),
            title: format!("check {i}"),
            area: Area::Security,
            severity: Severity::High,
            outcome: if i < n { Outcome::Fail } else { Outcome::Pass },
            summary: String::new(),
            findings: vec![],
            remediation: String::new(),
            waiver: None,
            baselined: false,
        })
        .collect();
    serde_json::to_string(&Report {
        schema_version: SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "shipshape".into(),
            version: "0.1.0".into(),
        },
        command: "scan".into(),
        target: ".".into(),
        profile: "default".into(),
        generated_at: "2026-12-01T00:00:00Z".into(),
        units: vec![UnitReport {
            unit: Unit {
                name: path.into(),
                path: path.into(),
                kind: UnitKind::Service,
                kind_source: "test".into(),
                tier: Some(1),
                owner: Some("@acme/pay".into()),
            },
            scores: Scores {
                overall: Some(100.0 - 10.0 * n as f64),
                areas: Default::default(),
            },
            level: (n == 0).then_some(Level::Gold),
            required_level: None,
            checks,
        }],
        rollup: None,
        diagnostics: vec![],
        gate: GateOutcome {
            passed: true,
            reasons: vec![],
            fail_under: None,
            fail_on: None,
            min_level: None,
            baseline: false,
        },
        stats: ReportStats::default(),
        changes: None,
    })
    .unwrap()
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<String>,
) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let res = app
        .clone()
        .oneshot(
            b.body(body.map(Body::from).unwrap_or_else(Body::empty))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

struct Seeded {
    admin: String,
    reader: String,
}

async fn seed(store: Arc<dyn Store>) -> Seeded {
    let now = shipshape_server::time::now();
    let admin = tokens::create(
        store.as_ref(),
        "admin",
        Scope::Admin,
        None,
        None,
        "test",
        now,
    )
    .await
    .unwrap()
    .token;
    let reader = tokens::create(
        store.as_ref(),
        "reader",
        Scope::Read,
        None,
        None,
        "test",
        now,
    )
    .await
    .unwrap()
    .token;
    let app = app(AppState::new(store.clone(), Config::default()));
    for (i, repo) in ["acme/api", "acme/web", "other/lib"].iter().enumerate() {
        for n in 0..3 {
            let (s, v) = send(
                &app,
                "POST",
                &format!("/api/v1/reports?repository={repo}&commit=c{n}&ref=main"),
                &admin,
                Some(report(&format!("svc{i}"), n)),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
    }
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        &admin,
        Some(
            json!({ "name": "gold", "target": { "level": "gold" }, "deadline": "2027-01-31" })
                .to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    shipshape_server::campaigns::snapshot_once(store.as_ref(), "seed", now)
        .await
        .unwrap();
    Seeded { admin, reader }
}

/// What a reader sees: the same on both sides of a copy.
async fn view(store: Arc<dyn Store>, token: &str) -> Vec<Value> {
    let app = app(AppState::new(store, Config::default()));
    let mut out = Vec::new();
    let (_, units) = send(&app, "GET", "/api/v1/units", token, None).await;
    let unit = &units["units"][1];
    for uri in [
        "/api/v1/units".to_string(),
        "/api/v1/summary".to_string(),
        format!("/api/v1/reports/{}", unit["latest_report"]),
        format!("/api/v1/units/{}/reports", unit["id"]),
        "/api/v1/campaigns/1".to_string(),
        "/api/v1/teams".to_string(),
        "/api/v1/checks/security/check-1".to_string(),
    ] {
        let (s, v) = send(&app, "GET", &uri, token, None).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {v}");
        out.push(v);
    }
    out
}

async fn round_trip(from: &str, to: &str, back: &str) {
    let source = store::open(from).await.unwrap();
    let seeded = seed(source.clone()).await;
    let before = view(source.clone(), &seeded.reader).await;
    let audit_before = source.audit_log(1000).await.unwrap();

    let copied = store::migrate_db(from, to, false).await.unwrap();
    let counts: std::collections::BTreeMap<_, _> = copied.tables.iter().cloned().collect();
    assert_eq!(counts["reports"], 9);
    assert_eq!(counts["tokens"], 2);
    assert_eq!(counts["campaigns"], 1);
    assert_eq!(counts["campaign_snapshots"], 1);
    assert!(counts["audit_log"] >= 12, "{counts:?}");
    assert!(counts["check_results"] >= 27, "{counts:?}");

    let target = store::open(to).await.unwrap();
    assert_eq!(
        view(target.clone(), &seeded.reader).await,
        before,
        "the copy reads the same"
    );
    assert_eq!(target.audit_log(1000).await.unwrap(), audit_before);

    // Ids continue after the copied ones (PostgreSQL's sequences were moved on).
    let app2 = app(AppState::new(target.clone(), Config::default()));
    let (s, v) = send(
        &app2,
        "POST",
        "/api/v1/reports?repository=acme/new&commit=x&ref=main",
        &seeded.admin,
        Some(report("new", 1)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["id"], 10);

    // A non-empty target is refused, and nothing is changed.
    let err = store::migrate_db(from, to, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not empty") && err.contains("--overwrite"),
        "{err}"
    );
    assert_eq!(target.count_reports().await.unwrap(), 10);
    // Unless told: then it is replaced by the source.
    store::migrate_db(from, to, true).await.unwrap();
    assert_eq!(target.count_reports().await.unwrap(), 9);

    // And back the other way.
    store::migrate_db(to, back, false).await.unwrap();
    let again = store::open(back).await.unwrap();
    assert_eq!(view(again, &seeded.reader).await, before);
}

#[tokio::test]
async fn sqlite_to_postgres_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("a.db").display());
    let back = format!("sqlite://{}", dir.path().join("c.db").display());
    match fresh_postgres().await {
        Some(pg) => round_trip(&from, &pg, &back).await,
        None => {
            let to = format!("sqlite://{}", dir.path().join("b.db").display());
            round_trip(&from, &to, &back).await
        }
    }
}

#[tokio::test]
async fn bad_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let e = store::migrate_db(&a, &a, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("same database"), "{e}");
    let e = store::migrate_db("mysql://x", &a, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--from") && e.contains("unsupported"), "{e}");
    let e = store::migrate_db(&a, "postgres://u:hunter2@127.0.0.1:1/x", false)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--to") && !e.contains("hunter2"), "{e}");
}
