//! `incident-response/postmortem-template`: there is a template for learning from incidents.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "incident-response/postmortem-template",
        title: "A postmortem template exists",
        area: Area::IncidentResponse,
        severity: Severity::Info,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "A template makes blameless reviews routine: timeline, impact, root causes, action items with owners. Without one, reviews are skipped or stop at \"human error\". Informational: many organisations keep the template outside the repository.",
        evaluation: "Passes when the unit or the repository has a file whose path names a postmortem or incident review (postmortem, post-mortem, post_mortem, incident-review, incident_review, incident-report, retrospective template), including issue templates under .github/ISSUE_TEMPLATE/ or .gitlab/issue_templates/. Fails otherwise (informational severity: it does not lower the score).",
        remediation: "Add docs/postmortem-template.md (or an incident issue template) with sections for summary, impact, timeline, root causes, what went well, and action items with owners and due dates.",
        references: &[
            "https://sre.google/sre-book/example-postmortem/",
            "https://www.atlassian.com/incident-management/postmortem/templates",
        ],
    },
    run,
};

const NAMES: &[&str] = &[
    "postmortem",
    "post-mortem",
    "post_mortem",
    "incident-review",
    "incident_review",
    "incident-report",
    "incident_report",
    "retrospective-template",
    "retrospective_template",
];

fn run(ctx: &Ctx) -> Verdict {
    // NAMES are lower-case ASCII: compared without lower-casing a copy of every path.
    let named = |f: &shipshape_facts::FileEntry| {
        let path = f.path.as_bytes();
        !f.in_test
            && NAMES.iter().any(|n| {
                path.windows(n.len())
                    .any(|w| w.eq_ignore_ascii_case(n.as_bytes()))
            })
    };
    // The unit's and the shared files, then docs/: the repository's parts once per scan.
    let hit = ctx
        .first_with_shared("postmortem-template", named)
        .or_else(|| ctx.first_with_prefix("postmortem-template", "docs/", named));
    match hit {
        Some(f) => Verdict::pass_with(
            format!("postmortem template {}", f.path),
            vec![Finding::at(Location::file(&f.path), "postmortem template")],
        ),
        None => Verdict::fail(
            "no postmortem template",
            vec![Finding::new(
                "no file named like postmortem, post-mortem, incident-review or incident-report (docs/, .github/ISSUE_TEMPLATE/, .gitlab/issue_templates/, the unit)",
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn template_files() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    ".github/ISSUE_TEMPLATE/incident-report.md",
                    "---\nname: Incident\n---\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::file(".github/ISSUE_TEMPLATE/incident-report.md"))
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("docs/postmortem-template.md", "# Postmortem\n")]
            )
            .outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("docs/runbook.md", "# Runbook\n")]).outcome,
            Outcome::Fail
        );
    }
}
