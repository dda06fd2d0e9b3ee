//! End-to-end tests of `shipshape fix`: a dry run prints diffs and changes nothing,
//! `--write` writes the safe fixes, and a following `scan` passes the fixed checks.

use assert_cmd::Command;
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

/// `shipshape fix --quiet ARGS ROOT`, which must exit 0 (its stderr shown if not).
fn fix_ok(root: &Path, args: &[&str]) -> std::process::Output {
    let out = shipshape()
        .args(["fix", "--quiet"])
        .args(args)
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ann Dev")
        .env("GIT_AUTHOR_EMAIL", "4242+ann-dev@users.noreply.github.com")
        .env("GIT_COMMITTER_NAME", "Ann Dev")
        .env(
            "GIT_COMMITTER_EMAIL",
            "4242+ann-dev@users.noreply.github.com",
        )
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A small service repository, committed; `None` when git is not installed.
fn repo() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "README.md",
                "# rocket\n\nA small service.\n\n## Security\n\nReport security issues to security@rocket-dev.io, never in public issues.\n",
            ),
            (
                "Cargo.toml",
                "[package]\nname = \"rocket\"\nversion = \"0.1.0\"\n",
            ),
            ("src/main.rs", "fn main() {}\n"),
            (
                ".github/workflows/ci.yml",
                "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n",
            ),
        ],
    );
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "start"],
    ] {
        if !git(dir.path(), args) {
            eprintln!("git is not available: skipping");
            return None;
        }
    }
    Some(dir)
}

