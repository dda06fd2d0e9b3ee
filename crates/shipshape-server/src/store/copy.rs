//! `shipshape serve migrate-db`: copies a whole database between SQLite and
//! PostgreSQL (either way, or to the same kind) — every table, ids kept, so
//! tokens, audit log, campaigns and cursors survive the move.
//!
//! The source is read in one snapshot (a read transaction; `REPEATABLE READ` on
//! PostgreSQL), so a running server may keep writing to it. The target is
//! written in one transaction: it ends up with everything or nothing. A target
//! that already holds data is refused unless `overwrite` (then its rows are
//! deleted first, in that same transaction). Afterwards the row count of every
//! table is compared between the source snapshot and the target.

use super::{PgStore, SqliteStore, StoreError, StoreResult};
use sqlx::{Postgres, Row, Sqlite};

/// How a column is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Real,
    Text,
    Bytes,
}

/// One table: its columns in order, and the key it is paged by (a prefix of
/// nothing in particular: any unique column list, each also in `columns`).
#[derive(Debug)]
pub(crate) struct Table {
    pub name: &'static str,
    pub key: &'static [&'static str],
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Bytes, Int, Real, Text};

/// Every table that is copied, parents before children. `leases` is not copied:
/// a lease belongs to a process of the old deployment.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "repositories",
        key: &["id"],
        columns: &[("id", Int), ("name", Text), ("created_at", Int)],
    },
    Table {
        name: "tokens",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("name", Text),
            ("hash", Bytes),
            ("scope", Text),
            ("repo_glob", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("last_used_at", Int),
            ("revoked_at", Int),
        ],
    },
    Table {
        name: "units",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("repository_id", Int),
            ("path", Text),
            ("name", Text),
            ("kind", Text),
            ("latest_report_id", Int),
            ("level", Text),
            ("score", Real),
            ("owner", Text),
            ("tier", Int),
        ],
    },
    Table {
        name: "reports",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("repository_id", Int),
            ("digest", Text),
            ("commit_sha", Text),
            ("git_ref", Text),
            ("ci_run_url", Text),
            ("received_at", Int),
            ("command", Text),
            ("generated_at", Text),
            ("level", Text),
            ("score", Real),
            ("body", Bytes),
            ("body_size", Int),
            ("token_id", Int),
            ("body_format", Int),
        ],
    },
    Table {
        name: "unit_reports",
        key: &["report_id", "unit_id"],
        columns: &[
            ("report_id", Int),
            ("unit_id", Int),
            ("level", Text),
            ("score", Real),
        ],
    },
    Table {
        name: "checks",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("check_id", Text),
            ("title", Text),
            ("area", Text),
            ("severity", Text),
        ],
    },
    Table {
        name: "fragments",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("digest", Text),
            ("check_ref", Int),
            ("outcome", Text),
            ("severity", Text),
            ("body", Bytes),
        ],
    },
    Table {
        name: "findings",
        key: &["fragment_id", "seq"],
        columns: &[
            ("fragment_id", Int),
            ("seq", Int),
            ("path", Text),
            ("line", Int),
            ("message", Text),
        ],
    },
    Table {
        name: "check_results",
        key: &["report_id", "unit_id", "fragment_id"],
        columns: &[("report_id", Int), ("unit_id", Int), ("fragment_id", Int)],
    },
    Table {
        name: "waivers",
        key: &["report_id", "unit_id", "check_id"],
        columns: &[
            ("report_id", Int),
            ("unit_id", Int),
            ("check_id", Text),
            ("reason", Text),
            ("owner", Text),
            ("expires", Text),
            ("expires_at", Int),
        ],
    },
    Table {
        name: "area_scores",
        key: &["report_id", "unit_id", "area"],
        columns: &[
            ("report_id", Int),
            ("unit_id", Int),
            ("area", Text),
            ("score", Real),
        ],
    },
    Table {
        name: "audit_log",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("at", Int),
            ("token_id", Int),
            ("actor", Text),
            ("action", Text),
            ("subject", Text),
            ("detail", Text),
        ],
    },
    Table {
        name: "campaigns",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("name", Text),
            ("description", Text),
            ("target_level", Text),
            ("target_checks", Text),
            ("filter_tier", Int),
            ("filter_team", Text),
            ("filter_area", Text),
            ("filter_repository", Text),
            ("deadline", Text),
            ("deadline_at", Int),
            ("created_by", Text),
            ("created_at", Int),
            ("updated_at", Int),
        ],
    },
    Table {
        name: "campaign_snapshots",
        key: &["campaign_id", "day"],
        columns: &[
            ("campaign_id", Int),
            ("day", Text),
            ("taken_at", Int),
            ("in_scope", Int),
            ("meeting", Int),
        ],
    },
    Table {
        name: "latest_failures",
        key: &["unit_id", "check_ref"],
        columns: &[
            ("unit_id", Int),
            ("check_ref", Int),
            ("severity", Text),
            ("outcome", Text),
        ],
    },
    Table {
        name: "webhooks",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("name", Text),
            ("url", Text),
            ("events", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "webhook_events",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("kind", Text),
            ("dedup_key", Text),
            ("payload", Text),
            ("created_at", Int),
        ],
    },
    Table {
        name: "webhook_deliveries",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("event_id", Int),
            ("webhook_id", Int),
            ("state", Text),
            ("attempts", Int),
            ("next_attempt_ms", Int),
            ("claimed_by", Text),
            ("claimed_until_ms", Int),
            ("delivered_at_ms", Int),
        ],
    },
    Table {
        name: "webhook_attempts",
        key: &["delivery_id", "seq"],
        columns: &[
            ("delivery_id", Int),
            ("seq", Int),
            ("at_ms", Int),
            ("holder", Text),
            ("status", Int),
            ("error", Text),
        ],
    },
];

