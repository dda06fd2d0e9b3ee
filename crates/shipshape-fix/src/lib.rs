//! `shipshape fix`: changes a team can review and merge, built from the facts of a scan.
//!
//! ```text
//! scan (facts + verdicts) → for each failing or warning check with a fix:
//!     fix(facts, unit, verdict) → [Fix { edits }] → dedupe → diff | apply
//! ```
//!
//! A fix is one file under `fixes/`, holding its documentation and a pure function
//! from [`FixCtx`] (the facts the checks saw, the unit, the verdict) to a list of
//! [`Fix`]es. A fix never reads the disk, the network, the clock or the
//! environment: the inputs that need the disk (git history) are read once, by the
//! facts crate, before any fix runs ([`generate`]). Only [`apply`] writes, and only
//! inside the scanned tree.
//!
//! Every fix states its [`Applicability`], as ruff does: **safe** when it creates
//! a file that does not exist or makes an edit that cannot change behaviour;
//! **review** when it edits a manifest, workflow or other file whose behaviour it
//! changes. An edit either creates a file or replaces one byte range of an
//! existing file, so that everything else (comments, order, formatting) stays
//! byte for byte.

mod apply;
mod diff;
pub mod fixes;
#[cfg(test)]
mod fixture_tests;

pub use apply::{Applied, ApplyError, apply, check_paths};
pub use diff::{EditError, edited_text, fix_diff, unified_diff};
pub use fixes::{FixDef, registry};

use serde::Serialize;
use shipshape_facts::Facts;
use shipshape_model::{CheckResult, Outcome, Report, Unit};

/// Whether a fix may be applied without a human reading it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Creates a file that does not exist, or an edit that cannot change behaviour:
    /// `--write` applies it.
    Safe,
    /// Changes what a manifest, workflow or image does: applied only with
    /// `--write --unsafe`.
    Review,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Review => "review",
        }
    }
}

/// One change to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FileEdit {
    /// Create `path` (repository-relative, `/`-separated) with `content`; it must not exist.
    Create { path: String, content: String },
    /// Replace the bytes `start..end` of `path`, which held `original` when the
    /// scan read it, by `replacement`; the rest of the file is kept byte for byte.
    /// `start == end` inserts.
    Replace {
        path: String,
        start: usize,
        end: usize,
        original: String,
        replacement: String,
    },
}

impl FileEdit {
    /// The file this edit touches.
    pub fn path(&self) -> &str {
        match self {
            FileEdit::Create { path, .. } | FileEdit::Replace { path, .. } => path,
        }
    }

    /// An edit replacing `range` of `text` (the file's content as the facts hold it).
    pub fn replace(
        path: &str,
        text: &str,
        range: std::ops::Range<usize>,
        replacement: impl Into<String>,
    ) -> FileEdit {
        FileEdit::Replace {
            path: path.to_string(),
            start: range.start,
            end: range.end,
            original: text[range].to_string(),
            replacement: replacement.into(),
        }
    }

    /// An edit inserting `insertion` at byte `at` of `text`.
    pub fn insert(path: &str, text: &str, at: usize, insertion: impl Into<String>) -> FileEdit {
        FileEdit::replace(path, text, at..at, insertion)
    }
}

/// One proposed change: what it fixes, why, and the edits that make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The check whose verdict this fix changes.
    pub check_id: String,
    /// The unit it was generated for (a repository-wide file is proposed once, for
    /// the first unit that needed it).
    pub unit: String,
    pub applicability: Applicability,
    /// What the fix does and where its content comes from (the facts it used).
    pub description: String,
    /// The verdict that asked for it (`fail: no security policy`).
    pub reason: String,
    pub edits: Vec<FileEdit>,
}

/// Repository inputs that need more than the walk (git history): read once by
/// [`generate`] through the facts crate, only when a fix that needs them will run.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Who changed each top-level path in the last year (`ownership/codeowners`).
    pub authorship: Option<Result<shipshape_facts::git::Authorship, String>>,
}

