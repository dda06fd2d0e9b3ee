//! Targeted properties of each format that snapshots alone would not guard:
//! escaping, well-formed XML, GitHub's SARIF requirements, size limits, the
//! 80-column text layout and JSON round trips.

mod support;

use serde_json::Value;
use shipshape_model::{Finding, Location, Outcome, Report};
use shipshape_report::{
    FINGERPRINT_KEY, Format, GITHUB_COMMENT_LIMIT, RenderError, render, render_html_with_template,
};

fn render_ok(format: Format, report: &Report) -> String {
    render(format, report, &support::catalog())
        .unwrap_or_else(|e| panic!("rendering as {format}: {e}"))
}

// ---------- text ----------

#[test]
fn text_is_coloured_and_fits_80_columns_once_stripped() {
    for (name, report) in support::all_reports() {
        let out = render_ok(Format::Text, &report);
        assert!(
            out.contains("\u{1b}["),
            "{name}: text output carries ANSI styles"
        );
        let plain = support::strip_ansi(&out);
        for line in plain.lines() {
            assert!(
                line.chars().count() <= 80,
                "{name}: line wider than 80 columns: {line:?}"
            );
        }
    }
}

#[test]
fn text_marks_every_outcome_and_the_gate() {
    let plain = support::strip_ansi(&render_ok(Format::Text, &support::scan_report()));
    for mark in [
        "✓ critical",
        "✗ critical",
        "! medium",
        "· low",
        "~ high",
        "? high",
    ] {
        assert!(plain.contains(mark), "missing `{mark}` in:\n{plain}");
    }
    assert!(
        plain.contains("… and 2 more"),
        "findings past five are summarised"
    );
    assert!(plain.contains("waived: Base image drops privileges"));
    assert!(plain.contains("expires 2030-01-31"));
    assert!(plain.contains("Top fixes"));
    assert!(plain.contains("Gate: FAILED"));
    assert!(plain.contains("- api: level none is below the required gold"));
}

// ---------- JSON ----------

#[test]
fn json_round_trips_to_the_same_report() {
    for (name, report) in support::all_reports() {
        let out = render_ok(Format::Json, &report);
        let back: Report = serde_json::from_str(&out).unwrap();
        assert_eq!(back, report, "{name}: JSON does not round-trip");
    }
}

// ---------- SARIF ----------

fn sarif(report: &Report) -> Value {
    serde_json::from_str(&render_ok(Format::Sarif, report)).unwrap()
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    for (name, report) in support::all_reports() {
        let log = sarif(&report);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "shipshape");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{name}: failing checks yield results");
        for r in results {
            let idx = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[idx]["id"], r["ruleId"],
                "{name}: ruleIndex points at its rule"
            );
            assert!(!r["message"]["text"].as_str().unwrap().is_empty());
            let locations = r["locations"].as_array().unwrap();
            assert_eq!(locations.len(), 1, "{name}: every result has a location");
            let uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.is_empty(), "{name}: artifactLocation.uri is required");
            if let Some(line) = locations[0]["physicalLocation"]["region"]["startLine"].as_u64() {
                assert!(line >= 1);
            }
            let fp = r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap();
            assert!(fp.len() >= 16, "{name}: fingerprint present");
            assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        }
        for rule in rules {
            assert!(rule["shortDescription"]["text"].is_string());
            assert!(rule["fullDescription"]["text"].is_string());
            assert!(rule["help"]["markdown"].is_string());
            let tags = rule["properties"]["tags"].as_array().unwrap();
            let area = rule["id"].as_str().unwrap().split('/').next().unwrap();
            let security = tags.iter().any(|t| t == "security");
            assert_eq!(
                security,
                rule["properties"]["security-severity"].is_string(),
                "{name}: security-severity on security rules only ({area})"
            );
        }
    }
}

