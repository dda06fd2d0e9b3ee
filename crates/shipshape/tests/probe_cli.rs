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
