//! The dashboard's benchmark (a benchmark, not a timed test; docs/performance.md).
//!
//! `cargo run -p shipshape-server --example dashboard_bench -- seed DB UNITS DAYS [UNITS_PER_REPO]`
//! writes a fleet into DB (a SQLite file, or a `postgres://` URL): UNITS units in repositories of
//! UNITS_PER_REPO units (default 20), one report per repository per day for DAYS
//! days, oldest first, with scores drifting and levels changing over time —
//! as the default retention leaves it: daily for the last 90 days, weekly before.
//!
//! `cargo run -p shipshape-server --example dashboard_bench -- measure DB [RUNS]`
//! times the fleet, unit and campaign pages in-process (server time: routing,
//! queries, rendering, compression; no network) and prints p50/p99 and the fleet
//! page's compressed weight.

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::json;
use shipshape_server::auth::Scope;
use shipshape_server::ingest::{UploadMeta, prepare};
use shipshape_server::store::{self, AuditEntry, NewToken};
use shipshape_server::{AppState, Config, app, auth};
use std::time::Instant;
use tower::ServiceExt;

const DAY: i64 = 86_400;
const CHECKS: &[(&str, &str)] = &[
    ("security/no-committed-secrets", "critical"),
    ("security/container-non-root", "high"),
    ("observability/health-endpoint", "high"),
    ("observability/structured-logs", "medium"),
    ("delivery/ci-present", "critical"),
    ("delivery/ci-runs-tests", "high"),
    ("rollback/previous-image-kept", "medium"),
    ("ownership/codeowners", "medium"),
    ("documentation/readme", "low"),
    ("maintenance/dependencies-current", "medium"),
    ("scalability/resource-limits", "medium"),
    ("incident-response/runbook", "low"),
];

/// A cheap deterministic pseudo-random number in 0..1.
fn noise(a: u64, b: u64) -> f64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x % 10_000) as f64 / 10_000.0
}

fn unit_json(unit: u64, day: u64, days: u64) -> serde_json::Value {
    // Units improve over the year, each at its own pace.
    let progress = day as f64 / days.max(1) as f64;
    let base = 0.3 + 0.5 * noise(unit, 1) + 0.3 * progress * noise(unit, 2);
    let checks: Vec<serde_json::Value> = CHECKS
        .iter()
        .enumerate()
        .map(|(i, (id, sev))| {
            let passes = noise(unit * 31 + i as u64, day / 30) < base;
            let outcome = if passes { "pass" } else { "fail" };
            let mut c = json!({
                "id": id, "title": format!("Title of {id}"), "area": id.split('/').next().unwrap(),
                "severity": sev, "outcome": outcome, "summary": format!("{id}: {outcome}"),
                "remediation": format!("How to fix {id}."),
            });
            if !passes {
                c["findings"] = json!([{"message": format!("{id} failed here"), "location": {"path": "deploy/app.yaml", "line": 3}}]);
            }
            c
        })
        .collect();
    let failed = |sev: &str| {
        checks
            .iter()
            .any(|c| c["severity"] == sev && c["outcome"] == "fail")
    };
    let level = if failed("critical") {
        None
    } else if failed("high") {
        Some("bronze")
    } else if failed("medium") {
        Some("silver")
    } else {
        Some("gold")
    };
    let passed = checks.iter().filter(|c| c["outcome"] == "pass").count();
    let score = (1000.0 * passed as f64 / checks.len() as f64).round() / 10.0;
    let mut areas = serde_json::Map::new();
    for (id, _) in CHECKS {
        let area = id.split('/').next().unwrap();
        let n = checks.iter().filter(|c| c["area"] == area).count();
        let p = checks
            .iter()
            .filter(|c| c["area"] == area && c["outcome"] == "pass")
            .count();
        areas.insert(
            area.into(),
            json!({"score": (1000.0 * p as f64 / n as f64).round() / 10.0, "passed": p, "warned": 0, "failed": n - p, "not_applicable": 0, "waived": 0, "errored": 0}),
        );
    }
    json!({
        "unit": {"name": format!("svc-{unit}"), "path": format!("services/svc-{unit}"), "kind": "service",
                 "kind_source": "bench", "owner": format!("@acme/team-{}", unit % 25), "tier": 1 + unit % 3},
        "scores": {"overall": score, "areas": areas},
        "level": level,
        "checks": checks
    })
}

/// DB as a database URL: a `postgres://` or `sqlite://` URL as given, a path as SQLite.
fn database_url(db: &str) -> String {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") || db.starts_with("sqlite:")
    {
        db.to_string()
    } else {
        format!("sqlite://{db}")
    }
}

