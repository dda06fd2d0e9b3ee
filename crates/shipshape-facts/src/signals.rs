//! Signals found in source code during the walk.
//!
//! Source files are not kept in memory: as each one is read, one multi-pattern
//! pass (regex-automata's `meta::Regex::new_many`, linear time) records the few
//! things checks ask about — health routes, shutdown handling, disabled TLS
//! verification, outbound HTTP calls and timeouts, bound server sockets — with their line.

use crate::syntax::{self, Judgement, Rule};
use regex_automata::meta::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// What a signal says about the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignalKind {
    /// An HTTP route whose path is a health/readiness path, or a gRPC health service.
    HealthRoute,
    /// SIGTERM handling or graceful server shutdown.
    Shutdown,
    /// TLS certificate verification switched off.
    TlsVerifyDisabled,
    /// An outbound HTTP client call or client construction of a client that waits
    /// forever by default (Python requests, Go's default client, reqwest, fetch...).
    HttpClient,
    /// An outbound call of a client whose default timeout is finite (httpx 5 s,
    /// aiohttp 300 s, Elixir's Req/Finch/HTTPoison, Laravel's `Http` 30 s, Flurl 100 s,
    /// Symfony's `HttpClient::create()`, idle after `default_socket_timeout`, 60 s):
    /// evidence of timeouts only where the file also sets one.
    BoundedHttpClient,
    /// A timeout set on an HTTP client or request.
    HttpTimeout,
    /// A server told not to handle termination signals itself (actix's
    /// `.disable_signals()`): it does not drain on SIGTERM by default.
    SignalsDisabled,
    /// A standard-library structured logger in use (Go's `log/slog` import).
    StructuredLog,
    /// A server socket bound in code (Rust `TcpListener::bind(`, Go `net.Listen(`,
    /// `http.ListenAndServe(`, `srv.ListenAndServeTLS(`).
    Listener,
    /// A JVM or .NET program's entry point: `public static void main(String[] …)`,
    /// Kotlin's top-level `fun main(`, `static void Main(` / `static async Task Main(`,
    /// `@SpringBootApplication`, `@QuarkusMain`. Which build module is an application.
    ProgramEntry,
    /// A Go file of the `main` package (`package main` at the start of a line): the
    /// module builds a program. Which Go module is a library.
    GoMainPackage,
    /// A Go list of forward-only migrations: a slice or array literal of
    /// `func(tx *sql.Tx) error` (miniflux's `var migrations = [...]func(tx *sql.Tx) error{...}`).
    MigrationList,
    /// A Go migration declared as an xormigrate or gormigrate `Migration{…}` literal
    /// (woodpecker's `server/store/datastore/migration/`).
    MigrationStruct,
    /// A Go migration literal's way back: `Rollback: func`, `RollbackSession: func`, whose
    /// body does something (the syntax layer drops an empty one or `return nil`).
    MigrationRollback,
    /// Code that registers an API description generated from code: ASP.NET's
    /// `AddSwaggerGen(` (Swashbuckle), `AddOpenApiDocument(` (NSwag), `AddOpenApi(`.
    /// Tells an application that uses a generator linked from another project from one
    /// that only links it.
    ApiSpecRegistration,
}

/// One signal with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalHit {
    pub kind: SignalKind,
    pub path: String,
    pub line: u32,
    /// The matched text (at most 120 bytes).
    pub text: String,
    /// Set when the hit applies only on the operator's request: the configuration
    /// condition guarding it (`if opt.InsecureSkipVerify`, `case "tls_insecure_skip_verify":`),
    /// at most 120 bytes. Decided by [`crate::syntax`]; only TLS hits carry it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opt_in: Option<String>,
}

impl SignalKind {
    /// An outbound HTTP call, whatever its client's default timeout.
    pub fn is_outbound_call(self) -> bool {
        matches!(self, SignalKind::HttpClient | SignalKind::BoundedHttpClient)
    }
}

