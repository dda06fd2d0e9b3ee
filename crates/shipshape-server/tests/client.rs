//! The upload client against a real server on 127.0.0.1 (an ephemeral port): gzip
//! on the wire, the token header, the query string, a refused upload's detail,
//! and graceful shutdown of `serve`.

use shipshape_server::auth::Scope;
use shipshape_server::client::{self, ClientError, Identity};
use shipshape_server::{AppState, Config, ServeOptions, app, store, tokens};
use std::time::Duration;

fn minimal_report() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan",
        "target": ".",
        "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [{
            "unit": {"name": "api", "path": ".", "kind": "service", "kind_source": "test"},
            "scores": {"overall": 42.0, "areas": {}},
            "level": null,
            "checks": [{
                "id": "observability/health-endpoint", "title": "t", "area": "observability",
                "severity": "high", "outcome": "fail", "summary": "s", "remediation": "r"
            }]
        }],
        "gate": {"passed": false},
        "stats": {"files_seen": 1, "bytes_read": 1, "files_skipped": 0, "duration_ms": 1}
    }))
    .unwrap()
}

#[tokio::test]
async fn upload_client_talks_to_a_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let now = shipshape_server::time::now();
    let token = tokens::create(
        store.as_ref(),
        "ci",
        Scope::Upload,
        Some("acme/*"),
        None,
        "t",
        now,
    )
    .await
    .unwrap()
    .token;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(
        axum::serve(
            listener,
            app(AppState::new(store.clone(), Config::default())),
        )
        .into_future(),
    );
    let url = format!("http://{addr}");
    let id = Identity {
        repository: Some("acme/api".into()),
        commit: Some("abc123".into()),
        git_ref: Some("feature/a b".into()),
        ci_run_url: Some("https://ci.example/run/1?x=1&y=2".into()),
    };
    let up = client::upload(
        &url,
        &token,
        &id,
        &minimal_report(),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!(up.status, 201);
    assert_eq!(up.body["created"], true);
    assert_eq!(up.body["ref"], "feature/a b");
    assert_eq!(
        up.body["diff"]["units"][0]["new_failures"],
        serde_json::json!(["observability/health-endpoint"])
    );
    let stored = store
        .report(up.body["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.ci_run_url.as_deref(),
        Some("https://ci.example/run/1?x=1&y=2")
    );
    assert_eq!(stored.commit, "abc123");

    let other = Identity {
        repository: Some("other/api".into()),
        ..id.clone()
    };
    match client::upload(
        &url,
        &token,
        &other,
        &minimal_report(),
        Duration::from_secs(10),
    )
    .await
    {
        Err(ClientError::Refused {
            status: 403,
            detail,
        }) => assert!(detail.contains("acme/*"), "{detail}"),
        other => panic!("expected a 403, got {other:?}"),
    }
    match client::upload("ftp://x", &token, &id, b"{}", Duration::from_secs(1)).await {
        Err(ClientError::Url(_)) => {}
        other => panic!("expected a URL error, got {other:?}"),
    }
    server.abort();
}

#[tokio::test]
async fn serve_stops_on_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(shipshape_server::serve(
        ServeOptions {
            data_dir: dir.path().to_path_buf(),
            database_url: None,
            listen: "127.0.0.1:0".parse().unwrap(),
            config: Config::default(),
            retention: Some(Default::default()),
        },
        async {
            let _ = rx.await;
        },
    ));
    // The database is created by the time the server listens.
    for _ in 0..100 {
        if dir.path().join("shipshape.db").exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), handle)
        .await
        .expect("serve returns after shutdown")
        .unwrap()
        .unwrap();
    assert!(dir.path().join("shipshape.db").exists());
}