async fn seed(db: &str, units: u64, days: u64, per_repo: u64) {
    let store = store::open(&database_url(db)).await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    let repos = units.div_ceil(per_repo);
    let started = Instant::now();
    for day in 0..days {
        let age = days - 1 - day;
        // What the default retention keeps: every day for 90 days, then one a week.
        if age >= 90 && !age.is_multiple_of(7) {
            continue;
        }
        let at = now - age as i64 * DAY;
        for repo in 0..repos {
            let us: Vec<serde_json::Value> = (repo * per_repo..((repo + 1) * per_repo).min(units))
                .map(|u| unit_json(u, day, days))
                .collect();
            let body = serde_json::to_vec(&json!({
                "schema_version": shipshape_model::SCHEMA_VERSION,
                "tool": {"name": "shipshape", "version": "0.1.0"},
                "command": "scan", "target": ".", "profile": "default",
                "generated_at": shipshape_server::time::rfc3339(at),
                "units": us,
                "gate": {"passed": true},
                "stats": {"files_seen": 1, "bytes_read": 1, "files_skipped": 0, "duration_ms": 1}
            }))
            .unwrap();
            let new = prepare(
                &body,
                UploadMeta {
                    repository: format!("acme/repo-{repo}"),
                    commit: format!("{day:04}{repo:04}"),
                    git_ref: "main".into(),
                    ci_run_url: None,
                    token_id: None,
                    actor: "bench".into(),
                    received_at: at,
                },
            )
            .unwrap();
            store.ingest(new).await.unwrap();
        }
        if day.is_multiple_of(30) {
            eprintln!(
                "day {day}/{days}: {} reports in {:.0} s",
                (day + 1) * repos,
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "seeded {units} units x {days} days ({} reports) in {:.0} s",
        store.count_reports().await.unwrap(),
        started.elapsed().as_secs_f64()
    );
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn measure(db: &str, runs: usize) {
    let store = store::open(&database_url(db)).await.unwrap();
    let token = auth::generate().unwrap();
    store
        .create_token(
            NewToken {
                name: "bench".into(),
                hash: auth::hash(&token).to_vec(),
                scope: Scope::Admin.as_str().into(),
                repo_glob: None,
                created_at: 0,
                expires_at: None,
            },
            AuditEntry {
                at: 0,
                token_id: None,
                actor: "bench".into(),
                action: "token.create".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await
        .unwrap();
    let app = app(AppState::new(store.clone(), Config::default()));
    let send = |uri: String, body: Option<String>| {
        let app = app.clone();
        let token = token.clone();
        async move {
            let b = if body.is_some() {
                Request::post(uri.as_str()).header(header::CONTENT_TYPE, "application/json")
            } else {
                Request::get(uri.as_str())
            };
            let req = b
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(body.map_or(Body::empty(), Body::from))
                .unwrap();
            let t = Instant::now();
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            (t.elapsed().as_secs_f64() * 1000.0, status, bytes.len())
        }
    };
    let created = send(
        "/api/v1/campaigns".into(),
        Some(r#"{"name":"tier 1 to gold","target":{"level":"gold"},"filter":{"tier":1},"deadline":"2027-06-30"}"#.into()),
    )
    .await;
    assert!(created.1.is_success(), "{:?}", created.1);
    let campaign = store.campaigns().await.unwrap().last().unwrap().id;
    let unit = store
        .units(
            Default::default(),
            store::Page {
                cursor: None,
                limit: 1,
            },
        )
        .await
        .unwrap()[0]
        .id;
    for (name, uri) in [
        ("fleet /", "/".to_string()),
        (
            "fleet /?tier=1&sort=score",
            "/?tier=1&sort=score".to_string(),
        ),
        (
            "fleet /?per_page=2000 (every unit)",
            "/?per_page=2000".to_string(),
        ),
        ("fleet JSON, 1 unit", "/api/v1/fleet?per_page=1".to_string()),
        ("fleet JSON", "/api/v1/fleet".to_string()),
        ("unit /units/{id}", format!("/units/{unit}")),
        ("campaign /campaigns/{id}", format!("/campaigns/{campaign}")),
    ] {
        let (_, status, size) = send(uri.clone(), None).await;
        assert!(status.is_success(), "{uri}: {status}");
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            times.push(send(uri.clone(), None).await.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name:36} p50 {:7.1} ms  p99 {:7.1} ms  ({runs} runs, {size} bytes gzip)",
            pct(&times, 0.5),
            pct(&times, 0.99)
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["seed", db, units, days, rest @ ..] => {
            let per_repo = rest.first().map_or(20, |n| n.parse().unwrap());
            seed(db, units.parse().unwrap(), days.parse().unwrap(), per_repo).await
        }
        ["measure", db, rest @ ..] => {
            measure(db, rest.first().map_or(50, |n| n.parse().unwrap())).await
        }
        _ => {
            eprintln!(
                "usage: dashboard_bench seed DB UNITS DAYS [UNITS_PER_REPO] | measure DB [RUNS]"
            );
            std::process::exit(2);
        }
    }
}
