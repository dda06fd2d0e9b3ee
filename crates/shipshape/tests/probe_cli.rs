//! `shipshape probe` argument hygiene: invalid values are refused with exit 2 and the
//! valid range, credentials in URLs never reach the terminal, and `--output` never
//! creates directories. None of these tests needs a running service.

use assert_cmd::Command;
use predicates::prelude::*;

fn shipshape() -> Command {
    let mut c = Command::cargo_bin("shipshape").unwrap();
    c.env("NO_COLOR", "1");
    c
}

#[test]
fn zero_load_values_are_refused_with_the_valid_range() {
    for (flag, value, range) in [
        ("--rate", "0", "1 to 2000"),
        ("--connections", "0", "1 to 256"),
        ("--duration", "0s", "1s to 60s"),
    ] {
        shipshape()
            .args(["probe", "http://127.0.0.1:9", "-q", "--load", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(range));
    }
}

#[test]
fn credentials_in_the_url_are_redacted_and_the_flags_named_exist() {
    shipshape()
        .args(["probe", "-q", "http://admin:hunter2@127.0.0.1:9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hunter2").not())
        .stderr(predicate::str::contains("--header-env"));
}

#[test]
fn output_never_creates_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    shipshape()
        .args(["probe", "-q", "http://127.0.0.1:9", "-f", "json", "-o"])
        .arg(missing.join("report.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    assert!(!missing.exists(), "--output created a directory");
}

#[test]
fn out_of_range_values_are_refused_with_the_valid_range() {
    for (args, range) in [
        (&["--load", "--rate", "5000"][..], "1 to 2000"),
        (&["--load", "--connections", "1000"][..], "1 to 256"),
        (&["--load", "--duration", "2m"][..], "1s to 60s"),
        (&["--max-duration", "0s"][..], "1s to 600s"),
        (&["--max-duration", "11m"][..], "1s to 600s"),
        (&["--timeout", "0s"][..], "at most 600s"),
        (&["--timeout", "20m"][..], "at most 600s"),
        (&["--max-metrics-bytes", "10"][..], "1024 to"),
        (&["--fail-under", "101"][..], "between 0 and 100"),
    ] {
        shipshape()
            .args(["probe", "http://127.0.0.1:9", "-q"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(range));
    }
}

#[test]
fn endpoints_on_another_host_or_with_unknown_methods_are_refused() {
    shipshape()
        .args(["probe", "http://127.0.0.1:9", "-q", "--endpoint"])
        .arg("POST https://other.example/api/items")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "POST https://other.example/api/items",
        ))
        .stderr(predicate::str::contains("write `POST /api/items`"));
    shipshape()
        .args([
            "probe",
            "http://127.0.0.1:9",
            "-q",
            "--endpoint",
            "FETCH /x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown method"));
}

#[test]
fn thresholds_are_parsed_strictly_and_need_load() {
    shipshape()
        .args([
            "probe",
            "http://127.0.0.1:9",
            "-q",
            "--threshold",
            "p95<300ms",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("thresholds need --load"));
    for bad in ["p90<300ms", "p95<300", "errors<1"] {
        shipshape()
            .args([
                "probe",
                "http://127.0.0.1:9",
                "-q",
                "--load",
                "--threshold",
                bad,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("valid forms"));
    }
}

#[test]
fn openapi_files_missing_or_malformed_are_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    shipshape()
        .args(["probe", "http://127.0.0.1:9", "-q", "--openapi"])
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.yaml: cannot read"));
    let json = dir.path().join("api.json");
    std::fs::write(&json, "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {,}\n}\n").unwrap();
    shipshape()
        .args(["probe", "http://127.0.0.1:9", "-q", "--openapi"])
        .arg(&json)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("api.json:3: not valid JSON"));
    let yaml = dir.path().join("api.yaml");
    std::fs::write(&yaml, "openapi: 3.0.3\npaths:\n  /a:\n    get: {\n  bad\n").unwrap();
    shipshape()
        .args(["probe", "http://127.0.0.1:9", "-q", "--openapi"])
        .arg(&yaml)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid YAML"))
        .stderr(predicate::str::contains("line 4"));
    let swagger = dir.path().join("swagger.yaml");
    std::fs::write(&swagger, "swagger: '2.0'\npaths: {}\n").unwrap();
    shipshape()
        .args(["probe", "http://127.0.0.1:9", "-q", "--openapi"])
        .arg(&swagger)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Swagger 2.0"));
}

#[test]
fn the_flags_named_in_messages_exist() {
    // The load refusal names --allow-load-non-loopback and the TLS checks --ca-file:
    // both spell the [probe] keys; the old spellings stay accepted.
    for flag in ["--allow-load-non-loopback", "--allow-load-remote"] {
        shipshape()
            .args(["probe", "http://127.0.0.1:9", "-q", flag, "--timeout", "0s"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("timeout"));
    }
    for flag in ["--ca-file", "--ca"] {
        shipshape()
            .args([
                "probe",
                "https://127.0.0.1:9",
                "-q",
                flag,
                "/nonexistent.pem",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("/nonexistent.pem"));
    }
}
