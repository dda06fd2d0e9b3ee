//! `shipshape checks` and `shipshape explain ID`.

use crate::EXIT_OK;
use anstyle::{AnsiColor, Style};
use anyhow::bail;
use clap::Args;
use shipshape_model::{Area, CheckInfo, Severity};
use std::io::Write;

#[derive(Args)]
pub struct ChecksArgs {
    /// Only checks of this area (observability, delivery, rollback, security, ownership,
    /// incident-response, maintenance, documentation, scalability).
    #[arg(long)]
    pub area: Option<Area>,
    /// Only checks of at least this severity.
    #[arg(long)]
    pub severity: Option<Severity>,
    /// Include the live-probe checks (`shipshape probe`).
    #[arg(long)]
    pub probe: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only the checks of this profile: production (default), google-prr, mercari.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Config file whose `[[rule]]` custom checks are listed too (default: ./shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// Check id, e.g. `delivery/gha-actions-pinned` (or a probe check id, or a custom rule id).
    pub id: String,
    /// Config file whose `[[rule]]` custom checks can be explained (default: ./shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

/// The scan catalog of a profile plus the config's custom rules, and the probe checks.
fn all_checks(
    probe: bool,
    profile: Option<&str>,
    config: Option<&std::path::Path>,
) -> anyhow::Result<Vec<CheckInfo>> {
    let config = match config {
        Some(p) => shipshape_engine::Config::load(p),
        None => shipshape_engine::Config::discover(std::path::Path::new(".")),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let profile = shipshape_engine::resolve_profile(profile.or(config.scan.profile.as_deref()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut all = shipshape_engine::effective_catalog(&config, profile);
    if probe {
        all.extend(shipshape_probe::catalog());
    }
    Ok(all)
}

pub fn checks(a: ChecksArgs) -> anyhow::Result<u8> {
    let list: Vec<CheckInfo> = all_checks(a.probe, a.profile.as_deref(), a.config.as_deref())?
        .into_iter()
        .filter(|c| a.area.is_none_or(|ar| c.area == ar))
        .filter(|c| a.severity.is_none_or(|s| c.severity.at_least(s)))
        .collect();
    let mut out = anstream::stdout();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(EXIT_OK);
    }
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let mut area = None;
    for c in &list {
        if area != Some(c.area) {
            area = Some(c.area);
            writeln!(out, "\n{bold}{}{bold:#}", c.area.title())?;
        }
        let sev = severity_style(c.severity);
        writeln!(
            out,
            "  {sev}{:<8}{sev:#} {:<44} {dim}{}{dim:#}",
            c.severity.as_str(),
            c.id,
            c.title
        )?;
    }
    writeln!(
        out,
        "\n{} check(s). `shipshape explain ID` tells more about one.",
        list.len()
    )?;
    Ok(EXIT_OK)
}

pub fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Critical => AnsiColor::Red,
        Severity::High => AnsiColor::Magenta,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Blue,
        Severity::Info => AnsiColor::White,
    };
    Style::new().fg_color(Some(color.into()))
}

pub fn explain(a: ExplainArgs) -> anyhow::Result<u8> {
    // Every check can be explained, whatever profile the config selects.
    let all = all_checks(true, Some("production"), a.config.as_deref())?;
    let Some(c) = all.iter().find(|c| c.id == a.id) else {
        let hint = shipshape_engine::config::suggest(&a.id, all.iter().map(|c| c.id.as_str()))
            .map_or("run `shipshape checks` to list the ids".to_string(), |s| {
                format!("did you mean `{s}`?")
            });
        bail!("unknown check id `{}`: {hint}", a.id);
    };
    let mut out = anstream::stdout();
    let bold = Style::new().bold();
    let sev = severity_style(c.severity);
    writeln!(out, "{bold}{}{bold:#} — {}", c.id, c.title)?;
    writeln!(
        out,
        "area: {}   severity: {sev}{}{sev:#}   applies to: {}\n",
        c.area.as_str(),
        c.severity,
        c.applies_to
    )?;
    for (head, body) in [
        ("Why it matters", &c.rationale),
        ("How it is evaluated", &c.evaluation),
        ("How to fix it", &c.remediation),
    ] {
        writeln!(out, "{bold}{head}{bold:#}\n{}\n", wrap(body, 80))?;
    }
    if !c.references.is_empty() {
        writeln!(out, "{bold}References{bold:#}")?;
        for r in &c.references {
            writeln!(out, "  {r}")?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Waive it in shipshape.toml:\n\n  [[waiver]]\n  check = \"{}\"\n  reason = \"why this is acceptable\"\n  owner = \"you@example.com\"\n  expires = 2027-03-31",
        c.id
    )?;
    Ok(EXIT_OK)
}

/// Wrap prose at `width` columns, indented by two spaces.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for word in text.split_whitespace() {
        if line.len() + word.len() + 1 > width && !line.trim().is_empty() {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out
}
