//! The observations: everything the probe saw, gathered once, read by the pure checks.
//!
//! Nothing here talks to the network; `gather` fills these structures and the checks
//! only read them. Header names are lowercase; header and body values are stored
//! as received and redacted only when turned into evidence.

use crate::metrics_text::Exposition;
use crate::target::Target;
use std::fmt;
use std::time::Duration;

/// How long each phase of one exchange took.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// TCP connect (`None` when the connection was reused).
    pub connect: Option<Duration>,
    /// TLS handshake (`None` for plain HTTP or a reused connection).
    pub tls: Option<Duration>,
    /// From sending the request to the first response byte.
    pub first_byte: Duration,
    /// From sending the request to the end of the response.
    pub total: Duration,
}

/// A response as received (body capped).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// Lowercase names, in received order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
    pub timing: Timing,
    /// Local Unix time (seconds) when the response was read.
    pub received_at: f64,
}

impl Response {
    /// The first value of a header (name in lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lowercase (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status)
    }

    pub fn is_server_error(&self) -> bool {
        self.status >= 500
    }

    /// A refusal of the request: 4xx, or 501 (the method is not implemented here) —
    /// not a server error, as `probe/methods` already holds.
    pub fn is_refusal(&self) -> bool {
        self.is_client_error() || self.status == 501
    }

    pub fn is_html(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml")
    }

    pub fn is_json_type(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }
}

/// Why an exchange produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Dns(String),
    Refused,
    /// A deadline passed during `phase`.
    Timeout {
        phase: String,
    },
    Tls(String),
    /// The connection was reset or aborted.
    Reset,
    /// The server closed the connection before answering.
    ClosedEarly,
    /// The server answered something that is not HTTP/1.x.
    Protocol(String),
    /// The probe's own time budget (`--max-duration`) ran out during `phase`: the run's
    /// limit, never the service's fault.
    Budget {
        phase: String,
    },
    Io(String),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Dns(e) => write!(f, "name resolution failed: {e}"),
            NetError::Refused => f.write_str("connection refused"),
            NetError::Timeout { phase } => write!(f, "timed out during {phase}"),
            NetError::Tls(e) => write!(f, "TLS handshake failed: {e}"),
            NetError::Reset => f.write_str("connection reset"),
            NetError::ClosedEarly => f.write_str("connection closed without a response"),
            NetError::Protocol(e) => write!(f, "not a valid HTTP response: {e}"),
            NetError::Budget { phase } => write!(
                f,
                "not finished: the probe's time budget (--max-duration) ran out during {phase}"
            ),
            NetError::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

/// One request and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// `GET /healthz` (method and path as sent; raw requests have a description).
    pub request: String,
    /// Request headers specific to this exchange (Origin, traceparent…); the user's
    /// own headers are never recorded here.
    pub sent_headers: Vec<(String, String)>,
    pub result: Result<Response, NetError>,
    /// Wall time of the whole exchange.
    pub elapsed: Duration,
    /// Local Unix time (seconds) when the request was started.
    pub started_at: f64,
    /// For raw requests with a body: body bytes written before the answer came.
    pub body_sent: Option<u64>,
}

impl Exchange {
    pub fn response(&self) -> Option<&Response> {
        self.result.as_ref().ok()
    }

    pub fn status(&self) -> Option<u16> {
        self.response().map(|r| r.status)
    }

    /// True when the probe's own budget cut this exchange short.
    pub fn budget_cut(&self) -> bool {
        matches!(self.result, Err(NetError::Budget { .. }))
    }

    /// `200` or the error, for messages.
    pub fn status_text(&self) -> String {
        match &self.result {
            Ok(r) => r.status.to_string(),
            Err(e) => e.to_string(),
        }
    }
}

/// What the discovery of a health endpoint found.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub path: String,
    /// True when the user named the path.
    pub given: bool,
    pub exchange: Exchange,
}

/// A TLS version (or SSL 3.0) and whether the server accepted a handshake with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSupport {
    pub version: &'static str,
    /// `Some(true)` accepted, `Some(false)` refused, `None` could not tell (the error says why).
    pub accepted: Option<bool>,
    pub detail: String,
}

