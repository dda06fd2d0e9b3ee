//! `incident-response/runbook`: the service has a runbook that on-call can follow.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{FileEntry, FileKind, Yaml};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "incident-response/runbook",
        title: "Service has a runbook",
        area: Area::IncidentResponse,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "At 3 a.m. the person paged is often not the author. A runbook says how to tell what is wrong, how to mitigate (restart, roll back, fail over, scale) and whom to call, turning a long outage into a short one.",
        evaluation: "Passes when the config declares `runbook` for the unit, when a catalog file (catalog-info.yaml, .opslevel.yml, cortex.yaml) of the unit or repository links a runbook (a link, annotation or tool whose key, title, type or URL mentions \"runbook\"; evidence: its line), or when the unit or the repository root has a runbook document: a Markdown/reStructuredText/AsciiDoc/text file named runbook* or under a runbook*/ or playbook*/ directory (Ansible playbooks in YAML do not count), or docs/operations*, docs/ops/. Warns when the only runbook document is a stub (fewer than 40 words). Fails otherwise, naming the places looked at.",
        remediation: "Write RUNBOOK.md (or docs/runbooks/<service>.md): what the service does and depends on, dashboards and logs, common alerts with diagnosis and mitigation steps, how to roll back, and escalation contacts; link it from catalog-info.yaml (`metadata.links` with `type: runbook`).",
        references: &[
            "https://sre.google/sre-book/being-on-call/",
            "https://backstage.io/docs/features/software-catalog/descriptor-format/#links-optional",
        ],
    },
    run,
};

pub(crate) use shipshape_facts::alerting::is_runbook_path;

/// A runbook mention in a catalog file: `(path, line, text)`.
pub(crate) fn catalog_runbook(ctx: &Ctx) -> Option<(String, u32, String)> {
    for f in ctx
        .files_with_shared()
        .filter(|f| f.kind == FileKind::CatalogInfo)
    {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for d in docs.iter() {
            let mut hit: Option<(u32, String)> = None;
            d.walk(&mut |n: &Yaml| {
                if hit.is_some() {
                    return;
                }
                for (k, v) in n.entries() {
                    let key_hit = k.to_ascii_lowercase().contains("runbook");
                    let val = v.scalar_text().unwrap_or_default();
                    if key_hit && !val.trim().is_empty()
                        || val.to_ascii_lowercase().contains("runbook")
                    {
                        let url = n
                            .get("url")
                            .and_then(Yaml::scalar_text)
                            .unwrap_or_else(|| val.clone());
                        hit = Some((v.line.max(n.line), url));
                        return;
                    }
                }
            });
            if let Some((line, text)) = hit {
                return Some((f.path.clone(), line, text));
            }
        }
    }
    None
}

fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn run(ctx: &Ctx) -> Verdict {
    if let Some(link) = ctx.runbook {
        return Verdict::pass_with(
            format!("runbook declared in the configuration: {link}"),
            vec![Finding::new(format!("runbook = {link}"))],
        );
    }
    if let Some((path, line, url)) = catalog_runbook(ctx) {
        return Verdict::pass_with(
            format!("runbook linked from {path}:{line}"),
            vec![Finding::at(Location::line(&path, line), "runbook link").with_snippet(url)],
        );
    }
    let docs: Vec<&FileEntry> = ctx
        .files_with_shared()
        .filter(|f| is_runbook_path(&f.path))
        .collect();
    let substantial = docs
        .iter()
        .find(|f| ctx.text(&f.path).is_some_and(|t| words(t) >= 40));
    if let Some(f) = substantial {
        let more = docs.len() - 1;
        return Verdict::pass_with(
            format!(
                "runbook {}{}",
                f.path,
                if more > 0 {
                    format!(" and {more} more document(s)")
                } else {
                    String::new()
                }
            ),
            docs.iter()
                .take(5)
                .map(|f| Finding::at(Location::file(&f.path), "runbook document"))
                .collect(),
        );
    }
    if let Some(f) = docs.first() {
        return Verdict::warn(
            format!("{} is a stub (fewer than 40 words)", f.path),
            vec![
                Finding::at(Location::file(&f.path), "runbook has almost no content")
                    .with_key("stub"),
            ],
        );
    }
    Verdict::fail(
        "no runbook found",
        vec![Finding::new(
            "no runbook: looked for `runbook` in the config, runbook links in catalog-info.yaml/.opslevel.yml/cortex.yaml, RUNBOOK*.md, runbooks/, playbooks/ (documents), docs/runbook*, docs/operations*, docs/ops/",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const BODY: &str = "# Runbook\n\nThe payments API accepts card payments and writes them to Postgres. When the error rate alert fires, open the dashboard, check the database connection pool, and roll back the last deploy with the deploy job if the errors started after it. Escalate to the payments team lead when the database is down.\n";

    #[test]
    fn documents_links_and_config() {
        let v = run_on_files(&CHECK, &[SVC, ("docs/runbooks/payments.md", BODY)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::file("docs/runbooks/payments.md"))
        );
        let catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  links:\n    - url: https://wiki.acme.dev/payments\n      title: Runbook\nspec:\n  owner: team-a\n";
        let v = run_on_files(&CHECK, &[SVC, ("catalog-info.yaml", catalog)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("catalog-info.yaml", 7))
        );
        assert_eq!(
            v.findings[0].snippet.as_deref(),
            Some("https://wiki.acme.dev/payments")
        );
    }

    #[test]
    fn stubs_warn_ansible_and_absence_fail() {
        let v = run_on_files(&CHECK, &[SVC, ("RUNBOOK.md", "# Runbook\n\nTODO\n")]);
        assert_eq!(v.outcome, Outcome::Warn);
        let v = run_on_files(
            &CHECK,
            &[SVC, ("playbooks/site.yml", "- hosts: all\n  tasks: []\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("docs/operations"));
        assert_eq!(
            run_on_files(
                &CHECK,
                &[("Cargo.toml", "[package]\nname='a'\n"), ("src/lib.rs", "")]
            )
            .outcome,
            Outcome::NotApplicable
        );
    }
}