#[test]
fn sarif_levels_suppressions_and_fallback_locations() {
    let log = sarif(&support::scan_report());
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let find = |id: &str| -> Vec<&Value> { results.iter().filter(|r| r["ruleId"] == id).collect() };

    // critical fail → error; medium warn → warning; low fail → note.
    assert!(
        find("security/no-committed-secrets")
            .iter()
            .all(|r| r["level"] == "error")
    );
    assert!(
        find("delivery/gha-actions-pinned")
            .iter()
            .all(|r| r["level"] == "warning")
    );
    assert_eq!(
        find("delivery/gha-actions-pinned").len(),
        7,
        "one result per finding"
    );
    assert!(
        find("security/k8s-read-only-root")
            .iter()
            .all(|r| r["level"] == "note")
    );
    assert_eq!(
        find("security/k8s-read-only-root")[0]["baselineState"],
        "unchanged"
    );

    // A waived failure is reported, suppressed, with the waiver as justification.
    let waived = find("security/container-non-root");
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["suppressions"][0]["kind"], "external");
    assert!(
        waived[0]["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("OPS-12")
    );

    // Passing, n/a and errored checks yield no result; the error becomes a notification.
    assert!(find("delivery/ci-present").is_empty());
    assert!(find("observability/health-endpoint").is_empty());
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["associatedRule"]["id"] == "observability/health-endpoint")
    );

    // A fail without findings still yields one result, located at its unit, and
    // the same check in two units gives two distinct fingerprints.
    let owners = find("ownership/codeowners");
    assert_eq!(owners.len(), 2);
    let uris: Vec<&str> = owners
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["services/api", "libs/shared"]);
    assert_ne!(
        owners[0]["partialFingerprints"][FINGERPRINT_KEY],
        owners[1]["partialFingerprints"][FINGERPRINT_KEY]
    );
    assert_eq!(
        owners[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
}

#[test]
fn sarif_probe_results_point_at_the_url() {
    let log = sarif(&support::probe_report());
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("https://svc.example.com/"), "{uri}");
        assert!(
            loc["artifactLocation"]["uriBaseId"].is_null(),
            "absolute URIs take no base"
        );
        assert!(loc["region"].is_null(), "requests have no lines");
    }
    assert_eq!(
        log["runs"][0]["automationDetails"]["id"],
        "shipshape/probe/"
    );
}

// ---------- Markdown ----------

