//! Import the real OSV archives in `../shared/advisories` (crates.io, Go, PyPI) and match
//! known-vulnerable lockfiles against them. Skips with a message when the data is absent.

use shipshape_vuln::{AdvisoryDb, LockfileKind, VulnMatch, parse};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const NOW: u64 = 1_790_000_000; // 2026-09-21, a fixed clock for the tests

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisories");
    if dir.join("crates.io-all.zip").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: ../shared not found ({} is missing)",
            dir.display()
        );
        None
    }
}

/// The three archives imported once for all tests in this file.
fn db() -> Option<&'static AdvisoryDb> {
    static DB: OnceLock<Option<AdvisoryDb>> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = shared()?;
        let mut db = AdvisoryDb::new();
        for (file, records) in [
            ("crates.io-all.zip", 1206),
            ("Go-all.zip", 4291),
            ("PyPI-all.zip", 2661),
        ] {
            let stats = db.import_path(&dir.join(file), NOW).expect("import");
            eprintln!(
                "{file}: {stats:?}",
                stats = (
                    stats.files,
                    stats.imported,
                    stats.withdrawn,
                    stats.unsupported,
                    stats.unparsable.len()
                )
            );
            assert_eq!(stats.files, records, "{file}: every record is a zip entry");
            assert!(
                stats.unparsable.is_empty(),
                "{file}: unparsable records: {:?}",
                stats.unparsable
            );
            assert_eq!(
                stats.imported + stats.withdrawn + stats.unsupported,
                records,
                "{file}"
            );
        }
        Some(db)
    })
    .as_ref()
}

