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
