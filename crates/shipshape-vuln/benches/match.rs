//! Benchmarks: importing the three shared OSV archives, loading the saved store, and
//! matching 5,000 resolved packages across ecosystems. Needs `../shared/advisories`
//! (skips with a message when absent). Targets: import < 3 s, load < 300 ms, match < 200 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use shipshape_vuln::{AdvisoryDb, Ecosystem, Package};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const NOW: u64 = 1_790_000_000;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisories");
    dir.join("crates.io-all.zip").is_file().then_some(dir)
}

fn import_all(dir: &Path) -> AdvisoryDb {
    let mut db = AdvisoryDb::new();
    for f in ["crates.io-all.zip", "Go-all.zip", "PyPI-all.zip"] {
        db.import_path(&dir.join(f), NOW).expect("import");
    }
    db
}

/// 5,000 packages like a large monorepo's lockfiles: every distinct (ecosystem, name) with an
/// advisory in the real data (crates.io, Go, PyPI) once, at a spread of versions, topped up
/// with npm/Maven/NuGet names that have none.
fn packages(db: &AdvisoryDb) -> Vec<Package> {
    let versions = [
        "0.1.0",
        "1.0.0",
        "1.2.3",
        "2.0.0",
        "0.0.0-20200101000000-abcdefabcdef",
    ];
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut seen = std::collections::HashSet::new();
    'outer: for adv in db.advisories() {
        for aff in &adv.affected {
            if !seen.insert((aff.ecosystem, aff.name.clone())) {
                continue;
            }
            let version = match aff.ecosystem {
                Ecosystem::Go => format!("v{}", versions[i % versions.len()]),
                _ => versions[i % 4].to_string(),
            };
            out.push(Package {
                ecosystem: aff.ecosystem,
                name: aff.name.clone(),
                version,
                direct: Some(true),
                line: 1,
            });
            i += 1;
            if out.len() >= 4_000 {
                break 'outer;
            }
        }
    }
    let others = [
        (Ecosystem::Npm, "left-pad"),
        (Ecosystem::Maven, "g:a"),
        (Ecosystem::NuGet, "X.Y"),
    ];
    while out.len() < 5_000 {
        let (eco, name) = others[out.len() % 3];
        out.push(Package {
            ecosystem: eco,
            name: format!("{name}{}", out.len()),
            version: "1.0.0".into(),
            direct: None,
            line: 1,
        });
    }
    out
}

fn seen_count(pkgs: &[Package], db: &AdvisoryDb) -> usize {
    let names: std::collections::HashSet<(Ecosystem, &str)> = db
        .advisories()
        .iter()
        .flat_map(|a| a.affected.iter().map(|f| (f.ecosystem, f.name.as_str())))
        .collect();
    pkgs.iter()
        .filter(|p| names.contains(&(p.ecosystem, p.name.as_str())))
        .count()
}

fn benches(c: &mut Criterion) {
    let Some(dir) = shared() else {
        eprintln!("skipped: ../shared not found");
        return;
    };
    let mut g = c.benchmark_group("vuln");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("import_three_archives", |b| {
        b.iter(|| black_box(import_all(&dir)))
    });
    let db = import_all(&dir);
    let store = tempfile::tempdir().expect("tempdir");
    db.save(store.path()).expect("save");
    g.bench_function("load_store", |b| {
        b.iter(|| black_box(AdvisoryDb::load(store.path()).expect("load")))
    });
    let pkgs = packages(&db);
    let n = db.matches(&pkgs).len();
    eprintln!(
        "{} packages ({} with advisories) → {n} matches; store {} bytes",
        pkgs.len(),
        seen_count(&pkgs, &db),
        std::fs::metadata(store.path().join(shipshape_vuln::STORE_FILE)).map_or(0, |m| m.len())
    );
    g.bench_function("match_5000_packages", |b| {
        b.iter(|| black_box(db.matches(black_box(&pkgs))))
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
