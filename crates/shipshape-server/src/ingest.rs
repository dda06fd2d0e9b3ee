//! Turning an upload into a [`NewReport`]: decoding (gzip, with the limit applied
//! to the decompressed size too), validation as a shipshape report, the digest
//! and the compressed canonical body. Pure and synchronous: run it off the
//! async workers (`spawn_blocking`).

use crate::error::Error;
use crate::store::{CheckInfoRow, NewCheck, NewFinding, NewReport, NewUnitReport, NewWaiver};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::DeflateEncoder;
use sha2::{Digest, Sha256};
use shipshape_model::{Report, SCHEMA_VERSION};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};

/// Longest accepted repository name, commit, ref or URL.
const MAX_FIELD: usize = 512;

/// Where an upload comes from (the query string) and who sent it.
#[derive(Debug, Clone)]
pub struct UploadMeta {
    pub repository: String,
    pub commit: String,
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub token_id: Option<i64>,
    pub actor: String,
    pub received_at: i64,
}

/// The body as JSON bytes: decompressed when `Content-Encoding: gzip`, never more
/// than `limit` bytes either way (a small gzip bomb is refused like a large body).
pub fn decode(body: &[u8], encoding: Option<&str>, limit: usize) -> Result<Vec<u8>, Error> {
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("identity") => Ok(body.to_vec()),
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            GzDecoder::new(body)
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    Error::BadRequest(format!("the gzip body cannot be decompressed: {e}"))
                })?;
            if out.len() > limit {
                return Err(Error::TooLarge { limit });
            }
            Ok(out)
        }
        Some(other) => Err(Error::UnsupportedEncoding(other.to_string())),
    }
}

fn check_field(name: &str, value: &str, required: bool) -> Result<(), Error> {
    if required && value.trim().is_empty() {
        return Err(Error::BadRequest(format!(
            "the query parameter {name} is required"
        )));
    }
    if value.len() > MAX_FIELD {
        return Err(Error::BadRequest(format!(
            "{name} is longer than {MAX_FIELD} bytes"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "{name} contains control characters"
        )));
    }
    Ok(())
}

/// Checks the query parameters of an upload.
pub fn check_meta(meta: &UploadMeta) -> Result<(), Error> {
    check_field("repository", &meta.repository, true)?;
    check_field("commit", &meta.commit, false)?;
    check_field("ref", &meta.git_ref, false)?;
    if let Some(url) = &meta.ci_run_url {
        check_field("ci_run_url", url, false)?;
    }
    Ok(())
}

/// The major part of a schema version (`1` of `1.0`).
fn major(v: &str) -> &str {
    v.split('.').next().unwrap_or(v)
}

