//! A small seeded fleet for the dashboard tests: three repositories, five units,
//! two teams, a few days of history with level changes, failing checks with
//! evidence, waivers (one expiring soon), and HTML-injection attempts in a unit
//! name, a finding message and a waiver reason. Tokens of each scope.
#![allow(dead_code)]

use serde_json::{Value, json};
use shipshape_server::auth::{self, Scope};
use shipshape_server::ingest::{UploadMeta, prepare};
use shipshape_server::store::{AuditEntry, NewToken, Store};
use shipshape_server::{AppState, Config, app, store};
use std::sync::Arc;

pub const DAY: i64 = 86_400;
pub const INJECTED_NAME: &str = "<script>alert('unit')</script>";
pub const INJECTED_MESSAGE: &str = "<img src=x onerror=alert('message')>";
pub const INJECTED_REASON: &str = "\"><svg onload=alert('reason')>";

pub struct Fleet {
    pub dir: tempfile::TempDir,
    pub store: Arc<dyn Store>,
    pub read: String,
    pub admin: String,
    pub upload: String,
}

impl Fleet {
    pub fn app(&self, public_read: bool) -> axum::Router {
        app(AppState::new(
            self.store.clone(),
            Config {
                public_read,
                ..Config::default()
            },
        ))
    }
}

fn check(id: &str, severity: &str, outcome: &str, message: Option<&str>) -> Value {
    let area = id.split('/').next().unwrap();
    let mut c = json!({
        "id": id, "title": format!("Title of {id}"), "area": area, "severity": severity,
        "outcome": outcome, "summary": format!("{id} is {outcome}"),
        "remediation": format!("Do the thing for {id}."),
    });
    if let Some(m) = message {
        c["findings"] = json!([{"message": m, "location": {"path": "deploy/app.yaml", "line": 3}, "snippet": "image: app:latest"}]);
    }
    c
}

/// One report of one unit: `good` moves scores and outcomes.
fn report(
    name: &str,
    path: &str,
    owner: &str,
    tier: u8,
    level: Option<&str>,
    good: f64,
    waiver_days: Option<i64>,
) -> Vec<u8> {
    let mut checks = vec![
        check(
            "security/no-committed-secrets",
            "critical",
            if good > 0.3 { "pass" } else { "fail" },
            (good <= 0.3).then_some(INJECTED_MESSAGE),
        ),
        check(
            "observability/health-endpoint",
            "high",
            if good > 0.6 { "pass" } else { "fail" },
            (good <= 0.6).then_some("no /healthz route found"),
        ),
        check("delivery/ci-present", "medium", "pass", None),
        check(
            "documentation/readme",
            "low",
            if good > 0.8 { "pass" } else { "warn" },
            None,
        ),
    ];
    if let Some(days) = waiver_days {
        let expires = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + days * DAY)
            .unwrap()
            .strftime("%Y-%m-%d")
            .to_string();
        checks.push(json!({
            "id": "rollback/previous-image-kept", "title": "Previous image kept", "area": "rollback",
            "severity": "high", "outcome": "waived", "summary": "waived",
            "remediation": "Keep the previous image.",
            "waiver": {"reason": INJECTED_REASON, "owner": "@acme/platform", "expires": expires, "original": "fail"}
        }));
    }
    let area = |s: f64| json!({"score": s, "passed": 1, "warned": 0, "failed": 0, "not_applicable": 0, "waived": 0, "errored": 0});
    serde_json::to_vec(&json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan", "target": ".", "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [{
            "unit": {"name": name, "path": path, "kind": "service", "kind_source": "test", "owner": owner, "tier": tier},
            "scores": {"overall": (good * 100.0).round(), "areas": {
                "security": area((good * 100.0).round()), "observability": area((good * 90.0).round()),
                "delivery": area(100.0), "documentation": area(60.0)
            }},
            "level": level,
            "checks": checks
        }],
        "gate": {"passed": true},
        "stats": {"files_seen": 1, "bytes_read": 1, "files_skipped": 0, "duration_ms": 1}
    }))
    .unwrap()
}

async fn put(store: &dyn Store, repo: &str, commit: &str, at: i64, body: Vec<u8>) {
    let new = prepare(
        &body,
        UploadMeta {
            repository: repo.into(),
            commit: commit.into(),
            git_ref: "main".into(),
            ci_run_url: Some("https://ci.example/run/1".into()),
            token_id: None,
            actor: "seed".into(),
            received_at: at,
        },
    )
    .unwrap();
    store.ingest(new).await.unwrap();
}

pub async fn token(store: &dyn Store, name: &str, scope: Scope) -> String {
    let t = shipshape_server::auth::generate().unwrap();
    store
        .create_token(
            NewToken {
                name: name.into(),
                hash: auth::hash(&t).to_vec(),
                scope: scope.as_str().into(),
                repo_glob: None,
                created_at: 0,
                expires_at: None,
            },
            AuditEntry {
                at: 0,
                token_id: None,
                actor: "seed".into(),
                action: "token.create".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await
        .unwrap();
    t
}

/// Units, in id order: 1 acme/pay (payments, tier 1: bronze → silver → gold),
/// 2 acme/shop · web (payments, tier 2, silver, waiver expiring in 10 days),
/// 3 acme/shop · worker (platform, tier 2, below bronze, injected name),
/// 4 acme/infra (platform, tier 3, bronze, 40 days stale), 5 other/tool (platform, tier 3, gold).
pub async fn fleet() -> Fleet {
    fleet_on(None).await
}

/// The same fleet on the database `url` names (SQLite in a temporary directory by default).
pub async fn fleet_on(url: Option<String>) -> Fleet {
    let dir = tempfile::tempdir().unwrap();
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("s.db").display()));
    let store = store::open(&url).await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    let s = store.as_ref();
    let pay = "@acme/payments";
    let plat = "@acme/platform";
    // Oldest first: report ids follow arrival.
    put(
        s,
        "acme/infra",
        "i1",
        now - 40 * DAY,
        report("infra", ".", plat, 3, Some("bronze"), 0.5, None),
    )
    .await;
    put(
        s,
        "acme/pay",
        "p1",
        now - 6 * DAY,
        report("pay", ".", pay, 1, Some("bronze"), 0.5, None),
    )
    .await;
    put(
        s,
        "acme/shop",
        "s1",
        now - 5 * DAY,
        report("web", "web", pay, 2, Some("silver"), 0.7, Some(10)),
    )
    .await;
    put(
        s,
        "acme/shop",
        "s2",
        now - 5 * DAY + 60,
        report(INJECTED_NAME, "worker", plat, 2, None, 0.2, None),
    )
    .await;
    put(
        s,
        "acme/pay",
        "p2",
        now - 3 * DAY,
        report("pay", ".", pay, 1, Some("silver"), 0.7, None),
    )
    .await;
    put(
        s,
        "other/tool",
        "t1",
        now - 2 * DAY,
        report("tool", ".", plat, 3, Some("gold"), 0.9, None),
    )
    .await;
    put(
        s,
        "acme/pay",
        "p3",
        now - DAY,
        report("pay", ".", pay, 1, Some("gold"), 0.9, None),
    )
    .await;
    let read = token(s, "reader", Scope::Read).await;
    let admin = token(s, "boss", Scope::Admin).await;
    let upload = token(s, "ci", Scope::Upload).await;
    Fleet {
        dir,
        store,
        read,
        admin,
        upload,
    }
}
