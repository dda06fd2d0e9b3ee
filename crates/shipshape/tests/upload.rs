//! `shipshape scan … --upload URL` end to end: the real binary scans a small
//! repository and uploads to a real `shipshape serve` child on 127.0.0.1; the
//! gate's exit code still applies, and every failure of the upload is a clear
//! error (exit 2) that never echoes the token.

use assert_cmd::Command;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The CI variables `ci_identity` reads: removed so the host's CI does not leak in.
const CI_VARS: &[&str] = &[
    "GITHUB_ACTIONS",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_REF_NAME",
    "GITHUB_HEAD_REF",
    "GITHUB_SERVER_URL",
    "GITHUB_RUN_ID",
    "GITLAB_CI",
    "BUILDKITE",
    "JENKINS_URL",
    "SHIPSHAPE_TOKEN",
    "SHIPSHAPE_DATABASE_URL",
];

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").unwrap();
    c.env("NO_COLOR", "1")
        .env("SHIPSHAPE_DB", "/nonexistent-shipshape-db");
    for v in CI_VARS {
        c.env_remove(v);
    }
    c
}

/// A `shipshape serve` child, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(url_host: &str, path: &str, token: &str) -> Option<String> {
    let mut s = TcpStream::connect(url_host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {url_host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn start(data: &Path) -> Server {
    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--no-retention"])
        .env_remove("SHIPSHAPE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn shipshape serve");
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let host = format!("127.0.0.1:{port}");
    while get(&host, "/readyz", "x").is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "serve did not become ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

fn token(data: &Path, scope: &str) -> String {
    let out = shipshape()
        .args(["serve", "token", "create", "--data"])
        .arg(data)
        .args(["--name", scope, "--scope", scope])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.py"), "print('hi')\n").unwrap();
    d
}

#[test]
fn scan_uploads_and_keeps_its_gate() {
    let data = tempfile::tempdir().unwrap();
    let upload = token(data.path(), "upload");
    let read = token(data.path(), "read");
    let server = start(data.path());
    let r = repo();

    // The gate of a bare repository fails (exit 1) with or without --upload.
    let plain = shipshape()
        .args(["scan", "--quiet"])
        .arg(r.path())
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(1));
    let out = shipshape()
        .args(["scan", "--format", "json", "--upload", &server.url])
        .args(["--repo", "acme/api", "--commit", "abc123", "--ref", "main"])
        .arg(r.path())
        .env("SHIPSHAPE_TOKEN", &upload)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate still decides: {stderr}"
    );
    assert!(
        stderr.contains("report 1 stored for acme/api on main"),
        "{stderr}"
    );
    assert!(stderr.contains("(first report on this ref)"), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout keeps the JSON report");
    let host = server.url.trim_start_matches("http://");
    let stored = get(host, "/api/v1/reports/1", &read).unwrap();
    assert!(stored.starts_with("HTTP/1.1 200"), "{stored}");
    let body = stored.split("\r\n\r\n").nth(1).unwrap();
    let body: serde_json::Value = serde_json::from_str(body.trim()).unwrap_or_else(|_| {
        // Chunked: the JSON sits between the chunk size lines.
        let start = body.find('{').unwrap();
        let end = body.rfind('}').unwrap();
        serde_json::from_str(&body[start..=end]).unwrap()
    });
    assert_eq!(
        body["report"], report,
        "the server stored what --format json printed"
    );
    assert_eq!(body["commit"], "abc123");

    // Identity from GitHub Actions; flags would override it.
    let out = shipshape()
        .args(["scan", "--quiet", "--upload", &server.url])
        .arg(r.path())
        .env("SHIPSHAPE_TOKEN", &upload)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", "acme/web")
        .env("GITHUB_SHA", "def456")
        .env("GITHUB_REF_NAME", "trunk")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let units = get(host, "/api/v1/units", &read).unwrap();
    assert!(units.contains("acme/web"), "{units}");

    // Failures are exit 2 with what went wrong, and never the token.
    let out = shipshape()
        .args([
            "scan",
            "--quiet",
            "--upload",
            &server.url,
            "--repo",
            "acme/api",
        ])
        .arg(r.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHIPSHAPE_TOKEN is not set"));
    let out = shipshape()
        .args(["scan", "--quiet", "--upload", &server.url])
        .arg(r.path())
        .env("SHIPSHAPE_TOKEN", &upload)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --repo NAME"));
    let out = shipshape()
        .args([
            "scan",
            "--quiet",
            "--upload",
            &server.url,
            "--repo",
            "acme/api",
        ])
        .arg(r.path())
        .env("SHIPSHAPE_TOKEN", &read)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("was not uploaded") && stderr.contains("403"),
        "{stderr}"
    );
    assert!(stderr.contains("gate failed"), "{stderr}");
    assert!(
        !stderr.contains(&read),
        "the token is never printed: {stderr}"
    );
    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = shipshape()
        .args(["scan", "--quiet", "--upload", &closed, "--repo", "acme/api"])
        .arg(r.path())
        .env("SHIPSHAPE_TOKEN", &upload)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot connect"), "{stderr}");
    let out = shipshape()
        .args(["scan", "--quiet", "--repo", "acme/api"])
        .arg(r.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--repo needs --upload");
}
