//! History scanning on a repository built with the git CLI: a secret added in one commit
//! and deleted in a later one is found, attributed to the commit that added it.

use shipshape_secrets::synth::{Rng, expand};
use shipshape_secrets::{Engine, scan_history};
use std::cell::Cell;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn finds_a_deleted_secret_at_the_commit_that_added_it() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git CLI not found");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let token = expand("ghp_{an:36}", &mut Rng::new(99)).text;
    git(
        d,
        &["init", "-q", "-b", "main"],
        "2024-01-01T10:00:00+00:00",
    );
    std::fs::write(d.join("README.md"), "# demo\n").expect("write");
    git(d, &["add", "."], "2024-01-01T10:00:00+00:00");
    git(
        d,
        &["commit", "-q", "-m", "initial"],
        "2024-01-01T10:00:00+00:00",
    );

    std::fs::create_dir_all(d.join("config")).expect("mkdir");
    std::fs::write(
        d.join("config/app.env"),
        format!("PORT=8080\nGITHUB_TOKEN={token}\n"),
    )
    .expect("write");
    git(d, &["add", "."], "2024-02-03T04:05:06+01:00");
    git(
        d,
        &["commit", "-q", "-m", "add config"],
        "2024-02-03T04:05:06+01:00",
    );
    let added = git(d, &["rev-parse", "HEAD"], "2024-02-03T04:05:06+01:00");

    // Edit the file (a second blob still holding the secret), then delete the secret.
    std::fs::write(
        d.join("config/app.env"),
        format!("PORT=9090\nGITHUB_TOKEN={token}\n"),
    )
    .expect("write");
    git(
        d,
        &["commit", "-q", "-am", "change port"],
        "2024-02-04T00:00:00+00:00",
    );
    std::fs::write(d.join("config/app.env"), "PORT=9090\n").expect("write");
    git(
        d,
        &["commit", "-q", "-am", "remove token"],
        "2024-03-01T00:00:00+00:00",
    );
    // A side branch adds a second secret that never reached main.
    git(
        d,
        &["checkout", "-q", "-b", "side"],
        "2024-03-02T00:00:00+00:00",
    );
    let stripe = expand("sk_live_{an:32}", &mut Rng::new(100)).text;
    std::fs::write(d.join("pay.py"), format!("STRIPE = \"{stripe}\"\n")).expect("write");
    git(d, &["add", "."], "2024-03-02T00:00:00+00:00");
    git(
        d,
        &["commit", "-q", "-m", "side"],
        "2024-03-02T00:00:00+00:00",
    );
    let side = git(d, &["rev-parse", "HEAD"], "2024-03-02T00:00:00+00:00");
    git(d, &["checkout", "-q", "main"], "2024-03-02T00:00:00+00:00");
    std::fs::remove_file(d.join("config/app.env")).ok();

    let engine = Engine::new(&[], &[]).expect("rules compile");
    let calls = Cell::new(0u64);
    let last = Cell::new((0u64, 0u64));
    let found = scan_history(d, &engine, &|done, total| {
        calls.set(calls.get() + 1);
        last.set((done, total));
    })
    .expect("history scans");

    assert_eq!(found.len(), 2, "{found:#?}");
    let gh = found
        .iter()
        .find(|m| m.secret.rule_id == "github-pat")
        .expect("github token found");
    assert_eq!(gh.commit, added);
    assert_eq!(gh.secret.path, "config/app.env");
    assert_eq!(gh.secret.line, 2);
    assert_eq!(gh.author_date, "2024-02-03T04:05:06+01:00");
    let st = found
        .iter()
        .find(|m| m.secret.rule_id == "stripe-secret-key")
        .expect("side branch scanned");
    assert_eq!(st.commit, side);
    assert_eq!(st.secret.path, "pay.py");
    // README, two versions of app.env with the secret, the final app.env, pay.py.
    assert_eq!(last.get(), (5, 5));
    assert!(calls.get() >= 2);
    let json = serde_json::to_string(&found).expect("serialises");
    assert!(!json.contains(&token) && !json.contains(&stripe));
}

#[test]
fn a_directory_that_is_not_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = Engine::new(&[], &[]).expect("rules compile");
    let err = scan_history(dir.path(), &engine, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a git repository"), "{err}");
}
