//! Storage: one trait, two implementations over sqlx's native pools (SQLite by
//! default, PostgreSQL by URL), two migration folders giving the same schema.
//!
//! The SQL is written once (`sql.rs`, placeholders `$1…`, which both drivers
//! accept) and instantiated for each pool by a macro, so the two backends cannot
//! drift apart; only pool setup, migrations and schema introspection differ.
//! Every write that belongs together happens in one transaction.

mod copy;
mod dashboard;
mod postgres;
mod sql;
mod sqlite;
mod webhooks;

pub use copy::{Copied, migrate_db, redact};
pub use dashboard::{DashboardStore, FleetFilter, FleetRow, HistoryPoint, SessionRow};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use webhooks::{
    AttemptOutcome, AttemptRow, DeliveryRow, DueDelivery, NewEvent, NewWebhook, WebhookRow,
    WebhookStore,
};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A storage failure. The HTTP layer logs it and answers 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// One check result as stored: a fragment (its canonical JSON, stored once
/// however many reports carry it) and the columns diffs and filters read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheck {
    pub check_id: String,
    pub outcome: String,
    pub severity: String,
    /// SHA-256 (hex) of the result's canonical JSON: the fragment's key.
    pub digest: String,
    /// The canonical JSON (uncompressed: the store deflates it only when the
    /// fragment is not stored yet, which most uploads' results are).
    pub json: Vec<u8>,
    pub findings: Vec<NewFinding>,
}

/// One finding of a check result, as a row (stored once per fragment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    pub path: Option<String>,
    pub line: Option<i64>,
    pub message: String,
}

/// A finding of a unit's latest report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub unit_id: i64,
    pub path: Option<String>,
    pub line: Option<i64>,
    pub message: String,
}

/// How a report's body is stored.
pub const BODY_WHOLE: i64 = 1;
/// The body without its check results, each replaced by its fragment id.
pub const BODY_FRAGMENTS: i64 = 2;

/// A waiver as a report carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWaiver {
    pub check_id: String,
    pub reason: String,
    pub owner: Option<String>,
    /// As written in the report (a date or an RFC 3339 time).
    pub expires: Option<String>,
    /// `expires` in Unix seconds, when it could be read.
    pub expires_at: Option<i64>,
}

/// A waiver of a unit's latest report.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiverRow {
    pub unit_id: i64,
    pub repository: String,
    pub unit: String,
    pub report_id: i64,
    pub check_id: String,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<String>,
    pub expires_at: Option<i64>,
}

/// One unit of an uploaded report.
#[derive(Debug, Clone)]
pub struct NewUnitReport {
    pub path: String,
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub checks: Vec<NewCheck>,
    pub waivers: Vec<NewWaiver>,
    /// `(area, score)` as the report states them (`None`: nothing scored in it).
    pub areas: Vec<(String, Option<f64>)>,
}

/// A validated upload, ready to be written in one transaction.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub repository: String,
    pub commit: String,
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: i64,
    /// SHA-256 (hex) of the canonical JSON: the idempotency key within a repository.
    pub digest: String,
    pub command: String,
    pub generated_at: String,
    pub level: Option<String>,
    pub score: Option<f64>,
    /// The canonical JSON with each unit's `checks` replaced by the digests of
    /// their fragments; the store swaps in fragment ids and compresses it.
    pub skeleton: serde_json::Value,
    /// Size of the canonical JSON before compression.
    pub body_size: i64,
    pub token_id: Option<i64>,
    pub actor: String,
    pub units: Vec<NewUnitReport>,
    /// The checks the report describes (one entry per id, sorted by id): upserted
    /// into the check catalog that the check and team views read titles from.
    pub catalog: Vec<CheckInfoRow>,
    /// The ref is a default branch (`Config::default_branches`): only then does
    /// an upload raise webhook events (level drops, new critical failures).
    pub default_branch: bool,
}

/// A check as reports describe it: the catalog row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInfoRow {
    pub check_id: String,
    pub title: String,
    pub area: String,
    pub severity: String,
}

