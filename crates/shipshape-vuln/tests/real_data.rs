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
