//! The fixture harness: for every fix, `fixtures/<name>/fail/` is a tree its check
//! fails (or warns) on and that the check passes once the fix is written to disk;
//! `fixtures/<name>/pass/` is a tree the fix leaves alone. Each tree is copied into a
//! fresh git repository (one commit by a known author) so that history-based fixes
//! have history, and the fix goes through [`crate::apply`] like `shipshape fix --write`.

use crate::testing::check;
use crate::{FixCtx, Inputs, registry};
use shipshape_facts::{Facts, WalkOptions};
use shipshape_model::{CheckResult, Outcome};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ann Dev")
        .env("GIT_AUTHOR_EMAIL", "ann@rocket-dev.io")
        .env("GIT_COMMITTER_NAME", "Ann Dev")
        .env("GIT_COMMITTER_EMAIL", "ann@rocket-dev.io")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository holding a copy of `fixture`, committed.
fn repo(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(fixture, dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "fixture"]);
    dir
}

fn verdict(id: &str, facts: &Facts) -> CheckResult {
    let c = check(id);
    let unit = shipshape_checks::testing::unit_for(facts);
    let ctx = shipshape_checks::Ctx::basic(facts, &unit);
    let v = (c.run)(&ctx);
    CheckResult {
        id: id.to_string(),
        scope: c.meta.scope,
        title: c.meta.title.to_string(),
        area: c.meta.area,
        severity: c.meta.severity,
        outcome: v.outcome,
        summary: v.summary,
        findings: v.findings,
        remediation: String::new(),
        waiver: None,
        baselined: false,
    }
}

/// Checks whose verdict a fix changes on purpose besides its own: `(fix, check)`.
/// Any other verdict that moves when a fix is written fails the harness.
const ALSO_CHANGES: &[(&str, &str)] = &[
    // A Dependabot or Renovate config also raises security-update pull requests, which
    // that check counts as vulnerability scanning.
    ("dependency-updates", "security/vuln-scan-in-ci"),
    // One hardened securityContext answers the four pod-hardening checks at once.
    ("k8s-security-context", "security/k8s-non-root"),
    (
        "k8s-security-context",
        "security/k8s-no-privilege-escalation",
    ),
    ("k8s-security-context", "security/k8s-read-only-root"),
    ("k8s-security-context", "security/k8s-capabilities-dropped"),
    // Probes on the code's routes are what that check compares.
    ("k8s-probes", "scalability/probe-paths-routed"),
    // A runbook is an operations document.
    ("runbook", "documentation/operations"),
    // The new links into the repository are what that check resolves.
    (
        "alert-runbook-urls",
        "incident-response/runbook-links-resolve",
    ),
    // A configured owner is what that check compares with CODEOWNERS; a declared
    // tier (2) makes on-call a requirement.
    ("service-metadata", "ownership/owners-consistent"),
    ("service-metadata", "ownership/oncall-defined"),
];

/// The outcome of every check of the catalog on `facts`.
fn outcomes(facts: &Facts) -> BTreeMap<&'static str, Outcome> {
    let unit = shipshape_checks::testing::unit_for(facts);
    let mut ctx = shipshape_checks::Ctx::basic(facts, &unit);
    ctx.now = shipshape_checks::testing::FIXTURE_NOW;
    shipshape_checks::registry()
        .iter()
        .map(|c| (c.meta.id, (c.run)(&ctx).outcome))
        .collect()
}

fn walk(dir: &Path) -> Facts {
    shipshape_facts::walk(dir, &WalkOptions::default()).unwrap()
}

fn fixes(def: &crate::FixDef, dir: &Path) -> (Outcome, Vec<crate::Fix>) {
    let facts = walk(dir);
    let result = verdict(def.check_id, &facts);
    let unit = shipshape_checks::testing::unit_for(&facts);
    let inputs = Inputs {
        authorship: Some(shipshape_facts::git::authorship(dir, 0)),
    };
    let ctx = FixCtx {
        facts: &facts,
        unit: &unit,
        units: std::slice::from_ref(&unit),
        result: &result,
        inputs: &inputs,
        now: shipshape_checks::testing::FIXTURE_NOW,
        notes: Default::default(),
    };
    let out = if matches!(result.outcome, Outcome::Fail | Outcome::Warn) {
        (def.generate)(&ctx)
    } else {
        Vec::new()
    };
    (result.outcome, out)
}

#[test]
fn every_fix_turns_its_fail_fixture_into_a_pass() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: fixture repositories need it");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for def in registry() {
        let fail = root.join(def.name).join("fail");
        let pass = root.join(def.name).join("pass");
        assert!(
            fail.is_dir() && pass.is_dir(),
            "{}: fixtures/{}/{{pass,fail}} missing",
            def.check_id,
            def.name
        );

        let dir = repo(&fail);
        let (before, found) = fixes(def, dir.path());
        assert!(
            matches!(before, Outcome::Fail | Outcome::Warn),
            "{}: fail fixture is {before:?}",
            def.name
        );
        assert!(
            !found.is_empty(),
            "{}: no fix for the fail fixture",
            def.name
        );
        let report_before = outcomes(&walk(dir.path()));
        let chosen: Vec<&crate::Fix> = found.iter().collect();
        let done = crate::apply(dir.path(), &chosen, false).unwrap();
        assert!(done.skipped.is_empty(), "{}: {:?}", def.name, done.skipped);
        let after = verdict(def.check_id, &walk(dir.path()));
        assert_eq!(
            after.outcome,
            Outcome::Pass,
            "{}: after the fix: {}",
            def.name,
            after.summary
        );
        // The rest of the report stays as it was, but for what the fix intends.
        let report_after = outcomes(&walk(dir.path()));
        let moved: Vec<String> = report_before
            .iter()
            .filter(|(id, o)| {
                **id != def.check_id
                    && report_after.get(*id) != Some(*o)
                    && !ALSO_CHANGES.contains(&(def.name, **id))
            })
            .map(|(id, o)| format!("{id}: {o:?} -> {:?}", report_after.get(id)))
            .collect();
        assert!(
            moved.is_empty(),
            "{}: the fix also moved {moved:?}",
            def.name
        );
        // A second run proposes nothing more.
        let (_, again) = fixes(def, dir.path());
        assert!(again.is_empty(), "{}: fixes again: {again:?}", def.name);

        let dir = repo(&pass);
        let (_, found) = fixes(def, dir.path());
        assert!(
            found.is_empty(),
            "{}: pass fixture got fixes {found:?}",
            def.name
        );
    }
}