fn outcome(dir: &Path, id: &str) -> String {
    let out = shipshape()
        .args([
            "scan",
            "--quiet",
            "--no-secrets",
            "--format",
            "json",
            "--check",
            id,
        ])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["units"][0]["checks"][0]["outcome"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn dry_run_then_write_then_scan_passes() {
    let Some(dir) = repo() else { return };
    let root = dir.path();
    assert_eq!(outcome(root, "security/policy-present"), "fail");
    assert_eq!(outcome(root, "ownership/codeowners"), "fail");

    let out = fix_ok(root, &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("security/policy-present [safe]"), "{text}");
    assert!(text.contains("why: fail: no security policy"), "{text}");
    assert!(text.contains("+++ b/SECURITY.md"), "{text}");
    assert!(
        text.contains("+Please report it privately by e-mail to **security@rocket-dev.io**")
            || text.contains("security@rocket-dev.io"),
        "{text}"
    );
    assert!(text.contains("+++ b/.github/CODEOWNERS"), "{text}");
    assert!(
        text.contains("+* @ann-dev"),
        "the noreply address gives the handle: {text}"
    );
    assert!(text.contains("dry run: nothing written"), "{text}");
    assert!(
        !root.join("SECURITY.md").exists(),
        "a dry run writes nothing"
    );
    assert!(!root.join(".github/CODEOWNERS").exists());

    let out = shipshape()
        .args([
            "fix",
            "--quiet",
            "--format",
            "json",
            "--check",
            "security/policy-present",
        ])
        .arg(root)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes = v["fixes"].as_array().unwrap();
    assert_eq!(fixes.len(), 1, "{v}");
    assert_eq!(fixes[0]["check_id"], "security/policy-present");
    assert_eq!(fixes[0]["applicability"], "safe");
    assert_eq!(fixes[0]["edits"][0]["kind"], "create");
    assert!(
        fixes[0]["diff"]
            .as_str()
            .unwrap()
            .starts_with("diff --git a/SECURITY.md")
    );

    let out = fix_ok(root, &["--write"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("wrote SECURITY.md"), "{text}");
    assert!(text.contains("wrote .github/CODEOWNERS"), "{text}");
    assert!(text.contains("rescan: security/policy-present"), "{text}");
    assert!(text.contains("fail → pass"), "{text}");
    assert_eq!(outcome(root, "security/policy-present"), "pass");
    assert_eq!(outcome(root, "ownership/codeowners"), "pass");

    // Nothing left to do for these checks.
    let out = shipshape()
        .args(["fix", "--quiet", "--check", "security/policy-present"])
        .arg(root)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to fix"));
}

#[test]
fn unknown_check_and_unit_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = shipshape()
        .args(["fix", "--quiet", "--check", "security/nope"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no fix exists for check `security/nope`"),
        "{err}"
    );
    assert!(err.contains("security/policy-present"), "{err}");
    let out = shipshape()
        .args(["fix", "--quiet", "--unit", "ghost"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no unit named `ghost`"));
    // --unsafe means nothing without --write.
    let out = shipshape()
        .args(["fix", "--unsafe"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_dirty_work_tree_is_refused_without_allow_dirty() {
    let Some(dir) = repo() else { return };
    let root = dir.path();
    // Ignored files are not changes; an untracked file and a modified one are, though no
    // fix touches them.
    write(root, &[(".gitignore", "target/\n")]);
    assert!(git(root, &["add", ".gitignore"]));
    assert!(git(root, &["commit", "-q", "-m", "ignore target"]));
    write(
        root,
        &[
            ("target/debug/rocket", "binary"),
            ("notes.txt", "todo\n"),
            ("src/main.rs", "fn main() { println!(\"hi\"); }\n"),
        ],
    );
    let out = shipshape()
        .args([
            "fix",
            "--quiet",
            "--write",
            "--check",
            "security/policy-present",
        ])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("uncommitted changes (notes.txt, src/main.rs)"),
        "{err}"
    );
    assert!(err.contains("--allow-dirty"), "{err}");
    assert!(
        !err.contains("target/"),
        "ignored files are not changes: {err}"
    );
    assert!(!root.join("SECURITY.md").exists(), "nothing written");

    fix_ok(
        root,
        &[
            "--write",
            "--allow-dirty",
            "--check",
            "security/policy-present",
        ],
    );
    assert!(root.join("SECURITY.md").exists());
}

/// The OASIS SARIF 2.1.0 schema from `../shared`, as the report crate's schema tests
/// find it; `None` (with a message) when it is absent.
fn sarif_schema() -> Option<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/schemas/sarif-schema-2.1.0.json");
    match fs::read_to_string(&path) {
        Ok(t) => Some(serde_json::from_str(&t).expect("the SARIF schema is JSON")),
        Err(_) => {
            println!("skipped: {} not found", path.display());
            None
        }
    }
}

#[test]
fn sarif_results_carry_their_fixes() {
    let Some(dir) = repo() else { return };
    let root = dir.path();
    let out = fix_ok(root, &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let policy = results
        .iter()
        .find(|r| r["ruleId"] == "security/policy-present")
        .expect("the scan's result for the policy check");
    let fix = &policy["fixes"][0];
    assert_eq!(
        fix["artifactChanges"][0]["artifactLocation"]["uri"],
        "SECURITY.md"
    );
    let replacement = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"]["charLength"], 0);
    assert!(
        replacement["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .contains("security@rocket-dev.io"),
        "{fix}"
    );
    assert_eq!(fix["properties"]["shipshape/applicability"], "safe");
    // The same results as `scan --format sarif`, fixes aside.
    let scan = shipshape()
        .args(["scan", "--quiet", "--no-secrets", "--format", "sarif"])
        .arg(root)
        .output()
        .unwrap();
    let scanned: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r["ruleId"], r["locations"]))
            .collect()
    };
    for id in ids(&log) {
        assert!(ids(&scanned).contains(&id), "{id} is not a scan result");
    }
    assert!(!root.join("SECURITY.md").exists(), "nothing written");
    let Some(schema) = sarif_schema() else { return };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// navidrome `contrib/k8s/manifest.yml` (ten-repository run, #15): the securityContext
/// and the resources fixes both insert after the container's last line; `--write
/// --unsafe` writes both in one run instead of skipping the second as an overlap.
#[test]
fn fixes_inserting_at_one_point_are_all_written() {
    let Some(dir) = repo() else { return };
    let root = dir.path();
    write(
        root,
        &[(
            "k8s/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rocket\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: rocket\n  template:\n    metadata:\n      labels:\n        app: rocket\n    spec:\n      containers:\n        - name: rocket\n          image: ghcr.io/acme/rocket:1.0\n          ports:\n            - containerPort: 8080\n      volumes:\n        - name: data\n          emptyDir: {}\n",
        )],
    );
    assert!(git(root, &["add", "-A"]) && git(root, &["commit", "-q", "-m", "k8s"]));
    assert_eq!(outcome(root, "scalability/resource-limits"), "fail");
    assert_eq!(outcome(root, "security/k8s-non-root"), "fail");
    let out = shipshape()
        .args([
            "fix",
            "--quiet",
            "--write",
            "--unsafe",
            "--check",
            "security/k8s-non-root",
            "--check",
            "scalability/resource-limits",
        ])
        .arg(root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("skipped"), "{text}");
    let yaml = fs::read_to_string(root.join("k8s/deploy.yaml")).unwrap();
    assert!(yaml.contains("          securityContext:\n"), "{yaml}");
    assert!(yaml.contains("          resources:\n"), "{yaml}");
    assert!(
        yaml.ends_with("      volumes:\n        - name: data\n          emptyDir: {}\n"),
        "{yaml}"
    );
    assert_eq!(outcome(root, "security/k8s-non-root"), "pass");
    // Placeholders keep the check warning until a person sizes them.
    assert_ne!(outcome(root, "scalability/resource-limits"), "fail");
}

/// The runbook fix (safe) and the `runbook_url` fix (review) both need RUNBOOK.md:
/// `--write` alone creates it, `--unsafe` then links each alert to its section, and the
/// links resolve.
#[test]
fn the_runbook_is_written_once_and_the_alerts_link_its_sections() {
    let Some(dir) = repo() else { return };
    let root = dir.path();
    write(
        root,
        &[
            ("shipshape.toml", "[service]\nkind = \"service\"\n"),
            (
                "monitoring/alerts.yml",
                "groups:\n  - name: rocket\n    rules:\n      - alert: RocketDown\n        expr: up{job=\"rocket\"} == 0\n        labels:\n          severity: critical\n",
            ),
        ],
    );
    assert!(git(root, &["add", "-A"]) && git(root, &["commit", "-q", "-m", "alerts"]));
    assert_eq!(outcome(root, "incident-response/runbook"), "fail");
    assert_eq!(outcome(root, "observability/alerts-have-runbooks"), "fail");
    let checks = [
        "--check",
        "incident-response/runbook",
        "--check",
        "observability/alerts-have-runbooks",
    ];
    let out = shipshape()
        .args(["fix", "--quiet", "--format", "json"])
        .args(checks)
        .arg(root)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let creates: Vec<&serde_json::Value> = v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["edits"].as_array().unwrap())
        .filter(|e| e["kind"] == "create")
        .collect();
    assert_eq!(creates.len(), 1, "RUNBOOK.md is created once: {v}");

    fix_ok(root, &[&["--write"][..], &checks[..]].concat());
    let runbook = fs::read_to_string(root.join("RUNBOOK.md")).unwrap();
    assert!(runbook.contains("## RocketDown\n"), "{runbook}");
    assert_eq!(outcome(root, "incident-response/runbook"), "pass");
    assert!(git(root, &["add", "-A"]) && git(root, &["commit", "-q", "-m", "runbook"]));

    fix_ok(root, &[&["--write", "--unsafe"][..], &checks[..]].concat());
    let rules = fs::read_to_string(root.join("monitoring/alerts.yml")).unwrap();
    assert!(
        rules.ends_with("          severity: critical\n        annotations:\n          runbook_url: RUNBOOK.md#rocketdown\n"),
        "{rules}"
    );
    assert_eq!(outcome(root, "observability/alerts-have-runbooks"), "pass");
    assert_eq!(
        outcome(root, "incident-response/runbook-links-resolve"),
        "pass"
    );
}
