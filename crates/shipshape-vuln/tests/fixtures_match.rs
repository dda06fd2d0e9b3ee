//! Matching against small fixture OSV records for the ecosystems the shared data lacks
//! (npm, Maven, RubyGems, Packagist, NuGet), modelled on the real advisories whose ids they
//! carry; plus OSV event semantics (`last_affected`, `limit`, `versions`, withdrawn) and the
//! store's import paths (file, directory, zip) and error messages.

use shipshape_model::Severity;
use shipshape_vuln::{AdvisoryDb, Ecosystem, LockfileKind, Package, StoreError, parse};
use std::io::Write;
use std::path::Path;

const NOW: u64 = 1_790_000_000;

fn fixture_db() -> AdvisoryDb {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    let mut db = AdvisoryDb::new();
    let stats = db.import_path(&dir, NOW).unwrap();
    assert_eq!(
        (stats.files, stats.imported, stats.withdrawn),
        (3, 6, 1),
        "{stats:?}"
    );
    db
}

fn pkg(eco: Ecosystem, name: &str, version: &str) -> Package {
    Package {
        ecosystem: eco,
        name: name.into(),
        version: version.into(),
        direct: None,
        line: 1,
    }
}

fn hit_ids(db: &AdvisoryDb, p: Package) -> Vec<String> {
    db.matches(&[p])
        .into_iter()
        .map(|m| m.advisory_id)
        .collect()
}

#[test]
fn npm_lodash_and_minimist() {
    let db = fixture_db();
    // GHSA-p6mc-m468-83gw: lodash >= 3.7.0, < 4.17.19.
    let text = r#"{"lockfileVersion": 3, "packages": {
        "": {"dependencies": {"lodash": "^4"}},
        "node_modules/lodash": {"version": "4.17.15"},
        "node_modules/minimist": {"version": "1.2.0"},
        "node_modules/mkdirp/node_modules/minimist": {"version": "0.0.8"}
    }}"#;
    let lf = parse(LockfileKind::PackageLockJson, "package-lock.json", text).unwrap();
    let m = db.matches_lockfile(&lf);
    let got: Vec<(&str, &str, Option<&str>)> = m
        .iter()
        .map(|x| {
            (
                x.package.name.as_str(),
                x.advisory_id.as_str(),
                x.fixed.as_deref(),
            )
        })
        .collect();
    // GHSA-35jh-r3h4-6jhm is withdrawn in the fixture and must not match.
    assert_eq!(
        got,
        vec![
            ("lodash", "GHSA-p6mc-m468-83gw", Some("4.17.19")),
            ("minimist", "GHSA-vh95-rmgr-6w4m", Some("1.2.3")),
            ("minimist", "GHSA-vh95-rmgr-6w4m", Some("0.2.1")),
        ]
    );
    let sev = m[0].severity.as_ref().unwrap();
    assert_eq!((sev.base_score, sev.label), (Some(7.4), Severity::High));
    // Label only (database_specific.severity).
    let sev = m[1].severity.as_ref().unwrap();
    assert_eq!((sev.base_score, sev.label), (None, Severity::Medium));
    assert!(hit_ids(&db, pkg(Ecosystem::Npm, "lodash", "3.6.9")).is_empty());
    assert!(hit_ids(&db, pkg(Ecosystem::Npm, "lodash", "4.17.19")).is_empty());
    assert!(hit_ids(&db, pkg(Ecosystem::Npm, "minimist", "0.2.1")).is_empty());
}

#[test]
fn maven_log4shell() {
    let db = fixture_db();
    // GHSA-jfh8-c2jp-5v3q: log4j-core >= 2.0-beta9, < 2.12.2 and >= 2.13.0, < 2.15.0.
    let text = "<project><dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.14.1</version></dependency></dependencies></project>";
    let lf = parse(LockfileKind::MavenPom, "pom.xml", text).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].advisory_id, "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(m[0].fixed.as_deref(), Some("2.15.0"));
    assert_eq!(m[0].severity.as_ref().unwrap().base_score, Some(10.0));
    let g = |v: &str| {
        hit_ids(
            &db,
            pkg(Ecosystem::Maven, "Org.Apache.Logging.Log4j:Log4j-Core", v),
        )
    };
    assert_eq!(g("2.0-beta9"), ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(g("2.0-rc1"), ["GHSA-jfh8-c2jp-5v3q"]);
    assert!(g("2.0-beta8").is_empty());
    assert!(g("2.12.2").is_empty());
    assert!(g("2.15.0").is_empty());
    assert_eq!(g("2.11.0"), ["GHSA-jfh8-c2jp-5v3q"]);
    let lock = "org.apache.logging.log4j:log4j-core:2.12.1=runtimeClasspath\n";
    let lf = parse(LockfileKind::GradleLockfile, "gradle.lockfile", lock).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(m[0].fixed.as_deref(), Some("2.12.2"));
}

