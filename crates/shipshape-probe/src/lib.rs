//! shipshape's live probe: `shipshape probe URL` judges the production readiness of a
//! running HTTP service from the outside.
//!
//! Same shape as the scan: [`run`] gathers responses once (the only code that touches
//! the network, in `gather`, every operation under a deadline and the whole run under
//! `max_duration`), then the pure checks in `checks/` evaluate those observations into
//! `shipshape_model::CheckResult`s. Credentials never reach the report: see `redact`.

mod checks;
mod classify;
mod endpoints;
mod error;
mod gather;
mod http;
mod legacy;
mod load;
pub mod metrics_text;
mod observe;
mod options;
mod redact;
mod target;
mod tls;

pub use endpoints::{
    MAX_ENDPOINTS, Metric, OpenApiRoutes, Route, THRESHOLD_FORMS, Threshold, openapi_routes,
    parse_endpoint, parse_threshold,
};
pub use error::ProbeError;
pub use options::{
    DEFAULT_MAX_METRICS_BYTES, LoadOptions, MAX_LOAD_CONNECTIONS, MAX_LOAD_DURATION, MAX_LOAD_RATE,
    MAX_METRICS_BYTES, MAX_PROBE_DURATION, ProbeOptions, parse_duration, parse_size, split_header,
};
pub use target::redact_userinfo;

use checks::{Phase, REGISTRY};
use shipshape_model::{
    CheckInfo, CheckResult, Diagnostic, DiagnosticLevel, GateOutcome, Report, ReportStats,
    SCHEMA_VERSION, ToolInfo, Unit, UnitKind, UnitReport, score_unit,
};
use std::collections::HashSet;
use std::time::Duration;

/// Every probe check's public description, in report order.
pub fn catalog() -> Vec<CheckInfo> {
    REGISTRY.iter().map(|c| c.info()).collect()
}

fn invalid(option: &str, reason: impl Into<String>) -> ProbeError {
    ProbeError::InvalidOption {
        option: option.to_string(),
        reason: reason.into(),
    }
}

/// Validate the options and pick the checks to run.
fn select(opts: &ProbeOptions) -> Result<Vec<&'static checks::ProbeCheck>, ProbeError> {
    let known: HashSet<&str> = REGISTRY.iter().map(|c| c.id).collect();
    for (option, ids) in [("checks", &opts.checks), ("skip", &opts.skip)] {
        for id in ids {
            if !known.contains(id.as_str()) {
                return Err(invalid(
                    option,
                    format!(
                        "unknown check id `{id}` (see `shipshape checks`; probe ids start with `probe/`)"
                    ),
                ));
            }
        }
    }
    for (name, value) in &opts.headers {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(invalid(
                "header",
                format!("`{name}` is not a valid header name"),
            ));
        }
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            // Never echo the value: it may be a secret.
            return Err(invalid(
                "header",
                format!("the value of `{name}` contains a line break or NUL"),
            ));
        }
    }
    if let Some(l) = &opts.load {
        if !(1..=MAX_LOAD_RATE).contains(&l.rate) {
            return Err(invalid(
                "rate",
                format!(
                    "{} requests per second is out of range: give 1 to {MAX_LOAD_RATE}",
                    l.rate
                ),
            ));
        }
        if !(1..=MAX_LOAD_CONNECTIONS).contains(&l.connections) {
            return Err(invalid(
                "connections",
                format!(
                    "{} connections is out of range: give 1 to {MAX_LOAD_CONNECTIONS}",
                    l.connections
                ),
            ));
        }
        if l.duration < Duration::from_secs(1) || l.duration > MAX_LOAD_DURATION {
            return Err(invalid(
                "duration",
                format!(
                    "{:?} is out of range: give 1s to {}s",
                    l.duration,
                    MAX_LOAD_DURATION.as_secs()
                ),
            ));
        }
    }
    if opts.timeout.is_zero() || opts.timeout > MAX_PROBE_DURATION {
        return Err(invalid(
            "timeout",
            format!(
                "{:?} is out of range: give more than 0 and at most {}s (default 5s)",
                opts.timeout,
                MAX_PROBE_DURATION.as_secs()
            ),
        ));
    }
    if opts.max_duration < Duration::from_secs(1) || opts.max_duration > MAX_PROBE_DURATION {
        return Err(invalid(
            "max-duration",
            format!(
                "{:?} is out of range: give 1s to {}s (default 120s)",
                opts.max_duration,
                MAX_PROBE_DURATION.as_secs()
            ),
        ));
    }
    routes(opts)?;
    if !(1024..=MAX_METRICS_BYTES).contains(&opts.max_metrics_bytes) {
        return Err(invalid(
            "max-metrics-bytes",
            format!(
                "{} is out of range: give 1024 to {MAX_METRICS_BYTES} bytes (default {DEFAULT_MAX_METRICS_BYTES}, 16 MiB)",
                opts.max_metrics_bytes
            ),
        ));
    }
    if let Some(name) = &opts.metric_requests
        && (name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':'))
    {
        return Err(invalid(
            "metric-requests",
            format!("`{name}` is not a metric name (letters, digits, `_` and `:`)"),
        ));
    }
    for (option, p) in [
        ("health-path", &opts.health_path),
        ("readiness-path", &opts.readiness_path),
        ("metrics-path", &opts.metrics_path),
    ] {
        if let Some(p) = p
            && (!p.starts_with('/') || p.bytes().any(|b| b.is_ascii_control() || b == b' '))
        {
            return Err(invalid(
                option,
                format!("`{p}` must be a path starting with `/`, without spaces"),
            ));
        }
    }
    Ok(REGISTRY
        .iter()
        .copied()
        .filter(|c| opts.checks.is_empty() || opts.checks.iter().any(|id| id == c.id))
        .filter(|c| !opts.skip.iter().any(|id| id == c.id))
        .collect())
}

