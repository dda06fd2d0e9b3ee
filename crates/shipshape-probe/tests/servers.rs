//! The probe against real servers from Debian — nginx, Caddy, Prometheus,
//! node_exporter and gunicorn — each started by the test on 127.0.0.1 and free ports, with its
//! configuration, pid, logs and temporary files in a tempdir (no root, no system
//! configuration), and killed when the test ends.
//!
//! A test skips with a message when its binary is absent. `.ci/run` installs the
//! packages and sets SHIPSHAPE_TEST_NGINX / _CADDY / _PROMETHEUS / _NODE_EXPORTER /
//! _GUNICORN:
//! when that variable is set, a binary that is missing or does not start fails the test.
//! Python's http.server (Debian's python3, /usr/bin/python3 or SHIPSHAPE_TEST_PYTHON3)
//! is the third listing page.

mod common;

use common::{expect, result};
use shipshape_model::Outcome::{self, *};
use shipshape_model::Report;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary to run: the env var's path (mandatory), else the default path when it
/// exists, else `None` (skip).
fn binary(var: &str, default: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(p) => {
            let p = PathBuf::from(p);
            assert!(
                p.is_file(),
                "{var}={} is set but no such file exists",
                p.display()
            );
            Some(p)
        }
        None if Path::new(default).is_file() => Some(PathBuf::from(default)),
        None => {
            eprintln!("skipping: {default} not found (set {var} to run this test)");
            None
        }
    }
}

/// A port nothing listens on right now (bound and released; the server binds it next).
///
/// Chosen below the kernel's ephemeral range (32768 and up on Linux), not with
/// `bind(0)`: between the release and the server's bind, another test's probe opening
/// connections could take an ephemeral port as its source port, and the server would
/// exit with "address in use" (seen as a flaky `caddy_answering_trace…` under 12 test
/// threads). Processes start from different points (pid and time) of 20000..32000.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000;
    let seed = std::process::id().wrapping_mul(7919)
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = (LOW + (seed.wrapping_add(n.wrapping_mul(37))) % SPAN) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port in {LOW}..{}", LOW + SPAN)
}

