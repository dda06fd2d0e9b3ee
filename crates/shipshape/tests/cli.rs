//! End-to-end tests: the real binary on repositories built in temporary directories.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
}

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").unwrap();
    c.env("NO_COLOR", "1")
        .env("SHIPSHAPE_DB", "/nonexistent-shipshape-db");
    c
}

fn json_report(dir: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let out = shipshape()
        .args(["scan", "--quiet", "--format", "json"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (v, code)
}

fn outcome(report: &serde_json::Value, id: &str) -> String {
    report["units"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))["outcome"]
        .as_str()
        .unwrap()
        .to_string()
}

const CI: &str = "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: cargo test\n";

#[test]
fn bare_repository_fails_the_gate() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("main.py", "print('hi')\n")]);
    let (r, code) = json_report(d.path(), &[]);
    assert_eq!(code, 1, "a bare repository does not reach bronze");
    assert_eq!(outcome(&r, "delivery/ci-present"), "fail");
    assert_eq!(outcome(&r, "documentation/readme"), "fail");
    assert_eq!(r["gate"]["passed"], false);
    assert!(
        r["gate"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("bronze required")
    );
}

#[test]
fn library_gets_na_for_service_checks() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"lib\"\nversion = \"1.0.0\"\n",
            ),
            ("src/lib.rs", "pub fn f() {}\n"),
            (".github/workflows/ci.yml", CI),
        ],
    );
    let (r, _) = json_report(d.path(), &[]);
    assert_eq!(r["units"][0]["unit"]["kind"], "library");
    for id in [
        "observability/health-endpoint",
        "observability/metrics-instrumented",
    ] {
        assert_eq!(outcome(&r, id), "n/a", "{id}");
    }
    assert_eq!(outcome(&r, "delivery/ci-runs-tests"), "pass");
}

#[test]
fn gate_options_change_the_exit_code() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("README.md", "# x\n## Install\nrun it\n## Usage\nuse it\n"),
            (".github/workflows/ci.yml", CI),
            ("src/lib.rs", "pub fn f() {}\n"),
        ],
    );
    shipshape()
        .args(["scan", "-q", "--min-level", "bronze"])
        .arg(d.path())
        .assert()
        .code(0);
    shipshape()
        .args(["scan", "-q", "--min-level", "gold"])
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("gold required"));
    shipshape()
        .args(["scan", "-q", "--fail-under", "99.9"])
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("below --fail-under"));
    shipshape()
        .args(["scan", "-q", "--fail-on", "high"])
        .arg(d.path())
        .assert()
        .code(1);
    shipshape()
        .args(["scan", "-q", "--fail-on", "critical"])
        .arg(d.path())
        .assert()
        .code(0);
    shipshape()
        .args(["scan", "-q", "--fail-under", "120"])
        .arg(d.path())
        .assert()
        .code(2);
    shipshape()
        .args(["scan", "-q", "--min-level", "platinum"])
        .arg(d.path())
        .assert()
        .code(2);
}

#[test]
fn waivers_apply_and_expired_ones_are_reported() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("README.md", "# x\n## Install\na\n## Usage\nb\n"),
            ("src/lib.rs", ""),
        ],
    );
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[[waiver]]\ncheck = \"delivery/ci-present\"\nreason = \"CI lives in the monorepo's pipeline\"\nowner = \"alice\"\nexpires = 2999-12-31\n",
        )],
    );
    let (r, code) = json_report(d.path(), &[]);
    assert_eq!(outcome(&r, "delivery/ci-present"), "waived");
    let c = r["units"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "delivery/ci-present")
        .unwrap()
        .clone();
    assert_eq!(c["waiver"]["reason"], "CI lives in the monorepo's pipeline");
    assert_eq!(c["waiver"]["original"], "fail");
    assert_eq!(code, 0, "the only critical failure is waived");

    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[[waiver]]\ncheck = \"delivery/ci-present\"\nreason = \"temporary\"\nexpires = 2020-01-31\n",
        )],
    );
    let (r, code) = json_report(d.path(), &[]);
    assert_eq!(outcome(&r, "delivery/ci-present"), "fail");
    assert_eq!(code, 1);
    let diags = r["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["code"] == "waiver-expired"
            && d["message"].as_str().unwrap().contains("2020-01-31")),
        "{diags:?}"
    );
}