/// What a campaign asks of which units (validated by `campaigns::Spec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignSpec {
    pub name: String,
    pub description: String,
    /// `bronze`, `silver` or `gold`; exactly one of this and `target_checks` is set.
    pub target_level: Option<String>,
    /// Check ids, sorted and unique.
    pub target_checks: Option<Vec<String>>,
    pub filter_tier: Option<i64>,
    pub filter_team: Option<String>,
    pub filter_area: Option<String>,
    /// A glob over repository names (`acme/*`).
    pub filter_repository: Option<String>,
    /// As given (a date or an RFC 3339 time).
    pub deadline: Option<String>,
    pub deadline_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRow {
    pub id: i64,
    pub spec: CampaignSpec,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One day of a campaign's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    pub campaign_id: i64,
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub taken_at: i64,
    pub in_scope: i64,
    pub meeting: i64,
}

/// A check result of a unit's latest report that satisfies no level (`fail` or `error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsatisfied {
    pub unit_id: i64,
    pub check_id: String,
    pub outcome: String,
    pub severity: String,
}

/// Units of one owner, tier and level (their latest reports'), counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelGroup {
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub units: i64,
}

/// The units of one owner and tier whose latest report fails (or errors on)
/// one check at one severity: how many, and the smallest unit id among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGroup {
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub check_id: String,
    pub severity: String,
    pub units: i64,
    pub first_unit: i64,
}

/// A unit whose latest report fails (or errors on) one check, and since when:
/// the first report of the unbroken run of failing reports that ends in the latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    pub unit_id: i64,
    pub outcome: String,
    pub since: i64,
    pub since_report: i64,
}

/// The result of an upload: the report's id, and whether this call stored it
/// (false: the same digest was already stored for the repository).
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    pub report_id: i64,
    pub created: bool,
    /// For a new report, its diff as [`crate::diff::of_report`] would compute it,
    /// from the data the upload had in hand (units in path order); `None` for a
    /// report stored before (the caller reads it back).
    pub diff: Option<Vec<crate::diff::UnitDiff>>,
}

#[derive(Debug, Clone)]
pub struct StoredReport {
    pub id: i64,
    pub repository: String,
    pub commit: String,
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: i64,
    pub digest: String,
    pub command: String,
    pub generated_at: String,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub body: Vec<u8>,
    pub body_size: i64,
    /// [`BODY_WHOLE`] or [`BODY_FRAGMENTS`].
    pub body_format: i64,
}

/// A unit with its latest level and score.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
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
}

/// Filters of the fleet table; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub repository: Option<String>,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    /// `gold`, `silver`, `bronze`, or `none` for units below bronze.
    pub level: Option<String>,
}

/// What a summary groups units by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Level,
    Owner,
    Tier,
}

/// One entry of a unit's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSummary {
    pub id: i64,
    pub commit: String,
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: i64,
    pub level: Option<String>,
    pub score: Option<f64>,
}

/// A unit as it appears in one report.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInReport {
    pub unit_id: i64,
    pub path: String,
    pub git_ref: String,
    pub level: Option<String>,
    pub score: Option<f64>,
}

/// The unit's report just before another one, on the same ref.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousUnitReport {
    pub report_id: i64,
    pub level: Option<String>,
    pub score: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub hash: Vec<u8>,
    pub scope: String,
    pub repo_glob: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub hash: Vec<u8>,
    pub scope: String,
    pub repo_glob: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// One line of the audit log: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    pub token_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// What `/readyz` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// Highest migration applied to the database (`None`: none yet).
    pub applied: Option<i64>,
    /// Highest migration this binary knows.
    pub expected: i64,
}

impl Readiness {
    pub fn current(&self) -> bool {
        self.applied == Some(self.expected)
    }
}

/// A page request: items after `cursor` (exclusive), at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub cursor: Option<i64>,
    pub limit: i64,
}

