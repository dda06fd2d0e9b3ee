//! The HTML reporter: one self-contained page (inline CSS, no external assets,
//! no JavaScript) rendered with minijinja from an embedded template.
//!
//! Autoescaping is forced on for every template, built-in or user-supplied,
//! so evidence from a repository or a server can never inject markup. The
//! template receives the raw `report`, the `catalog` (by check id) and a
//! precomputed `view` with what a page needs (percentages, grouped checks,
//! top fixes), so that user templates stay simple.

use crate::RenderError;
use crate::common::{
    LevelVerdict, MAX_FINDINGS, catalog_index, fmt_score, level_name, level_verdict,
    outcome_counts, top_fixes, unit_description, waiver_text,
};
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use shipshape_model::{Area, CheckInfo, CheckResult, Outcome, Report, UnitReport};
use std::collections::BTreeMap;

/// The built-in template (minijinja syntax); a starting point for overrides.
pub const DEFAULT_HTML_TEMPLATE: &str = include_str!("templates/report.html.j2");

#[derive(Serialize)]
struct View {
    title: String,
    is_probe: bool,
    gate_passed: bool,
    gate_reasons: Vec<String>,
    units: Vec<UnitView>,
    /// `score/100 · level` of the roll-up, for multi-unit reports.
    rollup: Option<String>,
    top_fixes: Vec<FixView>,
    diagnostics: Vec<DiagnosticView>,
    stats_line: String,
}

/// One unit as the HTML report shows it: checks grouped by area with their
/// findings, evidence, remediation and waiver wording as the CLI words them. Other
/// HTML pages (the server's dashboard) render it with their own templates; its
/// fields are the `view.units[]` entries documented in `docs/output-formats.md`.
#[derive(Debug, Serialize)]
pub struct UnitView {
    name: String,
    description: String,
    score: String,
    score_pct: f64,
    level: &'static str,
    required: Option<&'static str>,
    /// `met`, `not-met` or `none`.
    requirement: &'static str,
    counts: Vec<CountView>,
    areas: Vec<AreaView>,
}

#[derive(Debug, Serialize)]
struct CountView {
    outcome: &'static str,
    class: &'static str,
    n: usize,
}

#[derive(Debug, Serialize)]
struct AreaView {
    title: &'static str,
    score: String,
    score_pct: f64,
    /// `good`, `fair`, `poor` or `none`, for the bar colour.
    band: &'static str,
    checks: Vec<CheckView>,
}

#[derive(Debug, Serialize)]
struct CheckView {
    id: String,
    title: String,
    severity: &'static str,
    outcome: &'static str,
    class: &'static str,
    symbol: &'static str,
    summary: String,
    findings: Vec<FindingView>,
    more_findings: usize,
    remediation: String,
    waiver: Option<String>,
    baselined: bool,
    rationale: Option<String>,
}

#[derive(Debug, Serialize)]
struct FindingView {
    location: Option<String>,
    message: String,
    snippet: Option<String>,
}

#[derive(Serialize)]
struct FixView {
    unit: String,
    id: String,
    title: String,
    severity: &'static str,
    outcome: &'static str,
    remediation: String,
}

#[derive(Serialize)]
struct DiagnosticView {
    level: &'static str,
    code: String,
    message: String,
    path: Option<String>,
}

fn outcome_class(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Pass => ("pass", "✓"),
        Outcome::Fail => ("fail", "✗"),
        Outcome::Warn => ("warn", "!"),
        Outcome::NotApplicable => ("na", "·"),
        Outcome::Waived => ("waived", "~"),
        Outcome::Error => ("error", "?"),
    }
}

/// A bar width in percent: 0 for no score (or a non-finite one).
fn pct(score: Option<f64>) -> f64 {
    score
        .filter(|s| s.is_finite())
        .unwrap_or(0.0)
        .clamp(0.0, 100.0)
}

fn band(score: Option<f64>) -> &'static str {
    match score.filter(|s| s.is_finite()) {
        None => "none",
        Some(s) if s >= 80.0 => "good",
        Some(s) if s >= 50.0 => "fair",
        Some(_) => "poor",
    }
}