#[test]
fn markdown_escapes_evidence() {
    let md = render_ok(Format::Markdown, &support::scan_report());
    assert!(
        !md.contains("<script>"),
        "raw HTML from evidence must not pass through"
    );
    assert!(md.contains("&lt;script&gt;"));
    assert!(
        md.contains("\\| \\`odd"),
        "pipes and stray backticks are escaped"
    );
    assert!(
        !md.contains("@platform-team"),
        "no @mention may notify anyone"
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
}

fn huge_report() -> Report {
    let mut report = support::scan_report();
    let template = report.units[0].checks[1].clone();
    let unit = &mut report.units[0];
    for i in 0..1500 {
        let mut c = template.clone();
        c.id = format!("delivery/generated-{i}");
        c.outcome = if i % 3 == 0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        c.findings = (0..6)
            .map(|j| {
                Finding::at(
                    Location::line(format!("src/file{i}.rs"), j + 1),
                    "long evidence ".repeat(4),
                )
            })
            .collect();
        unit.checks.push(c);
    }
    report
}

#[test]
fn markdown_stays_under_githubs_comment_limit() {
    let md = render_ok(Format::Markdown, &huge_report());
    assert!(md.len() <= GITHUB_COMMENT_LIMIT, "{} bytes", md.len());
    assert!(
        md.contains("was cut to fit GitHub's"),
        "truncation is announced"
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    // The untruncated report is small and carries no note.
    let small = render_ok(Format::Markdown, &support::scan_report());
    assert!(!small.contains("was cut"));
}

// ---------- HTML ----------

#[test]
fn html_escapes_evidence_and_is_self_contained() {
    for (name, report) in support::all_reports() {
        let html = render_ok(Format::Html, &report);
        assert!(
            !html.contains("<script"),
            "{name}: no script, injected or ours"
        );
        assert!(!html.contains("src=\""), "{name}: no external assets");
        assert!(!html.contains("<link"), "{name}: no external stylesheets");
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
    let html = render_ok(Format::Html, &support::scan_report());
    assert!(html.contains("&lt;script&gt;alert("));
}

#[test]
fn html_user_templates_are_escaped_too() {
    let out = render_html_with_template(
        &support::scan_report(),
        &support::catalog(),
        "{% for u in report.units %}{% for c in u.checks %}{% for f in c.findings %}{{ f.message }}\n{% endfor %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    assert!(out.contains("&lt;script&gt;"));
    assert!(!out.contains("<script>"));
}

#[test]
fn html_template_errors_name_the_line() {
    let err = render_html_with_template(
        &support::scan_report(),
        &support::catalog(),
        "line one\n{% for x in %}",
    )
    .unwrap_err();
    assert!(matches!(err, RenderError::Template { .. }));
    let msg = err.to_string();
    assert!(msg.contains("line 2"), "{msg}");
    let err = render_html_with_template(&support::scan_report(), &[], "{{ 1 + }}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("report.html line 1"), "{err}");
}

// ---------- JUnit ----------

/// Parse the XML fully (well-formedness) and count elements by name.
fn xml_counts(xml: &str) -> std::collections::BTreeMap<String, usize> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut counts = std::collections::BTreeMap::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                *counts
                    .entry(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                    .or_insert(0) += 1;
            }
            Ok(Event::Empty(e)) => {
                *counts
                    .entry(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                    .or_insert(0) += 1;
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "JUnit XML is not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "unbalanced elements");
    counts
}

#[test]
fn junit_is_well_formed_and_maps_outcomes() {
    let report = support::scan_report();
    let xml = render_ok(Format::Junit, &report);
    let counts = xml_counts(&xml);
    let checks: usize = report.units.iter().map(|u| u.checks.len()).sum();
    let with = |o: Outcome| report.units.iter().flat_map(|u| u.with_outcome(o)).count();
    assert_eq!(counts["testsuite"], report.units.len());
    assert_eq!(counts["testcase"], checks);
    assert_eq!(counts["failure"], with(Outcome::Fail));
    assert_eq!(counts["error"], with(Outcome::Error));
    assert_eq!(
        counts["skipped"],
        with(Outcome::NotApplicable) + with(Outcome::Waived)
    );
    assert_eq!(counts["system-out"], with(Outcome::Warn));
    assert!(xml.contains("&lt;script&gt;"));

    let probe = render_ok(Format::Junit, &support::probe_report());
    xml_counts(&probe);
}

// ---------- odd input ----------

/// A report full of degenerate values: no checks, empty strings, line 0,
/// control characters, very long words, a non-finite score.
fn odd_report() -> Report {
    let mut report = support::scan_report();
    let unit = &mut report.units[0];
    let check = &mut unit.checks[1];
    check.summary = String::new();
    check.remediation = String::new();
    check.findings = vec![
        Finding::at(
            Location {
                path: String::new(),
                line: Some(0),
                column: Some(0),
            },
            "nul \u{0} bell \u{7} esc \u{1b}[31m line\nbreak",
        ),
        Finding::at(Location::line("dir with space/ünï.rs", 3), "x".repeat(500)),
        Finding::new(""),
    ];
    check.waiver = None;
    unit.checks[4].waiver = None; // a waived check without its note
    report.units.push(support::probe_report().units[0].clone());
    report.units[2].checks.clear();
    report.units[2].scores.areas.clear();
    report.units[2].scores.overall = None;
    report.target = "\"quoted\" <target> & more".to_string();
    report.generated_at = "not a date".to_string();
    report
}

#[test]
fn odd_input_renders_in_every_format_without_panicking() {
    let report = odd_report();
    for format in Format::ALL {
        let out = render(format, &report, &support::catalog())
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!out.is_empty(), "{format}: produced output");
    }
    let xml = render_ok(Format::Junit, &report);
    xml_counts(&xml);
    let log = sarif(&report);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(!loc["artifactLocation"]["uri"].as_str().unwrap().is_empty());
        assert!(loc["region"]["startLine"].as_u64().is_none_or(|l| l >= 1));
    }
    let empty = Report {
        units: vec![],
        ..support::probe_report()
    };
    for format in Format::ALL {
        render(format, &empty, &[]).unwrap_or_else(|e| panic!("{format}: {e}"));
    }
}

#[test]
fn a_non_finite_score_renders_as_no_score() {
    let mut report = support::scan_report();
    report.units[0].scores.overall = Some(f64::NAN);
    for format in Format::ALL {
        let out = render(format, &report, &[]).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!out.contains("NaN"), "{format}: NaN leaked into the output");
    }
    let json: Value = serde_json::from_str(&render_ok(Format::Json, &report)).unwrap();
    assert!(json["units"][0]["scores"]["overall"].is_null());
}

#[test]
fn text_output_carries_no_escape_from_evidence() {
    let out = render_ok(Format::Text, &odd_report());
    let plain = support::strip_ansi(&out);
    assert!(
        !plain.contains('\u{1b}'),
        "an ESC from evidence reached the terminal"
    );
    assert!(!plain.contains('\u{0}') && !plain.contains('\u{7}'));
}

// ---------- github ----------

/// Undo the runner's escapes (the test's own decoder, written from GitHub's rules).
fn unescape_workflow(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Parse one workflow command the way the runner does: `::name k=v,k=v::message`.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, message) = rest.split_once("::").expect("a command has a second ::");
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("a property is key=value");
            (k.to_string(), unescape_workflow(v))
        })
        .collect();
    (name.to_string(), props, unescape_workflow(message))
}

