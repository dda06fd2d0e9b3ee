//! The terminal reporter: a per-unit summary, every check on one line grouped
//! by area, evidence under failures and warnings, top fixes, diagnostics and
//! the gate verdict, laid out for an 80-column terminal.
//!
//! ANSI styles are always emitted (via `anstyle`); the CLI writes through
//! `anstream`, which strips them for `NO_COLOR`, pipes and files. This module
//! must not look at the environment or the terminal itself.

use crate::common::{
    self, Fix, LevelVerdict, MAX_FINDINGS, fmt_score, level_name, level_verdict, one_line,
    top_fixes, unit_description, waiver_text,
};
use anstyle::{AnsiColor, Style};
use shipshape_model::{
    Area, ChangeScope, CheckInfo, CheckResult, DiagnosticLevel, Finding, Outcome, Report,
    UnitReport,
};
use std::fmt::Write as _;

/// Target width: lines are wrapped to fit it where the content allows.
const WIDTH: usize = 80;
/// How many diagnostics are listed before "and N more".
const MAX_DIAGNOSTICS: usize = 10;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn fg(color: AnsiColor) -> Style {
    Style::new().fg_color(Some(anstyle::Color::Ansi(color)))
}

/// Wrap `text` in `style`'s escape codes.
fn paint(style: Style, text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{style}{text}{style:#}")
}

/// Symbol and style of an outcome.
fn outcome_mark(outcome: Outcome) -> (&'static str, Style) {
    match outcome {
        Outcome::Pass => ("✓", fg(AnsiColor::Green)),
        Outcome::Fail => ("✗", fg(AnsiColor::Red).bold()),
        Outcome::Warn => ("!", fg(AnsiColor::Yellow).bold()),
        Outcome::NotApplicable => ("·", DIM),
        Outcome::Waived => ("~", fg(AnsiColor::Cyan)),
        Outcome::Error => ("?", fg(AnsiColor::Magenta).bold()),
    }
}

/// Word-wrap `text` to `WIDTH`, the first line starting with `first` and the
/// rest with `rest` (both plain text, measured in characters). Words longer
/// than a line are kept whole rather than split.
fn wrap(text: &str, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut width = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !empty && width + 1 + w > WIDTH {
            lines.push(std::mem::take(&mut line));
            line.push_str(rest);
            width = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            width += 1;
        }
        line.push_str(word);
        width += w;
        empty = false;
    }
    lines.push(line);
    lines
}

/// Append wrapped lines, each styled with `style`, to `out`.
fn push_wrapped(out: &mut String, text: &str, indent: &str, hang: &str, style: Style) {
    // Wrap with the indents included in the width, then style only the text part.
    for (i, line) in wrap(text, indent, hang).into_iter().enumerate() {
        let prefix = if i == 0 { indent } else { hang };
        let body = line.strip_prefix(prefix).unwrap_or(&line);
        let _ = writeln!(out, "{prefix}{}", paint(style, body));
    }
}

/// Make a string safe to print on a terminal: line breaks and tabs become
/// spaces, other control characters (ESC above all, which could restyle or
/// rewrite the terminal) become U+FFFD. Evidence comes from untrusted files
/// and servers.
fn clean(s: &mut String) {
    if s.chars().any(char::is_control) {
        *s = s
            .chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect();
    }
}

/// A copy of the report with every string [`clean`]ed.
fn cleaned(report: &Report) -> Report {
    let mut r = report.clone();
    for s in [
        &mut r.tool.name,
        &mut r.tool.version,
        &mut r.command,
        &mut r.target,
        &mut r.profile,
        &mut r.generated_at,
    ] {
        clean(s);
    }
    r.gate.reasons.iter_mut().for_each(clean);
    for d in &mut r.diagnostics {
        clean(&mut d.code);
        clean(&mut d.message);
        d.path.iter_mut().for_each(clean);
    }
    if let Some(c) = &mut r.changes {
        clean(&mut c.since);
        c.repository_wide.iter_mut().for_each(clean);
        for u in c.judged.iter_mut().chain(c.skipped.iter_mut()) {
            clean(&mut u.name);
            clean(&mut u.path);
            clean(&mut u.reason);
        }
    }
    for u in &mut r.units {
        clean(&mut u.unit.name);
        clean(&mut u.unit.path);
        clean(&mut u.unit.kind_source);
        u.unit.owner.iter_mut().for_each(clean);
        for c in &mut u.checks {
            clean(&mut c.id);
            clean(&mut c.title);
            clean(&mut c.summary);
            clean(&mut c.remediation);
            if let Some(w) = &mut c.waiver {
                clean(&mut w.reason);
                w.owner.iter_mut().for_each(clean);
                w.expires.iter_mut().for_each(clean);
            }
            for f in &mut c.findings {
                clean(&mut f.message);
                f.snippet.iter_mut().for_each(clean);
                if let Some(l) = &mut f.location {
                    clean(&mut l.path);
                }
            }
        }
    }
    r
}