fn ids(matches: &[VulnMatch]) -> Vec<&str> {
    let mut v: Vec<&str> = matches.iter().map(|m| m.advisory_id.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn import_counts_status_and_round_trip() {
    let Some(db) = db() else { return };
    let status = db.status(NOW + 3 * 86_400);
    let count = |name: &str| {
        status
            .ecosystems
            .iter()
            .find(|e| e.ecosystem.osv_name() == name)
            .map(|e| e.records)
    };
    // Withdrawn records are not stored: crates.io 13, Go 17, PyPI 10 of the archives' records.
    assert_eq!(count("crates.io"), Some(1206 - 13));
    assert_eq!(count("Go"), Some(4291 - 17));
    assert_eq!(count("PyPI"), Some(2661 - 10));
    assert_eq!(status.total, 1193 + 4274 + 2651);
    assert!((status.age_days - 3.0).abs() < 1e-9);
    assert!(!db.is_stale(7, NOW + 3 * 86_400));
    assert!(db.is_stale(2, NOW + 3 * 86_400));

    let tmp = tempfile::tempdir().unwrap();
    db.save(tmp.path()).unwrap();
    let loaded = AdvisoryDb::load(tmp.path()).unwrap();
    assert_eq!(loaded.len(), db.len());
    assert_eq!(loaded.status(NOW), db.status(NOW));
    assert_eq!(loaded.get("RUSTSEC-2021-0003"), db.get("RUSTSEC-2021-0003"));
}

#[test]
fn cargo_lock_smallvec_matches_rustsec_2021_0003() {
    let Some(db) = db() else { return };
    let text = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"smallvec\"]\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    let lf = parse(LockfileKind::CargoLock, "Cargo.lock", text).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(ids(&m), ["RUSTSEC-2021-0003"]);
    let hit = &m[0];
    assert_eq!(hit.fixed.as_deref(), Some("1.6.1"));
    assert_eq!(hit.lockfile_path, "Cargo.lock");
    assert_eq!(hit.package.line, 9);
    assert!(hit.aliases.iter().any(|a| a == "CVE-2021-25900"));
    let sev = hit.severity.as_ref().unwrap();
    assert_eq!(sev.base_score, Some(9.8));
    assert_eq!(sev.label, shipshape_model::Severity::Critical);
    // The fixed version itself is not affected.
    let fixed = text.replace("1.6.0", "1.6.1");
    let lf = parse(LockfileKind::CargoLock, "Cargo.lock", &fixed).unwrap();
    assert!(db.matches_lockfile(&lf).is_empty());
}

#[test]
fn requirements_django_and_jinja2_match_pypi_advisories() {
    let Some(db) = db() else { return };
    let text = "django==3.2.0 \\\n    --hash=sha256:0000\nJinja2==2.10 ; python_version >= \"3\"\nflask>=2\n";
    let lf = parse(LockfileKind::Requirements, "requirements.txt", text).unwrap();
    assert_eq!(lf.unpinned.len(), 1);
    let m = db.matches_lockfile(&lf);
    let django: Vec<&VulnMatch> = m.iter().filter(|x| x.package.name == "django").collect();
    let jinja: Vec<&str> = m
        .iter()
        .filter(|x| x.package.name == "Jinja2")
        .map(|x| x.advisory_id.as_str())
        .collect();
    // PYSEC-2021-98 (CVE-2021-33203, fixed in 3.2.4) is one of Django 3.2.0's advisories.
    assert!(
        django.iter().any(|x| x.advisory_id == "PYSEC-2021-98"),
        "{:?}",
        ids(&m)
    );
    assert!(
        django.len() >= 20,
        "django 3.2.0 has {} advisories",
        django.len()
    );
    // PYSEC-2019-217 (CVE-2019-10906, sandbox escape, fixed in 2.10.1) and PYSEC-2021-66 (ReDoS, fixed 2.11.3).
    assert!(
        jinja.contains(&"PYSEC-2019-217") && jinja.contains(&"PYSEC-2021-66"),
        "{jinja:?}"
    );
    let j = m
        .iter()
        .find(|x| x.advisory_id == "PYSEC-2019-217")
        .unwrap();
    assert_eq!(j.fixed.as_deref(), Some("2.10.1"));
    assert_eq!(j.package.line, 3);
}

#[test]
fn go_mod_old_x_net_matches_go_ids() {
    let Some(db) = db() else { return };
    let text = "module example.com/app\n\ngo 1.20\n\nrequire (\n\tgolang.org/x/net v0.0.0-20180724234803-3673e40ba225\n\tgolang.org/x/text v0.3.0 // indirect\n)\n";
    let lf = parse(LockfileKind::GoMod, "go.mod", text).unwrap();
    let m = db.matches_lockfile(&lf);
    let got = ids(&m);
    // GO-2022-0192 (fixed in 0.0.0-20180925071336-cf3bd585ca2a) and GO-2020-0014.
    assert!(
        got.contains(&"GO-2022-0192") && got.contains(&"GO-2020-0014"),
        "{got:?}"
    );
    assert!(got.iter().all(|id| id.starts_with("GO-")));
    assert!(
        m.iter()
            .any(|x| x.package.name == "golang.org/x/text" && x.package.direct == Some(false))
    );
    // An up-to-date x/net matches nothing of those two.
    let new = text.replace("v0.0.0-20180724234803-3673e40ba225", "v0.38.0");
    let lf = parse(LockfileKind::GoMod, "go.mod", &new).unwrap();
    let got = db.matches_lockfile(&lf);
    assert!(!ids(&got).contains(&"GO-2022-0192"));
}

/// A Cargo.lock of old, known-vulnerable crate versions against the expected advisory sets.
/// Expected sets were computed by an independent script over the raw OSV records and each id
/// checked by hand against its RustSec page (see docs/accuracy-vuln.md); `(kind)` marks
/// informational advisories (unsound / unmaintained), which cargo-audit reports as warnings.
#[test]
fn old_cargo_lock_matches_hand_verified_set() {
    let Some(db) = db() else { return };
    let expected: &[(&str, &str, &[&str])] = &[
        ("smallvec", "1.6.0", &["RUSTSEC-2021-0003"]),
        ("time", "0.1.43", &["RUSTSEC-2020-0071"]),
        ("chrono", "0.4.19", &["RUSTSEC-2020-0159"]),
        (
            "tokio",
            "1.8.0",
            &[
                "RUSTSEC-2021-0072",
                "RUSTSEC-2021-0124",
                "RUSTSEC-2023-0001",
                "RUSTSEC-2023-0005(unsound)",
                "RUSTSEC-2025-0023(unsound)",
            ],
        ),
        (
            "hyper",
            "0.14.9",
            &[
                "RUSTSEC-2021-0078",
                "RUSTSEC-2021-0079",
                "RUSTSEC-2022-0022(unsound)",
            ],
        ),
        ("regex", "1.5.4", &["RUSTSEC-2022-0013"]),
        (
            "openssl",
            "0.10.38",
            &[
                "RUSTSEC-2023-0022",
                "RUSTSEC-2023-0023",
                "RUSTSEC-2023-0024",
                "RUSTSEC-2023-0044",
                "RUSTSEC-2023-0072(unsound)",
                "RUSTSEC-2024-0357",
                "RUSTSEC-2025-0004",
            ],
        ),
        (
            "h2",
            "0.3.15",
            &[
                "RUSTSEC-2023-0034",
                "RUSTSEC-2024-0003",
                "RUSTSEC-2024-0332",
                "RUSTSEC-2026-0258",
            ],
        ),
        ("rustls", "0.20.7", &["RUSTSEC-2024-0336"]),
        ("serde", "1.0.100", &[]),
        ("crossbeam-utils", "0.8.6", &["RUSTSEC-2022-0041(unsound)"]),
        ("thread_local", "1.1.3", &["RUSTSEC-2022-0006"]),
        (
            "atty",
            "0.2.14",
            &[
                "RUSTSEC-2021-0145(unsound)",
                "RUSTSEC-2024-0375(unmaintained)",
            ],
        ),
    ];
    let mut text = String::from("version = 3\n");
    for (name, version, _) in expected {
        text.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    let lf = parse(LockfileKind::CargoLock, "Cargo.lock", &text).unwrap();
    let m = db.matches_lockfile(&lf);
    let (mut tp, mut fp, mut fneg) = (0, 0, 0);
    for (name, _, want) in expected {
        let mut got: Vec<String> = m
            .iter()
            .filter(|x| x.package.name == *name)
            .map(|x| match &x.informational {
                Some(k) => format!("{}({k})", x.advisory_id),
                None => x.advisory_id.clone(),
            })
            .collect();
        got.sort();
        tp += got.iter().filter(|g| want.contains(&g.as_str())).count();
        fp += got.iter().filter(|g| !want.contains(&g.as_str())).count();
        fneg += want
            .iter()
            .filter(|w| !got.contains(&w.to_string()))
            .count();
        assert_eq!(got, *want, "{name}");
    }
    eprintln!(
        "hand-verified Cargo.lock: {tp} true positives, {fp} false positives, {fneg} false negatives"
    );
}
