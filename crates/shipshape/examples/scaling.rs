//! The scaling benchmark (#17; docs/performance.md, "Scaling with units"): generated
//! monorepos of N services of one shape, scanned in-process, reporting the time per
//! unit and where it went (the same phases as `scan --timings`).
//!
//! `cargo run --release -p shipshape --example scaling -- DIR [RUNS=3] [N...=10 100 1000]`
//!
//! Each monorepo is written once to `DIR/units-N` (kept for `rg` and `shipshape scan`
//! runs by hand). Times are printed, never asserted.

#[path = "../benches/support/monorepo.rs"]
mod monorepo;

use shipshape_engine::{Quiet, ScanOptions, Timings};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: scaling DIR [RUNS=3] [N...=10 100 1000]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let mut sizes: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![10, 100, 1000];
    }
    println!("| units | files | MB | best scan | per unit | walk | parse | checks |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut slowest: Vec<(usize, Timings)> = Vec::new();
    for n in sizes {
        let root = dir.join(format!("units-{n}"));
        let (files, bytes) = if root.join("go.work").exists() {
            count(&root)
        } else {
            monorepo::generate(&root, n).unwrap_or_else(|e| {
                eprintln!("scaling: {}: {e}", root.display());
                std::process::exit(1)
            })
        };
        let mut best: Option<(Duration, Timings, usize)> = None;
        for _ in 0..runs.max(1) {
            let opts = ScanOptions {
                root: root.clone(),
                vulns: Some(false),
                now: 1_795_651_200,
                ..ScanOptions::default()
            };
            let t = Instant::now();
            let out = shipshape_engine::scan(&opts, &Quiet).unwrap_or_else(|e| {
                eprintln!("scaling: scan of {}: {e}", root.display());
                std::process::exit(1)
            });
            let took = t.elapsed();
            let units = out.report.units.len();
            if best.as_ref().is_none_or(|b| took < b.0) {
                best = Some((took, out.timings, units));
            }
        }
        let (took, timings, units) = best.expect("at least one run");
        let phase = |prefix: &str| {
            timings
                .phases
                .iter()
                .filter(|p| p.0.starts_with(prefix))
                .map(|p| p.1)
                .sum::<Duration>()
        };
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {n} ({units} judged) | {files} | {:.1} | {:.0} ms | {:.2} ms | {:.0} ms | {:.0} ms | {:.0} ms |",
            bytes as f64 / 1e6,
            ms(took),
            ms(took) / units.max(1) as f64,
            ms(phase("walk")),
            ms(phase("parse")),
            ms(phase("checks")),
        );
        slowest.push((n, timings));
    }
    for (n, t) in slowest {
        let mut checks = t.checks.clone();
        checks.sort_by_key(|c| std::cmp::Reverse(c.1));
        let top: Vec<String> = checks
            .iter()
            .take(5)
            .map(|(id, d, _)| format!("{id} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect();
        println!(
            "\n{n} units, slowest checks (summed over units): {}",
            top.join(", ")
        );
    }
}

fn count(root: &std::path::Path) -> (usize, u64) {
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => {
                    files += 1;
                    bytes += m.len();
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}
