//! The fleet generator and the server benchmark (docs/performance.md, "Server").
//!
//! ```sh
//! # 2,000 units × 365 days of daily reports, straight into a store:
//! cargo run -p shipshape-server --release --example fleet -- seed --database sqlite:///tmp/fleet.db --units 2000 --days 365 --token-file /tmp/fleet.token
//! # the server, in its own process:
//! cargo run -p shipshape-server --release --example fleet -- serve --database sqlite:///tmp/fleet.db --listen 127.0.0.1:8481
//! # the load, from a second process on loopback:
//! cargo run -p shipshape-server --release --example fleet -- load --server http://127.0.0.1:8481 --token-file /tmp/fleet.token --units 2000 --uploads 4000 --concurrency 8 --reads 500
//! ```
//!
//! Reports are synthetic but shaped like real ones: 72 checks over the nine
//! areas with titles, summaries and remediation of real lengths, findings on
//! failing checks, scores and levels from `shipshape_model::score_unit`, owners
//! from 40 teams and tiers 1–3; each day a few results of a unit change. The
//! generator is deterministic (a seeded splitmix64). Timings are printed, never
//! asserted.

use shipshape_model::{
    Area, CheckResult, Finding, GateOutcome, Level, Location, Outcome, Report, ReportStats,
    SCHEMA_VERSION, Severity, ToolInfo, Unit, UnitKind, UnitReport, level_for_tier, score_unit,
};
use shipshape_server::client::{self, Identity};
use shipshape_server::ingest::{self, UploadMeta};
use shipshape_server::store;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHECKS: usize = 72;
const TEAMS: u64 = 40;
/// Day 0 of the generated history (2025-12-01T00:00:00Z).
const EPOCH: i64 = 1_764_547_200;
const DAY: i64 = 86_400;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

struct CheckDef {
    id: String,
    title: String,
    area: Area,
    severity: Severity,
    remediation: String,
}

fn catalog() -> Vec<CheckDef> {
    (0..CHECKS)
        .map(|i| {
            let area = Area::ALL[i % Area::ALL.len()];
            let severity = match i % 10 {
                0 => Severity::Critical,
                1..=3 => Severity::High,
                4..=6 => Severity::Medium,
                7 | 8 => Severity::Low,
                _ => Severity::Info,
            };
            CheckDef {
                id: format!("{}/property-{i:02}", area.as_str()),
                title: format!("{} property {i:02} holds for the unit", area.title()),
                area,
                severity,
                remediation: format!(
                    "Make property {i:02} of {} hold: add the missing configuration next to the \
                     service's manifest (see the reference for the exact keys), keep it in version \
                     control, and check it in CI so that it cannot regress; then re-run the scan.",
                    area.title().to_lowercase()
                ),
            }
        })
        .collect()
}

/// One unit's state, carried from day to day.
struct UnitState {
    n: u64,
    tier: Option<u8>,
    kind: UnitKind,
    outcomes: Vec<Outcome>,
    rng: Rng,
}

impl UnitState {
    fn new(n: u64) -> Self {
        let mut rng = Rng(n.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 7);
        let tier = match rng.below(10) {
            0 | 1 => Some(1),
            2..=5 => Some(2),
            6..=8 => Some(3),
            _ => None,
        };
        let kind = if rng.chance(800) {
            UnitKind::Service
        } else {
            UnitKind::Library
        };
        let outcomes = (0..CHECKS)
            .map(|_| match rng.below(100) {
                0..=59 => Outcome::Pass,
                60..=74 => Outcome::Fail,
                75..=79 => Outcome::Warn,
                _ => Outcome::NotApplicable,
            })
            .collect();
        UnitState {
            n,
            tier,
            kind,
            outcomes,
            rng,
        }
    }

    /// The next day: a few results change, fixes a little likelier than regressions.
    fn advance(&mut self) {
        for o in &mut self.outcomes {
            if self.rng.chance(15) {
                *o = match *o {
                    Outcome::Fail => Outcome::Pass,
                    Outcome::Pass if self.rng.chance(400) => Outcome::Fail,
                    Outcome::Pass => Outcome::Warn,
                    Outcome::Warn => Outcome::Pass,
                    other => other,
                };
            }
        }
    }

    fn repository(&self) -> String {
        format!("acme/svc-{:04}", self.n)
    }

