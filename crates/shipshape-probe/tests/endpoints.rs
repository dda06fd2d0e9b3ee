//! Real routes under test (`endpoints`) and k6-style load thresholds (`thresholds`),
//! against axum test doubles on 127.0.0.1.

mod common;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::{get, post};
use common::*;
use shipshape_model::Outcome::*;
use shipshape_probe::LoadOptions;
use std::time::Duration;

/// `/` is fine (GET and a POST refused with 400); `POST /api/items` 500s on bodies that
/// are not JSON (4 of the 7 malformed cases) and accepts the rest,
/// as a handler that unwraps its parse would.
fn items_app() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { "hi" }).post(|| async { StatusCode::BAD_REQUEST }),
        )
        .route(
            "/api/items",
            post(|body: Bytes| async move {
                match serde_json::from_slice::<serde_json::Value>(&body) {
                    Ok(_) => (StatusCode::CREATED, "created"),
                    Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "panicked at parse"),
                }
            }),
        )
}

#[test]
fn a_real_route_that_500s_on_bad_json_fails_malformed_bodies_only_when_named() {
    let server = serve(items_app(), None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/malformed-bodies".into()];
    // Without the endpoint the probe only sees `/`, which refuses properly.
    expect(&probe(&o), "probe/malformed-bodies", Pass);
    o.endpoints = vec!["POST /api/items".into()];
    let report = probe(&o);
    expect(&report, "probe/malformed-bodies", Fail);
    let r = result(&report, "probe/malformed-bodies");
    assert!(
        r.findings.iter().all(|f| f.message.contains("500")
            && format!("{:?}", f.location).contains("POST /api/items")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn oversized_bodies_go_to_each_body_endpoint_with_its_method() {
    // POST /api/items refuses big bodies by their Content-Length; PUT 500s on anything.
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/api/items",
        post(|| async { StatusCode::PAYLOAD_TOO_LARGE })
            .put(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/oversized-body".into()];
    o.endpoints = vec!["POST /api/items".into(), "PUT /api/items".into()];
    let report = probe(&o);
    expect(&report, "probe/oversized-body", Fail);
    let r = result(&report, "probe/oversized-body");
    let at: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{:?}", f.location))
        .collect();
    assert_eq!(at.len(), 2, "{at:#?}");
    assert!(at.iter().all(|l| l.contains("PUT /api/items")), "{at:#?}");
}

#[test]
fn more_than_eight_body_endpoints_are_bounded_and_said_in_the_report() {
    let server = serve(items_app(), None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/malformed-bodies".into()];
    o.endpoints = (0..10).map(|i| format!("POST /api/items?n={i}")).collect();
    let report = probe(&o);
    let note = report
        .diagnostics
        .iter()
        .find(|d| d.code == "endpoints-bounded")
        .expect("a diagnostic names the endpoints left out");
    assert!(
        note.message.contains("10 body endpoints"),
        "{}",
        note.message
    );
    assert!(
        note.message.contains("POST /api/items?n=9"),
        "{}",
        note.message
    );
    assert_eq!(
        result(&report, "probe/malformed-bodies").summary,
        "32 of 56 malformed bodies caused a server error"
    );
}

/// `/slow` sleeps 300 ms, so its latencies are at least 300 ms whatever the machine does.
fn slow_app() -> Router {
    Router::new().route("/", get(|| async { "hi" })).route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "slow"
        }),
    )
}

fn load_opts(url: &str, thresholds: &[&str]) -> shipshape_probe::ProbeOptions {
    let mut o = opts(url);
    o.checks = vec!["probe/load-thresholds".into()];
    o.endpoints = vec!["GET /slow".into()];
    o.thresholds = thresholds.iter().map(|t| t.to_string()).collect();
    o.load = Some(LoadOptions {
        rate: 20,
        duration: Duration::from_secs(1),
        connections: 16,
    });
    o
}

#[test]
fn thresholds_hold_on_the_named_slow_route() {
    let server = serve(slow_app(), None);
    let report = probe(&load_opts(&server.url(), &["p50>=300ms", "errors<1%"]));
    expect(&report, "probe/load-thresholds", Pass);
    let r = result(&report, "probe/load-thresholds");
    assert!(
        r.findings[0].message.contains("on /slow"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_threshold_the_slow_route_cannot_meet_fails_with_its_observed_value() {
    let server = serve(slow_app(), None);
    let report = probe(&load_opts(&server.url(), &["p50<100ms"]));
    expect(&report, "probe/load-thresholds", Fail);
    let msg = &result(&report, "probe/load-thresholds").findings[0].message;
    assert!(msg.starts_with("p50<100ms: observed p50 3"), "{msg}");
}

#[test]
fn thresholds_without_load_and_foreign_hosts_are_refused() {
    let mut o = opts("http://127.0.0.1:9");
    o.thresholds = vec!["p95<300ms".into()];
    let e = shipshape_probe::run(&o, &|_| {}).unwrap_err().to_string();
    assert!(e.contains("thresholds need --load"), "{e}");
    let mut o = opts("http://127.0.0.1:9");
    o.endpoints = vec!["POST http://other.example/api/items".into()];
    let e = shipshape_probe::run(&o, &|_| {}).unwrap_err().to_string();
    assert!(e.contains("`POST /api/items`"), "{e}");
}
