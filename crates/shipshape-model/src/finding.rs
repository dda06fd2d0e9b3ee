//! Findings, verdicts and the per-check result.

use crate::{Area, Severity};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a finding's evidence lives: a repository-relative path (always `/`-separated)
/// with an optional 1-based line and column, or for the probe a request such as `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    /// A location naming a whole file (or request).
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A location at a 1-based line.
    pub fn line(path: impl Into<String>, line: u32) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// One piece of evidence behind a verdict: what was seen (or looked for and not found), and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// A specific, self-contained sentence: "`actions/checkout@v4` is not pinned to a commit SHA".
    pub message: String,
    /// Where the evidence is. `None` for an absence that has no single place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// A short excerpt of the evidence (already redacted when it could hold a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// A stable identity for the finding within its file (e.g. the unpinned action's name),
    /// used for fingerprints so that they survive unrelated line shifts. Defaults to the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Stable fingerprint, filled in by the engine: check id + path + key, never the line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
}

impl Finding {
    /// A finding with a message and no location.
    pub fn new(message: impl Into<String>) -> Self {
        Finding {
            message: message.into(),
            location: None,
            snippet: None,
            key: None,
            fingerprint: String::new(),
        }
    }

    /// A finding at a location.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Finding {
            location: Some(location),
            ..Finding::new(message)
        }
    }

    /// Attach an evidence excerpt.
    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.snippet = Some(snippet.into());
        self
    }

    /// Attach a stable key (see [`Finding::key`]).
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The fingerprint this finding gets under `check_id`, before de-duplication.
    /// FNV-1a over check id, path and key: stable across releases and platforms.
    pub fn compute_fingerprint(&self, check_id: &str) -> String {
        let path = self.location.as_ref().map_or("", |l| l.path.as_str());
        let key = self.key.as_deref().unwrap_or(&self.message);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [check_id, path, key] {
            for b in part.bytes().chain(std::iter::once(0u8)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }
}

/// The verdict of one check on one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Outcome {
    #[serde(rename = "pass")]
    Pass,
    #[serde(rename = "fail")]
    Fail,
    #[serde(rename = "warn")]
    Warn,
    /// The check does not apply to this unit; never lowers a score.
    #[serde(rename = "n/a")]
    NotApplicable,
    /// A failure or warning accepted by a waiver that has not expired.
    #[serde(rename = "waived")]
    Waived,
    /// The check could not decide (an input could not be read or parsed); says why.
    #[serde(rename = "error")]
    Error,
}

impl Outcome {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::NotApplicable => "n/a",
            Outcome::Waived => "waived",
            Outcome::Error => "error",
        }
    }

    /// True for verdicts that count in scores (pass, warn, fail).
    pub fn is_scored(self) -> bool {
        matches!(self, Outcome::Pass | Outcome::Warn | Outcome::Fail)
    }

    /// True for verdicts that satisfy a level requirement.
    pub fn satisfies_level(self) -> bool {
        matches!(
            self,
            Outcome::Pass | Outcome::Warn | Outcome::Waived | Outcome::NotApplicable
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check's public description: what `checks` and `explain` print and what SARIF's
/// `rules` array carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// `area/name`; public API, never reused or renamed.
    pub id: String,
    pub title: String,
    pub area: Area,
    /// The default severity (a config may override it per unit).
    pub severity: Severity,
    /// Which units it applies to, in words.
    pub applies_to: String,
    /// Why it matters.
    pub rationale: String,
    /// How it is evaluated: what passes, warns and fails.
    pub evaluation: String,
    /// How to fix a failure.
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

/// The waiver that turned a failure into `waived`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverNote {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// ISO date (`YYYY-MM-DD`) after which the waiver stops applying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The verdict the waiver replaced.
    pub original: Outcome,
}

/// The result of one check on one unit, after waivers and overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    /// `repository` for a check judged once for the whole repository (CI, workflow
    /// hygiene): every unit carries the same verdict for its levels, and reporters show
    /// it once. Absent for unit checks.
    #[serde(default, skip_serializing_if = "Scope::is_unit")]
    pub scope: Scope,
    pub title: String,
    pub area: Area,
    /// The effective severity (after config overrides).
    pub severity: Severity,
    pub outcome: Outcome,
    /// One line saying why this verdict.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// How to fix it; repeated here so that a report stands on its own.
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverNote>,
    /// True when the baseline already had every finding of this result (see `--baseline`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baselined: bool,
}

/// What a check judges: one unit, or the repository as a whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Unit,
    Repository,
}

impl Scope {
    pub fn is_unit(&self) -> bool {
        *self == Scope::Unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_serializes_with_spec_names() {
        let all = [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Warn,
            Outcome::NotApplicable,
            Outcome::Waived,
            Outcome::Error,
        ];
        for o in all {
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                format!("\"{}\"", o.as_str())
            );
        }
    }

    #[test]
    fn fingerprint_ignores_line_but_not_path_or_key() {
        let a = Finding::at(Location::line("a.yml", 3), "m").with_key("k");
        let b = Finding::at(Location::line("a.yml", 90), "other words").with_key("k");
        let c = Finding::at(Location::line("b.yml", 3), "m").with_key("k");
        assert_eq!(a.compute_fingerprint("x/y"), b.compute_fingerprint("x/y"));
        assert_ne!(a.compute_fingerprint("x/y"), c.compute_fingerprint("x/y"));
        assert_ne!(a.compute_fingerprint("x/y"), a.compute_fingerprint("x/z"));
        assert_eq!(a.compute_fingerprint("x/y").len(), 16);
    }

    #[test]
    fn location_display() {
        assert_eq!(Location::line("a/b.rs", 7).to_string(), "a/b.rs:7");
        assert_eq!(Location::file("a").to_string(), "a");
    }
}