#[test]
fn github_commands_are_one_per_line_and_round_trip_through_the_runners_parser() {
    let mut report = support::scan_report();
    let check = &mut report.units[0].checks[1];
    check.findings = vec![Finding::at(
        Location::line("odd, dir:x/50%\nfile.yml", 7),
        "line one\r\nline two: 100% sure, really\n::error::injected",
    )];
    let out = render_ok(Format::Github, &report);
    let mut files = Vec::new();
    for line in out.lines() {
        let (name, props, message) = parse_command(line);
        assert!(
            ["error", "warning", "notice"].contains(&name.as_str()),
            "{line}"
        );
        for (k, v) in &props {
            assert!(
                ["file", "line", "col", "title"].contains(&k.as_str()),
                "{k}"
            );
            if k == "file" {
                files.push(v.clone());
            }
        }
        if message.starts_with("[api] line one") {
            assert_eq!(
                message.lines().next().unwrap(),
                "[api] line one",
                "the message's own line breaks survive"
            );
            assert!(message.contains("line two: 100% sure, really\n::error::injected"));
            assert!(message.contains("\nFix: "));
        }
    }
    assert!(
        files.contains(&"odd, dir:x/50%\nfile.yml".to_string()),
        "{files:?}"
    );
    assert!(!out.contains("\n::error::injected"), "no command injected");
}

