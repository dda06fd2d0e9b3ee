//! End-to-end probe of well-behaved and broken services on 127.0.0.1 (HTTP).

mod common;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::*;
use shipshape_model::Outcome::{self, *};
use std::time::{Duration, Instant};

#[test]
fn well_behaved_service_passes() {
    let server = good_server();
    let started = Instant::now();
    let report = probe(&opts(&server.url()));
    let took = started.elapsed();
    let unit = &report.units[0];
    assert_eq!(report.command, "probe");
    assert_eq!(unit.unit.name, "127.0.0.1");
    let not_passing: Vec<String> = unit
        .checks
        .iter()
        .filter(|c| !matches!(c.outcome, Pass | Outcome::NotApplicable))
        .map(|c| format!("{} {}: {}", c.id, c.outcome, c.summary))
        .collect();
    assert!(
        not_passing.is_empty(),
        "unexpected verdicts:\n{}",
        not_passing.join("\n")
    );
    for id in [
        "probe/reachable",
        "probe/liveness-endpoint",
        "probe/readiness-endpoint",
        "probe/health-format",
        "probe/metrics-endpoint",
        "probe/metrics-parse",
        "probe/metrics-red",
        "probe/metrics-truth",
        "probe/metrics-cardinality",
        "probe/unknown-path",
        "probe/methods",
        "probe/api-headers",
        "probe/error-format",
        "probe/oversized-body",
        "probe/trace-visible",
        "probe/traceparent-robust",
        "probe/malformed-bodies",
        "probe/hostile-requests",
        "probe/survived",
        "probe/slow-clients",
        "probe/slow-client-exhaustion",
    ] {
        expect(&report, id, Pass);
    }
    expect(&report, "probe/tls-protocols", NotApplicable);
    assert_eq!(
        unit.level,
        Some(shipshape_model::Level::Gold),
        "{:?}",
        unit.scores
    );
    assert!(took < Duration::from_secs(15), "full probe took {took:?}");
}

#[test]
fn missing_health_endpoint_fails_liveness() {
    let app = Router::new().route("/", get(|| async { "hello" }));
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec![
        "probe/liveness-endpoint".into(),
        "probe/readiness-endpoint".into(),
        "probe/metrics-endpoint".into(),
    ];
    let report = probe(&o);
    expect(&report, "probe/liveness-endpoint", Fail);
    expect(&report, "probe/readiness-endpoint", Fail);
    expect(&report, "probe/metrics-endpoint", Fail);
    assert_eq!(
        report.units[0].level, None,
        "a failing ★ check means not ready"
    );
}

#[test]
fn health_down_with_200_is_incoherent() {
    let app = Router::new().route("/", get(|| async { "hello" })).route(
        "/health",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "application/json")],
                "{\"status\":\"DOWN\"}",
            )
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec![
        "probe/health-coherent".into(),
        "probe/liveness-endpoint".into(),
        "probe/health-format".into(),
    ];
    let report = probe(&o);
    expect(&report, "probe/health-coherent", Fail);
    expect(&report, "probe/liveness-endpoint", Warn);
    expect(&report, "probe/health-format", Pass);
}