/// A running server process in its own process group; dropping it stops the group
/// (SIGTERM, then SIGKILL for whatever is left: nginx's workers outlive a killed master)
/// and removes its tempdir.
struct Running {
    child: Child,
    name: &'static str,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// Send `signal` to the process group `pgid` (the server and its workers).
fn signal_group(signal: &str, pgid: u32) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

impl Drop for Running {
    fn drop(&mut self) {
        let pgid = self.child.id();
        signal_group("-TERM", pgid);
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal_group("-KILL", pgid);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Start `cmd` (stdout and stderr to `log`) and wait until every port accepts.
    fn start(
        name: &'static str,
        mut cmd: Command,
        dir: tempfile::TempDir,
        ports: &[u16],
    ) -> Running {
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        let mut r = Running {
            child,
            name,
            log,
            _dir: dir,
        };
        r.wait_for(ports);
        r
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Poll until each port accepts a connection; the process exiting first, or 30 s
    /// without it listening, fails the test with the server's log.
    fn wait_for(&mut self, ports: &[u16]) {
        let started = Instant::now();
        for &port in ports {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
                if let Ok(Some(status)) = self.child.try_wait() {
                    panic!(
                        "{} exited ({status}) before listening on {port}:\n{}",
                        self.name,
                        self.logs()
                    );
                }
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "{} does not listen on {port} after 30 s:\n{}",
                    self.name,
                    self.logs()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A probe of `url` without the slow-client connections (they would hold 60 s against
/// nginx, and the requests under slow clients add 9 s to each test) and with a short
/// per-request timeout.
fn probe(url: &str) -> Report {
    let o = shipshape_probe::ProbeOptions {
        url: url.to_string(),
        timeout: Duration::from_secs(3),
        max_duration: Duration::from_secs(90),
        skip: vec![
            "probe/slow-clients".into(),
            "probe/slow-client-exhaustion".into(),
        ],
        ..Default::default()
    };
    shipshape_probe::run(&o, &|_| {}).expect("probe runs")
}

/// Assert several outcomes at once, listing every mismatch.
fn expect_all(report: &Report, want: &[(&str, Outcome)]) {
    let wrong: Vec<String> = want
        .iter()
        .filter_map(|(id, o)| {
            let c = result(report, id);
            (c.outcome != *o).then(|| {
                format!(
                    "{id}: {} (want {o}): {}\n{:#?}",
                    c.outcome, c.summary, c.findings
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

// ---- nginx ------------------------------------------------------------------

struct Nginx {
    _server: Running,
    /// Debian's default site (its welcome page, `try_files $uri $uri/ =404`).
    stock: u16,
    /// `autoindex on` over a directory with files.
    autoindex: u16,
    /// `return 200` JSON for /healthz and `proxy_pass` to the stock site for the rest.
    proxy: u16,
    /// The stock site with CSP, Referrer-Policy, COOP, CORP and nosniff added.
    hardened: u16,
    /// `return 301 https://$host$request_uri`.
    redirect: u16,
}

fn nginx() -> Option<Nginx> {
    let bin = binary("SHIPSHAPE_TEST_NGINX", "/usr/sbin/nginx")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().display().to_string();
    let welcome = std::fs::read_to_string("/usr/share/nginx/html/index.html").unwrap_or_else(|_| {
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n".into()
    });
    write(&dir.path().join("html/index.html"), &welcome);
    write(&dir.path().join("files/readme.txt"), "read me\n");
    write(&dir.path().join("files/backups/dump.sql"), "-- dump\n");
    std::fs::create_dir_all(dir.path().join("tmp")).expect("mkdir");
    let [stock, autoindex, proxy, hardened, redirect] = [(); 5].map(|_| free_port());
    // Debian's mime.types when installed; else the two types these pages need.
    let mime = if Path::new("/etc/nginx/mime.types").is_file() {
        "include /etc/nginx/mime.types;".to_string()
    } else {
        "types { text/html html; text/plain txt; }".to_string()
    };
    let conf = format!(
        r#"worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    sendfile on;
    keepalive_timeout 65;
    server {{
        listen 127.0.0.1:{stock};
        root {d}/html;
        index index.html index.htm;
        location / {{ try_files $uri $uri/ =404; }}
    }}
    server {{
        listen 127.0.0.1:{autoindex};
        root {d}/files;
        autoindex on;
    }}
    server {{
        listen 127.0.0.1:{proxy};
        location = /healthz {{ default_type application/json; return 200 '{{"status":"ok"}}\n'; }}
        location / {{ proxy_pass http://127.0.0.1:{stock}; }}
    }}
    server {{
        listen 127.0.0.1:{hardened};
        root {d}/html;
        server_tokens off;
        add_header Content-Security-Policy "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'" always;
        add_header Referrer-Policy "strict-origin-when-cross-origin" always;
        add_header Cross-Origin-Opener-Policy "same-origin" always;
        add_header Cross-Origin-Resource-Policy "same-origin" always;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;
        add_header X-Content-Type-Options "nosniff" always;
        location / {{ try_files $uri $uri/ =404; }}
    }}
    server {{
        listen 127.0.0.1:{redirect};
        return 301 https://$host$request_uri;
    }}
}}
"#
    );
    write(&dir.path().join("nginx.conf"), &conf);
    let mut cmd = Command::new(bin);
    cmd.arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .args(["-g", "daemon off;"]);
    let ports = [stock, autoindex, proxy, hardened, redirect];
    Some(Nginx {
        _server: Running::start("nginx", cmd, dir, &ports),
        stock,
        autoindex,
        proxy,
        hardened,
        redirect,
    })
}

fn url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

#[test]
fn nginx_stock_welcome_page_fails_csp_and_warns_on_cross_origin_headers() {
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.stock));
    expect_all(
        &r,
        &[
            ("probe/reachable", Pass),
            ("probe/csp", Fail),
            ("probe/referrer-policy", Pass),
            ("probe/cross-origin-isolation", Warn),
            ("probe/directory-listing", Pass),
            ("probe/https-redirect", NotApplicable),
            ("probe/banner", Warn),
            ("probe/liveness-endpoint", Fail),
            // Regression: a website's HTML error pages were warned as "not JSON".
            ("probe/error-format", NotApplicable),
        ],
    );
    let csp = result(&r, "probe/csp");
    assert!(
        csp.findings
            .iter()
            .any(|f| f.message.contains("without Content-Security-Policy")),
        "{:#?}",
        csp.findings
    );
}

#[test]
fn nginx_autoindex_fails_directory_listing() {
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.autoindex));
    expect(&r, "probe/directory-listing", Fail);
    let s = &result(&r, "probe/directory-listing").summary;
    assert!(s.contains("Index of /"), "{s}");
}

#[test]
fn nginx_website_with_json_healthz_gets_no_json_demand_for_its_404() {
    // Regression: the JSON /healthz made the HTML site "an API" whose HTML 404 warned.
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.proxy));
    expect_all(
        &r,
        &[
            ("probe/unknown-path", Pass),
            ("probe/error-format", NotApplicable),
        ],
    );
}

#[test]
fn nginx_return_200_healthz_behind_a_proxy_passes_liveness() {
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.proxy));
    expect_all(
        &r,
        &[
            ("probe/liveness-endpoint", Pass),
            ("probe/directory-listing", Pass),
            ("probe/csp", Fail),
        ],
    );
}

#[test]
fn nginx_with_security_headers_passes_csp_referrer_policy_and_isolation() {
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.hardened));
    expect_all(
        &r,
        &[
            ("probe/csp", Pass),
            ("probe/referrer-policy", Pass),
            ("probe/cross-origin-isolation", Pass),
            ("probe/permissions-policy", Pass),
            ("probe/api-headers", Pass),
            ("probe/banner", Pass),
        ],
    );
}

#[test]
fn nginx_return_301_to_https_passes_https_redirect() {
    let Some(n) = nginx() else { return };
    let r = probe(&url(n.redirect));
    expect_all(
        &r,
        &[
            ("probe/https-redirect", Pass),
            // Regression: the 301 sent before reading the 20 MB body failed as "not refused".
            ("probe/oversized-body", Warn),
            // Regression: the redirector's HTML 405 for TRACE warned as "not JSON".
            ("probe/error-format", NotApplicable),
            // A redirect is no HTML page: the page headers are not judged on it.
            ("probe/csp", NotApplicable),
            ("probe/referrer-policy", NotApplicable),
        ],
    );
}

#[test]
fn nginx_keeps_answering_while_slow_clients_hold_connections() {
    // An event loop holds a slow client as a buffer, not a worker.
    let Some(n) = nginx() else { return };
    let r = probe_exhaustion(&url(n.proxy));
    expect(&r, "probe/slow-client-exhaustion", Pass);
    let s = &result(&r, "probe/slow-client-exhaustion").summary;
    assert!(s.contains("5 of 5"), "{s}");
}

// ---- Caddy ------------------------------------------------------------------

struct Caddy {
    _server: Running,
    /// `file_server browse` over a directory with files.
    browse: u16,
    /// A static site with `respond /healthz` JSON.
    site: u16,
    /// `redir https://{host}{uri} 308`.
    redirect: u16,
}

fn caddy() -> Option<Caddy> {
    let bin = binary("SHIPSHAPE_TEST_CADDY", "/usr/bin/caddy")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().display().to_string();
    write(&dir.path().join("files/readme.txt"), "read me\n");
    write(&dir.path().join("files/backups/dump.sql"), "-- dump\n");
    write(
        &dir.path().join("www/index.html"),
        "<!DOCTYPE html>\n<html><head><title>Hello</title></head><body><p>Hello from Caddy</p></body></html>\n",
    );
    let [browse, site, redirect] = [(); 3].map(|_| free_port());
    let conf = format!(
        "{{\n\tadmin off\n\tauto_https off\n}}\n\
         http://127.0.0.1:{browse} {{\n\troot * {d}/files\n\tfile_server browse\n}}\n\
         http://127.0.0.1:{site} {{\n\troot * {d}/www\n\trespond /healthz `{{\"status\":\"ok\"}}` 200\n\tfile_server\n}}\n\
         http://127.0.0.1:{redirect} {{\n\tredir https://{{host}}{{uri}} 308\n}}\n"
    );
    write(&dir.path().join("Caddyfile"), &conf);
    let mut cmd = Command::new(bin);
    cmd.arg("run")
        .arg("--config")
        .arg(dir.path().join("Caddyfile"))
        .args(["--adapter", "caddyfile"])
        .env("HOME", dir.path().join("home"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"));
    Some(Caddy {
        _server: Running::start("caddy", cmd, dir, &[browse, site, redirect]),
        browse,
        site,
        redirect,
    })
}

#[test]
fn caddy_file_server_browse_fails_directory_listing_once() {
    let Some(c) = caddy() else { return };
    let r = probe(&url(c.browse));
    expect(&r, "probe/directory-listing", Fail);
    let d = result(&r, "probe/directory-listing");
    assert!(d.summary.contains("Caddy"), "{}", d.summary);
    // Regression: Caddy answers POST, TRACE and XYZZY / with the listing too; that was
    // 15 findings for one directory.
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
}

#[test]
fn caddy_answering_trace_with_its_page_is_not_trace_enabled() {
    // Regression: file_server answers every method with the file; `TRACE is enabled`
    // failed probe/methods although nothing is echoed.
    let Some(c) = caddy() else { return };
    let r = probe(&url(c.site));
    expect(&r, "probe/methods", Warn);
}

#[test]
fn caddy_static_site_fails_csp_and_passes_liveness() {
    let Some(c) = caddy() else { return };
    let r = probe(&url(c.site));
    expect_all(
        &r,
        &[
            ("probe/csp", Fail),
            ("probe/cross-origin-isolation", Warn),
            ("probe/directory-listing", Pass),
            ("probe/liveness-endpoint", Pass),
            ("probe/https-redirect", NotApplicable),
        ],
    );
}

#[test]
fn caddy_redir_308_to_https_passes_https_redirect() {
    let Some(c) = caddy() else { return };
    let r = probe(&url(c.redirect));
    expect_all(
        &r,
        &[
            ("probe/https-redirect", Pass),
            // Regression: the 308 sent before reading the 20 MB body failed.
            ("probe/oversized-body", Warn),
        ],
    );
}

// ---- Prometheus and node_exporter --------------------------------------------

fn prometheus() -> Option<(Running, u16)> {
    let bin = binary("SHIPSHAPE_TEST_PROMETHEUS", "/usr/bin/prometheus")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let conf = format!(
        "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: [\"127.0.0.1:{port}\"]\n"
    );
    write(&dir.path().join("prometheus.yml"), &conf);
    let mut cmd = Command::new(bin);
    cmd.arg(format!(
        "--config.file={}",
        dir.path().join("prometheus.yml").display()
    ))
    .arg(format!(
        "--storage.tsdb.path={}",
        dir.path().join("data").display()
    ))
    .arg(format!("--web.listen-address=127.0.0.1:{port}"));
    Some((Running::start("prometheus", cmd, dir, &[port]), port))
}

fn node_exporter() -> Option<(Running, u16)> {
    let bin = binary(
        "SHIPSHAPE_TEST_NODE_EXPORTER",
        "/usr/bin/prometheus-node-exporter",
    )?;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg(format!(
            "--collector.textfile.directory={}",
            dir.path().display()
        ));
    Some((Running::start("node_exporter", cmd, dir, &[port]), port))
}

#[test]
fn prometheus_passes_liveness_and_readiness_via_its_dash_paths() {
    let Some((_p, port)) = prometheus() else {
        return;
    };
    let r = probe(&url(port));
    expect_all(
        &r,
        &[
            ("probe/reachable", Pass),
            ("probe/liveness-endpoint", Pass),
            ("probe/readiness-endpoint", Pass),
            ("probe/metrics-endpoint", Pass),
            ("probe/metrics-truth", Pass),
            ("probe/https-redirect", NotApplicable),
            // The UI's root is a redirect to /graph: no page to judge headers on.
            ("probe/csp", NotApplicable),
        ],
    );
    let live = &result(&r, "probe/liveness-endpoint").summary;
    assert!(live.contains("/-/healthy"), "{live}");
}

#[test]
fn node_exporter_scrape_counter_is_not_taken_for_a_request_counter() {
    let Some((_n, port)) = node_exporter() else {
        return;
    };
    let r = probe(&url(port));
    expect_all(
        &r,
        &[
            ("probe/metrics-endpoint", Pass),
            // promhttp_metric_handler_requests_total counts scrapes only.
            ("probe/metrics-red", Warn),
            ("probe/metrics-truth", NotApplicable),
            // Its landing page answers every path and method.
            ("probe/unknown-path", Fail),
            ("probe/methods", Warn),
        ],
    );
    let red = &result(&r, "probe/metrics-red").summary;
    assert!(
        red.contains("(counter -,") && !red.contains("promhttp_metric_handler_requests_total"),
        "{red}"
    );
}

#[test]
fn node_exporter_landing_page_on_every_path_is_one_html_page() {
    // Regression: the soft-404 landing page answered /, /static/, /assets/… and was
    // counted as 6 pages without a CSP.
    let Some((_n, port)) = node_exporter() else {
        return;
    };
    let r = probe(&url(port));
    expect(&r, "probe/csp", Fail);
    let s = &result(&r, "probe/csp").summary;
    assert!(s.starts_with("1 of 1 HTML page"), "{s}");
}

// ---- Python's http.server -----------------------------------------------------

#[test]
fn python_http_server_listing_fails_directory_listing() {
    let Some(bin) = binary("SHIPSHAPE_TEST_PYTHON3", "/usr/bin/python3") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("files/readme.txt"), "read me\n");
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.args([
        "-m",
        "http.server",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
    ])
    .arg("--directory")
    .arg(dir.path().join("files"));
    let _server = Running::start("python3 -m http.server", cmd, dir, &[port]);
    let r = probe(&url(port));
    expect(&r, "probe/directory-listing", Fail);
    let s = &result(&r, "probe/directory-listing").summary;
    assert!(s.contains("Python http.server"), "{s}");
}

// ---- gunicorn -------------------------------------------------------------------

/// A tiny WSGI app: text at `/`, JSON at `/healthz`, 404 elsewhere.
const WSGI_APP: &str = r#"def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        status, ctype, body = "200 OK", "application/json", b'{"status":"ok"}\n'
    elif path == "/":
        status, ctype, body = "200 OK", "text/plain; charset=utf-8", b"hello from gunicorn\n"
    else:
        status, ctype, body = "404 Not Found", "text/plain; charset=utf-8", b"not found\n"
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]
"#;

/// Debian's gunicorn serving [`WSGI_APP`] with two workers of `worker_args`.
fn gunicorn(worker_args: &[&str]) -> Option<(Running, u16)> {
    let bin = binary("SHIPSHAPE_TEST_GUNICORN", "/usr/bin/gunicorn")?;
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("app.py"), WSGI_APP);
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .args(["--workers", "2"])
        .args(worker_args)
        .arg("--chdir")
        .arg(dir.path())
        .arg("--worker-tmp-dir")
        .arg(dir.path())
        .arg("app:app");
    Some((Running::start("gunicorn", cmd, dir, &[port]), port))
}

/// A probe of the requests under slow clients alone (with liveness discovery, so that
/// they GET /healthz).
fn probe_exhaustion(url: &str) -> Report {
    let o = shipshape_probe::ProbeOptions {
        url: url.to_string(),
        timeout: Duration::from_secs(3),
        max_duration: Duration::from_secs(60),
        checks: vec![
            "probe/liveness-endpoint".into(),
            "probe/slow-client-exhaustion".into(),
        ],
        ..Default::default()
    };
    shipshape_probe::run(&o, &|_| {}).expect("probe runs")
}

#[test]
fn gunicorn_sync_workers_held_by_slow_clients_fail_slow_client_exhaustion() {
    let Some((_g, port)) = gunicorn(&["--worker-class", "sync"]) else {
        return;
    };
    let r = probe_exhaustion(&url(port));
    expect_all(
        &r,
        &[
            ("probe/liveness-endpoint", Pass),
            ("probe/slow-client-exhaustion", Fail),
        ],
    );
    let s = &result(&r, "probe/slow-client-exhaustion").summary;
    assert!(
        s.starts_with("while 8 slow clients were connected, 0 of 5 ordinary requests"),
        "{s}"
    );
}

#[test]
fn gunicorn_gthread_workers_keep_answering_under_slow_clients() {
    let Some((_g, port)) = gunicorn(&["--worker-class", "gthread", "--threads", "16"]) else {
        return;
    };
    let r = probe_exhaustion(&url(port));
    expect_all(
        &r,
        &[
            ("probe/liveness-endpoint", Pass),
            ("probe/slow-client-exhaustion", Pass),
        ],
    );
    let e = result(&r, "probe/slow-client-exhaustion");
    assert!(
        e.summary.contains("5 of 5")
            && e.findings
                .iter()
                .filter(|f| f.message.starts_with("GET /healthz (request"))
                .count()
                == 5,
        "{}\n{:#?}",
        e.summary,
        e.findings
    );
}
