//! Scores and levels: pure arithmetic over check results.
//!
//! Rules (from the catalog spec): a check's weight is its severity's weight;
//! an area's score is the weighted share of its scored checks that pass, where a
//! warning earns half its weight; `n/a`, `waived` and `error` neither earn nor
//! cost. Levels: bronze = every applicable critical check is satisfied, silver =
//! bronze + every high, gold = silver + every medium. A satisfied check is a
//! pass, warn, waived or n/a; an `error` satisfies nothing, since nothing was proven.

use crate::{Area, CheckResult, Outcome, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Readiness levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Bronze,
    Silver,
    Gold,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Bronze, Level::Silver, Level::Gold];
    const NAMES: &'static [&'static str] = &["bronze", "silver", "gold"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The least severe severity whose checks this level requires.
    pub fn requires(self) -> Severity {
        match self {
            Level::Bronze => Severity::Critical,
            Level::Silver => Severity::High,
            Level::Gold => Severity::Medium,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = crate::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == lower)
            .ok_or_else(|| crate::ParseError {
                what: "level",
                input: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

/// The level a service tier must reach by default: 1 → gold, 2 → silver, 3 → bronze.
pub fn level_for_tier(tier: u8) -> Option<Level> {
    match tier {
        1 => Some(Level::Gold),
        2 => Some(Level::Silver),
        3 => Some(Level::Bronze),
        _ => None,
    }
}

/// One area's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaScore {
    /// 0–100, or `None` when no scored check with a weight applies.
    pub score: Option<f64>,
    pub passed: u32,
    pub warned: u32,
    pub failed: u32,
    pub not_applicable: u32,
    pub waived: u32,
    pub errored: u32,
}

/// A unit's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// 0–100 over every scored check of the unit, or `None` when none applies.
    pub overall: Option<f64>,
    pub areas: BTreeMap<Area, AreaScore>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Score a unit's results and decide its level.
pub fn score_unit(results: &[CheckResult]) -> (Scores, Option<Level>) {
    let mut areas = BTreeMap::new();
    let (mut earned_all, mut possible_all) = (0.0, 0.0);
    for area in Area::ALL {
        let mut s = AreaScore {
            score: None,
            passed: 0,
            warned: 0,
            failed: 0,
            not_applicable: 0,
            waived: 0,
            errored: 0,
        };
        let (mut earned, mut possible) = (0.0, 0.0);
        let mut any = false;
        for r in results.iter().filter(|r| r.area == area) {
            any = true;
            let w = r.severity.weight();
            match r.outcome {
                Outcome::Pass => {
                    s.passed += 1;
                    earned += w;
                    possible += w;
                }
                Outcome::Warn => {
                    s.warned += 1;
                    earned += w / 2.0;
                    possible += w;
                }
                Outcome::Fail => {
                    s.failed += 1;
                    possible += w;
                }
                Outcome::NotApplicable => s.not_applicable += 1,
                Outcome::Waived => s.waived += 1,
                Outcome::Error => s.errored += 1,
            }
        }
        if possible > 0.0 {
            s.score = Some(round1(100.0 * earned / possible));
        }
        earned_all += earned;
        possible_all += possible;
        if any {
            areas.insert(area, s);
        }
    }
    let overall = (possible_all > 0.0).then(|| round1(100.0 * earned_all / possible_all));
    let level = Level::ALL.into_iter().rev().find(|level| {
        results
            .iter()
            .filter(|r| r.severity.at_least(level.requires()))
            .all(|r| r.outcome.satisfies_level())
    });
    (Scores { overall, areas }, level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(area: Area, severity: Severity, outcome: Outcome) -> CheckResult {
        CheckResult {
            scope: Default::default(),
            id: format!("{area}/x"),
            title: String::new(),
            area,
            severity,
            outcome,
            summary: String::new(),
            findings: vec![],
            remediation: String::new(),
            waiver: None,
            baselined: false,
        }
    }

    #[test]
    fn not_applicable_never_lowers_a_score() {
        let base = vec![r(Area::Security, Severity::High, Outcome::Pass)];
        let mut with_na = base.clone();
        with_na.push(r(
            Area::Security,
            Severity::Critical,
            Outcome::NotApplicable,
        ));
        assert_eq!(score_unit(&base).0, {
            let mut s = score_unit(&with_na).0;
            s.areas.get_mut(&Area::Security).unwrap().not_applicable = 0;
            s
        });
        assert_eq!(score_unit(&with_na).0.overall, Some(100.0));
    }

    #[test]
    fn weights_and_warn_half_credit() {
        let rs = vec![
            r(Area::Delivery, Severity::Critical, Outcome::Pass), // 10 of 10
            r(Area::Delivery, Severity::High, Outcome::Fail),     // 0 of 7.5
            r(Area::Delivery, Severity::Medium, Outcome::Warn),   // 2.5 of 5
            r(Area::Delivery, Severity::Info, Outcome::Fail),     // 0 of 0
        ];
        let (s, level) = score_unit(&rs);
        assert_eq!(s.areas[&Area::Delivery].score, Some(55.6)); // 12.5 / 22.5
        assert_eq!(level, Some(Level::Bronze));
    }

    #[test]
    fn levels_follow_severity_requirements() {
        let gold = vec![
            r(Area::Security, Severity::Critical, Outcome::Pass),
            r(Area::Security, Severity::High, Outcome::Waived),
            r(Area::Security, Severity::Medium, Outcome::Warn),
            r(Area::Security, Severity::Low, Outcome::Fail),
        ];
        assert_eq!(score_unit(&gold).1, Some(Level::Gold));
        let none = vec![r(Area::Security, Severity::Critical, Outcome::Error)];
        assert_eq!(score_unit(&none).1, None);
        let silver = vec![
            r(Area::Security, Severity::High, Outcome::Pass),
            r(Area::Security, Severity::Medium, Outcome::Fail),
        ];
        assert_eq!(score_unit(&silver).1, Some(Level::Silver));
    }

    #[test]
    fn tiers_map_to_levels() {
        assert_eq!(level_for_tier(1), Some(Level::Gold));
        assert_eq!(level_for_tier(3), Some(Level::Bronze));
        assert_eq!(level_for_tier(9), None);
    }
}
