//! The JSON reporter: the report exactly as the model serialises it, pretty
//! printed. Its shape is described by `docs/report-schema.json` (versioned by
//! `shipshape_model::SCHEMA_VERSION`); tests keep the two in sync.

use crate::{Format, RenderError};
use shipshape_model::Report;

/// Render the report as pretty JSON, with a trailing newline.
pub fn render_json(report: &Report) -> Result<String, RenderError> {
    pretty(report, Format::Json)
}

/// Any serialisable value as pretty JSON with a trailing newline (the JSON, SARIF and
/// GitLab reporters).
pub(crate) fn pretty(value: &impl serde::Serialize, format: Format) -> Result<String, RenderError> {
    let mut out = serde_json::to_string_pretty(value)
        .map_err(|source| RenderError::Json { format, source })?;
    out.push('\n');
    Ok(out)
}