    fn report(&mut self, defs: &[CheckDef], day: i64) -> Report {
        let name = format!("svc-{:04}", self.n);
        let checks: Vec<CheckResult> = defs
            .iter()
            .zip(&self.outcomes)
            .enumerate()
            .map(|(i, (d, &outcome))| {
                let findings = if outcome == Outcome::Fail || outcome == Outcome::Warn {
                    (0..1 + (self.n as usize + i) % 4)
                        .map(|k| Finding {
                            message: format!(
                                "`src/module_{k}/handler_{i}.rs` does not satisfy {} (line {})",
                                d.id,
                                10 + k * 7
                            ),
                            location: Some(Location {
                                path: format!("src/module_{k}/handler_{i}.rs"),
                                line: Some(10 + 7 * k as u32),
                                column: None,
                            }),
                            snippet: None,
                            key: None,
                            fingerprint: format!(
                                "{:016x}",
                                (self.n << 20) ^ ((i as u64) << 8) ^ k as u64
                            ),
                        })
                        .collect()
                } else {
                    vec![]
                };
                let summary = match outcome {
                    Outcome::Pass => {
                        format!("all {} files checked for {} satisfy it", 3 + i % 9, d.id)
                    }
                    Outcome::Fail => format!(
                        "{} of {} files break the rule; see the findings",
                        findings.len(),
                        4 + i % 9
                    ),
                    Outcome::Warn => {
                        format!("{} file(s) only partly satisfy the rule", findings.len())
                    }
                    _ => format!("applies to services; {name} is a {}", self.kind),
                };
                CheckResult {
                    id: d.id.clone(),
                    scope: Default::default(),
                    title: d.title.clone(),
                    area: d.area,
                    severity: d.severity,
                    outcome,
                    summary,
                    findings,
                    remediation: d.remediation.clone(),
                    waiver: None,
                    baselined: false,
                }
            })
            .collect();
        let (scores, level) = score_unit(&checks);
        let required = self.tier.and_then(level_for_tier);
        let passed = required.is_none_or(|r| level.is_some_and(|l| l >= r));
        Report {
            schema_version: SCHEMA_VERSION.into(),
            tool: ToolInfo {
                name: "shipshape".into(),
                version: "0.1.0".into(),
            },
            command: "scan".into(),
            target: ".".into(),
            profile: "production".into(),
            generated_at: shipshape_server::time::rfc3339(day + (self.n as i64 % 3600)),
            units: vec![UnitReport {
                unit: Unit {
                    name,
                    path: ".".into(),
                    kind: self.kind,
                    kind_source: "config".into(),
                    tier: self.tier,
                    owner: Some(format!("@acme/team-{:02}", self.n % TEAMS)),
                },
                scores,
                level,
                required_level: required,
                checks,
            }],
            rollup: None,
            diagnostics: vec![],
            gate: GateOutcome {
                passed,
                reasons: if passed {
                    vec![]
                } else {
                    vec![format!(
                        "below the level tier requires ({})",
                        required.map(Level::as_str).unwrap_or("-")
                    )]
                },
                fail_under: None,
                fail_on: None,
                min_level: None,
                baseline: false,
            },
            stats: ReportStats {
                files_seen: 400 + self.rng.below(200),
                bytes_read: 4_000_000 + self.rng.below(1_000_000),
                files_skipped: self.rng.below(20),
                duration_ms: 800 + self.rng.below(700),
            },
            changes: None,
        }
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(args: &[String], name: &str, default: u64) -> u64 {
    arg(args, name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| fail(&format!("{name} takes a number, not {v:?}")))
    })
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("runtime: {e}")));
    match args.first().map(String::as_str) {
        Some("seed") => rt.block_on(seed(&args)),
        Some("serve") => rt.block_on(serve(&args)),
        Some("load") => rt.block_on(load(&args)),
        _ => fail("usage: fleet seed|serve|load … (see the file's documentation)"),
    }
}

