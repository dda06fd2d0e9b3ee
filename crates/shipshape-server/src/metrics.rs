//! Prometheus metrics (`/metrics`, OpenMetrics text) and the one middleware every
//! request goes through: it refuses TRACE/CONNECT (405) and unknown methods (501),
//! joins the caller's W3C trace (`traceresponse`), sets `nosniff` (and `no-store`
//! on authenticated requests), counts the request by method, route and status,
//! times it by route, and writes one JSON log line.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UploadLabels {
    result: String,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn duration_histogram() -> Histogram {
    // 1 ms … ~16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The server's metrics. Counters are per process; Prometheus sums replicas.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: HistogramFamily,
    uploads: Family<UploadLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    process_cpu: Counter<f64, AtomicU64>,
    process_resident: Gauge<f64, AtomicU64>,
    process_start: Gauge<f64, AtomicU64>,
    process_fds: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut root = Registry::default();
        let process_cpu = Counter::<f64, AtomicU64>::default();
        let process_resident = Gauge::<f64, AtomicU64>::default();
        let process_start = Gauge::<f64, AtomicU64>::default();
        let process_fds = Gauge::<f64, AtomicU64>::default();
        root.register(
            "process_cpu_seconds",
            "User and system CPU time",
            process_cpu.clone(),
        );
        root.register(
            "process_resident_memory_bytes",
            "Resident memory",
            process_resident.clone(),
        );
        root.register(
            "process_start_time_seconds",
            "Start time since the Unix epoch",
            process_start.clone(),
        );
        root.register(
            "process_open_fds",
            "Open file descriptors",
            process_fds.clone(),
        );
        let registry = root.sub_registry_with_prefix("shipshape");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: HistogramFamily = Family::new_with_constructor(duration_histogram);
        let uploads = Family::<UploadLabels, Counter>::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process by state (idle, in_use)",
            pool.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request durations by route",
            durations.clone(),
        );
        registry.register(
            "uploads",
            "Report uploads by result (created, duplicate, rejected)",
            uploads.clone(),
        );
        Metrics {
            registry: root,
            requests,
            durations,
            uploads,
            pool,
            process_cpu,
            process_resident,
            process_start,
            process_fds,
        }
    }
}

impl Metrics {
    /// Counts an upload: `created`, `duplicate` or `rejected`.
    pub fn upload(&self, result: &str) {
        self.uploads
            .get_or_create(&UploadLabels {
                result: result.to_string(),
            })
            .inc();
    }

    /// The OpenMetrics text exposition; `pool` is the store's `(open, idle)`.
    pub fn encode(&self, pool: (u32, u32)) -> Result<String, std::fmt::Error> {
        let (open, idle) = pool;
        for (state, n) in [("idle", idle), ("in_use", open.saturating_sub(idle))] {
            self.pool
                .get_or_create(&PoolLabels {
                    state: state.to_string(),
                })
                .set(i64::from(n));
        }
        if let Some(p) = crate::process::sample() {
            let delta = p.cpu_seconds - self.process_cpu.get();
            if delta > 0.0 {
                self.process_cpu.inc_by(delta);
            }
            self.process_resident.set(p.resident_bytes);
            self.process_start.set(p.start_time_seconds);
            self.process_fds.set(p.open_fds);
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// Middleware: records the request in the metrics and the log. The route is the
/// matched pattern (`/api/v1/reports/{id}`), never the raw path, so label
/// cardinality stays bounded.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let trace = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(TraceParent::parse);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let mut res = match req.method() {
        &Method::GET
        | &Method::HEAD
        | &Method::POST
        | &Method::PUT
        | &Method::PATCH
        | &Method::DELETE
        | &Method::OPTIONS => next.run(req).await,
        &Method::TRACE | &Method::CONNECT => {
            crate::error::Error::MethodNotAllowed(method.clone()).into_response()
        }
        _ => crate::error::Error::NotImplemented(method.clone()).into_response(),
    };
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if authenticated {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let trace_id = trace.as_ref().map(|t| t.trace_id.clone());
    if let Some(value) = trace
        .and_then(|t| t.response())
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        headers.insert("traceresponse", value);
    }
    let elapsed = start.elapsed();
    let status = res.status().as_u16();
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: status.to_string(),
        })
        .inc();
    state
        .metrics
        .durations
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    tracing::info!(
        method,
        route,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        trace_id,
        "request"
    );
    res
}

/// A valid W3C `traceparent` of version 00.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: String,
    pub flags: String,
}

impl TraceParent {
    pub fn parse(v: &str) -> Option<TraceParent> {
        let parts: Vec<&str> = v.trim().split('-').collect();
        let hex = |s: &str, n: usize| {
            s.len() == n
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        match parts.as_slice() {
            ["00", trace, parent, flags]
                if hex(trace, 32)
                    && hex(parent, 16)
                    && hex(flags, 2)
                    && trace.bytes().any(|b| b != b'0')
                    && parent.bytes().any(|b| b != b'0') =>
            {
                Some(TraceParent {
                    trace_id: trace.to_string(),
                    flags: flags.to_string(),
                })
            }
            _ => None,
        }
    }

    /// `traceresponse`: the caller's trace id with this request's own span id.
    pub fn response(&self) -> Option<String> {
        let mut span = [0u8; 8];
        getrandom::fill(&mut span).ok()?;
        if span == [0; 8] {
            span[7] = 1;
        }
        let span: String = span.iter().map(|b| format!("{b:02x}")).collect();
        Some(format!("00-{}-{span}-{}", self.trace_id, self.flags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent() {
        let t =
            TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        let r = t.response().unwrap();
        assert!(r.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "{r}");
        assert!(r.ends_with("-01"));
        assert_eq!(r.len(), 55);
        assert!(
            TraceParent::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_none()
        );
        assert!(
            TraceParent::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_none()
        );
        assert!(TraceParent::parse("garbage").is_none());
    }
}