/// The user's routes and thresholds, parsed and split.
struct Routes {
    /// POST/PUT/PATCH routes, at most [`MAX_ENDPOINTS`].
    body: Vec<Route>,
    /// GET routes for the load run, at most [`MAX_ENDPOINTS`].
    load: Vec<Route>,
    thresholds: Vec<Threshold>,
    /// Sentences for the report (routes left out).
    notes: Vec<String>,
}

fn routes(opts: &ProbeOptions) -> Result<Routes, ProbeError> {
    let mut out = Routes {
        body: vec![],
        load: vec![],
        thresholds: vec![],
        notes: vec![],
    };
    let mut left_body = Vec::new();
    let mut left_load = Vec::new();
    let mut unused = Vec::new();
    for text in &opts.endpoints {
        let r = parse_endpoint(text).map_err(|e| invalid("endpoint", e))?;
        if out.body.contains(&r) || out.load.contains(&r) {
            continue;
        }
        match r.method.as_str() {
            _ if r.takes_body() && out.body.len() < MAX_ENDPOINTS => out.body.push(r),
            _ if r.takes_body() => left_body.push(r.to_string()),
            "GET" if out.load.len() < MAX_ENDPOINTS => out.load.push(r),
            "GET" => left_load.push(r.to_string()),
            _ => unused.push(r.to_string()),
        }
    }
    for (what, left) in [
        ("body endpoints (POST/PUT/PATCH)", &left_body),
        ("load endpoints (GET)", &left_load),
    ] {
        if !left.is_empty() {
            out.notes.push(format!(
                "{} {what} given; the first {MAX_ENDPOINTS} were probed, not: {}",
                MAX_ENDPOINTS + left.len(),
                left.join(", ")
            ));
        }
    }
    if !unused.is_empty() {
        out.notes.push(format!(
            "endpoints not probed (only POST, PUT and PATCH get bodies and only GET gets load): {}",
            unused.join(", ")
        ));
    }
    for text in &opts.thresholds {
        out.thresholds
            .push(parse_threshold(text).map_err(|e| invalid("threshold", e))?);
    }
    if !out.thresholds.is_empty() && opts.load.is_none() {
        return Err(invalid(
            "threshold",
            "thresholds need --load (or a [probe.load] section): without a load run there is nothing to judge",
        ));
    }
    Ok(out)
}

