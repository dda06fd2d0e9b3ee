//! Retention on both backends: every report kept for 90 days, the latest per day
//! until a year, the latest per week after; check results and unit rows go with a
//! dropped report; a unit's latest report is never dropped. And `serve backup`.

use shipshape_server::ingest::{UploadMeta, prepare};
use shipshape_server::retention::{DAY, Policy, WEEK, run_once};
use shipshape_server::store::{self, Page, Store};
use std::sync::Arc;

mod support;

fn body(seq: i64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "schema_version": shipshape_model::SCHEMA_VERSION,
        "tool": {"name": "shipshape", "version": "0.1.0"},
        "command": "scan", "target": ".", "profile": "default",
        "generated_at": "2026-12-01T00:00:00Z",
        "units": [{"unit": {"name": "api", "path": ".", "kind": "service", "kind_source": "t"},
                   "scores": {"overall": seq as f64, "areas": {}}, "level": null,
                   "checks": [{"id": "observability/x", "title": "t", "area": "observability",
                               "severity": "high", "outcome": "fail", "summary": format!("s{seq}"), "remediation": "r"}]}],
        "gate": {"passed": true},
        "stats": {"files_seen": seq, "bytes_read": 0, "files_skipped": 0, "duration_ms": 0}
    }))
    .unwrap()
}

async fn upload(store: &dyn Store, git_ref: &str, at: i64, seq: i64) -> i64 {
    let new = prepare(
        &body(seq),
        UploadMeta {
            repository: "acme/api".into(),
            commit: format!("c{seq}"),
            git_ref: git_ref.into(),
            ci_run_url: None,
            token_id: None,
            actor: "test".into(),
            received_at: at,
        },
    )
    .unwrap();
    store.ingest(new).await.unwrap().report_id
}

async fn suite(store: Arc<dyn Store>) {
    let now = 2_000 * DAY + DAY / 2;
    // Uploaded oldest first, as they would have been.
    let mut seq = 0;
    let mut up = |git_ref: &'static str, at: i64| {
        seq += 1;
        let (store, s) = (store.clone(), seq);
        async move { upload(store.as_ref(), git_ref, at, s).await }
    };
    let week_start = (now - 400 * DAY) / WEEK * WEEK;
    let old_a = up("main", week_start + 3600).await;
    let old_b = up("main", week_start + 2 * DAY).await;
    let old_c = up("main", week_start + 5 * DAY).await;
    let day = (now - 100 * DAY) / DAY * DAY;
    let mid_a = up("main", day + 60).await;
    let mid_b = up("main", day + 7200).await;
    let mid_other_ref = up("release", day + 3600).await;
    let recent_a = up("main", now - 10 * DAY).await;
    let recent_b = up("main", now - 10 * DAY + 60).await;
    let before = store.count_reports().await.unwrap();
    assert_eq!(before, 8);

    let deleted = run_once(store.as_ref(), Policy::default(), now)
        .await
        .unwrap();
    assert_eq!(deleted, Some(3));
    for gone in [old_a, old_b, mid_a] {
        assert!(
            store.report(gone).await.unwrap().is_none(),
            "report {gone} kept"
        );
    }
    for kept in [old_c, mid_b, mid_other_ref, recent_a, recent_b] {
        assert!(
            store.report(kept).await.unwrap().is_some(),
            "report {kept} dropped"
        );
    }
    let unit = &store
        .units(
            Default::default(),
            Page {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .unwrap()[0];
    assert_eq!(unit.latest_report_id, Some(recent_b));
    let history = store
        .unit_reports(
            unit.id,
            Page {
                cursor: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 5, "unit rows of dropped reports are gone");
    assert!(
        store
            .check_outcomes(old_a, unit.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.check_outcomes(old_c, unit.id).await.unwrap().len(), 1);
    // Idempotent, and audited.
    assert_eq!(
        run_once(store.as_ref(), Policy::default(), now)
            .await
            .unwrap(),
        Some(0)
    );
    let audit = store.audit_log(100).await.unwrap();
    let runs: Vec<_> = audit.iter().filter(|a| a.action == "retention").collect();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].detail.contains("deleted=3"), "{}", runs[0].detail);
    // Each report had a result of its own: the three dropped ones' fragments went too,
    // and the kept reports still come back whole.
    assert!(
        runs[0].detail.contains("fragments_deleted=3"),
        "{}",
        runs[0].detail
    );
    let kept = store.report(recent_b).await.unwrap().unwrap();
    let skeleton = shipshape_server::ingest::inflate(&kept.body).unwrap();
    let ids = shipshape_server::ingest::fragment_ids(&skeleton);
    assert_eq!(
        store.fragment_bodies(ids.clone()).await.unwrap().len(),
        ids.len()
    );

    // Ten years on, the unit's latest report is still there.
    let later = now + 3650 * DAY;
    run_once(store.as_ref(), Policy::default(), later)
        .await
        .unwrap();
    assert!(store.report(recent_b).await.unwrap().is_some());
}

#[tokio::test]
async fn retention_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suite(
        store::open(&format!("sqlite://{}", dir.path().join("r.db").display()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn retention_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    suite(store::open(&url).await.unwrap()).await;
}

/// `serve backup` of SQLite: a consistent copy that opens as a store with the same reports.
#[tokio::test]
async fn sqlite_backup_is_a_working_copy() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let live = store::open(&url).await.unwrap();
    let id = upload(live.as_ref(), "main", 1_000_000, 1).await;
    let to = dir.path().join("copy.db");
    shipshape_server::backup(&url, &to).await.unwrap();
    assert!(
        shipshape_server::backup(&url, &to).await.is_err(),
        "never overwrites"
    );
    let copy = store::open(&format!("sqlite://{}", to.display()))
        .await
        .unwrap();
    assert_eq!(copy.count_reports().await.unwrap(), 1);
    assert_eq!(
        copy.report(id).await.unwrap().unwrap().body,
        live.report(id).await.unwrap().unwrap().body
    );
    let pg = shipshape_server::backup("postgres://x/y", &to)
        .await
        .unwrap_err();
    assert!(pg.to_string().contains("pg_dump"), "{pg}");
}
