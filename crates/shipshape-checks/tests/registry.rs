//! Registry invariants and the fixture contract: every check has docs, a pass
//! fixture and a fail fixture, and gives the expected verdict on each.

use shipshape_checks::{registry, testing};
use shipshape_model::Outcome;
use std::collections::HashSet;
use std::path::Path;

/// Checks fed by scanners (secrets, vulnerabilities) are exercised end to end
/// by the engine's tests, which run the scanners on their fixtures.
const SCANNER_CHECKS: &[&str] = &[
    "security/no-committed-secrets",
    "security/no-secrets-in-history",
    "security/no-vulnerable-dependencies",
];

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for c in registry() {
        let m = &c.meta;
        assert!(seen.insert(m.id), "duplicate id {}", m.id);
        let (area, name) =
            m.id.split_once('/')
                .unwrap_or_else(|| panic!("{} is not area/name", m.id));
        assert_eq!(area, m.area.as_str(), "{} filed under the wrong area", m.id);
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            m.id
        );
    }
}

#[test]
fn every_check_is_documented() {
    for c in registry() {
        let m = &c.meta;
        for (field, text) in [
            ("title", m.title),
            ("applies_to", m.applies_to),
            ("rationale", m.rationale),
            ("evaluation", m.evaluation),
            ("remediation", m.remediation),
        ] {
            assert!(
                text.trim().len() >= 8,
                "{}: {field} is missing or too short",
                m.id
            );
        }
        assert!(
            m.evaluation.len() >= 60,
            "{}: evaluation must say what passes and fails",
            m.id
        );
    }
}

#[test]
fn every_check_has_pass_and_fail_fixtures_that_behave() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut problems = Vec::new();
    for c in registry() {
        if SCANNER_CHECKS.contains(&c.meta.id) {
            continue;
        }
        let dir = root.join(c.meta.id);
        for (case, ok) in [("pass", true), ("fail", false)] {
            let d = dir.join(case);
            if !d.is_dir() {
                problems.push(format!("{}: missing fixture {}", c.meta.id, d.display()));
                continue;
            }
            let v = testing::run_on_dir(c, &d);
            let good = if ok {
                v.outcome == Outcome::Pass
            } else {
                matches!(v.outcome, Outcome::Fail | Outcome::Warn)
            };
            if !good {
                problems.push(format!(
                    "{}: {case} fixture gave {} ({})",
                    c.meta.id, v.outcome, v.summary
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
}
