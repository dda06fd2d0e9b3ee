//! The GitHub Actions reporter: one workflow command per finding
//! (`::error file=…,line=…,title=…::message`), which the runner turns into an
//! annotation on the pull request's diff and the run's summary, with no code
//! scanning, no token and no upload.
//!
//! Levels: a failure is an `error`, a warning a `warning`; a failure of an
//! `info` check, a finding the baseline already had, and a check that could not
//! decide are `notice`s (shown, never alarming). The gate's verdict comes first,
//! then the annotations most severe first: GitHub shows only the first ten of each
//! level per step, and those must be the ones that matter.
//!
//! Escaping follows the runner's rules for workflow commands: in the message
//! `%`, CR and LF become `%25`, `%0D` and `%0A`; in a property value `:` and `,`
//! also become `%3A` and `%2C`. Every command is therefore exactly one line, and no
//! text taken from a repository can end a command early or start another.

use crate::common::{Issue, fmt_score, is_probe, issues, level_name, one_line, path_from_start};
use shipshape_model::{CheckInfo, Outcome, Report, Severity};
use std::fmt::Write as _;

/// Escape workflow-command data (the message after `::`).
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escape a workflow-command property value (`file=`, `title=`…): as data, and `:` and
/// `,` too.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

/// The annotation levels, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

fn level_of(issue: &Issue<'_>) -> Level {
    let check = issue.check;
    match check.outcome {
        _ if check.baselined => Level::Notice,
        Outcome::Fail if check.severity == Severity::Info => Level::Notice,
        Outcome::Fail => Level::Error,
        Outcome::Warn => Level::Warning,
        _ => Level::Notice,
    }
}

struct Line {
    level: Level,
    severity: Severity,
    properties: Vec<(&'static str, String)>,
    message: String,
}

fn line_for(report: &Report, many_units: bool, issue: &Issue<'_>) -> Line {
    let check = issue.check;
    let mut message = String::new();
    if many_units {
        let _ = write!(message, "[{}] ", issue.unit.unit.name);
    }
    match (check.outcome, issue.finding) {
        (Outcome::Error, _) => {
            let _ = write!(message, "could not decide: {}", check.summary);
        }
        (_, Some(f)) => message.push_str(&f.message),
        (_, None) if check.summary.is_empty() => message.push_str(&check.title),
        (_, None) => message.push_str(&check.summary),
    }
    let location = issue.finding.and_then(|f| f.location.as_ref());
    let mut properties = Vec::new();
    match location {
        // A probe's locations are requests (`GET /healthz`), not files.
        Some(l) if is_probe(report) => {
            let _ = write!(message, " ({l})");
        }
        Some(l) if !l.path.is_empty() => {
            properties.push(("file", path_from_start(report, &l.path)));
            if let Some(line) = l.line.filter(|&n| n >= 1) {
                properties.push(("line", line.to_string()));
                if let Some(col) = l.column.filter(|&c| c >= 1) {
                    properties.push(("col", col.to_string()));
                }
            }
        }
        _ => {}
    }
    if check.baselined {
        message.push_str(" (already in the baseline)");
    }
    if check.outcome != Outcome::Error && !check.remediation.is_empty() {
        let _ = write!(message, "\nFix: {}", check.remediation);
    }
    properties.push((
        "title",
        format!(
            "{} [{}, {}]",
            one_line(&check.title),
            check.id,
            check.severity
        ),
    ));
    Line {
        level: level_of(issue),
        severity: check.severity,
        properties,
        message,
    }
}

fn gate_line(report: &Report) -> Line {
    let units: Vec<String> = report
        .units
        .iter()
        .map(|u| {
            format!(
                "{} score {} level {}",
                u.unit.name,
                fmt_score(u.scores.overall),
                level_name(u.level)
            )
        })
        .collect();
    let (level, mut message) = if report.gate.passed {
        (Level::Notice, "the gate holds".to_string())
    } else {
        (Level::Error, "the gate does not hold".to_string())
    };
    for reason in &report.gate.reasons {
        let _ = write!(message, "\n- {reason}");
    }
    if !units.is_empty() {
        let _ = write!(message, "\n{}", units.join("; "));
    }
    Line {
        level,
        severity: Severity::Critical,
        properties: vec![("title", format!("shipshape {}", report.command))],
        message,
    }
}

/// Render the report as GitHub Actions workflow commands, one per line.
pub fn render_github(report: &Report, _catalog: &[CheckInfo]) -> String {
    let many_units = report.units.len() > 1;
    let mut lines: Vec<Line> = issues(report)
        .iter()
        .map(|issue| line_for(report, many_units, issue))
        .collect();
    // Stable: report order within a level and severity.
    lines.sort_by_key(|l| (l.level, l.severity));
    let mut out = String::new();
    for line in std::iter::once(gate_line(report)).chain(lines) {
        out.push_str("::");
        out.push_str(line.level.command());
        for (i, (key, value)) in line.properties.iter().enumerate() {
            out.push(if i == 0 { ' ' } else { ',' });
            out.push_str(key);
            out.push('=');
            out.push_str(&escape_property(value));
        }
        out.push_str("::");
        out.push_str(&escape_data(&line.message));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50%\r\nnext: a, b"), "50%25%0D%0Anext: a, b");
        // `%` first, so an escape already in the text is not decoded by the runner.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a: b, c"), "a%3A b%2C c");
        assert_eq!(escape_property("x%\ny"), "x%25%0Ay");
        assert_eq!(escape_property("C:\\dir,1"), "C%3A\\dir%2C1");
    }
}
