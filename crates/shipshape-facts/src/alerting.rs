//! Prometheus alert rules and runbook documents: what the alerting checks judge and
//! the runbook fixes write, decided in one place.
//!
//! [`rules_of_groups`] reads the `alert:` rules of a rule file's `groups:` (or a
//! PrometheusRule's `spec.groups`); [`is_runbook_path`] says whether a document is a
//! runbook by name or location; [`heading_slug`] is the anchor GitHub gives a heading,
//! which runbook links into the repository must name.

use crate::Yaml;

/// One `alert:` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    pub path: String,
    /// Line of the `alert:` key.
    pub line: u32,
    pub name: String,
    /// `expr:` as written (a block scalar's text), when present.
    pub expr: Option<String>,
    /// `labels.severity`, when present.
    pub severity: Option<String>,
    /// `runbook_url` (or `runbook`, `runbook-url`, `runbookUrl`) annotation or label:
    /// value and line.
    pub runbook: Option<(String, u32)>,
}

/// The annotation (or label) keys that link a runbook.
pub const RUNBOOK_KEYS: &[&str] = &["runbook_url", "runbook", "runbook-url", "runbookUrl"];

/// The `alert:` rules of `groups` (a list of `{name, rules}`), in file order.
pub fn rules_of_groups(path: &str, groups: &Yaml, out: &mut Vec<AlertRule>) {
    for g in groups.items() {
        for r in g.idx("rules").items() {
            let Some(alert) = r.get("alert") else {
                continue;
            };
            let name = alert.scalar_text().unwrap_or_default();
            let ann = r.idx("annotations");
            let runbook = RUNBOOK_KEYS
                .iter()
                .find_map(|k| ann.get(k).or_else(|| r.idx("labels").get(k)))
                .and_then(|v| Some((v.scalar_text()?, v.line)))
                .filter(|(v, _)| !v.trim().is_empty());
            out.push(AlertRule {
                path: path.to_string(),
                line: alert.line,
                name,
                expr: r.idx("expr").scalar_text().filter(|e| !e.trim().is_empty()),
                severity: r.idx("labels").idx("severity").scalar_text(),
                runbook,
            });
        }
    }
}

const DOC_EXTS: &[&str] = &[".md", ".markdown", ".rst", ".adoc", ".txt"];

/// True when `path` is a runbook document by name or location: a Markdown,
/// reStructuredText, AsciiDoc or text file named `runbook*`/`playbook*`, under a
/// `runbook*/` or `playbook*/` directory, or under `docs/operations*` or `docs/ops/`.
pub fn is_runbook_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if !DOC_EXTS.iter().any(|e| lower.ends_with(e)) {
        return false;
    }
    let parts: Vec<&str> = lower.split('/').collect();
    let name = parts.last().copied().unwrap_or("");
    let dirs = &parts[..parts.len().saturating_sub(1)];
    name.starts_with("runbook")
        || name.starts_with("run-book")
        || name.starts_with("playbook")
        || dirs
            .iter()
            .any(|d| d.starts_with("runbook") || d.starts_with("playbook"))
        || (lower.starts_with("docs/operations")
            || lower.contains("/docs/operations")
            || lower.starts_with("docs/ops/")
            || lower.contains("/docs/ops/"))
}

/// GitHub's heading anchor: lower-case, punctuation dropped, spaces to dashes.
pub fn heading_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// True when the Markdown `text` has an ATX heading (`## Name`) whose slug is `slug`.
pub fn has_heading(text: &str, slug: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with('#') && heading_slug(t.trim_start_matches('#')) == slug
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_slugs_and_runbook_paths() {
        let docs = crate::parse_documents(
            "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n        labels:\n          severity: critical\n      - record: x\n        expr: y\n      - alert: Slow\n        expr: |\n          x > 1\n        annotations:\n          runbook_url: RUNBOOK.md#slow\n",
        )
        .unwrap();
        let mut out = Vec::new();
        rules_of_groups("a.yml", docs[0].idx("groups"), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].line, out[0].expr.as_deref()), (4, Some("up == 0")));
        assert_eq!(out[0].severity.as_deref(), Some("critical"));
        assert_eq!(out[1].expr.as_deref(), Some("x > 1\n"));
        assert_eq!(out[1].runbook, Some(("RUNBOOK.md#slow".into(), 14)));
        assert_eq!(heading_slug(" Api Down! "), "api-down");
        assert_eq!(heading_slug("KubePodCrashLooping"), "kubepodcrashlooping");
        assert!(has_heading("# x\n\n## Api Down!\n", "api-down"));
        assert!(is_runbook_path("services/api/RUNBOOK.md"));
        assert!(is_runbook_path("docs/ops/restore.md"));
        assert!(!is_runbook_path("playbooks/site.yml"));
    }
}
