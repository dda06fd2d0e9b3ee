//! Baselines: accepted matches, keyed by a one-way fingerprint, so that later scans report
//! only new secrets. The CLI writes one with `shipshape secrets baseline`.
//!
//! A baseline never holds a secret: only the fingerprint (hex SHA-256 of rule id, path and
//! secret), the rule id, the path and the line at the time it was written.

use crate::{Error, SecretMatch};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The current baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// What a baseline remembers about one accepted match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub rule_id: String,
    pub path: String,
    /// The line when the baseline was written; informational, not part of the key.
    pub line: u32,
}

/// A set of accepted matches. Serialises to JSON with entries sorted by fingerprint, so
/// that a rewritten baseline diffs cleanly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    /// Fingerprint → entry.
    pub entries: BTreeMap<String, BaselineEntry>,
}

impl Default for Baseline {
    fn default() -> Self {
        Baseline {
            version: BASELINE_VERSION,
            entries: BTreeMap::new(),
        }
    }
}

impl Baseline {
    /// A baseline accepting every given match.
    pub fn from_matches<'a>(matches: impl IntoIterator<Item = &'a SecretMatch>) -> Self {
        let mut b = Baseline::default();
        for m in matches {
            b.insert(m);
        }
        b
    }

    /// Accept one more match.
    pub fn insert(&mut self, m: &SecretMatch) {
        self.entries.insert(
            m.fingerprint.clone(),
            BaselineEntry {
                rule_id: m.rule_id.clone(),
                path: m.path.clone(),
                line: m.line,
            },
        );
    }

    /// True when the match was accepted (same rule, path and secret; any line).
    pub fn contains(&self, m: &SecretMatch) -> bool {
        self.entries.contains_key(&m.fingerprint)
    }

    /// The matches the baseline does not accept.
    pub fn filter(&self, matches: Vec<SecretMatch>) -> Vec<SecretMatch> {
        matches.into_iter().filter(|m| !self.contains(m)).collect()
    }

    /// Pretty JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        s.push('\n');
        s
    }

    /// Parse a baseline written by [`Baseline::to_json`]; `source` names the file in errors.
    pub fn from_json(text: &str, source: &str) -> Result<Self, Error> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| Error::Baseline {
            source_name: source.to_string(),
            message: format!(
                "{e} (line {}, column {}); regenerate it with `shipshape secrets baseline`",
                e.line(),
                e.column()
            ),
        })?;
        if b.version != BASELINE_VERSION {
            return Err(Error::Baseline {
                source_name: source.to_string(),
                message: format!(
                    "unsupported version {} (expected {BASELINE_VERSION}); regenerate it with `shipshape secrets baseline`",
                    b.version
                ),
            });
        }
        Ok(b)
    }
}
