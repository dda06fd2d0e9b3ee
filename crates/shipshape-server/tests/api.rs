//! End-to-end tests of the HTTP API, in-process (`app(..).oneshot`), on SQLite in
//! a temporary directory and — when `SHIPSHAPE_TEST_POSTGRES_URL` is set — the
//! same suite on a fresh database of a real PostgreSQL. Under `CI` the
//! PostgreSQL suite fails instead of skipping.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use shipshape_model::{
    Area, CheckResult, GateOutcome, Level, Outcome, Report, ReportStats, SCHEMA_VERSION, Scores,
    Severity, ToolInfo, Unit, UnitKind, UnitReport,
};
use shipshape_server::auth::Scope;
use shipshape_server::store::{self, NewToken, Store};
use shipshape_server::{AppState, Config, app, tokens};
use std::io::Write;
use std::sync::Arc;
use tower::ServiceExt;

mod support;
use support::fresh_postgres;

fn check(id: &str, outcome: Outcome) -> CheckResult {
    CheckResult {
        scope: Default::default(),
        id: id.into(),
        title: format!("title of {id}"),
        area: Area::Observability,
        severity: Severity::High,
        outcome,
        summary: format!("{id} is {outcome}"),
        findings: vec![],
        remediation: "fix it".into(),
        waiver: None,
        baselined: false,
    }
}

/// A report of one unit (`path`) with the given check outcomes.
fn report(path: &str, level: Option<Level>, score: f64, checks: &[(&str, Outcome)]) -> Report {
    Report {
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
                tier: None,
                owner: None,
            },
            scores: Scores {
                overall: Some(score),
                areas: Default::default(),
            },
            level,
            required_level: None,
            checks: checks.iter().map(|(id, o)| check(id, *o)).collect(),
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
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("infallible router");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        headers,
        json,
    }
}

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::empty()).unwrap()
}

