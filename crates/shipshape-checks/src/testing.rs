//! Test support: run one check on a fixture repository or on in-memory files.
//!
//! Fixture repositories live in `fixtures/<area>/<name>/{pass,fail}/`. A
//! fixture may carry a `shipshape.toml` whose `[service]` table sets `kind` and
//! `tier` (the only keys read here; the engine owns the full config).

use crate::{CheckDef, Ctx, Verdict, unit};
use shipshape_facts::{Facts, WalkOptions};
use shipshape_model::{EolData, Unit, UnitKind};
use std::path::Path;

/// 2026-11-26T00:00:00Z: the fixed "now" of fixture tests.
pub const FIXTURE_NOW: i64 = 1_795_651_200;

/// The end-of-life data every fixture run gets: `fixtures/eol.json`, what
/// `shipshape db import-eol` stores for the hand-written endoflife.date fixture in
/// `shipshape-vuln/fixtures/endoflife` (a test there keeps the two in step).
pub fn fixture_eol() -> &'static EolData {
    static DATA: std::sync::OnceLock<EolData> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../fixtures/eol.json"))
            .unwrap_or_else(|e| panic!("fixtures/eol.json: {e}"))
    })
}

/// Build the unit for a tree: `[service] kind/tier` from `shipshape.toml`, else detected.
pub fn unit_for(facts: &Facts) -> Unit {
    let (mut kind, mut source) = unit::detect_kind(facts, ".");
    let mut tier = None;
    let mut owner = None;
    if let Some(text) = facts.text("shipshape.toml")
        && let Ok(doc) = text.parse::<toml::Table>()
        && let Some(svc) = doc.get("service").and_then(|s| s.as_table())
    {
        if let Some(k) = svc
            .get("kind")
            .and_then(|k| k.as_str())
            .and_then(|k| k.parse::<UnitKind>().ok())
        {
            kind = k;
            source = "config".into();
        }
        tier = svc
            .get("tier")
            .and_then(|t| t.as_integer())
            .and_then(|t| u8::try_from(t).ok());
        owner = svc
            .get("owner")
            .and_then(|o| o.as_str())
            .map(str::to_string);
    }
    Unit {
        name: "fixture".into(),
        path: ".".into(),
        kind,
        kind_source: source,
        tier,
        owner,
    }
}

/// Walk a fixture directory and run one check on it.
pub fn run_on_dir(check: &CheckDef, dir: &Path) -> Verdict {
    let mut facts = shipshape_facts::walk(dir, &WalkOptions::default())
        .unwrap_or_else(|e| panic!("fixture {} cannot be walked: {e}", dir.display()));
    // A fixture lives inside this repository: the enclosing repository's git
    // metadata (tags, last commit) is not the fixture's. A fixture that is itself
    // a bare repository (HEAD, objects/, refs/ at its root, since `.git` cannot be
    // committed) keeps its own metadata.
    let own_repo = dir.join(".git").exists()
        || (dir.join("HEAD").is_file()
            && dir.join("objects").is_dir()
            && dir.join("refs").is_dir());
    if !own_repo {
        facts.git = None;
    }
    run_on_facts(check, &facts)
}

/// Run one check on in-memory files.
pub fn run_on_files(check: &CheckDef, files: &[(&str, &str)]) -> Verdict {
    run_on_facts(check, &Facts::from_memory(files))
}

fn run_on_facts(check: &CheckDef, facts: &Facts) -> Verdict {
    let unit = unit_for(facts);
    if !check.meta.applies_to_kind(unit.kind) {
        return Verdict::not_applicable(format!("applies to {}", check.meta.applies_to));
    }
    let mut ctx = Ctx::basic(facts, &unit);
    ctx.now = FIXTURE_NOW;
    ctx.eol = Some(fixture_eol());
    (check.run)(&ctx)
}

/// Run one check on in-memory files without end-of-life data (as before any
/// `shipshape db import-eol`).
pub fn run_without_eol(check: &CheckDef, files: &[(&str, &str)]) -> Verdict {
    let facts = Facts::from_memory(files);
    let unit = unit_for(&facts);
    let mut ctx = Ctx::basic(&facts, &unit);
    ctx.now = FIXTURE_NOW;
    (check.run)(&ctx)
}

/// Run one check for the service unit `name` at `path`, in a monorepo whose units sit at
/// `unit_paths` (files outside all of them belong to no unit).
pub fn run_in_monorepo(
    check: &CheckDef,
    files: &[(&str, &str)],
    (name, path): (&str, &str),
    unit_paths: &[String],
) -> Verdict {
    let facts = Facts::from_memory(files);
    let unit = Unit {
        name: name.into(),
        path: path.into(),
        kind: UnitKind::Service,
        kind_source: "test".into(),
        tier: None,
        owner: None,
    };
    let mut ctx = Ctx::basic(&facts, &unit);
    ctx.now = FIXTURE_NOW;
    ctx.eol = Some(fixture_eol());
    ctx.unit_paths = unit_paths;
    (check.run)(&ctx)
}
