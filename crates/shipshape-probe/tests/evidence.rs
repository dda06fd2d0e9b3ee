//! Evidence before verdict: checks decide from bodies and headers, not from the status
//! alone. Each test runs a small misbehaving (or Prometheus-like) server on 127.0.0.1
//! and is named after the wrong verdict it pins.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use common::*;
use shipshape_model::Outcome::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const HEALTH_CHECKS: &[&str] = &[
    "probe/liveness-endpoint",
    "probe/readiness-endpoint",
    "probe/management-exposure",
    "probe/metrics-endpoint",
];

fn only(o: &mut shipshape_probe::ProbeOptions, ids: &[&str]) {
    o.checks = ids.iter().map(|s| s.to_string()).collect();
}

/// A metrics page whose counter moves on every request, as a real one does.
fn metrics_page(n: u64) -> String {
    format!(
        "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {n}\n# HELP up Up.\n# TYPE up gauge\nup 1\n# HELP process_start_time_seconds Start.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1700000000\n"
    )
}

#[test]
fn metrics_page_on_every_path_is_no_health_endpoint() {
    let n = Arc::new(AtomicU64::new(0));
    let app = Router::new().fallback(move || {
        let v = n.fetch_add(1, Ordering::Relaxed);
        async move {
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                metrics_page(v),
            )
        }
    });
    let server = serve(app, None);
    let mut o = opts(&server.url());
    only(&mut o, HEALTH_CHECKS);
    let report = probe(&o);
    expect(&report, "probe/liveness-endpoint", Fail);
    expect(&report, "probe/readiness-endpoint", Fail);
    let tried =
        serde_json::to_string(&result(&report, "probe/liveness-endpoint").findings).unwrap();
    assert!(tried.contains("metrics exposition"), "{tried}");
    // The page itself is a fine metrics page.
    expect(&report, "probe/metrics-endpoint", Pass);
}

#[test]
fn octet_stream_everywhere_is_not_evidence() {
    let app = Router::new().fallback(|| async {
        (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            "38 bytes of opaque data, no heap dump",
        )
    });
    let server = serve(app, None);
    let mut o = opts(&server.url());
    only(&mut o, HEALTH_CHECKS);
    let report = probe(&o);
    expect(&report, "probe/management-exposure", Pass);
    expect(&report, "probe/metrics-endpoint", Fail);
    expect(&report, "probe/liveness-endpoint", Fail);
}

#[test]
fn real_hprof_heap_dump_is_exposed() {
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/actuator/heapdump",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "application/octet-stream")],
                b"JAVA PROFILE 1.0.2\0\0\0\0\x08\0\0\x01\x8c".to_vec(),
            )
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    only(&mut o, &["probe/management-exposure"]);
    let report = probe(&o);
    expect(&report, "probe/management-exposure", Fail);
}

/// Prometheus and Alertmanager answer `/-/healthy` and `/-/ready` with a short text.
fn prometheus_like() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    axum::http::StatusCode::FOUND,
                    [(header::LOCATION, "/graph")],
                )
            }),
        )
        .route(
            "/-/healthy",
            get(|| async { "Prometheus Server is Healthy.\n" }),
        )
        .route(
            "/-/ready",
            get(|| async { "Prometheus Server is Ready.\n" }),
        )
        .route(
            "/metrics",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    metrics_page(1),
                )
            }),
        )
        .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "404 page not found\n") })
}

#[test]
fn prometheus_health_paths_are_tried() {
    let server = serve(prometheus_like(), None);
    let mut o = opts(&server.url());
    only(
        &mut o,
        &["probe/liveness-endpoint", "probe/readiness-endpoint"],
    );
    let report = probe(&o);
    expect(&report, "probe/liveness-endpoint", Pass);
    expect(&report, "probe/readiness-endpoint", Pass);
    assert!(
        result(&report, "probe/liveness-endpoint")
            .summary
            .contains("/-/healthy")
    );
}

