//! `documentation/operations`: deployment, configuration and operation of the service are documented.

use super::doc_file::{doc_matching, readme_section};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/operations",
        title: "Deployment and operations are documented",
        area: Area::Documentation,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        applies_to: "services",
        rationale: "Whoever deploys, configures or restarts the service at a bad moment needs the procedure and the configuration reference written down, not in the head of the one engineer who set it up.",
        evaluation: "Passes when the unit or the repository has a document about deploying, configuring or operating it: a Markdown/reStructuredText/AsciiDoc/text file named deploy*, deployment*, operations*, operating*, ops*, configuration*, config*, production*, runbook* or admin*, or a file under a directory with one of those names (docs/ops/, docs/deployment/...), or a README section titled Deploy/Deployment/Configuration/Operations/Running in production. Files under tests and fixtures do not count. Fails otherwise.",
        remediation: "Add docs/operations.md (or DEPLOY.md) covering how to deploy and roll back, every configuration variable with its default, the service's dependencies, and routine operations (scaling, restarts, data fixes).",
        references: &["https://12factor.net/config"],
    },
    run,
};

const NAMES: &[&str] = &[
    "deploy",
    "operations",
    "operating",
    "ops",
    "configuration",
    "config",
    "production",
    "runbook",
    "admin",
];

fn run(ctx: &Ctx) -> Verdict {
    if let Some(p) = doc_matching(ctx, NAMES, NAMES) {
        return Verdict::pass_with(
            format!("operations documented in {p}"),
            vec![Finding::at(
                Location::file(&p),
                "deployment/operations document",
            )],
        );
    }
    if let Some((p, line)) = readme_section(
        ctx,
        &[
            "deploy",
            "configuration",
            "configuring",
            "operations",
            "operating",
            "production",
            "environment variables",
        ],
    ) {
        return Verdict::pass_with(
            format!("operations section in {p}:{line}"),
            vec![Finding::at(
                Location::line(&p, line),
                "deployment/configuration section",
            )],
        );
    }
    Verdict::fail(
        "no deployment or operations documentation",
        vec![Finding::new(crate::check::looked_in(&[
            "docs/deploy*",
            "docs/operations*",
            "docs/configuration*",
            "DEPLOY.md",
            "OPERATIONS.md",
            "a Deployment/Configuration section in the README",
        ]))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn documents_sections_and_absence() {
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("docs/deployment.md", "# Deploying\n")]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("docs/ops/restarts.md", "# Restarts\n")]).outcome,
            Outcome::Pass
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "README.md",
                    "# api\n## Usage\nx\n## Configuration\n`PORT`\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(4));
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("README.md", "# api\n## Usage\n")]).outcome,
            Outcome::Fail
        );
    }
}
