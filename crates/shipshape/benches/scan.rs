//! Whole-scan throughput on a generated corpus (see docs/performance.md).
//!
//! The corpus is generated once into `$SHIPSHAPE_BENCH_CORPUS` (default
//! `target/bench-corpus`), sized by `$SHIPSHAPE_BENCH_FILES` (default 50,000) and
//! `$SHIPSHAPE_BENCH_MB` (default 520). Compare with the physical limit:
//! `rg -uuu --count zzqqzzqq DIR` reading the same bytes.

#[path = "support/corpus.rs"]
mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shipshape_engine::{Quiet, ScanOptions};
use std::path::PathBuf;
use std::time::Duration;

fn corpus_dir() -> (PathBuf, u64) {
    let dir = std::env::var_os("SHIPSHAPE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-corpus")
        });
    let files: usize = std::env::var("SHIPSHAPE_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let mb: u64 = std::env::var("SHIPSHAPE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(520);
    if !dir.join("README.md").exists() {
        corpus::generate(&dir, files, mb * 1024 * 1024).expect("corpus generation");
    }
    let bytes = walk_bytes(&dir);
    (dir, bytes)
}

fn walk_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let m = e.metadata().expect("metadata");
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

fn bench(c: &mut Criterion) {
    let (dir, bytes) = corpus_dir();
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(40));
    for (name, secrets) in [("checks_only", false), ("checks_and_secrets", true)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let opts = ScanOptions {
                    root: dir.clone(),
                    secrets: Some(secrets),
                    vulns: Some(false),
                    now: 1_795_651_200,
                    ..ScanOptions::default()
                };
                let out = shipshape_engine::scan(&opts, &Quiet).expect("scan");
                assert!(out.report.stats.files_seen > 0);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