/// What a fix sees: the facts, the unit, its verdict, and the extra inputs.
pub struct FixCtx<'a> {
    pub facts: &'a Facts,
    pub unit: &'a Unit,
    /// Every unit of the scan, this one included (which directories belong to other
    /// units; whether the repository is judged as one unit).
    pub units: &'a [Unit],
    pub result: &'a CheckResult,
    pub inputs: &'a Inputs,
    /// Unix seconds, as the scan had it.
    pub now: i64,
    /// Why a fix proposes less than the check asks for (a path skipped, nothing to infer).
    pub notes: std::cell::RefCell<Vec<String>>,
}

impl FixCtx<'_> {
    /// Say why something is not proposed (shown with the fixes; never silent).
    pub fn note(&self, message: impl Into<String>) {
        self.notes.borrow_mut().push(message.into());
    }

    /// A fix for this context's check and unit.
    pub fn fix(
        &self,
        applicability: Applicability,
        description: impl Into<String>,
        edits: Vec<FileEdit>,
    ) -> Fix {
        let outcome = match self.result.outcome {
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Error => "error",
            _ => "note",
        };
        Fix {
            check_id: self.result.id.clone(),
            unit: self.unit.name.clone(),
            applicability,
            description: description.into(),
            reason: format!("{outcome}: {}", self.result.summary),
            edits,
        }
    }
}

/// Which fixes to generate.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--check ID` (empty: every fixable check).
    pub checks: Vec<String>,
    /// `--unit NAME` (empty: every unit).
    pub units: Vec<String>,
}

/// A selection that names something that does not exist.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("no fix exists for check `{0}`: fixable checks are {1}")]
    UnknownCheck(String, String),
    #[error("no unit named `{0}` in this scan: units are {1}")]
    UnknownUnit(String, String),
}

/// The check ids that have at least one fix.
pub fn fixable_checks() -> Vec<&'static str> {
    let mut ids: Vec<&str> = registry().iter().map(|f| f.check_id).collect();
    ids.dedup();
    ids
}

/// Check a selection against the fix registry and the scan's units.
pub fn validate(report: &Report, sel: &Selection) -> Result<(), SelectionError> {
    let fixable = fixable_checks();
    if let Some(c) = sel.checks.iter().find(|c| !fixable.contains(&c.as_str())) {
        return Err(SelectionError::UnknownCheck(c.clone(), fixable.join(", ")));
    }
    if let Some(u) = sel
        .units
        .iter()
        .find(|u| !report.units.iter().any(|r| &r.unit.name == *u))
    {
        let names: Vec<&str> = report.units.iter().map(|r| r.unit.name.as_str()).collect();
        return Err(SelectionError::UnknownUnit(u.clone(), names.join(", ")));
    }
    Ok(())
}

/// Read the [`Inputs`] the selected failing checks need (git history only when
/// `ownership/codeowners` will be fixed).
pub fn read_inputs(facts: &Facts, report: &Report, sel: &Selection, now: i64) -> Inputs {
    let wants = |id: &str| {
        report.units.iter().any(|u| {
            selected_unit(sel, &u.unit)
                && u.checks
                    .iter()
                    .any(|c| c.id == id && needs_fix(c) && selected_check(sel, &c.id))
        })
    };
    let mut inputs = Inputs::default();
    if wants(fixes::codeowners::FIX.check_id) && facts.git.is_some() {
        inputs.authorship = Some(shipshape_facts::git::authorship(
            &facts.root,
            now - fixes::codeowners::WINDOW_SECONDS,
        ));
    }
    inputs
}

fn selected_unit(sel: &Selection, unit: &Unit) -> bool {
    sel.units.is_empty() || sel.units.iter().any(|u| u == &unit.name)
}

fn selected_check(sel: &Selection, id: &str) -> bool {
    sel.checks.is_empty() || sel.checks.iter().any(|c| c == id)
}

/// A verdict a fix may change: fail or warn (waived, baselined and passing ones are left alone).
fn needs_fix(c: &CheckResult) -> bool {
    matches!(c.outcome, Outcome::Fail | Outcome::Warn) && !c.baselined
}

/// Something a fix could not propose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub check_id: String,
    pub unit: String,
    pub message: String,
}

/// The fixes of one scan, and the notes saying what they leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub fixes: Vec<Fix>,
    pub notes: Vec<Note>,
}

