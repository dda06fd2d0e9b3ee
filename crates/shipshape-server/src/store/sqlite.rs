//! SQLite storage: WAL, a busy timeout, one writer connection and a small pool of
//! readers, the default for a single `serve` process.

use super::StoreResult;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

static MIGRATOR: LazyLock<sqlx::migrate::Migrator> = LazyLock::new(|| {
    super::migrator(&[
        (
            1,
            "init",
            include_str!("../../migrations/sqlite/0001_init.up.sql"),
            include_str!("../../migrations/sqlite/0001_init.down.sql"),
        ),
        (
            2,
            "unit owner tier",
            include_str!("../../migrations/sqlite/0002_unit_owner_tier.up.sql"),
            include_str!("../../migrations/sqlite/0002_unit_owner_tier.down.sql"),
        ),
        (
            3,
            "waivers",
            include_str!("../../migrations/sqlite/0003_waivers.up.sql"),
            include_str!("../../migrations/sqlite/0003_waivers.down.sql"),
        ),
        (
            4,
            "campaigns",
            include_str!("../../migrations/sqlite/0004_campaigns.up.sql"),
            include_str!("../../migrations/sqlite/0004_campaigns.down.sql"),
        ),
        (
            5,
            "fragments",
            include_str!("../../migrations/sqlite/0005_fragments.up.sql"),
            include_str!("../../migrations/sqlite/0005_fragments.down.sql"),
        ),
        (
            6,
            "dashboard",
            include_str!("../../migrations/sqlite/0006_dashboard.up.sql"),
            include_str!("../../migrations/sqlite/0006_dashboard.down.sql"),
        ),
        (
            7,
            "webhooks",
            include_str!("../../migrations/sqlite/0007_webhooks.up.sql"),
            include_str!("../../migrations/sqlite/0007_webhooks.down.sql"),
        ),
        (
            8,
            "latest failures",
            include_str!("../../migrations/sqlite/0008_latest_failures.up.sql"),
            include_str!("../../migrations/sqlite/0008_latest_failures.down.sql"),
        ),
        (
            9,
            "result rows unchecked",
            include_str!("../../migrations/sqlite/0009_result_rows_unchecked.up.sql"),
            include_str!("../../migrations/sqlite/0009_result_rows_unchecked.down.sql"),
        ),
    ])
});

/// How long a statement waits for a lock held by another process (e.g. `token create`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite behind two pools: writes are serialised on one connection (SQLite has
/// one writer anyway; queueing here avoids `SQLITE_BUSY`), reads run in parallel.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                super::StoreError::Config(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash
            // (only, at worst, the last ones on a power loss).
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // 32 MiB of page cache a connection (SQLite's default is 2 MiB): the
            // latest reports' rows that uploads and roll-ups touch stay in memory.
            .pragma("cache_size", "-32768");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        // The writer creates the file and switches it to WAL before readers open it.
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn pools(&self) -> [&SqlitePool; 2] {
        [&self.writer, &self.reader]
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    /// A consistent copy of the database at `to` (which must not exist), taken
    /// while the server runs: `VACUUM INTO`, one read transaction.
    pub async fn backup(&self, to: &Path) -> StoreResult<()> {
        if to.exists() {
            return Err(super::StoreError::Config(format!(
                "{} already exists; choose a new file",
                to.display()
            )));
        }
        let target = to.to_str().ok_or_else(|| {
            super::StoreError::Config(format!("{} is not a UTF-8 path", to.display()))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.writer)
            .await?;
        Ok(())
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
    SqliteStore,
    sqlx::Sqlite,
    backend = "sqlite",
    schema = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
              ORDER BY 1, 2",
    lock = "SELECT 1 = 1",
    fragments_shared = "SELECT 1",
    fragments_exclusive = "SELECT 1"
);

super::dashboard::impl_dashboard_store!(SqliteStore, sqlx::Sqlite);

super::webhooks::impl_webhook_store!(SqliteStore, sqlx::Sqlite, skip_locked = "");