#[test]
fn malformed_config_is_exit_2_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[("shipshape.toml", "[service]\nname = \"x\"\ntierr = 2\n")],
    );
    shipshape()
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("shipshape.toml:3").and(predicate::str::contains("tierr")),
        );
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[checks]\ndisable = [\"delivery/ci-presnt\"]\n",
        )],
    );
    shipshape()
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `delivery/ci-present`",
        ));
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[[waiver]]\ncheck = \"delivery/ci-present\"\nreason = \"r\"\nexpires = \"next year\"\n",
        )],
    );
    shipshape()
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM-DD"));
    shipshape()
        .args(["scan", "-q", "/nonexistent/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/dir"));
}

#[test]
fn baseline_fails_only_on_new_findings_and_survives_line_shifts() {
    let d = tempfile::tempdir().unwrap();
    let wf = "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n";
    write(
        d.path(),
        &[
            (".github/workflows/ci.yml", wf),
            ("README.md", "# x\n## Install\na\n## Usage\nb\n"),
        ],
    );
    let keep = tempfile::tempdir().unwrap();
    let base = keep.path().join("base.json");
    shipshape()
        .args(["scan", "-q", "--format", "json", "--output"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(predicate::in_iter([0, 1]));
    // Unrelated lines shift the old finding: still known.
    let shifted = format!("# comment\n# another\n{wf}");
    write(d.path(), &[(".github/workflows/ci.yml", &shifted)]);
    shipshape()
        .args(["scan", "-q", "--baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(0);
    // A new unpinned action is new.
    let worse = format!("{shifted}      - uses: actions/setup-node@v4\n");
    write(d.path(), &[(".github/workflows/ci.yml", &worse)]);
    shipshape()
        .args(["scan", "-q", "--baseline"])
        .arg(&base)
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("new failure"));
    shipshape()
        .args(["scan", "-q", "--baseline", "/nonexistent.json"])
        .arg(d.path())
        .assert()
        .code(2);
}

#[test]
fn secrets_are_found_and_never_printed_in_any_format() {
    let d = tempfile::tempdir().unwrap();
    let secret = "ghp_R8sT2vWq9LmN4bX7cY1zK3pA6dF0hJ5gE2uI";
    write(
        d.path(),
        &[(
            "config/settings.py",
            &format!("GITHUB_TOKEN = \"{secret}\"\n"),
        )],
    );
    for fmt in ["text", "json", "sarif", "markdown", "html", "junit"] {
        let out = shipshape()
            .args(["scan", "-q", "--format", fmt])
            .arg(d.path())
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(secret), "{fmt} output leaks the secret");
        assert!(
            !all.contains(&secret[8..]),
            "{fmt} output leaks most of the secret"
        );
        assert!(all.contains("settings.py"), "{fmt} output names the file");
    }
    let (r, _) = json_report(d.path(), &[]);
    assert_eq!(outcome(&r, "security/no-committed-secrets"), "fail");
    shipshape()
        .args(["secrets", "-q"])
        .arg(d.path())
        .assert()
        .code(1);
    // A baseline silences known findings.
    shipshape()
        .args(["secrets", "baseline"])
        .arg(d.path())
        .assert()
        .code(0);
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[secrets]\nbaseline = \".shipshape/secrets-baseline.json\"\n",
        )],
    );
    let base = fs::read_to_string(d.path().join(".shipshape/secrets-baseline.json")).unwrap();
    assert!(
        !base.contains(&secret[4..]),
        "the baseline must not hold the secret"
    );
    shipshape()
        .args(["secrets", "-q"])
        .arg(d.path())
        .assert()
        .code(0);
}

