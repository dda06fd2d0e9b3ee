//! Webhook notifications end to end: uploads through the router, the delivery
//! worker, and a real HTTP receiver on 127.0.0.1 (a small axum listener in the
//! test) that can fail or hang. On SQLite always; on PostgreSQL when
//! `SHIPSHAPE_TEST_POSTGRES_URL` is set (under `CI` it must be), there also with
//! two delivery workers (two replicas) on one database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shipshape_model::{
    Area, CheckResult, GateOutcome, Level, Outcome, Report, ReportStats, SCHEMA_VERSION, Scores,
    Severity, ToolInfo, Unit, UnitKind, UnitReport, WaiverNote,
};
use shipshape_server::auth::Scope;
use shipshape_server::store::{self, Store};
use shipshape_server::webhooks::{self, Policy};
use shipshape_server::{AppState, Config, app, tokens};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tower::ServiceExt;

mod support;
use support::fresh_postgres;

// ---- a receiver on 127.0.0.1 ----------------------------------------------------

/// What the receiver answers: the statuses of the first requests in order,
/// then 200; or it never answers.
#[derive(Clone)]
enum Behaviour {
    Statuses(Vec<u16>),
    Hang,
}

struct Receiver {
    url: String,
    requests: Arc<AtomicUsize>,
    /// Bodies of the requests answered 2xx.
    delivered: Arc<Mutex<Vec<serde_json::Value>>>,
}