#[test]
fn malformed_metrics_fail_the_strict_parse() {
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/metrics",
        get(|| async {
            "# TYPE http_requests_total counter\nhttp_requests_total{status=200} 1\nhttp_requests_total{status=\"200\"} 2\nhttp_requests_total{status=\"200\"} 3\n"
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec![
        "probe/metrics-endpoint".into(),
        "probe/metrics-parse".into(),
        "probe/metrics-truth".into(),
    ];
    let report = probe(&o);
    expect(&report, "probe/metrics-endpoint", Pass);
    expect(&report, "probe/metrics-parse", Fail);
    let summary = &result(&report, "probe/metrics-parse").summary;
    assert!(summary.contains("not quoted"), "{summary}");
}

#[test]
fn stack_traces_on_bad_json_are_caught() {
    let app = Router::new().route(
        "/",
        get(|| async { "hi" }).post(|| async {
            (StatusCode::INTERNAL_SERVER_ERROR, "Traceback (most recent call last):\n  File \"/app/views.py\", line 12, in create\n    data = json.loads(body)\njson.decoder.JSONDecodeError: Expecting value")
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec![
        "probe/no-stack-traces".into(),
        "probe/malformed-bodies".into(),
        "probe/error-format".into(),
    ];
    let report = probe(&o);
    expect(&report, "probe/no-stack-traces", Fail);
    expect(&report, "probe/malformed-bodies", Fail);
    expect(&report, "probe/error-format", Warn);
}

#[test]
fn server_error_on_oversized_bodies_fails() {
    let app = Router::new().route(
        "/",
        get(|| async { "hi" }).post(|headers: HeaderMap| async move {
            let big = headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                > 1_000_000;
            if big {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            }
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/oversized-body".into()];
    let report = probe(&o);
    expect(&report, "probe/oversized-body", Fail);
}

#[test]
fn reflected_origin_with_credentials_fails_cors() {
    let app = Router::new().route(
        "/",
        get(|headers: HeaderMap| async move {
            let origin = headers.get(header::ORIGIN).cloned();
            let mut resp = "hi".into_response();
            if let Some(o) = origin {
                resp.headers_mut()
                    .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
                resp.headers_mut().insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    "true".parse().unwrap(),
                );
            }
            resp
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/cors".into()];
    let report = probe(&o);
    expect(&report, "probe/cors", Fail);
    assert_eq!(report.units[0].level, None);
    let good = good_server();
    let mut o = opts(&good.url());
    o.checks = vec!["probe/cors".into()];
    expect(&probe(&o), "probe/cors", Pass);
}

#[test]
fn ends_within_budget_against_a_silent_target() {
    let server = silent_server();
    let mut o = opts(&server.url());
    o.max_duration = Duration::from_secs(6);
    o.timeout = Duration::from_secs(2);
    let started = Instant::now();
    let report = probe(&o);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    expect(&report, "probe/reachable", Fail);
    assert!(
        result(&report, "probe/reachable")
            .summary
            .contains("timed out")
    );
    expect(&report, "probe/liveness-endpoint", Error);
}

#[test]
fn ends_within_budget_against_a_trickling_target() {
    let server = trickle_server();
    let mut o = opts(&server.url());
    o.max_duration = Duration::from_secs(10);
    o.timeout = Duration::from_secs(2);
    let started = Instant::now();
    let report = probe(&o);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(12), "took {took:?}");
    expect(&report, "probe/reachable", Pass);
    // Discovery was cut by the probe's own budget before every candidate was tried:
    // not evaluated, never blamed on the service.
    expect(&report, "probe/liveness-endpoint", Error);
    assert!(
        result(&report, "probe/liveness-endpoint")
            .summary
            .contains("--max-duration")
    );
}

#[test]
fn credentials_never_appear_in_the_report() {
    // The service echoes every request header in its body and sets a session cookie.
    let app = Router::new()
        .route(
            "/",
            get(|headers: HeaderMap| async move {
                let echo: Vec<String> = headers
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("")))
                    .collect();
                (
                    [(header::SET_COOKIE, "session=SETCOOKIE-VALUE-789; Path=/")],
                    echo.join("\n"),
                )
            }),
        )
        .route(
            "/healthz",
            get(|headers: HeaderMap| async move { format!("{headers:?}") }),
        );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.headers = vec![
        ("Authorization".into(), "Bearer SECRET-TOKEN-123".into()),
        ("Cookie".into(), "session=COOKIE-VALUE-456".into()),
        ("X-Api-Key".into(), "APIKEY-VALUE-000".into()),
    ];
    let report = probe(&o);
    let json = serde_json::to_string(&report).unwrap();
    for secret in [
        "SECRET-TOKEN-123",
        "COOKIE-VALUE-456",
        "SETCOOKIE-VALUE-789",
        "APIKEY-VALUE-000",
    ] {
        assert!(!json.contains(secret), "{secret} leaked into the report");
    }
    // The evidence is still there, redacted.
    assert!(json.contains("<redacted>"));
    expect(&report, "probe/cookies", Fail);
}

#[test]
fn service_that_dies_under_load_fails() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let count = Arc::new(AtomicU64::new(0));
    let c2 = count.clone();
    let app = Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/livez", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let c = c2.clone();
                async move {
                    if c.fetch_add(1, Ordering::Relaxed) > 150 {
                        // Dead: never answer again.
                        std::future::pending::<()>().await;
                    }
                    next.run(req).await
                }
            },
        ));
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.timeout = Duration::from_secs(1);
    o.checks = vec![
        "probe/latency-under-load".into(),
        "probe/survived".into(),
        "probe/overload-behaviour".into(),
    ];
    o.load = Some(shipshape_probe::LoadOptions {
        rate: 200,
        duration: Duration::from_secs(2),
        connections: 8,
    });
    let report = probe(&o);
    expect(&report, "probe/latency-under-load", Fail);
    expect(&report, "probe/survived", Fail);
    expect(&report, "probe/overload-behaviour", Fail);
}

#[test]
fn healthy_service_passes_a_load_run() {
    let server = good_server();
    let mut o = opts(&server.url());
    o.checks = vec![
        "probe/latency-under-load".into(),
        "probe/latency-inflation".into(),
        "probe/overload-behaviour".into(),
    ];
    o.load = Some(shipshape_probe::LoadOptions {
        rate: 200,
        duration: Duration::from_secs(2),
        connections: 8,
    });
    let report = probe(&o);
    expect(&report, "probe/latency-under-load", Pass);
    expect(&report, "probe/overload-behaviour", Pass);
    let s = &result(&report, "probe/latency-under-load").summary;
    assert!(s.contains("p50"), "{s}");
}

#[test]
fn load_against_non_loopback_is_refused() {
    let mut o = opts("http://192.0.2.10:8080");
    o.load = Some(shipshape_probe::LoadOptions::default());
    let err = shipshape_probe::run(&o, &|_| {}).unwrap_err().to_string();
    assert!(err.contains("allow-load-non-loopback"), "{err}");
}

#[test]
fn bad_options_are_clear_errors() {
    let mut o = opts("ftp://x");
    assert!(
        shipshape_probe::run(&o, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("http://")
    );
    o.url = "http://127.0.0.1:1".into();
    o.checks = vec!["probe/nope".into()];
    assert!(
        shipshape_probe::run(&o, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("probe/nope")
    );
    o.checks.clear();
    o.headers = vec![("Authorization".into(), "Bearer SECRET\r\nX: y".into())];
    let e = shipshape_probe::run(&o, &|_| {}).unwrap_err().to_string();
    assert!(e.contains("line break") && !e.contains("SECRET"), "{e}");
}

#[test]
fn probe_section_deserialises_from_toml() {
    let o: shipshape_probe::ProbeOptions = toml::from_str(
        "url = \"http://127.0.0.1:8080\"\nhealth-path = \"/livez\"\ntimeout = \"2s\"\nmax-duration = 90\nheaders = { Authorization = \"Bearer x\" }\nskip = [\"probe/slow-clients\"]\n[load]\nrate = 50\nduration = \"5s\"\nconnections = 4\n",
    )
    .unwrap();
    assert_eq!(o.timeout, Duration::from_secs(2));
    assert_eq!(o.max_duration, Duration::from_secs(90));
    assert_eq!(
        o.headers,
        vec![("Authorization".to_string(), "Bearer x".to_string())]
    );
    assert_eq!(o.load.unwrap().rate, 50);
    let err = toml::from_str::<shipshape_probe::ProbeOptions>("timeot = 3")
        .unwrap_err()
        .to_string();
    assert!(err.contains("timeot"), "{err}");
}