#[test]
fn secret_samples_in_tests_warn_and_strict_makes_them_fail() {
    let d = tempfile::tempdir().unwrap();
    // A generic password in test code: a sample, reported as a warning.
    write(
        d.path(),
        &[(
            "tests/test_login.py",
            "def test_login(client):\n    password = \"Zq8vN3kR7tLp2XwB\"\n",
        )],
    );
    let (r, _) = json_report(d.path(), &[]);
    assert_eq!(outcome(&r, "security/no-committed-secrets"), "warn");
    let out = shipshape()
        .args(["secrets", "-q", "--format", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tests/test_login.py"), "the sample is listed");
    assert!(!text.contains("Zq8vN3kR7tLp2XwB"), "and redacted");
    shipshape()
        .args(["secrets", "-q", "--strict"])
        .arg(d.path())
        .assert()
        .code(1);
    // The same value in shipped code fails.
    write(
        d.path(),
        &[("app/login.py", "password = \"Zq8vN3kR7tLp2XwB\"\n")],
    );
    shipshape()
        .args(["secrets", "-q"])
        .arg(d.path())
        .assert()
        .code(1);
    // A path waiver over the shipped one leaves the sample: a warning, not a failure.
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[[waiver]]\ncheck = \"security/no-committed-secrets\"\npath = \"app/**\"\nreason = \"revoked demo credential\"\nexpires = 2999-12-31\n",
        )],
    );
    let (r, _) = json_report(d.path(), &[]);
    assert_eq!(outcome(&r, "security/no-committed-secrets"), "warn");
    shipshape()
        .args(["secrets", "-q"])
        .arg(d.path())
        .assert()
        .code(0);
}

#[test]
fn checks_and_explain() {
    shipshape()
        .arg("checks")
        .assert()
        .success()
        .stdout(predicate::str::contains("delivery/ci-present"));
    shipshape()
        .args(["checks", "--area", "security", "--json"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("security/no-committed-secrets")
                .and(predicate::str::contains("delivery/").not()),
        );
    shipshape()
        .args(["explain", "delivery/ci-present"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("How it is evaluated")
                .and(predicate::str::contains("How to fix it")),
        );
    shipshape()
        .args(["explain", "delivery/ci-presnt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn init_writes_a_valid_config() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[("package.json", "{\"dependencies\":{\"express\":\"4\"}}")],
    );
    shipshape().arg("init").arg(d.path()).assert().success();
    let text = fs::read_to_string(d.path().join("shipshape.toml")).unwrap();
    assert!(text.contains("kind = \"service\""));
    shipshape()
        .arg("init")
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    shipshape()
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(predicate::in_iter([0, 1]));
}

#[test]
fn outputs_go_to_files_by_extension() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("README.md", "# x\n")]);
    let out = tempfile::tempdir().unwrap();
    shipshape()
        .args(["scan", "-q", "--output"])
        .arg(out.path().join("r.sarif"))
        .args(["--output"])
        .arg(out.path().join("r.md"))
        .arg(d.path())
        .assert()
        .code(predicate::in_iter([0, 1]));
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("r.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        fs::read_to_string(out.path().join("r.md"))
            .unwrap()
            .contains("|")
    );
    shipshape()
        .args(["scan", "-q", "--format", "json", "--format", "sarif"])
        .arg(d.path())
        .assert()
        .code(2);
}

#[test]
fn vulnerable_dependencies_from_an_imported_database() {
    let d = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    // Modelled on RUSTSEC-2021-0003 (smallvec buffer overflow in insert_many).
    let osv = r#"{"id":"RUSTSEC-2021-0003","modified":"2021-02-01T00:00:00Z","aliases":["CVE-2021-25900","GHSA-43w2-9j62-hq99"],"summary":"Buffer overflow in SmallVec::insert_many","affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.6.3"},{"fixed":"0.6.14"},{"introduced":"1.0.0"},{"fixed":"1.6.1"}]}]}]}"#;
    write(db.path(), &[("import/RUSTSEC-2021-0003.json", osv)]);
    shipshape()
        .args(["db", "import"])
        .arg(db.path().join("import"))
        .arg("--db")
        .arg(db.path().join("store"))
        .assert()
        .success();
    shipshape()
        .args(["db", "status", "--db"])
        .arg(db.path().join("store"))
        .assert()
        .success()
        .stdout(predicate::str::contains("crates.io"));
    let lock = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"smallvec\"]\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    write(
        d.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nsmallvec = \"1\"\n",
            ),
            ("Cargo.lock", lock),
        ],
    );
    shipshape()
        .args(["audit", "-q", "--db"])
        .arg(db.path().join("store"))
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("RUSTSEC-2021-0003")
                .and(predicate::str::contains("1.6.1"))
                .and(predicate::str::contains("Cargo.lock:9")),
        );
    shipshape()
        .args(["audit", "-q", "--db", "/nonexistent-db"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("db import"));
    shipshape()
        .args(["deps"])
        .arg(d.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("smallvec"));
}

