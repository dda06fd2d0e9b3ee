//! `shipshape scan --changed-since REF` end to end: a temporary git repository with two
//! units (driven with the `git` command; skipped with a message where it is missing),
//! one of them changed, and the report judging only that one.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?} failed");
}

fn write(root: &Path, path: &str, content: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn catalog(name: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  owner: team-{name}\n  lifecycle: production\n"
    )
}

/// Two services, `svc-a` and `svc-b`, committed and tagged `base`; `None` without git.
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
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "# Two services\n");
    for name in ["svc-a", "svc-b"] {
        write(d, &format!("{name}/catalog-info.yaml"), &catalog(name));
        write(
            d,
            &format!("{name}/app.py"),
            "from fastapi import FastAPI\napp = FastAPI()\n",
        );
        write(
            d,
            &format!("{name}/pyproject.toml"),
            &format!("[project]\nname = \"{name}\"\ndependencies = [\"fastapi\"]\n"),
        );
    }
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "two services"]);
    git(d, &["tag", "base"]);
    Some(dir)
}

fn scan(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("shipshape")
        .unwrap()
        .args(["scan", "--quiet", "--no-secrets"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SHIPSHAPE_DB", "/nonexistent-shipshape-db")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, since: &str) -> Value {
    let (code, out, err) = scan(dir, &["--format", "json", "--changed-since", since]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"))
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|u| {
            u.get("unit")
                .unwrap_or(u)
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn only_the_unit_a_commit_touched_is_judged() {
    let Some(dir) = repo() else { return };
    let d = dir.path();
    // Without --changed-since both units are judged.
    let (_, full, err) = scan(d, &["--format", "json"]);
    let full: Value = serde_json::from_str(&full).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert_eq!(names(&full["units"]), ["svc-a", "svc-b"]);

    write(
        d,
        "svc-a/app.py",
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/healthz\")\ndef health():\n    return {}\n",
    );
    git(d, &["commit", "-qam", "svc-a: health route"]);
    let report = json(d, "base");
    assert_eq!(names(&report["units"]), ["svc-a"], "{report:#}");
    let changes = &report["changes"];
    assert_eq!(changes["since"], "base");
    assert_eq!(changes["changed_files"], 1);
    assert_eq!(changes["uncommitted_files"], 0);
    assert!(changes.get("repository_wide").is_none(), "{changes:#}");
    assert_eq!(names(&changes["judged"]), ["svc-a"]);
    assert_eq!(names(&changes["skipped"]), ["svc-b"]);
    assert!(
        changes["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no changed file belongs to it"),
        "{changes:#}"
    );
    // The unit judged is judged as fully as in the whole-repository scan.
    assert_eq!(
        report["units"][0]["checks"].as_array().unwrap().len(),
        full["units"][0]["checks"].as_array().unwrap().len()
    );

    // The terminal report says the same.
    let (_, text, _) = scan(d, &["--changed-since", "base"]);
    assert!(
        text.contains("Changes: 1 changed file since base"),
        "{text}"
    );
    assert!(
        text.contains("judged svc-a (svc-a): 1 changed file: svc-a/app.py"),
        "{text}"
    );
    assert!(
        text.contains("skipped svc-b (svc-b): no changed file belongs to it"),
        "{text}"
    );
}

#[test]
fn uncommitted_work_counts_and_a_root_file_judges_every_unit() {
    let Some(dir) = repo() else { return };
    let d = dir.path();
    // An untracked file in svc-b: work not yet committed is part of the change.
    write(d, "svc-b/worker.py", "print('hi')\n");
    let report = json(d, "base");
    assert_eq!(names(&report["units"]), ["svc-b"], "{report:#}");
    assert_eq!(report["changes"]["uncommitted_files"], 1);

    // A staged edit of a repository-level file judges both units, and says why.
    write(d, "README.md", "# Two services\n\nNow documented.\n");
    git(d, &["add", "README.md"]);
    let report = json(d, "base");
    assert_eq!(names(&report["units"]), ["svc-a", "svc-b"], "{report:#}");
    let why = report["changes"]["repository_wide"].as_str().unwrap();
    assert!(why.starts_with("README.md changed"), "{why}");
    assert_eq!(report["changes"]["skipped"], Value::Array(vec![]));
}

#[test]
fn nothing_changed_judges_nothing_and_the_gate_holds() {
    let Some(dir) = repo() else { return };
    let (code, text, err) = scan(
        dir.path(),
        &["--changed-since", "base", "--min-level", "gold"],
    );
    assert_eq!(code, 0, "{text}\n{err}");
    assert!(text.contains("The change touches no unit"), "{text}");
    assert!(text.contains("skipped svc-a"), "{text}");
}

#[test]
fn an_unknown_ref_is_a_usage_error_naming_it_and_the_fix() {
    let Some(dir) = repo() else { return };
    let (code, _, err) = scan(dir.path(), &["--changed-since", "origin/nope"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`origin/nope`"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn outside_a_git_repository_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# not a repo\n");
    let (code, _, err) = scan(dir.path(), &["--changed-since", "main"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a git repository"), "{err}");
}

#[test]
fn changed_since_refuses_upload() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = scan(
        dir.path(),
        &["--changed-since", "main", "--upload", "http://127.0.0.1:9"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--upload"), "{err}");
}

/// Regression: in a linked worktree (`git worktree add`) the work tree's `.git` is a
/// file, which the walk lists; it was counted as an untracked root file, so every
/// scan of a worktree judged every unit.
#[test]
fn a_linked_worktree_is_judged_like_a_clone() {
    let Some(dir) = repo() else { return };
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    git(
        dir.path(),
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            wt_path.to_str().unwrap(),
        ],
    );
    assert!(wt_path.join(".git").is_file());
    write(
        &wt_path,
        "svc-b/app.py",
        "from fastapi import FastAPI\napp = FastAPI()  # b\n",
    );
    git(&wt_path, &["commit", "-qam", "svc-b: comment"]);
    let report = json(&wt_path, "base");
    assert_eq!(names(&report["units"]), ["svc-b"], "{report:#}");
    assert!(
        report["changes"].get("repository_wide").is_none(),
        "{report:#}"
    );
    assert_eq!(report["changes"]["uncommitted_files"], 0);
}