/// Validates `json` as a shipshape report and prepares it for storage.
pub fn prepare(json: &[u8], meta: UploadMeta) -> Result<NewReport, Error> {
    check_meta(&meta)?;
    let value: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| Error::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(Error::Unprocessable(
            "the body is JSON but not an object: expected a shipshape report (shipshape scan --format json)".into(),
        ));
    };
    match object.get("schema_version") {
        None => {
            return Err(Error::Unprocessable(
                "the body has no schema_version: expected a shipshape report (shipshape scan --format json)".into(),
            ));
        }
        Some(serde_json::Value::String(v)) if major(v) == major(SCHEMA_VERSION) => {}
        Some(serde_json::Value::String(v)) => {
            return Err(Error::Unprocessable(format!(
                "schema_version {v:?} is not supported: this server reads reports of schema {}.x",
                major(SCHEMA_VERSION)
            )));
        }
        Some(other) => {
            return Err(Error::Unprocessable(format!(
                "schema_version must be a string such as {SCHEMA_VERSION:?}, not {other}"
            )));
        }
    }
    // From the parsed value, not the text again: no second tokenising.
    let report: Report = serde::Deserialize::deserialize(&value).map_err(|e| {
        Error::Unprocessable(format!("the body is not a valid shipshape report: {e}"))
    })?;
    if report.units.is_empty() {
        return Err(Error::Unprocessable("the report has no units".into()));
    }
    let mut paths = HashSet::new();
    let mut units = Vec::with_capacity(report.units.len());
    let mut catalog: BTreeMap<&str, CheckInfoRow> = BTreeMap::new();
    for u in &report.units {
        if !paths.insert(u.unit.path.as_str()) {
            return Err(Error::Unprocessable(format!(
                "the unit path {:?} appears twice in the report",
                u.unit.path
            )));
        }
        let mut ids = HashSet::new();
        let mut checks = Vec::with_capacity(u.checks.len());
        for c in &u.checks {
            if !ids.insert(c.id.as_str()) {
                return Err(Error::Unprocessable(format!(
                    "check {:?} appears twice in unit {:?}",
                    c.id, u.unit.path
                )));
            }
            catalog
                .entry(c.id.as_str())
                .or_insert_with(|| CheckInfoRow {
                    check_id: c.id.clone(),
                    title: c.title.clone(),
                    area: c.area.as_str().to_string(),
                    severity: c.severity.as_str().to_string(),
                });
            checks.push(NewCheck {
                check_id: c.id.clone(),
                outcome: c.outcome.as_str().to_string(),
                severity: c.severity.as_str().to_string(),
                digest: String::new(),
                json: Vec::new(),
                findings: c
                    .findings
                    .iter()
                    .map(|f| NewFinding {
                        path: f.location.as_ref().map(|l| l.path.clone()),
                        line: f.location.as_ref().and_then(|l| l.line).map(i64::from),
                        message: f.message.clone(),
                    })
                    .collect(),
            });
        }
        let waivers = u
            .checks
            .iter()
            .filter_map(|c| {
                c.waiver.as_ref().map(|w| NewWaiver {
                    check_id: c.id.clone(),
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    expires: w.expires.clone(),
                    expires_at: w
                        .expires
                        .as_deref()
                        .and_then(|e| crate::time::parse_expiry(e).ok()),
                })
            })
            .collect();
        units.push(NewUnitReport {
            path: u.unit.path.clone(),
            name: u.unit.name.clone(),
            kind: u.unit.kind.as_str().to_string(),
            owner: u.unit.owner.clone(),
            tier: u.unit.tier.map(i64::from),
            level: u.level.map(|l| l.as_str().to_string()),
            score: u.scores.overall,
            checks,
            waivers,
            areas: u
                .scores
                .areas
                .iter()
                .map(|(area, s)| (area.as_str().to_string(), s.score))
                .collect(),
        });
    }
    let (level, score) = match (&report.rollup, report.units.as_slice()) {
        (Some(r), _) => (r.level, r.score),
        (None, [one]) => (one.level, one.scores.overall),
        (None, many) => (many.iter().map(|u| u.level).min().flatten(), None),
    };
    // serde_json's map is ordered by key, so this is canonical: the same report
    // with other whitespace or key order has the same digest. Unknown (newer,
    // additive) fields are kept.
    let canonical = serde_json::to_vec(&value)
        .map_err(|e| Error::Internal(format!("re-serialising the report: {e}")))?;
    let digest = hex(&Sha256::digest(&canonical));
    // Each check result becomes a fragment (canonical JSON, its digest, compressed);
    // the skeleton keeps the rest, with the fragments' digests in place of the results.
    let mut skeleton = value;
    let report_units = skeleton
        .get_mut("units")
        .and_then(|u| u.as_array_mut())
        .ok_or_else(|| Error::Internal("the validated report has no units array".into()))?;
    for (unit, stored) in report_units.iter_mut().zip(units.iter_mut()) {
        let Some(results) = unit.get_mut("checks").and_then(|c| c.as_array_mut()) else {
            return Err(Error::Internal(
                "a validated unit has no checks array".into(),
            ));
        };
        for (result, check) in results.iter_mut().zip(stored.checks.iter_mut()) {
            let bytes = serde_json::to_vec(result)
                .map_err(|e| Error::Internal(format!("re-serialising a check result: {e}")))?;
            check.digest = hex(&Sha256::digest(&bytes));
            check.json = bytes;
            *result = serde_json::Value::String(check.digest.clone());
        }
    }
    let meta_ref = meta.git_ref.clone();
    Ok(NewReport {
        repository: meta.repository,
        commit: meta.commit,
        git_ref: meta.git_ref,
        ci_run_url: meta.ci_run_url,
        received_at: meta.received_at,
        digest,
        command: report.command,
        generated_at: report.generated_at,
        level: level.map(|l| l.as_str().to_string()),
        score,
        body_size: canonical.len() as i64,
        skeleton,
        token_id: meta.token_id,
        actor: meta.actor,
        units,
        catalog: catalog.into_values().collect(),
        default_branch: crate::webhooks::is_default_branch(
            &meta_ref,
            crate::state::DEFAULT_BRANCHES,
        ),
    })
}

