//! The Markdown reporter: GitHub-flavoured Markdown for a pull-request comment
//! or `$GITHUB_STEP_SUMMARY`.
//!
//! Everything taken from the report is escaped: evidence can hold any text a
//! repository or a server produced, and must not break tables, open HTML tags
//! or notify people with `@mentions`. The output stays under GitHub's comment
//! limit; past it, whole entries are dropped and a note says so.

use crate::common::{
    LevelVerdict, MAX_FINDINGS, fmt_score, level_name, level_verdict, one_line, top_fixes,
    truncate_chars, unit_description, waiver_text,
};
use shipshape_model::{Area, CheckInfo, CheckResult, Finding, Outcome, Report, UnitReport};
use std::fmt::Write as _;

/// GitHub's limit on a comment body (65,536 characters). The output is kept
/// under it in bytes, which is stricter.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Room kept for the truncation note and the closing tags.
const RESERVE: usize = 512;

/// Escape text for Markdown prose or a table cell: Markdown punctuation is
/// backslash-escaped, `<`, `>` and `&` become entities, `@` becomes an entity
/// so that it never mentions anyone, and line breaks become spaces.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A code span holding `s` verbatim: the fence is one backtick longer than the
/// longest run inside, padded with spaces when `s` starts or ends with one.
/// `|` is still escaped, since GitHub splits table cells before code spans.
pub(crate) fn code_span(s: &str, in_table: bool) -> String {
    let s = one_line(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_table { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A finding's message: balanced backticks stay code spans (messages quote
/// names like `actions/checkout@v4` that way), everything else is escaped.
pub(crate) fn escape_message(s: &str) -> String {
    let s = one_line(s);
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of backticks: no safe pairing, escape them all.
        return escape_text(&s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                escape_text(part)
            } else {
                code_span(part, false)
            }
        })
        .collect()
}

/// Appends whole blocks while they fit under the limit.
struct Budget {
    out: String,
    limit: usize,
    dropped: usize,
}

impl Budget {
    /// Append `block` if it fits; otherwise count it as dropped. Once a block
    /// is dropped, later ones are too, so the output never has holes.
    fn push(&mut self, block: &str) {
        if self.dropped == 0 && self.out.len() + block.len() <= self.limit {
            self.out.push_str(block);
        } else {
            self.dropped += 1;
        }
    }

    /// Append a closing piece (a `</details>`) that opened successfully; it is
    /// paid for by the reserve.
    fn close(&mut self, block: &str) {
        self.out.push_str(block);
    }
}

fn finding_line(f: &Finding) -> String {
    let mut line = String::from("  - ");
    if let Some(loc) = &f.location {
        let _ = write!(line, "{} ", code_span(&loc.to_string(), false));
    }
    line.push_str(&escape_message(&f.message));
    if let Some(snippet) = &f.snippet {
        let _ = write!(
            line,
            " — {}",
            code_span(&truncate_chars(snippet, 120), false)
        );
    }
    line.push('\n');
    line
}

/// One failing, warning or errored check, with its evidence and fix.
fn check_block(check: &CheckResult) -> String {
    let mut b = format!(
        "- **{}** · {} ({})",
        check.severity,
        escape_text(&check.title),
        code_span(&check.id, false)
    );
    if check.baselined {
        b.push_str(" · in baseline");
    }
    if !check.summary.is_empty() {
        let _ = write!(b, " — {}", escape_message(&check.summary));
    }
    b.push('\n');
    for f in check.findings.iter().take(MAX_FINDINGS) {
        b.push_str(&finding_line(f));
    }
    if check.findings.len() > MAX_FINDINGS {
        let _ = writeln!(b, "  - … and {} more", check.findings.len() - MAX_FINDINGS);
    }
    if check.outcome != Outcome::Error && !check.remediation.is_empty() {
        let _ = writeln!(b, "  - **Fix:** {}", escape_message(&check.remediation));
    }
    b
}

fn unit_heading(unit: &UnitReport) -> String {
    let mut h = format!(
        "### {} — score {}, level {}",
        escape_text(&unit.unit.name),
        fmt_score(unit.scores.overall),
        level_name(unit.level)
    );
    if let Some(req) = unit.required_level {
        let verdict = match level_verdict(unit) {
            LevelVerdict::Met => "met",
            _ => "**not met**",
        };
        let _ = write!(h, " (required {req}: {verdict})");
    }
    let _ = write!(h, "\n\n{}\n\n", escape_text(&unit_description(unit)));
    h
}

fn area_table(unit: &UnitReport) -> String {
    let mut t = String::from(
        "| Area | Score | Pass | Warn | Fail | Waived | N/A | Error |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for area in Area::ALL {
        if let Some(s) = unit.scores.areas.get(&area) {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                area.title(),
                fmt_score(s.score),
                s.passed,
                s.warned,
                s.failed,
                s.waived,
                s.not_applicable,
                s.errored
            );
        }
    }
    t.push('\n');
    t
}

