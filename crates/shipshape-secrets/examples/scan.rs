//! Scan a directory (or a git history) with the secrets engine, for measuring.
//!
//! `cargo run --release -p shipshape-secrets --example scan -- DIR [--json]` walks DIR in
//! parallel (hidden files included, ignore files not honoured, `.git` skipped) and prints
//! one line per match, or a JSON array with `--json`; a summary goes to stderr.
//! `--keywords` prints the prefilter keywords (one per line, for `rg -F -f`) and exits.
//! `--history` scans every blob reachable from any ref of the repository at DIR instead.

use ignore::{WalkBuilder, WalkState};
use shipshape_secrets::{Engine, SecretMatch, scan_history};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let engine = match Engine::new(&[], &[]) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.iter().any(|a| a == "--keywords") {
        for k in engine.keywords() {
            println!("{k}");
        }
        return ExitCode::SUCCESS;
    }
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: scan DIR [--json] [--history] | scan --keywords");
        return ExitCode::from(2);
    };
    let root = Path::new(dir);
    let started = Instant::now();

    if args.iter().any(|a| a == "--history") {
        let total = AtomicU64::new(0);
        let found = match scan_history(root, &engine, &|_, t| total.store(t, Ordering::Relaxed)) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let secs = started.elapsed().as_secs_f64();
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&found).unwrap_or_default()
            );
        } else {
            for m in &found {
                println!("{} {} {}", &m.commit[..12], m.author_date, m.secret);
            }
        }
        let blobs = total.load(Ordering::Relaxed);
        eprintln!(
            "history: {blobs} unique blobs, {} matches in {secs:.3} s ({:.0} blobs/s)",
            found.len(),
            blobs as f64 / secs
        );
        return ExitCode::SUCCESS;
    }

    let matches: Mutex<Vec<SecretMatch>> = Mutex::new(Vec::new());
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .parents(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel()
        .run(|| {
            let engine = &engine;
            let matches = &matches;
            let (files, bytes) = (&files, &bytes);
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                if entry.metadata().map(|m| m.len()).unwrap_or(0) > MAX_FILE_BYTES {
                    return WalkState::Continue;
                }
                let Ok(data) = std::fs::read(entry.path()) else {
                    return WalkState::Continue;
                };
                files.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                let found = engine.scan(&rel, &data);
                if !found.is_empty() {
                    matches.lock().map(|mut m| m.extend(found)).ok();
                }
                WalkState::Continue
            })
        });
    let secs = started.elapsed().as_secs_f64();
    let mut found = matches.into_inner().unwrap_or_default();
    found.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&found).unwrap_or_default()
        );
    } else {
        for m in &found {
            println!("{m}");
        }
    }
    let (files, bytes) = (files.into_inner(), bytes.into_inner());
    eprintln!(
        "scanned {files} files, {:.1} MB in {secs:.3} s ({:.1} MB/s), {} matches",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        found.len()
    );
    ExitCode::SUCCESS
}
