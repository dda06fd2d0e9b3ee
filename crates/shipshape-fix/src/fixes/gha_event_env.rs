//! `gha-event-env`: untrusted `${{ github.event.* }}` interpolations moved out of
//! `run:` scripts into `env:`, for `delivery/gha-dangerous-triggers`.
//!
//! **Edits** each workflow whose `run:` steps interpolate a field an attacker controls
//! (the list is [`shipshape_facts::ci::untrusted_interpolations`], the one the check
//! uses: issue and pull request titles and bodies, comment bodies, head refs, commit
//! messages…). One fix per workflow, **review**: it changes the script GitHub runs.
//!
//! For each such step:
//! - every untrusted `${{ … }}` in the script is replaced by a shell variable, quoted
//!   for where it stands: `"${ISSUE_TITLE}"` outside quotes, `${ISSUE_TITLE}` inside
//!   double quotes, `'"${ISSUE_TITLE}"'` inside single quotes — so the value reaches
//!   the command as data, never as shell syntax;
//! - the step gets an `env:` entry per variable holding the original expression
//!   (`ISSUE_TITLE: ${{ github.event.issue.title }}`), in its existing `env:` block
//!   or in a new one written just above `run:`.
//!
//! Variable names come from the field (`github.event.pull_request.head.ref` →
//! `PULL_REQUEST_HEAD_REF`, `github.head_ref` → `HEAD_REF`), made unique against the
//! names the workflow already uses. Only the interpolated expressions and the inserted
//! lines change; every other byte of the workflow is kept.
//!
//! Not edited, with a note saying why: `actions/github-script` scripts (JavaScript:
//! read `process.env` there by hand), `run:` values written as quoted YAML scalars or
//! starting with the expression, steps whose `env:` is written in flow style, and the
//! check's other finding (a privileged workflow checking out a pull request's head),
//! which needs a person to redesign the workflow.

use super::FixDef;
use super::text::{indent_of, key_column, lines_with_offsets};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::CiSystem;
use shipshape_facts::ci::{GhaStep, Workflow, untrusted_interpolations};
use std::collections::BTreeMap;

pub static FIX: FixDef = FixDef {
    check_id: "delivery/gha-dangerous-triggers",
    name: "gha-event-env",
    title: "Pass untrusted event fields to `run:` scripts through `env:` instead of `${{ }}`",
    generate,
};