fn render_unit(b: &mut Budget, unit: &UnitReport) {
    b.push(&unit_heading(unit));
    b.push(&area_table(unit));

    for (outcome, title) in [
        (Outcome::Fail, "Failing checks"),
        (Outcome::Error, "Checks that could not decide"),
        (Outcome::Warn, "Warnings"),
    ] {
        let checks: Vec<&CheckResult> = unit.with_outcome(outcome).collect();
        if checks.is_empty() {
            continue;
        }
        b.push(&format!("**{title} ({})**\n\n", checks.len()));
        for check in checks {
            b.push(&check_block(check));
        }
        b.push("\n");
    }

    let waived: Vec<&CheckResult> = unit.with_outcome(Outcome::Waived).collect();
    if !waived.is_empty() {
        b.push(&format!("**Waived ({})**\n\n", waived.len()));
        for check in waived {
            let why = check
                .waiver
                .as_ref()
                .map_or_else(|| "no waiver recorded".to_string(), waiver_text);
            b.push(&format!(
                "- {} ({}) — {}\n",
                escape_text(&check.title),
                code_span(&check.id, false),
                escape_message(&why)
            ));
        }
        b.push("\n");
    }

    let na = unit.with_outcome(Outcome::NotApplicable).count();
    if na > 0 {
        b.push(&format!(
            "{na} check{} not applicable to this unit.\n\n",
            if na == 1 { "" } else { "s" }
        ));
    }

    let passing: Vec<&CheckResult> = unit.with_outcome(Outcome::Pass).collect();
    if !passing.is_empty() {
        let open = format!(
            "<details><summary>Passing checks ({})</summary>\n\n",
            passing.len()
        );
        let before = b.dropped;
        b.push(&open);
        if b.dropped == before {
            for check in passing {
                b.push(&format!(
                    "- {} ({})\n",
                    escape_text(&check.title),
                    code_span(&check.id, false)
                ));
            }
            b.close("\n</details>\n\n");
        }
    }
}

/// Render the report as GitHub-flavoured Markdown, at most
/// [`GITHUB_COMMENT_LIMIT`] bytes.
pub fn render_markdown(report: &Report, catalog: &[CheckInfo]) -> String {
    render_markdown_limited(report, catalog, GITHUB_COMMENT_LIMIT)
}