/// A class of cipher suites the probe offers alone (see `legacy::classify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuiteClass {
    /// No encryption at all.
    Null,
    /// 40/56-bit export-grade suites (FREAK, Logjam).
    Export,
    /// Anonymous key exchange: no certificate, no authentication.
    Anonymous,
    Rc4,
    /// Single DES (56-bit).
    Des,
    /// Triple DES: 64-bit blocks (SWEET32).
    TripleDes,
    /// RSA key exchange: no forward secrecy (ROBOT).
    RsaKeyExchange,
    /// CBC mode with forward secrecy: outside Mozilla "intermediate" (Lucky13).
    Cbc,
}

impl SuiteClass {
    /// Every class, broken ones first.
    pub const ALL: [SuiteClass; 8] = [
        SuiteClass::Null,
        SuiteClass::Export,
        SuiteClass::Anonymous,
        SuiteClass::Rc4,
        SuiteClass::Des,
        SuiteClass::TripleDes,
        SuiteClass::RsaKeyExchange,
        SuiteClass::Cbc,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SuiteClass::Null => "NULL",
            SuiteClass::Export => "EXPORT",
            SuiteClass::Anonymous => "anonymous",
            SuiteClass::Rc4 => "RC4",
            SuiteClass::Des => "DES",
            SuiteClass::TripleDes => "3DES",
            SuiteClass::RsaKeyExchange => "RSA key exchange",
            SuiteClass::Cbc => "CBC",
        }
    }
}

/// One class of cipher suites offered alone and which of them the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherProbe {
    pub class: SuiteClass,
    pub accepted: Option<bool>,
    /// The suites the server chose (IANA names), one handshake each.
    pub chosen: Vec<String>,
    pub detail: String,
}

/// Finite-field DHE suites offered alone, and the size of the server's DH prime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DheProbe {
    pub accepted: Option<bool>,
    pub suite: Option<String>,
    pub bits: Option<u32>,
    pub detail: String,
}

/// One certificate of the presented chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: i64,
    pub not_after: i64,
    /// `sha256WithRSAEncryption`-style name or the OID.
    pub signature_algorithm: String,
    pub sha1_or_md5: bool,
    /// `RSA`, `EC`, or another name.
    pub key_type: String,
    pub key_bits: Option<u32>,
    pub dns_names: Vec<String>,
    pub self_signed: bool,
}

/// What the TLS handshakes showed.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsObservation {
    /// Negotiated version of the main handshake (`TLSv1.3`), when it completed.
    pub negotiated_version: Option<String>,
    pub negotiated_suite: Option<String>,
    /// The presented chain, leaf first (empty when the handshake failed before it).
    pub chain: Vec<CertInfo>,
    /// Certificates that could not be parsed.
    pub unparsable: Vec<String>,
    /// Why the chain did not verify (untrusted, expired, wrong name…), if it did not.
    pub verify_error: Option<String>,
    /// Whether the chain was checked against a user-given CA file.
    pub custom_ca: bool,
    pub versions: Vec<VersionSupport>,
    pub ciphers: Vec<CipherProbe>,
    /// Local Unix time when the certificates were read.
    pub checked_at: i64,
    /// Where `chain` came from: `the rustls handshake`, or a raw handshake when rustls
    /// saw no certificate (and why).
    pub chain_source: String,
    /// The key-exchange group of the main handshake (`X25519`), or of the raw one.
    pub key_exchange_group: Option<String>,
    /// Whether the server stapled an OCSP response (`None`: no handshake got that far).
    pub ocsp_stapled: Option<bool>,
    /// Finite-field DHE offered alone (`None`: not probed).
    pub dhe: Option<DheProbe>,
}

/// A slow-client connection and how the server treated it.
#[derive(Debug, Clone, PartialEq)]
pub struct SlowClient {
    /// `slow headers` or `slow body`.
    pub kind: &'static str,
    /// When the server closed the connection or answered (`None`: still open when we stopped).
    pub ended_after: Option<Duration>,
    /// The status it answered with, if any.
    pub status: Option<u16>,
    /// How long we kept trickling.
    pub waited: Duration,
    /// Set when the connection could not even be opened.
    pub error: Option<String>,
}

/// Ordinary requests sent while several slow clients held the server (for
/// `probe/slow-client-exhaustion`).
#[derive(Debug, Clone, PartialEq)]
pub struct Exhaustion {
    /// The slow-header connections opened and held during the requests.
    pub held: Vec<SlowClient>,
    /// The ordinary requests, each on a fresh connection, in the order sent.
    pub requests: Vec<Exchange>,
    /// The per-request timeout they had.
    pub timeout: Duration,
}

