//! Gathering: the only part of the probe that talks to the network. It sends every
//! request once, in a fixed order, each bounded by the per-request timeout and all
//! bounded by the probe's overall deadline, and returns the `Observations` the pure
//! checks evaluate. Slow-client connections run in the background meanwhile.

use crate::ProbeError;
use crate::checks::Phase;
use crate::checks::management_paths;
use crate::http::{Client, Connector, Req, encode};
use crate::legacy;
use crate::load::{PhaseSpec, run_phase};
use crate::metrics_text;
use crate::observe::*;
use crate::options::{LoadOptions, ProbeOptions};
use crate::target::Target;
use crate::tls::{TlsSetup, parse_cert};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, sleep_until, timeout_at};

/// Liveness candidates, most specific first: Kubernetes components, Prometheus and
/// Alertmanager (`/-/healthy`), MicroProfile/Quarkus, Spring Boot, then generic paths
/// and Consul's leader status.
pub const LIVENESS_PATHS: &[&str] = &[
    "/livez",
    "/healthz",
    "/-/healthy",
    "/health/live",
    "/health/liveness",
    "/actuator/health/liveness",
    "/health",
    "/actuator/health",
    "/status",
    "/ping",
    "/v1/status/leader",
];
/// Readiness candidates: Kubernetes, Prometheus (`/-/ready`), Envoy admin (`/ready`),
/// MicroProfile/Quarkus, Spring Boot.
pub const READINESS_PATHS: &[&str] = &[
    "/readyz",
    "/-/ready",
    "/ready",
    "/health/ready",
    "/health/readiness",
    "/actuator/health/readiness",
];
const METRICS_PATHS: &[&str] = &[
    "/metrics",
    "/actuator/prometheus",
    "/prometheus",
    "/metrics/prometheus",
];
const METRICS_ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// Directories often served by a file server; their bodies show whether listings are on.
pub const DIRECTORY_PATHS: &[&str] = &["/static/", "/assets/", "/files/", "/uploads/", "/images/"];
/// Requests sent between the first two scrapes (for metrics-truth).
pub const TRUTH_REQUESTS: u64 = 50;
/// Requests with random ids between the second and third scrapes (for metrics-cardinality).
pub const CARDINALITY_REQUESTS: u64 = 200;
/// The origin sent in CORS requests: a name that can never be registered.
pub const CORS_ORIGIN: &str = "https://shipshape-probe.invalid";

static SEED: AtomicU64 = AtomicU64::new(0x853c_49e6_748f_ea9b);

/// Random-looking lowercase hex (ids for paths and traces; not for secrets).
pub fn rand_hex(n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let mut z = SEED.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ nanos;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out.truncate(n);
    out
}

/// Everything `gather` needs besides the options.
pub struct Plan<'a> {
    pub opts: &'a ProbeOptions,
    pub target: Target,
    pub phases: HashSet<Phase>,
    pub load: Option<LoadOptions>,
    pub tls: Option<TlsSetup>,
    pub deadline: Instant,
    pub progress: &'a dyn Fn(&str),
    /// The user's POST/PUT/PATCH routes for malformed and oversized bodies (empty: the root).
    pub body_routes: Vec<crate::endpoints::Route>,
    /// The user's GET routes for the load run (empty: the root).
    pub load_routes: Vec<crate::endpoints::Route>,
    pub thresholds: Vec<crate::endpoints::Threshold>,
}

fn wants(plan: &Plan, p: Phase) -> bool {
    plan.phases.contains(&p)
}

async fn resolve(target: &Target, deadline: Instant) -> Result<Vec<SocketAddr>, NetError> {
    match timeout_at(
        deadline,
        tokio::net::lookup_host((target.host.as_str(), target.port)),
    )
    .await
    {
        Ok(Ok(addrs)) => {
            let v: Vec<SocketAddr> = addrs.collect();
            if v.is_empty() {
                Err(NetError::Dns(format!("`{}` has no address", target.host)))
            } else {
                Ok(v)
            }
        }
        Ok(Err(e)) => Err(NetError::Dns(e.to_string())),
        Err(_) => Err(NetError::Timeout {
            phase: "name resolution".into(),
        }),
    }
}

fn empty_observations(target: Target, root: Exchange, authenticated: bool) -> Observations {
    Observations {
        target,
        authenticated,
        root,
        tls: None,
        unknown_path: None,
        methods: vec![],
        directories: vec![],
        liveness: None,
        liveness_tried: vec![],
        readiness: None,
        readiness_tried: vec![],
        health_series: vec![],
        management: vec![],
        metrics: None,
        metrics_tried: vec![],
        trace: None,
        trace_malformed: vec![],
        cors: vec![],
        cors_origin: CORS_ORIGIN.to_string(),
        malformed: vec![],
        hostile: vec![],
        oversized: vec![],
        survived: None,
        slow: vec![],
        exhaustion: None,
        load: None,
        skipped: vec![],
        windows: vec![],
        budget_cut: vec![],
        down: vec![],
        thresholds: vec![],
    }
}

/// How long a slow-client connection is held at most.
pub const SLOW_CLIENT_LIMIT: Duration = Duration::from_secs(65);

/// Slow-header connections held at once to look for worker exhaustion: more than a
/// synchronous pool of 2 × cores + 1 workers on a small (2- or 3-core) machine, and,
/// with the background slow-headers connection, more than 8; yet few enough to be
/// harmless to any server that multiplexes connections.
pub const EXHAUSTION_CONNECTIONS: usize = 8;
/// Ordinary requests sent while they are held, one every [`EXHAUSTION_INTERVAL`].
pub const EXHAUSTION_REQUESTS: u32 = 5;
pub const EXHAUSTION_INTERVAL: Duration = Duration::from_secs(1);

/// How long the exhaustion phase takes at most with this per-request timeout: a
/// second for the held connections to be accepted, the requests spread over four
/// seconds, the last one's timeout, and a second of slack.
pub fn exhaustion_duration(timeout: Duration) -> Duration {
    EXHAUSTION_INTERVAL * (EXHAUSTION_REQUESTS + 1) + timeout + Duration::from_secs(1)
}