async fn seed(args: &[String]) {
    let url = arg(args, "--database").unwrap_or_else(|| fail("seed needs --database URL"));
    let units = num(args, "--units", 2000);
    let days = num(args, "--days", 365) as i64;
    let store = store::open(&url)
        .await
        .unwrap_or_else(|e| fail(&format!("{e}")));
    let now = shipshape_server::time::now();
    let token = shipshape_server::tokens::create(
        store.as_ref(),
        "fleet-benchmark",
        shipshape_server::auth::Scope::Admin,
        None,
        None,
        "fleet seed",
        now,
    )
    .await
    .unwrap_or_else(|e| fail(&format!("{e}")))
    .token;
    if let Some(f) = arg(args, "--token-file") {
        std::fs::write(&f, &token).unwrap_or_else(|e| fail(&format!("{f}: {e}")));
    }
    // Writers: one on SQLite (it has one anyway), several on PostgreSQL.
    let writers = if store.backend() == "sqlite" { 1 } else { 6 };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<store::NewReport>(512);
    let workers = 2u64;
    let mut threads = Vec::new();
    for w in 0..workers {
        let tx = tx.clone();
        threads.push(std::thread::spawn(move || {
            let defs = catalog();
            let mut states: Vec<UnitState> = (0..units)
                .filter(|n| n % workers == w)
                .map(UnitState::new)
                .collect();
            for d in 0..days {
                let day = EPOCH + d * DAY;
                for s in &mut states {
                    if d > 0 {
                        s.advance();
                    }
                    let json = serde_json::to_vec(&s.report(&defs, day)).expect("serialise");
                    let meta = UploadMeta {
                        repository: s.repository(),
                        commit: format!("{:040x}", (s.n << 32) | d as u64),
                        git_ref: "main".into(),
                        ci_run_url: Some(format!(
                            "https://ci.example/acme/svc-{:04}/runs/{d}",
                            s.n
                        )),
                        token_id: Some(1),
                        actor: "token:1:fleet-benchmark".into(),
                        received_at: day + 3600 + (s.n as i64 % 3600),
                    };
                    let new = ingest::prepare(&json, meta).expect("generated reports are valid");
                    if tx.blocking_send(new).is_err() {
                        return;
                    }
                }
            }
        }));
    }
    drop(tx);
    let sem = Arc::new(tokio::sync::Semaphore::new(writers));
    let mut set = tokio::task::JoinSet::new();
    let start = Instant::now();
    let total = units * days as u64;
    let mut sent = 0u64;
    let mut raw = 0i64;
    while let Some(new) = rx.recv().await {
        raw += new.body_size;
        let permit = sem.clone().acquire_owned().await.expect("semaphore");
        let store = store.clone();
        set.spawn(async move {
            store.ingest(new).await.expect("ingest");
            drop(permit);
        });
        sent += 1;
        while set.try_join_next().is_some() {}
        if sent.is_multiple_of(20_000) {
            let s = start.elapsed().as_secs_f64();
            eprintln!("{sent}/{total} reports, {:.0}/s", sent as f64 / s);
        }
    }
    while set.join_next().await.is_some() {}
    for t in threads {
        let _ = t.join();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seeded {sent} reports ({units} units x {days} days) in {secs:.0} s ({:.0}/s); canonical JSON {:.1} KiB per report",
        sent as f64 / secs,
        raw as f64 / sent.max(1) as f64 / 1024.0
    );
}

async fn serve(args: &[String]) {
    let url = arg(args, "--database").unwrap_or_else(|| fail("serve needs --database URL"));
    let listen = arg(args, "--listen")
        .unwrap_or_else(|| "127.0.0.1:8481".into())
        .parse()
        .unwrap_or_else(|e| fail(&format!("--listen: {e}")));
    shipshape_server::serve(
        shipshape_server::ServeOptions {
            data_dir: std::env::temp_dir(),
            database_url: Some(url),
            listen,
            config: shipshape_server::Config::default(),
            retention: None,
        },
        shipshape_server::shutdown_signal(),
    )
    .await
    .unwrap_or_else(|e| fail(&format!("{e}")));
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// A keep-alive HTTP/1.1 GET client over one connection (responses carry Content-Length).
struct Conn {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
    host: String,
}

impl Conn {
    async fn open(host: &str) -> Conn {
        let s = tokio::net::TcpStream::connect(host)
            .await
            .unwrap_or_else(|e| fail(&format!("connect {host}: {e}")));
        s.set_nodelay(true).ok();
        Conn {
            stream: tokio::io::BufReader::new(s),
            host: host.to_string(),
        }
    }

    async fn get(&mut self, path: &str, token: &str) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\r\n",
            self.host
        );
        self.stream
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .expect("write");
        let mut status = 0;
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("read");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
                status = rest[..3].parse().unwrap_or(0);
            } else if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).await.expect("body");
        (status, body)
    }
}