/// The regexes, each with the kind of signal it shows and the syntactic role
/// ([`Rule`]) in which [`crate::syntax`] confirms a match.
const PATTERNS: &[(SignalKind, Rule, &str)] = &[
    (
        SignalKind::HealthRoute,
        Rule::RoutePath,
        r#"["'`](?:(?:GET|HEAD)\s+)?(/(?:(?:api|system|internal|_)/)?(?:v[0-9]+/)?(?:(?:[a-z]+-)?health|healthz|healthcheck|health-check|health_check|_health|_healthz|livez|livenessz?|readyz|ready|readiness|liveness|ping|up|heartbeat|actuator/health)(?:/[A-Za-z_-]+)?/?)["'`]"#,
    ),
    (
        // Django routes carry no leading slash: `path("healthz/", ...)`, `re_path(r"^ready/$", ...)`.
        SignalKind::HealthRoute,
        Rule::RoutePath,
        r#"\b(?:re_)?path\(\s*r?["']\^?((?:api/)?(?:health|healthz|healthcheck|health-check|health_check|livez|readyz|ready|ping)/?\$?)["']"#,
    ),
    (
        // Laravel routes carry no leading slash: `Route::get('health', ...)` (firefly-iii).
        SignalKind::HealthRoute,
        Rule::RoutePath,
        r#"\bRoute::(?:get|any|match)\(\s*["']((?:api/)?(?:health|healthz|healthcheck|livez|readyz|ready|ping|up)/?)["']"#,
    ),
    (
        // NestJS paths carry no leading slash: `@Controller('health')` with `@Get()`
        // (ghostfolio's apps/api/src/app/health/health.controller.ts), `@Get('healthz')`.
        SignalKind::HealthRoute,
        Rule::RoutePath,
        r#"@(?:Controller|Get|Head|All)\(\s*["'`]((?:api/)?(?:v[0-9]+/)?(?:health|healthz|healthcheck|health-check|health_check|livez|readyz|ready|ping)/?)["'`]"#,
    ),
    (
        // .NET's `AddHealthChecks()` only registers services; `MapHealthChecks`/`UseHealthChecks`
        // serve the endpoint (jasontaylordev/CleanArchitecture registers, and maps only in
        // development).
        SignalKind::HealthRoute,
        Rule::NotComment,
        r"rails/health\#show|grpc\.health\.v1|grpc::health::v1::Health::Service|health\.NewServer\(\)|tonic_health|HealthCheckService|MapHealthChecks\(|HealthStatusManager|RegisterHealthServer\(|add_HealthServicer_to_server\(|EnableDefaultHealthCheckService",
    ),
    (SignalKind::Shutdown, Rule::SignalHandled, r"SIGTERM"),
    (
        SignalKind::Shutdown,
        Rule::Unjudged,
        r#"signal\.Notify(?:Context)?\([^)\n]*(?:SIGTERM|SIGINT|Interrupt)|with_graceful_shutdown|graceful_shutdown|\.Shutdown\((?:ctx|context|\w*Ctx\b)|\bserver\.Shutdown\s*[,)]|\bsrv\.Shutdown\s*[,)]|process\.on\(\s*['"]SIG(?:TERM|INT)|signal\.signal\(|tokio::signal::unix|SignalKind::terminate\(\)|enableShutdownHooks|@PreDestroy|@Observes\s+ShutdownEvent|addShutdownHook|server\.shutdown|http-graceful-shutdown|stoppable|lightship|IHostApplicationLifetime|ApplicationStopping|\buvicorn\.(?:run|Server)\(|\bhypercorn\.asyncio\.serve\("#,
    ),
    (
        // A literal switching verification off: a keyed field, an assignment, a keyword
        // argument, a builder call.
        SignalKind::TlsVerifyDisabled,
        Rule::TlsLiteral,
        r#"verify\s*=\s*False|InsecureSkipVerify\s*[:=]\s*true|rejectUnauthorized\s*[:=]\s*false|danger_accept_invalid_certs\(\s*true|danger_accept_invalid_hostnames\(\s*true|NODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*['"]?0|_create_unverified_context|ssl\.CERT_NONE|check_hostname\s*=\s*False|SSL_VERIFY_NONE|VERIFY_NONE|TrustAllCerts|NoopHostnameVerifier|\.withUnsafe(?:TrustMaterial|HostnameVerifier)\(|InsecureTrustManagerFactory\.INSTANCE|ServerCertificateCustomValidationCallback\s*=\s*\(?[^;\n]*=>\s*true"#,
    ),
    (
        // A command line (a script, a string handed to a shell): only comments are excluded.
        SignalKind::TlsVerifyDisabled,
        Rule::NotComment,
        r#"\bcurl\b[^\n|;&]*\s(?:-k|--insecure)\b|\bwget\b[^\n|;&]*--no-check-certificate"#,
    ),
    (
        SignalKind::HttpClient,
        Rule::Call,
        r"requests\.(?:get|post|put|delete|patch|request)\(|http\.(?:Get|Post|Head|PostForm)\(|http\.DefaultClient\.(?:Do|Get|Post|Head)\(|&http\.Client\{|http\.Client\{|reqwest::Client::(?:new|builder)\(|reqwest::get\(|ureq::(?:get|post|agent)|axios\.(?:get|post|create)\(",
    ),
    (SignalKind::HttpClient, Rule::GlobalFetch, r"\bfetch\("),
    (
        SignalKind::BoundedHttpClient,
        Rule::Call,
        r"\bhttpx\.(?:get|post|put|delete|patch|head|request|stream|Client|AsyncClient)\(|\baiohttp\.ClientSession\(|\bReq\.(?:get|post|put|patch|delete|head|request|new|run)!?\(|\bFinch\.(?:request|stream|stream_while)!?\(|\bHTTPoison\.(?:get|post|put|patch|delete|head|request)!?\(|\bHttp::(?:get|post|put|patch|delete|head|send|withHeaders|withToken|withBasicAuth|acceptJson|asForm|asJson|timeout|connectTimeout|retry|baseUrl|withOptions)\(|\.(?:GetJsonAsync|PostJsonAsync|PutJsonAsync|PatchJsonAsync|ReceiveJson)\b|\bHttpClient::create(?:ForBaseUri)?\(",
    ),
    (
        SignalKind::HttpClient,
        Rule::Call,
        r"RestTemplate\(|WebClient\.(?:create|builder)\(|Faraday\.new|Net::HTTP\.",
    ),
    (
        SignalKind::HttpTimeout,
        Rule::Unjudged,
        r#"(?i)timeout\s*[=:]|['"]timeout['"]\s*=>|(?:\.|->|::)(?:connect_?)?timeout\(|Timeout:\s|setConnectTimeout|setReadTimeout|connect_timeout|read_timeout|AbortSignal\.timeout|signal:\s*AbortSignal|WithTimeout\(|responseTimeout|callTimeout"#,
    ),
    (SignalKind::StructuredLog, Rule::Unjudged, r#""log/slog""#),
    (
        // PHP code using Monolog, which often arrives through another package
        // (shlink's shlinkio/shlink-common) rather than composer.json's own `require`.
        SignalKind::StructuredLog,
        Rule::NotComment,
        r"\buse\s+Monolog\\|\bnew\s+\\?Monolog\\Logger\b",
    ),
    (
        SignalKind::SignalsDisabled,
        Rule::NotComment,
        r"\.disable_signals\(\)",
    ),
    (
        SignalKind::Listener,
        Rule::Unjudged,
        // Python's standard-library servers (Radicale subclasses
        // `wsgiref.simple_server.WSGIServer` with `socketserver.ThreadingMixIn`).
        r"TcpListener::bind\(|net\.Listen\(|net\.ListenTCP\(|\.ListenAndServe(?:TLS)?\(|\bwsgiref\.simple_server\.(?:WSGIServer|make_server)\b|\bsocketserver\.(?:Threading|Forking)?(?:TCP|UDP)Server\b|\bhttp\.server\.(?:Threading)?HTTPServer\b",
    ),
    (
        SignalKind::ProgramEntry,
        Rule::Unjudged,
        r"@SpringBootApplication|@QuarkusMain|\bpublic\s+static\s+void\s+main\s*\(\s*(?:final\s+)?String|(?m:^)fun\s+main\s*\(|\bstatic\s+(?:async\s+)?(?:void|int|Task(?:<int>)?)\s+Main\s*\(",
    ),
    (
        SignalKind::GoMainPackage,
        Rule::Unjudged,
        r"(?m:^)package\s+main\b",
    ),
    (
        SignalKind::MigrationList,
        Rule::FuncListLiteral,
        r"\[(?:\.\.\.)?\]func\(\s*[A-Za-z_][A-Za-z0-9_]*\s+\*sql\.Tx\b",
    ),
    (
        SignalKind::MigrationStruct,
        Rule::NotComment,
        r"\b(?:xormigrate|gormigrate)\.Migration\{",
    ),
    (
        SignalKind::MigrationRollback,
        Rule::RollbackFunc,
        r"\bRollback(?:Session)?:\s*func\b",
    ),
    (
        SignalKind::ApiSpecRegistration,
        Rule::Call,
        r"\.(?:AddSwaggerGen|AddOpenApiDocument|AddSwaggerDocument|AddOpenApi)\(",
    ),
];

/// Literals (case-sensitive) of which every match of [`PATTERNS`] contains at least
/// one. The regexes run only on the lines around these hits, so the cost of a source
/// file is one SIMD multi-literal pass (Teddy) plus a few lines of regex, not a lazy-DFA
/// walk over every byte. The list is kept short and case-sensitive on purpose: a
/// case-insensitive or longer list falls off the vectorised path and costs 2-3x.
/// `keywords_cover_every_pattern` keeps it honest.
const KEYWORDS: &[&str] = &[
    // Go's main package
    "package main",
    // API descriptions registered from code (ASP.NET)
    "AddSwagger",
    "AddOpenApi",
    // health routes, gRPC/.NET health services, Django routes (no leading slash)
    "health",
    "Health",
    "/live",
    "/read",
    "/ping",
    "livez/",
    "ready/",
    "readyz/",
    "ping/",
    "/heartbeat",
    // Laravel routes (no leading slash)
    "Route::",
    // Rails' `/up` (rails/health#show). `/status` is not a health path: it is as often
    // a status page for people (louislam/uptime-kuma's public status page).
    "/up\"",
    "/up'",
    "/up`",
    // shutdown: signals, graceful server shutdown, framework hooks
    "SIGTERM",
    "SIGINT",
    "signal.Notify",
    "signal.signal(",
    "signal::unix",
    "SignalKind::terminate",
    "hutdown",
    "PreDestroy",
    "ShutdownEvent",
    "stoppable",
    "lightship",
    "ApplicationLifetime",
    "ApplicationStopping",
    // ASGI servers started from code drain on SIGTERM (whether declared or pulled in)
    "uvicorn.",
    "hypercorn.",
    // TLS verification switched off
    "verify",
    "SkipVerify",
    "unverified",
    "HostnameVerifier",
    "CERT_NONE",
    "VERIFY_NONE",
    "rejectUnauthorized",
    "REJECT_UNAUTHORIZED",
    "danger_accept",
    "check_hostname",
    "TrustAll",
    "withUnsafe",
    "InsecureTrustManager",
    "CertificateCustomValidation",
    "curl",
    "wget",
    // HTTP clients (`http.` and `HTTP.`, not every URL)
    "http.",
    "HTTP.",
    "requests.",
    "reqwest::",
    "ureq::",
    "axios.",
    "fetch(",
    "RestTemplate",
    "WebClient",
    "Faraday",
    // clients with a finite default timeout
    "httpx.",
    "aiohttp.",
    "Req.",
    "Finch.",
    "HTTPoison.",
    "Http::",
    "HttpClient::",
    "JsonAsync",
    "ReceiveJson",
    // timeouts (and `signal: AbortSignal`); the pattern is case-insensitive, so the
    // spellings met in code: timeout/Timeout, TIMEOUT, timeOut/TimeOut
    "imeout",
    "IMEOUT",
    "imeOut",
    "AbortSignal",
    // structured logging, listeners, servers without signal handling
    "log/slog",
    "Monolog\\",
    "disable_signals",
    "TcpListener",
    "simple_server.",
    "socketserver.",
    "http.server.",
    "net.Listen",
    "ListenAndServe",
    // program entry points (JVM, .NET)
    "SpringBootApplication",
    "QuarkusMain",
    "void main",
    "fun main",
    " Main(",
    // Go migration lists, xormigrate/gormigrate migrations and their rollbacks
    "*sql.Tx",
    "migrate.Migration{",
    "Rollback",
];

fn keywords() -> &'static aho_corasick::AhoCorasick {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(KEYWORDS)
            // A fixed list of short literals always builds; failure is a programming error.
            .expect("signal keywords build")
    })
}