#[test]
fn rubygems_rack_four_part_versions() {
    let db = fixture_db();
    // GHSA-wq4h-7r42-5hrr: rack < 2.0.9.1, 2.1.0–2.1.4.1, 2.2.0–2.2.3.1.
    let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.3)\n\nDEPENDENCIES\n  rack\n";
    let lf = parse(LockfileKind::GemfileLock, "Gemfile.lock", text).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(m[0].advisory_id, "GHSA-wq4h-7r42-5hrr");
    assert_eq!(m[0].fixed.as_deref(), Some("2.2.3.1"));
    assert_eq!(m[0].severity.as_ref().unwrap().label, Severity::Critical);
    assert!(hit_ids(&db, pkg(Ecosystem::RubyGems, "rack", "2.2.3.1")).is_empty());
    assert!(hit_ids(&db, pkg(Ecosystem::RubyGems, "rack", "2.0.9.1")).is_empty());
    // 2.2.0.rc1 is a pre-release of 2.2.0: above 2.1.4.1, below 2.2.0, so in no range.
    assert!(hit_ids(&db, pkg(Ecosystem::RubyGems, "rack", "2.2.0.rc1")).is_empty());
    assert_eq!(
        hit_ids(&db, pkg(Ecosystem::RubyGems, "rack", "2.0.9")),
        ["GHSA-wq4h-7r42-5hrr"]
    );
}

#[test]
fn packagist_guzzle_and_nuget_newtonsoft() {
    let db = fixture_db();
    // GHSA-w248-ffj2-4v5q: guzzlehttp/guzzle < 6.5.6 and 7.0.0–7.4.3.
    let text =
        r#"{"packages": [{"name": "guzzlehttp/guzzle", "version": "7.4.2"}], "packages-dev": []}"#;
    let lf = parse(LockfileKind::ComposerLock, "composer.lock", text).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(
        (m[0].advisory_id.as_str(), m[0].fixed.as_deref()),
        ("GHSA-w248-ffj2-4v5q", Some("7.4.3"))
    );
    assert!(
        hit_ids(
            &db,
            pkg(Ecosystem::Packagist, "GuzzleHttp/Guzzle", "v6.5.5")
        )
        .len()
            == 1
    );
    assert!(hit_ids(&db, pkg(Ecosystem::Packagist, "guzzlehttp/guzzle", "6.5.6")).is_empty());
    // GHSA-5crp-9r3c-p9vr: Newtonsoft.Json < 13.0.1 (names are case-insensitive in NuGet).
    let text = r#"{"version": 1, "dependencies": {"net6.0": {"newtonsoft.json": {"type": "Direct", "resolved": "12.0.3"}}}}"#;
    let lf = parse(LockfileKind::NuGetPackagesLock, "packages.lock.json", text).unwrap();
    let m = db.matches_lockfile(&lf);
    assert_eq!(
        (m[0].advisory_id.as_str(), m[0].fixed.as_deref()),
        ("GHSA-5crp-9r3c-p9vr", Some("13.0.1"))
    );
    assert_eq!(m[0].package.direct, Some(true));
    assert!(hit_ids(&db, pkg(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1")).is_empty());
}

fn one(record: &str) -> AdvisoryDb {
    let mut db = AdvisoryDb::new();
    let stats = db.import_json("inline.json", record.as_bytes(), NOW);
    assert_eq!(stats.imported, 1, "{stats:?}");
    db
}

#[test]
fn last_affected_limit_and_versions_semantics() {
    let db = one(
        r#"{"id": "T-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "Some_Pkg"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}]}],
        "versions": ["0.9"]}]}"#,
    );
    let h = |v: &str| hit_ids(&db, pkg(Ecosystem::PyPI, "some.pkg", v)).len();
    assert_eq!(
        (
            h("0.8"),
            h("0.9"),
            h("1.0"),
            h("1.4"),
            h("1.4.post1"),
            h("1.5")
        ),
        (0, 1, 1, 1, 0, 0)
    );
    let db = one(
        r#"{"id": "T-2", "affected": [{"package": {"ecosystem": "crates.io", "name": "x"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "2.0.0"}]}]}]}"#,
    );
    let h = |v: &str| hit_ids(&db, pkg(Ecosystem::CratesIo, "x", v)).len();
    assert_eq!(
        (h("0.1.0"), h("1.9.9"), h("2.0.0"), h("3.0.0")),
        (1, 1, 0, 0)
    );
    // An unparsable installed version matches only an exact `versions` entry.
    let db = one(
        r#"{"id": "T-3", "affected": [{"package": {"ecosystem": "PyPI", "name": "y"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}], "versions": ["weird-1"]}]}"#,
    );
    assert_eq!(hit_ids(&db, pkg(Ecosystem::PyPI, "y", "weird-1")), ["T-3"]);
    assert!(hit_ids(&db, pkg(Ecosystem::PyPI, "y", "weird-2")).is_empty());
    assert_eq!(hit_ids(&db, pkg(Ecosystem::PyPI, "y", "5.0")), ["T-3"]);
}