/// The environment variable name for an untrusted field.
fn var_name(field: &str) -> String {
    // `steps.findPr.outputs.body` → `FINDPR_BODY`.
    let step_output = field
        .strip_prefix("steps.")
        .map(|f| f.replacen(".outputs.", ".", 1));
    let f = step_output.as_deref().unwrap_or_else(|| {
        field
            .strip_prefix("github.event.")
            .or_else(|| field.strip_prefix("github."))
            .unwrap_or(field)
    });
    let mut name = String::new();
    for c in f.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.ends_with('_') && !name.is_empty() {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_string()
}

/// The shell quoting in force at byte `at` of `script`: `'` or `"` or none.
fn quote_at(script: &str, at: usize) -> Option<char> {
    let mut state: Option<char> = None;
    let mut escaped = false;
    for c in script[..at].chars() {
        match (state, c) {
            (_, _) if escaped => escaped = false,
            (Some('\''), '\'') => state = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (None, '\'' | '"') => state = Some(c),
            (Some('"'), '"') => state = None,
            _ => {}
        }
    }
    state
}

/// A YAML plain scalar for an `env:` value, single-quoted when plain would misparse.
fn yaml_value(expr: &str) -> String {
    if expr.contains(": ") || expr.contains(" #") || expr.ends_with(':') {
        format!("'{}'", expr.replace('\'', "''"))
    } else {
        expr.to_string()
    }
}

/// The edits moving one step's untrusted interpolations into `env:`.
fn plan_step(
    path: &str,
    text: &str,
    lines: &[(usize, &str)],
    step: &GhaStep,
    taken: &mut Vec<String>,
) -> Result<(Vec<FileEdit>, Vec<String>), String> {
    let first = step.line.saturating_sub(1) as usize;
    let Some((run_idx, run_col)) = lines
        .iter()
        .enumerate()
        .skip(first)
        .find_map(|(i, (_, l))| key_column(l, "run").map(|c| (i, c)))
    else {
        return Err(format!("{path}:{}: no `run:` key found", step.line));
    };
    let (run_off, run_line) = lines[run_idx];
    let value_start = run_off + run_col + "run:".len();
    let inline = run_line[run_col + "run:".len()..].trim_start();
    // The script's byte range in the file.
    let (script_start, script_end) = if inline.starts_with('|') || inline.starts_with('>') {
        let mut end = run_idx + 1;
        while end < lines.len() {
            let l = lines[end].1;
            if !l.trim().is_empty() && indent_of(l) <= run_col {
                break;
            }
            end += 1;
        }
        let start = lines.get(run_idx + 1).map_or(text.len(), |(o, _)| *o);
        let stop = lines.get(end).map_or(text.len(), |(o, _)| *o);
        (start, stop)
    } else if inline.starts_with(['"', '\'']) {
        return Err(format!(
            "{path}:{}: the `run:` script is a quoted YAML string; move its `${{{{ }}}}` values into `env:` by hand",
            run_idx + 1
        ));
    } else if inline.starts_with("${{") {
        return Err(format!(
            "{path}:{}: the `run:` script starts with the expression; quote it and move it into `env:` by hand",
            run_idx + 1
        ));
    } else {
        let start = value_start + (run_line.len() - run_col - "run:".len() - inline.len());
        (start, run_off + run_line.len())
    };
    let script = &text[script_start..script_end];
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let mut added: Vec<(String, String)> = Vec::new();
    let mut edits = Vec::new();
    for (range, field) in untrusted_interpolations(script) {
        let expr = &script[range.clone()];
        let var = match vars.get(expr) {
            Some(v) => v.clone(),
            None => {
                let base = var_name(field);
                let mut var = base.clone();
                let mut n = 2;
                while taken.contains(&var) {
                    var = format!("{base}_{n}");
                    n += 1;
                }
                taken.push(var.clone());
                vars.insert(expr.to_string(), var.clone());
                added.push((var.clone(), expr.to_string()));
                var
            }
        };
        let replacement = match quote_at(script, range.start) {
            Some('"') => format!("${{{var}}}"),
            Some(_) => format!("'\"${{{var}}}\"'"),
            None => format!("\"${{{var}}}\""),
        };
        let at = script_start + range.start;
        edits.push(FileEdit::replace(
            path,
            text,
            at..at + range.len(),
            replacement,
        ));
    }
    if added.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    // The step's own keys: from its `- ` line to the next line at or left of its column.
    let step_end = lines
        .iter()
        .enumerate()
        .skip(first + 1)
        .find(|(_, (_, l))| !l.trim().is_empty() && indent_of(l) < run_col)
        .map_or(lines.len(), |(i, _)| i);
    let env_line = (first..step_end).find(|&i| key_column(lines[i].1, "env") == Some(run_col));
    let entry_lines = |indent: usize| -> String {
        added
            .iter()
            .map(|(var, expr)| format!("{}{var}: {}\n", " ".repeat(indent), yaml_value(expr)))
            .collect()
    };
    match env_line {
        Some(i) => {
            let (off, l) = lines[i];
            if !l[run_col + "env:".len()..].trim().is_empty() {
                return Err(format!(
                    "{path}:{}: the step's `env:` is written in flow style; add the variables to it by hand",
                    i + 1
                ));
            }
            let indent = lines
                .get(i + 1)
                .map(|(_, n)| indent_of(n))
                .filter(|&n| n > run_col)
                .unwrap_or(run_col + 2);
            let at = off + l.len() + text[off + l.len()..].find('\n').map_or(0, |_| 1);
            edits.push(FileEdit::insert(path, text, at, entry_lines(indent)));
        }
        None => {
            // `env:` takes the column of `run:`, which moves to the next line.
            let at = run_off + run_col;
            let insertion = format!("env:\n{}{}", entry_lines(run_col + 2), " ".repeat(run_col));
            edits.push(FileEdit::insert(path, text, at, insertion));
        }
    }
    let described = added
        .iter()
        .map(|(var, expr)| format!("`{expr}` → `${var}`"))
        .collect();
    Ok((edits, described))
}

/// Every variable name the workflow already uses as a key (`NAME:`), so that new ones
/// never shadow an existing one.
fn existing_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            let (key, _) = t.split_once(':')?;
            (!key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
            .then(|| key.to_string())
        })
        .collect()
}

