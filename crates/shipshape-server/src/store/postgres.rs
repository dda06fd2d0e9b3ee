//! PostgreSQL storage over sqlx's native pool: for several `serve` replicas.
//! Migrations run under sqlx's advisory lock, so replicas starting together are safe.

use super::StoreResult;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::sync::LazyLock;
use std::time::Duration;

static MIGRATOR: LazyLock<sqlx::migrate::Migrator> = LazyLock::new(|| {
    super::migrator(&[
        (
            1,
            "init",
            include_str!("../../migrations/postgres/0001_init.up.sql"),
            include_str!("../../migrations/postgres/0001_init.down.sql"),
        ),
        (
            2,
            "unit owner tier",
            include_str!("../../migrations/postgres/0002_unit_owner_tier.up.sql"),
            include_str!("../../migrations/postgres/0002_unit_owner_tier.down.sql"),
        ),
        (
            3,
            "waivers",
            include_str!("../../migrations/postgres/0003_waivers.up.sql"),
            include_str!("../../migrations/postgres/0003_waivers.down.sql"),
        ),
        (
            4,
            "campaigns",
            include_str!("../../migrations/postgres/0004_campaigns.up.sql"),
            include_str!("../../migrations/postgres/0004_campaigns.down.sql"),
        ),
        (
            5,
            "fragments",
            include_str!("../../migrations/postgres/0005_fragments.up.sql"),
            include_str!("../../migrations/postgres/0005_fragments.down.sql"),
        ),
        (
            6,
            "dashboard",
            include_str!("../../migrations/postgres/0006_dashboard.up.sql"),
            include_str!("../../migrations/postgres/0006_dashboard.down.sql"),
        ),
        (
            7,
            "webhooks",
            include_str!("../../migrations/postgres/0007_webhooks.up.sql"),
            include_str!("../../migrations/postgres/0007_webhooks.down.sql"),
        ),
        (
            8,
            "latest failures",
            include_str!("../../migrations/postgres/0008_latest_failures.up.sql"),
            include_str!("../../migrations/postgres/0008_latest_failures.down.sql"),
        ),
        (
            9,
            "result rows unchecked",
            include_str!("../../migrations/postgres/0009_result_rows_unchecked.up.sql"),
            include_str!("../../migrations/postgres/0009_result_rows_unchecked.down.sql"),
        ),
    ])
});

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and applies migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PgStore { pool })
    }

    pub(crate) fn writer(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn pools(&self) -> [&PgPool; 1] {
        [&self.pool]
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    /// Undoes every migration (the down scripts): for the round-trip test, and for
    /// rolling the schema back with the server.
    pub async fn undo_all(&self) -> StoreResult<()> {
        MIGRATOR.undo(self.writer(), 0).await?;
        Ok(())
    }

    /// Undoes the migrations above `version` (for tests of a migration's data conversion).
    pub async fn undo_to(&self, version: i64) -> StoreResult<()> {
        MIGRATOR.undo(self.writer(), version).await?;
        Ok(())
    }
}

super::sql::impl_store!(
    PgStore,
    sqlx::Postgres,
    backend = "postgres",
    schema = "SELECT table_name::text, column_name::text FROM information_schema.columns \
              WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' \
              ORDER BY 1, 2",
    lock = "SELECT pg_try_advisory_xact_lock(7315018)",
    fragments_shared = "SELECT pg_advisory_xact_lock_shared(7315019)",
    fragments_exclusive = "SELECT pg_advisory_xact_lock(7315019)"
);

super::dashboard::impl_dashboard_store!(PgStore, sqlx::Postgres);

super::webhooks::impl_webhook_store!(
    PgStore,
    sqlx::Postgres,
    skip_locked = " FOR UPDATE SKIP LOCKED"
);