async fn receiver(behaviour: Behaviour) -> Receiver {
    let requests = Arc::new(AtomicUsize::new(0));
    let delivered = Arc::new(Mutex::new(Vec::new()));
    let (r, d) = (requests.clone(), delivered.clone());
    let app = Router::new().route(
        "/hooks/{secret}",
        axum::routing::post(move |body: axum::body::Bytes| {
            let (r, d, b) = (r.clone(), d.clone(), behaviour.clone());
            async move {
                let n = r.fetch_add(1, Ordering::SeqCst);
                let status = match b {
                    Behaviour::Hang => {
                        std::future::pending::<()>().await;
                        unreachable!()
                    }
                    Behaviour::Statuses(s) => s.get(n).copied().unwrap_or(200),
                };
                if (200..300).contains(&status) {
                    d.lock()
                        .await
                        .push(serde_json::from_slice(&body).expect("a JSON payload"));
                }
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver {
        url: format!("http://{addr}/hooks/s3cr3t-path"),
        requests,
        delivered,
    }
}

// ---- reports ------------------------------------------------------------------

fn check(id: &str, severity: Severity, outcome: Outcome) -> CheckResult {
    CheckResult {
        scope: Default::default(),
        id: id.into(),
        title: format!("title of {id}"),
        area: Area::Security,
        severity,
        outcome,
        summary: format!("{id} is {outcome}"),
        findings: vec![],
        remediation: "fix it".into(),
        waiver: None,
        baselined: false,
    }
}

fn report(level: Option<Level>, checks: Vec<CheckResult>, stamp: &str) -> Report {
    Report {
        schema_version: SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "shipshape".into(),
            version: "0.1.0".into(),
        },
        command: "scan".into(),
        target: ".".into(),
        profile: "default".into(),
        // Distinct reports, distinct digests.
        generated_at: stamp.into(),
        units: vec![UnitReport {
            unit: Unit {
                name: "api".into(),
                path: "svc/api".into(),
                kind: UnitKind::Service,
                kind_source: "test".into(),
                tier: Some(1),
                owner: Some("@acme/payments".into()),
            },
            scores: Scores {
                overall: Some(50.0),
                areas: Default::default(),
            },
            level,
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
    }
}

const CRIT: &str = "security/no-secrets";

struct Env {
    store: Arc<dyn Store>,
    app: Router,
    token: String,
}

async fn env(store: Arc<dyn Store>) -> Env {
    let token = tokens::create(
        store.as_ref(),
        "ci",
        Scope::Upload,
        Some("acme/*"),
        None,
        "test",
        shipshape_server::time::now(),
    )
    .await
    .unwrap()
    .token;
    Env {
        app: app(AppState::new(store.clone(), Config::default())),
        store,
        token,
    }
}

impl Env {
    /// Uploads through the router; the status and how long it took.
    async fn upload(&self, git_ref: &str, r: &Report) -> (StatusCode, Duration) {
        let req = Request::post(format!(
            "/api/v1/reports?repository=acme/api&commit=abc&ref={git_ref}"
        ))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
        .body(Body::from(serde_json::to_vec(r).unwrap()))
        .unwrap();
        let t = Instant::now();
        let res = self.app.clone().oneshot(req).await.unwrap();
        (res.status(), t.elapsed())
    }

    async fn add(&self, name: &str, url: &str, events: &str) -> i64 {
        webhooks::add(
            self.store.as_ref(),
            name,
            url,
            Some(events),
            "test",
            shipshape_server::time::now(),
        )
        .await
        .unwrap()
    }
}

/// Quick retries for tests: 50 ms, then 100 ms…; a receiver has 500 ms.
fn fast() -> Policy {
    Policy {
        every: Duration::from_millis(20),
        claim_ttl: Duration::from_secs(5),
        timeout: Duration::from_millis(500),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_secs(1),
        max_attempts: 5,
        batch: 8,
        deadlines_every: Duration::from_secs(3600),
    }
}

/// Waits until `f` holds (10 s at most).
async fn until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let t = Instant::now();
    while !f().await {
        assert!(t.elapsed() < Duration::from_secs(10), "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---- the suite, on either database ----------------------------------------------

async fn suite(store: Arc<dyn Store>) {
    let e = env(store.clone()).await;
    let flaky = receiver(Behaviour::Statuses(vec![500, 500])).await;
    let flaky_id = e.add("flaky", &flaky.url, "level-drop").await;

    // The URL is a secret: the list shows only scheme and host.
    let listed = webhooks::list(store.as_ref()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].url.contains("s3cr3t"), "{}", listed[0].url);
    assert!(listed[0].url.starts_with("http://127.0.0.1:"));
    let audit = store.audit_log(10).await.unwrap();
    assert!(audit.iter().all(|a| !a.detail.contains("s3cr3t")));

    // First report: nothing to compare with, no event.
    let ok = vec![check(CRIT, Severity::Critical, Outcome::Pass)];
    let (status, _) = e
        .upload("main", &report(Some(Level::Silver), ok.clone(), "t1"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(store.deliveries(10).await.unwrap().is_empty());

    // A drop on a feature branch: no event either.
    let (status, _) = e.upload("feature", &report(None, ok.clone(), "t2")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(store.deliveries(10).await.unwrap().is_empty());

    // A drop on main: one event, delivered after two 500s.
    let (status, _) = e
        .upload("main", &report(Some(Level::Bronze), ok.clone(), "t3"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let pending = store.deliveries(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, "pending");
    assert_eq!(pending[0].webhook_id, flaky_id);

    let worker = tokio::spawn(webhooks::run_forever(
        store.clone(),
        "replica-a".into(),
        fast(),
    ));
    until("the flaky receiver's delivery", || async {
        store.deliveries(10).await.unwrap()[0].state == "delivered"
    })
    .await;
    let d = &store.deliveries(10).await.unwrap()[0];
    assert_eq!(d.attempts, 3);
    let attempts = store.delivery_attempts(d.id).await.unwrap();
    let statuses: Vec<Option<i64>> = attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    assert!(
        attempts[1].at_ms - attempts[0].at_ms >= 50,
        "backoff: {attempts:?}"
    );
    assert!(
        attempts[2].at_ms - attempts[1].at_ms >= 100,
        "backoff doubles: {attempts:?}"
    );
    // Exactly one successful delivery, and no more requests afterwards.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(flaky.requests.load(Ordering::SeqCst), 3);
    let got = flaky.delivered.lock().await.clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["event"], "level-drop");
    assert_eq!(got[0]["level_before"], "silver");
    assert_eq!(got[0]["level_after"], "bronze");
    assert_eq!(got[0]["repository"], "acme/api");
    assert_eq!(got[0]["unit"], "svc/api");
    assert_eq!(
        got[0]["text"],
        "Level dropped from silver to bronze: acme/api · svc/api (commit abc on main)"
    );

    // A receiver that never answers: the upload is acknowledged at once, the
    // delivery times out and stays pending for a retry.
    let hanging = receiver(Behaviour::Hang).await;
    e.add("hanging", &hanging.url, "new-critical").await;
    let failing = vec![check(CRIT, Severity::Critical, Outcome::Fail)];
    let (status, took) = e
        .upload("main", &report(Some(Level::Bronze), failing, "t4"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(took < Duration::from_secs(5), "the upload waited {took:?}");
    until("an attempt at the hanging receiver", || async {
        let d = store.deliveries(1).await.unwrap();
        d[0].attempts >= 1
    })
    .await;
    let d = &store.deliveries(1).await.unwrap()[0];
    assert_eq!(d.kind, "new-critical");
    assert_eq!(d.state, "pending");
    let a = store.delivery_attempts(d.id).await.unwrap();
    assert_eq!(a[0].status, None);
    let err = a[0].error.as_deref().unwrap_or("");
    assert!(err.contains("did not answer"), "{err}");
    assert!(!err.contains("s3cr3t"), "{err}");
    let payload: serde_json::Value = serde_json::from_str(&d.payload).unwrap();
    assert_eq!(payload["checks"], serde_json::json!([CRIT]));
    assert!(hanging.requests.load(Ordering::SeqCst) >= 1);
    // The flaky receiver subscribed to level drops only: nothing new for it.
    assert_eq!(flaky.requests.load(Ordering::SeqCst), 3);
    worker.abort();

    // Removing a webhook takes its pending deliveries with it.
    let hanging_id = store.webhooks().await.unwrap()[1].id;
    assert!(
        webhooks::remove(store.as_ref(), hanging_id, "test", 0)
            .await
            .unwrap()
    );
    assert!(
        store
            .deliveries(10)
            .await
            .unwrap()
            .iter()
            .all(|d| d.webhook_id != hanging_id)
    );
    assert!(
        !webhooks::remove(store.as_ref(), hanging_id, "test", 0)
            .await
            .unwrap()
    );
}

/// A waiver of the latest report that expired yesterday is announced once,
/// however many rounds (or replicas) look.
async fn waivers_expire(store: Arc<dyn Store>) {
    let e = env(store.clone()).await;
    let r = receiver(Behaviour::Statuses(vec![])).await;
    e.add("waivers", &r.url, "waiver-expired").await;
    let now = shipshape_server::time::now();
    let yesterday = shipshape_server::campaigns::day_of(now - 2 * 86_400);
    let mut waived = check("security/tls", Severity::High, Outcome::Waived);
    waived.waiver = Some(WaiverNote {
        reason: "migrating the load balancer".into(),
        owner: Some("ops@acme.example".into()),
        expires: Some(yesterday.clone()),
        original: Outcome::Fail,
    });
    let (status, _) = e
        .upload("main", &report(Some(Level::Gold), vec![waived], "w1"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        webhooks::raise_due(store.as_ref(), "a", now).await.unwrap(),
        Some(1)
    );
    // The same holder again, later: already raised.
    assert_eq!(
        webhooks::raise_due(store.as_ref(), "a", now + 60)
            .await
            .unwrap(),
        Some(0)
    );
    // Another replica while the lease runs: skips the round.
    assert_eq!(
        webhooks::raise_due(store.as_ref(), "b", now + 60)
            .await
            .unwrap(),
        None
    );
    webhooks::deliver_once(&store, "a", &fast()).await.unwrap();
    let got = r.delivered.lock().await.clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["event"], "waiver-expired");
    assert_eq!(got[0]["check"], "security/tls");
    assert_eq!(got[0]["expires"], yesterday.as_str());
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap()
            .contains("migrating the load balancer")
    );
}

#[tokio::test]
async fn sqlite_webhooks_retry_and_never_block_uploads() {
    let dir = tempfile::tempdir().unwrap();
    let s = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    suite(s).await;
}

#[tokio::test]
async fn sqlite_expired_waivers_are_announced_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    waivers_expire(s).await;
}

#[tokio::test]
async fn postgres_webhooks_retry_and_never_block_uploads() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    suite(store::open(&url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_expired_waivers_are_announced_once() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    waivers_expire(store::open(&url).await.unwrap()).await;
}

/// Two replicas (two stores on one database, two workers) deliver each of many
/// events exactly once between them.
#[tokio::test]
async fn postgres_two_replicas_deliver_each_event_once() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let a = store::open(&url).await.unwrap();
    let b = store::open(&url).await.unwrap();
    let e = env(a.clone()).await;
    let r = receiver(Behaviour::Statuses(vec![])).await;
    e.add("both", &r.url, "level-drop").await;
    let ok = vec![check(CRIT, Severity::Critical, Outcome::Pass)];
    // Ten drops: gold → none, alternating with recoveries.
    for i in 0..20 {
        let level = (i % 2 == 0).then_some(Level::Gold);
        let (status, _) = e
            .upload("main", &report(level, ok.clone(), &format!("r{i}")))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let policy = Policy { batch: 2, ..fast() };
    let wa = tokio::spawn(webhooks::run_forever(a.clone(), "replica-a".into(), policy));
    let wb = tokio::spawn(webhooks::run_forever(b.clone(), "replica-b".into(), policy));
    until("ten deliveries", || async {
        let d = a.deliveries(100).await.unwrap();
        d.len() == 10 && d.iter().all(|d| d.state == "delivered")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    wa.abort();
    wb.abort();
    assert_eq!(r.requests.load(Ordering::SeqCst), 10);
    let mut ids: Vec<i64> = r
        .delivered
        .lock()
        .await
        .iter()
        .map(|p| p["report_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10, "each event once");
}