/// As [`render_markdown`], with the size limit as a parameter (for tests).
pub(crate) fn render_markdown_limited(
    report: &Report,
    _catalog: &[CheckInfo],
    limit: usize,
) -> String {
    let mut b = Budget {
        out: String::new(),
        limit: limit.saturating_sub(RESERVE),
        dropped: 0,
    };
    let verdict = if report.gate.passed {
        "passed"
    } else {
        "failed"
    };
    b.push(&format!(
        "## shipshape {}: gate {verdict}\n\n",
        escape_text(&report.command)
    ));
    b.push(&format!(
        "Target {} · profile {} · {} {} · {}\n\n",
        code_span(&report.target, false),
        code_span(&report.profile, false),
        escape_text(&report.tool.name),
        escape_text(&report.tool.version),
        escape_text(&report.generated_at)
    ));
    if !report.gate.passed && !report.gate.reasons.is_empty() {
        let mut g = String::from("**Gate failed because:**\n\n");
        for r in &report.gate.reasons {
            let _ = writeln!(g, "- {}", escape_message(r));
        }
        g.push('\n');
        b.push(&g);
    }
    if let Some(c) = &report.changes {
        let mut t = format!(
            "**Changes since {}**: {} file{} (merge base {}); judged {} unit{}, skipped {}.\n\n",
            code_span(&c.since, false),
            c.changed_files,
            if c.changed_files == 1 { "" } else { "s" },
            code_span(&c.base.chars().take(12).collect::<String>(), false),
            c.judged.len(),
            if c.judged.len() == 1 { "" } else { "s" },
            c.skipped.len()
        );
        if let Some(why) = &c.repository_wide {
            let _ = writeln!(t, "Every unit judged: {}\n", escape_message(why));
        }
        if !c.skipped.is_empty() {
            t.push_str("<details><summary>Skipped units</summary>\n\n");
            for u in &c.skipped {
                let _ = writeln!(
                    t,
                    "- {} ({}): {}",
                    escape_text(&u.name),
                    code_span(&u.path, false),
                    escape_message(&u.reason)
                );
            }
            t.push_str("\n</details>\n\n");
        }
        b.push(&t);
    }
    if report.units.len() > 1 {
        let mut t =
            String::from("| Unit | Kind | Score | Level | Required |\n|---|---|---:|---|---|\n");
        for u in &report.units {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} |",
                escape_text(&u.unit.name),
                u.unit.kind,
                fmt_score(u.scores.overall),
                level_name(u.level),
                match (u.required_level, level_verdict(u)) {
                    (Some(l), LevelVerdict::Met) => format!("{l} (met)"),
                    (Some(l), _) => format!("{l} (**not met**)"),
                    (None, _) => "—".to_string(),
                }
            );
        }
        if let Some(r) = &report.rollup {
            let _ = writeln!(
                t,
                "| **Repository** (roll-up of {} units) | — | **{}** | **{}** | — |",
                r.units,
                fmt_score(r.score),
                level_name(r.level)
            );
        }
        t.push('\n');
        b.push(&t);
    }

    let fixes = top_fixes(report);
    if !fixes.is_empty() {
        let mut t = String::from("**Top fixes**\n\n");
        for (i, fix) in fixes.iter().enumerate() {
            let _ = write!(
                t,
                "{}. **{}** · {} ({})",
                i + 1,
                fix.check.severity,
                escape_text(&fix.check.title),
                code_span(&fix.check.id, false)
            );
            if report.units.len() > 1 {
                let _ = write!(t, " in {}", escape_text(&fix.place()));
            }
            let _ = writeln!(t, " — {}", escape_message(&fix.check.remediation));
        }
        t.push('\n');
        b.push(&t);
    }

    for unit in &report.units {
        render_unit(&mut b, unit);
    }

    if !report.diagnostics.is_empty() {
        b.push(&format!(
            "**Diagnostics ({})**\n\n",
            report.diagnostics.len()
        ));
        for d in &report.diagnostics {
            let mut line = format!(
                "- {} {}: {}",
                match d.level {
                    shipshape_model::DiagnosticLevel::Warning => "warning",
                    shipshape_model::DiagnosticLevel::Note => "note",
                },
                code_span(&d.code, false),
                escape_message(&d.message)
            );
            if let Some(p) = &d.path {
                let _ = write!(line, " ({})", code_span(p, false));
            }
            line.push('\n');
            b.push(&line);
        }
        b.push("\n");
    }

    if b.dropped > 0 {
        let note = format!(
            "\n> [!NOTE]\n> This summary was cut to fit GitHub's {GITHUB_COMMENT_LIMIT}-character limit ({} more entries left out). The JSON, SARIF or HTML report has everything.\n",
            b.dropped
        );
        b.close(&note);
    }
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escaping_neutralises_markup() {
        assert_eq!(escape_text("a|b"), "a\\|b");
        assert_eq!(escape_text("<script>"), "&lt;script&gt;");
        assert_eq!(escape_text("@team"), "&#64;team");
        assert_eq!(escape_text("`x`"), "\\`x\\`");
        assert_eq!(escape_text("a\nb"), "a b");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("a", false), "`a`");
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`a", false), "`` `a ``");
        assert_eq!(code_span("a|b", true), "`a\\|b`");
    }

    #[test]
    fn messages_keep_balanced_code_and_escape_the_rest() {
        assert_eq!(
            escape_message("`actions/checkout@v4` is not <pinned>"),
            "`actions/checkout@v4` is not &lt;pinned&gt;"
        );
        assert_eq!(escape_message("odd ` tick"), "odd \\` tick");
    }
}