/// How often the liveness watcher connects.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// The liveness watcher: a TCP connect every [`WATCH_INTERVAL`] until `stop` says so.
/// Only refused or reset connections count as down (a timeout under load is ambiguous);
/// no HTTP request is sent, so the service's request counters are not disturbed.
async fn watch(
    addrs: Vec<SocketAddr>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Downtime> {
    let mut spans = Vec::new();
    let mut last_up = crate::http::unix_now();
    let mut current: Option<(f64, f64, String)> = None;
    let mut tick = tokio::time::interval(WATCH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let t = crate::http::unix_now();
        let mut outcome: Option<Result<(), String>> = None;
        for a in &addrs {
            match tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(a))
                .await
            {
                Ok(Ok(_)) => {
                    outcome = Some(Ok(()));
                    break;
                }
                Ok(Err(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
                    ) =>
                {
                    outcome = Some(Err(e.kind().to_string()))
                }
                _ => {}
            }
        }
        match (outcome, current.take()) {
            (Some(Ok(())), Some((up, from, detail))) => {
                spans.push(Downtime {
                    last_up: up,
                    from,
                    to: Some(t),
                    detail,
                });
                last_up = t;
            }
            (Some(Ok(())), None) => last_up = t,
            (Some(Err(e)), None) => current = Some((last_up, t, e)),
            (_, c) => current = c,
        }
    }
    if let Some((up, from, detail)) = current {
        spans.push(Downtime {
            last_up: up,
            from,
            to: None,
            detail,
        });
    }
    spans
}

/// Spans in which the probe's own requests were refused (nothing listened), from the
/// first refusal to the next answer.
fn refusal_spans(obs: &Observations) -> Vec<Downtime> {
    let mut exs = obs.all_exchanges();
    exs.sort_by(|a, b| a.started_at.total_cmp(&b.started_at));
    let mut spans = Vec::new();
    let mut last_up = obs.root.started_at;
    let mut current: Option<Downtime> = None;
    for ex in exs {
        match &ex.result {
            Ok(_) => {
                if let Some(mut d) = current.take() {
                    d.to = Some(ex.started_at);
                    spans.push(d);
                }
                last_up = ex.started_at + ex.elapsed.as_secs_f64();
            }
            Err(NetError::Refused) if current.is_none() => {
                current = Some(Downtime {
                    last_up,
                    from: ex.started_at,
                    to: None,
                    detail: format!("connection refused to {}", ex.request),
                });
            }
            Err(_) => {}
        }
    }
    spans.extend(current);
    spans
}

/// Record when `phase` ran, and whether the budget cut any of its exchanges.
fn close_phase<'a>(
    obs: &mut Observations,
    phase: Phase,
    start: f64,
    exchanges: impl IntoIterator<Item = &'a Exchange>,
) {
    let cut = exchanges.into_iter().any(Exchange::budget_cut);
    obs.windows.push((phase, start, crate::http::unix_now()));
    if cut && !obs.budget_cut.contains(&phase) {
        obs.budget_cut.push(phase);
    }
}

