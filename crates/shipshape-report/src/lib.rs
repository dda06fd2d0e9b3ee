//! shipshape's reporters: turn a finished [`Report`] into text, JSON, SARIF,
//! Markdown, HTML, JUnit XML, GitHub Actions annotations or a GitLab Code Quality report.
//!
//! Reporters decide nothing. Filtering, waivers, severity overrides, scores,
//! levels and the gate verdict are all settled before a report reaches this
//! crate; a reporter only renders what it is given. It must not read the disk,
//! the clock or the environment, so that the same report always renders to the
//! same bytes (the snapshot tests depend on it). Colour in the text format is
//! always emitted; the CLI writes through `anstream`, which strips it for
//! `NO_COLOR`, pipes and files.

mod common;
mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use shipshape_model::{CheckInfo, Report};
use std::fmt;
use std::str::FromStr;

pub use github::{escape_data, escape_property, render_github};
pub use gitlab::render_gitlab;
pub use html::{
    DEFAULT_HTML_TEMPLATE, UnitView, render_html, render_html_with_template, unit_view,
};
pub use json::render_json;
pub use junit::render_junit;
pub use markdown::{GITHUB_COMMENT_LIMIT, render_markdown};
pub use sarif::{
    FINGERPRINT_KEY, FileChange, FixChange, Replacement, SARIF_SCHEMA_URI, render_sarif,
    render_sarif_with_fixes,
};
pub use text::render_text;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Coloured terminal output (ANSI styles; the writer strips them when not wanted).
    Text,
    /// The report as pretty JSON, described by `docs/report-schema.json`.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub-flavoured Markdown for pull-request comments and step summaries.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// JUnit XML for CI test-report views.
    Junit,
    /// GitHub Actions workflow commands: inline annotations without code scanning.
    Github,
    /// GitLab Code Quality JSON (the Code Climate subset GitLab reads).
    Gitlab,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
    ];

    /// The name accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }

    /// The usual file extension (without the dot) for an output file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Junit => "xml",
            Format::Github => "txt",
            Format::Gitlab => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown output format `{input}` (expected one of: text, json, sarif, markdown (or md), html, junit, github, gitlab)"
)]
pub struct ParseFormatError {
    /// The rejected input.
    pub input: String,
}

impl FromStr for Format {
    type Err = ParseFormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "md" {
            return Ok(Format::Markdown);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == lower)
            .ok_or_else(|| ParseFormatError {
                input: s.to_string(),
            })
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Serialising to JSON (or SARIF) failed. Not expected with the model's
    /// types (serde_json writes a non-finite score as `null`); kept so that a
    /// future field cannot turn a serialiser error into a panic.
    #[error("could not serialise the report as {format}: {source}")]
    Json {
        format: Format,
        #[source]
        source: serde_json::Error,
    },
    /// An HTML template failed to parse or render. `detail` names the template,
    /// line and cause; fix the template (or drop the override to use the built-in one).
    #[error("HTML template error: {detail}")]
    Template { detail: String },
    /// quick-junit could not write the XML.
    #[error("could not write the JUnit XML: {0}")]
    Junit(#[from] quick_junit::SerializeError),
}

/// Render `report` in `format`. `catalog` is the full list of check
/// descriptions (SARIF rules, help text); checks missing from it still render,
/// from what their results carry.
pub fn render(
    format: Format,
    report: &Report,
    catalog: &[CheckInfo],
) -> Result<String, RenderError> {
    match format {
        Format::Text => Ok(render_text(report, catalog)),
        Format::Json => render_json(report),
        Format::Sarif => render_sarif(report, catalog),
        Format::Markdown => Ok(render_markdown(report, catalog)),
        Format::Html => render_html(report, catalog),
        Format::Junit => render_junit(report),
        Format::Github => Ok(render_github(report, catalog)),
        Format::Gitlab => render_gitlab(report, catalog),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
        let err = "yaml".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("`yaml`") && err.contains("junit"), "{err}");
    }
}