#[test]
fn github_levels_order_and_gate() {
    let out = render_ok(Format::Github, &support::scan_report());
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::error title=shipshape scan::the gate does not hold"),
        "{}",
        lines[0]
    );
    let levels: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l[2..].split([' ', ':']).next().unwrap())
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| ["error", "warning", "notice"].iter().position(|x| x == l));
    assert_eq!(levels, sorted, "errors, then warnings, then notices");
    // Located findings carry file and line; a secret is an error at its line.
    assert!(
        out.contains("::error file=services/api/config/prod.env,line=3,title="),
        "{out}"
    );
    // The baselined finding is a notice, the waived check is absent.
    assert!(out.contains("::notice file=services/api/k8s/deploy.yaml,line=22,col=9,"));
    assert!(!out.contains("container-non-root"));
    let passing = Report {
        gate: shipshape_model::GateOutcome {
            passed: true,
            reasons: vec![],
            ..support::scan_report().gate
        },
        ..support::scan_report()
    };
    assert!(
        render_ok(Format::Github, &passing)
            .starts_with("::notice title=shipshape scan::the gate holds")
    );
}

#[test]
fn github_paths_are_relative_to_where_the_scan_started() {
    let mut report = support::scan_report();
    report.target = "./monorepo/".to_string();
    let out = render_ok(Format::Github, &report);
    assert!(
        out.contains("file=monorepo/services/api/config/prod.env,line=3"),
        "{out}"
    );
    report.target = "/abs/repo".to_string();
    let out = render_ok(Format::Github, &report);
    assert!(
        out.contains("file=services/api/config/prod.env,line=3"),
        "{out}"
    );
}

// ---------- gitlab ----------

fn gitlab_schema() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/gitlab-code-quality.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the Code Quality schema is a valid JSON Schema")
}

fn gitlab_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn gitlab_output_validates_against_the_code_quality_schema() {
    let validator = gitlab_schema();
    let mut reports = support::all_reports();
    reports.push(("odd", odd_report()));
    for (name, report) in reports {
        let json: Value = serde_json::from_str(&render_ok(Format::Gitlab, &report)).unwrap();
        let errors = gitlab_errors(&validator, &json);
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
        let entries = json.as_array().unwrap();
        assert!(!entries.is_empty(), "{name}: has entries");
        // GitLab keys entries by fingerprint: a repeated one would hide a finding.
        let mut fingerprints: Vec<&str> = entries
            .iter()
            .map(|e| e["fingerprint"].as_str().unwrap())
            .collect();
        let n = fingerprints.len();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), n, "{name}: fingerprints are unique");
    }
}

#[test]
fn the_code_quality_schema_rejects_what_gitlab_would() {
    let validator = gitlab_schema();
    let good: Value =
        serde_json::from_str(&render_ok(Format::Gitlab, &support::scan_report())).unwrap();
    for (what, edit) in [
        (
            "a severity off the scale",
            ("/0/severity", Value::from("high")),
        ),
        ("a ./ path", ("/0/location/path", Value::from("./a.rs"))),
        (
            "a line as text",
            ("/0/location/lines/begin", Value::from("3")),
        ),
        ("no fingerprint", ("/0/fingerprint", Value::Null)),
    ] {
        let mut bad = good.clone();
        *bad.pointer_mut(edit.0).unwrap() = edit.1;
        assert!(
            !gitlab_errors(&validator, &bad).is_empty(),
            "{what} must not validate"
        );
    }
}

#[test]
fn gitlab_fingerprints_ignore_lines_and_entries_keep_their_place() {
    let report = support::scan_report();
    let before: Value = serde_json::from_str(&render_ok(Format::Gitlab, &report)).unwrap();
    let mut moved = report.clone();
    for unit in &mut moved.units {
        for check in &mut unit.checks {
            for f in &mut check.findings {
                if let Some(l) = &mut f.location {
                    l.line = l.line.map(|n| n + 40);
                }
            }
        }
    }
    let after: Value = serde_json::from_str(&render_ok(Format::Gitlab, &moved)).unwrap();
    let prints = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        prints(&before),
        prints(&after),
        "a line shift keeps every fingerprint"
    );
    let secret = before
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["location"]["path"] == "services/api/config/prod.env")
        .expect("the committed secret is listed");
    assert_eq!(secret["check_name"], "security/no-committed-secrets");
    assert_eq!(secret["severity"], "blocker");
    assert_eq!(secret["location"]["lines"]["begin"], 3);
    // An absence points at its unit's directory, line 1.
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["location"]["path"] == "services/api"
                && e["check_name"] == "delivery/ci-runs-tests"
                && e["location"]["lines"]["begin"] == 1)
    );
}