/// Gather all observations. Returns an error only for refused load runs.
pub async fn gather(plan: Plan<'_>) -> Result<(Observations, Vec<String>), ProbeError> {
    let mut notes = Vec::new();
    let opts = plan.opts;
    let target = plan.target.clone();
    let authenticated = opts
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("cookie"));
    (plan.progress)(&format!("resolving {}", target.host));
    let addrs = match resolve(&target, plan.deadline).await {
        Ok(a) => a,
        Err(e) => {
            let root = Exchange {
                request: format!("GET {}", target.root_path()),
                sent_headers: vec![],
                result: Err(e),
                elapsed: Duration::ZERO,
                started_at: crate::http::unix_now(),
                body_sent: None,
            };
            return Ok((empty_observations(target, root, authenticated), notes));
        }
    };
    if plan.load.is_some()
        && wants(&plan, Phase::Load)
        && !opts.allow_load_non_loopback
        && !addrs.iter().all(|a| a.ip().is_loopback())
    {
        return Err(ProbeError::LoadRefused {
            host: target.host.clone(),
        });
    }
    let connector = Arc::new(Connector {
        addrs: addrs.clone(),
        tls: plan.tls.clone(),
    });
    let client = Client::new(
        connector.clone(),
        target.host_header(),
        opts.headers.clone(),
        opts.timeout,
        plan.deadline,
    );
    let root_path = target.root_path();

    (plan.progress)(&format!("connecting to {}", target.url));
    let root = client.send(Req::get(root_path.clone())).await;
    let mut obs = empty_observations(target.clone(), root, authenticated);
    obs.thresholds = plan.thresholds.clone();
    // Bodies go to the user's routes (with their method) when given, else POST /.
    let body_routes: Vec<(String, String)> = if plan.body_routes.is_empty() {
        vec![("POST".to_string(), root_path.clone())]
    } else {
        plan.body_routes
            .iter()
            .map(|r| (r.method.clone(), target.join(&r.path)))
            .collect()
    };
    if !obs.reachable() {
        // A server whose TLS rustls refuses (a weak signature or key, only legacy
        // versions, no common suite) is exactly what the TLS checks are for: they have
        // their own handshakes, so they still run when the first request failed in TLS.
        if let (Some(setup), Err(NetError::Tls(_))) = (&plan.tls, &obs.root.result)
            && wants(&plan, Phase::Tls)
        {
            (plan.progress)("inspecting TLS");
            let t0 = crate::http::unix_now();
            obs.tls = Some(inspect_tls(setup, &addrs, &target, &client).await);
            close_phase(&mut obs, Phase::Tls, t0, []);
        }
        return Ok((obs, notes));
    }
    let (stop_watch, stop_rx) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(watch(addrs.clone(), stop_rx));
    let probe_start = crate::http::unix_now();

    // Slow clients run in the background for the rest of the probe.
    let slow_task = if wants(&plan, Phase::SlowClients) {
        let limit =
            SLOW_CLIENT_LIMIT.min(client.remaining().saturating_sub(Duration::from_secs(1)));
        let host = target.host_header();
        let heads = [
            (
                "slow headers",
                format!(
                    "GET {root_path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nX-Slow: ",
                    crate::http::USER_AGENT
                ),
            ),
            (
                "slow body",
                format!(
                    "POST {root_path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                ),
            ),
        ];
        Some(
            heads
                .into_iter()
                .map(|(kind, head)| {
                    tokio::spawn(slow_client(
                        connector.clone(),
                        kind,
                        head.into_bytes(),
                        limit,
                    ))
                })
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };

    if let Some(setup) = &plan.tls
        && wants(&plan, Phase::Tls)
    {
        (plan.progress)("inspecting TLS");
        let t0 = crate::http::unix_now();
        obs.tls = Some(inspect_tls(setup, &addrs, &target, &client).await);
        close_phase(&mut obs, Phase::Tls, t0, []);
    }

    // Unknown path (also the reference for health discovery) and methods.
    let t0 = crate::http::unix_now();
    let health_wanted = wants(&plan, Phase::Health)
        || wants(&plan, Phase::HealthSeries)
        || wants(&plan, Phase::Survival)
        || wants(&plan, Phase::Load);
    if wants(&plan, Phase::Basics) || health_wanted {
        let unknown = target.join(&format!("/shipshape-probe-{}-does-not-exist", rand_hex(12)));
        obs.unknown_path = Some(
            client
                .send(Req::get(unknown).header("Accept", "application/json"))
                .await,
        );
    }
    if wants(&plan, Phase::Basics) {
        obs.methods = vec![
            client.send(Req::new("TRACE", root_path.clone())).await,
            client.send(Req::new("XYZZY", root_path.clone())).await,
        ];
        for dir in DIRECTORY_PATHS {
            obs.directories
                .push(client.send(Req::get(target.join(dir))).await);
        }
    }
    let basics: Vec<Exchange> = obs
        .unknown_path
        .iter()
        .chain(&obs.methods)
        .chain(&obs.directories)
        .cloned()
        .collect();
    close_phase(&mut obs, Phase::Basics, t0, &basics);

    if health_wanted {
        // Health endpoints, requested without credentials as an orchestrator would.
        let t0 = crate::http::unix_now();
        (plan.progress)("looking for health endpoints");
        let soft = obs
            .unknown_path
            .as_ref()
            .and_then(|e| e.response())
            .cloned();
        let (live, tried) = discover(
            &client,
            &target,
            opts.health_path.as_deref(),
            LIVENESS_PATHS,
            soft.as_ref(),
            &[],
        )
        .await;
        obs.liveness = live;
        obs.liveness_tried = tried;
        let skip: Vec<String> = obs.liveness.iter().map(|e| e.path.clone()).collect();
        let (ready, tried) = discover(
            &client,
            &target,
            opts.readiness_path.as_deref(),
            READINESS_PATHS,
            soft.as_ref(),
            &skip,
        )
        .await;
        obs.readiness = ready;
        obs.readiness_tried = tried;
        if let Some(l) = obs
            .liveness
            .as_ref()
            .filter(|_| wants(&plan, Phase::HealthSeries))
        {
            for _ in 0..20 {
                if client.remaining() < Duration::from_secs(1) {
                    break;
                }
                let req = Req {
                    anonymous: true,
                    ..Req::get(l.path.clone())
                };
                obs.health_series.push(
                    client
                        .send_with_timeout(req, opts.timeout.min(Duration::from_secs(5)))
                        .await,
                );
            }
        }
        let health: Vec<Exchange> = obs
            .liveness_tried
            .iter()
            .chain(&obs.readiness_tried)
            .chain(&obs.health_series)
            .cloned()
            .collect();
        close_phase(&mut obs, Phase::Health, t0, &health);
    }

    if wants(&plan, Phase::Management) {
        (plan.progress)("checking management endpoints");
        let t0 = crate::http::unix_now();
        for p in management_paths() {
            let req = Req {
                anonymous: true,
                ..Req::get(target.join(p))
            };
            obs.management.push(client.send(req).await);
        }
        let m = obs.management.clone();
        close_phase(&mut obs, Phase::Management, t0, &m);
    }

    if wants(&plan, Phase::Tracing) {
        let t0 = crate::http::unix_now();
        let id = rand_hex(32);
        let tp = format!("00-{id}-{}-01", rand_hex(16));
        obs.trace = Some((
            id,
            client
                .send(Req::get(root_path.clone()).header("traceparent", tp))
                .await,
        ));
        let bad = [
            "garbage".to_string(),
            "00-00000000000000000000000000000000-0000000000000000-01".to_string(),
            format!(
                "00-{}-{}-01",
                rand_hex(32).to_ascii_uppercase(),
                rand_hex(16).to_ascii_uppercase()
            ),
            format!("ff-{}-{}-01", rand_hex(32), rand_hex(16)),
            format!("00-{}-{}-01", rand_hex(20), rand_hex(16)),
            format!("00-{}", "a".repeat(2048)),
        ];
        for v in bad {
            let ex = client
                .send(Req::get(root_path.clone()).header("traceparent", v.clone()))
                .await;
            obs.trace_malformed.push((v, ex));
        }
        let t: Vec<Exchange> = obs
            .trace
            .iter()
            .map(|(_, e)| e)
            .chain(obs.trace_malformed.iter().map(|(_, e)| e))
            .cloned()
            .collect();
        close_phase(&mut obs, Phase::Tracing, t0, &t);
    }

    if wants(&plan, Phase::Cors) {
        let t0 = crate::http::unix_now();
        obs.cors.push(
            client
                .send(Req::get(root_path.clone()).header("Origin", CORS_ORIGIN))
                .await,
        );
        obs.cors.push(
            client
                .send(
                    Req::new("OPTIONS", root_path.clone())
                        .header("Origin", CORS_ORIGIN)
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "content-type"),
                )
                .await,
        );
        if let Some(l) = &obs.liveness {
            obs.cors.push(
                client
                    .send(Req::get(l.path.clone()).header("Origin", CORS_ORIGIN))
                    .await,
            );
        }
        let c = obs.cors.clone();
        close_phase(&mut obs, Phase::Cors, t0, &c);
    }

    let card_prefix = target.join("/shipshape-probe/items");
    if wants(&plan, Phase::Metrics) {
        (plan.progress)("scraping metrics");
        let t0 = crate::http::unix_now();
        let mut side = Vec::new();
        // Warm up the "unknown route" series before the first scrape.
        let _ = client
            .send(Req::get(format!("{card_prefix}/{}", rand_hex(12))))
            .await;
        let (m, tried) = discover_metrics(&client, &target, opts, authenticated).await;
        obs.metrics_tried = tried;
        if let Some(mut m) = m {
            for _ in 0..TRUTH_REQUESTS {
                side.push(client.send(Req::get(root_path.clone())).await);
            }
            m.truth_sent = TRUTH_REQUESTS;
            m.truth_path = root_path.clone();
            m.after_truth = Some(scrape(&client, &m.path, m.cap).await);
            (plan.progress)("checking metric cardinality");
            for _ in 0..CARDINALITY_REQUESTS {
                if client.remaining() < Duration::from_secs(2) {
                    break;
                }
                side.push(
                    client
                        .send(Req::get(format!("{card_prefix}/{}", rand_hex(16))))
                        .await,
                );
                m.cardinality_sent += 1;
            }
            if m.cardinality_sent < CARDINALITY_REQUESTS {
                obs.budget_cut.push(Phase::Metrics);
            }
            m.after_cardinality = Some(scrape(&client, &m.path, m.cap).await);
            side.push(m.first.exchange.clone());
            side.extend(m.after_truth.iter().map(|s| s.exchange.clone()));
            side.extend(m.after_cardinality.iter().map(|s| s.exchange.clone()));
            obs.metrics = Some(m);
        }
        side.extend(obs.metrics_tried.iter().cloned());
        close_phase(&mut obs, Phase::Metrics, t0, &side);
    }

    if wants(&plan, Phase::Malformed) {
        (plan.progress)("sending malformed bodies");
        let t0 = crate::http::unix_now();
        let json = "application/json";
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let cases: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
            ("invalid JSON", Some(json), b"{\"a\":".to_vec()),
            (
                "JSON as text/plain",
                Some("text/plain"),
                b"{\"name\":\"x\"}".to_vec(),
            ),
            ("no Content-Type", None, b"{\"name\":\"x\"}".to_vec()),
            ("empty body", Some(json), Vec::new()),
            (
                "wrong types",
                Some(json),
                b"{\"id\":\"not-a-number\",\"count\":\"many\",\"items\":5,\"name\":[1]}".to_vec(),
            ),
            ("deeply nested JSON", Some(json), deep.into_bytes()),
            (
                "invalid UTF-8 in JSON",
                Some(json),
                b"{\"name\":\"\xff\xfe\"}".to_vec(),
            ),
        ];
        for (method, path) in &body_routes {
            for (label, ct, body) in &cases {
                let mut req = Req::new(method, path.clone()).body(body.clone());
                if let Some(ct) = *ct {
                    req = req.header("Content-Type", ct);
                }
                let mut ex = client.send(req).await;
                ex.request = format!("{method} {path} ({label})");
                obs.malformed.push(ex);
            }
        }
        let m = obs.malformed.clone();
        close_phase(&mut obs, Phase::Malformed, t0, &m);
    }

    if wants(&plan, Phase::Hostile) {
        (plan.progress)("sending hostile requests");
        let t0 = crate::http::unix_now();
        let host = target.host_header();
        let wait = opts.timeout.min(Duration::from_secs(5));
        let base = &target.base_path;
        let tail = format!(
            "Host: {host}\r\nUser-Agent: {}\r\nConnection: close\r\n",
            crate::http::USER_AGENT
        );
        let cases: Vec<(String, Vec<u8>)> = vec![
            (format!("GET {base}/aaa… (16 KB URL)"), format!("GET {base}/{} HTTP/1.1\r\n{tail}\r\n", "a".repeat(16 * 1024)).into_bytes()),
            (format!("GET {root_path} with a 64 KB header"), format!("GET {root_path} HTTP/1.1\r\n{tail}X-Big: {}\r\n\r\n", "b".repeat(64 * 1024)).into_bytes()),
            (format!("GET {base}/%zz%e0% (bad percent-encoding)"), format!("GET {base}/%zz%e0% HTTP/1.1\r\n{tail}\r\n").into_bytes()),
            (format!("GET {base}/a<NUL>b"), [format!("GET {base}/a").into_bytes(), vec![0], format!("b HTTP/1.1\r\n{tail}\r\n").into_bytes()].concat()),
            (format!("GET {base}/<0xff 0xfe> (invalid UTF-8)"), [format!("GET {base}/").into_bytes(), vec![0xff, 0xfe], format!(" HTTP/1.1\r\n{tail}\r\n").into_bytes()].concat()),
            (format!("GET {base}/../../../../etc/passwd"), format!("GET {base}/../../../../etc/passwd HTTP/1.1\r\n{tail}\r\n").into_bytes()),
            (format!("GET {base}/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), format!("GET {base}/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n{tail}\r\n").into_bytes()),
            (format!("POST {root_path} with Content-Length and Transfer-Encoding"), format!("POST {root_path} HTTP/1.1\r\n{tail}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").into_bytes()),
            (format!("POST {root_path} with two Content-Length values"), format!("POST {root_path} HTTP/1.1\r\n{tail}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd").into_bytes()),
        ];
        for (label, bytes) in cases {
            obs.hostile
                .push(client.send_raw(&label, bytes, 0, wait).await);
        }
        let h = obs.hostile.clone();
        close_phase(&mut obs, Phase::Hostile, t0, &h);
    }

    if wants(&plan, Phase::Oversized) {
        (plan.progress)("sending oversized bodies");
        let t0 = crate::http::unix_now();
        let host = target.host_header();
        for (method, path) in &body_routes {
            let head = |len: u64| {
                format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n", crate::http::USER_AGENT)
                    .into_bytes()
            };
            let declared = 10 * 1024 * 1024 * 1024u64;
            obs.oversized.push(
                client
                    .send_raw(
                        &format!("{method} {path} declaring a 10 GB body (not sent)"),
                        head(declared),
                        0,
                        Duration::from_secs(6),
                    )
                    .await,
            );
            let real = 20 * 1024 * 1024;
            obs.oversized.push(
                client
                    .send_raw(
                        &format!("{method} {path} with a 20 MB body"),
                        head(real as u64),
                        real,
                        opts.timeout.max(Duration::from_secs(15)),
                    )
                    .await,
            );
        }
        let o = obs.oversized.clone();
        close_phase(&mut obs, Phase::Oversized, t0, &o);
    }

    if let Some(load) = plan.load.clone()
        && wants(&plan, Phase::Load)
    {
        let t0 = crate::http::unix_now();
        obs.load = Some(
            run_load(
                &plan,
                &client,
                connector.clone(),
                &load,
                obs.liveness.as_ref().map(|l| l.path.clone()),
            )
            .await,
        );
        let cut = obs
            .load
            .as_ref()
            .is_some_and(|l| l.main.budget_cut || l.spike.as_ref().is_some_and(|s| s.budget_cut));
        let checks: Vec<Exchange> = obs
            .load
            .iter()
            .flat_map(|l| l.recovery_checks.iter().cloned())
            .collect();
        close_phase(&mut obs, Phase::Load, t0, &checks);
        if cut && !obs.budget_cut.contains(&Phase::Load) {
            obs.budget_cut.push(Phase::Load);
        }
    }

    // Survival: liveness (or root) again, and a last scrape.
    if wants(&plan, Phase::Survival) {
        let t0 = crate::http::unix_now();
        let again = obs
            .liveness
            .as_ref()
            .map_or(root_path.clone(), |l| l.path.clone());
        let ex = client
            .send(Req {
                anonymous: obs.liveness.is_some(),
                ..Req::get(again)
            })
            .await;
        obs.survived = Some(ex.clone());
        if let Some(m) = obs.metrics.as_mut() {
            m.last = Some(scrape(&client, &m.path, m.cap).await);
        }
        close_phase(&mut obs, Phase::Survival, t0, [&ex]);
    }

    if wants(&plan, Phase::Exhaustion) {
        // At the end of the probe, while the background slow clients (if any) are still
        // held: a default probe waits for those anyway, so this adds no time unless
        // the load run already filled the slow-client window.
        let length = exhaustion_duration(opts.timeout);
        let t0 = crate::http::unix_now();
        if Instant::now() + length > plan.deadline {
            notes.push(format!(
                "no time left for the requests under slow clients (they need {} s); raise --max-duration",
                length.as_secs()
            ));
            obs.budget_cut.push(Phase::Exhaustion);
        } else {
            let path = obs
                .liveness
                .as_ref()
                .map_or(root_path.clone(), |l| l.path.clone());
            (plan.progress)(&format!(
                "holding {EXHAUSTION_CONNECTIONS} slow connections while requesting {path}"
            ));
            let e = exhaustion(
                &plan,
                &client,
                connector.clone(),
                path,
                obs.liveness.is_some(),
            )
            .await;
            close_phase(&mut obs, Phase::Exhaustion, t0, e.requests.iter());
            obs.exhaustion = Some(e);
        }
    }

    if let Some(tasks) = slow_task {
        (plan.progress)("waiting for the slow-client connections to be closed");
        for t in tasks {
            match t.await {
                Ok(s) => obs.slow.push(s),
                Err(e) => notes.push(format!("a slow-client task failed: {e}")),
            }
        }
    }
    let _ = stop_watch.send(true);
    match watcher.await {
        Ok(spans) => obs.down = spans,
        Err(e) => notes.push(format!("the liveness watcher failed: {e}")),
    }
    // The probe's own requests are evidence too: a refused connection means nothing
    // listened, even between two ticks of the watcher.
    for span in refusal_spans(&obs) {
        if !obs
            .down
            .iter()
            .any(|d| d.overlaps(span.last_up, span.to.unwrap_or(f64::MAX)))
        {
            obs.down.push(span);
        }
    }
    obs.down.sort_by(|a, b| a.from.total_cmp(&b.from));
    // Slow clients run through the whole probe.
    obs.windows
        .push((Phase::SlowClients, probe_start, crate::http::unix_now()));
    for p in [
        Phase::Tls,
        Phase::Basics,
        Phase::Health,
        Phase::Survival,
        Phase::Management,
        Phase::Tracing,
        Phase::Cors,
        Phase::Metrics,
        Phase::Malformed,
        Phase::Hostile,
        Phase::Oversized,
        Phase::SlowClients,
        Phase::Exhaustion,
        Phase::Load,
    ] {
        if !wants(&plan, p) {
            obs.skipped.push(format!("{p:?}"));
        }
    }
    if client.remaining().is_zero() {
        notes.push("the probe's time budget (max-duration) ran out; late requests were cut short and count as timeouts".to_string());
    }
    Ok((obs, notes))
}

/// Same status and body as the unknown-path answer: the server answers anything this way.
fn is_soft(r: &Response, soft: Option<&Response>) -> bool {
    soft.is_some_and(|s| s.status == r.status && s.body == r.body)
}

async fn discover(
    client: &Client,
    target: &Target,
    given: Option<&str>,
    candidates: &[&str],
    soft: Option<&Response>,
    skip: &[String],
) -> (Option<Endpoint>, Vec<Exchange>) {
    let mut tried = Vec::new();
    if let Some(p) = given {
        let path = target.join(p);
        let ex = client
            .send(Req {
                anonymous: true,
                ..Req::get(path.clone())
            })
            .await;
        tried.push(ex.clone());
        return (
            Some(Endpoint {
                path,
                given: true,
                exchange: ex,
            }),
            tried,
        );
    }
    for c in candidates {
        let path = target.join(c);
        if skip.contains(&path) {
            continue;
        }
        let ex = client
            .send(Req {
                anonymous: true,
                ..Req::get(path.clone())
            })
            .await;
        tried.push(ex.clone());
        // Evidence, not status: a 2xx counts only when its body answers like a health
        // endpoint (not the metrics page, an HTML index or a binary body).
        let found = ex.response().is_some_and(|r| {
            let status_fits = (r.is_success() && crate::classify::health_body_problem(r).is_none())
                || r.status >= 500
                || r.status == 401
                || r.status == 403;
            status_fits && !is_soft(r, soft)
        });
        if found {
            return (
                Some(Endpoint {
                    path,
                    given: false,
                    exchange: ex,
                }),
                tried,
            );
        }
        if client.remaining() < Duration::from_secs(1) {
            break;
        }
    }
    (None, tried)
}

fn parse_scrape(ex: &Exchange) -> Option<metrics_text::Exposition> {
    let r = ex.response()?;
    if !r.is_success() || r.is_html() || r.body_truncated && r.body.is_empty() {
        return None;
    }
    // A cut body is parsed up to its last complete line: the cut is reported as a cut
    // (by metrics-parse), never as a syntax error of the service.
    let body = if r.body_truncated {
        let end = r
            .body
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        &r.body[..end]
    } else {
        &r.body[..]
    };
    let text = std::str::from_utf8(body).ok()?;
    let om = r
        .media_type()
        .is_some_and(|m| m == "application/openmetrics-text");
    Some(metrics_text::parse(text, om))
}

async fn scrape(client: &Client, path: &str, cap: usize) -> Scrape {
    let exchange = client
        .send(Req {
            body_cap: Some(cap),
            ..Req::get(path.to_string()).header("Accept", METRICS_ACCEPT)
        })
        .await;
    let exposition = parse_scrape(&exchange);
    Scrape {
        exchange,
        exposition,
    }
}

async fn discover_metrics(
    client: &Client,
    target: &Target,
    opts: &ProbeOptions,
    authenticated: bool,
) -> (Option<MetricsObservation>, Vec<Exchange>) {
    let given = opts.metrics_path.as_deref();
    let cap = opts.max_metrics_bytes;
    let candidates: Vec<String> = match given {
        Some(p) => vec![target.join(p)],
        None => METRICS_PATHS.iter().map(|p| target.join(p)).collect(),
    };
    let mut tried = Vec::new();
    for path in candidates {
        let s = scrape(client, &path, cap).await;
        // Only the exchange's head and a short body prefix are kept for the list of
        // tried paths; the whole page lives in the observation.
        let mut kept = s.exchange.clone();
        if let Ok(r) = &mut kept.result {
            r.body.truncate(4096);
        }
        tried.push(kept);
        // Evidence: samples, and a metrics content type (not octet-stream, not JSON).
        let samples = s.exposition.as_ref().map_or(0, |e| e.sample_count());
        let looks_like_metrics = s
            .exchange
            .response()
            .is_some_and(|r| crate::classify::metrics_body_problem(r, samples).is_none());
        if looks_like_metrics {
            let anonymous_status = if authenticated {
                let req = Req {
                    anonymous: true,
                    body_cap: Some(4096),
                    ..Req::get(path.clone()).header("Accept", METRICS_ACCEPT)
                };
                client.send(req).await.status()
            } else {
                None
            };
            return (
                Some(MetricsObservation {
                    path,
                    given: given.is_some(),
                    first: s,
                    anonymous_status,
                    after_truth: None,
                    truth_sent: 0,
                    truth_path: String::new(),
                    after_cardinality: None,
                    cardinality_sent: 0,
                    last: None,
                    cap,
                    requests_metric: opts.metric_requests.clone(),
                }),
                tried,
            );
        }
    }
    (None, tried)
}

/// rustls's verdict on one protocol version, then, unless it completed a handshake, a
/// raw ClientHello of that version: rustls refuses servers it cannot trust (RSA-1024,
/// SHA-1, a bad handshake signature) that still speak the version.
async fn probe_modern_version(
    setup: &TlsSetup,
    addrs: &[SocketAddr],
    sni: Option<&str>,
    client: &Client,
    wait: Duration,
    (label, code, version): (&'static str, u16, &'static rustls::SupportedProtocolVersion),
) -> VersionSupport {
    let rustls_says = match setup.only(version) {
        Err(e) => VersionSupport {
            version: label,
            accepted: None,
            detail: e.to_string(),
        },
        Ok(only) => {
            let c = Connector {
                addrs: addrs.to_vec(),
                tls: Some(only),
            };
            match c.connect(client.request_deadline(wait)).await {
                Ok(_) => VersionSupport {
                    version: label,
                    accepted: Some(true),
                    detail: "handshake completed".into(),
                },
                Err(NetError::Tls(e)) => VersionSupport {
                    version: label,
                    accepted: Some(false),
                    detail: e,
                },
                Err(e) => VersionSupport {
                    version: label,
                    accepted: None,
                    detail: e.to_string(),
                },
            }
        }
    };
    if rustls_says.accepted == Some(true) {
        return rustls_says;
    }
    let raw = legacy::probe_version(addrs, sni, code, client.request_deadline(wait)).await;
    match raw.accepted {
        // rustls failing says little about the version by itself (a plain-http port
        // fails it too): without a raw answer, the version is unknown.
        None => VersionSupport {
            accepted: None,
            detail: format!("{}; raw ClientHello: {}", rustls_says.detail, raw.detail),
            ..rustls_says
        },
        Some(_) => VersionSupport {
            detail: format!("{} (rustls handshake: {})", raw.detail, rustls_says.detail),
            ..raw
        },
    }
}

/// The key-exchange group of a raw handshake, from its suite and ServerKeyExchange.
fn raw_group(flight: &legacy::Flight) -> Option<String> {
    let hello = flight.hello.as_ref()?;
    let suite = legacy::suite_name(hello.suite);
    let ske = flight.key_exchange.as_deref();
    if suite.contains("_ECDHE_") || suite.contains("_ECDH_anon_") {
        ske.and_then(legacy::ecdhe_group).map(legacy::group_name)
    } else if suite.contains("_DHE_") || suite.contains("_DH_anon_") {
        ske.and_then(legacy::dh_prime_bits)
            .map(|b| format!("DH {b} bits"))
    } else if suite.starts_with("TLS_RSA_") {
        Some("RSA key exchange (no ephemeral group)".into())
    } else {
        None
    }
}

async fn inspect_tls(
    setup: &TlsSetup,
    addrs: &[SocketAddr],
    target: &Target,
    client: &Client,
) -> TlsObservation {
    let wait = client.timeout.min(Duration::from_secs(5));
    let sni = target
        .host
        .parse::<std::net::IpAddr>()
        .is_err()
        .then_some(target.host.as_str());
    // Protocols, suites and the certificate are each found out by their own
    // handshakes, so that none is given up because another failed.
    let (v13, v12, v11, v10, v3) = tokio::join!(
        probe_modern_version(
            setup,
            addrs,
            sni,
            client,
            wait,
            ("TLSv1.3", 0x0304, &rustls::version::TLS13)
        ),
        probe_modern_version(
            setup,
            addrs,
            sni,
            client,
            wait,
            ("TLSv1.2", 0x0303, &rustls::version::TLS12)
        ),
        legacy::probe_version(addrs, sni, 0x0302, client.request_deadline(wait)),
        legacy::probe_version(addrs, sni, 0x0301, client.request_deadline(wait)),
        legacy::probe_version(addrs, sni, 0x0300, client.request_deadline(wait)),
    );
    let versions = vec![v13, v12, v11, v10, v3];
    // Suites are offered at the newest pre-1.3 version the server accepts, so that a
    // server speaking only TLS 1.0 is judged on the suites it really has.
    let suite_version = [
        ("TLSv1.2", 0x0303),
        ("TLSv1.1", 0x0302),
        ("TLSv1.0", 0x0301),
        ("SSLv3", 0x0300),
    ]
    .into_iter()
    .find(|(l, _)| {
        versions
            .iter()
            .any(|v| v.version == *l && v.accepted == Some(true))
    })
    .map_or(0x0303, |(_, code)| code);
    let seen = setup.seen();
    let need_raw = seen.chain.is_empty() || seen.version.is_none();
    let end = client.request_deadline(client.remaining());
    let class =
        |i: usize| legacy::probe_class(addrs, sni, SuiteClass::ALL[i], suite_version, wait, end);
    let (c0, c1, c2, c3, c4, c5, c6, c7, dhe, flight) = tokio::join!(
        class(0),
        class(1),
        class(2),
        class(3),
        class(4),
        class(5),
        class(6),
        class(7),
        legacy::probe_dhe(addrs, sni, suite_version, client.request_deadline(wait)),
        async {
            if need_raw {
                Some(legacy::fetch_flight(addrs, sni, wait, end).await)
            } else {
                None
            }
        },
    );
    let flight = flight.and_then(Result::ok);
    let mut chain = Vec::new();
    let mut unparsable = Vec::new();
    let (ders, verify_error, chain_source): (Vec<Vec<u8>>, _, _) = match &flight {
        Some(f) if seen.chain.is_empty() && !f.certificates.is_empty() => {
            let version = f
                .hello
                .as_ref()
                .map_or("TLS", |h| legacy::version_label(h.version));
            (
                f.certificates.clone(),
                setup.verify_chain(&f.certificates),
                format!("a raw {version} handshake (rustls saw no certificate)"),
            )
        }
        _ => (
            seen.chain.iter().map(|c| c.as_ref().to_vec()).collect(),
            seen.verify_error.clone(),
            if seen.version.is_some() {
                "the rustls handshake".to_string()
            } else {
                "the rustls handshake (read before rustls refused the server)".to_string()
            },
        ),
    };
    let chain_source = if ders.is_empty() {
        "neither the rustls handshake nor a raw TLS 1.2/1.0 handshake showed one".to_string()
    } else {
        chain_source
    };
    for der in &ders {
        match parse_cert(der) {
            Ok(c) => chain.push(c),
            Err(e) => unparsable.push(e),
        }
    }
    let raw_hello = flight.as_ref().and_then(|f| f.hello.clone());
    TlsObservation {
        negotiated_version: seen.version.or_else(|| {
            raw_hello
                .as_ref()
                .map(|h| legacy::version_label(h.version).to_string())
        }),
        negotiated_suite: seen
            .suite
            .or_else(|| raw_hello.as_ref().map(|h| legacy::suite_name(h.suite))),
        chain,
        unparsable,
        verify_error,
        custom_ca: setup.custom_ca,
        versions,
        ciphers: vec![c0, c1, c2, c3, c4, c5, c6, c7],
        checked_at: crate::http::unix_now() as i64,
        chain_source,
        key_exchange_group: seen.group.or_else(|| flight.as_ref().and_then(raw_group)),
        ocsp_stapled: seen
            .ocsp_stapled
            .or_else(|| flight.as_ref().filter(|f| f.done).map(|f| f.ocsp_stapled)),
        dhe: Some(dhe),
    }
}

/// One slow client: send `head`, then one byte per second, until the server answers or
/// closes, or `limit` passes.
async fn slow_client(
    connector: Arc<Connector>,
    kind: &'static str,
    head: Vec<u8>,
    limit: Duration,
) -> SlowClient {
    let start = Instant::now();
    let end = start + limit;
    let mut out = SlowClient {
        kind,
        ended_after: None,
        status: None,
        waited: Duration::ZERO,
        error: None,
    };
    let c = match connector
        .connect((start + Duration::from_secs(10)).min(end))
        .await
    {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let (mut rd, mut wr) = tokio::io::split(c.io);
    if timeout_at(end, wr.write_all(&head))
        .await
        .map_or(true, |r| r.is_err())
    {
        out.ended_after = Some(start.elapsed());
        return out;
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let mut writing = true;
    loop {
        tokio::select! {
            _ = sleep_until(end) => {
                out.waited = start.elapsed();
                return out;
            }
            r = rd.read(&mut buf) => {
                match r {
                    Ok(n) if n > 0 => {
                        got.extend_from_slice(&buf[..n]);
                        if !got.windows(2).any(|w| w == b"\r\n") {
                            continue;
                        }
                    }
                    _ => {}
                }
                out.ended_after = Some(start.elapsed());
                out.waited = start.elapsed();
                out.status = std::str::from_utf8(&got).ok().and_then(|t| t.split_whitespace().nth(1)).and_then(|s| s.parse().ok());
                return out;
            }
            _ = tick.tick(), if writing => {
                if wr.write_all(b"a").await.is_err() {
                    // The server stopped reading; wait for its close or answer.
                    writing = false;
                }
            }
        }
    }
}

/// Hold [`EXHAUSTION_CONNECTIONS`] slow-header connections and meanwhile send
/// [`EXHAUSTION_REQUESTS`] GETs of `path`, each on a fresh connection, one per
/// [`EXHAUSTION_INTERVAL`]: a server whose workers the slow clients hold cannot answer.
async fn exhaustion(
    plan: &Plan<'_>,
    client: &Client,
    connector: Arc<Connector>,
    path: String,
    anonymous: bool,
) -> Exhaustion {
    let timeout = plan.opts.timeout;
    let head = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nX-Slow: ",
        plan.target.root_path(),
        plan.target.host_header(),
        crate::http::USER_AGENT
    );
    // Held until the last request has had its timeout.
    let hold = EXHAUSTION_INTERVAL * EXHAUSTION_REQUESTS + timeout;
    let held: Vec<_> = (0..EXHAUSTION_CONNECTIONS)
        .map(|_| {
            tokio::spawn(slow_client(
                connector.clone(),
                "held slow headers",
                head.clone().into_bytes(),
                hold,
            ))
        })
        .collect();
    let start = Instant::now();
    let mut requests = Vec::new();
    for i in 1..=EXHAUSTION_REQUESTS {
        sleep_until(start + EXHAUSTION_INTERVAL * i).await;
        // A fresh client per request: a fresh connection, as a new visitor would open.
        let fresh = Client::new(
            connector.clone(),
            client.host_header.clone(),
            client.user_headers.clone(),
            timeout,
            client.deadline,
        );
        let req = Req {
            anonymous,
            ..Req::get(path.clone())
        };
        requests.push(tokio::spawn(async move { fresh.send(req).await }));
    }
    let mut out = Exhaustion {
        held: Vec::new(),
        requests: Vec::new(),
        timeout,
    };
    for r in requests {
        if let Ok(ex) = r.await {
            out.requests.push(ex);
        }
    }
    for h in held {
        if let Ok(s) = h.await {
            out.held.push(s);
        }
    }
    out
}

async fn run_load(
    plan: &Plan<'_>,
    client: &Client,
    connector: Arc<Connector>,
    load: &LoadOptions,
    liveness: Option<String>,
) -> LoadObservation {
    // The load spreads evenly over the user's GET routes, else the root.
    let paths: Vec<String> = if plan.load_routes.is_empty() {
        vec![plan.target.root_path()]
    } else {
        plan.load_routes
            .iter()
            .map(|r| plan.target.join(&r.path))
            .collect()
    };
    let path = paths.join(", ");
    (plan.progress)(&format!(
        "load: {} req/s for {:?} over {} connections on {path}",
        load.rate, load.duration, load.connections
    ));
    // Unloaded baseline of the same paths, in the same rotation.
    let mut base = Vec::new();
    for i in 0..20 {
        let ex = client.send(Req::get(paths[i % paths.len()].clone())).await;
        if ex.response().is_some() {
            base.push(ex.elapsed.as_secs_f64() * 1000.0);
        }
    }
    base.sort_by(f64::total_cmp);
    let unloaded_p50_ms = base.get(base.len() / 2).copied();
    let requests = Arc::new(
        paths
            .iter()
            .map(|p| {
                encode(
                    &Req::get(p.clone()),
                    &plan.target.host_header(),
                    &plan.opts.headers,
                )
            })
            .collect::<Vec<_>>(),
    );
    let timeout = plan.opts.timeout;
    let main = run_phase(
        PhaseSpec {
            path: path.clone(),
            requests: requests.clone(),
            rate: f64::from(load.rate),
            duration: load.duration,
            connections: load.connections,
            timeout,
        },
        connector.clone(),
        plan.deadline,
    )
    .await;
    let mut obs = LoadObservation {
        main,
        spike: None,
        recovered_after: None,
        recovery_checks: vec![],
        unloaded_p50_ms,
    };
    if client.remaining() < Duration::from_secs(15) {
        return obs;
    }
    (plan.progress)("load: spike at 4× the rate");
    obs.spike = Some(
        run_phase(
            PhaseSpec {
                path: path.clone(),
                requests,
                rate: f64::from(load.rate) * 4.0,
                duration: Duration::from_secs(3),
                connections: (load.connections * 2).min(crate::options::MAX_LOAD_CONNECTIONS),
                timeout,
            },
            connector,
            plan.deadline,
        )
        .await,
    );
    let check_path = liveness.unwrap_or_else(|| paths[0].clone());
    let limit = unloaded_p50_ms.map_or(200.0, |p| (2.0 * p).max(p + 20.0));
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) && client.remaining() > Duration::from_secs(1) {
        let ex = client
            .send_with_timeout(Req::get(check_path.clone()), Duration::from_secs(2))
            .await;
        let ok = ex.response().is_some_and(|r| r.is_success())
            && ex.elapsed.as_secs_f64() * 1000.0 <= limit;
        obs.recovery_checks.push(ex);
        if ok {
            obs.recovered_after = Some(start.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    obs
}