#[test]
fn endless_nul_metrics_are_read_with_a_cap_and_do_not_pass() {
    // An endless body of NUL bytes: the probe reads at most the cap and stops.
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/metrics",
        get(|| async {
            let chunk = bytes_chunk();
            let stream = futures_stream(chunk);
            (
                [(header::CONTENT_TYPE, "text/plain")],
                Body::from_stream(stream),
            )
                .into_response()
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.max_metrics_bytes = 2 * 1024 * 1024;
    only(&mut o, &["probe/metrics-endpoint", "probe/metrics-parse"]);
    let started = std::time::Instant::now();
    let report = probe(&o);
    expect(&report, "probe/metrics-endpoint", Fail);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

fn bytes_chunk() -> axum::body::Bytes {
    axum::body::Bytes::from(vec![0u8; 64 * 1024])
}

/// An endless stream of `chunk`.
fn futures_stream(
    chunk: axum::body::Bytes,
) -> impl futures_core::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send {
    struct Endless(axum::body::Bytes);
    impl futures_core::Stream for Endless {
        type Item = Result<axum::body::Bytes, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(Some(Ok(self.0.clone())))
        }
    }
    Endless(chunk)
}

/// A valid exposition of about `bytes` bytes (many series of one gauge).
fn big_page(bytes: usize) -> String {
    let mut out = String::from("# HELP item_size Size.\n# TYPE item_size gauge\n");
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&format!("item_size{{id=\"{i:08}\"}} {i}\n"));
        i += 1;
    }
    out
}

fn big_metrics_server() -> Server {
    let page = Arc::new(big_page(1_300_000));
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/metrics",
        get(move || {
            let p = page.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    (*p).clone(),
                )
            }
        }),
    );
    serve(app, None)
}

#[test]
fn large_metrics_page_is_read_whole() {
    let server = big_metrics_server();
    let mut o = opts(&server.url());
    only(&mut o, &["probe/metrics-endpoint", "probe/metrics-parse"]);
    let report = probe(&o);
    expect(&report, "probe/metrics-parse", Pass);
}

#[test]
fn metrics_cut_at_the_cap_is_not_a_syntax_error() {
    let server = big_metrics_server();
    let mut o = opts(&server.url());
    o.max_metrics_bytes = 256 * 1024;
    only(&mut o, &["probe/metrics-endpoint", "probe/metrics-parse"]);
    let report = probe(&o);
    expect(&report, "probe/metrics-endpoint", Pass);
    expect(&report, "probe/metrics-parse", Error);
    let s = &result(&report, "probe/metrics-parse").summary;
    assert!(s.contains("cut at 262144 bytes"), "{s}");
}

#[test]
fn scrape_counter_is_not_taken_for_the_request_counter() {
    // node_exporter's only "requests" counter counts scrapes of /metrics.
    let scrapes = Arc::new(AtomicU64::new(0));
    let app = Router::new().route("/", get(|| async { "hi" })).route(
        "/metrics",
        get(move || {
            let n = scrapes.fetch_add(1, Ordering::Relaxed);
            async move {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    format!("# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n# TYPE promhttp_metric_handler_requests_total counter\npromhttp_metric_handler_requests_total{{code=\"200\"}} {n}\n"),
                )
            }
        }),
    );
    let server = serve(app, None);
    let mut o = opts(&server.url());
    only(&mut o, &["probe/metrics-truth", "probe/metrics-red"]);
    let report = probe(&o);
    expect(&report, "probe/metrics-truth", NotApplicable);
    // Named by the user, it is used — and shown.
    o.metric_requests = Some("promhttp_metric_handler_requests_total".into());
    let report = probe(&o);
    let truth = result(&report, "probe/metrics-truth");
    let f = serde_json::to_string(&truth.findings).unwrap();
    assert!(f.contains("given with --metric-requests"), "{f}");
    assert_eq!(truth.outcome, Fail, "{}", truth.summary);
}
