//! `documentation/operations`: deployment, configuration and operation of the service are documented.

use super::doc_file::{doc_matching, readme_line, readme_section};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/operations",
        title: "Deployment and operations are documented",
        area: Area::Documentation,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Whoever deploys, configures or restarts the service at a bad moment needs the procedure and the configuration reference written down, not in the head of the one engineer who set it up.",
        evaluation: "Passes when the unit or the repository has a document about deploying, configuring or operating it: a Markdown/reStructuredText/AsciiDoc/text file named deploy*, deployment*, operations*, operating*, ops*, configuration*, config*, production*, runbook*, admin*, hosting*, self-host* or upgrading*, or a file under a directory with one of those names (or starting with one before `-`, `_` or `.`: `deployment-self-hosting/`) or `installation`, `administration` or `configure` (docs/ops/, docs/deployment/, docs/hosting/, a docs site's installation/ or configure/...), or a section of the README or of the main documentation file (the root's DOCUMENTATION.md, docs/index or docs/README) whose title mentions deploying, configuring, (self-)hosting, operations, running as a service or in production, or a README line giving a deployment command (`azd up`, `helm install`, `kubectl apply`, `terraform apply`, `skaffold run`, `fly deploy`, `gcloud run deploy`…; a local `docker compose up` does not count). Files under tests and fixtures do not count. Fails otherwise.",
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
    // Self-hosted products document their deployment as hosting guides
    // (maybe-finance's `docs/hosting/docker.md`).
    "hosting",
    "self-hosting",
    "selfhosting",
    "self-host",
    "selfhost",
    "upgrading",
];

/// Directory names that hold such documents beyond [`NAMES`]: the plural and long
/// forms, and a documentation site's installation section (mealie's
/// `docs/…/getting-started/installation/backend-config.md`). A file named INSTALL is
/// not enough: it is as often how to build from source or a four-line unzip-and-run
/// note (Kavita's `INSTALL.txt`).
const MORE_DIRS: &[&str] = &[
    "deployment",
    "runbooks",
    "installation",
    "administration",
    // A docs site's configuration section (homebox's `quick-start/configure/`).
    "configure",
];

/// Commands that deploy to a real environment (not a local `docker compose up`).
const DEPLOY_COMMANDS: &[&str] = &[
    "azd up",
    "azd deploy",
    "helm install",
    "helm upgrade",
    "kubectl apply",
    "skaffold run",
    "terraform apply",
    "pulumi up",
    "cdk deploy",
    "sam deploy",
    "serverless deploy",
    "fly deploy",
    "flyctl deploy",
    "gcloud run deploy",
    "gcloud app deploy",
    "az webapp deploy",
    "kamal deploy",
    "cf push",
];

/// The first README line (the unit's or the repository's) that gives a deployment
/// command, as `(path, line, command)`: instructions without a heading of their own
/// (dotnet/eShop's `azd up` under "Use Azure Developer CLI").
fn readme_deploy_command(ctx: &Ctx) -> Option<(String, u32, &'static str)> {
    readme_line(ctx, |l| {
        let joined = l.split_whitespace().collect::<Vec<_>>().join(" ");
        DEPLOY_COMMANDS.iter().copied().find(|c| {
            joined.starts_with(c)
                || joined.contains(&format!(" {c}"))
                || joined.contains(&format!("`{c}"))
        })
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let dirs: Vec<&str> = NAMES.iter().chain(MORE_DIRS).copied().collect();
    if let Some(p) = doc_matching(ctx, NAMES, &dirs) {
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
            // Not "install": a README's Install section is as often how to build from
            // source or install a template (caddy, saleor, CleanArchitecture).
            "configur",
            "self-host",
            "selfhost",
            "hosting",
            "operations",
            "operating",
            "production",
            "environment variables",
            // "Running as a service" (Radicale's systemd and NSSM set-up).
            "as a service",
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
    if let Some((p, line, cmd)) = readme_deploy_command(ctx) {
        return Verdict::pass_with(
            format!("deployment instructions in {p}:{line} (`{cmd}`)"),
            vec![Finding::at(
                Location::line(&p, line),
                format!("deployment command `{cmd}`"),
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

    /// maybe-finance's `docs/hosting/docker.md`, mealie's docs-site installation pages and
    /// umami's "### Configure Umami" were fails; a README "Install" heading (caddy,
    /// saleor) and an INSTALL file (Kavita's four-line unzip note) stay fails.
    #[test]
    fn hosting_guides_and_configure_sections_count_install_headings_do_not() {
        for files in [
            &[
                SVC,
                ("docs/hosting/docker.md", "# Self-hosting with Docker\n"),
            ][..],
            &[
                SVC,
                (
                    "docs/docs/getting-started/installation/backend-config.md",
                    "# Backend configuration\n",
                ),
            ][..],
            &[SVC, ("README.md", "# Umami\n\n### Configure Umami\n")][..],
            // homebox (#13): its docs site's `quick-start/configure/` section.
            &[
                SVC,
                (
                    "docs/src/content/docs/en/quick-start/configure/index.mdx",
                    "---\ntitle: Env Variables & Configuration\n---\n",
                ),
            ][..],
        ] {
            assert_eq!(
                run_on_files(&CHECK, files).outcome,
                Outcome::Pass,
                "{files:?}"
            );
        }
        for files in [
            &[SVC, ("README.md", "# Caddy\n\n## Install\n\nbuild it\n")][..],
            &[SVC, ("INSTALL.txt", "unzip and run\n")][..],
        ] {
            assert_eq!(
                run_on_files(&CHECK, files).outcome,
                Outcome::Fail,
                "{files:?}"
            );
        }
    }

    /// Kozea/Radicale keeps its manual in DOCUMENTATION.md ("### Running as a service",
    /// "### Configuration"); Flagsmith's self-hosting guides are under
    /// `docs/docs/deployment-self-hosting/`. Both failed as undocumented.
    #[test]
    fn the_main_documentation_file_and_prefixed_directories_count() {
        let manual =
            "# Documentation\n\n## Tutorials\n\n### Running as a service\n\nsystemd unit...\n";
        let v = run_on_files(&CHECK, &[SVC, ("DOCUMENTATION.md", manual)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("DOCUMENTATION.md", 5))
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "docs/docs/deployment-self-hosting/index.md",
                    "# Self-hosting\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // The same heading in another document, or a directory that only begins with
        // the word, is not the manual.
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("notes/DOCUMENTATION.md", manual),
                ("docs/deploymentx/a.md", "# x\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

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

    /// dotnet/eShop: `azd up` under a heading that does not say "deploy".
    #[test]
    fn a_deployment_command_in_the_readme_counts() {
        let readme = "# eShop\n\n### Use Azure Developer CLI\n\nRun:\n\n```sh\nazd up\n```\n";
        let v = crate::testing::run_on_files(&CHECK, &[SVC, ("README.md", readme)]);
        assert_eq!(v.outcome, shipshape_model::Outcome::Pass, "{}", v.summary);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        let local = "# x\n\n```sh\ndocker compose up\n```\nSee the azd-up-like docs.\n";
        let v = crate::testing::run_on_files(&CHECK, &[SVC, ("README.md", local)]);
        assert_eq!(v.outcome, shipshape_model::Outcome::Fail, "{}", v.summary);
    }
}