/// Deflate at the level uploads use.
pub fn deflate(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let mut enc = DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4 + 16),
        Compression::new(6),
    );
    enc.write_all(bytes)
        .map_err(|e| Error::Internal(format!("compressing: {e}")))?;
    enc.finish()
        .map_err(|e| Error::Internal(format!("compressing: {e}")))
}

/// The fragment ids a skeleton body refers to, in order.
pub fn fragment_ids(skeleton: &serde_json::Value) -> Vec<i64> {
    skeleton["units"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|u| u["checks"].as_array().into_iter().flatten())
        .filter_map(|c| c.as_i64())
        .collect()
}

/// A skeleton body with its fragments put back: the canonical report as uploaded.
pub fn restore(
    mut skeleton: serde_json::Value,
    fragments: &std::collections::HashMap<i64, Vec<u8>>,
) -> Result<serde_json::Value, Error> {
    for unit in skeleton["units"].as_array_mut().into_iter().flatten() {
        for c in unit["checks"].as_array_mut().into_iter().flatten() {
            let id = c.as_i64().ok_or_else(|| {
                Error::Internal("stored report: a check is not a fragment id".into())
            })?;
            let body = fragments.get(&id).ok_or_else(|| {
                Error::Internal(format!("stored report: fragment {id} is missing"))
            })?;
            *c = inflate(body)?;
        }
    }
    Ok(skeleton)
}

/// The stored body back as JSON.
pub fn inflate(body: &[u8]) -> Result<serde_json::Value, Error> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .read_to_end(&mut json)
        .map_err(|e| Error::Internal(format!("stored report cannot be decompressed: {e}")))?;
    serde_json::from_slice(&json).map_err(|e| Error::Internal(format!("stored report: {e}")))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> UploadMeta {
        UploadMeta {
            repository: "acme/api".into(),
            commit: "abc".into(),
            git_ref: "main".into(),
            ci_run_url: None,
            token_id: None,
            actor: "test".into(),
            received_at: 0,
        }
    }

    #[test]
    fn gzip_bombs_are_refused_by_decompressed_size() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&vec![b' '; 100_000]).unwrap();
        let gz = enc.finish().unwrap();
        assert!(gz.len() < 1000);
        assert!(matches!(
            decode(&gz, Some("gzip"), 10_000),
            Err(Error::TooLarge { .. })
        ));
        assert_eq!(decode(&gz, Some("gzip"), 100_000).unwrap().len(), 100_000);
        assert!(matches!(
            decode(b"x", Some("br"), 10),
            Err(Error::UnsupportedEncoding(_))
        ));
        assert!(matches!(
            decode(b"not gzip", Some("gzip"), 10),
            Err(Error::BadRequest(_))
        ));
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let e = prepare(b"{", meta()).unwrap_err();
        assert!(matches!(e, Error::BadRequest(_)));
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = prepare(b"[]", meta()).unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
        let e = prepare(b"{\"schema_version\":\"2.0\"}", meta()).unwrap_err();
        assert!(e.to_string().contains("\"2.0\" is not supported"), "{e}");
        let e = prepare(b"{\"schema_version\":\"1.0\"}", meta()).unwrap_err();
        assert!(
            e.to_string().contains("not a valid shipshape report"),
            "{e}"
        );
        let mut m = meta();
        m.repository = " ".into();
        assert!(
            prepare(b"{}", m)
                .unwrap_err()
                .to_string()
                .contains("repository")
        );
    }
}