/// Tables of the schema that are deliberately not copied: a lease belongs to a
/// process of the old deployment, and people sign in again after a move.
pub(crate) const NOT_COPIED: &[&str] = &["leases", "sessions"];

/// Rows per page read and per statement written (at most 14 columns: 7,000
/// parameters, under both databases' limits).
const BATCH: i64 = 500;

/// One value of a row, typed by its column.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

fn select_sql(t: &Table, after: bool) -> String {
    let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
    let key = t.key.join(", ");
    let cond = if after {
        let params: Vec<String> = (1..=t.key.len()).map(|i| format!("${i}")).collect();
        format!(" WHERE ({key}) > ({})", params.join(", "))
    } else {
        String::new()
    };
    format!(
        "SELECT {} FROM {}{cond} ORDER BY {key} LIMIT {BATCH}",
        cols.join(", "),
        t.name
    )
}

fn key_cells(t: &Table, row: &[Cell]) -> Vec<Cell> {
    t.key
        .iter()
        .map(|k| {
            let i = t
                .columns
                .iter()
                .position(|c| c.0 == *k)
                .expect("every key column is a column (TABLES)");
            row[i].clone()
        })
        .collect()
}

macro_rules! db_io {
    ($db:ty, $read:ident, $write:ident, $count:ident, $clear:ident) => {
        async fn $read(
            conn: &mut <$db as sqlx::Database>::Connection,
            t: &Table,
            after: Option<&[Cell]>,
        ) -> StoreResult<Vec<Vec<Cell>>> {
            let sql = select_sql(t, after.is_some());
            let mut q = sqlx::query::<$db>(sqlx::AssertSqlSafe(sql));
            for c in after.into_iter().flatten() {
                q = match c.clone() {
                    Cell::Int(v) => q.bind(v),
                    Cell::Real(v) => q.bind(v),
                    Cell::Text(v) => q.bind(v),
                    Cell::Bytes(v) => q.bind(v),
                };
            }
            let rows = q.fetch_all(&mut *conn).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let mut cells = Vec::with_capacity(t.columns.len());
                for (i, (_, kind)) in t.columns.iter().enumerate() {
                    cells.push(match kind {
                        Kind::Int => Cell::Int(r.try_get(i)?),
                        Kind::Real => Cell::Real(r.try_get(i)?),
                        Kind::Text => Cell::Text(r.try_get(i)?),
                        Kind::Bytes => Cell::Bytes(r.try_get(i)?),
                    });
                }
                out.push(cells);
            }
            Ok(out)
        }

        async fn $write(
            conn: &mut <$db as sqlx::Database>::Connection,
            t: &Table,
            rows: Vec<Vec<Cell>>,
        ) -> StoreResult<()> {
            if rows.is_empty() {
                return Ok(());
            }
            let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
            let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                "INSERT INTO {} ({}) ",
                t.name,
                cols.join(", ")
            ));
            qb.push_values(rows, |mut b, row| {
                for c in row {
                    match c {
                        Cell::Int(v) => b.push_bind(v),
                        Cell::Real(v) => b.push_bind(v),
                        Cell::Text(v) => b.push_bind(v),
                        Cell::Bytes(v) => b.push_bind(v),
                    };
                }
            });
            qb.build().execute(&mut *conn).await?;
            Ok(())
        }

        async fn $count(
            conn: &mut <$db as sqlx::Database>::Connection,
            table: &str,
        ) -> StoreResult<i64> {
            let (n,): (i64,) = sqlx::query_as::<$db, (i64,)>(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table}"
            )))
            .fetch_one(&mut *conn)
            .await?;
            Ok(n)
        }

        async fn $clear(
            conn: &mut <$db as sqlx::Database>::Connection,
            table: &str,
        ) -> StoreResult<()> {
            sqlx::query::<$db>(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *conn)
                .await?;
            Ok(())
        }
    };
}

