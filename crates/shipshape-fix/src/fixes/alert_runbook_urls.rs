//! `alert-runbook-urls`: a `runbook_url` annotation on every alert rule without one,
//! for `observability/alerts-have-runbooks`.
//!
//! **Edits** each rule file the check names (Prometheus rule files and PrometheusRule
//! resources, `spec.groups[].rules[]`), one fix per file, **review**: it changes what
//! the page carries. Each alert the check flags gets `runbook_url:
//! <path>#<anchor>` as the last key of its `annotations:` (a new `annotations:` as the
//! rule's last key when it has none), at the indentation the file uses; every other
//! byte, comment and key stays as it was.
//!
//! The link names the unit's runbook by its repository path (relative links are
//! resolved from the repository root first, as `incident-response/runbook-links-resolve`
//! does), and the section about the alert by GitHub's heading slug (`## ApiDown` →
//! `#apidown`):
//! 1. a runbook document of the unit (by name or location, as
//!    `incident-response/runbook` finds them; the one with most sections for the alerts
//!    first), else one at the repository root or under `docs/`;
//! 2. otherwise the `RUNBOOK.md` the `runbook` fix creates in the unit's directory, with
//!    a section per alert: that file is part of this fix too, so that the links never
//!    point at nothing, and is written once (by the safe `runbook` fix when both run).
//!
//! An alert whose runbook has no section for it is linked to the document without an
//! anchor, and noted. Flow-style rules or annotations (`{...}`), indentation the fix
//! cannot follow, Helm templates and `[[ ]]` Go templates (Prometheus' own `{{ $labels.x }}` annotation
//! templates are kept as they are), and an empty `runbook_url:` already there are noted,
//! not edited; so is any edit after which the file would not parse back with the link.

use super::FixDef;
use super::runbook;
use super::text::{
    end_of_mapping, first_key, indent_of, is_blank_or_comment, key_column, lines_with_offsets,
};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::alerting::{
    RUNBOOK_KEYS, has_heading, heading_slug, is_runbook_path, rules_of_groups,
};
use shipshape_facts::role::Role;
use shipshape_model::Outcome;

pub static FIX: FixDef = FixDef {
    check_id: "observability/alerts-have-runbooks",
    name: "alert-runbook-urls",
    title: "Add runbook_url annotations pointing at each alert's section of the unit's runbook",
    generate,
};

/// The runbook the links point to: its path, its text, and the file to create when it
/// does not exist yet.
struct Target {
    path: String,
    text: String,
    create: bool,
}

fn target(ctx: &FixCtx, alerts: &[&str]) -> Option<Target> {
    let live = |p: &str| !matches!(ctx.facts.role(p), Role::Test | Role::Example);
    let sections = |t: &str| {
        alerts
            .iter()
            .filter(|a| has_heading(t, &heading_slug(a)))
            .count()
    };
    let pick = |keep: &dyn Fn(&str) -> bool| {
        ctx.facts
            .files
            .iter()
            .filter(|f| is_runbook_path(&f.path) && live(&f.path) && keep(&f.path))
            .filter_map(|f| Some((f.path.as_str(), ctx.facts.text(&f.path)?)))
            .max_by(|a, b| {
                sections(a.1)
                    .cmp(&sections(b.1))
                    .then(b.0.len().cmp(&a.0.len()))
                    .then(b.0.cmp(a.0))
            })
            .map(|(p, t)| Target {
                path: p.to_string(),
                text: t.to_string(),
                create: false,
            })
    };
    if let Some(t) = pick(&|p| runbook::in_unit(ctx, p)) {
        return Some(t);
    }
    if let Some(t) = pick(&|p| !p.contains('/') || p.starts_with("docs/")) {
        return Some(t);
    }
    let path = runbook::runbook_path(ctx);
    if ctx.facts.exists(&path) {
        // A RUNBOOK.md the check does not count (a test fixture, say): not ours to use.
        return None;
    }
    Some(Target {
        path,
        text: runbook::content(ctx),
        create: true,
    })
}