fn plan(ctx: &FixCtx, w: &Workflow) -> Option<Fix> {
    let text = ctx.facts.text(&w.path)?;
    let lines = lines_with_offsets(text);
    let mut taken = existing_names(text);
    let mut edits = Vec::new();
    let mut described: Vec<String> = Vec::new();
    for job in &w.jobs {
        // A composite action's steps are written in its `action.yml`, not in this file.
        for step in job.steps.iter().filter(|s| s.composite.is_none()) {
            let is_script = step
                .uses
                .as_ref()
                .is_some_and(|(u, _)| u.starts_with("actions/github-script@"));
            if is_script
                && let Some(script) = step
                    .with
                    .as_ref()
                    .and_then(|w| w.get("script"))
                    .and_then(|s| s.as_str())
                && !untrusted_interpolations(script).is_empty()
            {
                ctx.note(format!(
                    "{}:{}: job `{}`: an `actions/github-script` script interpolates untrusted fields; pass them in `env:` and read `process.env` by hand",
                    w.path, step.line, job.id
                ));
            }
            let Some((run, _)) = &step.run else {
                continue;
            };
            if untrusted_interpolations(run).is_empty() {
                continue;
            }
            match plan_step(&w.path, text, &lines, step, &mut taken) {
                Ok((e, d)) => {
                    edits.extend(e);
                    described.extend(d.into_iter().map(|d| format!("job `{}`: {d}", job.id)));
                }
                Err(why) => ctx.note(why),
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "pass untrusted event fields through `env:` in {}: {}",
            w.path,
            described.join("; ")
        ),
        edits,
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let mut paths: Vec<&str> = Vec::new();
    for f in &ctx.result.findings {
        let (Some(key), Some(loc)) = (f.key.as_deref(), f.location.as_ref()) else {
            continue;
        };
        if key.contains(":run:") || key.contains(":script:") {
            paths.push(loc.path.as_str());
        } else {
            ctx.note(format!(
                "{}:{}: {} — left for a person: the workflow needs redesigning, not an edit",
                loc.path,
                loc.line.unwrap_or(0),
                f.message
            ));
        }
    }
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| {
            let ci = ctx
                .facts
                .ci_files()
                .iter()
                .find(|c| c.path == p && c.system == CiSystem::GithubActions)?;
            plan(ctx, ci.workflow.as_ref()?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, run_fix};
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    const WF: &str = ".github/workflows/t.yml";

    /// The workflow after the fix, the notes, and whether the check passes on it.
    fn fixed(wf: &str) -> (String, Vec<String>, Outcome) {
        let files = [(WF, wf)];
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        let out = applied(&files, &fixes);
        let new = out.iter().find(|(p, _)| p == WF).unwrap().1.clone();
        let after = run_fix(
            &FIX,
            &Facts::from_memory(&[(WF, new.as_str())]),
            &Inputs::default(),
        )
        .0;
        (new, notes, after)
    }

    #[test]
    fn interpolations_become_quoted_variables_in_a_new_env_block() {
        let wf = "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${{ github.event.issue.title }}\n          echo \"title: ${{ github.event.issue.title }}\"\n          echo 'body: ${{ github.event.issue.body }}' ${{ github.event.issue.number }}\n";
        let (out, _, after) = fixed(wf);
        let want = "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n          ISSUE_BODY: ${{ github.event.issue.body }}\n        run: |\n          echo \"${ISSUE_TITLE}\"\n          echo \"title: ${ISSUE_TITLE}\"\n          echo 'body: '\"${ISSUE_BODY}\"'' ${{ github.event.issue.number }}\n";
        assert_eq!(out, want);
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn an_existing_env_block_gets_the_entries_and_names_stay_unique() {
        let wf = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - name: greet\n        env:\n          HEAD_REF: main\n        run: echo \"${{ github.head_ref }}\" # say it\n";
        let (out, _, after) = fixed(wf);
        let want = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - name: greet\n        env:\n          HEAD_REF_2: ${{ github.head_ref }}\n          HEAD_REF: main\n        run: echo \"${HEAD_REF_2}\" # say it\n";
        assert_eq!(out, want);
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn quoted_scripts_and_github_script_are_noted_not_edited() {
        let wf = "on: issues\njobs:\n  a:\n    steps:\n      - run: \"echo ${{ github.event.issue.title }}\"\n      - uses: actions/github-script@v7\n        with:\n          script: console.log('${{ github.event.issue.title }}')\n";
        let (out, notes, _) = fixed(wf);
        assert_eq!(out, wf);
        assert!(
            notes.iter().any(|n| n.contains("quoted YAML string")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.contains("process.env")), "{notes:?}");
    }

    #[test]
    fn names_and_quoting() {
        assert_eq!(
            var_name("github.event.pull_request.head.ref"),
            "PULL_REQUEST_HEAD_REF"
        );
        assert_eq!(
            var_name("github.event.commits[0].message"),
            "COMMITS_0_MESSAGE"
        );
        assert_eq!(quote_at("echo 'a \" b' x", 13), None);
        assert_eq!(quote_at("echo \"it's ", 11), Some('"'));
    }
}