/// How long a probe with these options may take at most, and why: the slow-client
/// connections are held up to 65 s against a server that does not cut them off, and a
/// load run adds its duration, a 3 s spike and up to 10 s of recovery. The requests
/// under slow clients (about 12 s) run inside the slow-client window, so they add time
/// only without it or after a load run. `None` when the options are invalid (`run`
/// reports why).
pub fn expected_duration(opts: &ProbeOptions) -> Option<(Duration, String)> {
    let selected = select(opts).ok()?;
    let phases: HashSet<Phase> = selected
        .iter()
        .flat_map(|c| c.needs.iter().copied())
        .collect();
    let mut total = Duration::from_secs(10);
    let mut why = "the requests themselves".to_string();
    if phases.contains(&Phase::SlowClients) {
        total = gather::SLOW_CLIENT_LIMIT;
        why = format!(
            "the slow-client check holds connections up to {} s unless the server cuts them off (--skip probe/slow-clients for a quick run)",
            gather::SLOW_CLIENT_LIMIT.as_secs()
        );
    }
    // The requests under slow clients run inside the slow-client window when it runs;
    // alone they add their own length.
    if phases.contains(&Phase::Exhaustion) && !phases.contains(&Phase::SlowClients) {
        total = Duration::from_secs(10) + gather::exhaustion_duration(opts.timeout);
        why = format!(
            "{why}; the requests under {} slow clients take up to {} s",
            gather::EXHAUSTION_CONNECTIONS,
            gather::exhaustion_duration(opts.timeout).as_secs()
        );
    }
    if let Some(l) = &opts.load
        && phases.contains(&Phase::Load)
    {
        let mut load = l.duration.min(MAX_LOAD_DURATION) + Duration::from_secs(20);
        if phases.contains(&Phase::Exhaustion) {
            // It runs after the load run.
            load += gather::exhaustion_duration(opts.timeout);
        }
        total = total.max(Duration::from_secs(10) + load);
        why = format!("{why}; the load run takes its duration plus a spike and recovery");
    }
    let cap = opts.max_duration.min(MAX_PROBE_DURATION);
    if total > cap {
        total = cap;
        why = format!("{why}; capped by --max-duration");
    }
    Some((total, why))
}

fn note(code: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Warning,
        code: code.to_string(),
        message: message.into(),
        path: None,
    }
}

/// Probe a running service and build its report.
///
/// Builds its own tokio runtime: call it from synchronous code (it returns an error
/// when called inside an async runtime). `progress` receives short status lines.
/// The report has `command = "probe"`, one unit (named after the host, kind service),
/// scores from `score_unit`, and a gate left as passed (the CLI applies gate options).
pub fn run(opts: &ProbeOptions, progress: &dyn Fn(&str)) -> Result<Report, ProbeError> {
    let started = std::time::Instant::now();
    let target = target::Target::parse(&opts.url)?;
    let selected = select(opts)?;
    let routes = routes(opts)?;
    let mut diagnostics: Vec<Diagnostic> = routes
        .notes
        .iter()
        .map(|n| note("endpoints-bounded", n.clone()))
        .collect();
    // `select` refused every value outside its bounds: nothing is clamped here.
    let max_duration = opts.max_duration;
    let load = opts.load.clone();
    if let Some(l) = &load
        && l.duration + Duration::from_secs(20) > max_duration
    {
        diagnostics.push(note(
            "load-budget",
            format!("the load run ({:?}) plus the other phases may not fit in max-duration {max_duration:?}; later phases are cut short", l.duration),
        ));
    }
    if !opts.allow_load_non_loopback
        && load.is_some()
        && !target.is_loopback_name()
        && target.host.parse::<std::net::IpAddr>().is_ok()
    {
        return Err(ProbeError::LoadRefused {
            host: target.host.clone(),
        });
    }
    let tls = if target.https {
        let roots = tls::load_roots(opts.ca_file.as_deref())?;
        Some(tls::TlsSetup::new(
            &target.host,
            roots,
            opts.ca_file.is_some(),
        )?)
    } else {
        None
    };
    let phases: HashSet<Phase> = selected
        .iter()
        .flat_map(|c| c.needs.iter().copied())
        .collect();
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(ProbeError::Runtime(std::io::Error::other(
            "shipshape_probe::run was called inside an async runtime; call it from synchronous code",
        )));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ProbeError::Runtime)?;
    let (obs, notes) = rt.block_on(async {
        let deadline =
            tokio::time::Instant::now() + max_duration.saturating_sub(Duration::from_millis(500));
        gather::gather(gather::Plan {
            opts,
            target: target.clone(),
            phases,
            load,
            tls,
            deadline,
            progress,
            body_routes: routes.body.clone(),
            load_routes: routes.load.clone(),
            thresholds: routes.thresholds.clone(),
        })
        .await
    })?;
    // Background tasks are all joined or bounded; do not wait on stragglers.
    rt.shutdown_timeout(Duration::from_millis(100));
    diagnostics.extend(notes.into_iter().map(|n| note("probe-budget", n)));

    let mut redactor = redact::Redactor::new(&opts.headers);
    for ex in obs.all_exchanges() {
        if let Some(r) = ex.response() {
            redactor.add_set_cookies(r);
        }
    }
    let reachable = obs.reachable();
    let results: Vec<CheckResult> = selected
        .iter()
        .map(|c| {
            // The run's own state is never the service's fault: a check whose phases ran
            // while the target was away, or were cut by the probe's budget, is not
            // evaluated (survived judges the downtime itself).
            let blocked = match c.id {
                "probe/reachable" | "probe/survived" => None,
                _ => obs.not_evaluated(c.needs),
            };
            // The TLS checks have their own handshakes: a target whose first request
            // failed in TLS is still judged by them (gather inspected its TLS).
            let own_handshakes = obs.tls.is_some() && c.needs.iter().all(|p| *p == Phase::Tls);
            let out = if !reachable && c.id != "probe/reachable" && !own_handshakes {
                checks::CheckOutcome::error(format!("not evaluated: {} did not answer", target.url))
            } else if let Some(why) = blocked {
                checks::CheckOutcome::error(why)
            } else {
                (c.evaluate)(&obs)
            };
            let mut findings = out.findings;
            for f in &mut findings {
                f.fingerprint = f.compute_fingerprint(c.id);
            }
            CheckResult {
                scope: Default::default(),
                id: c.id.to_string(),
                title: c.title.to_string(),
                area: c.area,
                severity: c.severity,
                outcome: out.outcome,
                summary: out.summary,
                findings,
                remediation: c.remediation.to_string(),
                waiver: None,
                baselined: false,
            }
        })
        .collect();
    let (scores, level) = score_unit(&results);
    let bytes: u64 = obs
        .all_exchanges()
        .iter()
        .filter_map(|e| e.response())
        .map(|r| r.body.len() as u64)
        .sum();
    let mut report = Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "shipshape".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        command: "probe".to_string(),
        target: target.url.clone(),
        profile: "default".to_string(),
        generated_at: jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        units: vec![UnitReport {
            unit: Unit {
                name: target.host.clone(),
                path: target.root_path(),
                kind: UnitKind::Service,
                kind_source: "probe target".to_string(),
                tier: None,
                owner: None,
            },
            scores,
            level,
            required_level: None,
            checks: results,
        }],
        rollup: None,
        diagnostics,
        gate: GateOutcome {
            passed: true,
            reasons: Vec::new(),
            fail_under: None,
            fail_on: None,
            min_level: None,
            baseline: false,
        },
        stats: ReportStats {
            files_seen: 0,
            bytes_read: bytes,
            files_skipped: 0,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        },
        changes: None,
    };
    redactor.redact_report(&mut report);
    Ok(report)
}