/// What kind of template a rule file is, when it is one. Prometheus' own annotation
/// templates (`{{ $labels.job }}`, `{{ $value }}`) are not: the file is the rule file
/// Prometheus reads (grafana/loki's `production/loki-mixin-compiled/alerts.yaml`). Helm's
/// markers are, and so are `[[ ]]` Go-template delimiters (the Loki operator's
/// `prometheus-alerts.yaml`, whose `runbook_url`s are `[[ .RunbookURL ]]#…`).
fn template_kind(text: &str) -> Option<&'static str> {
    if [
        ".Values",
        ".Release.",
        "{{ include",
        "{{- ",
        "{{ template",
        "{{ toYaml",
    ]
    .iter()
    .any(|m| text.contains(m))
    {
        Some("a Helm template")
    } else if text.contains("[[ .") || text.contains("[[.") {
        Some("a Go template (`[[ ]]` delimiters) rendered by the program")
    } else {
        None
    }
}

/// A YAML plain scalar when the link needs no quoting, else a double-quoted one.
fn yaml_value(url: &str) -> String {
    if url
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '#' | '-' | '_'))
        && !url.starts_with('#')
    {
        url.to_string()
    } else {
        format!("\"{}\"", url.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The insertion that adds `runbook_url: value` to the rule whose `alert:` key is on
/// line index `alert_at`, or why it cannot be made.
fn insertion(
    text: &str,
    lines: &[(usize, &str)],
    alert_at: usize,
    value: &str,
) -> Result<(usize, String), String> {
    let line = lines.get(alert_at).ok_or("no such line")?.1;
    if line.contains('\t') {
        return Err("its indentation uses tabs".into());
    }
    let (col, flow) = first_key(line);
    if flow || !line[col..].starts_with("alert") {
        return Err("it is written in flow style".into());
    }
    let col = key_column(line, "alert").ok_or("its `alert:` key is not in block style")?;
    // The rule's first line: its `- ` item line, at or above the `alert:` line.
    let mut start = alert_at;
    if !line[..col].trim_start().starts_with('-') {
        let mut found = false;
        for i in (0..alert_at).rev() {
            let l = lines[i].1;
            // Blank lines, comments, the rule's other keys and what they hold.
            if is_blank_or_comment(l) || indent_of(l) >= col {
                continue;
            }
            found = first_key(l).0 == col && l.trim_start().starts_with('-');
            start = i;
            break;
        }
        if !found {
            return Err("the rule's list item was not found".into());
        }
    }
    let (end, at, lead) = end_of_mapping(text, lines, start, col);
    let ann = (start..end).find(|&i| key_column(lines[i].1, "annotations") == Some(col));
    let Some(a) = ann else {
        // The step the file indents by, from the rule's nested keys (`labels:`).
        let step = (start..end)
            .map(|i| lines[i].1)
            .filter(|l| !is_blank_or_comment(l) && indent_of(l) > col)
            .map(|l| indent_of(l) - col)
            .min()
            .unwrap_or(2);
        let pad = " ".repeat(col);
        let inner = " ".repeat(col + step);
        return Ok((
            at,
            format!("{lead}{pad}annotations:\n{inner}runbook_url: {value}\n"),
        ));
    };
    let rest = lines[a].1[col + "annotations:".len()..].trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err("its `annotations:` is written in flow style".into());
    }
    let children: Vec<usize> = (a + 1..end)
        .filter(|&i| !is_blank_or_comment(lines[i].1) && indent_of(lines[i].1) > col)
        .collect();
    let inner = match children.first() {
        Some(&c) => indent_of(lines[c].1),
        None => col + 2,
    };
    let keys_at_inner: Vec<usize> = children
        .iter()
        .copied()
        .take_while(|&i| indent_of(lines[i].1) >= inner)
        .collect();
    if keys_at_inner.iter().any(|&i| {
        RUNBOOK_KEYS
            .iter()
            .any(|k| key_column(lines[i].1, k) == Some(inner))
    }) {
        return Err("it has an empty runbook annotation: fill it in".into());
    }
    let (_, at, lead) = end_of_mapping(text, lines, a, inner);
    Ok((
        at,
        format!("{lead}{}runbook_url: {value}\n", " ".repeat(inner)),
    ))
}

/// True when `text` parses and the alert on `line` carries the `url` runbook.
fn links(text: &str, line: u32, url: &str) -> bool {
    let Ok(docs) = shipshape_facts::parse_documents(text) else {
        return false;
    };
    let mut rules = Vec::new();
    for d in &docs {
        rules_of_groups("", d.idx("groups"), &mut rules);
        rules_of_groups("", d.idx("spec").idx("groups"), &mut rules);
    }
    rules
        .iter()
        .any(|r| r.line == line && r.runbook.as_ref().is_some_and(|(u, _)| u == url))
}

fn plan(ctx: &FixCtx, path: &str, alerts: &[(u32, &str)], target: &Target) -> Option<Fix> {
    let text = ctx.facts.text(path)?;
    let helm = ctx
        .facts
        .file(path)
        .is_some_and(|f| f.kind == shipshape_facts::FileKind::HelmTemplate);
    if let Some(what) = template_kind(text).or(helm.then_some("a Helm template")) {
        ctx.note(format!(
            "{path}: {what}; add the runbook_url annotations where it is filled in"
        ));
        return None;
    }
    let lines = lines_with_offsets(text);
    let mut edits: Vec<FileEdit> = Vec::new();
    let mut linked = Vec::new();
    for &(line, name) in alerts {
        let slug = heading_slug(name);
        let url = if has_heading(&target.text, &slug) {
            format!("{}#{slug}", target.path)
        } else {
            ctx.note(format!(
                "{path}:{line}: `{}` has no section `## {name}`: the link names the document only; add the section",
                target.path
            ));
            target.path.clone()
        };
        match insertion(
            text,
            &lines,
            line.saturating_sub(1) as usize,
            &yaml_value(&url),
        ) {
            Ok((at, insert)) => {
                let edit = FileEdit::insert(path, text, at, insert);
                let after = crate::edited_text(Some(text), &[&edit]).ok()?;
                if links(&after, line, &url) {
                    edits.push(edit);
                    linked.push(format!("{name} → {url}"));
                } else {
                    ctx.note(format!(
                        "{path}:{line}: alert `{name}`: the edit would not read back as a runbook link; add `runbook_url: {url}` by hand"
                    ));
                }
            }
            Err(why) => ctx.note(format!(
                "{path}:{line}: alert `{name}`: {why}; add `runbook_url: {url}` by hand"
            )),
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut description = format!(
        "link the alerts of {path} to their runbook sections: {}",
        linked.join(", ")
    );
    if target.create {
        description.push_str(&format!(
            "; {} does not exist yet and is created with the `runbook` fix's content (a section per alert)",
            target.path
        ));
        edits.push(FileEdit::Create {
            path: target.path.clone(),
            content: target.text.clone(),
        });
    }
    Some(ctx.fix(Applicability::Review, description, edits))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    if ctx.result.outcome != Outcome::Fail {
        return Vec::new();
    }
    let mut wanted: Vec<(&str, u32, &str)> = ctx
        .result
        .findings
        .iter()
        .filter_map(|f| {
            let l = f.location.as_ref()?;
            Some((l.path.as_str(), l.line?, f.key.as_deref()?))
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let names: Vec<&str> = wanted.iter().map(|w| w.2).collect();
    let Some(target) = target(ctx, &names) else {
        ctx.note(format!(
            "{} exists but is not a runbook the checks count; link the alerts by hand",
            runbook::runbook_path(ctx)
        ));
        return Vec::new();
    };
    let mut paths: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    paths.dedup();
    let mut out: Vec<Fix> = Vec::new();
    for p in paths {
        let alerts: Vec<(u32, &str)> = wanted
            .iter()
            .filter(|w| w.0 == p)
            .map(|w| (w.1, w.2))
            .collect();
        if let Some(mut fix) = plan(ctx, p, &alerts, &target) {
            // The runbook is created once, with the first file's links.
            if out
                .iter()
                .any(|f| f.edits.iter().any(|e| matches!(e, FileEdit::Create { .. })))
            {
                fix.edits.retain(|e| !matches!(e, FileEdit::Create { .. }));
            }
            out.push(fix);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{fix_and_rescan, rescan_after, run_fix};
    use shipshape_facts::Facts;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const R: &str = "monitoring/alerts.yml";
    const RULES: &str = "groups:\n  - name: api\n    rules:\n      # paged at night\n      - alert: ApiDown\n        expr: up == 0\n        labels:\n          severity: critical\n      - alert: ApiSlow\n        expr: x > 1\n        annotations:\n          summary: slow   # keep me\n          description: |\n            multi\n            line\n\n      - record: job:x\n        expr: y\n";

    #[test]
    fn links_go_into_existing_annotations_or_a_new_block_and_the_runbook_is_created() {
        let files = [SVC, (R, RULES)];
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        assert!(notes.is_empty(), "{notes:?}");
        let (all, after) = rescan_after(&FIX, &files, &fixes);
        assert_eq!(after, Outcome::Pass);
        let get = |p: &str| {
            all.iter()
                .find(|(q, _)| q == p)
                .map(|(_, t)| t.as_str())
                .unwrap()
        };
        assert_eq!(
            get(R),
            "groups:\n  - name: api\n    rules:\n      # paged at night\n      - alert: ApiDown\n        expr: up == 0\n        labels:\n          severity: critical\n        annotations:\n          runbook_url: RUNBOOK.md#apidown\n      - alert: ApiSlow\n        expr: x > 1\n        annotations:\n          summary: slow   # keep me\n          description: |\n            multi\n            line\n          runbook_url: RUNBOOK.md#apislow\n\n      - record: job:x\n        expr: y\n"
        );
        // The runbook it links exists, with the sections, and the links resolve.
        assert!(get("RUNBOOK.md").contains("## ApiSlow\n"));
        let refs: Vec<(&str, &str)> = all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        for (id, want) in [
            ("incident-response/runbook-links-resolve", Outcome::Pass),
            ("incident-response/runbook", Outcome::Pass),
        ] {
            let facts = Facts::from_memory(&refs);
            let unit = shipshape_checks::testing::unit_for(&facts);
            let ctx = shipshape_checks::Ctx::basic(&facts, &unit);
            let v = (crate::testing::check(id).run)(&ctx);
            assert_eq!(v.outcome, want, "{id}: {}", v.summary);
        }
    }

    #[test]
    fn prometheus_rule_resources_odd_indentation_and_an_existing_runbook() {
        let crd = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: api\nspec:\n  groups:\n  - name: api\n    rules:\n    - alert: ApiDown\n      expr: up == 0\n      annotations: {summary: down}\n    - expr: x > 1\n      alert: ApiErrors\n      annotations:\n          summary: errors\n";
        let doc = (
            "docs/runbooks/api.md",
            "# API\n\n## ApiErrors\n\nCheck the logs.\n",
        );
        let files = [SVC, ("deploy/rules.yaml", crd), doc];
        let (out, notes, before, after) = fix_and_rescan(&FIX, &files, "deploy/rules.yaml");
        assert_eq!(before, Outcome::Fail);
        assert_eq!(after, Outcome::Fail, "ApiDown is left");
        assert_eq!(
            out,
            crd.replace(
                "          summary: errors\n",
                "          summary: errors\n          runbook_url: docs/runbooks/api.md#apierrors\n"
            )
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("ApiDown") && n.contains("flow style")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("no section `## ApiDown`")),
            "{notes:?}"
        );
    }

    #[test]
    fn flow_rules_and_values_that_need_quotes() {
        let flow = "groups:\n  - name: a\n    rules:\n      - {alert: A, expr: up == 0}\n";
        let (_, fixes, notes) = run_fix(
            &FIX,
            &Facts::from_memory(&[SVC, (R, flow)]),
            &Inputs::default(),
        );
        assert!(fixes.is_empty());
        assert!(notes.iter().any(|n| n.contains("flow style")), "{notes:?}");
        assert_eq!(yaml_value("RUNBOOK.md#apidown"), "RUNBOOK.md#apidown");
        // Prometheus' annotation templates are not templates of the file.
        assert_eq!(
            template_kind("description: '{{ $labels.job }} is down'\n"),
            None
        );
        assert!(template_kind("image: {{ .Values.image }}\n").is_some());
        assert!(template_kind("runbook_url: \"[[ .RunbookURL ]]#x\"\n").is_some());
        assert_eq!(yaml_value("ops/run book.md#x"), "\"ops/run book.md#x\"");
    }

    /// Every layout the fix edits (indentation steps of 2 and 4, sequences indented or
    /// not under `rules:`, `alert:` first or not, annotations absent, empty or holding a
    /// block scalar, comments between): the file parses, every alert is linked, and
    /// taking the inserted lines out gives the input byte for byte.
    #[test]
    fn every_layout_parses_links_all_and_keeps_the_rest() {
        let mut cases = 0;
        for step in [2usize, 4] {
            for indented_seq in [true, false] {
                for ann in ["none", "empty", "block", "comment"] {
                    for alert_first in [true, false] {
                        let i = |n: usize| " ".repeat(n * step);
                        // `rules:` is at the group's key column, `step + 2`.
                        let seq = " ".repeat(step + 2 + if indented_seq { step } else { 0 });
                        let key = format!("{seq}  ");
                        let mut rule = String::new();
                        let (first, second) = if alert_first {
                            ("alert: A", "expr: up == 0")
                        } else {
                            ("expr: up == 0", "alert: A")
                        };
                        rule.push_str(&format!("{seq}- {first}\n{key}{second}\n"));
                        rule.push_str(&format!("{key}labels:\n{key}{}severity: page\n", i(1)));
                        match ann {
                            "empty" => rule.push_str(&format!("{key}annotations:\n")),
                            "block" => rule.push_str(&format!(
                                "{key}annotations:\n{key}{0}description: |\n{key}{0}{0}two\n{key}{0}{0}lines\n",
                                i(1)
                            )),
                            "comment" => rule.push_str(&format!(
                                "{key}annotations:\n{key}{0}# why\n{key}{0}summary: s # kept\n",
                                i(1)
                            )),
                            _ => {}
                        }
                        let text = format!(
                            "# rules\ngroups:\n{0}- name: g\n{0}  rules:\n{rule}\n{seq}- record: r\n{key}expr: x\n",
                            i(1)
                        );
                        let files = [SVC, (R, text.as_str())];
                        let (out, notes, before, _) = fix_and_rescan(&FIX, &files, R);
                        assert_eq!(before, Outcome::Fail);
                        let case = format!(
                            "step {step}, indented {indented_seq}, {ann}, alert first {alert_first}:\n{text}\n{out}\n{notes:?}"
                        );
                        let docs = shipshape_facts::parse_documents(&out).expect(&case);
                        let mut rules = Vec::new();
                        rules_of_groups(R, docs[0].idx("groups"), &mut rules);
                        assert_eq!(rules.len(), 1, "{case}");
                        assert_eq!(
                            rules[0].runbook.as_ref().map(|r| r.0.as_str()),
                            Some("RUNBOOK.md#a"),
                            "{case}"
                        );
                        let kept: String = out
                            .split_inclusive('\n')
                            .filter(|l| {
                                let added = l.trim_start().starts_with("runbook_url:")
                                    || (ann == "none" && l.trim() == "annotations:");
                                !added
                            })
                            .collect();
                        assert_eq!(kept, text, "{case}");
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 32);
    }
}