fn check_view(check: &CheckResult, catalog: &BTreeMap<&str, &CheckInfo>) -> CheckView {
    let (class, symbol) = outcome_class(check.outcome);
    let show_findings = matches!(
        check.outcome,
        Outcome::Fail | Outcome::Warn | Outcome::Error | Outcome::Waived
    );
    let findings = if show_findings {
        check
            .findings
            .iter()
            .take(MAX_FINDINGS * 4)
            .map(|f| FindingView {
                location: f.location.as_ref().map(ToString::to_string),
                message: f.message.clone(),
                snippet: f.snippet.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    CheckView {
        id: check.id.clone(),
        title: check.title.clone(),
        severity: check.severity.as_str(),
        outcome: check.outcome.as_str(),
        class,
        symbol,
        summary: check.summary.clone(),
        more_findings: if show_findings {
            check.findings.len().saturating_sub(MAX_FINDINGS * 4)
        } else {
            0
        },
        findings,
        remediation: check.remediation.clone(),
        waiver: check.waiver.as_ref().map(waiver_text),
        baselined: check.baselined,
        rationale: catalog
            .get(check.id.as_str())
            .map(|c| c.rationale.clone())
            .filter(|r| !r.is_empty()),
    }
}

fn unit_view_indexed(unit: &UnitReport, catalog: &BTreeMap<&str, &CheckInfo>) -> UnitView {
    let areas = Area::ALL
        .into_iter()
        .filter_map(|area| {
            let checks: Vec<CheckView> = unit
                .checks
                .iter()
                .filter(|c| c.area == area)
                .map(|c| check_view(c, catalog))
                .collect();
            if checks.is_empty() {
                return None;
            }
            let score = unit.scores.areas.get(&area).and_then(|a| a.score);
            Some(AreaView {
                title: area.title(),
                score: fmt_score(score),
                score_pct: pct(score),
                band: band(score),
                checks,
            })
        })
        .collect();
    UnitView {
        name: unit.unit.name.clone(),
        description: unit_description(unit),
        score: fmt_score(unit.scores.overall),
        score_pct: pct(unit.scores.overall),
        level: level_name(unit.level),
        required: unit.required_level.map(|l| l.as_str()),
        requirement: match level_verdict(unit) {
            LevelVerdict::NotRequired => "none",
            LevelVerdict::Met => "met",
            LevelVerdict::NotMet => "not-met",
        },
        counts: outcome_counts(unit)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| CountView {
                outcome: o.as_str(),
                class: outcome_class(o).0,
                n,
            })
            .collect(),
        areas,
    }
}

/// The view of one unit of a report, for pages other than the HTML report.
pub fn unit_view(unit: &UnitReport, catalog: &[CheckInfo]) -> UnitView {
    let index: BTreeMap<&str, &CheckInfo> = catalog_index(catalog).into_iter().collect();
    unit_view_indexed(unit, &index)
}

fn build_view(report: &Report, catalog: &[CheckInfo]) -> View {
    let index: BTreeMap<&str, &CheckInfo> = catalog_index(catalog).into_iter().collect();
    let is_probe = crate::common::is_probe(report);
    let stats = &report.stats;
    let secs = stats.duration_ms as f64 / 1000.0;
    let stats_line = if is_probe {
        format!("Probed in {secs:.1} s.")
    } else {
        format!(
            "Read {} files ({:.1} MiB) in {secs:.1} s; {} skipped.",
            stats.files_seen,
            stats.bytes_read as f64 / (1024.0 * 1024.0),
            stats.files_skipped
        )
    };
    View {
        title: format!("shipshape {} of {}", report.command, report.target),
        is_probe,
        gate_passed: report.gate.passed,
        gate_reasons: report.gate.reasons.clone(),
        units: report
            .units
            .iter()
            .map(|u| unit_view_indexed(u, &index))
            .collect(),
        rollup: report.rollup.as_ref().map(|r| {
            format!(
                "{} units · mean score {}/100 · lowest level {}",
                r.units,
                fmt_score(r.score),
                level_name(r.level)
            )
        }),
        top_fixes: top_fixes(report)
            .into_iter()
            .map(|f| FixView {
                unit: f.place(),
                id: f.check.id.clone(),
                title: f.check.title.clone(),
                severity: f.check.severity.as_str(),
                outcome: f.check.outcome.as_str(),
                remediation: f.check.remediation.clone(),
            })
            .collect(),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| DiagnosticView {
                level: match d.level {
                    shipshape_model::DiagnosticLevel::Warning => "warning",
                    shipshape_model::DiagnosticLevel::Note => "note",
                },
                code: d.code.clone(),
                message: d.message.clone(),
                path: d.path.clone(),
            })
            .collect(),
        stats_line,
    }
}

fn template_error(e: &minijinja::Error) -> RenderError {
    let mut detail = String::new();
    if let Some(name) = e.name() {
        detail.push_str(name);
        if let Some(line) = e.line() {
            detail.push_str(&format!(" line {line}"));
        }
        detail.push_str(": ");
    }
    detail.push_str(&e.kind().to_string());
    if let Some(d) = e.detail() {
        detail.push_str(&format!(" ({d})"));
    }
    RenderError::Template { detail }
}

/// Render the report as one HTML page with the built-in template.
pub fn render_html(report: &Report, catalog: &[CheckInfo]) -> Result<String, RenderError> {
    render_html_with_template(report, catalog, DEFAULT_HTML_TEMPLATE)
}

/// Render the report with a user-supplied minijinja template. The template sees
/// `report` (the model as in the JSON output), `catalog` (check id → check
/// description) and `view` (see `docs/output-formats.md`). Every value is
/// HTML-escaped unless the template marks it `|safe`. Undefined values render
/// as nothing (minijinja's lenient mode), because the report omits empty
/// optional fields (`findings`, `waiver`, `diagnostics`, ...).
pub fn render_html_with_template(
    report: &Report,
    catalog: &[CheckInfo],
    template: &str,
) -> Result<String, RenderError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    env.add_template("report.html", template)
        .map_err(|e| template_error(&e))?;
    let catalog_map: BTreeMap<&str, &CheckInfo> =
        catalog.iter().map(|c| (c.id.as_str(), c)).collect();
    let ctx = minijinja::context! {
        report => Value::from(Serde(report)),
        catalog => Value::from(Serde(&catalog_map)),
        view => Value::from(Serde(build_view(report, catalog))),
    };
    let tmpl = env
        .get_template("report.html")
        .map_err(|e| template_error(&e))?;
    let mut out = tmpl.render(ctx).map_err(|e| template_error(&e))?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}