db_io!(
    Sqlite,
    read_sqlite,
    write_sqlite,
    count_sqlite,
    clear_sqlite
);
db_io!(Postgres, read_pg, write_pg, count_pg, clear_pg);

/// A transaction on either backend.
enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Pg(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    async fn read(&mut self, t: &Table, after: Option<&[Cell]>) -> StoreResult<Vec<Vec<Cell>>> {
        match self {
            Tx::Sqlite(tx) => read_sqlite(tx, t, after).await,
            Tx::Pg(tx) => read_pg(tx, t, after).await,
        }
    }

    async fn write(&mut self, t: &Table, rows: Vec<Vec<Cell>>) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => write_sqlite(tx, t, rows).await,
            Tx::Pg(tx) => write_pg(tx, t, rows).await,
        }
    }

    async fn count(&mut self, table: &str) -> StoreResult<i64> {
        match self {
            Tx::Sqlite(tx) => count_sqlite(tx, table).await,
            Tx::Pg(tx) => count_pg(tx, table).await,
        }
    }

    async fn clear(&mut self, table: &str) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => clear_sqlite(tx, table).await,
            Tx::Pg(tx) => clear_pg(tx, table).await,
        }
    }

    /// PostgreSQL's id sequences continue after the copied ids (SQLite's
    /// AUTOINCREMENT follows explicit ids by itself).
    async fn fix_sequences(&mut self) -> StoreResult<()> {
        if let Tx::Pg(tx) = self {
            for t in TABLES.iter().filter(|t| t.key == ["id"]) {
                sqlx::query::<Postgres>(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                    t.name
                )))
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Pg(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A store opened by URL, by its concrete type (migrations applied).
enum Opened {
    Sqlite(SqliteStore),
    Pg(PgStore),
}

async fn open(url: &str) -> StoreResult<Opened> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Opened::Pg(PgStore::connect(url).await?))
    } else if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        Ok(Opened::Sqlite(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL {url:?}: expected sqlite://PATH or postgres://…"
        )))
    }
}

impl Opened {
    /// A read snapshot of the whole database.
    async fn snapshot(&self) -> StoreResult<Tx> {
        Ok(match self {
            Opened::Sqlite(s) => Tx::Sqlite(s.reader().begin().await?),
            Opened::Pg(s) => {
                let mut tx = s.reader().begin().await?;
                sqlx::query::<Postgres>(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                )
                .execute(&mut *tx)
                .await?;
                Tx::Pg(tx)
            }
        })
    }

