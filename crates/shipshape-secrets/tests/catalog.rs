//! The rule catalog's own contract: enough formats, stable well-formed ids, and every
//! rule's true example found exactly (that secret, that rule) while its near miss is not.

use shipshape_secrets::Engine;
use shipshape_secrets::rules::{RULES, RuleClass};
use shipshape_secrets::synth::{Rng, expand};
use std::collections::HashSet;

#[test]
fn catalog_has_at_least_80_credential_formats() {
    let specific = RULES
        .iter()
        .filter(|r| r.class != RuleClass::Generic)
        .count();
    assert!(specific >= 80, "only {specific} specific rules");
}

#[test]
fn ids_are_unique_kebab_case_and_keywords_lowercase() {
    let mut ids = HashSet::new();
    for r in RULES {
        assert!(ids.insert(r.id), "duplicate id {}", r.id);
        assert!(
            r.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is not kebab-case",
            r.id
        );
        assert!(!r.keywords.is_empty(), "{} has no keywords", r.id);
        for k in r.keywords {
            assert_eq!(
                *k,
                k.to_ascii_lowercase(),
                "{}: keyword {k} not lowercase",
                r.id
            );
        }
        assert!(!r.description.is_empty());
    }
}

#[test]
fn every_true_example_matches_exactly_its_secret() {
    let engine = Engine::new(&[], &[]).expect("built-in rules compile");
    let mut failures = Vec::new();
    for (i, r) in RULES.iter().enumerate() {
        for seed in 0..8u64 {
            let mut rng = Rng::new(seed * 1000 + i as u64);
            let e = expand(r.example, &mut rng);
            let span = e
                .secret
                .clone()
                .unwrap_or_else(|| panic!("{}: example lacks «»", r.id));
            let found = engine.scan("example.txt", e.text.as_bytes());
            let ok = found.len() == 1
                && found[0].rule_id == r.id
                && found[0].start == span.start
                && found[0].end == span.end;
            if !ok {
                let got: Vec<_> = found
                    .iter()
                    .map(|m| format!("{} {}..{}", m.rule_id, m.start, m.end))
                    .collect();
                failures.push(format!(
                    "{} (seed {seed}): expected {}..{}, got {got:?} in {:?}",
                    r.id, span.start, span.end, e.text
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_near_miss_matches_its_rule() {
    let engine = Engine::new(&[], &[]).expect("built-in rules compile");
    let mut failures = Vec::new();
    for (i, r) in RULES.iter().enumerate() {
        for seed in 0..8u64 {
            let mut rng = Rng::new(seed * 7919 + i as u64);
            let text = expand(r.near_miss, &mut rng).text;
            let found = engine.scan("near-miss.txt", text.as_bytes());
            if found.iter().any(|m| m.rule_id == r.id) {
                failures.push(format!("{} (seed {seed}) matched its near miss", r.id));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
