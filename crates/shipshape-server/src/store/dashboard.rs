//! The dashboard's queries and people's sign-in sessions: a second trait,
//! [`DashboardStore`], that every [`Store`](super::Store) also implements, with
//! its SQL written once for both backends (like `sql.rs`). Read-only except for
//! sessions; nothing here computes a level or a score — they come from reports.

use super::{StoreFuture, TokenRow};

/// Filters of the fleet page; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct FleetFilter {
    pub repository: Option<String>,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    /// `gold`, `silver`, `bronze`, or `none` for units below bronze.
    pub level: Option<String>,
    /// Only units whose latest report fails (or errs on) a check of this area.
    pub failing_area: Option<String>,
    /// Only units whose latest report arrived before this time (Unix seconds).
    pub reported_before: Option<i64>,
}

/// A unit as the fleet page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    pub id: i64,
    pub repository: String,
    pub path: String,
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub latest_report_id: Option<i64>,
    /// When the latest report arrived.
    pub reported_at: Option<i64>,
}

/// One point of a unit's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    pub report_id: i64,
    pub received_at: i64,
    pub commit: String,
    pub level: Option<String>,
    pub score: Option<f64>,
}

/// A signed-in person's session, with the token it was opened with.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub csrf: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub token: TokenRow,
}

/// The dashboard's reads, and sessions.
pub trait DashboardStore: Send + Sync {
    /// Every unit matching `filter`, in id order, with its latest report's time.
    fn fleet_units(&self, filter: FleetFilter) -> StoreFuture<'_, Vec<FleetRow>>;
    /// `(unit id, area, score)` of the latest reports of `units`.
    fn latest_area_scores(
        &self,
        units: Vec<i64>,
    ) -> StoreFuture<'_, Vec<(i64, String, Option<f64>)>>;
    /// A unit's reports on `git_ref`, oldest first, received at or after `since`.
    fn unit_history(
        &self,
        unit_id: i64,
        git_ref: String,
        since: i64,
    ) -> StoreFuture<'_, Vec<HistoryPoint>>;
    /// `(report id, area, score)` of a unit's reports with id at least `from_report`.
    fn unit_area_history(
        &self,
        unit_id: i64,
        from_report: i64,
    ) -> StoreFuture<'_, Vec<(i64, String, Option<f64>)>>;
    /// For each UTC day (Unix seconds / 86,400) on which reports arrived, the highest
    /// report id received that day, in day order: the last report received by the end
    /// of day `d` is the highest of the entries up to `d`. One pass over the reports for
    /// every point of the trend, where a `MAX(id) … WHERE received_at <= t` per point
    /// walked PostgreSQL's primary key backwards past every later report (10 ms a point
    /// on 13,000 reports).
    fn last_report_by_day(&self) -> StoreFuture<'_, Vec<(i64, i64)>>;
    /// How many units had each level (`None`: below bronze) in their last report
    /// with an id at most `last`; units without one are left out.
    fn level_counts_by_report(&self, last: i64) -> StoreFuture<'_, Vec<(Option<String>, i64)>>;
    /// When the first stored report arrived (`None`: no report yet).
    fn first_report_at(&self) -> StoreFuture<'_, Option<i64>>;
    /// The unit of `repository` at `path`.
    fn unit_at(&self, repository: String, path: String) -> StoreFuture<'_, Option<FleetRow>>;
    /// The owners and the repositories of the fleet, sorted: the fleet page's choices.
    fn fleet_choices(&self) -> StoreFuture<'_, (Vec<String>, Vec<String>)>;
    /// Opens a session, with an audit entry; expired sessions are removed on the way.
    fn create_session(
        &self,
        hash: Vec<u8>,
        csrf: String,
        expires_at: i64,
        audit: super::AuditEntry,
    ) -> StoreFuture<'_, i64>;
    /// The live session with this hash (not expired at `now`).
    fn session_by_hash(&self, hash: Vec<u8>, now: i64) -> StoreFuture<'_, Option<SessionRow>>;
    /// Ends a session, with an audit entry when there was one.
    fn delete_session(&self, hash: Vec<u8>, audit: super::AuditEntry) -> StoreFuture<'_, ()>;
}

/// Unit ids are bound in chunks (SQLite allows 32766 parameters per statement).
pub(super) const IDS_PER_QUERY: usize = 900;