// ---------- scan --changed-since ----------

fn changed_report() -> Report {
    let unit = |name: &str, reason: &str| shipshape_model::UnitChange {
        name: name.into(),
        path: format!("services/{name}"),
        reason: reason.into(),
    };
    Report {
        changes: Some(shipshape_model::ChangeScope {
            since: "origin/main".into(),
            base: "0123456789abcdef0123".into(),
            head: "fedcba9876543210fedc".into(),
            changed_files: 3,
            uncommitted_files: 1,
            repository_wide: None,
            judged: vec![unit(
                "orders",
                "3 changed files, e.g. services/orders/app.py",
            )],
            skipped: vec![unit(
                "billing",
                "no changed file belongs to it (nothing under services/billing changed since origin/main)",
            )],
        }),
        ..support::scan_report()
    }
}

#[test]
fn text_and_markdown_say_which_units_a_change_skipped_and_why() {
    let report = changed_report();
    let text = support::strip_ansi(&render_ok(Format::Text, &report));
    // Wrapped to 80 columns: compare with the line breaks folded away.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Changes: 3 changed files since origin/main (merge base 0123456789ab, HEAD fedcba987654), 1 not committed",
        "judged orders (services/orders): 3 changed files, e.g. services/orders/app.py",
        "skipped billing (services/billing): no changed file belongs to it (nothing under services/billing changed since origin/main)",
    ] {
        assert!(flat.contains(expected), "{expected}\n{text}");
    }
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "wider than 80 columns: {line:?}"
        );
    }
    let md = render_ok(Format::Markdown, &report);
    assert!(
        md.contains("**Changes since `origin/main`**: 3 files"),
        "{md}"
    );
    assert!(md.contains("judged 1 unit, skipped 1"), "{md}");
    assert!(
        md.contains("- billing (`services/billing`): no changed file belongs to it"),
        "{md}"
    );
    // JSON carries it whole, and reads back.
    let json = render_ok(Format::Json, &report);
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.changes, report.changes);
}

/// `fix --format sarif`: a fix goes to the result at a line it replaces, else to the
/// nearest result above its change in the same file.
#[test]
fn sarif_fixes_attach_to_the_result_they_answer() {
    use shipshape_report::{FileChange, FixChange, Replacement};
    // Findings of the example at .github/workflows/ci.yml:10, 14, 18, ….
    let text: String = (1..=40).map(|n| format!("line {n}\n")).collect();
    let offset = |line: usize| -> usize { text.lines().take(line - 1).map(|l| l.len() + 1).sum() };
    let fix = |line: usize, what: &str| FixChange {
        check_id: "delivery/gha-actions-pinned".into(),
        unit: "api".into(),
        description: what.into(),
        applicability: "review".into(),
        files: vec![FileChange {
            path: ".github/workflows/ci.yml".into(),
            replacements: vec![Replacement::in_text(
                &text,
                offset(line),
                offset(line) + 4,
                "x",
            )],
        }],
    };
    let out = shipshape_report::render_sarif_with_fixes(
        &support::scan_report(),
        &support::catalog(),
        &[fix(14, "on its line"), fix(20, "below the finding at 18")],
        &[],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let carrying: Vec<(u64, String)> = json["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let fix = r.get("fixes")?[0]["description"]["text"]
                .as_str()?
                .to_string();
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64()?;
            Some((line, fix))
        })
        .collect();
    assert_eq!(
        carrying,
        [
            (14, "on its line".to_string()),
            (18, "below the finding at 18".to_string())
        ]
    );
}