/// `db import-eol` on the hand-written endoflife.date fixture, then scans: an
/// end-of-life base image fails `maintenance/no-deprecated-base-images`, a supported one
/// passes, and without the data the check is `n/a` and says how to get it.
#[test]
fn end_of_life_base_images_from_imported_data() {
    let db = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shipshape-vuln/fixtures/endoflife");
    shipshape()
        .args(["db", "import-eol"])
        .arg(&fixture)
        .arg("--db")
        .arg(db.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("6 product(s)"));
    shipshape()
        .args(["db", "status", "--db"])
        .arg(db.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("end-of-life data: 6 products"));
    let json = shipshape()
        .args(["db", "status", "--json", "--db"])
        .arg(db.path())
        .output()
        .unwrap();
    let st: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(st["eol"]["products"], 6, "{st}");
    let check = "maintenance/no-deprecated-base-images";
    let scan = |image: &str, with_db: bool| {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                ("Dockerfile", &format!("FROM {image}\nUSER 10001\n")),
                ("app.py", "print('hi')\n"),
            ],
        );
        let mut c = shipshape();
        c.env("SOURCE_DATE_EPOCH", "1795651200");
        if with_db {
            c.env("SHIPSHAPE_DB", db.path());
        }
        let out = c
            .args(["scan", "--quiet", "--format", "json", "--check", check])
            .arg(d.path())
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        let r = v["units"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == check)
            .unwrap()
            .clone();
        (r["outcome"].as_str().unwrap().to_string(), r.to_string())
    };
    let (outcome, result) = scan("python:3.8", true);
    assert_eq!(outcome, "fail", "{result}");
    assert!(
        result.contains("python 3.8 ended on 2024-10-07"),
        "{result}"
    );
    assert_eq!(scan("docker.io/library/python:3.8-slim", true).0, "fail");
    assert_eq!(scan("python:3.13", true).0, "pass");
    assert_eq!(scan("golang:1", true).0, "pass");
    // Data imported long before the scan still counts, with a warning.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("Dockerfile", "FROM python:3.8\n")]);
    let out = shipshape()
        .env("SHIPSHAPE_DB", db.path())
        .env("SOURCE_DATE_EPOCH", "4102444800")
        .args(["scan", "--quiet", "--format", "json", "--check", check])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.to_string().contains("eol-data-stale"), "{v}");
    let (outcome, result) = scan("python:3.8", false);
    assert_eq!(outcome, "n/a", "{result}");
    assert!(result.contains("db import-eol"), "{result}");
    // Bad input names the file and changes nothing.
    let bad = tempfile::tempdir().unwrap();
    write(
        bad.path(),
        &[(
            "products/python.md",
            "---\nreleases:\n  - releaseCycle: \"3.9\"\n    eol: someday\n---\n",
        )],
    );
    shipshape()
        .args(["db", "import-eol"])
        .arg(bad.path())
        .arg("--db")
        .arg(db.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("python.md"));
    assert_eq!(scan("python:3.8", true).0, "fail");
}

