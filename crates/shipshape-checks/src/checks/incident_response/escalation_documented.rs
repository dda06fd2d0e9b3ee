//! `incident-response/escalation-documented`: the documentation says what to do, and whom to call, when it breaks.

use super::runbook::catalog_runbook;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "incident-response/escalation-documented",
        title: "Escalation path and incident procedure are documented",
        area: Area::IncidentResponse,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "When the first responder cannot fix it, they need to know who is next, how to declare an incident and how to communicate. Working that out during the outage costs the minutes that matter.",
        evaluation: "Passes when a document of the unit or the repository root/docs (README, runbooks, operations docs, CONTRIBUTING; changelogs and the security policy excluded) has a heading about escalation, on-call, incidents, paging, support contacts or emergency contacts (e.g. \"## Escalation\", \"On-call\", \"Incident response\", \"Who to page\"; a bare \"Support\" heading pointing to community channels is not an escalation path), or when a catalog file links a runbook and the config declares an on-call target. Evidence: the heading's line. Fails otherwise.",
        remediation: "Add an \"Escalation\" or \"Incident response\" section to the runbook or README: how to page the on-call, who is the next level (team lead, platform team, vendor support), how to declare and communicate an incident, and where the status page is.",
        references: &[
            "https://response.pagerduty.com/",
            "https://sre.google/sre-book/managing-incidents/",
        ],
    },
    run,
};

const WORDS: &[&str] = &[
    "escalat",
    "on-call",
    "on call",
    "oncall",
    "incident",
    "paging",
    "who to page",
    "pagerduty",
    "opsgenie",
    "emergency contact",
    "support contact",
    "getting help in production",
];

/// The first heading of a document that names an escalation topic: `(line, heading)`.
pub(crate) fn escalation_heading(text: &str) -> Option<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mentions = |l: &str| {
        let lower = l.to_ascii_lowercase();
        WORDS.iter().any(|w| lower.contains(w))
    };
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let atx = t.starts_with('#') && !t.starts_with("#!");
        let setext = lines.get(i + 1).is_some_and(|n| {
            let n = n.trim();
            n.len() >= 3 && (n.chars().all(|c| c == '=') || n.chars().all(|c| c == '-'))
        }) && !t.is_empty();
        let bold = t.starts_with("**") && t.trim_end().ends_with("**");
        if (atx || setext || bold) && mentions(t) {
            return Some((i as u32 + 1, t.trim_start_matches('#').trim().to_string()));
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let docs = ctx.files_with_shared().filter(|f| {
        matches!(
            f.kind,
            FileKind::Readme | FileKind::Doc | FileKind::Contributing
        ) || (f.kind == FileKind::Other && f.path.to_ascii_lowercase().ends_with(".txt"))
    });
    for f in docs {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some((line, heading)) = escalation_heading(text) {
            return Verdict::pass_with(
                format!("\"{heading}\" in {}:{line}", f.path),
                vec![Finding::at(
                    Location::line(&f.path, line),
                    format!("section \"{heading}\""),
                )],
            );
        }
    }
    if let (Some(oncall), Some((path, line, _))) = (ctx.oncall, catalog_runbook(ctx)) {
        return Verdict::pass_with(
            format!("on-call `{oncall}` declared and a runbook linked from {path}:{line}"),
            vec![
                Finding::at(Location::line(&path, line), "runbook link"),
                Finding::new(format!("oncall = {oncall}")),
            ],
        );
    }
    Verdict::fail(
        "no escalation path or incident procedure documented",
        vec![Finding::new(
            "no heading about escalation, on-call, incidents, paging or emergency contacts in the README, runbooks or docs",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn headings_pass() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "docs/operations.md",
                    "# Operations\n\nDeploy with make.\n\n## Escalation\n\nPage the on-call.\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("docs/operations.md", 5))
        );
        let setext = "Payments\n========\n\nIncident response\n-----------------\nCall Bob.\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("README.md", setext)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn mentions_outside_headings_and_changelogs_do_not_count() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("README.md", "# Payments\n\nWe had an incident last year.\n"),
                ("CHANGELOG.md", "# Changelog\n## Incident fixes\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
