//! Test doubles for the probe's integration tests: well-behaved and deliberately broken
//! services on 127.0.0.1:0 (axum over hyper, optionally behind TLS), and raw TCP servers
//! that hang or trickle. Every server runs on its own runtime so that the probe's
//! `run` (which builds its own runtime) can be called from the test thread.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use shipshape_model::{CheckResult, Outcome, Report};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server running on its own runtime; dropping it stops the server.
pub struct Server {
    pub addr: SocketAddr,
    _rt: tokio::runtime::Runtime,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
}

/// Serve an axum app over HTTP/1.1 with a 2 s header-read timeout, optionally over TLS.
pub fn serve(app: Router, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
    let rt = runtime();
    let addr = rt.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let svc = TowerToHyperService::new(app.clone());
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(2));
                    match acceptor {
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                        Some(acc) => {
                            if let Ok(Ok(s)) =
                                tokio::time::timeout(Duration::from_secs(5), acc.accept(stream))
                                    .await
                            {
                                let _ = builder.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                    }
                });
            }
        });
        addr
    });
    Server { addr, _rt: rt }
}

/// Per-route histogram: bucket counts, count, sum.
type Buckets = (Vec<u64>, u64, f64);

/// Request metrics of the well-behaved service.
#[derive(Default)]
pub struct Metrics {
    counts: Mutex<BTreeMap<(String, String, u16), u64>>,
    hist: Mutex<BTreeMap<String, Buckets>>,
    pub start: f64,
    pub requests: AtomicU64,
}

const BUCKETS: &[f64] = &[0.005, 0.01, 0.05, 0.1, 0.5, 1.0];

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            start: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64()
                .floor(),
            ..Metrics::default()
        }
    }

    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        *self
            .counts
            .lock()
            .unwrap()
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let mut h = self.hist.lock().unwrap();
        let e = h
            .entry(route.to_string())
            .or_insert_with(|| (vec![0; BUCKETS.len()], 0, 0.0));
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                e.0[i] += 1;
            }
        }
        e.1 += 1;
        e.2 += secs;
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "# HELP http_requests_total Requests handled.\n# TYPE http_requests_total counter\n",
        );
        for ((m, r, s), v) in self.counts.lock().unwrap().iter() {
            out.push_str(&format!(
                "http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {v}\n"
            ));
        }
        out.push_str("# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram\n");
        for (r, (b, c, sum)) in self.hist.lock().unwrap().iter() {
            for (i, le) in BUCKETS.iter().enumerate() {
                out.push_str(&format!(
                    "http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{le}\"}} {}\n",
                    b[i]
                ));
            }
            out.push_str(&format!(
                "http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {c}\n"
            ));
            out.push_str(&format!(
                "http_request_duration_seconds_sum{{route=\"{r}\"}} {sum}\n"
            ));
            out.push_str(&format!(
                "http_request_duration_seconds_count{{route=\"{r}\"}} {c}\n"
            ));
        }
        out.push_str(&format!(
            "# HELP process_start_time_seconds Start time of the process.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds {}\n",
            self.start
        ));
        out
    }
}

fn problem(status: StatusCode, title: &str) -> Response {
    let body =
        serde_json::json!({"type": "about:blank", "title": title, "status": status.as_u16()});
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn valid_traceparent(v: &str) -> Option<String> {
    let parts: Vec<&str> = v.split('-').collect();
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (parts.len() == 4
        && parts[0] == "00"
        && hex(parts[1], 32)
        && parts[1].bytes().any(|b| b != b'0')
        && hex(parts[2], 16)
        && parts[2].bytes().any(|b| b != b'0')
        && hex(parts[3], 2))
    .then(|| parts[1].to_string())
}

async fn good_middleware(State(m): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    m.requests.fetch_add(1, Ordering::Relaxed);
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_string(), |p| p.as_str().to_string());
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    let trace = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(valid_traceparent);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut resp = if header_bytes > 16 * 1024 {
        problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request headers too large",
        )
    } else if declared.is_some_and(|l| l > 1024 * 1024) {
        problem(StatusCode::PAYLOAD_TOO_LARGE, "Body too large")
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    let trace_id = trace.unwrap_or_else(|| {
        format!(
            "{:032x}",
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
                | 1
        )
    });
    if let Ok(v) = HeaderValue::from_str(&format!("00-{trace_id}-00f067aa0ba902b7-01")) {
        h.insert("traceresponse", v);
    }
    m.observe(
        &method,
        &route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

async fn json_post(body: Body) -> Response {
    let bytes = match tokio::time::timeout(
        Duration::from_secs(2),
        axum::body::to_bytes(body, 1024 * 1024),
    )
    .await
    {
        Err(_) => return problem(StatusCode::REQUEST_TIMEOUT, "Body too slow"),
        Ok(Err(_)) => return problem(StatusCode::PAYLOAD_TOO_LARGE, "Body too large"),
        Ok(Ok(b)) => b,
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(m)) if m.get("name").is_some_and(|n| n.is_string()) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"ok": true})),
        )
            .into_response(),
        Ok(_) => problem(StatusCode::UNPROCESSABLE_ENTITY, "Invalid fields"),
        Err(_) => problem(StatusCode::BAD_REQUEST, "Invalid JSON"),
    }
}

async fn post_root(headers: HeaderMap, body: Body) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Use application/json");
    }
    json_post(body).await
}