/// Byte ranges of `bytes` worth running the regexes on: each keyword hit widened to
/// the line before it and the line after it (a match may span a line break), with
/// overlapping ranges merged. Ranges start and end on line boundaries.
fn windows(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let ac = keywords();
    let mut at = 0;
    while let Some(m) = ac.find(aho_corasick::Input::new(bytes).span(at..bytes.len())) {
        let line_start = memchr::memrchr(b'\n', &bytes[..m.start()]).map_or(0, |i| i + 1);
        let start = if line_start == 0 {
            0
        } else {
            memchr::memrchr(b'\n', &bytes[..line_start - 1]).map_or(0, |i| i + 1)
        };
        let line_end =
            memchr::memchr(b'\n', &bytes[m.end()..]).map_or(bytes.len(), |i| m.end() + i + 1);
        let end =
            memchr::memchr(b'\n', &bytes[line_end..]).map_or(bytes.len(), |i| line_end + i + 1);
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
        // Further hits on these lines add nothing: resume after the window's keyword line.
        at = line_end.max(m.end());
        if at >= bytes.len() {
            break;
        }
    }
    out
}

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let pats: Vec<&str> = PATTERNS.iter().map(|(_, _, p)| *p).collect();
        // Byte-oriented, ASCII classes: the patterns are ASCII, and Unicode word
        // boundaries and classes (`\b`, `\s`, `[^\n|;&]`) would make the lazy DFA give up
        // on non-ASCII text and grow far more states, handing windows to slower engines.
        let syntax = regex_automata::util::syntax::Config::new()
            .unicode(false)
            .utf8(false);
        // The patterns are constants covered by tests; failure here is a programming error.
        Regex::builder()
            .syntax(syntax)
            .configure(Regex::config().utf8_empty(false))
            .build_many(&pats)
            .expect("signal patterns compile")
    })
}

/// True when a path looks like test code: a directory named `test`, `tests`,
/// `testdata`, `testutil(s)`, `testhelpers`, `integrationtest(s)`, `e2etest(s)`, `__tests__`,
/// `spec` or `fixtures` (any case), or a test file
/// name (`*_test.go`, `test_*`, `*_test.py`, `*.test.*`, `*.spec.*`, `*tests.rs`,
/// `*test.java`, `*tests.cs`). Called for every file: no allocation.
pub fn is_test_path(path: &str) -> bool {
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "testdata",
        "testutil",
        "__tests__",
        "spec",
        "fixtures",
        // Fuzz harnesses (cargo-fuzz's `fuzz/`, jellyfin/jellyfin's `fuzz/*.Fuzz`).
        "fuzz",
        // Go's one-word test-support packages (ory/kratos's
        // `oryx/watcherx/integrationtest/`, with its Dockerfile and Kubernetes pod).
        "integrationtest",
        "integrationtests",
        "e2etest",
        "e2etests",
        "testutils",
        "testhelpers",
    ];
    let (dirs, name) = match path.rfind('/') {
        Some(i) => (&path[..i], &path.as_bytes()[i + 1..]),
        None => ("", path.as_bytes()),
    };
    if !dirs.is_empty()
        && dirs
            .split('/')
            .any(|seg| DIRS.iter().any(|d| seg.eq_ignore_ascii_case(d)) || test_named_dir(seg))
    {
        return true;
    }
    let ends = |s: &str| {
        name.len() >= s.len() && name[name.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
    };
    let starts =
        |s: &str| name.len() >= s.len() && name[..s.len()].eq_ignore_ascii_case(s.as_bytes());
    let contains = |s: &str| {
        name.windows(s.len())
            .any(|w| w.eq_ignore_ascii_case(s.as_bytes()))
    };
    ends("_test.go")
        || starts("test_")
        || ends("_test.py")
        || contains(".test.")
        || contains(".spec.")
        || ends("tests.rs")
        || ends("test.java")
        || ends("tests.cs")
}

/// A directory named for tests with a qualifier: `test_resources`, `test-data`,
/// `integration-tests`, `api_test` (authelia's `internal/configuration/test_resources`).
fn test_named_dir(seg: &str) -> bool {
    let b = seg.as_bytes();
    let starts = |p: &str| b.len() > p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    let ends =
        |p: &str| b.len() > p.len() && b[b.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes());
    ["test_", "test-", "tests_", "tests-"]
        .iter()
        .any(|p| starts(p))
        || ["_test", "-test", "_tests", "-tests"]
            .iter()
            .any(|p| ends(p))
}

/// Scan one source file's bytes for signals, appending hits. Test code is never
/// evidence of what a service does in production, so it is not searched: files on a test
/// path ([`is_test_path`]) give nothing, and a Rust file is searched only up to its
/// module-level `#[cfg(test)]` (its unit tests follow it).
pub fn scan(path: &str, bytes: &[u8], out: &mut Vec<SignalHit>) {
    if !is_test_path(path) {
        scan_code(path, bytes, out);
    }
}

/// [`scan`] for a file the caller already knows is not on a test path (the walk decides
/// that once per file, for its [`crate::FileEntry::in_test`]).
pub fn scan_code(path: &str, bytes: &[u8], out: &mut Vec<SignalHit>) {
    scan_with(path, bytes, true, out);
    file_route_health(path, bytes, out);
}