async fn load(args: &[String]) {
    let server = arg(args, "--server").unwrap_or_else(|| "http://127.0.0.1:8481".into());
    let token = match arg(args, "--token-file") {
        Some(f) => std::fs::read_to_string(&f).unwrap_or_else(|e| fail(&format!("{f}: {e}"))),
        None => std::env::var("SHIPSHAPE_TOKEN")
            .unwrap_or_else(|_| fail("--token-file or SHIPSHAPE_TOKEN")),
    };
    let token = token.trim().to_string();
    let units = num(args, "--units", 2000);
    let uploads = num(args, "--uploads", 2000);
    let concurrency = num(args, "--concurrency", 8) as usize;
    let reads = num(args, "--reads", 500) as usize;
    // Day numbers past any seeded history, different on every run (two runs within a
    // minute must not upload the same reports: the second would measure duplicates).
    let first_day = 10_000
        + (shipshape_server::time::now() * 64 + i64::from(std::process::id() % 64)) % 10_000_000;
    let defs = catalog();
    let mut bodies = Vec::with_capacity(uploads as usize);
    let mut states: HashMap<u64, UnitState> = HashMap::new();
    for i in 0..uploads {
        let n = i % units;
        let s = states.entry(n).or_insert_with(|| UnitState::new(n));
        s.advance();
        let day = EPOCH + (first_day + (i / units) as i64) * DAY;
        bodies.push((
            s.repository(),
            serde_json::to_vec(&s.report(&defs, day)).expect("serialise"),
        ));
    }
    let raw: usize = bodies.iter().map(|b| b.1.len()).sum();
    eprintln!(
        "{} reports prepared, {:.1} KiB JSON each",
        bodies.len(),
        raw as f64 / bodies.len().max(1) as f64 / 1024.0
    );
    let queue = Arc::new(std::sync::Mutex::new(bodies));
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let queue = queue.clone();
        let server = server.clone();
        let token = token.clone();
        set.spawn(async move {
            let mut lat = Vec::new();
            loop {
                let Some((repo, body)) = queue.lock().expect("queue").pop() else {
                    return lat;
                };
                let id = Identity {
                    repository: Some(repo),
                    commit: Some("0".repeat(40)),
                    git_ref: Some("main".into()),
                    ci_run_url: None,
                };
                let t = Instant::now();
                match client::upload(&server, &token, &id, &body, Duration::from_secs(60)).await {
                    Ok(_) => lat.push(t.elapsed()),
                    Err(e) => fail(&format!("upload: {e}")),
                }
            }
        });
    }
    let mut lat = Vec::new();
    while let Some(l) = set.join_next().await {
        lat.extend(l.expect("load task"));
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "uploads: {} in {secs:.1} s = {:.0}/s (concurrency {concurrency}); latency p50 {:.1} ms, p99 {:.1} ms",
        lat.len(),
        lat.len() as f64 / secs,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    if reads == 0 {
        return;
    }
    let host = server
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut conn = Conn::open(&host).await;
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, body) = conn
            .get(&format!("/api/v1/units?limit=1000{cursor}"), &token)
            .await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let v: serde_json::Value = serde_json::from_slice(&body).expect("units JSON");
        ids.extend(
            v["units"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u["id"].as_i64()),
        );
        match v["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let mut rng = Rng(42);
    for (name, path) in [
        ("fleet summary", "/api/v1/summary".to_string()),
        ("unit history (100 reports)", String::new()),
        ("teams", "/api/v1/teams".to_string()),
    ] {
        let mut lat = Vec::with_capacity(reads);
        for _ in 0..reads {
            let p = if path.is_empty() {
                format!(
                    "/api/v1/units/{}/reports?limit=100",
                    ids[rng.below(ids.len() as u64) as usize]
                )
            } else {
                path.clone()
            };
            let t = Instant::now();
            let (status, body) = conn.get(&p, &token).await;
            lat.push(t.elapsed());
            assert_eq!(status, 200, "{p}: {}", String::from_utf8_lossy(&body));
        }
        lat.sort();
        println!(
            "{name}: {reads} sequential requests, p50 {:.2} ms, p99 {:.2} ms",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99)
        );
    }
}
