//! The finished report: units, their check results and scores, and the gate verdict.

use crate::{CheckResult, Level, Scores, Severity};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Version of the JSON report schema (`docs/report-schema.json`). Bumped on any
/// incompatible change; additive fields keep it.
pub const SCHEMA_VERSION: &str = "1.0";

/// What kind of software a unit is; decides which checks apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Service,
    Library,
    Cli,
    Infrastructure,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Service,
        UnitKind::Library,
        UnitKind::Cli,
        UnitKind::Infrastructure,
    ];
    const NAMES: &'static [&'static str] = &["service", "library", "cli", "infrastructure"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = crate::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == lower)
            .ok_or_else(|| crate::ParseError {
                what: "unit kind",
                input: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

/// The thing being judged: a repository, or one service of a monorepo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub name: String,
    /// Repository-relative path of the unit's root (`.` for the whole repository).
    pub path: String,
    pub kind: UnitKind,
    /// How the kind was decided: `config` or a sentence naming the evidence.
    pub kind_source: String,
    /// Service tier 1–3 (1 = SLO above 99.9 %), when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Everything shipshape concluded about one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReport {
    pub unit: Unit,
    pub scores: Scores,
    /// The highest level every requirement of which holds; `None` when not even bronze.
    pub level: Option<Level>,
    /// The level the gate requires (from `--min-level` or the unit's tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_level: Option<Level>,
    /// Check results in registry order.
    pub checks: Vec<CheckResult>,
}

impl UnitReport {
    /// The results with a given outcome.
    pub fn with_outcome(&self, outcome: crate::Outcome) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(move |c| c.outcome == outcome)
    }
}

/// Severity of a diagnostic about the run itself (not about the software judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Warning,
    Note,
}

/// Something the user should know about the run: a skipped file, an expired waiver,
/// a malformed manifest, an old advisory database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    /// A short machine-readable code, e.g. `skipped-large-file`, `waiver-expired`.
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Counts describing the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportStats {
    pub files_seen: u64,
    pub bytes_read: u64,
    pub files_skipped: u64,
    pub duration_ms: u64,
}

/// The gate's verdict, decided before any reporter runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub passed: bool,
    /// One sentence per broken condition (empty when passed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_under: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<Level>,
    /// True when only findings absent from the baseline could break the gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
}

/// The tool that made a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// A finished report: the input of every reporter and of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: ToolInfo,
    /// `scan` or `probe`.
    pub command: String,
    /// What was judged: the scanned path as given, or the probed URL.
    pub target: String,
    /// The profile (checklist) used.
    pub profile: String,
    /// RFC 3339 time the report was made.
    pub generated_at: String,
    pub units: Vec<UnitReport>,
    /// The whole repository at a glance; present when the report has several units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    pub gate: GateOutcome,
    pub stats: ReportStats,
    /// `scan --changed-since REF`: the change judged, and which units it left out and
    /// why. Absent for a whole-repository scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangeScope>,
}

/// What `scan --changed-since REF` judged: the units a change touches. `units` of the
/// report holds only those; the rest are listed in `skipped` with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeScope {
    /// The revision as given (`origin/main`).
    pub since: String,
    /// The commit the diff starts from: the merge base of `since` and HEAD.
    pub base: String,
    /// HEAD's commit.
    pub head: String,
    /// Changed files under the scanned path: committed since `base`, staged, unstaged
    /// and untracked.
    pub changed_files: u64,
    /// How many of `changed_files` are not committed yet (index or work tree).
    pub uncommitted_files: u64,
    /// Set when a repository-level file changed (CI, CODEOWNERS, a root file) or a file
    /// that belongs to no unit: every unit was judged, and this says which file and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_wide: Option<String>,
    /// The units judged, each with the change that touched it.
    pub judged: Vec<UnitChange>,
    /// The units left out, each with why.
    pub skipped: Vec<UnitChange>,
}

/// One unit's part in a [`ChangeScope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChange {
    pub name: String,
    pub path: String,
    /// Why it was judged (`3 changed files, e.g. svc-a/src/main.rs`) or skipped
    /// (`no changed file belongs to it`).
    pub reason: String,
}

/// A multi-unit report summed up: every unit counts the same, and the
/// repository is only as ready as its least ready unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// Mean of the units' overall scores (units without a score are left out);
    /// `None` when no unit has a score.
    pub score: Option<f64>,
    /// The lowest unit level; `None` when some unit has not reached bronze.
    pub level: Option<Level>,
    /// How many units were judged.
    pub units: u32,
}

impl Rollup {
    /// The roll-up of several unit reports; `None` for fewer than two units.
    pub fn of(units: &[UnitReport]) -> Option<Rollup> {
        if units.len() < 2 {
            return None;
        }
        let scores: Vec<f64> = units.iter().filter_map(|u| u.scores.overall).collect();
        let score = (!scores.is_empty())
            .then(|| (scores.iter().sum::<f64>() / scores.len() as f64 * 10.0).round() / 10.0);
        let level = units
            .iter()
            .map(|u| u.level)
            .try_fold(Level::Gold, |low, l| l.map(|l| low.min(l)));
        Some(Rollup {
            score,
            level,
            units: units.len() as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scores;

    fn unit(name: &str, score: Option<f64>, level: Option<Level>) -> UnitReport {
        UnitReport {
            unit: Unit {
                name: name.into(),
                path: name.into(),
                kind: UnitKind::Library,
                kind_source: "test".into(),
                tier: None,
                owner: None,
            },
            scores: Scores {
                overall: score,
                areas: Default::default(),
            },
            level,
            required_level: None,
            checks: vec![],
        }
    }

    #[test]
    fn rollup_is_mean_score_and_lowest_level() {
        assert_eq!(
            Rollup::of(&[unit("a", Some(50.0), Some(Level::Gold))]),
            None
        );
        let r = Rollup::of(&[
            unit("a", Some(90.0), Some(Level::Gold)),
            unit("b", Some(60.0), Some(Level::Bronze)),
            unit("c", None, Some(Level::Silver)),
        ])
        .unwrap();
        assert_eq!(r.score, Some(75.0));
        assert_eq!(r.level, Some(Level::Bronze));
        assert_eq!(r.units, 3);
        let r = Rollup::of(&[
            unit("a", Some(90.0), Some(Level::Gold)),
            unit("b", Some(20.0), None),
        ])
        .unwrap();
        assert_eq!(r.level, None);
        assert_eq!(r.score, Some(55.0));
    }
}
