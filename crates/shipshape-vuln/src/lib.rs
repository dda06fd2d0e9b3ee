//! Known-vulnerable dependencies: lockfile parsers, a local OSV advisory store and
//! per-ecosystem version matching.
//!
//! Everything here is pure except the explicit store functions that take paths
//! ([`AdvisoryDb::load`], [`AdvisoryDb::save`], [`AdvisoryDb::import_path`], [`default_dir`],
//! and the end-of-life store's [`eol::import_dir`], [`eol::load`], [`eol::save`], [`eol::status`])
//! and [`update`], which downloads OSV archives. Matching never reads the disk or the clock;
//! times are passed in as Unix seconds.

pub mod cvss;
pub mod eol;
pub mod lockfile;
mod matching;
mod osv;
mod store;
mod update;
pub mod version;

pub use lockfile::{
    Ecosystem, Lockfile, LockfileKind, Package, ParseError, Unpinned, detect, note_go_sum, parse,
};
pub use matching::VulnMatch;
pub use osv::{Advisory, Affected, Event, Range, RangeKind, SeverityInfo};
pub use store::{
    AdvisoryDb, EcosystemMeta, EcosystemStatus, ImportStats, STORE_FILE, Status, StoreError,
    default_dir, now_unix,
};
pub use update::{OSV_BUCKET, archive_url, update, update_from};