/// Health routes that a file's *path* declares, in the file-based routers: no path
/// string appears in the code. The route counts when the file exports the handler its
/// router calls; the hit is that export's line.
/// - Next.js App Router `app/api/heartbeat/route.ts` (umami): a `GET` export; Pages
///   Router `pages/api/health.ts`: a default export;
/// - Remix and React Router flat routes `app/routes/api.health.ts` or
///   `app/routes/api+/health.ts` (documenso): a `loader`;
/// - SvelteKit `src/routes/health/+server.ts`: a `GET`;
/// - Nuxt/Nitro `server/api/health.ts`, `server/routes/health.ts`: a default export.
fn file_route_health(path: &str, bytes: &[u8], out: &mut Vec<SignalHit>) {
    const HEALTH: &[&str] = &[
        "health",
        "healthz",
        "healthcheck",
        "heartbeat",
        "ping",
        "livez",
        "readyz",
        "ready",
        "liveness",
        "readiness",
    ];
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let Some((name, dirs)) = segments.split_last() else {
        return;
    };
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return;
    };
    if !["ts", "js", "mjs", "tsx", "jsx"].contains(&ext) {
        return;
    }
    let health_dir = dirs.last().is_some_and(|d| HEALTH.contains(d));
    let under = |a: &str, b: &str| dirs.windows(2).any(|w| w[0] == a && w[1] == b);
    const GET: &[&str] = &[
        "export async function GET",
        "export function GET",
        "export const GET",
    ];
    const LOADER: &[&str] = &[
        "export async function loader",
        "export function loader",
        "export const loader",
    ];
    const DEFAULT: &[&str] = &["export default"];
    let exports: &[&str] = if stem == "route" && dirs.contains(&"app") && health_dir {
        GET
    } else if HEALTH.contains(&stem) && under("pages", "api") {
        DEFAULT
    } else if stem == "+server" && dirs.contains(&"routes") && health_dir {
        GET
    } else if (under("server", "api") || under("server", "routes"))
        // Nitro's method suffix: `ping.get.ts` serves GET /ping.
        && stem.split('.').next().is_some_and(|s| HEALTH.contains(&s))
    {
        DEFAULT
    } else if dirs.contains(&"routes")
        && stem
            .rsplit('.')
            .next()
            .is_some_and(|last| HEALTH.contains(&last.trim_start_matches('_')))
    {
        LOADER
    } else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let export = text
        .lines()
        .enumerate()
        .find(|(_, l)| exports.iter().any(|p| l.trim_start().starts_with(p)));
    if let Some((i, l)) = export {
        out.push(SignalHit {
            kind: SignalKind::HealthRoute,
            path: path.to_string(),
            line: i as u32 + 1,
            text: l.trim().chars().take(120).collect(),
            opt_in: None,
        });
    }
}

/// The regex pass, then (with `confirm`) the syntax layer's verdict on each match.
/// Without `confirm` it is the regex pass alone: the reference the syntax layer may only
/// take hits from, never add to.
pub(crate) fn scan_with(path: &str, bytes: &[u8], confirm: bool, out: &mut Vec<SignalHit>) {
    let lower = path.to_ascii_lowercase();
    let bytes = if lower.ends_with(".rs") {
        &bytes[..rust_tests_from(bytes).unwrap_or(bytes.len())]
    } else {
        bytes
    };
    let windows = windows(bytes);
    if windows.is_empty() {
        return;
    }
    let re = regex();
    // In these languages a backtick before a match means prose (doc strings,
    // Markdown in comments), not code; shell and JavaScript use backticks in code.
    let backtick_is_prose = [
        ".rs", ".go", ".py", ".java", ".kt", ".cs", ".rb", ".php", ".swift",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    // `fetch(` is the WHATWG fetch only in JavaScript-family files.
    let js_like = [
        ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let generated_stub = name.contains(".pb.") || name.contains("_pb2");
    let comments = Comments::of(name);
    // Lines are counted incrementally: matches arrive in increasing order.
    let (mut line, mut counted_to) = (1u32, 0usize);
    let matches = windows
        .into_iter()
        .flat_map(|(start, end)| re.find_iter(regex_automata::Input::new(bytes).span(start..end)));
    let mut candidates: Vec<syntax::Candidate> = Vec::new();
    let mut lines: Vec<u32> = Vec::new();
    for m in matches {
        let (kind, rule, _) = PATTERNS[m.pattern().as_usize()];
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..m.start()]).count() as u32;
        counted_to = m.start();
        if kind == SignalKind::TlsVerifyDisabled && is_mention(bytes, m.start(), backtick_is_prose)
        {
            continue;
        }
        // A comment is not code: gin's doc.go shows `r.GET("/ping", ...)` in its package
        // documentation, which made the library a service with a health route.
        if comments.is_comment(bytes, m.start()) {
            continue;
        }
        // `curl -k https://localhost` (a local cluster's self-signed endpoint, podinfo's
        // deploy/kind.sh) trusts nothing remote.
        if kind == SignalKind::TlsVerifyDisabled && to_loopback(bytes, m.start()) {
            continue;
        }
        // A health service is shown by code that serves it, not by an import of its
        // types or by protobuf-generated stubs.
        if kind == SignalKind::HealthRoute && (generated_stub || is_import_line(bytes, m.start())) {
            continue;
        }
        if kind == SignalKind::HttpClient
            && bytes[m.start()..].starts_with(b"fetch(")
            && !is_global_fetch(bytes, m.start(), js_like)
        {
            continue;
        }
        candidates.push(syntax::Candidate {
            kind,
            rule,
            start: m.start(),
            end: m.end(),
        });
        lines.push(line);
    }
    if candidates.is_empty() {
        return;
    }
    let judgements = if confirm {
        syntax::judge(&lower, bytes, &candidates)
    } else {
        vec![Judgement::Keep; candidates.len()]
    };
    for ((c, line), j) in candidates.iter().zip(lines).zip(judgements) {
        let opt_in = match j {
            Judgement::Drop => continue,
            Judgement::Keep => None,
            Judgement::OptIn(guard) => Some(guard),
        };
        let end = c.end.min(c.start + 120);
        out.push(SignalHit {
            kind: c.kind,
            path: path.to_string(),
            line,
            text: String::from_utf8_lossy(&bytes[c.start..end]).into_owned(),
            opt_in,
        });
    }
}

/// Where a Rust file's unit tests start: the byte offset of its first module-level
/// `#[cfg(test)]` (at the start of a line) that opens an inline module (`mod tests {`);
/// everything after it is test code. A `#[cfg(test)] mod tasks_test;` declaring a test
/// file, or a test-only `use` or helper, is not where the tests start (meilisearch's
/// `routes/mod.rs` declares one above its route table).
pub fn rust_tests_from(bytes: &[u8]) -> Option<usize> {
    const ATTR: &[u8] = b"#[cfg(test)]";
    memchr::memmem::find_iter(bytes, ATTR).find(|&at| {
        if !(at == 0 || bytes[at - 1] == b'\n') {
            return false;
        }
        // The item the attribute applies to, other attributes and blank lines skipped.
        let mut rest = &bytes[at + ATTR.len()..];
        loop {
            rest = rest.trim_ascii_start();
            if rest.starts_with(b"#[") {
                match memchr::memchr(b'\n', rest) {
                    Some(i) => rest = &rest[i..],
                    None => return false,
                }
            } else {
                break;
            }
        }
        let rest = rest.strip_prefix(b"pub ").unwrap_or(rest);
        let Some(after) = rest.strip_prefix(b"mod ") else {
            return false;
        };
        // `mod name {`, not `mod name;`.
        after
            .iter()
            .find(|b| matches!(b, b'{' | b';'))
            .is_some_and(|b| *b == b'{')
    })
}

/// The line-comment syntax of a file's language, from its name.
#[derive(Clone, Copy)]
struct Comments {
    slash: bool,
    hash: bool,
}

impl Comments {
    fn of(name: &str) -> Comments {
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let hash_lang = matches!(
            ext,
            "py" | "rb"
                | "sh"
                | "bash"
                | "zsh"
                | "ex"
                | "exs"
                | "pl"
                | "r"
                | "yaml"
                | "yml"
                | "toml"
        ) || name.contains("dockerfile")
            || name.contains("containerfile")
            || name == "makefile";
        Comments {
            slash: !hash_lang,
            hash: hash_lang || ext == "php",
        }
    }

    /// True when `at` sits on a line that is a comment (its text before `at` starts
    /// with the language's comment marker, or continues a `/* */` block with `*`).
    fn is_comment(self, bytes: &[u8], at: usize) -> bool {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let t = bytes[line_start..at].trim_ascii_start();
        (self.slash
            && (t.starts_with(b"//")
                || t.starts_with(b"/*")
                || t.starts_with(b"* ")
                || in_block_comment(bytes, at)))
            || (self.hash && t.starts_with(b"#") && !t.starts_with(b"#!") && !t.starts_with(b"#["))
    }
}

