//! Schema tests: the JSON output validates against `docs/report-schema.json`
//! and the schema stays in sync with the model; the SARIF output validates
//! against the OASIS SARIF 2.1.0 schema from `../shared` (skipped when absent).

mod support;

use serde_json::Value;
use shipshape_model::{Level, SCHEMA_VERSION};
use shipshape_report::{Format, render};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn report_schema() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/report-schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

/// The scan example with every optional field filled in, so that the sync test
/// sees every property the model can write.
fn maximal_report() -> shipshape_model::Report {
    let mut r = support::scan_report();
    r.gate.min_level = Some(Level::Silver);
    r.gate.baseline = true;
    r.units[0].checks[0].scope = shipshape_model::Scope::Repository;
    let unit = |name: &str, reason: &str| shipshape_model::UnitChange {
        name: name.into(),
        path: name.into(),
        reason: reason.into(),
    };
    r.changes = Some(shipshape_model::ChangeScope {
        since: "origin/main".into(),
        base: "1a2b3c4d5e6f".into(),
        head: "6f5e4d3c2b1a".into(),
        changed_files: 2,
        uncommitted_files: 1,
        repository_wide: Some("README.md changed".into()),
        judged: vec![unit("svc-a", "1 changed file: svc-a/main.go")],
        skipped: vec![unit("svc-b", "no changed file belongs to it")],
    });
    r
}

#[test]
fn json_output_matches_the_report_schema() {
    let schema = report_schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("docs/report-schema.json is a valid JSON Schema");
    let mut reports = support::all_reports();
    reports.push(("maximal", maximal_report()));
    for (name, report) in reports {
        let out = render(Format::Json, &report, &support::catalog()).unwrap();
        let json: Value = serde_json::from_str(&out).unwrap();
        assert_valid(&validator, &json, &format!("the {name} JSON report"));
    }
}

#[test]
fn schema_rejects_what_the_model_cannot_write() {
    let validator = jsonschema::validator_for(&report_schema()).unwrap();
    let out = render(Format::Json, &support::scan_report(), &[]).unwrap();
    let mut json: Value = serde_json::from_str(&out).unwrap();
    json["units"][0]["checks"][0]["outcome"] = Value::from("maybe");
    assert!(
        !validator.is_valid(&json),
        "an unknown outcome must not validate"
    );
    let mut json: Value = serde_json::from_str(&out).unwrap();
    json["surprise"] = Value::from(1);
    assert!(
        !validator.is_valid(&json),
        "an unknown field must not validate"
    );
}

#[test]
fn schema_version_matches_the_model() {
    let schema = report_schema();
    assert_eq!(
        schema["properties"]["schema_version"]["const"],
        Value::from(SCHEMA_VERSION),
        "bump docs/report-schema.json together with shipshape_model::SCHEMA_VERSION"
    );
}

/// Resolve a local `$ref` (`#/$defs/Name`), returning the def's name too.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> (Option<String>, &'a Value) {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/$defs/").to_string();
            let def = &root["$defs"][&name];
            assert!(!def.is_null(), "dangling $ref {r}");
            (Some(name), def)
        }
        None => (None, node),
    }
}

/// Fields seen per schema object: the schema's property names and the union
/// of the keys the report wrote for objects described by it.
type Seen = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

/// Walk the maximal report and its schema together, recording for every
/// object schema (a `$defs` entry, or an inline one named by its path) which
/// properties it lists and which keys the report wrote.
fn walk(root: &Value, schema: &Value, instance: &Value, path: &str, seen: &mut Seen) {
    let (name, schema) = resolve(root, schema);
    let key = name.unwrap_or_else(|| path.to_string());
    match instance {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                let entry = seen.entry(key).or_default();
                entry.0.extend(props.keys().cloned());
                entry.1.extend(map.keys().cloned());
                for (k, v) in map {
                    let sub = props
                        .get(k)
                        .unwrap_or_else(|| panic!("{path}.{k} is not in the schema"));
                    walk(root, sub, v, &format!("{path}.{k}"), seen);
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|v| v.is_object())
            {
                for v in map.values() {
                    walk(root, values, v, &format!("{path}.*"), seen);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for v in items {
                    walk(root, item_schema, v, &format!("{path}[]"), seen);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn schema_lists_exactly_the_fields_the_model_writes() {
    let schema = report_schema();
    let out = render(Format::Json, &maximal_report(), &[]).unwrap();
    let json: Value = serde_json::from_str(&out).unwrap();
    let mut seen = Seen::new();
    walk(&schema, &schema, &json, "report", &mut seen);
    for (name, (in_schema, in_report)) in &seen {
        assert_eq!(
            in_schema, in_report,
            "docs/report-schema.json and the model disagree on the fields of {name}"
        );
    }
    // Every object definition must have been compared against real output.
    for (name, def) in schema["$defs"].as_object().unwrap() {
        if def.get("properties").is_some() {
            assert!(
                seen.contains_key(name),
                "no object of $defs/{name} in the maximal report"
            );
        }
    }
}

#[test]
fn sarif_output_matches_the_official_schema() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let path = shared.join("schemas/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} not found", path.display());
        return;
    };
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    for (name, report) in support::all_reports() {
        let out = render(Format::Sarif, &report, &support::catalog()).unwrap();
        let json: Value = serde_json::from_str(&out).unwrap();
        assert_valid(&validator, &json, &format!("the {name} SARIF log"));
    }
    // The validator is not vacuous: a wrong level is caught.
    let mut bad: Value = serde_json::from_str(
        &render(Format::Sarif, &support::scan_report(), &support::catalog()).unwrap(),
    )
    .unwrap();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !validator.is_valid(&bad),
        "an invalid SARIF level must be rejected"
    );
    // With fixes attached (`shipshape fix --format sarif`).
    let out = shipshape_report::render_sarif_with_fixes(
        &support::scan_report(),
        &support::catalog(),
        &support::scan_fixes(),
        &["a note".to_string()],
    )
    .unwrap();
    let json: Value = serde_json::from_str(&out).unwrap();
    let with_fixes = json["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .count();
    assert_eq!(with_fixes, 2, "each fix lands on one result");
    assert_valid(&validator, &json, "the SARIF log with fixes");
    // A fix without replacements breaks the schema (artifactChanges need at least one).
    let mut bad = json.clone();
    let r = bad["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r.get("fixes").is_some())
        .unwrap();
    r["fixes"][0]["artifactChanges"] = Value::Array(vec![]);
    assert!(
        !validator.is_valid(&bad),
        "an empty artifactChanges must be rejected"
    );
    // A report with a check the catalog lacks still yields a valid log.
    let out = render(Format::Sarif, &support::scan_report(), &[]).unwrap();
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&validator, &json, "the SARIF log without a catalog");
}
