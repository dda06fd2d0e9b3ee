//! The local advisory store: OSV records imported from JSON files, directories or the
//! per-ecosystem `all.zip` archives, kept as one compact JSON file
//! (`<dir>/advisories.json`) and indexed in memory by (ecosystem, normalised name).
//!
//! Only [`AdvisoryDb::load`], [`AdvisoryDb::save`], [`AdvisoryDb::import_path`] and
//! [`default_dir`] touch the disk or the environment; everything else is pure. Times are
//! passed in as Unix seconds so that callers (and tests) own the clock.

use crate::lockfile::Ecosystem;
use crate::osv::{Advisory, OsvRecord, Skip};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Version of the store file format; a store written by another version is refused with a
/// message telling the user to re-import.
pub const STORE_FORMAT: u32 = 1;
/// The store's file name inside its directory.
pub const STORE_FILE: &str = "advisories.json";
/// Archives larger than this (uncompressed, per entry) are refused as corrupt or hostile.
const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;

/// A store operation that failed; each message says what, where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no advisory database in {dir}: run `shipshape db import FILE` (an OSV all.zip, JSON file or directory) or `shipshape db update`"
    )]
    NotFound { dir: String },
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "could not write {path}: {source}; check that the directory is writable or pass another with --db / SHIPSHAPE_DB"
    )]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a valid advisory store ({message}); delete it and re-import")]
    Corrupt { path: String, message: String },
    #[error("{path}: {message}")]
    Archive { path: String, message: String },
    #[error("{path}: not an OSV record or list of records: {message}")]
    Json { path: String, message: String },
    #[error(
        "could not reach {url}: {cause}; download the archive elsewhere and run `shipshape db import FILE`"
    )]
    Network { url: String, cause: String },
    #[error(
        "cannot locate a cache directory: neither XDG_CACHE_HOME nor HOME is set; pass a database path explicitly (--db or SHIPSHAPE_DB)"
    )]
    NoCacheDir,
}

/// Per-ecosystem bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcosystemMeta {
    /// Advisories affecting this ecosystem.
    pub records: usize,
    /// Unix seconds of the last import that brought records of this ecosystem.
    pub imported_at: u64,
}

#[derive(Serialize, Deserialize)]
struct StoreFile {
    format: u32,
    imported_at: u64,
    ecosystems: BTreeMap<Ecosystem, EcosystemMeta>,
    advisories: Vec<Advisory>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportStats {
    /// JSON documents read (zip entries or files).
    pub files: usize,
    /// Records stored (new or replacing an older copy with the same id).
    pub imported: usize,
    pub withdrawn: usize,
    /// Records affecting no supported ecosystem.
    pub unsupported: usize,
    /// Documents that were not valid OSV JSON: (name, error).
    pub unparsable: Vec<(String, String)>,
}

/// One line of `shipshape db status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcosystemStatus {
    pub ecosystem: Ecosystem,
    pub records: usize,
    pub imported_at: u64,
    pub age_days: f64,
}

/// What `shipshape db status` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub total: usize,
    /// Unix seconds of the last import.
    pub imported_at: u64,
    pub age_days: f64,
    pub ecosystems: Vec<EcosystemStatus>,
}

/// The advisory database: compact advisories plus an index by (ecosystem, normalised name).
#[derive(Debug, Clone, Default)]
pub struct AdvisoryDb {
    pub(crate) advisories: Vec<Advisory>,
    by_id: HashMap<String, usize>,
    /// ecosystem → normalised name → (advisory index, affected index)
    pub(crate) index: HashMap<Ecosystem, HashMap<String, Vec<(u32, u32)>>>,
    ecosystems: BTreeMap<Ecosystem, EcosystemMeta>,
    imported_at: u64,
}

/// The default store directory: `$XDG_CACHE_HOME/shipshape/osv`, else `~/.cache/shipshape/osv`.
/// (The CLI checks `SHIPSHAPE_DB` and `--db` first.)
pub fn default_dir() -> Result<PathBuf, StoreError> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .ok_or(StoreError::NoCacheDir)?,
        )
        .join(".cache"),
    };
    Ok(base.join("shipshape").join("osv"))
}

fn days(now: u64, then: u64) -> f64 {
    now.saturating_sub(then) as f64 / 86_400.0
}