/// Render the report for a terminal.
pub fn render_text(report: &Report, catalog: &[CheckInfo]) -> String {
    let report = &cleaned(report);
    let index = common::catalog_index(catalog);
    let mut out = String::new();
    let what = if common::is_probe(report) {
        "probe of"
    } else {
        "scan of"
    };
    let _ = writeln!(
        out,
        "{} {} {} {}",
        paint(BOLD, &report.tool.name),
        report.tool.version,
        what,
        paint(BOLD, &report.target),
    );
    let _ = writeln!(
        out,
        "{}",
        paint(
            DIM,
            &format!("profile {} · {}", report.profile, report.generated_at)
        )
    );

    if let Some(c) = &report.changes {
        render_changes(&mut out, c);
    }
    if report.units.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if report.changes.is_some() {
                "The change touches no unit: nothing to judge."
            } else {
                "No unit was found to judge."
            }
        );
    }
    if let Some(r) = &report.rollup {
        let _ = writeln!(
            out,
            "\n{}  {}\n  score {}  level {}",
            paint(BOLD.underline(), "Repository"),
            paint(
                DIM,
                &format!("roll-up of {} units: mean score, lowest level", r.units)
            ),
            paint(BOLD, &format!("{}/100", fmt_score(r.score))),
            paint(BOLD, level_name(r.level))
        );
    }
    for unit in &report.units {
        out.push('\n');
        render_unit(&mut out, unit);
    }

    let fixes = top_fixes(report);
    if !fixes.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Top fixes"));
        let many_units = report.units.len() > 1;
        for (i, fix) in fixes.iter().enumerate() {
            // A result repeats its remediation; the catalog is the fallback for older reports.
            let remediation = if fix.check.remediation.is_empty() {
                index
                    .get(fix.check.id.as_str())
                    .map_or("", |c| c.remediation.as_str())
            } else {
                fix.check.remediation.as_str()
            };
            render_fix(&mut out, i + 1, fix, remediation, many_units);
        }
    }

    render_diagnostics(&mut out, report);
    render_gate(&mut out, report);
    render_stats(&mut out, report);
    out
}

