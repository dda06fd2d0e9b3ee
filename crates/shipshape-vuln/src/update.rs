//! `shipshape db update`: download the OSV project's per-ecosystem `all.zip` archives and
//! import them. The only code in this crate that touches the network.
//!
//! It fails fast when offline (short connect timeout) with a message telling the user to
//! fetch the archive elsewhere and `shipshape db import` it.

use crate::lockfile::Ecosystem;
#[cfg(feature = "online")]
use crate::store::AdvisoryDb;
use crate::store::{ImportStats, StoreError};
use std::path::Path;

/// Where OSV publishes its per-ecosystem archives.
pub const OSV_BUCKET: &str = "https://osv-vulnerabilities.storage.googleapis.com";
#[cfg(feature = "online")]
/// Largest archive accepted (the biggest OSV ecosystem archives are well below this).
const MAX_ARCHIVE_BYTES: u64 = 1024 * 1024 * 1024;

/// The archive URL of an ecosystem.
pub fn archive_url(eco: Ecosystem) -> String {
    format!("{OSV_BUCKET}/{}/all.zip", eco.osv_name())
}

/// Download `all.zip` for each ecosystem from the OSV bucket, import it into the store in
/// `dir` (loading the existing store first, if any) and save it. Returns the import
/// statistics per ecosystem. Nothing is saved unless every download succeeds.
pub fn update(
    dir: &Path,
    ecosystems: &[Ecosystem],
    now: u64,
) -> Result<Vec<(Ecosystem, ImportStats)>, StoreError> {
    update_from(OSV_BUCKET, dir, ecosystems, now)
}

/// [`update`] from another base URL (a mirror, or a loopback server in tests):
/// downloads `<base>/<Ecosystem>/all.zip`.
#[cfg(feature = "online")]
pub fn update_from(
    base: &str,
    dir: &Path,
    ecosystems: &[Ecosystem],
    now: u64,
) -> Result<Vec<(Ecosystem, ImportStats)>, StoreError> {
    use std::io::Read;
    use std::time::Duration;
    let mut db = match AdvisoryDb::load(dir) {
        Ok(db) => db,
        Err(StoreError::NotFound { .. }) => AdvisoryDb::new(),
        Err(e) => return Err(e),
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(600)))
        .user_agent(concat!("shipshape/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut out = Vec::new();
    for &eco in ecosystems {
        let url = format!("{}/{}/all.zip", base.trim_end_matches('/'), eco.osv_name());
        let net = |cause: String| StoreError::Network {
            url: url.clone(),
            cause,
        };
        let resp = agent.get(&url).call().map_err(|e| net(e.to_string()))?;
        let mut bytes = Vec::new();
        resp.into_body()
            .into_reader()
            .take(MAX_ARCHIVE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| net(format!("download interrupted: {e}")))?;
        let stats = db.import_zip(&url, &bytes, now)?;
        out.push((eco, stats));
    }
    db.save(dir)?;
    Ok(out)
}

/// Without the `online` feature there is no HTTP client: always an error saying how to import.
#[cfg(not(feature = "online"))]
pub fn update_from(
    base: &str,
    _dir: &Path,
    ecosystems: &[Ecosystem],
    _now: u64,
) -> Result<Vec<(Ecosystem, ImportStats)>, StoreError> {
    let url = ecosystems.first().map_or_else(
        || base.to_string(),
        |e| format!("{base}/{}/all.zip", e.osv_name()),
    );
    Err(StoreError::Network {
        url,
        cause: "this build has no network support (feature `online` is off)".into(),
    })
}