/// Latency statistics from an HDR histogram (milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyStats {
    pub samples: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// Only with at least 1,000 samples.
    pub p99_ms: Option<f64>,
    pub max_ms: f64,
}

impl Observations {
    /// Why a check needing `needs` cannot be judged from these observations: the target
    /// was unavailable, or the probe's own budget ran out, while a needed phase ran.
    pub fn not_evaluated(&self, needs: &[crate::checks::Phase]) -> Option<String> {
        for &(phase, start, end) in &self.windows {
            if !needs.contains(&phase) {
                continue;
            }
            if let Some(d) = self.down.iter().find(|d| d.overlaps(start, end)) {
                return Some(format!(
                    "not evaluated: target unavailable {} while {} ran",
                    d.describe(),
                    phase.name()
                ));
            }
        }
        needs.iter().find(|p| self.budget_cut.contains(p)).map(|p| {
            format!(
                "not evaluated: the probe's time budget (--max-duration) ran out during {}; raise --max-duration",
                p.name()
            )
        })
    }
}

/// The result of one fixed-rate load phase.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPhase {
    pub path: String,
    pub target_rate: f64,
    pub achieved_rate: f64,
    pub duration: Duration,
    pub connections: u32,
    pub scheduled: u64,
    pub completed: u64,
    /// Completed with a status below 400 (429/503 counted separately).
    pub ok: u64,
    pub status_429_503: u64,
    pub with_retry_after: u64,
    /// Other 4xx/5xx statuses.
    pub http_errors: u64,
    /// Timeouts, resets, refused connections.
    pub net_errors: u64,
    /// Requests never sent because the phase ended (the generator could not keep up
    /// or every connection was stuck).
    pub unsent: u64,
    pub latency: Option<LatencyStats>,
    /// A few sample errors, for evidence.
    pub error_samples: Vec<String>,
    /// True when the probe's overall deadline ended the phase before its planned end
    /// (plus one timeout) and requests were left unsent or cut: the run's limit.
    pub budget_cut: bool,
}

/// The load run: the main phase, the spike, and how the service recovered.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadObservation {
    pub main: LoadPhase,
    pub spike: Option<LoadPhase>,
    /// Seconds after the spike until a health call answered 2xx within 2× the unloaded p50
    /// (`None`: it did not recover within 10 s).
    pub recovered_after: Option<Duration>,
    pub recovery_checks: Vec<Exchange>,
    /// Unloaded p50 of the same path, for inflation.
    pub unloaded_p50_ms: Option<f64>,
}

/// A metrics scrape and its parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Scrape {
    pub exchange: Exchange,
    pub exposition: Option<Exposition>,
}

/// What the metrics endpoint showed over the run.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsObservation {
    pub path: String,
    pub given: bool,
    /// The first scrape (with the user's headers).
    pub first: Scrape,
    /// Whether an anonymous scrape was refused (401/403) while the first one worked.
    pub anonymous_status: Option<u16>,
    /// Scrape after sending `truth_sent` requests to `truth_path`.
    pub after_truth: Option<Scrape>,
    pub truth_sent: u64,
    pub truth_path: String,
    /// Scrape after `cardinality_sent` requests with random ids.
    pub after_cardinality: Option<Scrape>,
    pub cardinality_sent: u64,
    /// Scrape at the end of the probe (for `survived`).
    pub last: Option<Scrape>,
    /// Most bytes read of one scrape (`--max-metrics-bytes`).
    pub cap: usize,
    /// The request counter named by the user (`--metric-requests`), if any.
    pub requests_metric: Option<String>,
}

/// A span during which the liveness watcher could not connect to the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Downtime {
    /// Unix time of the last connection that worked before the span (the target may
    /// have gone away any time after it).
    pub last_up: f64,
    /// Unix time of the first failed connection.
    pub from: f64,
    /// Unix time of the first connection that worked again (`None`: still down at the end).
    pub to: Option<f64>,
    /// The first failure (`connection refused`).
    pub detail: String,
}

/// `12:00:01.5` (UTC) of a Unix time.
pub fn clock_time(t: f64) -> String {
    jiff::Timestamp::from_millisecond((t * 1000.0) as i64)
        .map(|ts| {
            let dt = jiff::tz::Offset::UTC.to_datetime(ts);
            format!(
                "{:02}:{:02}:{:02}.{}",
                dt.hour(),
                dt.minute(),
                dt.second(),
                dt.subsec_nanosecond() / 100_000_000
            )
        })
        .unwrap_or_else(|_| format!("{t:.1}"))
}

