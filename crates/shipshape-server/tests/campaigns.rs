//! Campaigns, teams and the fleet view of one check, end to end in-process, on
//! SQLite and (when `SHIPSHAPE_TEST_POSTGRES_URL` is set; always in CI) PostgreSQL.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use shipshape_model::{
    Area, CheckResult, GateOutcome, Level, Outcome, Report, ReportStats, SCHEMA_VERSION, Scores,
    Severity, ToolInfo, Unit, UnitKind, UnitReport,
};
use shipshape_server::auth::Scope;
use shipshape_server::campaigns::{LEASE_TTL, snapshot_once};
use shipshape_server::store::{self, Store};
use shipshape_server::{AppState, Config, app, tokens};
use std::sync::Arc;
use tower::ServiceExt;

mod support;
use support::fresh_postgres;

fn check(id: &str, severity: Severity, outcome: Outcome) -> CheckResult {
    let area: Area = id.split('/').next().unwrap().parse().unwrap();
    CheckResult {
        scope: Default::default(),
        id: id.into(),
        title: format!("title of {id}"),
        area,
        severity,
        outcome,
        summary: String::new(),
        findings: if outcome == Outcome::Fail {
            vec![shipshape_model::Finding {
                message: format!("{id} failed here"),
                location: Some(shipshape_model::Location {
                    path: "src/main.rs".into(),
                    line: Some(7),
                    column: None,
                }),
                snippet: None,
                key: None,
                fingerprint: "f".into(),
            }]
        } else {
            vec![]
        },
        remediation: "fix it".into(),
        waiver: None,
        baselined: false,
    }
}

const SECRETS: &str = "security/secrets-in-repo";
const HEALTH: &str = "observability/health-endpoint";
const README: &str = "documentation/readme";

