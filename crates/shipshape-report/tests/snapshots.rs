//! Snapshot of every format for every example report. A change in output shows
//! up as a snapshot diff to review; accept it with `INSTA_UPDATE=always`.

mod support;

use shipshape_report::{Format, render};

fn snapshot(format: Format) {
    let catalog = support::catalog();
    for (name, report) in support::all_reports() {
        let out = render(format, &report, &catalog)
            .unwrap_or_else(|e| panic!("rendering the {name} report as {format}: {e}"));
        // Colour codes make snapshots unreadable; the colour itself is tested in `formats.rs`.
        let out = if format == Format::Text {
            support::strip_ansi(&out)
        } else {
            out
        };
        insta::assert_snapshot!(format!("{name}_{format}"), out);
    }
}

#[test]
fn text() {
    snapshot(Format::Text);
}

#[test]
fn json() {
    snapshot(Format::Json);
}

#[test]
fn sarif() {
    snapshot(Format::Sarif);
}

/// `shipshape fix --format sarif`: the scan's results, with SARIF `fixes` on the
/// results their fixes answer.
#[test]
fn sarif_with_fixes() {
    let out = shipshape_report::render_sarif_with_fixes(
        &support::scan_report(),
        &support::catalog(),
        &support::scan_fixes(),
        &["ownership/codeowners: services/api/vendor: no author to name".to_string()],
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Only the results that carry fixes, and the notes: the rest is the `scan_sarif` snapshot.
    let run = &json["runs"][0];
    let fixed: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    let view = serde_json::json!({
        "results": fixed,
        "notifications": run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["descriptor"]["id"] == "fix-note")
            .collect::<Vec<_>>(),
    });
    insta::assert_snapshot!(serde_json::to_string_pretty(&view).unwrap());
}

#[test]
fn markdown() {
    snapshot(Format::Markdown);
}

#[test]
fn html() {
    snapshot(Format::Html);
}

#[test]
fn junit() {
    snapshot(Format::Junit);
}

#[test]
fn github() {
    snapshot(Format::Github);
}

#[test]
fn gitlab() {
    snapshot(Format::Gitlab);
}
