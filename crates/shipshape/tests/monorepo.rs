//! End-to-end tests of monorepo discovery, the roll-up, profiles and custom rules:
//! the real binary on repositories built in temporary directories.

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

fn json_report(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = shipshape()
        .args(["scan", "--quiet", "--format", "json"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

const CATALOG: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\nspec:\n  type: service\n  owner: team-orders\n  lifecycle: production\n";

fn monorepo(root: &Path) {
    write(
        root,
        &[
            ("README.md", "# Shop\n\nThe shop monorepo.\n"),
            (
                ".github/workflows/ci.yml",
                "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
            ),
            ("services/orders/catalog-info.yaml", CATALOG),
            (
                "services/orders/Dockerfile",
                "FROM python:3.12-slim\nCOPY . /app\nUSER 1000\nCMD [\"python\", \"/app/app.py\"]\n",
            ),
            (
                "services/orders/pyproject.toml",
                "[project]\nname = \"orders\"\ndependencies = [\"fastapi\", \"uvicorn\"]\n",
            ),
            (
                "services/orders/app.py",
                "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/healthz\")\ndef health():\n    return {}\n",
            ),
            (
                "libs/money/pyproject.toml",
                "[project]\nname = \"money\"\nversion = \"1.0.0\"\n",
            ),
            (
                "libs/money/money/__init__.py",
                "def add(a, b):\n    return a + b\n",
            ),
            (
                "libs/money/catalog-info.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: money\nspec:\n  type: library\n  owner: team-core\n",
            ),
            (
                "deploy/charts/ingress/Chart.yaml",
                "apiVersion: v2\nname: ingress\nversion: 0.1.0\n",
            ),
            ("deploy/charts/ingress/values.yaml", "replicaCount: 2\n"),
        ],
    );
}

#[test]
fn three_units_of_three_kinds_and_a_rollup() {
    let d = tempfile::tempdir().unwrap();
    monorepo(d.path());
    let r = json_report(d.path(), &[]);
    let units = r["units"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = units
        .iter()
        .map(|u| {
            (
                u["unit"]["name"].as_str().unwrap(),
                u["unit"]["path"].as_str().unwrap(),
                u["unit"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("ingress", "deploy/charts/ingress", "infrastructure"),
            ("money", "libs/money", "library"),
            ("orders", "services/orders", "service"),
        ]
    );
    assert_eq!(units[2]["unit"]["owner"], "team-orders");
    assert!(
        units[2]["unit"]["kind_source"]
            .as_str()
            .unwrap()
            .contains("services/orders/catalog-info.yaml"),
        "{}",
        units[2]["unit"]["kind_source"]
    );
    // The library is not asked for a health endpoint; the service is, and has one.
    let outcome = |u: usize, id: &str| {
        units[u]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(outcome(1, "observability/health-endpoint"), "n/a");
    assert_eq!(outcome(2, "observability/health-endpoint"), "pass");
    // Shared repository-level files count for every unit.
    assert_eq!(outcome(0, "delivery/ci-present"), "pass");

    let rollup = &r["rollup"];
    assert_eq!(rollup["units"], 3);
    let scores: Vec<f64> = units
        .iter()
        .filter_map(|u| u["scores"]["overall"].as_f64())
        .collect();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    assert!(
        (rollup["score"].as_f64().unwrap() - mean).abs() < 0.06,
        "{rollup} vs {mean}"
    );
    let lowest = units
        .iter()
        .map(|u| u["level"].clone())
        .min_by_key(|l| match l.as_str() {
            None => 0,
            Some("bronze") => 1,
            Some("silver") => 2,
            _ => 3,
        });
    assert_eq!(rollup["level"], lowest.unwrap());

    // The text report shows the roll-up.
    let out = shipshape()
        .args(["scan", "--quiet"])
        .arg(d.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("roll-up of 3 units"), "{text}");
}

#[test]
fn declared_units_override_discovery_and_discovery_can_be_off() {
    let d = tempfile::tempdir().unwrap();
    monorepo(d.path());
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[[unit]]\nname = \"orders\"\npath = \"services/orders\"\nkind = \"service\"\n",
        )],
    );
    let r = json_report(d.path(), &[]);
    assert_eq!(r["units"].as_array().unwrap().len(), 1);
    assert!(r.get("rollup").is_none(), "one unit has no roll-up");
    write(
        d.path(),
        &[("shipshape.toml", "[scan]\ndiscover-units = false\n")],
    );
    let r = json_report(d.path(), &[]);
    assert_eq!(r["units"].as_array().unwrap().len(), 1);
    assert_eq!(r["units"][0]["unit"]["path"], ".");
    // `[service]` describes the repository as one unit...
    write(
        d.path(),
        &[("shipshape.toml", "[service]\nkind = \"service\"\n")],
    );
    let r = json_report(d.path(), &[]);
    assert_eq!(r["units"].as_array().unwrap().len(), 1);
    // ...unless discovery is asked for.
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[service]\nkind = \"service\"\n[scan]\ndiscover-units = true\n",
        )],
    );
    let r = json_report(d.path(), &[]);
    assert_eq!(r["units"].as_array().unwrap().len(), 3);
}

#[test]
fn profiles_select_checks_and_unknown_profiles_exit_2() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[("main.py", "print(1)\n")]);
    let all = json_report(d.path(), &[]);
    let prr = json_report(d.path(), &["--profile", "google-prr"]);
    assert_eq!(prr["profile"], "google-prr");
    let n = |r: &serde_json::Value| r["units"][0]["checks"].as_array().unwrap().len();
    assert!(n(&prr) < n(&all), "{} vs {}", n(&prr), n(&all));
    assert!(
        !prr["units"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "maintenance/license")
    );
    let out = shipshape()
        .args(["scan", "--quiet", "--profile", "nasa"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("production, google-prr, mercari"), "{err}");
    let out = shipshape()
        .current_dir(d.path())
        .args(["checks", "--profile", "mercari", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"scalability/disruption-budget"));
    assert!(!ids.contains(&"delivery/gha-actions-pinned"));
}