/// `scan --changed-since`: what changed, which units that judged and which it left out.
fn render_changes(out: &mut String, c: &ChangeScope) {
    let short = |id: &str| id.chars().take(12).collect::<String>();
    let files = |n: u64| format!("{n} changed file{}", if n == 1 { "" } else { "s" });
    let mut head = format!(
        "{} since {} (merge base {}, HEAD {})",
        files(c.changed_files),
        c.since,
        short(&c.base),
        short(&c.head)
    );
    if c.uncommitted_files > 0 {
        let _ = write!(head, ", {} not committed", c.uncommitted_files);
    }
    out.push('\n');
    for (i, line) in wrap(&format!("Changes: {head}"), "", "  ")
        .into_iter()
        .enumerate()
    {
        match line.strip_prefix("Changes:").filter(|_| i == 0) {
            Some(rest) => {
                let _ = writeln!(out, "{}{rest}", paint(BOLD, "Changes:"));
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if let Some(why) = &c.repository_wide {
        push_wrapped(
            out,
            &format!("every unit judged: {why}"),
            "  ",
            "    ",
            Style::new(),
        );
    }
    for (word, list, style) in [
        ("judged", &c.judged, fg(AnsiColor::Green)),
        ("skipped", &c.skipped, DIM),
    ] {
        for u in list {
            let text = format!("{word} {} ({}): {}", u.name, u.path, u.reason);
            let lines = wrap(&text, "  ", "      ");
            for (i, line) in lines.into_iter().enumerate() {
                match line.trim_start().strip_prefix(word).filter(|_| i == 0) {
                    Some(rest) => {
                        let _ = writeln!(out, "  {}{rest}", paint(style, word));
                    }
                    None => {
                        let _ = writeln!(out, "{line}");
                    }
                }
            }
        }
    }
}

fn render_unit(out: &mut String, unit: &UnitReport) {
    let _ = writeln!(
        out,
        "{}  {}",
        paint(BOLD.underline(), &unit.unit.name),
        paint(DIM, &unit_description(unit))
    );
    let mut line = format!(
        "  score {}  level {}",
        paint(BOLD, &format!("{}/100", fmt_score(unit.scores.overall))),
        paint(BOLD, level_name(unit.level))
    );
    if let Some(required) = unit.required_level {
        let verdict = match level_verdict(unit) {
            LevelVerdict::Met => paint(fg(AnsiColor::Green), "met"),
            _ => paint(fg(AnsiColor::Red).bold(), "not met"),
        };
        let _ = write!(line, "  required {required}: {verdict}");
    }
    let _ = writeln!(out, "{line}");

    for area in Area::ALL {
        let checks: Vec<&CheckResult> = unit.checks.iter().filter(|c| c.area == area).collect();
        if checks.is_empty() {
            continue;
        }
        let score = unit.scores.areas.get(&area).and_then(|a| a.score);
        let _ = writeln!(
            out,
            "\n  {}  {}",
            paint(BOLD, area.title()),
            paint(DIM, &fmt_score(score))
        );
        for check in checks {
            render_check(out, check);
        }
    }
}

fn render_check(out: &mut String, check: &CheckResult) {
    let (symbol, style) = outcome_mark(check.outcome);
    let mut title = check.title.clone();
    if check.baselined {
        title.push_str(" (in baseline)");
    }
    // `    ✓ critical title  id`: the id goes on the same line when it fits.
    let head_plain = format!("    {symbol} {:<8} {title}", check.severity.as_str());
    let head = format!(
        "    {} {:<8} {}",
        paint(style, symbol),
        check.severity.as_str(),
        if check.outcome == Outcome::NotApplicable {
            paint(DIM, &title)
        } else {
            title.clone()
        }
    );
    if head_plain.chars().count() + 2 + check.id.chars().count() <= WIDTH {
        let _ = writeln!(out, "{head}  {}", paint(DIM, &check.id));
    } else {
        let _ = writeln!(out, "{head}");
        let _ = writeln!(out, "               {}", paint(DIM, &check.id));
    }

    const DETAIL: &str = "               ";
    match check.outcome {
        Outcome::Fail | Outcome::Warn | Outcome::Error => {
            if !check.summary.is_empty() {
                push_wrapped(out, &one_line(&check.summary), DETAIL, DETAIL, Style::new());
            }
            render_findings(out, &check.findings);
        }
        Outcome::Waived => {
            if let Some(w) = &check.waiver {
                push_wrapped(
                    out,
                    &format!("waived: {}", one_line(&waiver_text(w))),
                    DETAIL,
                    DETAIL,
                    fg(AnsiColor::Cyan),
                );
            }
        }
        Outcome::Pass | Outcome::NotApplicable => {}
    }
}

fn render_findings(out: &mut String, findings: &[Finding]) {
    const INDENT: &str = "               ";
    const HANG: &str = "                   ";
    for finding in findings.iter().take(MAX_FINDINGS) {
        let message = one_line(&finding.message);
        match &finding.location {
            Some(loc) => {
                let loc = loc.to_string();
                let first = format!("{INDENT}{loc}  ");
                // Continue under the message when that leaves it a useful width.
                let aligned = " ".repeat(first.chars().count());
                let hang = if first.chars().count() + 30 <= WIDTH {
                    aligned.as_str()
                } else {
                    HANG
                };
                for (i, line) in wrap(&message, &first, hang).into_iter().enumerate() {
                    if i == 0 {
                        let body = line.strip_prefix(&first).unwrap_or(&line);
                        let _ = writeln!(out, "{INDENT}{}  {body}", paint(BOLD, &loc));
                    } else {
                        let _ = writeln!(out, "{line}");
                    }
                }
            }
            None => push_wrapped(out, &message, INDENT, HANG, Style::new()),
        }
    }
    if findings.len() > MAX_FINDINGS {
        let _ = writeln!(
            out,
            "{INDENT}{}",
            paint(
                DIM,
                &format!("… and {} more", findings.len() - MAX_FINDINGS)
            )
        );
    }
}

fn render_fix(out: &mut String, n: usize, fix: &Fix<'_>, remediation: &str, many_units: bool) {
    let (symbol, style) = outcome_mark(fix.check.outcome);
    let mut head = format!(
        "  {n}. {} {} {}",
        paint(style, symbol),
        fix.check.severity,
        paint(BOLD, &fix.check.title)
    );
    if many_units {
        let _ = write!(head, " {}", paint(DIM, &format!("in {}", fix.place())));
    }
    let _ = writeln!(out, "{head}");
    let _ = writeln!(out, "       {}", paint(DIM, &fix.check.id));
    if !remediation.is_empty() {
        push_wrapped(
            out,
            &one_line(remediation),
            "       ",
            "       ",
            Style::new(),
        );
    }
}

fn render_diagnostics(out: &mut String, report: &Report) {
    if report.diagnostics.is_empty() {
        return;
    }
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Warning)
        .count();
    let notes = report.diagnostics.len() - warnings;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "\n{} {}",
        paint(BOLD, "Diagnostics:"),
        [plural(warnings, "warning"), plural(notes, "note")].join(", ")
    );
    for d in report.diagnostics.iter().take(MAX_DIAGNOSTICS) {
        let (mark, style) = match d.level {
            DiagnosticLevel::Warning => ("!", fg(AnsiColor::Yellow)),
            DiagnosticLevel::Note => ("i", DIM),
        };
        let mut text = format!("{} {}", d.code, one_line(&d.message));
        if let Some(path) = d.path.as_ref().filter(|p| !d.message.contains(p.as_str())) {
            let _ = write!(text, " ({path})");
        }
        let lines = wrap(&text, "    ", "      ");
        for (i, line) in lines.into_iter().enumerate() {
            if i == 0 {
                let _ = writeln!(out, "  {} {}", paint(style, mark), line.trim_start());
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if report.diagnostics.len() > MAX_DIAGNOSTICS {
        let _ = writeln!(
            out,
            "    {}",
            paint(
                DIM,
                &format!(
                    "… and {} more (see the JSON report)",
                    report.diagnostics.len() - MAX_DIAGNOSTICS
                )
            )
        );
    }
}

fn render_gate(out: &mut String, report: &Report) {
    let gate = &report.gate;
    let verdict = if gate.passed {
        paint(fg(AnsiColor::Green).bold(), "passed")
    } else {
        paint(fg(AnsiColor::Red).bold(), "FAILED")
    };
    let mut conditions = Vec::new();
    if let Some(score) = gate.fail_under {
        conditions.push(format!("fail under {score}"));
    }
    if let Some(sev) = gate.fail_on {
        conditions.push(format!("fail on {sev}"));
    }
    if let Some(level) = gate.min_level {
        conditions.push(format!("min level {level}"));
    }
    if gate.baseline {
        conditions.push("new findings only".to_string());
    }
    let conditions = if conditions.is_empty() {
        String::new()
    } else {
        format!(" {}", paint(DIM, &format!("({})", conditions.join(", "))))
    };
    let _ = writeln!(out, "\n{} {verdict}{conditions}", paint(BOLD, "Gate:"));
    for reason in &gate.reasons {
        push_wrapped(out, &one_line(reason), "  - ", "    ", Style::new());
    }
}

fn render_stats(out: &mut String, report: &Report) {
    let s = &report.stats;
    let secs = s.duration_ms as f64 / 1000.0;
    let line = if common::is_probe(report) {
        format!("Probed in {secs:.1} s.")
    } else {
        let mib = s.bytes_read as f64 / (1024.0 * 1024.0);
        let mut l = format!("Read {} files ({mib:.1} MiB) in {secs:.1} s", s.files_seen);
        if s.files_skipped > 0 {
            let _ = write!(l, "; {} skipped", s.files_skipped);
        }
        l.push('.');
        l
    };
    let _ = writeln!(out, "{}", paint(DIM, &line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_indents() {
        let text = "word ".repeat(40);
        let lines = wrap(&text, "  - ", "    ");
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
        assert!(lines[0].starts_with("  - word"));
        assert!(lines[1].starts_with("    word"));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let mut s = "a\u{1b}[2Jb\nc\u{7}".to_string();
        clean(&mut s);
        assert_eq!(s, "a\u{fffd}[2Jb c\u{fffd}");
    }

    #[test]
    fn wrap_keeps_overlong_words_whole() {
        let long = "x".repeat(100);
        let lines = wrap(&format!("a {long} b"), "", "");
        assert_eq!(lines, vec!["a".to_string(), long, "b".to_string()]);
    }
}
