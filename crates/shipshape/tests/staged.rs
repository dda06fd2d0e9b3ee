//! `shipshape secrets --staged` and `--since REV` end to end, in a temporary git
//! repository driven with the `git` command (skipped with a message where it is missing).

use assert_cmd::Command;
use std::path::Path;

/// An AWS access key id in the format the scanner reports wherever it is.
const KEY: &str = "aws_access_key_id = \"AKIAZ3MHQCRNR5RGYC7Q\"\n";

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?} failed");
}

fn repo() -> Option<tempfile::TempDir> {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: no `git` command on this machine");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("README.md"), "# demo\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "init"]);
    Some(dir)
}

fn secrets(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(["secrets", "--quiet", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn staged_secret_is_found_even_when_the_work_tree_no_longer_has_it() {
    let Some(dir) = repo() else { return };
    let d = dir.path();
    std::fs::write(d.join("settings.ini"), KEY).unwrap();
    git(d, &["add", "settings.ini"]);
    // Edited after `git add`: the commit would still hold the key.
    std::fs::write(d.join("settings.ini"), "aws_access_key_id = from-env\n").unwrap();
    let (code, json) = secrets(d, &["--staged"]);
    assert_eq!(code, 1, "{json}");
    assert!(json.contains("settings.ini"), "{json}");
    assert!(json.contains("\"line\": 1"), "{json}");
    assert!(json.contains("staged changes"), "{json}");
    // The plain work-tree scan does not see it.
    let (code, _) = secrets(d, &[]);
    assert_eq!(code, 0);
}

#[test]
fn unstaged_secret_in_the_work_tree_is_not_reported_by_staged() {
    let Some(dir) = repo() else { return };
    let d = dir.path();
    std::fs::write(d.join("local.env"), KEY).unwrap();
    std::fs::write(d.join("notes.txt"), "nothing here\n").unwrap();
    git(d, &["add", "notes.txt"]);
    let (code, json) = secrets(d, &["--staged"]);
    assert_eq!(code, 0, "{json}");
    assert!(!json.contains("local.env"), "{json}");
    // The work-tree scan does find it: --staged really read the index.
    let (code, json) = secrets(d, &[]);
    assert_eq!(code, 1, "{json}");
}

#[test]
fn since_scans_only_the_commits_after_rev() {
    let Some(dir) = repo() else { return };
    let d = dir.path();
    std::fs::write(d.join("old.ini"), KEY).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "old key"]);
    git(d, &["tag", "base"]);
    std::fs::write(d.join("new.txt"), "no secret\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "clean change"]);
    // The key came before `base`: not this range's doing.
    let (code, json) = secrets(d, &["--since", "base"]);
    assert_eq!(code, 0, "{json}");
    assert!(json.contains("base..HEAD"), "{json}");
    let (code, json) = secrets(d, &["--since", "HEAD~2"]);
    assert_eq!(code, 1, "{json}");
    assert!(json.contains("old.ini"), "{json}");
    // A revision that does not exist is a usage error naming it.
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(["secrets", "--quiet", "--since", "no-such-branch"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-branch`"));
}