const RULES: &str = r#"
[[rule]]
id = "custom/has-slo-doc"
title = "An SLO document exists"
area = "documentation"
severity = "medium"
rationale = "Everyone should know the target."
remediation = "Write docs/slo.md."
file-exists = "docs/slo.md"

[[rule]]
id = "custom/no-print"
title = "No print() debugging"
area = "observability"
severity = "low"
remediation = "Use the logger."
regex = { pattern = 'print\(', files = "**/*.py", expect = "absent" }
"#;

#[test]
fn custom_rules_run_in_the_pipeline_and_reach_sarif_and_explain() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("shipshape.toml", RULES),
            ("app/main.py", "import logging\nprint('hi')\n"),
        ],
    );
    let r = json_report(d.path(), &[]);
    let find = |id: &str| {
        r["units"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let slo = find("custom/has-slo-doc");
    assert_eq!(slo["outcome"], "fail");
    assert_eq!(slo["severity"], "medium");
    let print = find("custom/no-print");
    assert_eq!(print["outcome"], "fail");
    assert_eq!(print["findings"][0]["location"]["path"], "app/main.py");
    assert_eq!(print["findings"][0]["location"]["line"], 2);
    assert!(
        !print["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .is_empty()
    );

    // SARIF carries the rule's metadata.
    let out = shipshape()
        .args(["scan", "--quiet", "--format", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.iter().any(|r| r["id"] == "custom/no-print"),
        "{rules:?}"
    );

    // Waivers apply to custom rules like to built-ins.
    write(
        d.path(),
        &[
            (
                "shipshape.toml",
                &format!(
                    "{RULES}\n[[waiver]]\ncheck = \"custom/no-print\"\nreason = \"CLI script\"\n"
                ),
            ),
            ("docs/slo.md", "# SLO\n99.9 %\n"),
        ],
    );
    let r = json_report(d.path(), &[]);
    let get = |id: &str| {
        r["units"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(get("custom/no-print"), "waived");
    assert_eq!(get("custom/has-slo-doc"), "pass");

    let out = shipshape()
        .current_dir(d.path())
        .args(["explain", "custom/has-slo-doc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Write docs/slo.md."), "{text}");
}

#[test]
fn a_bad_custom_rule_exits_2_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[(
            "shipshape.toml",
            "[scan]\nexclude = []\n\n[[rule]]\nid = \"custom/bad\"\ntitle = \"Bad\"\narea = \"documentation\"\nseverity = \"low\"\nregex = { pattern = \"(unclosed\", files = \"*.py\" }\n",
        )],
    );
    let out = shipshape()
        .args(["scan", "--quiet"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipshape.toml:4:"), "{err}");
    assert!(err.contains("invalid regex"), "{err}");
}

/// One workflow problem appeared once per unit in "Top fixes" (13 times in a 13-unit
/// monorepo) and as one SARIF result per unit. Repository-scope checks (CI, workflow
/// hygiene) are judged once: every unit carries the verdict, marked `scope:
/// repository`, and the reporters show it once.
#[test]
fn repository_checks_are_judged_once_and_shown_once() {
    let d = tempfile::tempdir().unwrap();
    monorepo(d.path());
    let v = json_report(d.path(), &[]);
    let units = v["units"].as_array().unwrap();
    assert!(units.len() >= 2);
    let perms: Vec<&serde_json::Value> = units
        .iter()
        .map(|u| {
            u["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == "delivery/gha-token-permissions")
                .unwrap()
        })
        .collect();
    for c in &perms {
        assert_eq!(c["scope"], "repository");
        assert_eq!(c["outcome"], "fail");
        assert_eq!(c["summary"], perms[0]["summary"]);
    }
    // A unit check carries no scope.
    let health = units[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "observability/health-endpoint")
        .unwrap();
    assert!(health.get("scope").is_none());

    let out = shipshape()
        .args(["scan", "--quiet", "--format", "markdown"])
        .arg(d.path())
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let top = md
        .split("**Top fixes**")
        .nth(1)
        .expect("a Top fixes section");
    let top = top.split("\n### ").next().unwrap_or(top);
    let vuln: Vec<&str> = top
        .lines()
        .filter(|l| l.contains("(`security/vuln-scan-in-ci`)"))
        .collect();
    assert_eq!(vuln.len(), 1, "a repository check listed once:\n{top}");
    assert!(
        vuln[0].contains("in the repository (3 units)"),
        "{}",
        vuln[0]
    );

    let out = shipshape()
        .args(["scan", "--quiet", "--format", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let n = results
        .iter()
        .filter(|r| r["ruleId"] == "delivery/gha-token-permissions")
        .count();
    assert_eq!(n, 1, "one SARIF result for a repository check");
}