/// The storage layer. Implementations keep no state a second replica could
/// contradict: everything lives in the database.
/// The dashboard's queries ([`DashboardStore`]) and the webhook outbox
/// ([`WebhookStore`]) come with every store.
pub trait Store: DashboardStore + WebhookStore + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations.
    fn migrate(&self) -> StoreFuture<'_, ()>;
    /// Database reachable, and which migrations are applied.
    fn readiness(&self) -> StoreFuture<'_, Readiness>;
    /// Stores an upload in one transaction, or finds the same digest already stored.
    fn ingest(&self, report: NewReport) -> StoreFuture<'_, Ingested>;
    fn report(&self, id: i64) -> StoreFuture<'_, Option<StoredReport>>;
    fn report_units(&self, report_id: i64) -> StoreFuture<'_, Vec<UnitInReport>>;
    fn previous_unit_report(
        &self,
        unit_id: i64,
        git_ref: String,
        before: i64,
    ) -> StoreFuture<'_, Option<PreviousUnitReport>>;
    /// `(check id, outcome)` of one unit in one report, sorted by check id.
    fn check_outcomes(
        &self,
        report_id: i64,
        unit_id: i64,
    ) -> StoreFuture<'_, Vec<(String, String)>>;
    fn units(&self, filter: UnitFilter, page: Page) -> StoreFuture<'_, Vec<UnitRow>>;
    fn unit(&self, id: i64) -> StoreFuture<'_, Option<UnitRow>>;
    /// A unit's reports, newest first; the cursor is a report id (exclusive).
    fn unit_reports(&self, unit_id: i64, page: Page) -> StoreFuture<'_, Vec<ReportSummary>>;
    fn count_reports(&self) -> StoreFuture<'_, i64>;
    fn create_token(&self, token: NewToken, audit: AuditEntry) -> StoreFuture<'_, i64>;
    fn token_by_hash(&self, hash: Vec<u8>) -> StoreFuture<'_, Option<TokenRow>>;
    fn touch_token(&self, id: i64, now: i64) -> StoreFuture<'_, ()>;
    fn tokens(&self) -> StoreFuture<'_, Vec<TokenRow>>;
    /// True when a token that was not yet revoked is now.
    fn revoke_token(&self, id: i64, audit: AuditEntry) -> StoreFuture<'_, bool>;
    fn audit_log(&self, limit: i64) -> StoreFuture<'_, Vec<AuditEntry>>;
    /// Deletes, in each band, every report older than the latest of its repository,
    /// ref and bucket (never a unit's latest), in one transaction with an audit entry
    /// when something was deleted. `None` when another replica holds the lock.
    fn apply_retention(
        &self,
        bands: Vec<crate::retention::Band>,
        audit: AuditEntry,
    ) -> StoreFuture<'_, Option<u64>>;
    /// Waivers of units' latest reports expiring at or before `until` (Unix
    /// seconds), soonest first.
    fn waivers_expiring(&self, until: i64, limit: i64) -> StoreFuture<'_, Vec<WaiverRow>>;
    /// Connections of the pool(s): `(open, idle)`. Cheap, no query.
    fn pool_stats(&self) -> (u32, u32);
    /// How many units have each level, owner or tier (`None`: none), sorted.
    fn unit_counts(&self, by: Grouping) -> StoreFuture<'_, Vec<(Option<String>, i64)>>;
    fn count_repositories(&self) -> StoreFuture<'_, i64>;
    /// `(table, column)` of every application table, sorted: the two backends' must agree.
    fn schema(&self) -> StoreFuture<'_, Vec<(String, String)>>;

    // ---- campaigns, teams, checks -------------------------------------------------
    fn create_campaign(
        &self,
        spec: CampaignSpec,
        created_by: String,
        now: i64,
        audit: AuditEntry,
    ) -> StoreFuture<'_, i64>;
    /// False when there is no such campaign.
    fn update_campaign(
        &self,
        id: i64,
        spec: CampaignSpec,
        now: i64,
        audit: AuditEntry,
    ) -> StoreFuture<'_, bool>;
    /// False when there is no such campaign; its snapshots go with it.
    fn delete_campaign(&self, id: i64, audit: AuditEntry) -> StoreFuture<'_, bool>;
    fn campaigns(&self) -> StoreFuture<'_, Vec<CampaignRow>>;
    fn campaign(&self, id: i64) -> StoreFuture<'_, Option<CampaignRow>>;
    /// A campaign's daily snapshots, oldest first.
    fn campaign_snapshots(&self, id: i64) -> StoreFuture<'_, Vec<SnapshotRow>>;
    /// Writes (or replaces) the snapshots of one day, with one audit entry, in one
    /// transaction. Snapshots of campaigns deleted meanwhile are skipped.
    fn put_snapshots(&self, rows: Vec<SnapshotRow>, audit: AuditEntry) -> StoreFuture<'_, ()>;
    /// Takes (or renews) the lease `name` for `holder` until `now + ttl`: true when
    /// `holder` has it now, false while another holder's lease runs. Atomic on both
    /// backends, so one replica at a time does the leased work.
    fn acquire_lease(
        &self,
        name: String,
        holder: String,
        now: i64,
        ttl: i64,
    ) -> StoreFuture<'_, bool>;
    /// The `fail`/`error` results of the latest report of every unit that matches
    /// `filter` (owner, tier, repository; level is ignored), by unit id then check id.
    fn unsatisfied_checks(&self, filter: UnitFilter) -> StoreFuture<'_, Vec<Unsatisfied>>;
    /// Every unit counted by owner, tier and level: one row per group.
    fn level_groups(&self) -> StoreFuture<'_, Vec<LevelGroup>>;
    /// The `fail`/`error` results of every unit's latest report, counted by
    /// owner, tier, check and severity: one row per group (the teams roll-up).
    fn block_groups(&self) -> StoreFuture<'_, Vec<BlockGroup>>;
    fn check_info(&self, check_id: String) -> StoreFuture<'_, Option<CheckInfoRow>>;
    /// Every check any report described, by id.
    fn check_catalog(&self) -> StoreFuture<'_, Vec<CheckInfoRow>>;
    /// How many units' latest reports have each outcome of a check.
    fn check_outcome_counts(&self, check_id: String) -> StoreFuture<'_, Vec<(String, i64)>>;
    /// Units whose latest report fails (or errors on) a check, with since when.
    fn check_failures(&self, check_id: String) -> StoreFuture<'_, Vec<CheckFailure>>;
    /// The findings of a check in the latest reports of `units`, by unit, at most
    /// `per_unit` each.
    fn latest_findings(
        &self,
        check_id: String,
        units: Vec<i64>,
        per_unit: i64,
    ) -> StoreFuture<'_, Vec<FindingRow>>;
    /// The compressed bodies of fragments (`None` for legacy, body-less ones).
    fn fragment_bodies(&self, ids: Vec<i64>) -> StoreFuture<'_, Vec<(i64, Option<Vec<u8>>)>>;
}

