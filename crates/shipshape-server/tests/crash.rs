//! Crash safety: uploads in a loop to a server in a child process, SIGKILL it,
//! restart it on the same database, and find every acknowledged (201) report
//! present and none half written — on SQLite, and on PostgreSQL when
//! `SHIPSHAPE_TEST_POSTGRES_URL` is set (a failure under `CI` when it is not).
//!
//! The child is this test binary itself, re-run with `SHIPSHAPE_CRASH_CHILD` set
//! so that `child_server` serves instead of returning at once.

use shipshape_server::auth::Scope;
use shipshape_server::client::{self, Identity};
use shipshape_server::store::{self, Page};
use shipshape_server::{AppState, Config, app, tokens};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;

const CHILD_ENV: &str = "SHIPSHAPE_CRASH_CHILD";
/// Uploaders running at once, and the most uploads each sends.
const UPLOADERS: usize = 4;
const MAX_UPLOADS: usize = 200;

/// In the child: serve `app` on 127.0.0.1 until killed; in a normal run: nothing.
#[test]
fn child_server() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (url, port_file) = spec.split_once('|').expect("url|port-file");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = store::open(url).await.expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let tmp = format!("{port_file}.tmp");
        std::fs::write(&tmp, listener.local_addr().expect("addr").to_string()).expect("port file");
        std::fs::rename(&tmp, port_file).expect("port file");
        axum::serve(listener, app(AppState::new(store, Config::default())))
            .await
            .expect("serve");
    });
}

/// A child server, SIGKILLed and reaped when dropped (also when a test panics).
struct ChildServer(Child);

impl ChildServer {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_child(url: &str, dir: &Path, n: u32) -> (ChildServer, String) {
    let port_file: PathBuf = dir.join(format!("port-{n}"));
    let mut child = ChildServer(
        Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "child_server", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, format!("{url}|{}", port_file.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child server"),
    );
    let start = Instant::now();
    loop {
        if let Ok(addr) = std::fs::read_to_string(&port_file) {
            return (child, format!("http://{addr}"));
        }
        if start.elapsed() > Duration::from_secs(30) {
            child.kill();
            panic!("child server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn report(seq: usize) -> Vec<u8> {
    let checks: Vec<serde_json::Value> = (0..40)
        .map(|i| {
            serde_json::json!({
                "id": format!("observability/check-{i}"), "title": "t", "area": "observability",
                "severity": "high", "outcome": if (i + seq).is_multiple_of(3) { "fail" } else { "pass" },
                "summary": format!("upload {seq}"), "remediation": "r"
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan", "target": ".", "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [
            {"unit": {"name": "api", "path": "api", "kind": "service", "kind_source": "t"},
             "scores": {"overall": seq as f64, "areas": {}}, "level": null, "checks": checks},
            {"unit": {"name": "web", "path": "web", "kind": "service", "kind_source": "t"},
             "scores": {"overall": 1.0, "areas": {}}, "level": "bronze", "checks": checks}
        ],
        "gate": {"passed": true},
        "stats": {"files_seen": seq, "bytes_read": 0, "files_skipped": 0, "duration_ms": 0}
    }))
    .expect("json")
}

async fn crash_and_check(url: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = {
        let store = store::open(url).await.expect("open");
        tokens::create(
            store.as_ref(),
            "ci",
            Scope::Admin,
            None,
            None,
            "t",
            shipshape_server::time::now(),
        )
        .await
        .expect("token")
        .token
    };
    let (mut child, base) = spawn_child(url, dir.path(), 1);
    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let mut tasks = Vec::new();
    for u in 0..UPLOADERS {
        let (base, token, acked) = (base.clone(), token.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let id = Identity {
                repository: Some("acme/mono".into()),
                git_ref: Some("main".into()),
                ..Identity::default()
            };
            for i in 0..MAX_UPLOADS {
                let body = report(u * MAX_UPLOADS + i);
                match client::upload(&base, &token, &id, &body, Duration::from_secs(10)).await {
                    Ok(r) if r.status == 201 => acked
                        .lock()
                        .unwrap()
                        .push(r.body["id"].as_i64().expect("id")),
                    Ok(r) => panic!("unexpected answer {}", r.status),
                    // The server was killed.
                    Err(_) => break,
                }
            }
        }));
    }
    // Kill while uploads are in flight.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 30 && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL: no shutdown, no flush, in the middle of uploads.
    child.kill();
    for t in tasks {
        t.await.expect("uploader");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 30,
        "only {} uploads acknowledged",
        acked.len()
    );

    // Restart on the same database: ready, every acknowledged report whole.
    let (mut child, base) = spawn_child(url, dir.path(), 2);
    let store = store::open(url).await.expect("reopen");
    assert!(store.readiness().await.expect("ready").current());
    let _ = base;
    for id in &acked {
        assert!(
            store.report(*id).await.expect("read").is_some(),
            "acknowledged report {id} lost"
        );
    }
    let units = store
        .units(
            Default::default(),
            Page {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .expect("units");
    assert_eq!(units.len(), 2);
    let mut seen = std::collections::BTreeSet::new();
    for unit in &units {
        let history = store
            .unit_reports(
                unit.id,
                Page {
                    cursor: None,
                    limit: 1000,
                },
            )
            .await
            .expect("history");
        for r in history {
            assert_eq!(
                store
                    .check_outcomes(r.id, unit.id)
                    .await
                    .expect("checks")
                    .len(),
                40,
                "report {} of unit {} is half written",
                r.id,
                unit.path
            );
            seen.insert(r.id);
        }
    }
    let total = store.count_reports().await.expect("count");
    assert_eq!(seen.len() as i64, total, "a report without its units");
    for id in &acked {
        assert!(seen.contains(id));
    }
    child.kill();
    let _ = writeln!(
        std::io::stderr(),
        "crash test: {} acknowledged, {total} stored",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_uploads_survive_sigkill_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    crash_and_check(&format!(
        "sqlite://{}",
        dir.path().join("crash.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_uploads_survive_sigkill_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    crash_and_check(&url).await;
}
