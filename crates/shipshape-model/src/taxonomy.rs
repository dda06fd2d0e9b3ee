//! Severities and areas: the two axes every check is filed under.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An unknown severity, area or kind name, with the accepted values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was being parsed ("severity", "area", ...).
    pub what: &'static str,
    /// The rejected input.
    pub input: String,
    /// The accepted spellings.
    pub expected: &'static [&'static str],
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}` (expected one of: {})",
            self.what,
            self.input,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for ParseError {}

/// How much a failing check matters. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
    const NAMES: &'static [&'static str] = &["critical", "high", "medium", "low", "info"];

    /// Scorecard-style weight used in scores: critical 10, high 7.5, medium 5, low 2.5, info 0.
    pub fn weight(self) -> f64 {
        match self {
            Severity::Critical => 10.0,
            Severity::High => 7.5,
            Severity::Medium => 5.0,
            Severity::Low => 2.5,
            Severity::Info => 0.0,
        }
    }

    /// The lowercase name used in configs and outputs.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// True when `self` is at least as severe as `other`.
    pub fn at_least(self, other: Severity) -> bool {
        self <= other
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == lower)
            .ok_or_else(|| ParseError {
                what: "severity",
                input: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

/// The nine areas of the production-readiness checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    Observability,
    Delivery,
    Rollback,
    Security,
    Ownership,
    IncidentResponse,
    Maintenance,
    Documentation,
    Scalability,
}

impl Area {
    /// Every area, in report order.
    pub const ALL: [Area; 9] = [
        Area::Observability,
        Area::Delivery,
        Area::Rollback,
        Area::Security,
        Area::Ownership,
        Area::IncidentResponse,
        Area::Maintenance,
        Area::Documentation,
        Area::Scalability,
    ];
    const NAMES: &'static [&'static str] = &[
        "observability",
        "delivery",
        "rollback",
        "security",
        "ownership",
        "incident-response",
        "maintenance",
        "documentation",
        "scalability",
    ];

    /// The id prefix, e.g. `incident-response`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// A human title, e.g. `Incident response`.
    pub fn title(self) -> &'static str {
        match self {
            Area::Observability => "Observability",
            Area::Delivery => "Delivery",
            Area::Rollback => "Rollback",
            Area::Security => "Security",
            Area::Ownership => "Ownership",
            Area::IncidentResponse => "Incident response",
            Area::Maintenance => "Maintenance",
            Area::Documentation => "Documentation",
            Area::Scalability => "Scalability",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Area {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == lower)
            .ok_or_else(|| ParseError {
                what: "area",
                input: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_round_trips_and_orders() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        }
        assert!(Severity::Critical.at_least(Severity::High));
        assert!(!Severity::Low.at_least(Severity::Medium));
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "severe".parse::<Severity>().unwrap_err().to_string();
        assert!(err.contains("critical, high, medium, low, info"), "{err}");
    }

    #[test]
    fn area_round_trips() {
        for a in Area::ALL {
            assert_eq!(a.as_str().parse::<Area>().unwrap(), a);
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
        }
    }
}