/// Opens the store a URL names: `sqlite://PATH` or `postgres://…` (`postgresql://`).
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    } else if let Some(path) = url.strip_prefix("sqlite:") {
        Ok(Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL {url:?}: expected sqlite://PATH or postgres://…"
        )))
    }
}

/// Builds a migrator from `(version, description, up, down)` SQL compiled into the
/// binary: reversible migrations (`NNNN_name.up.sql` + `NNNN_name.down.sql`, the
/// sqlx convention), so a rollback of the server can roll the schema back too.
fn migrator(files: &[(i64, &'static str, &'static str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::SqlSafeStr;
    use sqlx::migrate::{Migration, MigrationType};
    sqlx::migrate::Migrator::with_migrations(
        files
            .iter()
            .flat_map(|&(version, description, up, down)| {
                [
                    Migration::new(
                        version,
                        description.into(),
                        MigrationType::ReversibleUp,
                        up.into_sql_str(),
                        false,
                    ),
                    Migration::new(
                        version,
                        description.into(),
                        MigrationType::ReversibleDown,
                        down.into_sql_str(),
                        false,
                    ),
                ]
            })
            .collect(),
    )
}

fn latest_version(m: &sqlx::migrate::Migrator) -> i64 {
    m.iter().map(|m| m.version).max().unwrap_or(0)
}