    async fn write(&self) -> StoreResult<Tx> {
        Ok(match self {
            Opened::Sqlite(s) => Tx::Sqlite(s.writer().begin().await?),
            Opened::Pg(s) => Tx::Pg(s.writer().begin().await?),
        })
    }
}

/// Rows copied per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(&'static str, i64)>,
}

/// Copies the database at `from` into the one at `to` (both migrated to this
/// binary's schema first); see the module documentation.
pub async fn migrate_db(from: &str, to: &str, overwrite: bool) -> StoreResult<Copied> {
    if from == to {
        return Err(StoreError::Config(
            "--from and --to name the same database".into(),
        ));
    }
    let source = open(from).await.map_err(|e| context(e, "--from", from))?;
    let target = open(to).await.map_err(|e| context(e, "--to", to))?;
    let mut out = target.write().await?;
    let mut held = Vec::new();
    for t in TABLES {
        let n = out.count(t.name).await?;
        if n > 0 {
            held.push(format!("{} {}", n, t.name));
        }
    }
    if !held.is_empty() {
        if !overwrite {
            return Err(StoreError::Config(format!(
                "the target database is not empty ({}); migrate into an empty database, \
                 or pass --overwrite to replace its contents",
                held.join(", ")
            )));
        }
        for name in TABLES
            .iter()
            .rev()
            .map(|t| t.name)
            .chain(NOT_COPIED.iter().copied())
        {
            out.clear(name).await?;
        }
    }
    let mut snap = source.snapshot().await?;
    let mut copied = Vec::new();
    for t in TABLES {
        let mut after: Option<Vec<Cell>> = None;
        let mut n = 0i64;
        loop {
            let rows = snap.read(t, after.as_deref()).await?;
            let len = rows.len() as i64;
            if let Some(last) = rows.last() {
                after = Some(key_cells(t, last));
            }
            n += len;
            out.write(t, rows).await?;
            if len < BATCH {
                break;
            }
        }
        copied.push((t.name, n));
    }
    out.fix_sequences().await?;
    // Verified inside both transactions: the source snapshot against what the
    // target is about to commit.
    for (name, n) in &copied {
        let (src, dst) = (snap.count(name).await?, out.count(name).await?);
        if src != *n || dst != *n {
            return Err(StoreError::Config(format!(
                "verification failed for {name}: source {src} rows, copied {n}, target {dst}; nothing was committed"
            )));
        }
    }
    out.commit().await?;
    Ok(Copied { tables: copied })
}

fn context(e: StoreError, flag: &str, url: &str) -> StoreError {
    StoreError::Config(format!("{flag} {}: {e}", redact(url)))
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://u:secret@db:5432/x"),
            "postgres://u:***@db:5432/x"
        );
        assert_eq!(redact("postgres://u@db/x"), "postgres://u@db/x");
        assert_eq!(redact("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
    }

    #[test]
    fn every_key_is_a_column() {
        for t in TABLES {
            for k in t.key {
                assert!(t.columns.iter().any(|c| c.0 == *k), "{}.{k}", t.name);
            }
        }
    }

    /// A table or column added by a migration must be copied too (or be listed
    /// in NOT_COPIED): migrate-db would silently drop it otherwise.
    #[tokio::test]
    async fn the_copy_covers_the_schema() {
        use crate::store::Store;
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("s.db")).await.unwrap();
        let mut live: Vec<(String, String)> = s
            .schema()
            .await
            .unwrap()
            .into_iter()
            .filter(|(t, _)| !NOT_COPIED.contains(&t.as_str()))
            .collect();
        live.sort();
        let mut listed: Vec<(String, String)> = TABLES
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .map(|c| (t.name.to_string(), c.0.to_string()))
            })
            .collect();
        listed.sort();
        assert_eq!(listed, live);
    }

    #[test]
    fn keyset_pages() {
        let t = TABLES.iter().find(|t| t.name == "waivers").unwrap();
        assert_eq!(
            select_sql(t, true),
            "SELECT report_id, unit_id, check_id, reason, owner, expires, expires_at FROM waivers \
             WHERE (report_id, unit_id, check_id) > ($1, $2, $3) \
             ORDER BY report_id, unit_id, check_id LIMIT 500"
        );
    }
}
