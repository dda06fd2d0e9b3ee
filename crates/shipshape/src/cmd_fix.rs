//! `shipshape fix [PATH]`: the changes shipshape can write for failing checks.
//!
//! Dry run by default (a unified diff per fix, grouped by unit and check, with the
//! verdict that asks for it); `--write` applies the safe fixes, `--write --unsafe`
//! the review ones too, then re-scans the fixed checks and shows how they moved.
//! The fixes themselves are built by `shipshape-fix` from the scan's own facts.

use crate::EXIT_OK;
use crate::progress::Spinner;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use shipshape_engine::{EngineError, ScanOptions};
use shipshape_fix::{Applicability, FileEdit, Fix, Plan, Selection};
use shipshape_model::{CheckInfo, Outcome, Report};
use shipshape_report::{FileChange, FixChange, Replacement};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    Text,
    Json,
    /// The scan's SARIF log, each fix attached to the result it answers as SARIF `fixes`.
    Sarif,
}

#[derive(Args)]
pub struct FixArgs {
    /// Repository (or directory) to fix.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Config file (default: PATH/shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the safe fixes (default: print their diffs and change nothing).
    #[arg(long)]
    pub write: bool,
    /// With --write, also apply fixes marked `review` (they change what a workflow,
    /// manifest or image does).
    #[arg(long = "unsafe", requires = "write")]
    pub unsafe_fixes: bool,
    /// Write even when the work tree has uncommitted changes (modified, staged or
    /// untracked files), which the fixes would then be mixed with.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Only fixes for this check (repeatable).
    #[arg(long = "check", value_name = "ID")]
    pub checks: Vec<String>,
    /// Only fixes for this unit (repeatable).
    #[arg(long = "unit", value_name = "NAME")]
    pub units: Vec<String>,
    /// Output: text (diffs), json (the fixes, their edits and diffs) or sarif (the scan's
    /// results carrying their fixes as SARIF `fixes`).
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: FixFormat,
    /// Checklist to judge against (as for `scan`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Leave out paths matching GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// No progress output.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// The report, the catalog it was judged against, and the facts.
type Scanned = (Report, Vec<CheckInfo>, shipshape_facts::Facts);

fn scan(a: &FixArgs, only: Vec<String>) -> anyhow::Result<Scanned> {
    let opts = ScanOptions {
        root: a.path.clone(),
        config: a.config.clone(),
        // Fixes do not need secrets or advisories; the gate is not this command's.
        secrets: Some(false),
        vulns: Some(false),
        exclude: a.exclude.clone(),
        only,
        now: crate::now()?,
        ..ScanOptions::default()
    };
    let spinner = Spinner::new(a.quiet);
    let out = shipshape_engine::scan_keeping_facts(&opts, a.profile.as_deref(), &spinner);
    spinner.finish();
    match out {
        Ok((o, facts)) => Ok((o.report, o.catalog, facts)),
        Err(EngineError::Config(e)) => Err(anyhow::anyhow!("{e}")),
        Err(e) => Err(e).context("scan failed"),
    }
}

pub fn run(a: FixArgs) -> anyhow::Result<u8> {
    let now = crate::now()?;
    let sel = Selection {
        checks: a.checks.clone(),
        units: a.units.clone(),
    };
    // Check ids are validated before scanning: a typo costs no scan.
    if let Some(c) = sel
        .checks
        .iter()
        .find(|c| !shipshape_fix::fixable_checks().contains(&c.as_str()))
    {
        bail!(
            "no fix exists for check `{c}`: fixable checks are {}",
            shipshape_fix::fixable_checks().join(", ")
        );
    }
    let (report, catalog, facts) = scan(&a, sel.checks.clone())?;
    shipshape_fix::validate(&report, &sel)?;
    let inputs = shipshape_fix::read_inputs(&facts, &report, &sel, now);
    let plan = shipshape_fix::generate(&facts, &report, &sel, &inputs, now);
    let diffs: Vec<String> = plan
        .fixes
        .iter()
        .map(|f| {
            shipshape_fix::fix_diff(f, |p| facts.text(p))
                .with_context(|| format!("rendering the fix for {}", f.check_id))
        })
        .collect::<anyhow::Result<_>>()?;
    let chosen: Vec<&Fix> = plan
        .fixes
        .iter()
        .filter(|f| f.applicability == Applicability::Safe || a.unsafe_fixes)
        .collect();
    let applied = if a.write {
        Some(shipshape_fix::apply(&a.path, &chosen, a.allow_dirty)?)
    } else {
        None
    };
    // The checks the written fixes answer, scanned again to show how they moved.
    let moved = match &applied {
        Some(done) if !done.written.is_empty() => {
            let mut ids: Vec<String> = done
                .written
                .iter()
                .map(|&i| chosen[i].check_id.clone())
                .collect();
            ids.sort();
            ids.dedup();
            let (after, _, _) = scan(&a, ids.clone())?;
            Some(outcomes(&report, &after, &ids))
        }
        _ => None,
    };
    let mut out = anstream::stdout().lock();
    match a.format {
        FixFormat::Json => {
            let value = json(&plan, &diffs, &chosen, applied.as_ref(), moved.as_deref());
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        FixFormat::Sarif => {
            let fixes: Vec<FixChange> = plan.fixes.iter().map(|f| sarif_fix(f, &facts)).collect();
            let notes: Vec<String> = plan
                .notes
                .iter()
                .map(|n| format!("{} ({}): {}", n.check_id, n.unit, n.message))
                .collect();
            let log = shipshape_report::render_sarif_with_fixes(&report, &catalog, &fixes, &notes)?;
            out.write_all(log.as_bytes())?;
        }
        FixFormat::Text => text(
            &mut out,
            &a,
            &plan,
            &diffs,
            &chosen,
            applied.as_ref(),
            moved.as_deref(),
        )?,
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// A fix as SARIF renders it: per file, its replacements positioned in the text the
/// scan read (a file to create is an insertion into an empty one).
fn sarif_fix(f: &Fix, facts: &shipshape_facts::Facts) -> FixChange {
    let mut files: Vec<FileChange> = Vec::new();
    for e in &f.edits {
        let r = match e {
            FileEdit::Create { content, .. } => Replacement::in_text("", 0, 0, content.clone()),
            FileEdit::Replace {
                path,
                start,
                end,
                replacement,
                ..
            } => Replacement::in_text(
                facts.text(path).unwrap_or(""),
                *start,
                *end,
                replacement.clone(),
            ),
        };
        match files.iter_mut().find(|c| c.path == e.path()) {
            Some(c) => c.replacements.push(r),
            None => files.push(FileChange {
                path: e.path().to_string(),
                replacements: vec![r],
            }),
        }
    }
    FixChange {
        check_id: f.check_id.clone(),
        unit: f.unit.clone(),
        description: f.description.clone(),
        applicability: f.applicability.as_str().to_string(),
        files,
    }
}

/// `(unit, check, before, after)` for the re-scanned checks.
type Moved = (String, String, Outcome, Outcome);

fn outcomes(before: &Report, after: &Report, ids: &[String]) -> Vec<Moved> {
    let mut out = Vec::new();
    for u in &after.units {
        for c in u.checks.iter().filter(|c| ids.contains(&c.id)) {
            let was = before
                .units
                .iter()
                .find(|b| b.unit.name == u.unit.name)
                .and_then(|b| b.checks.iter().find(|x| x.id == c.id))
                .map_or(Outcome::NotApplicable, |x| x.outcome);
            out.push((u.unit.name.clone(), c.id.clone(), was, c.outcome));
        }
    }
    out
}

fn json(
    plan: &Plan,
    diffs: &[String],
    chosen: &[&Fix],
    applied: Option<&shipshape_fix::Applied>,
    moved: Option<&[Moved]>,
) -> serde_json::Value {
    let fixes: Vec<serde_json::Value> = plan
        .fixes
        .iter()
        .zip(diffs)
        .map(|(f, d)| {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            v["diff"] = d.clone().into();
            if let Some(done) = applied {
                let idx = chosen.iter().position(|c| std::ptr::eq(*c, f));
                let status = match idx {
                    Some(i) if done.written.contains(&i) => "written",
                    Some(_) => "skipped",
                    None => "not-selected",
                };
                v["status"] = status.into();
            }
            v
        })
        .collect();
    let mut v = serde_json::json!({ "fixes": fixes, "notes": plan.notes });
    if let Some(done) = applied {
        v["written"] = serde_json::json!(done.files);
        v["skipped"] = done
            .skipped
            .iter()
            .map(|(i, why)| serde_json::json!({"check_id": chosen[*i].check_id, "why": why}))
            .collect();
    }
    if let Some(m) = moved {
        v["rescan"] = m
            .iter()
            .map(|(u, c, b, a)| serde_json::json!({"unit": u, "check_id": c, "before": b, "after": a}))
            .collect();
    }
    v
}

fn text(
    out: &mut impl Write,
    a: &FixArgs,
    plan: &Plan,
    diffs: &[String],
    chosen: &[&Fix],
    applied: Option<&shipshape_fix::Applied>,
    moved: Option<&[Moved]>,
) -> anyhow::Result<()> {
    use anstyle::{AnsiColor, Style};
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
    let red = Style::new().fg_color(Some(AnsiColor::Red.into()));
    let cyan = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
    let safe = plan
        .fixes
        .iter()
        .filter(|f| f.applicability == Applicability::Safe)
        .count();
    let review = plan.fixes.len() - safe;
    if plan.fixes.is_empty() && plan.notes.is_empty() {
        writeln!(
            out,
            "nothing to fix: no failing or warning check with a fix (fixable checks: {})",
            shipshape_fix::fixable_checks().join(", ")
        )?;
        return Ok(());
    }
    let mut last_unit = "";
    for (f, d) in plan.fixes.iter().zip(diffs) {
        if f.unit != last_unit {
            writeln!(out, "{bold}unit {}{bold:#}", f.unit)?;
            last_unit = &f.unit;
        }
        let tag = match f.applicability {
            Applicability::Safe => format!("{green}safe{green:#}"),
            Applicability::Review => format!("{yellow}review{yellow:#}"),
        };
        writeln!(out, "\n{bold}{}{bold:#} [{tag}]", f.check_id)?;
        writeln!(out, "  why: {}", f.reason)?;
        writeln!(out, "  fix: {}", f.description)?;
        for line in d.lines() {
            let style = if line.starts_with("+++")
                || line.starts_with("---")
                || line.starts_with("diff ")
                || line.starts_with("new file")
            {
                bold
            } else if line.starts_with('+') {
                green
            } else if line.starts_with('-') {
                red
            } else if line.starts_with("@@") {
                cyan
            } else {
                Style::new()
            };
            writeln!(out, "{style}{line}{style:#}")?;
        }
        writeln!(out)?;
    }
    for n in &plan.notes {
        writeln!(
            out,
            "{dim}note{dim:#}: {} ({}): {}",
            n.check_id, n.unit, n.message
        )?;
    }
    match applied {
        None => {
            let mut hint = format!(
                "dry run: nothing written. {} fix(es): {safe} safe, {review} review.",
                plan.fixes.len()
            );
            if safe > 0 {
                hint.push_str(&format!(
                    " `shipshape fix {} --write` applies the safe ones",
                    a.path.display()
                ));
                hint.push_str(if review > 0 {
                    "; add --unsafe for the review ones."
                } else {
                    "."
                });
            } else if review > 0 {
                hint.push_str(&format!(
                    " `shipshape fix {} --write --unsafe` applies them.",
                    a.path.display()
                ));
            }
            writeln!(out, "{hint}")?;
        }
        Some(done) => {
            for path in &done.files {
                writeln!(out, "{green}wrote{green:#} {path}")?;
            }
            for (i, why) in &done.skipped {
                writeln!(
                    out,
                    "{yellow}skipped{yellow:#} {}: {why}",
                    chosen[*i].check_id
                )?;
            }
            if review > 0 && !a.unsafe_fixes {
                writeln!(
                    out,
                    "{review} review fix(es) not applied: pass --unsafe to apply them"
                )?;
            }
            for (u, c, before, after) in moved.unwrap_or_default() {
                writeln!(
                    out,
                    "rescan: {c} ({u}): {} → {}",
                    before.as_str(),
                    after.as_str()
                )?;
            }
        }
    }
    Ok(())
}