fn health_json(status: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/health+json")],
        format!("{{\"status\":\"{status}\"}}"),
    )
        .into_response()
}

/// A service that does everything right.
pub fn good_app() -> (Router, Arc<Metrics>) {
    let metrics = Arc::new(Metrics::new());
    let m2 = metrics.clone();
    let app = Router::new()
        .route(
            "/",
            get(|| async { axum::Json(serde_json::json!({"service": "demo"})) }).post(post_root),
        )
        .route("/livez", get(|| async { health_json("pass") }))
        .route("/readyz", get(|| async { health_json("pass") }))
        .route(
            "/metrics",
            get(move || {
                let m = m2.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        m.render(),
                    )
                }
            }),
        )
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "Not found") })
        .layer(middleware::from_fn_with_state(
            metrics.clone(),
            good_middleware,
        ));
    (app, metrics)
}

pub fn good_server() -> Server {
    serve(good_app().0, None)
}

/// A raw server that accepts connections and never answers.
pub fn silent_server() -> Server {
    let rt = runtime();
    let addr = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = listener.accept().await {
                held.push(s);
            }
        });
        addr
    });
    Server { addr, _rt: rt }
}

/// A raw server that answers `GET / ` at once and trickles one byte per second otherwise.
pub fn trickle_server() -> Server {
    let rt = runtime();
    let addr = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let mut got = Vec::new();
                        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                            match s.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => got.extend_from_slice(&buf[..n]),
                            }
                        }
                        if got.starts_with(b"GET / ") {
                            let body = "{\"ok\":true}";
                            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                            if s.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            continue;
                        }
                        for b in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".iter().chain(std::iter::repeat(&b'x')) {
                            if s.write_all(&[*b]).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                });
            }
        });
        addr
    });
    Server { addr, _rt: rt }
}

/// Options for a probe of `url` with a short budget.
pub fn opts(url: &str) -> shipshape_probe::ProbeOptions {
    shipshape_probe::ProbeOptions {
        url: url.to_string(),
        timeout: Duration::from_secs(3),
        max_duration: Duration::from_secs(60),
        ..Default::default()
    }
}

pub fn probe(o: &shipshape_probe::ProbeOptions) -> Report {
    shipshape_probe::run(o, &|_| {}).expect("probe runs")
}

pub fn result<'a>(r: &'a Report, id: &str) -> &'a CheckResult {
    r.units[0]
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

/// Assert an outcome, printing the result when it differs.
pub fn expect(r: &Report, id: &str, want: Outcome) {
    let c = result(r, id);
    assert_eq!(c.outcome, want, "{id}: {} {:#?}", c.summary, c.findings);
}

/// A service that crashes on its first POST (every connection dropped, the port closed),
/// stays down for `down_for`, and comes back on the same port with a new
/// process_start_time_seconds — a crash-and-restart under a supervisor.
pub fn crash_restart_server(down_for: Duration) -> Server {
    use std::sync::atomic::AtomicBool;
    let rt = runtime();
    let addr = rt.block_on(async move {
        let bind = |addr: SocketAddr| {
            let sock = tokio::net::TcpSocket::new_v4().expect("socket");
            sock.set_reuseaddr(true).expect("reuseaddr");
            sock.bind(addr).expect("bind");
            sock.listen(128).expect("listen")
        };
        let listener = bind("127.0.0.1:0".parse().unwrap());
        let addr = listener.local_addr().expect("addr");
        let crashed = Arc::new(AtomicBool::new(false));
        tokio::spawn(async move {
            let mut listener = Some(listener);
            for generation in 0u64.. {
                let crash = Arc::new(tokio::sync::Notify::new());
                let start = 1_700_000_000 + generation;
                let (c1, c2) = (crash.clone(), crashed.clone());
                let app = Router::new()
                    .route(
                        "/",
                        get(|| async { axum::Json(serde_json::json!({"ok": true})) }).post(
                            move || {
                                let (crash, crashed) = (c1.clone(), c2.clone());
                                async move {
                                    if !crashed.swap(true, Ordering::SeqCst) {
                                        crash.notify_one();
                                        std::future::pending::<()>().await;
                                    }
                                    problem(StatusCode::BAD_REQUEST, "Invalid JSON")
                                }
                            },
                        ),
                    )
                    .route("/livez", get(|| async { health_json("pass") }))
                    .route(
                        "/metrics",
                        get(move || async move {
                            (
                                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                                format!("# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds {start}\n"),
                            )
                        }),
                    )
                    .fallback(|| async { problem(StatusCode::NOT_FOUND, "Not found") });
                let l = listener.take().expect("listener");
                let mut conns = tokio::task::JoinSet::new();
                loop {
                    tokio::select! {
                        acc = l.accept() => {
                            let Ok((stream, _)) = acc else { break };
                            let svc = TowerToHyperService::new(app.clone());
                            conns.spawn(async move {
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), svc)
                                    .await;
                            });
                        }
                        _ = crash.notified() => break,
                    }
                }
                // The crash: the port closes and every connection drops.
                drop(l);
                conns.abort_all();
                while conns.join_next().await.is_some() {}
                tokio::time::sleep(down_for).await;
                listener = Some(bind(addr));
            }
        });
        addr
    });
    Server { addr, _rt: rt }
}