/// The outcome of a standalone load run (see [`load_benchmark`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSummary {
    pub target_rate: f64,
    pub achieved_rate: f64,
    pub completed: u64,
    /// HTTP ≥ 400, timeouts, resets and unsent requests.
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// Only with at least 1,000 samples.
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// Run the open-model load generator alone against `url`, to benchmark the generator
/// itself. Loopback targets only; the rate is *not* clamped to [`MAX_LOAD_RATE`]
/// (connections and duration are).
pub fn load_benchmark(
    url: &str,
    rate: u32,
    duration: Duration,
    connections: u32,
) -> Result<LoadSummary, ProbeError> {
    let target = target::Target::parse(url)?;
    if target.https {
        return Err(invalid("url", "the load benchmark speaks plain http only"));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ProbeError::Runtime)?;
    let phase = rt.block_on(async {
        let addrs: Vec<std::net::SocketAddr> =
            tokio::net::lookup_host((target.host.as_str(), target.port))
                .await
                .map_err(|e| invalid("url", format!("cannot resolve `{}`: {e}", target.host)))?
                .collect();
        if addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
            return Err(ProbeError::LoadRefused {
                host: target.host.clone(),
            });
        }
        let connector = std::sync::Arc::new(http::Connector { addrs, tls: None });
        let requests = std::sync::Arc::new(vec![http::encode(
            &http::Req::get(target.root_path()),
            &target.host_header(),
            &[],
        )]);
        let duration = duration.min(MAX_LOAD_DURATION).max(Duration::from_secs(1));
        let spec = load::PhaseSpec {
            path: target.root_path(),
            requests,
            rate: f64::from(rate.max(1)),
            duration,
            connections: connections.clamp(1, MAX_LOAD_CONNECTIONS),
            timeout: Duration::from_secs(5),
        };
        let hard = tokio::time::Instant::now() + duration + Duration::from_secs(15);
        Ok(load::run_phase(spec, connector, hard).await)
    })?;
    rt.shutdown_timeout(Duration::from_millis(100));
    let lat = phase.latency.as_ref();
    Ok(LoadSummary {
        target_rate: phase.target_rate,
        achieved_rate: phase.achieved_rate,
        completed: phase.completed,
        errors: phase.http_errors + phase.net_errors + phase.status_429_503 + phase.unsent,
        p50_ms: lat.map(|l| l.p50_ms),
        p95_ms: lat.map(|l| l.p95_ms),
        p99_ms: lat.and_then(|l| l.p99_ms),
        max_ms: lat.map(|l| l.max_ms),
    })
}