impl Downtime {
    /// `from 12:00:01.5 to 12:00:04.0 UTC (2.5 s, connection refused)`.
    pub fn describe(&self) -> String {
        match self.to {
            Some(to) => format!(
                "from {} to {} UTC ({:.1} s, {})",
                clock_time(self.from),
                clock_time(to),
                to - self.from,
                self.detail
            ),
            None => format!(
                "from {} UTC until the end of the probe ({})",
                clock_time(self.from),
                self.detail
            ),
        }
    }

    /// True when this span may overlap `[start, end]` (Unix times).
    pub fn overlaps(&self, start: f64, end: f64) -> bool {
        self.last_up <= end && self.to.is_none_or(|to| to >= start)
    }
}

/// Everything the probe saw. Built once by `gather`, read by every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    pub target: Target,
    /// True when the user supplied Authorization or Cookie headers.
    pub authenticated: bool,
    pub root: Exchange,
    pub tls: Option<TlsObservation>,
    pub unknown_path: Option<Exchange>,
    pub methods: Vec<Exchange>,
    /// GETs of common directory paths (`/static/`…), for `probe/directory-listing`.
    pub directories: Vec<Exchange>,
    pub liveness: Option<Endpoint>,
    pub liveness_tried: Vec<Exchange>,
    pub readiness: Option<Endpoint>,
    pub readiness_tried: Vec<Exchange>,
    pub health_series: Vec<Exchange>,
    pub management: Vec<Exchange>,
    pub metrics: Option<MetricsObservation>,
    pub metrics_tried: Vec<Exchange>,
    /// The trace id we sent and the exchange.
    pub trace: Option<(String, Exchange)>,
    /// Malformed traceparent values sent and their exchanges.
    pub trace_malformed: Vec<(String, Exchange)>,
    /// The origin we sent and the exchanges carrying it.
    pub cors: Vec<Exchange>,
    pub cors_origin: String,
    /// Malformed bodies, to the user's body endpoints or else the root.
    pub malformed: Vec<Exchange>,
    pub hostile: Vec<Exchange>,
    /// Per body endpoint (or the root), in pairs: the declared-huge-body exchange, then
    /// the real 20 MB body exchange.
    pub oversized: Vec<Exchange>,
    pub survived: Option<Exchange>,
    pub slow: Vec<SlowClient>,
    /// `None`: the exhaustion phase did not run.
    pub exhaustion: Option<Exhaustion>,
    pub load: Option<LoadObservation>,
    /// Phases not run (the overall deadline came first, or the check was not selected).
    pub skipped: Vec<String>,
    /// When each phase ran (Unix times), for matching against `down`.
    pub windows: Vec<(crate::checks::Phase, f64, f64)>,
    /// Phases the probe's own time budget cut short.
    pub budget_cut: Vec<crate::checks::Phase>,
    /// Spans when the liveness watcher could not connect.
    pub down: Vec<Downtime>,
    /// The user's load thresholds (`--threshold`), judged by `probe/load-thresholds`.
    pub thresholds: Vec<crate::endpoints::Threshold>,
}

impl Observations {
    /// True when the root request got any HTTP response.
    pub fn reachable(&self) -> bool {
        self.root.result.is_ok()
    }

    /// Every exchange with a response, for checks that look across all of them.
    pub fn all_exchanges(&self) -> Vec<&Exchange> {
        let mut v: Vec<&Exchange> = vec![&self.root];
        v.extend(self.unknown_path.iter());
        v.extend(self.methods.iter());
        v.extend(self.directories.iter());
        v.extend(self.liveness_tried.iter());
        v.extend(self.readiness_tried.iter());
        v.extend(self.health_series.iter());
        v.extend(self.management.iter());
        v.extend(self.metrics_tried.iter());
        v.extend(self.trace.iter().map(|(_, e)| e));
        v.extend(self.trace_malformed.iter().map(|(_, e)| e));
        v.extend(self.cors.iter());
        v.extend(self.malformed.iter());
        v.extend(self.hostile.iter());
        v.extend(self.oversized.iter());
        v.extend(self.survived.iter());
        v
    }
}
