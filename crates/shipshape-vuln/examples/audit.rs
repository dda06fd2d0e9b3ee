//! Match one lockfile against an advisory store and print `package version advisory [kind]`
//! lines: the tool used to compare with cargo-audit (docs/accuracy-vuln.md).
//!
//! `cargo run -p shipshape-vuln --example audit -- <lockfile> <store-dir | OSV zip/JSON/dir>`

use shipshape_vuln::{AdvisoryDb, detect, now_unix, parse};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lockfile, db_path] = &args[..] else {
        eprintln!("usage: audit <lockfile> <store-dir | OSV zip, JSON file or directory>");
        return ExitCode::from(2);
    };
    let Some(kind) = detect(lockfile) else {
        eprintln!("{lockfile}: not a lockfile shipshape knows (see docs/vulnerabilities.md)");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(lockfile) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("could not read {lockfile}: {e}");
            return ExitCode::from(2);
        }
    };
    let lf = match parse(kind, lockfile, &text) {
        Ok(lf) => lf,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let db = match AdvisoryDb::load(Path::new(db_path)) {
        Ok(db) => db,
        Err(_) => {
            let mut db = AdvisoryDb::new();
            if let Err(e) = db.import_path(Path::new(db_path), now_unix()) {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
            db
        }
    };
    let mut lines: Vec<String> = db
        .matches_lockfile(&lf)
        .into_iter()
        .map(|m| {
            let kind = m
                .informational
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            format!(
                "{} {} {}{kind}",
                m.package.name, m.package.version, m.advisory_id
            )
        })
        .collect();
    lines.sort();
    for l in &lines {
        println!("{l}");
    }
    if lines.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