/// Every fix for the report's failing and warning checks, grouped by unit (report
/// order) and check (catalog order). A fix proposed identically for several units (a
/// repository-wide file) appears once, for the first of them; so does a note. A file
/// two fixes both create with the same content (the runbook that the `runbook_url`
/// fix links and the runbook fix writes) is created once, by the safer of them, so
/// that `--write` without `--unsafe` still writes it.
pub fn generate(
    facts: &Facts,
    report: &Report,
    sel: &Selection,
    inputs: &Inputs,
    now: i64,
) -> Plan {
    let mut out: Vec<Fix> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let units: Vec<Unit> = report.units.iter().map(|u| u.unit.clone()).collect();
    for ur in &report.units {
        if !selected_unit(sel, &ur.unit) {
            continue;
        }
        for result in &ur.checks {
            if !needs_fix(result) || !selected_check(sel, &result.id) {
                continue;
            }
            for def in registry().iter().filter(|d| d.check_id == result.id) {
                let ctx = FixCtx {
                    facts,
                    unit: &ur.unit,
                    units: &units,
                    result,
                    inputs,
                    now,
                    notes: Default::default(),
                };
                for fix in (def.generate)(&ctx) {
                    if !out.iter().any(|f| f.edits == fix.edits) {
                        push_sharing_creates(&mut out, fix);
                    }
                }
                for message in ctx.notes.take() {
                    if !notes
                        .iter()
                        .any(|n| n.check_id == result.id && n.message == message)
                    {
                        notes.push(Note {
                            check_id: result.id.clone(),
                            unit: ur.unit.name.clone(),
                            message,
                        });
                    }
                }
            }
        }
    }
    Plan { fixes: out, notes }
}

