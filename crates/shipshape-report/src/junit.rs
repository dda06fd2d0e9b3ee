//! The JUnit XML reporter, for CI systems that show test reports: one test
//! suite per unit, one test case per check.
//!
//! Mapping: `fail` → `<failure>`, `error` → `<error>`, `n/a` and `waived` →
//! `<skipped>` with the reason, `warn` → passed with the warning in
//! `<system-out>`, `pass` → passed.

use crate::RenderError;
use crate::common::{fmt_score, level_name, one_line, waiver_text};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};
use shipshape_model::{CheckResult, Outcome, Report, UnitReport};
use std::time::Duration;

/// The findings and fix of a check as plain text, one finding per line.
fn details(check: &CheckResult) -> String {
    let mut lines = Vec::new();
    for f in &check.findings {
        match &f.location {
            Some(loc) => lines.push(format!("{loc}: {}", one_line(&f.message))),
            None => lines.push(one_line(&f.message)),
        }
    }
    // An error is about the run, not the software: a fix would mislead.
    if check.outcome != Outcome::Error && !check.remediation.is_empty() {
        lines.push(format!("Fix: {}", one_line(&check.remediation)));
    }
    lines.join("\n")
}

fn test_case(check: &CheckResult) -> TestCase {
    let status = match check.outcome {
        Outcome::Pass | Outcome::Warn => TestCaseStatus::success(),
        Outcome::Fail | Outcome::Error => {
            let kind = if check.outcome == Outcome::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(one_line(&check.summary));
            s.set_type(check.severity.as_str());
            let text = details(check);
            if !text.is_empty() {
                s.set_description(text);
            }
            s
        }
        Outcome::NotApplicable => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("not applicable: {}", one_line(&check.summary)));
            s
        }
        Outcome::Waived => {
            let mut s = TestCaseStatus::skipped();
            let why = check
                .waiver
                .as_ref()
                .map_or_else(|| "no waiver recorded".to_string(), waiver_text);
            s.set_message(format!("waived: {}", one_line(&why)));
            s.set_type("waived");
            s
        }
    };
    let mut case = TestCase::new(check.id.as_str(), status);
    case.set_classname(check.area.as_str());
    if check.outcome == Outcome::Warn {
        let mut out = format!("warning ({}): {}", check.severity, one_line(&check.summary));
        let text = details(check);
        if !text.is_empty() {
            out.push('\n');
            out.push_str(&text);
        }
        case.set_system_out(out);
    }
    case
}

fn test_suite(unit: &UnitReport) -> TestSuite {
    let mut suite = TestSuite::new(unit.unit.name.as_str());
    suite.add_property(Property::new("kind", unit.unit.kind.as_str()));
    suite.add_property(Property::new("path", unit.unit.path.as_str()));
    if let Some(tier) = unit.unit.tier {
        suite.add_property(Property::new("tier", tier.to_string()));
    }
    suite.add_property(Property::new("score", fmt_score(unit.scores.overall)));
    suite.add_property(Property::new("level", level_name(unit.level)));
    if let Some(req) = unit.required_level {
        suite.add_property(Property::new("required-level", req.as_str()));
    }
    suite.add_test_cases(unit.checks.iter().map(test_case));
    suite
}

/// Render the report as JUnit XML.
pub fn render_junit(report: &Report) -> Result<String, RenderError> {
    let mut junit =
        quick_junit::Report::new(format!("shipshape {} {}", report.command, report.target));
    junit.set_time(Duration::from_millis(report.stats.duration_ms));
    if let Ok(ts) = chrono::DateTime::parse_from_rfc3339(&report.generated_at) {
        junit.set_timestamp(ts);
    }
    junit.add_test_suites(report.units.iter().map(test_suite));
    let mut out = junit.to_string()?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}