/// `shipshape checks --json | head -1`: the reader closes the pipe early. The output
/// (over 100 KB) is larger than a pipe's buffer, so the write fails whenever the read end
/// is dropped: no panic, no error message, the status a shell gives SIGPIPE.
#[test]
fn a_closed_pipe_stops_quietly() {
    let exe = assert_cmd::cargo::cargo_bin("shipshape");
    for args in [&["checks", "--json"][..], &["checks"][..]] {
        let mut child = std::process::Command::new(&exe)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The plain listing may fit in the pipe before the read end is gone: then it
        // succeeds. Either way nothing is reported as an error.
        assert!(
            matches!(out.status.code(), Some(141) | Some(0)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        if args.len() == 2 {
            assert_eq!(out.status.code(), Some(141), "{args:?}");
        }
    }
}

/// The ecosystem check scans pinned commits: with `SOURCE_DATE_EPOCH` a report's
/// clock is fixed (the report's time, waiver expiry), and a value that is not a
/// number is a clear usage error instead of being ignored.
#[test]
fn source_date_epoch_fixes_the_clock_and_bad_values_are_exit_2() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("src/lib.rs", "pub fn f() {}\n"),
            (
                "shipshape.toml",
                "[[waiver]]\ncheck = \"delivery/ci-present\"\nreason = \"r\"\nexpires = \"2030-01-01\"\n",
            ),
        ],
    );
    let run = |epoch: &str| {
        let out = shipshape()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["scan", "--quiet", "--format", "json"])
            .arg(d.path())
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // 2001-09-09T01:46:40Z: the waiver is in force.
    let before = run("1000000000");
    assert_eq!(before["generated_at"], "2001-09-09T01:46:40Z");
    assert_eq!(outcome(&before, "delivery/ci-present"), "waived");
    // 2033-05-18: the same waiver has expired.
    let after = run("2000000000");
    assert_ne!(outcome(&after, "delivery/ci-present"), "waived");
    shipshape()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("SOURCE_DATE_EPOCH")
                .and(predicate::str::contains("yesterday")),
        );
}

/// `shipshape paths` shows each file's role and why; `[paths]` in shipshape.toml moves
/// a file to another role and the scan follows it: a credential in `qa/` fails the
/// critical secrets check until `[paths] test = ["qa/**"]` makes it a test sample
/// (which warns). A bad glob is a config error naming the file and the pattern.
#[test]
fn paths_lists_roles_and_config_overrides_them() {
    let d = tempfile::tempdir().unwrap();
    let secret = "client_secret = \"q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\"\n";
    write(
        d.path(),
        &[
            ("src/lib.rs", "pub fn f() {}\n"),
            ("tests/it.rs", "#[test] fn t() {}\n"),
            ("hack/dev.sh", "echo dev\n"),
            ("qa/settings.py", secret),
        ],
    );
    let out = shipshape().arg("paths").arg(d.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("test         tests/it.rs  (test directory"),
        "{text}"
    );
    assert!(text.contains("dev-tooling  hack/dev.sh"), "{text}");
    assert!(
        text.contains("production   qa/settings.py  (default)"),
        "{text}"
    );
    let (v, _) = json_report(d.path(), &[]);
    assert_eq!(outcome(&v, "security/no-committed-secrets"), "fail");

    write(
        d.path(),
        &[("shipshape.toml", "[paths]\ntest = [\"qa/**\"]\n")],
    );
    let out = shipshape()
        .args(["paths", "--json", "--role", "test"])
        .arg(d.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["qa/settings.py", "tests/it.rs"]);
    assert!(
        v["files"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("[paths] test = \"qa/**\"")
    );
    let (v, _) = json_report(d.path(), &[]);
    assert_eq!(outcome(&v, "security/no-committed-secrets"), "warn");

    write(
        d.path(),
        &[("shipshape.toml", "[paths]\ntest = [\"qa/[\"]\n")],
    );
    shipshape()
        .args(["scan", "-q"])
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shipshape.toml").and(predicate::str::contains("qa/[")));
}

// #17: `scan --timings` says where the time went on standard error and leaves the
// report on standard output as it is without the flag.
#[test]
fn timings_go_to_standard_error_and_leave_the_report_alone() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("main.py", "print('hi')\n")]);
    let out = shipshape()
        .args(["scan", "--quiet", "--format", "json", "--timings"])
        .arg(d.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for phase in [
        "walk (read, classify",
        "checks",
        "render and write",
        "total",
    ] {
        assert!(err.contains(phase), "no {phase} in: {err}");
    }
    assert!(err.contains("slowest checks of 72"), "{err}");
    let with: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (without, _) = json_report(d.path(), &[]);
    assert_eq!(with["units"], without["units"]);
    let quiet = shipshape()
        .args(["scan", "--quiet", "--format", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("timings"));
}