fn post(uri: &str, token: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(body.into()).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn assert_problem(r: &Reply, status: StatusCode, needle: &str) {
    assert_eq!(r.status, status, "{}", r.json);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    let detail = r.json["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(needle),
        "expected {needle:?} in the problem detail, got {detail:?}"
    );
}

const UPLOAD: &str = "/api/v1/reports?repository=acme/api&commit=c1&ref=main";

/// The whole API against one store.
async fn suite(store: Arc<dyn Store>) {
    let now = shipshape_server::time::now();
    let config = Config {
        body_limit: 1024 * 1024,
        ..Config::default()
    };
    let app = app(AppState::new(store.clone(), config));

    // Operations endpoints.
    assert_eq!(
        send(&app, get("/healthz", None)).await.status,
        StatusCode::OK
    );
    let ready = send(&app, get("/readyz", None)).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.json);
    assert_eq!(ready.json["database"], store.backend());

    // Tokens.
    let mk = |name: &'static str, scope, glob| {
        let store = store.clone();
        async move {
            tokens::create(store.as_ref(), name, scope, glob, None, "test", now)
                .await
                .unwrap()
                .token
        }
    };
    let upload = mk("ci-acme", Scope::Upload, Some("acme/*")).await;
    let reader = mk("dashboard", Scope::Read, None).await;
    let expired = shipshape_server::auth::generate().unwrap();
    store
        .create_token(
            NewToken {
                name: "old".into(),
                hash: shipshape_server::auth::hash(&expired).to_vec(),
                scope: "admin".into(),
                repo_glob: None,
                created_at: now - 100,
                expires_at: Some(now - 10),
            },
            store::AuditEntry {
                at: now,
                token_id: None,
                actor: "test".into(),
                action: "token.create".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await
        .unwrap();
    assert!(
        tokens::create(
            store.as_ref(),
            "x",
            Scope::Read,
            Some("a/*"),
            None,
            "t",
            now
        )
        .await
        .is_err()
    );

    // First upload: every failure is new.
    let first = report(
        ".",
        Some(Level::Bronze),
        60.0,
        &[("obs/a", Outcome::Fail), ("obs/b", Outcome::Pass)],
    );
    let first_json = serde_json::to_vec(&first).unwrap();
    let r = send(&app, post(UPLOAD, Some(&upload), first_json.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["created"], true);
    let id1 = r.json["id"].as_i64().unwrap();
    let d = &r.json["diff"]["units"][0];
    assert_eq!(d["unit"], ".");
    assert_eq!(d["previous_report"], Value::Null);
    assert_eq!(d["new_failures"], json!(["obs/a"]));
    assert_eq!(r.json["level"], "bronze");
    assert_eq!(store.count_reports().await.unwrap(), 1);

    // The same report again, gzip-compressed and pretty-printed: same answer, nothing stored.
    let pretty = serde_json::to_vec_pretty(&first).unwrap();
    let again = Request::post(UPLOAD)
        .header(header::AUTHORIZATION, format!("Bearer {upload}"))
        .header(header::CONTENT_ENCODING, "gzip")
        .body(Body::from(gzip(&pretty)))
        .unwrap();
    let r2 = send(&app, again).await;
    assert_eq!(r2.status, StatusCode::CREATED, "{}", r2.json);
    assert_eq!(r2.json["id"].as_i64(), Some(id1));
    assert_eq!(r2.json["created"], false);
    assert_eq!(r2.json["diff"], r.json["diff"]);
    assert_eq!(store.count_reports().await.unwrap(), 1);

    // A second report: one fixed, one new failure, level up.
    let second = report(
        ".",
        Some(Level::Silver),
        80.0,
        &[("obs/a", Outcome::Pass), ("obs/b", Outcome::Fail)],
    );
    let r = send(
        &app,
        post(
            "/api/v1/reports?repository=acme/api&commit=c2&ref=main&ci_run_url=https://ci.example/1",
            Some(&upload),
            serde_json::to_vec(&second).unwrap(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id2 = r.json["id"].as_i64().unwrap();
    assert!(id2 > id1);
    let d = &r.json["diff"]["units"][0];
    assert_eq!(d["previous_report"].as_i64(), Some(id1));
    assert_eq!(d["new_failures"], json!(["obs/b"]));
    assert_eq!(d["fixed"], json!(["obs/a"]));
    assert_eq!(d["level_before"], "bronze");
    assert_eq!(d["level_after"], "silver");
    assert_eq!(d["level_change"], "up");
    // The upload answers from the data it had in hand: the same as the stored rows give.
    let stored_diff = send(
        &app,
        get(&format!("/api/v1/reports/{id2}/diff"), Some(&reader)),
    )
    .await;
    assert_eq!(stored_diff.json["units"], r.json["diff"]["units"]);

    // Another ref is compared with its own history only.
    let r = send(
        &app,
        post(
            "/api/v1/reports?repository=acme/api&commit=c3&ref=feature",
            Some(&upload),
            serde_json::to_vec(&report(".", None, 10.0, &[("obs/a", Outcome::Fail)])).unwrap(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["diff"]["units"][0]["previous_report"], Value::Null);
    let id3 = r.json["id"].as_i64().unwrap();

    // The fleet.
    let units = send(&app, get("/api/v1/units", Some(&reader))).await;
    assert_eq!(units.status, StatusCode::OK, "{}", units.json);
    let list = units.json["units"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["repository"], "acme/api");
    assert_eq!(list[0]["unit"], ".");
    assert_eq!(
        list[0]["level"],
        Value::Null,
        "latest is the feature-branch report"
    );
    assert_eq!(list[0]["score"], 10.0);
    let unit_id = list[0]["id"].as_i64().unwrap();
    let filtered = send(&app, get("/api/v1/units?repository=other/x", Some(&reader))).await;
    assert_eq!(filtered.json["units"], json!([]));

    // One unit's history, paginated, newest first.
    let page1 = send(
        &app,
        get(
            &format!("/api/v1/units/{unit_id}/reports?limit=2"),
            Some(&reader),
        ),
    )
    .await;
    assert_eq!(page1.status, StatusCode::OK, "{}", page1.json);
    let ids: Vec<i64> = page1.json["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id3, id2]);
    let cursor = page1.json["next_cursor"].as_str().unwrap().to_string();
    let page2 = send(
        &app,
        get(
            &format!("/api/v1/units/{unit_id}/reports?limit=2&cursor={cursor}"),
            Some(&reader),
        ),
    )
    .await;
    let ids: Vec<i64> = page2.json["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id1]);
    assert_eq!(page2.json["next_cursor"], Value::Null);
    assert_eq!(
        page1.json["reports"][1]["ci_run_url"],
        "https://ci.example/1"
    );
    assert_eq!(page1.json["reports"][1]["commit"], "c2");
    assert_eq!(page1.json["reports"][1]["ref"], "main");

    // One report, as uploaded.
    let got = send(&app, get(&format!("/api/v1/reports/{id1}"), Some(&reader))).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.json);
    let back: Report = serde_json::from_value(got.json["report"].clone()).unwrap();
    assert_eq!(back, first);
    assert_eq!(got.json["repository"], "acme/api");
    assert!(got.json["stored_size"].as_i64().unwrap() < got.json["size"].as_i64().unwrap());
    assert_problem(
        &send(&app, get("/api/v1/reports/999999", Some(&reader))).await,
        StatusCode::NOT_FOUND,
        "no report",
    );
    assert_problem(
        &send(&app, get("/api/v1/reports/abc", Some(&reader))).await,
        StatusCode::BAD_REQUEST,
        "",
    );
    assert_problem(
        &send(&app, get("/api/v1/units?cursor=zz", Some(&reader))).await,
        StatusCode::BAD_REQUEST,
        "invalid cursor",
    );

    // Any two reports compared, and the fleet at a glance.
    let d = send(
        &app,
        get(
            &format!("/api/v1/reports/{id3}/diff?against={id1}"),
            Some(&reader),
        ),
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.json);
    assert_eq!(d.json["from"].as_i64(), Some(id1));
    let u = &d.json["units"][0];
    assert_eq!(u["previous_report"].as_i64(), Some(id1));
    assert_eq!(u["new_failures"], json!([]), "obs/a failed in both");
    assert_eq!(u["level_change"], "down");
    assert_eq!(d.json["units_removed"], json!([]));
    let d = send(
        &app,
        get(&format!("/api/v1/reports/{id2}/diff"), Some(&reader)),
    )
    .await;
    assert_eq!(d.json["units"][0]["fixed"], json!(["obs/a"]));
    assert_problem(
        &send(
            &app,
            get(
                &format!("/api/v1/reports/{id2}/diff?against=999999"),
                Some(&reader),
            ),
        )
        .await,
        StatusCode::NOT_FOUND,
        "no report 999999",
    );
    assert_problem(
        &send(
            &app,
            get(
                &format!("/api/v1/reports/{id2}/diff?against=x"),
                Some(&reader),
            ),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "against",
    );
    let sum = send(&app, get("/api/v1/summary", Some(&reader))).await;
    assert_eq!(sum.status, StatusCode::OK, "{}", sum.json);
    assert_eq!(
        sum.json,
        json!({"repositories": 1, "units": 1, "reports": 3,
               "by_level": {"gold": 0, "silver": 0, "bronze": 0, "none": 1},
               "by_tier": {"none": 1}, "by_owner": {"none": 1}})
    );

    // Reads need a read token unless --public-read.
    assert_problem(
        &send(&app, get("/api/v1/units", None)).await,
        StatusCode::UNAUTHORIZED,
        "token",
    );
    assert_problem(
        &send(&app, get("/api/v1/units", Some(&upload))).await,
        StatusCode::FORBIDDEN,
        "cannot read",
    );
    let public = shipshape_server::app(AppState::new(
        store.clone(),
        Config {
            public_read: true,
            ..Config::default()
        },
    ));
    assert_eq!(
        send(&public, get("/api/v1/units", None)).await.status,
        StatusCode::OK
    );

    // Bad uploads: each a clear 4xx, nothing stored.
    let stored = store.count_reports().await.unwrap();
    let bad = |uri: &'static str, token: Option<String>, body: Vec<u8>| {
        let app = app.clone();
        async move { send(&app, post(uri, token.as_deref(), body)).await }
    };
    let ok_body = serde_json::to_vec(&report(".", None, 1.0, &[("obs/z", Outcome::Fail)])).unwrap();
    assert_problem(
        &bad(
            UPLOAD,
            Some(upload.clone()),
            b"{\"schema_version\": \"1.0\", ".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "not valid JSON",
    );
    let mut v2 = serde_json::to_value(&first).unwrap();
    v2["schema_version"] = json!("2.0");
    assert_problem(
        &bad(
            UPLOAD,
            Some(upload.clone()),
            serde_json::to_vec(&v2).unwrap(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "schema_version \"2.0\" is not supported",
    );
    let mut broken = serde_json::to_value(&first).unwrap();
    broken["units"][0]["checks"][0]["outcome"] = json!("maybe");
    assert_problem(
        &bad(
            UPLOAD,
            Some(upload.clone()),
            serde_json::to_vec(&broken).unwrap(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "maybe",
    );
    assert_problem(
        &bad(UPLOAD, Some(upload.clone()), vec![b' '; 1024 * 1024 + 1]).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "limit",
    );
    let declared = Request::post(UPLOAD)
        .header(header::AUTHORIZATION, format!("Bearer {upload}"))
        .header(header::CONTENT_LENGTH, "104857600")
        .body(Body::from(ok_body.clone()))
        .unwrap();
    assert_problem(
        &send(&app, declared).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "limit",
    );
    let bomb = Request::post(UPLOAD)
        .header(header::AUTHORIZATION, format!("Bearer {upload}"))
        .header(header::CONTENT_ENCODING, "gzip")
        .body(Body::from(gzip(&vec![b' '; 2 * 1024 * 1024])))
        .unwrap();
    assert_problem(
        &send(&app, bomb).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "limit",
    );
    assert_problem(
        &bad(
            "/api/v1/reports?repository=other/api&commit=c&ref=main",
            Some(upload.clone()),
            ok_body.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "acme/*",
    );
    assert_problem(
        &bad(UPLOAD, Some(expired.clone()), ok_body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "expired",
    );
    assert_problem(
        &bad(UPLOAD, None, ok_body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "token",
    );
    assert_problem(
        &bad(UPLOAD, Some(reader.clone()), ok_body.clone()).await,
        StatusCode::FORBIDDEN,
        "cannot upload",
    );
    let mut typo = upload.clone().into_bytes();
    typo[8] = if typo[8] == b'x' { b'y' } else { b'x' };
    assert_problem(
        &bad(
            UPLOAD,
            Some(String::from_utf8(typo).unwrap()),
            ok_body.clone(),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "malformed token",
    );
    assert_problem(
        &bad(
            "/api/v1/reports?commit=c",
            Some(upload.clone()),
            ok_body.clone(),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "repository is required",
    );
    assert_eq!(store.count_reports().await.unwrap(), stored);

    // Every write is in the audit log.
    let audit = store.audit_log(100).await.unwrap();
    let uploads = audit.iter().filter(|a| a.action == "report.upload").count();
    assert_eq!(uploads, 3);
    assert!(
        audit
            .iter()
            .any(|a| a.action == "token.create" && a.detail.contains("scope=upload repo=acme/*"))
    );
    assert!(audit.iter().all(|a| !a.detail.contains("shs_")));
    let tokens = store.tokens().await.unwrap();
    let used = tokens.iter().find(|t| t.name == "ci-acme").unwrap();
    assert!(used.last_used_at.is_some());

    // Metrics saw it all.
    let m = send(&app, get("/metrics", None)).await;
    assert_eq!(m.status, StatusCode::OK);
    let text = m.json.as_str().unwrap().to_string();
    assert!(
        text.contains("shipshape_http_requests_total{method=\"POST\",route=\"/api/v1/reports\",status=\"201\"}"),
        "{text}"
    );
    assert!(
        text.contains("shipshape_uploads_total{result=\"created\"} 3"),
        "{text}"
    );
    assert!(
        text.contains("shipshape_uploads_total{result=\"duplicate\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("shipshape_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.contains("shipshape_db_pool_connections{state=\"idle\"}"),
        "{text}"
    );
    assert!(text.contains("route=\"unmatched\"") || !text.contains("/nope"));

    // Methods, headers and trace propagation.
    let trace = Request::builder()
        .method("TRACE")
        .uri("/")
        .body(Body::empty())
        .unwrap();
    let r = send(&app, trace).await;
    assert_problem(&r, StatusCode::METHOD_NOT_ALLOWED, "TRACE");
    assert_eq!(
        r.headers.get(header::ALLOW).unwrap(),
        "GET, HEAD, POST, PUT, DELETE"
    );
    let odd = Request::builder()
        .method("BREW")
        .uri("/healthz")
        .body(Body::empty())
        .unwrap();
    assert_problem(&send(&app, odd).await, StatusCode::NOT_IMPLEMENTED, "BREW");
    let traced = Request::get("/healthz")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .body(Body::empty())
        .unwrap();
    let r = send(&app, traced).await;
    assert!(
        r.headers
            .get("traceresponse")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-")
    );
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    let r = send(&app, get("/api/v1/units", Some(&reader))).await;
    assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert_problem(
        &send(&app, get("/nope", None)).await,
        StatusCode::NOT_FOUND,
        "no such route",
    );
    assert!(text.contains("process_resident_memory_bytes") || !cfg!(target_os = "linux"));

    // Revoked tokens stop working.
    let id = tokens.iter().find(|t| t.name == "dashboard").unwrap().id;
    assert!(
        tokens::revoke(store.as_ref(), id, "test", now)
            .await
            .unwrap()
    );
    assert!(
        !tokens::revoke(store.as_ref(), id, "test", now)
            .await
            .unwrap()
    );
    assert_problem(
        &send(&app, get("/api/v1/units", Some(&reader))).await,
        StatusCode::UNAUTHORIZED,
        "revoked",
    );
}

#[tokio::test]
async fn api_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!(
        "sqlite://{}",
        dir.path().join("db/s.db").display()
    ))
    .await
    .unwrap();
    suite(store).await;
}

#[tokio::test]
async fn api_on_postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let store = store::open(&url).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    suite(store).await;
}

/// Columns of every table in migration files, by a small reading of their
/// `CREATE TABLE` and `ALTER TABLE … ADD COLUMN` statements.
fn columns_of(sql: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut table: Option<String> = None;
    for line in sql.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words.as_slice() {
                [t, "ADD", "COLUMN", c, ..] => out.push((t.to_string(), c.to_string())),
                [t, "RENAME", "TO", to] => {
                    let to = to.trim_end_matches(';');
                    for (table, _) in out.iter_mut().filter(|(table, _)| table == t) {
                        *table = to.to_string();
                    }
                }
                _ => {}
            }
        } else if let Some(rest) = line.strip_prefix("DROP TABLE ") {
            let t = rest.trim_end_matches(';').trim();
            out.retain(|(table, _)| table != t);
        } else if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
            table = rest.split_whitespace().next().map(str::to_string);
        } else if line.starts_with(')') {
            table = None;
        } else if let Some(t) = &table {
            let first = line.split_whitespace().next().unwrap_or("");
            if !first.is_empty()
                && first.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !line.starts_with("--")
            {
                out.push((t.clone(), first.to_string()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn both_migration_sets_give_the_same_schema() {
    let sqlite_sql = [
        include_str!("../migrations/sqlite/0001_init.up.sql"),
        include_str!("../migrations/sqlite/0002_unit_owner_tier.up.sql"),
        include_str!("../migrations/sqlite/0003_waivers.up.sql"),
        include_str!("../migrations/sqlite/0004_campaigns.up.sql"),
        include_str!("../migrations/sqlite/0005_fragments.up.sql"),
        include_str!("../migrations/sqlite/0006_dashboard.up.sql"),
        include_str!("../migrations/sqlite/0007_webhooks.up.sql"),
        include_str!("../migrations/sqlite/0008_latest_failures.up.sql"),
        include_str!("../migrations/sqlite/0009_result_rows_unchecked.up.sql"),
    ]
    .concat();
    let pg_sql = [
        include_str!("../migrations/postgres/0001_init.up.sql"),
        include_str!("../migrations/postgres/0002_unit_owner_tier.up.sql"),
        include_str!("../migrations/postgres/0003_waivers.up.sql"),
        include_str!("../migrations/postgres/0004_campaigns.up.sql"),
        include_str!("../migrations/postgres/0005_fragments.up.sql"),
        include_str!("../migrations/postgres/0006_dashboard.up.sql"),
        include_str!("../migrations/postgres/0007_webhooks.up.sql"),
        include_str!("../migrations/postgres/0008_latest_failures.up.sql"),
        include_str!("../migrations/postgres/0009_result_rows_unchecked.up.sql"),
    ]
    .concat();
    let expected = columns_of(&sqlite_sql);
    assert!(expected.len() > 30, "{expected:?}");
    assert_eq!(columns_of(&pg_sql), expected, "the migration files differ");

    let dir = tempfile::tempdir().unwrap();
    let sqlite = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let live = sqlite.schema().await.unwrap();
    assert_eq!(live, expected, "SQLite's live schema");
    if let Some(url) = fresh_postgres().await {
        let pg = store::open(&url).await.unwrap();
        assert_eq!(pg.schema().await.unwrap(), live, "PostgreSQL's live schema");
    }
}

/// The down migrations undo the up migrations, and the up migrations apply again.
#[tokio::test]
async fn migrations_go_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = store::SqliteStore::open(&dir.path().join("s.db"))
        .await
        .unwrap();
    let expected = sqlite.schema().await.unwrap();
    sqlite.undo_all().await.unwrap();
    assert_eq!(sqlite.schema().await.unwrap(), vec![]);
    assert!(!sqlite.readiness().await.unwrap().current());
    sqlite.migrate().await.unwrap();
    assert_eq!(sqlite.schema().await.unwrap(), expected);
    assert!(sqlite.readiness().await.unwrap().current());
    if let Some(url) = fresh_postgres().await {
        let pg = store::PgStore::connect(&url).await.unwrap();
        pg.undo_all().await.unwrap();
        assert_eq!(pg.schema().await.unwrap(), vec![]);
        pg.migrate().await.unwrap();
        assert_eq!(pg.schema().await.unwrap(), expected);
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let app = app(AppState::new(store, Config::default()));
    let doc = send(&app, get("/api/openapi.json", None)).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.json["openapi"], "3.1.0");
    let paths = doc.json["paths"].as_object().unwrap();
    for (method, path) in shipshape_server::ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not in src/openapi.json"
        );
        // And the route exists: anything but the fallback's 404.
        let uri = path
            .replace("{id}", "1")
            .replace("{area}", "security")
            .replace("{name}", "x");
        let req = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let r = send(&app, req).await;
        assert_ne!(
            r.json["detail"], "no such route",
            "{method} {path} is not routed"
        );
    }
    let routed: std::collections::BTreeSet<&str> =
        shipshape_server::ROUTES.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        paths.len(),
        routed.len(),
        "a documented path that is not routed"
    );
}

#[tokio::test]
async fn readiness_reports_missing_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let r = store.readiness().await.unwrap();
    assert!(r.current(), "{r:?}");
    assert_eq!(r.applied, Some(9));
    let bad = store::open("mysql://x").await;
    assert!(bad.is_err());
}
