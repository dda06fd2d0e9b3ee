//! Run every check of the catalog on a directory and print one line per verdict
//! (and its findings): a quick way to review checks against real repositories.
//! Usage: `cargo run -p shipshape-checks --example run_catalog -- <dir> [area-or-id-prefix]`.

use shipshape_checks::{Ctx, registry, testing};
use shipshape_facts::WalkOptions;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: run_catalog <dir> [id-prefix]");
        std::process::exit(2);
    };
    let prefix = args.next().unwrap_or_default();
    let facts = match shipshape_facts::walk(&dir, &WalkOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    let unit = testing::unit_for(&facts);
    println!("unit kind: {} ({})", unit.kind, unit.kind_source);
    let mut ctx = Ctx::basic(&facts, &unit);
    ctx.now = testing::FIXTURE_NOW;
    for c in registry().iter().filter(|c| c.meta.id.starts_with(&prefix)) {
        if !c.meta.applies_to_kind(unit.kind) {
            println!("{:<45} n/a    (kind)", c.meta.id);
            continue;
        }
        let v = (c.run)(&ctx);
        println!("{:<45} {:<6} {}", c.meta.id, v.outcome.as_str(), v.summary);
        for f in v.findings.iter().take(4) {
            let loc = f
                .location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default();
            println!("    {loc} {}", f.message);
        }
    }
}
