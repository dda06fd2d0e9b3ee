//! Writing rendered reports: `--format` and `--output` pairs, stdout with
//! colours only where wanted (anstream honours NO_COLOR, CLICOLOR and non-TTY).

use anyhow::{Context, bail};
use shipshape_model::{CheckInfo, Report};
use shipshape_report::Format;
use std::io::Write;
use std::path::PathBuf;

/// Guess a format from an output file's extension.
pub fn format_for_path(path: &std::path::Path) -> Format {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "json" => Format::Json,
        "sarif" => Format::Sarif,
        "md" | "markdown" => Format::Markdown,
        "html" | "htm" => Format::Html,
        "xml" => Format::Junit,
        _ => Format::Text,
    }
}

/// Pair formats with outputs in order; formats without an output go to stdout
/// (at most one). An output without a format takes its format from its extension.
pub fn plan(
    formats: &[Format],
    outputs: &[PathBuf],
) -> anyhow::Result<Vec<(Format, Option<PathBuf>)>> {
    let mut plan = Vec::new();
    let n = formats.len().max(outputs.len()).max(1);
    for i in 0..n {
        let out = outputs.get(i).cloned();
        let fmt = match (formats.get(i), &out) {
            (Some(f), _) => *f,
            (None, Some(p)) => format_for_path(p),
            (None, None) => Format::Text,
        };
        plan.push((fmt, out));
    }
    if plan.iter().filter(|(_, o)| o.is_none()).count() > 1 {
        bail!(
            "several --format values would all go to standard output: give each one an --output file (formats and outputs pair up in order)"
        );
    }
    Ok(plan)
}

/// Render and write a report according to the plan.
pub fn emit(
    report: &Report,
    catalog: &[CheckInfo],
    plan: &[(Format, Option<PathBuf>)],
) -> anyhow::Result<()> {
    for (format, out) in plan {
        let text = shipshape_report::render(*format, report, catalog)
            .with_context(|| format!("rendering the {} report", format.as_str()))?;
        match out {
            Some(path) => {
                // Files never get terminal colours.
                let text = if *format == Format::Text {
                    anstream::adapter::strip_str(&text).to_string()
                } else {
                    text
                };
                // Never create directories: a typo (or `/nonexistent` as root) must not
                // leave new folders behind.
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    anyhow::bail!(
                        "cannot write {}: the directory {} does not exist (create it first)",
                        path.display(),
                        dir.display()
                    );
                }
                std::fs::write(path, text)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            None if *format == Format::Text => {
                let mut out = anstream::stdout();
                out.write_all(text.as_bytes())?;
            }
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())?;
                if !text.ends_with('\n') {
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    Ok(())
}

/// clap value parser for `--format`.
pub fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

/// Run a scan restricted to a few checks (`secrets`, `audit`), render it, and
/// exit 1 when any of them failed.
/// Run a focused scan and render it; exit 1 when a check fails (or, with
/// `warn_fails`, also when one warns).
pub fn run_focused(
    opts: &shipshape_engine::ScanOptions,
    quiet: bool,
    formats: &[Format],
    outputs: &[PathBuf],
    warn_fails: bool,
) -> anyhow::Result<u8> {
    let plan = plan(formats, outputs)?;
    let spinner = crate::progress::Spinner::new(quiet);
    let out = shipshape_engine::scan(opts, &spinner).map_err(|e| anyhow::anyhow!("{e}"))?;
    spinner.finish();
    emit(&out.report, &out.catalog, &plan)?;
    let found = out.report.units.iter().flat_map(|u| &u.checks).any(|c| {
        c.outcome == shipshape_model::Outcome::Fail
            || (warn_fails && c.outcome == shipshape_model::Outcome::Warn)
    });
    Ok(if found {
        crate::EXIT_GATE
    } else {
        crate::EXIT_OK
    })
}