impl AdvisoryDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of advisories.
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    /// True when no advisory is loaded.
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// All advisories.
    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// The advisory with this id.
    pub fn get(&self, id: &str) -> Option<&Advisory> {
        self.by_id.get(id).map(|&i| &self.advisories[i])
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.index.clear();
        let mut counts: BTreeMap<Ecosystem, usize> = BTreeMap::new();
        for (ai, adv) in self.advisories.iter().enumerate() {
            self.by_id.insert(adv.id.clone(), ai);
            let mut ecos: Vec<Ecosystem> = Vec::new();
            for (fi, aff) in adv.affected.iter().enumerate() {
                let (Ok(ai32), Ok(fi32)) = (u32::try_from(ai), u32::try_from(fi)) else {
                    continue;
                };
                self.index
                    .entry(aff.ecosystem)
                    .or_default()
                    .entry(aff.name.clone())
                    .or_default()
                    .push((ai32, fi32));
                if !ecos.contains(&aff.ecosystem) {
                    ecos.push(aff.ecosystem);
                }
            }
            for e in ecos {
                *counts.entry(e).or_default() += 1;
            }
        }
        for (eco, meta) in self.ecosystems.iter_mut() {
            meta.records = counts.get(eco).copied().unwrap_or(0);
        }
        for (eco, n) in counts {
            self.ecosystems.entry(eco).or_insert(EcosystemMeta {
                records: n,
                imported_at: self.imported_at,
            });
        }
    }

    /// Add one record (replacing an older copy with the same id). Returns the ecosystems it affects.
    fn add(&mut self, rec: OsvRecord, stats: &mut ImportStats) -> Vec<Ecosystem> {
        match rec.into_advisory() {
            Ok(adv) => {
                let ecos: Vec<Ecosystem> = adv.affected.iter().map(|a| a.ecosystem).collect();
                match self.by_id.get(&adv.id) {
                    Some(&i) => self.advisories[i] = adv,
                    None => {
                        self.by_id.insert(adv.id.clone(), self.advisories.len());
                        self.advisories.push(adv);
                    }
                }
                stats.imported += 1;
                ecos
            }
            Err(Skip::Withdrawn) => {
                stats.withdrawn += 1;
                Vec::new()
            }
            Err(Skip::NoSupportedPackage) => {
                stats.unsupported += 1;
                Vec::new()
            }
        }
    }

    /// Import one JSON document (a record or an array of records) from bytes.
    fn import_doc(
        &mut self,
        name: &str,
        bytes: &[u8],
        stats: &mut ImportStats,
        touched: &mut Vec<Ecosystem>,
    ) {
        stats.files += 1;
        let recs: Result<Vec<OsvRecord>, _> = match bytes.iter().find(|b| !b.is_ascii_whitespace())
        {
            Some(b'[') => serde_json::from_slice(bytes),
            _ => serde_json::from_slice::<OsvRecord>(bytes).map(|r| vec![r]),
        };
        match recs {
            Ok(recs) => {
                for r in recs {
                    touched.extend(self.add(r, stats));
                }
            }
            Err(e) => stats.unparsable.push((name.to_string(), e.to_string())),
        }
    }

    fn finish_import(&mut self, touched: Vec<Ecosystem>, now: u64) {
        self.imported_at = now;
        for e in touched {
            self.ecosystems
                .entry(e)
                .or_insert(EcosystemMeta {
                    records: 0,
                    imported_at: now,
                })
                .imported_at = now;
        }
        self.reindex();
    }

    /// Import OSV JSON from bytes: one record or an array of records. `name` is used in errors.
    pub fn import_json(&mut self, name: &str, bytes: &[u8], now: u64) -> ImportStats {
        let mut stats = ImportStats::default();
        let mut touched = Vec::new();
        self.import_doc(name, bytes, &mut stats, &mut touched);
        self.finish_import(touched, now);
        stats
    }

    /// Import a flat zip of OSV JSON records (the OSV project's `<Ecosystem>/all.zip`) from bytes.
    pub fn import_zip(
        &mut self,
        name: &str,
        bytes: &[u8],
        now: u64,
    ) -> Result<ImportStats, StoreError> {
        let mut stats = ImportStats::default();
        let mut touched = Vec::new();
        self.import_zip_inner(name, bytes, &mut stats, &mut touched)?;
        self.finish_import(touched, now);
        Ok(stats)
    }

    fn import_zip_inner(
        &mut self,
        name: &str,
        bytes: &[u8],
        stats: &mut ImportStats,
        touched: &mut Vec<Ecosystem>,
    ) -> Result<(), StoreError> {
        let archive_err = |message: String| StoreError::Archive {
            path: name.to_string(),
            message,
        };
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            archive_err(format!(
                "not a readable zip archive ({e}); expected an OSV all.zip"
            ))
        })?;
        let mut buf = Vec::new();
        for i in 0..zip.len() {
            let mut entry = zip
                .by_index(i)
                .map_err(|e| archive_err(format!("entry {i}: {e}")))?;
            let inner = match entry.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
            };
            if !entry.is_file() || !inner.ends_with(".json") {
                continue;
            }
            let entry_name = format!("{name}:{inner}");
            if entry.size() > MAX_ENTRY_BYTES {
                stats.unparsable.push((
                    entry_name,
                    format!("entry larger than {MAX_ENTRY_BYTES} bytes"),
                ));
                continue;
            }
            buf.clear();
            if let Err(e) = (&mut entry).take(MAX_ENTRY_BYTES).read_to_end(&mut buf) {
                stats
                    .unparsable
                    .push((entry_name, format!("could not decompress: {e}")));
                continue;
            }
            self.import_doc(&entry_name, &buf, stats, touched);
        }
        Ok(())
    }

    /// Import from a path: an OSV JSON file, a `.zip` archive of records, or a directory
    /// searched recursively for both.
    pub fn import_path(&mut self, path: &Path, now: u64) -> Result<ImportStats, StoreError> {
        let mut stats = ImportStats::default();
        let mut touched = Vec::new();
        self.import_path_inner(path, &mut stats, &mut touched)?;
        self.finish_import(touched, now);
        Ok(stats)
    }

    fn import_path_inner(
        &mut self,
        path: &Path,
        stats: &mut ImportStats,
        touched: &mut Vec<Ecosystem>,
    ) -> Result<(), StoreError> {
        let read_err = |source| StoreError::Read {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(read_err)?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(read_err)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for p in entries {
                // Symlinked directories are not followed (a link cycle would never end).
                let Ok(link_meta) = std::fs::symlink_metadata(&p) else {
                    continue;
                };
                if link_meta.file_type().is_symlink()
                    && std::fs::metadata(&p).is_ok_and(|m| m.is_dir())
                {
                    continue;
                }
                let is_dir = link_meta.is_dir();
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                if is_dir || ext == "json" || ext == "zip" {
                    self.import_path_inner(&p, stats, touched)?;
                }
            }
            return Ok(());
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        let name = path.display().to_string();
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            self.import_zip_inner(&name, &bytes, stats, touched)
        } else {
            self.import_doc(&name, &bytes, stats, touched);
            Ok(())
        }
    }

    /// Load the store from `dir`.
    pub fn load(dir: &Path) -> Result<AdvisoryDb, StoreError> {
        let file = dir.join(STORE_FILE);
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound {
                    dir: dir.display().to_string(),
                });
            }
            Err(source) => {
                return Err(StoreError::Read {
                    path: file.display().to_string(),
                    source,
                });
            }
        };
        let corrupt = |message: String| StoreError::Corrupt {
            path: file.display().to_string(),
            message,
        };
        let store: StoreFile =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
        if store.format != STORE_FORMAT {
            return Err(corrupt(format!(
                "format {} but this shipshape reads format {STORE_FORMAT}",
                store.format
            )));
        }
        let mut db = AdvisoryDb {
            advisories: store.advisories,
            ecosystems: store.ecosystems,
            imported_at: store.imported_at,
            ..AdvisoryDb::default()
        };
        db.reindex();
        Ok(db)
    }

    /// Write the store to `dir` (created if missing) atomically: a temporary file renamed
    /// over `advisories.json`.
    pub fn save(&self, dir: &Path) -> Result<(), StoreError> {
        let write_err = |p: &Path, source| StoreError::Write {
            path: p.display().to_string(),
            source,
        };
        let store = StoreFileRef {
            format: STORE_FORMAT,
            imported_at: self.imported_at,
            ecosystems: &self.ecosystems,
            advisories: &self.advisories,
        };
        let bytes = serde_json::to_vec(&store)
            .map_err(|e| write_err(&dir.join(STORE_FILE), std::io::Error::other(e)))?;
        write_atomically(dir, STORE_FILE, &bytes).map_err(|(p, e)| write_err(&p, e))
    }

    /// Ecosystems, record counts and ages at `now` (Unix seconds).
    pub fn status(&self, now: u64) -> Status {
        Status {
            total: self.advisories.len(),
            imported_at: self.imported_at,
            age_days: days(now, self.imported_at),
            ecosystems: self
                .ecosystems
                .iter()
                .map(|(e, m)| EcosystemStatus {
                    ecosystem: *e,
                    records: m.records,
                    imported_at: m.imported_at,
                    age_days: days(now, m.imported_at),
                })
                .collect(),
        }
    }

    /// True when the database is empty or its oldest ecosystem import is more than
    /// `max_age_days` before `now` (Unix seconds).
    pub fn is_stale(&self, max_age_days: u32, now: u64) -> bool {
        let oldest = self.ecosystems.values().map(|m| m.imported_at).min();
        match oldest {
            None => true,
            Some(t) => days(now, t) > f64::from(max_age_days),
        }
    }
}

#[derive(Serialize)]
struct StoreFileRef<'a> {
    format: u32,
    imported_at: u64,
    ecosystems: &'a BTreeMap<Ecosystem, EcosystemMeta>,
    advisories: &'a [Advisory],
}

/// Seconds since the Unix epoch from the system clock (for callers; nothing here calls it).
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Write `<dir>/<name>` (directory created if missing) atomically: a temporary file in
/// the same directory renamed over it, removed again when the rename fails. The error
/// names the path that failed. Shared by every file of the database directory.
pub(crate) fn write_atomically(
    dir: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    let file = dir.join(name);
    let tmp = dir.join(format!("{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| (tmp.clone(), e))?;
    std::fs::rename(&tmp, &file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        (file, e)
    })
}