/// A one-unit report: owner, tier and the outcomes of the three checks above.
fn report(
    owner: Option<&str>,
    tier: Option<u8>,
    level: Option<Level>,
    outcomes: [Outcome; 3],
) -> String {
    let checks = vec![
        check(SECRETS, Severity::Critical, outcomes[0]),
        check(HEALTH, Severity::High, outcomes[1]),
        check(README, Severity::Medium, outcomes[2]),
    ];
    let r = Report {
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
                name: "svc".into(),
                path: ".".into(),
                kind: UnitKind::Service,
                kind_source: "test".into(),
                tier,
                owner: owner.map(str::to_string),
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
    };
    serde_json::to_string(&r).unwrap()
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (StatusCode, Value) {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let req = b
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

fn detail(v: &Value) -> &str {
    v["detail"].as_str().unwrap_or_default()
}

async fn upload(app: &Router, token: &str, repo: &str, commit: &str, body: String) -> i64 {
    let (s, v) = send(
        app,
        "POST",
        &format!("/api/v1/reports?repository={repo}&commit={commit}&ref=main"),
        Some(token),
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn suite(store: Arc<dyn Store>) {
    use Outcome::{Fail, Pass};
    let now = shipshape_server::time::now();
    let app = app(AppState::new(store.clone(), Config::default()));
    let mk = |name: &'static str, scope| {
        let store = store.clone();
        async move {
            tokens::create(store.as_ref(), name, scope, None, None, "test", now)
                .await
                .unwrap()
                .token
        }
    };
    let admin = mk("admin", Scope::Admin).await;
    let reader = mk("reader", Scope::Read).await;
    let ci = mk("ci", Scope::Upload).await;

    // acme/api: tier 1 (needs gold), bronze: health (high) and readme (medium) fail.
    let first = upload(
        &app,
        &ci,
        "acme/api",
        "c1",
        report(
            Some("@acme/pay"),
            Some(1),
            Some(Level::Bronze),
            [Pass, Fail, Fail],
        ),
    )
    .await;
    // acme/web: tier 2 (needs silver), silver: readme fails.
    upload(
        &app,
        &ci,
        "acme/web",
        "c1",
        report(
            Some("@acme/web"),
            Some(2),
            Some(Level::Silver),
            [Pass, Pass, Fail],
        ),
    )
    .await;
    // other/lib: no owner, no tier, gold.
    upload(
        &app,
        &ci,
        "other/lib",
        "c1",
        report(None, None, Some(Level::Gold), [Pass, Pass, Pass]),
    )
    .await;

    // ---- campaigns: writes need an admin token and a valid body.
    let silver = json!({
        "name": "Everyone to silver",
        "target": { "level": "silver" },
        "deadline": "2027-03-31"
    })
    .to_string();
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        None,
        Some(silver.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    assert!(detail(&v).contains("scope admin"), "{v}");
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&reader),
        Some(silver.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&admin),
        Some("{".into()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(detail(&v).contains("not valid JSON"), "{v}");
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&admin),
        Some(r#"{"name":"x","target":{"level":"platinum"}}"#.into()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(detail(&v).contains("target.level"), "{v}");
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&admin),
        Some(r#"{"name":"x","target":{"level":"gold"},"color":1}"#.into()),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(detail(&v).contains("unknown field"), "{v}");
    let huge = json!({ "name": "x".repeat(100_000), "target": { "level": "gold" } }).to_string();
    let (s, v) = send(&app, "POST", "/api/v1/campaigns", Some(&admin), Some(huge)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        store.campaigns().await.unwrap().is_empty(),
        "nothing stored by refused writes"
    );

    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&admin),
        Some(silver),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let silver_id = v["id"].as_i64().unwrap();
    assert_eq!(v["progress"]["units_in_scope"], 3);
    assert_eq!(v["progress"]["units_meeting"], 2);
    let short = v["progress"]["units_short"].as_array().unwrap();
    assert_eq!(short.len(), 1);
    assert_eq!(short[0]["unit"]["repository"], "acme/api");
    assert_eq!(short[0]["unit"]["owner"], "@acme/pay");
    assert_eq!(
        short[0]["blocking"],
        json!([{ "check": HEALTH, "outcome": "fail", "severity": "high" }])
    );
    assert_eq!(v["deadline"], "2027-03-31");
    assert_eq!(v["created_by"], "token:1:admin");

    let readme = json!({
        "name": "READMEs in acme",
        "target": { "checks": [README] },
        "filter": { "repository": "acme/*" }
    })
    .to_string();
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/campaigns",
        Some(&admin),
        Some(readme),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let readme_id = v["id"].as_i64().unwrap();
    assert_eq!(v["progress"]["units_in_scope"], 2);
    assert_eq!(v["progress"]["units_meeting"], 0);
    assert_eq!(v["progress"]["percent"], 0.0);

    // Area narrows the checks: for security alone everyone is gold.
    let (s, v) = send(
        &app,
        "PUT",
        &format!("/api/v1/campaigns/{readme_id}"),
        Some(&admin),
        Some(
            json!({
                "name": "Security gold for tier 1",
                "target": { "level": "gold" },
                "filter": { "area": "security", "tier": 1 }
            })
            .to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "Security gold for tier 1");
    assert_eq!(v["progress"]["units_in_scope"], 1);
    assert_eq!(v["progress"]["units_meeting"], 1);
    let (s, _) = send(
        &app,
        "PUT",
        "/api/v1/campaigns/999",
        Some(&admin),
        Some(r#"{"name":"x","target":{"level":"gold"}}"#.into()),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = send(&app, "GET", "/api/v1/campaigns", Some(&reader), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list = v["campaigns"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list[0]["progress"].get("units_short").is_none());
    assert!(list[0].get("history").is_none());

    // ---- snapshots: one replica at a time, under a lease.
    assert_eq!(
        snapshot_once(store.as_ref(), "replica-a", now)
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        snapshot_once(store.as_ref(), "replica-b", now + 60)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        snapshot_once(store.as_ref(), "replica-a", now + 60)
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        snapshot_once(store.as_ref(), "replica-b", now + 60 + LEASE_TTL)
            .await
            .unwrap(),
        Some(2),
        "a lapsed lease is taken over"
    );
    let (s, v) = send(
        &app,
        "GET",
        &format!("/api/v1/campaigns/{silver_id}"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let history = v["history"].as_array().unwrap();
    assert!(!history.is_empty() && history.len() <= 2, "{v}");
    assert_eq!(history[0]["units_in_scope"], 3);
    assert_eq!(history[0]["units_meeting"], 2);
    assert_eq!(history[0]["day"], shipshape_server::campaigns::day_of(now));

    // ---- teams.
    let (s, v) = send(&app, "GET", "/api/v1/teams", Some(&reader), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let teams = v["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 3);
    assert_eq!(teams[0]["team"], "@acme/pay");
    assert_eq!(teams[0]["units"], 1);
    assert_eq!(teams[0]["meeting"], 0);
    assert_eq!(teams[0]["by_tier"][0]["required_level"], "gold");
    let held: Vec<&str> = teams[0]["holding_back"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["check"].as_str().unwrap())
        .collect();
    assert_eq!(held, [README, HEALTH]);
    assert_eq!(
        teams[0]["holding_back"][0]["title"],
        format!("title of {README}")
    );
    assert_eq!(teams[1]["team"], "@acme/web");
    assert_eq!(
        teams[1]["meeting"], 1,
        "tier 2 needs silver, and it is silver"
    );
    assert!(teams[1]["holding_back"].as_array().unwrap().is_empty());
    assert_eq!(teams[2]["team"], Value::Null);
    assert_eq!(teams[2]["by_level"]["gold"], 1);
    let (s, v) = send(&app, "GET", "/api/v1/teams/@acme/pay", Some(&reader), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["team"], "@acme/pay");
    assert_eq!(v["unit_list"][0]["repository"], "acme/api");
    assert_eq!(v["unit_list"][0]["meets_required_level"], false);
    let (s, v) = send(
        &app,
        "GET",
        "/api/v1/teams/%40acme%2Fpay",
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "percent-encoded names work too: {v}");
    let (s, v) = send(&app, "GET", "/api/v1/teams/@nobody", Some(&reader), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(detail(&v).contains("@nobody"), "{v}");
    let (s, _) = send(&app, "GET", "/api/v1/teams", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // ---- one check across the fleet, since when.
    let second = upload(
        &app,
        &ci,
        "acme/api",
        "c2",
        report(
            Some("@acme/pay"),
            Some(1),
            Some(Level::Bronze),
            [Pass, Fail, Pass],
        ),
    )
    .await;
    let path = format!("/api/v1/checks/{HEALTH}");
    let (s, v) = send(&app, "GET", &path, Some(&reader), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["check"]["title"], format!("title of {HEALTH}"));
    assert_eq!(v["check"]["severity"], "high");
    assert_eq!(v["outcomes"], json!({ "fail": 1, "pass": 2 }));
    assert_eq!(v["failing"].as_array().unwrap().len(), 1);
    assert_eq!(v["failing"][0]["unit"]["repository"], "acme/api");
    assert_eq!(
        v["failing"][0]["since_report"], first,
        "failing since the first report, not {second}"
    );
    assert_eq!(
        v["failing"][0]["findings"],
        json!([{ "file": "src/main.rs", "line": 7, "message": format!("{HEALTH} failed here") }])
    );
    let (s, r) = send(
        &app,
        "GET",
        &format!("/api/v1/reports/{second}"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["report"]["units"][0]["checks"][1]["findings"][0]["location"]["line"], 7,
        "restored from its fragment: {r}"
    );
    upload(
        &app,
        &ci,
        "acme/api",
        "c3",
        report(
            Some("@acme/pay"),
            Some(1),
            Some(Level::Gold),
            [Pass, Pass, Pass],
        ),
    )
    .await;
    // (Not an earlier body again: the same body is the same report, by digest.)
    let fourth = upload(
        &app,
        &ci,
        "acme/api",
        "c4",
        report(
            Some("@acme/pay"),
            Some(1),
            Some(Level::Bronze),
            [Pass, Fail, Outcome::Warn],
        ),
    )
    .await;
    let (_, v) = send(&app, "GET", &path, Some(&reader), None).await;
    assert_eq!(
        v["failing"][0]["since_report"], fourth,
        "a fix ends the run: {v}"
    );
    let (s, v) = send(&app, "GET", "/api/v1/checks/speed/x", Some(&reader), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(detail(&v).contains("not an area"), "{v}");
    let (s, v) = send(
        &app,
        "GET",
        "/api/v1/checks/security/never-heard-of",
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(detail(&v).contains("no stored report"), "{v}");

    // ---- delete, and every write is in the audit log.
    let (s, _) = send(
        &app,
        "DELETE",
        &format!("/api/v1/campaigns/{silver_id}"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(
        &app,
        "DELETE",
        &format!("/api/v1/campaigns/{silver_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = send(
        &app,
        "DELETE",
        &format!("/api/v1/campaigns/{silver_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        store
            .campaign_snapshots(silver_id)
            .await
            .unwrap()
            .is_empty()
    );
    let audit = store.audit_log(100).await.unwrap();
    for action in [
        "campaign.create",
        "campaign.update",
        "campaign.delete",
        "campaign.snapshot",
    ] {
        assert!(
            audit.iter().any(|a| a.action == action),
            "{action} not audited"
        );
    }
    let created = audit
        .iter()
        .find(|a| a.action == "campaign.create")
        .unwrap();
    assert_eq!(created.actor, "token:1:admin");
    assert!(created.subject.starts_with("campaign:"));
}

#[tokio::test]
async fn campaigns_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!("sqlite://{}", dir.path().join("c.db").display()))
        .await
        .unwrap();
    suite(store).await;
}

#[tokio::test]
async fn campaigns_on_postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    suite(store::open(&url).await.unwrap()).await;
}