macro_rules! impl_dashboard_store {
    ($store:ty, $db:ty) => {
        impl $crate::store::DashboardStore for $store {
            fn fleet_units(
                &self,
                filter: $crate::store::FleetFilter,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::FleetRow>> {
                Box::pin(async move {
                    type Row = (
                        i64, String, String, String, String, Option<String>, Option<i64>,
                        Option<String>, Option<f64>, Option<i64>, Option<i64>,
                    );
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT u.id, p.name, u.path, u.name, u.kind, u.owner, u.tier, u.level, u.score, \
                         u.latest_report_id, r.received_at \
                         FROM units u JOIN repositories p ON p.id = u.repository_id \
                         LEFT JOIN reports r ON r.id = u.latest_report_id \
                         WHERE ($1 IS NULL OR p.name = $1) AND ($2 IS NULL OR u.owner = $2) \
                         AND ($3 IS NULL OR u.tier = $3) \
                         AND ($4 IS NULL OR COALESCE(u.level, 'none') = $4) \
                         AND ($5 IS NULL OR EXISTS (SELECT 1 FROM check_results cr \
                              JOIN fragments f ON f.id = cr.fragment_id \
                              JOIN checks c ON c.id = f.check_ref \
                              WHERE cr.report_id = u.latest_report_id AND cr.unit_id = u.id \
                              AND c.area = $5 AND f.outcome IN ('fail', 'error'))) \
                         AND ($6 IS NULL OR r.received_at < $6) \
                         ORDER BY u.id",
                    )
                    .bind(&filter.repository)
                    .bind(&filter.owner)
                    .bind(filter.tier)
                    .bind(&filter.level)
                    .bind(&filter.failing_area)
                    .bind(filter.reported_before)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::FleetRow {
                            id: r.0,
                            repository: r.1,
                            path: r.2,
                            name: r.3,
                            kind: r.4,
                            owner: r.5,
                            tier: r.6,
                            level: r.7,
                            score: r.8,
                            latest_report_id: r.9,
                            reported_at: r.10,
                        })
                        .collect())
                })
            }

            fn latest_area_scores(
                &self,
                units: Vec<i64>,
            ) -> $crate::store::StoreFuture<'_, Vec<(i64, String, Option<f64>)>> {
                Box::pin(async move {
                    let mut out = Vec::new();
                    for chunk in units.chunks($crate::store::dashboard::IDS_PER_QUERY) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            // Driven from the units asked for: filtered on `a.unit_id`,
                            // PostgreSQL probed every unit's latest scores and dropped
                            // the others (11 ms for 30 units of 2,000).
                            "SELECT a.unit_id, a.area, a.score FROM units u \
                             JOIN area_scores a ON a.unit_id = u.id AND a.report_id = u.latest_report_id \
                             WHERE u.id IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push_bind(*id);
                        }
                        qb.push(")");
                        out.extend(
                            qb.build_query_as::<(i64, String, Option<f64>)>()
                                .fetch_all(self.reader())
                                .await?,
                        );
                    }
                    Ok(out)
                })
            }

            fn unit_history(
                &self,
                unit_id: i64,
                git_ref: String,
                since: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::HistoryPoint>> {
                Box::pin(async move {
                    type Row = (i64, i64, String, Option<String>, Option<f64>);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT r.id, r.received_at, r.commit_sha, ur.level, ur.score \
                         FROM unit_reports ur JOIN reports r ON r.id = ur.report_id \
                         WHERE ur.unit_id = $1 AND r.git_ref = $2 AND r.received_at >= $3 \
                         ORDER BY ur.report_id",
                    )
                    .bind(unit_id)
                    .bind(&git_ref)
                    .bind(since)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::HistoryPoint {
                            report_id: r.0,
                            received_at: r.1,
                            commit: r.2,
                            level: r.3,
                            score: r.4,
                        })
                        .collect())
                })
            }

            fn unit_area_history(
                &self,
                unit_id: i64,
                from_report: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<(i64, String, Option<f64>)>> {
                Box::pin(async move {
                    Ok(sqlx::query_as::<$db, (i64, String, Option<f64>)>(
                        "SELECT report_id, area, score FROM area_scores \
                         WHERE unit_id = $1 AND report_id >= $2 ORDER BY report_id, area",
                    )
                    .bind(unit_id)
                    .bind(from_report)
                    .fetch_all(self.reader())
                    .await?)
                })
            }

            fn last_report_by_day(&self) -> $crate::store::StoreFuture<'_, Vec<(i64, i64)>> {
                Box::pin(async move {
                    // Unix times of stored reports are never negative, so integer
                    // division is the floor on both backends.
                    Ok(sqlx::query_as::<$db, (i64, i64)>(
                        "SELECT received_at / 86400 AS day, MAX(id) FROM reports \
                         GROUP BY received_at / 86400 ORDER BY day",
                    )
                    .fetch_all(self.reader())
                    .await?)
                })
            }

            fn level_counts_by_report(
                &self,
                last: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<(Option<String>, i64)>> {
                Box::pin(async move {
                    Ok(sqlx::query_as::<$db, (Option<String>, i64)>(
                        // Each unit's last report by then first (one index seek per unit),
                        // then its level: joined the other way round, the planner would
                        // evaluate the subquery once per stored unit result.
                        "WITH last AS MATERIALIZED (SELECT u.id AS unit_id, \
                           (SELECT MAX(x.report_id) FROM unit_reports x \
                            WHERE x.unit_id = u.id AND x.report_id <= $1) AS report_id \
                           FROM units u) \
                         SELECT ur.level, COUNT(*) FROM last \
                         JOIN unit_reports ur ON ur.report_id = last.report_id \
                           AND ur.unit_id = last.unit_id \
                         GROUP BY ur.level ORDER BY ur.level",
                    )
                    .bind(last)
                    .fetch_all(self.reader())
                    .await?)
                })
            }

            fn first_report_at(&self) -> $crate::store::StoreFuture<'_, Option<i64>> {
                Box::pin(async move {
                    let (t,): (Option<i64>,) = sqlx::query_as::<$db, (Option<i64>,)>(
                        "SELECT MIN(received_at) FROM reports",
                    )
                    .fetch_one(self.reader())
                    .await?;
                    Ok(t)
                })
            }

            fn unit_at(
                &self,
                repository: String,
                path: String,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::FleetRow>> {
                Box::pin(async move {
                    let filter = $crate::store::FleetFilter {
                        repository: Some(repository),
                        ..Default::default()
                    };
                    Ok(self
                        .fleet_units(filter)
                        .await?
                        .into_iter()
                        .find(|u| u.path == path))
                })
            }

            fn fleet_choices(
                &self,
            ) -> $crate::store::StoreFuture<'_, (Vec<String>, Vec<String>)> {
                Box::pin(async move {
                    let owners: Vec<(String,)> = sqlx::query_as::<$db, (String,)>(
                        "SELECT DISTINCT owner FROM units WHERE owner IS NOT NULL ORDER BY owner",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    let repos: Vec<(String,)> = sqlx::query_as::<$db, (String,)>(
                        "SELECT name FROM repositories ORDER BY name",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    Ok((
                        owners.into_iter().map(|r| r.0).collect(),
                        repos.into_iter().map(|r| r.0).collect(),
                    ))
                })
            }

            fn create_session(
                &self,
                hash: Vec<u8>,
                csrf: String,
                expires_at: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    sqlx::query::<$db>("DELETE FROM sessions WHERE expires_at <= $1")
                        .bind(audit.at)
                        .execute(&mut *tx)
                        .await?;
                    let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO sessions (hash, token_id, csrf, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(&hash)
                    .bind(audit.token_id)
                    .bind(&csrf)
                    .bind(audit.at)
                    .bind(expires_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("session:{id}"));
                    tx.commit().await?;
                    Ok(id)
                })
            }

            fn session_by_hash(
                &self,
                hash: Vec<u8>,
                now: i64,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::SessionRow>> {
                Box::pin(async move {
                    type Row = (
                        i64, String, i64, i64, i64, String, Vec<u8>, String, Option<String>, i64,
                        Option<i64>, Option<i64>, Option<i64>,
                    );
                    let row: Option<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT s.id, s.csrf, s.created_at, s.expires_at, \
                         t.id, t.name, t.hash, t.scope, t.repo_glob, t.created_at, t.expires_at, \
                         t.last_used_at, t.revoked_at \
                         FROM sessions s JOIN tokens t ON t.id = s.token_id \
                         WHERE s.hash = $1 AND s.expires_at > $2",
                    )
                    .bind(&hash)
                    .bind(now)
                    .fetch_optional(self.reader())
                    .await?;
                    Ok(row.map(|r| $crate::store::SessionRow {
                        id: r.0,
                        csrf: r.1,
                        created_at: r.2,
                        expires_at: r.3,
                        token: $crate::store::sql::token_row((
                            r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12,
                        )),
                    }))
                })
            }

            fn delete_session(
                &self,
                hash: Vec<u8>,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, ()> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let gone: Option<(i64,)> = sqlx::query_as::<$db, (i64,)>(
                        "DELETE FROM sessions WHERE hash = $1 RETURNING id",
                    )
                    .bind(&hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some((id,)) = gone {
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("session:{id}"));
                    }
                    tx.commit().await?;
                    Ok(())
                })
            }
        }
    };
}

pub(super) use impl_dashboard_store;