/// True when `at` is inside a `/* … */` block that opens a line (a Go package doc in
/// doc.go, a Javadoc block): the last such opening before `at` is not closed before it.
/// Only openings at the start of a line count, so that `'/*'` in a route or glob string
/// is never taken for a comment.
fn in_block_comment(bytes: &[u8], at: usize) -> bool {
    let head = &bytes[..at];
    let mut end = head.len();
    while let Some(open) = memchr::memmem::rfind(&head[..end], b"/*") {
        let line_start = memchr::memrchr(b'\n', &head[..open]).map_or(0, |i| i + 1);
        if head[line_start..open]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t'))
        {
            return memchr::memmem::find(&head[open + 2..], b"*/").is_none();
        }
        end = open;
    }
    false
}

/// True when the line holding `at` is an import (`import`, `from … import`, `use`,
/// `using`, `#include`).
/// A `curl`/`wget` command at `at` whose line only names loopback URLs.
fn to_loopback(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at..];
    if !(rest.starts_with(b"curl") || rest.starts_with(b"wget")) {
        return false;
    }
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let urls: Vec<usize> = memchr::memmem::find_iter(line, b"://").collect();
    !urls.is_empty()
        && urls.iter().all(|&u| {
            let host = &line[u + 3..];
            [&b"localhost"[..], b"127.0.0.1", b"[::1]"].iter().any(|h| {
                host.starts_with(h)
                    && matches!(
                        host.get(h.len()),
                        None | Some(b':' | b'/' | b' ' | b'"' | b'\'')
                    )
            })
        })
}

fn is_import_line(bytes: &[u8], at: usize) -> bool {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let head = bytes[start..at].trim_ascii_start();
    [&b"import "[..], b"from ", b"use ", b"using ", b"#include"]
        .iter()
        .any(|p| head.starts_with(p))
}

/// True when `fetch(` at `start` calls the global WHATWG fetch: in a JavaScript-family
/// file, and not a method of some other object (`cache.fetch(`, `Job.fetch(`) unless that
/// object is the global one (`window.fetch(`, `globalThis.fetch(`, `self.fetch(`).
fn is_global_fetch(bytes: &[u8], start: usize, js_like: bool) -> bool {
    if !js_like {
        return false;
    }
    let before = &bytes[..start];
    !before.ends_with(b".")
        || [&b"window."[..], b"globalThis.", b"self."]
            .iter()
            .any(|g| before.ends_with(g))
}

/// True when the match at `start` is a mention rather than code: on a comment
/// line, or (where backticks are prose) right after a backtick.
fn is_mention(bytes: &[u8], start: usize, backtick_is_prose: bool) -> bool {
    if backtick_is_prose && start > 0 && bytes[start - 1] == b'`' {
        return true;
    }
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let before = String::from_utf8_lossy(&bytes[line_start..start]);
    let t = before.trim_start();
    t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with("* ")
        || t.starts_with("--")
        || (t.starts_with('#') && !t.starts_with("#[") && !t.starts_with("#!"))
}

#[cfg(test)]
mod tests {
    /// The original, allocating definition (plus the root `testdata/` and `__tests__/`
    /// it missed): the reference for `is_test_path`.
    fn is_test_path_reference(path: &str) -> bool {
        let lower = path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        lower.starts_with("test/")
            || lower.starts_with("tests/")
            || lower.contains("/test/")
            || lower.contains("/tests/")
            || lower.contains("/testdata/")
            || lower.starts_with("testdata/")
            || lower.starts_with("testutil/")
            || lower.contains("/testutil/")
            || lower.contains("/__tests__/")
            || lower.starts_with("__tests__/")
            || lower.starts_with("spec/")
            || lower.contains("/spec/")
            || lower.contains("/fixtures/")
            || lower.starts_with("fixtures/")
            || lower.contains("/fuzz/")
            || lower.starts_with("fuzz/")
            || lower.rsplit_once('/').is_some_and(|(dirs, _)| {
                dirs.split('/').any(|d| {
                    [
                        "integrationtest",
                        "integrationtests",
                        "e2etest",
                        "e2etests",
                        "testutils",
                        "testhelpers",
                    ]
                    .contains(&d)
                })
            })
            || lower.rsplit_once('/').is_some_and(|(dirs, _)| {
                dirs.split('/').any(|d| {
                    ["test_", "test-", "tests_", "tests-"]
                        .iter()
                        .any(|p| d.len() > p.len() && d.starts_with(p))
                        || ["_test", "-test", "_tests", "-tests"]
                            .iter()
                            .any(|p| d.len() > p.len() && d.ends_with(p))
                })
            })
            || name.ends_with("_test.go")
            || name.starts_with("test_")
            || name.ends_with("_test.py")
            || name.contains(".test.")
            || name.contains(".spec.")
            || name.ends_with("tests.rs")
            || name.ends_with("test.java")
            || name.ends_with("tests.cs")
    }

    /// authelia/authelia's `internal/configuration/test_resources/*.pem` keys failed the
    /// critical checks as production files.
    #[test]
    fn directories_named_for_tests_with_a_qualifier_are_tests() {
        for p in [
            "internal/configuration/test_resources/crypto/rsa.pem",
            "e2e-tests/run.ts",
            "src/api_test/x.go",
            "test-data/a.json",
        ] {
            assert!(super::is_test_path(p), "{p}");
        }
        for p in [
            "contest/a.go",
            "latest/a.go",
            "test_/a.go",
            "src/test-runner.ts",
        ] {
            assert!(!super::is_test_path(p), "{p}");
        }
    }

    proptest::proptest! {
        #[test]
        fn test_paths_match_the_reference(
            segs in proptest::collection::vec(
                "(test|Tests|TESTDATA|testutil|__tests__|spec|fixtures|src|a|x_test.go|Test_a.py|a.Test.ts|b.spec.js|mytests.rs|FooTest.java|Ztests.cs|é|test-x|contest|test_resources|e2e-tests|Api_Test|test_|)",
                1..5,
            )
        ) {
            let path = segs.join("/");
            proptest::prop_assert_eq!(is_test_path(&path), is_test_path_reference(&path), "{}", path);
        }
    }

    use super::*;

    fn kinds(src: &str) -> Vec<(SignalKind, u32)> {
        let mut out = vec![];
        scan("src/app.py", src.as_bytes(), &mut out);
        out.into_iter().map(|h| (h.kind, h.line)).collect()
    }