#[test]
fn zip_import_bad_input_and_missing_store() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("GHSA-wq4h-7r42-5hrr.json", opts).unwrap();
        w.write_all(include_bytes!("fixtures/osv/npm.json"))
            .unwrap();
        w.start_file("broken.json", opts).unwrap();
        w.write_all(b"{not json").unwrap();
        w.finish().unwrap();
    }
    let mut db = AdvisoryDb::new();
    let stats = db.import_zip("x.zip", buf.get_ref(), NOW).unwrap();
    assert_eq!(
        (
            stats.files,
            stats.imported,
            stats.withdrawn,
            stats.unparsable.len()
        ),
        (2, 2, 1, 1)
    );
    assert!(stats.unparsable[0].0.ends_with("broken.json"));
    let err = db
        .import_zip("bad.zip", b"PK\x03\x04garbage", NOW)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bad.zip: not a readable zip archive"),
        "{err}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let err = AdvisoryDb::load(tmp.path()).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }));
    assert!(
        err.to_string().contains("shipshape db import FILE"),
        "{err}"
    );
    std::fs::write(tmp.path().join(shipshape_vuln::STORE_FILE), b"{}").unwrap();
    let err = AdvisoryDb::load(tmp.path()).unwrap_err();
    assert!(err.to_string().contains("delete it and re-import"), "{err}");
    assert!(AdvisoryDb::new().is_stale(30, NOW));
}

#[cfg(feature = "online")]
#[test]
fn update_fails_fast_with_instructions_when_unreachable() {
    // Tests may only use loopback: a closed local port stands in for "offline" (the same
    // connect-error path as a machine with no route to the OSV bucket).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let base = format!("http://127.0.0.1:{port}");
    let err =
        shipshape_vuln::update_from(&base, tmp.path(), &[Ecosystem::CratesIo], NOW).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("could not reach {base}/crates.io/all.zip: ")),
        "{msg}"
    );
    assert!(
        msg.ends_with("download the archive elsewhere and run `shipshape db import FILE`"),
        "{msg}"
    );
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
    assert!(
        AdvisoryDb::load(tmp.path()).is_err(),
        "nothing saved on failure"
    );
}

#[cfg(feature = "online")]
#[test]
fn update_downloads_imports_and_saves_from_a_loopback_server() {
    use std::io::{BufRead, BufReader};
    let mut zip_bytes = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zip_bytes);
        w.start_file(
            "GHSA-5crp-9r3c-p9vr.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(include_bytes!("fixtures/osv/nested/others.json"))
            .unwrap();
        w.finish().unwrap();
    }
    let body = zip_bytes.into_inner();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut request_line = String::new();
        let mut r = BufReader::new(s.try_clone().unwrap());
        r.read_line(&mut request_line).unwrap();
        loop {
            let mut l = String::new();
            if r.read_line(&mut l).unwrap() == 0 || l == "\r\n" {
                break;
            }
        }
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(&body).unwrap();
        request_line
    });
    let tmp = tempfile::tempdir().unwrap();
    let out = shipshape_vuln::update_from(
        &format!("http://{addr}"),
        tmp.path(),
        &[Ecosystem::NuGet],
        NOW,
    )
    .unwrap();
    assert_eq!(
        server.join().unwrap().trim_end(),
        "GET /NuGet/all.zip HTTP/1.1"
    );
    assert_eq!((out[0].0, out[0].1.imported), (Ecosystem::NuGet, 3));
    let db = AdvisoryDb::load(tmp.path()).unwrap();
    assert!(db.get("GHSA-5crp-9r3c-p9vr").is_some());
}

/// Run by hand (`cargo test -p shipshape-vuln -- --ignored`): the real bucket, to see how
/// fast `update` fails on an offline machine. Not run by default: tests stay on loopback.
#[cfg(feature = "online")]
#[test]
#[ignore = "touches the network"]
fn update_against_the_real_bucket() {
    let tmp = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let r = shipshape_vuln::update(tmp.path(), &[Ecosystem::CratesIo], NOW);
    eprintln!(
        "update took {:?}: {:?}",
        start.elapsed(),
        r.as_ref().map(|v| v.len()).map_err(|e| e.to_string())
    );
}