/// Add `fix` to `out`; a `Create` that an earlier fix already makes stays with the one
/// of the two applied more readily (safe before review; the earlier on a tie) and is
/// taken out of the other. A fix left with no edit is dropped.
fn push_sharing_creates(out: &mut Vec<Fix>, mut fix: Fix) {
    for earlier in out.iter_mut() {
        let shared: Vec<FileEdit> = fix
            .edits
            .iter()
            .filter(|e| matches!(e, FileEdit::Create { .. }) && earlier.edits.contains(e))
            .cloned()
            .collect();
        if shared.is_empty() {
            continue;
        }
        if fix.applicability < earlier.applicability {
            earlier.edits.retain(|e| !shared.contains(e));
        } else {
            fix.edits.retain(|e| !shared.contains(e));
        }
    }
    out.retain(|f| !f.edits.is_empty());
    if !fix.edits.is_empty() {
        out.push(fix);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Test support: run one fix on in-memory files the way `generate` would.

    use super::*;

    /// The verdict of the check of `def` on `facts`, and the fixes of `def` for it.
    pub fn fixes_for(def: &FixDef, facts: &Facts, inputs: &Inputs) -> (Outcome, Vec<Fix>) {
        let (o, f, _) = run_fix(def, facts, inputs);
        (o, f)
    }

    /// [`fixes_for`], with the fix's notes.
    pub fn run_fix(
        def: &FixDef,
        facts: &Facts,
        inputs: &Inputs,
    ) -> (Outcome, Vec<Fix>, Vec<String>) {
        let check = check(def.check_id);
        let unit = shipshape_checks::testing::unit_for(facts);
        let mut ctx = shipshape_checks::Ctx::basic(facts, &unit);
        ctx.now = shipshape_checks::testing::FIXTURE_NOW;
        let v = (check.run)(&ctx);
        let result = CheckResult {
            id: check.meta.id.to_string(),
            scope: check.meta.scope,
            title: check.meta.title.to_string(),
            area: check.meta.area,
            severity: check.meta.severity,
            outcome: v.outcome,
            summary: v.summary.clone(),
            findings: v.findings.clone(),
            remediation: check.meta.remediation.to_string(),
            waiver: None,
            baselined: false,
        };
        if !needs_fix(&result) {
            return (v.outcome, Vec::new(), Vec::new());
        }
        let ctx = FixCtx {
            facts,
            unit: &unit,
            units: std::slice::from_ref(&unit),
            result: &result,
            inputs,
            now: shipshape_checks::testing::FIXTURE_NOW,
            notes: Default::default(),
        };
        let fixes = (def.generate)(&ctx);
        (v.outcome, fixes, ctx.notes.take())
    }

    /// The check a fix answers.
    pub fn check(id: &str) -> &'static shipshape_checks::CheckDef {
        shipshape_checks::registry()
            .iter()
            .find(|c| c.meta.id == id)
            .unwrap_or_else(|| panic!("no check {id}"))
    }

    /// The verdict of the check of `def` on `files`.
    pub fn outcome(def: &FixDef, files: &[(String, String)]) -> Outcome {
        fixes_for(def, &facts(files), &Inputs::default()).0
    }

    /// Runs `def` on in-memory `files`, applies its fixes and runs the check again:
    /// `path`'s text after the fix, the notes, and the check's outcome before and after.
    pub fn fix_and_rescan(
        def: &FixDef,
        files: &[(&str, &str)],
        path: &str,
    ) -> (String, Vec<String>, Outcome, Outcome) {
        let (before, fixes, notes) = run_fix(def, &Facts::from_memory(files), &Inputs::default());
        let (all, after) = rescan_after(def, files, &fixes);
        let new = all
            .into_iter()
            .find(|(p, _)| p == path)
            .map_or_else(String::new, |(_, t)| t);
        (new, notes, before, after)
    }

    /// The in-memory `files` with `fixes` applied, and the check of `def` on them.
    pub fn rescan_after(
        def: &FixDef,
        files: &[(&str, &str)],
        fixes: &[Fix],
    ) -> (Vec<(String, String)>, Outcome) {
        let out = applied(files, fixes);
        let mut all: Vec<(String, String)> = files
            .iter()
            .filter(|(p, _)| !out.iter().any(|(o, _)| o == p))
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        all.extend(out);
        let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let after = run_fix(def, &Facts::from_memory(&refs), &Inputs::default()).0;
        (all, after)
    }

    /// Apply fixes to in-memory files: the files after the fix.
    pub fn applied(files: &[(&str, &str)], fixes: &[Fix]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let mut paths: Vec<&str> = fixes
            .iter()
            .flat_map(|f| f.edits.iter().map(FileEdit::path))
            .collect();
        paths.sort_unstable();
        paths.dedup();
        for path in paths {
            let edits: Vec<&FileEdit> = fixes
                .iter()
                .flat_map(|f| &f.edits)
                .filter(|e| e.path() == path)
                .collect();
            let old = out.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone());
            let new = edited_text(old.as_deref(), &edits).expect("edits apply");
            out.retain(|(p, _)| p != path);
            out.push((path.to_string(), new));
        }
        out
    }

    /// Facts of owned files.
    pub fn facts(files: &[(String, String)]) -> Facts {
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        Facts::from_memory(&borrowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(check: &str, applicability: Applicability, edits: Vec<FileEdit>) -> Fix {
        Fix {
            check_id: check.into(),
            unit: "api".into(),
            applicability,
            description: String::new(),
            reason: String::new(),
            edits,
        }
    }

    /// The `runbook_url` fix (review, earlier in catalog order) and the runbook fix
    /// (safe) both create RUNBOOK.md: `--write` alone must still create it.
    #[test]
    fn a_file_two_fixes_create_goes_with_the_safer() {
        let create = FileEdit::Create {
            path: "RUNBOOK.md".into(),
            content: "# api runbook\n".into(),
        };
        let link = FileEdit::insert("alerts.yml", "a: 1\n", 5, "b: 2\n");
        let mut out = Vec::new();
        push_sharing_creates(
            &mut out,
            fix(
                "urls",
                Applicability::Review,
                vec![link.clone(), create.clone()],
            ),
        );
        push_sharing_creates(
            &mut out,
            fix("runbook", Applicability::Safe, vec![create.clone()]),
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].edits, vec![link]);
        assert_eq!(out[1].edits, vec![create.clone()]);
        // The other way round, the later (review) fix gives it up; alone, it is dropped.
        let mut out = Vec::new();
        push_sharing_creates(
            &mut out,
            fix("a", Applicability::Safe, vec![create.clone()]),
        );
        push_sharing_creates(
            &mut out,
            fix("b", Applicability::Review, vec![create.clone()]),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].check_id, "a");
    }
}