    /// #13, umami-software/umami: `src/app/api/heartbeat/route.ts` is its liveness route
    /// (the compose healthchecks call `/api/heartbeat`); Next.js routes by file path.
    #[test]
    fn next_js_file_routes_are_health_routes() {
        let hits = |path: &str, src: &str| {
            let mut out = vec![];
            scan_code(path, src.as_bytes(), &mut out);
            out.into_iter()
                .filter(|h| h.kind == SignalKind::HealthRoute)
                .map(|h| h.line)
                .collect::<Vec<_>>()
        };
        let route = "import { ok } from '@/lib/response';\n\nexport async function GET() {\n  return ok();\n}\n";
        assert_eq!(hits("src/app/api/heartbeat/route.ts", route), [3]);
        assert_eq!(
            hits(
                "pages/api/health.js",
                "export default function handler(req, res) {}\n"
            ),
            [1]
        );
        // documenso (#13): React Router / Remix flat routes, with `+` folders or dots;
        // SvelteKit and Nuxt server routes.
        let loader = "import { prisma } from '@documenso/prisma';\n\nexport const loader = async () => {\n  return Response.json({ ok: true });\n};\n";
        assert_eq!(hits("apps/remix/app/routes/api+/health.ts", loader), [3]);
        assert_eq!(hits("app/routes/api.healthz.tsx", loader), [3]);
        assert!(hits("app/routes/api.users.tsx", loader).is_empty());
        assert!(
            hits(
                "app/routes/health.tsx",
                "export default function Health() {}\n"
            )
            .is_empty()
        );
        let svelte = "export async function GET() {\n  return new Response('ok');\n}\n";
        assert_eq!(hits("src/routes/health/+server.ts", svelte), [1]);
        let nitro = "export default defineEventHandler(() => 'ok');\n";
        assert_eq!(hits("server/api/health.ts", nitro), [1]);
        assert_eq!(hits("server/routes/ping.get.ts", nitro), [1]);
        // Another route, a POST-only health route, a component named health.
        assert!(hits("src/app/api/users/route.ts", route).is_empty());
        assert!(
            hits(
                "src/app/api/health/route.ts",
                "export async function POST() {}\n"
            )
            .is_empty()
        );
        assert!(
            hits(
                "src/components/health.tsx",
                "export default function H() {}\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn finds_health_routes_in_many_frameworks() {
        for src in [
            r#"app.get("/healthz", handler)"#,
            // changedetection.io flask_app.py:1009: a component's health.
            r#"@app.route('/worker-health')"#,
            r#"Router::new().route("/health", get(ok))"#,
            r#"@app.get('/readyz')"#,
            r#"http.HandleFunc("/livez", live)"#,
            r#"@GetMapping("/actuator/health")"#,
            "router.GET(`/ping`, pong)",
            // FastAPI routes often end in a slash (full-stack-fastapi-template's
            // backend/app/api/routes/utils.py:29 was missed).
            r#"@router.get("/health-check/")"#,
            r#"path("healthz/", views.health)"#,
            r#"re_path(r"^ready/$", views.ready)"#,
            // #13: umami's liveness route `/api/heartbeat`.
            r#"app.get("/api/heartbeat", beat)"#,
        ] {
            assert_eq!(
                kinds(src).first().map(|k| k.0),
                Some(SignalKind::HealthRoute),
                "{src}"
            );
        }
        assert!(kinds(r#"app.get("/healthy-food", h)"#).is_empty());
        assert!(kinds(r#"app.get("/health/check/deep/", h)"#).is_empty());
    }

    /// spring-petclinic/spring-petclinic-microservices: which Maven module is an
    /// application is said by its entry point (the Spring Boot plugin sat in the parent's
    /// profile), so entry points are signals.
    #[test]
    fn program_entry_points_of_jvm_and_dotnet_programs() {
        let entry = |path: &str, src: &str| {
            let mut out = vec![];
            scan(path, src.as_bytes(), &mut out);
            out.iter().any(|h| h.kind == SignalKind::ProgramEntry)
        };
        assert!(entry(
            "A.java",
            "@SpringBootApplication\npublic class A {}\n"
        ));
        assert!(entry(
            "Main.java",
            "class Main {\n  public static void main(String[] args) {}\n}\n"
        ));
        assert!(entry(
            "Main.kt",
            "package x\n\nfun main(args: Array<String>) {}\n"
        ));
        assert!(entry(
            "Program.cs",
            "static async Task Main(string[] args) {}\n"
        ));
        assert!(entry(
            "Program.cs",
            "public static int Main(string[] args) => 0;\n"
        ));
        assert!(!entry(
            "A.java",
            "// public static void main(String[] args)\n"
        ));
        assert!(!entry("A.kt", "    private fun mainly() {}\n"));
        assert!(!entry(
            "src/test/java/T.java",
            "public static void main(String[] a) {}\n"
        ));
    }

    #[test]
    fn health_services_count_where_served_not_where_imported() {
        let java = "import io.grpc.health.v1.HealthCheckResponse.ServingStatus;\nclass A {\n  private HealthStatusManager m;\n}\n";
        let mut out = vec![];
        scan("src/AdService.java", java.as_bytes(), &mut out);
        let health: Vec<u32> = out
            .iter()
            .filter(|h| h.kind == SignalKind::HealthRoute)
            .map(|h| h.line)
            .collect();
        assert_eq!(health, vec![3]);
        let mut out = vec![];
        scan(
            "build/generated/health.grpc.pb.cc",
            b"const char* s = \"/grpc.health.v1.Health/Check\";\n",
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        let go = "import healthpb \"google.golang.org/grpc/health/grpc_health_v1\"\nfunc main() {\n\thealthpb.RegisterHealthServer(srv, h)\n}\n";
        let mut out = vec![];
        scan("main.go", go.as_bytes(), &mut out);
        assert!(
            out.iter()
                .any(|h| h.kind == SignalKind::HealthRoute && h.line == 3)
        );
    }

    #[test]
    fn finds_shutdown_and_tls_with_lines() {
        let src = "a\nsignal.Notify(c, syscall.SIGTERM)\nx\nrequests.get(u, verify=False)\n";
        let k = kinds(src);
        assert!(k.contains(&(SignalKind::Shutdown, 2)));
        // GoogleCloudPlatform/microservices-demo: a SIGUSR1/SIGUSR2 handler (a reload
        // toggle) is not shutdown handling; its frontend's `/_healthz` is a health route.
        assert!(kinds("signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGUSR2)\n").is_empty());
        assert_eq!(
            kinds("signal.Notify(c, os.Interrupt, syscall.SIGTERM)\n"),
            vec![(SignalKind::Shutdown, 1)]
        );
        assert_eq!(
            kinds("r.HandleFunc(\"/_healthz\", func(w http.ResponseWriter, _ *http.Request) {})\n"),
            vec![(SignalKind::HealthRoute, 1)]
        );
        // go-shiori/shiori (#13): a liveness route under a `system/` prefix.
        let mut out = vec![];
        scan_code(
            "internal/http/server.go",
            b"package http\nfunc r() {\n\tmux.HandleFunc(\"GET /system/liveness\", h)\n\tmux.HandleFunc(\"/system/liveness\", h)\n}\n",
            &mut out,
        );
        let lines: Vec<u32> = out
            .iter()
            .filter(|h| h.kind == SignalKind::HealthRoute)
            .map(|h| h.line)
            .collect();
        assert_eq!(lines, [3, 4], "Go 1.22 method patterns too: {out:?}");
        // dotnet/eShop: .NET's HttpClient (100 s) and OkHttp (10 s) time out by default.
        assert!(kinds("var c = new HttpClient();\nval o = OkHttpClient()\n").is_empty());
        // wallabag (#13): Symfony's `HttpClient::create()` idles out after PHP's
        // `default_socket_timeout` (60 s): a client with a finite default.
        let mut out = vec![];
        scan_code(
            "src/HttpClient/WallabagClient.php",
            b"<?php\n$this->client = HttpClient::create(['timeout' => 10]);\n",
            &mut out,
        );
        assert!(
            out.iter()
                .any(|h| h.kind == SignalKind::BoundedHttpClient && h.line == 2)
        );
        assert!(k.contains(&(SignalKind::TlsVerifyDisabled, 4)));
        assert!(k.contains(&(SignalKind::HttpClient, 4)));
        // A local endpoint's self-signed certificate (podinfo deploy/kind.sh) is no risk;
        // the same flag against a remote host is.
        let tls = |src: &str| {
            kinds(src)
                .iter()
                .any(|(k, _)| *k == SignalKind::TlsVerifyDisabled)
        };
        assert!(!tls("curl --insecure https://localhost\n"));
        assert!(!tls("curl -k https://127.0.0.1:8443/healthz\n"));
        assert!(tls("curl -k https://api.example.com/v1\n"));
        assert!(tls("curl -k https://localhost.evil.example/x\n"));
        assert!(tls("curl -k https://localhost/a https://example.com/b\n"));
    }

    #[test]
    fn fetch_is_an_http_call_only_as_javascript_global_fetch() {
        // Regression: netbox's `RQ_Job.fetch(` (Python), thanos' memcached `fetch(` (Go),
        // Ruby `ENV.fetch(` and Elixir `Map.fetch(` were reported as outbound HTTP calls.
        let at = |path: &str, src: &str| {
            let mut out = vec![];
            scan(path, src.as_bytes(), &mut out);
            out.iter()
                .filter(|h| h.kind == SignalKind::HttpClient)
                .map(|h| h.line)
                .collect::<Vec<_>>()
        };
        assert!(
            at(
                "core/views.py",
                "job = RQ_Job.fetch(task_id)\nx = fetch(1)\n"
            )
            .is_empty()
        );
        assert!(at("cache/memcached.go", "c.fetch(ctx, keys)\nfetch(ctx)\n").is_empty());
        assert!(at("email_server.rb", "ENV.fetch('PORT')\n").is_empty());
        assert!(at("lib/s.ex", "Map.fetch(m, :k)\n").is_empty());
        assert_eq!(
            at(
                "web/api.ts",
                "const r = await fetch(url)\nwindow.fetch(u)\ncache.fetch(k)\n"
            ),
            vec![1, 2]
        );
    }

    /// Regression (sissbruecker/linkding, #13): `os.killpg(os.getpgid(p.pid),
    /// signal.SIGTERM)`, which stops a child process on a timeout, passed
    /// scalability/graceful-shutdown as SIGTERM handling. Sending a signal is not
    /// handling one; registering a handler, or naming the signal elsewhere, is.
    #[test]
    fn sending_sigterm_is_not_handling_it() {
        let shutdown = |path: &str, src: &str| {
            let mut out = vec![];
            scan_code(path, src.as_bytes(), &mut out);
            out.into_iter()
                .filter(|h| h.kind == SignalKind::Shutdown)
                .map(|h| h.line)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        };
        let py = "import os, signal\nos.killpg(os.getpgid(p.pid), signal.SIGTERM)\nos.kill(pid, signal.SIGTERM)\nsignal.signal(signal.SIGTERM, handler)\n";
        assert_eq!(shutdown("app/snap.py", py), [4]);
        let go = "package main\nfunc f() {\n\tcmd.Process.Signal(syscall.SIGTERM)\n\tsignal.Notify(c,\n\t\tsyscall.SIGTERM)\n}\n";
        assert_eq!(shutdown("cmd/main.go", go), [5]);
        let js = "child.kill('SIGTERM');\nprocess.on('SIGTERM', () => server.close());\n";
        assert_eq!(shutdown("src/server.js", js), [2]);
        let rs = "fn f() { kill(Pid::from_raw(p), Signal::SIGTERM).ok(); }\n";
        assert!(shutdown("src/main.rs", rs).is_empty());
        // pterodactyl/wings chooses the stop signal it sends to a container; a list of
        // signals to be notified of (controller-runtime's `shutdownSignals`) still counts.
        let go = "package docker\nfunc f(s string) {\n\tswitch s {\n\tcase \"SIGTERM\":\n\t\tsignal = syscall.SIGTERM\n\t}\n\te.Terminate(ctx, signal)\n}\n";
        assert!(shutdown("environment/docker/power.go", go).is_empty());
        let go =
            "package signals\nvar shutdownSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}\n";
        assert_eq!(shutdown("pkg/signals/signal_posix.go", go), [2]);
    }

    #[test]
    fn ctrl_c_alone_is_not_sigterm_handling() {
        // Regression: mini-redis' server passed scalability/graceful-shutdown on its
        // `use tokio::signal;` import, but it only awaits `signal::ctrl_c()` (SIGINT): the
        // SIGTERM a container runtime sends still kills it without draining.
        let src = "use tokio::signal;\nasync fn main() {\n    server::run(l, signal::ctrl_c()).await;\n}\n";
        assert!(!kinds(src).iter().any(|k| k.0 == SignalKind::Shutdown));
        let src = "use tokio::signal::unix::{signal, SignalKind};\nlet mut t = signal(SignalKind::terminate())?;\n";
        let k = kinds(src);
        assert!(k.contains(&(SignalKind::Shutdown, 1)));
        assert!(k.contains(&(SignalKind::Shutdown, 2)));
    }

    #[test]
    fn finds_server_sockets() {
        // Regression support: mini-redis' src/bin/server.rs binds a TcpListener (a server
        // with no HTTP framework) and was detected as a CLI.
        let mut out = vec![];
        scan(
            "src/bin/server.rs",
            b"fn main() {\n    let l = TcpListener::bind(&addr).await?;\n}\n",
            &mut out,
        );
        assert_eq!(
            out.iter().map(|h| (h.kind, h.line)).collect::<Vec<_>>(),
            vec![(SignalKind::Listener, 2)]
        );
        assert_eq!(
            kinds("ln, err := net.Listen(\"tcp\", addr)\n"),
            vec![(SignalKind::Listener, 1)]
        );
    }

    /// gin-gonic/gin: the package documentation in doc.go shows `r.GET("/ping", ...)` in
    /// `//` comments, which made the library a service with a health route. Commented-out
    /// code in hash-comment languages (Python, a Dockerfile's HEALTHCHECK) is no
    /// evidence either; a JavaScript private field `#client` is code.
    #[test]
    fn comments_are_not_code() {
        let hits = |path: &str, src: &str| {
            let mut out = vec![];
            scan(path, src.as_bytes(), &mut out);
            out.into_iter()
                .map(|h| (h.kind, h.line))
                .collect::<Vec<_>>()
        };
        let doc = "// Package gin.\n//\n//\tr.GET(\"/ping\", func(c *gin.Context) {\n//\t\tc.JSON(200, gin.H{})\n//\t})\npackage gin\n";
        assert!(
            !hits("doc.go", doc)
                .iter()
                .any(|(k, _)| *k == SignalKind::HealthRoute)
        );
        let block = "/*\nPackage gin.\n\n\tfunc main() {\n\t\tr.GET(\"/ping\", ping)\n\t}\n*/\npackage gin\n";
        assert!(
            !hits("doc.go", block)
                .iter()
                .any(|(k, _)| *k == SignalKind::HealthRoute)
        );
        // A catch-all route string is not a comment opening.
        let js = "app.get('/*', spa);\napp.get('/healthz', ok);\n";
        assert!(hits("server.js", js).contains(&(SignalKind::HealthRoute, 2)));
        let code = "package main\nfunc main() {\n\tr.GET(\"/ping\", ping)\n}\n";
        assert!(hits("main.go", code).contains(&(SignalKind::HealthRoute, 3)));
        let py = "# @app.get(\"/health\")\n@app.get(\"/healthz\")\ndef h(): pass\n";
        let health: Vec<u32> = hits("app.py", py)
            .into_iter()
            .filter(|(k, _)| *k == SignalKind::HealthRoute)
            .map(|(_, l)| l)
            .collect();
        assert_eq!(health, vec![2]);
    }

    #[test]
    fn rust_unit_tests_and_mentions_are_not_code() {
        let src = "/// Never use `verify=False`.\nfn f() { c.danger_accept_invalid_certs(true) }\n// c.danger_accept_invalid_certs(true)\n#[cfg(test)]\nmod tests {\n    fn t() { c.danger_accept_invalid_certs(true) }\n}\n";
        let mut out = vec![];
        scan("src/client.rs", src.as_bytes(), &mut out);
        let tls: Vec<_> = out
            .iter()
            .filter(|h| h.kind == SignalKind::TlsVerifyDisabled)
            .map(|h| h.line)
            .collect();
        // Line 6 is in the unit tests after `#[cfg(test)]`: not searched.
        assert_eq!(tls, vec![2]);
        // Nor is a test file.
        let mut out = vec![];
        scan(
            "tests/client.rs",
            b"fn t() { c.danger_accept_invalid_certs(true) }\n",
            &mut out,
        );
        assert!(out.is_empty());
        // A backtick is code in shell: `curl -k` there is a real call.
        let mut out = vec![];
        scan("deploy.sh", b"out=`curl -k https://x`\n", &mut out);
        assert_eq!(out.len(), 1);
    }

    /// One example of every alternative of every pattern.
    const EXAMPLES: &[&str] = &[
        r#"app.get("/healthz", h)"#,
        r#"r.GET('/api/readiness', h)"#,
        "route(`/livez`)",
        r#"get("/liveness")"#,
        r#"get("/ping")"#,
        r#"get "up" => "rails/health#show""#,
        r#"get("/up")"#,
        r#"get("/_health")"#,
        r#"get("/actuator/health/db")"#,
        r#"mux.HandleFunc("GET /system/liveness", h)"#,
        "services.AddSwaggerGen(o => {})",
        "HttpClient::create(['timeout' => 10])",
        "io.grpc.health.v1.HealthCheckResponse",
        "class S : public grpc::health::v1::Health::Service",
        "healthMgr = new HealthStatusManager();",
        "healthpb.RegisterHealthServer(srv, h)",
        "health_pb2_grpc.add_HealthServicer_to_server(h, server)",
        "grpc::EnableDefaultHealthCheckService(true);",
        "s := health.NewServer()",
        "use tonic_health;",
        "HealthCheckService",
        "app.MapHealthChecks(",
        "syscall.SIGTERM",
        "signal.NotifyContext(ctx, os.Interrupt)",
        "server = uvicorn.Server(config)",
        "uvicorn.run(app)",
        "await hypercorn.asyncio.serve(app, config)",
        "with_graceful_shutdown(x)",
        "srv.Shutdown(ctx)",
        "srv.Shutdown(context.Background())",
        // pocket-id: `srv.Shutdown(shutdownCtx)`, a context named otherwise.
        "srv.Shutdown(shutdownCtx)",
        // ory/kratos hands the method to its graceful helper.
        "graceful.GracefulContext(ctx, srv.ListenAndServe, server.Shutdown)",
        "process.on(\n  'SIGINT', f)",
        "signal.signal(signal.SIGTERM, h)",
        "tokio::signal::unix",
        "SignalKind::terminate()",
        "app.enableShutdownHooks()",
        "@PreDestroy",
        "void stop(@Observes ShutdownEvent e)",
        "SSLFactory.builder().withUnsafeTrustMaterial()",
        ".trustManager(InsecureTrustManagerFactory.INSTANCE)",
        "Runtime.getRuntime().addShutdownHook(t)",
        "server.shutdown()",
        "require('http-graceful-shutdown')",
        "require('stoppable')",
        "require('lightship')",
        r#"path("healthz/", views.health)"#,
        r#"re_path(r"^ready/$", views.ready)"#,
        r#"path('api/livez', v)"#,
        r#"path("readyz/", v)"#,
        r#"path("ping/", v)"#,
        "IHostApplicationLifetime",
        "ApplicationStopping",
        "requests.get(u, verify = False)",
        "InsecureSkipVerify: true",
        "rejectUnauthorized: false",
        "b.danger_accept_invalid_certs( true)",
        "b.danger_accept_invalid_hostnames(true)",
        "NODE_TLS_REJECT_UNAUTHORIZED='0'",
        "ssl._create_unverified_context()",
        "ctx.verify_mode = ssl.CERT_NONE",
        "ctx.check_hostname = False",
        "SSL_VERIFY_NONE",
        "OpenSSL::SSL::VERIFY_NONE",
        "new TrustAllCerts()",
        "NoopHostnameVerifier.INSTANCE",
        "h.ServerCertificateCustomValidationCallback = (a, b) => true;",
        "RUN curl -sSL -k https://x",
        "wget -q --no-check-certificate https://x",
        "requests.post(u)",
        "http.Get(u)",
        "res, err := http.DefaultClient.Do(req)",
        "c := &http.Client{}",
        "reqwest::Client::builder()",
        "reqwest::get(u)",
        "ureq::agent()",
        "axios.create(",
        "const r = fetch(u)",
        "new RestTemplate()",
        "WebClient.builder()",
        "Faraday.new(url)",
        "Net::HTTP.get(u)",
        "Timeout = 5",
        "client.TimeOut = 5",
        "READ_TIMEOUT: 5",
        "c.timeout(d)",
        "Timeout: 5 * time.Second",
        "f.setConnectTimeout(1)",
        "f.setReadTimeout(1)",
        "connect_timeout=3",
        "read_timeout=3",
        "AbortSignal.timeout(5000)",
        "{ signal: AbortSignal.any([]) }",
        "context.WithTimeout(ctx, d)",
        "responseTimeout(d)",
        "callTimeout(d)",
        r#"import "log/slog""#,
        "TcpListener::bind(addr)",
        "net.Listen(\"tcp\", a)",
        "net.ListenTCP(\"tcp\", a)",
        "var migrations = [...]func(tx *sql.Tx) error{",
        "var addOrgID = xormigrate.Migration{",
        "Rollback: func(tx *gorm.DB) error {",
    ];

    #[test]
    fn keywords_cover_every_pattern() {
        let re = regex();
        let ac = keywords();
        for ex in EXAMPLES {
            let m = re
                .find(ex.as_bytes())
                .unwrap_or_else(|| panic!("example matches no pattern: {ex}"));
            let text = &ex.as_bytes()[m.start()..m.end()];
            assert!(
                ac.find(text).is_some(),
                "the match `{}` of pattern {} contains no keyword: add one to KEYWORDS",
                String::from_utf8_lossy(text),
                m.pattern().as_usize()
            );
        }
    }

    #[test]
    fn windowed_scan_finds_what_a_full_scan_finds() {
        // Every example, surrounded by unrelated lines, at varying distances.
        let mut text = String::new();
        for (i, ex) in EXAMPLES.iter().enumerate() {
            for _ in 0..(i % 4) {
                text.push_str("let unrelated = compute(a, b);\n");
            }
            text.push_str(ex);
            text.push('\n');
        }
        let (full, windowed) = full_and_windowed(text.as_bytes());
        assert_eq!(full, windowed);
        assert!(full.len() >= EXAMPLES.len());
    }

    type Spans = Vec<(usize, usize)>;

    /// Match spans of the regexes over the whole text, then over the keyword windows.
    fn full_and_windowed(bytes: &[u8]) -> (Spans, Spans) {
        let full = regex()
            .find_iter(bytes)
            .map(|m| (m.start(), m.end()))
            .collect();
        let windowed = windows(bytes)
            .into_iter()
            .flat_map(|(s, e)| {
                regex()
                    .find_iter(regex_automata::Input::new(bytes).span(s..e))
                    .map(|m| (m.start(), m.end()))
                    .collect::<Vec<_>>()
            })
            .collect();
        (full, windowed)
    }

    use proptest::prelude::Strategy as _;

    proptest::proptest! {
        #[test]
        fn windowing_never_loses_or_invents_a_match(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(EXAMPLES).prop_map(str::to_string),
                    "[ -~]{0,30}",
                    proptest::sample::select(EXAMPLES).prop_map(|e| format!("x = {e} // tail")),
                ],
                0..40,
            ),
            sep in proptest::sample::select(vec!["\n", "\r\n", "\n\n"]),
        ) {
            let text = lines.join(sep);
            let (full, windowed) = full_and_windowed(text.as_bytes());
            proptest::prop_assert_eq!(full, windowed);
        }
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("pkg/server_test.go"));
        assert!(is_test_path("tests/test_api.py"));
        assert!(!is_test_path("src/server.go"));
        // Regression: thanos' pkg/testutil/e2eutil/prometheus.go (Go test helpers) was
        // production code for scalability/timeouts-configured.
        assert!(is_test_path("pkg/testutil/e2eutil/prometheus.go"));
        assert!(is_test_path("oryx/watcherx/integrationtest/Dockerfile"));
        assert!(!is_test_path("pkg/testutility.go"));
    }
}
