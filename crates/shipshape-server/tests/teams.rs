//! The teams roll-up (`GET /api/v1/teams`) computed from grouped counts gives
//! exactly what the unit-by-unit computation gives: on the seeded dashboard
//! fleet, and on a generated fleet of mixed owners, tiers, levels, severities
//! and outcomes, with a history so that only latest reports count.

use serde_json::{Value, json};
use shipshape_server::ingest::{UploadMeta, prepare};
use shipshape_server::routes::teams::{all_teams, all_teams_unit_by_unit};
use shipshape_server::store::{self, Store};
use shipshape_server::{AppState, Config};
use std::sync::Arc;

mod seed;
mod support;

async fn same(store: Arc<dyn Store>) -> usize {
    let state = AppState::new(store, Config::default());
    let grouped = serde_json::to_value(all_teams(&state).await.unwrap()).unwrap();
    let straight = serde_json::to_value(all_teams_unit_by_unit(&state).await.unwrap()).unwrap();
    assert_eq!(grouped, straight);
    grouped.as_array().unwrap().len()
}

/// A deterministic sequence (splitmix64).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn unit_report(rng: &mut Rng, i: u64) -> Value {
    let owners = [
        Some("@acme/a"),
        Some("@acme/b"),
        Some("@acme/c"),
        Some("@acme/d"),
        None,
    ];
    let owner = owners[(i % owners.len() as u64) as usize];
    let tier = [None, Some(1), Some(2), Some(3)][rng.below(4) as usize];
    let level = [None, Some("bronze"), Some("silver"), Some("gold")][rng.below(4) as usize];
    let severities = ["critical", "high", "medium", "low", "info"];
    let outcomes = ["pass", "fail", "error", "warn", "n/a"];
    let checks: Vec<Value> = (0..12)
        .map(|c| {
            // The same check mostly keeps its severity; now and then a report
            // states another (an override), which the roll-up must keep as the
            // first blocked unit stated it.
            let severity = if rng.below(10) == 0 {
                severities[rng.below(5) as usize]
            } else {
                severities[c % 5]
            };
            json!({
                "id": format!("security/check-{c:02}"), "title": format!("Check {c}"),
                "area": "security", "severity": severity,
                "outcome": outcomes[rng.below(5) as usize], "summary": "s", "remediation": "r"
            })
        })
        .collect();
    json!({
        "unit": {"name": format!("u{i}"), "path": format!("u{i}"), "kind": "service", "kind_source": "test", "owner": owner, "tier": tier},
        "scores": {"overall": 50.0, "areas": {}},
        "level": level,
        "checks": checks
    })
}

#[tokio::test]
async fn the_seeded_fleet_rolls_up_the_same_both_ways() {
    let fleet = seed::fleet().await;
    assert!(same(fleet.store.clone()).await >= 2);
}

#[tokio::test]
async fn a_generated_fleet_rolls_up_the_same_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let mut rng = Rng(7);
    // 12 repositories of 5 units, three reports each (the latest counts).
    for day in 0..3 {
        for repo in 0..12u64 {
            let units: Vec<Value> = (0..5)
                .map(|u| unit_report(&mut rng, repo * 5 + u))
                .collect();
            let body = serde_json::to_vec(&json!({
                "schema_version": shipshape_model::SCHEMA_VERSION,
                "tool": {"name": "shipshape", "version": "0.1.0"},
                "command": "scan", "target": ".", "profile": "default",
                "generated_at": format!("2026-12-0{}T00:00:00Z", day + 1),
                "units": units,
                "gate": {"passed": true},
                "stats": {"files_seen": 1, "bytes_read": 1, "files_skipped": 0, "duration_ms": 1}
            }))
            .unwrap();
            let new = prepare(
                &body,
                UploadMeta {
                    repository: format!("acme/r{repo}"),
                    commit: format!("c{day}"),
                    git_ref: "main".into(),
                    ci_run_url: None,
                    token_id: None,
                    actor: "test".into(),
                    received_at: 1_000_000 + day * 86_400,
                },
            )
            .unwrap();
            store.ingest(new).await.unwrap();
        }
    }
    assert_eq!(same(store.clone()).await, 5);
    // The comparison covered checks holding teams back, in every team.
    let state = AppState::new(store, Config::default());
    let teams = all_teams(&state).await.unwrap();
    assert!(teams.iter().all(|t| !t.holding_back.is_empty()));
    drop(state);

    // Migration 8 fills the latest failures of a database that predates it.
    let sqlite = store::SqliteStore::open(&dir.path().join("s.db"))
        .await
        .unwrap();
    sqlite.undo_to(7).await.unwrap();
    sqlite.migrate().await.unwrap();
    assert_eq!(same(Arc::new(sqlite)).await, 5);
}

#[tokio::test]
async fn postgres_rolls_up_the_same_both_ways() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    let fleet = seed::fleet_on(Some(url)).await;
    assert!(same(fleet.store.clone()).await >= 2);
}
