//! `documentation/architecture`: the service's architecture is written down.

use super::doc_file::{doc_matching, readme_image, readme_section};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/architecture",
        title: "Architecture is documented",
        area: Area::Documentation,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Debugging a production incident needs a map: which components exist, how requests flow, what the service depends on. Architecture docs and decision records keep that map and the reasons behind it.",
        evaluation: "Passes when the unit or the repository has an architecture or design document (a Markdown/reStructuredText/AsciiDoc/text file named architecture*, design*, or under a directory named architecture/design), architecture decision records (files under adr/, adrs/, decisions/ or architecture-decisions/), or an `Architecture`/`Design` section in the unit's or the repository's README, or an image there whose alt text or file name says architecture/design (`![Architecture diagram](img/architecture.png)`). Files under tests and fixtures do not count. The evidence is the file (and heading line). Fails otherwise.",
        remediation: "Add ARCHITECTURE.md (or docs/architecture.md) describing the components, data flow, dependencies and failure modes, and record significant decisions as ADRs in docs/adr/.",
        references: &[
            "https://matklad.github.io/2021/02/06/ARCHITECTURE.md.html",
            "https://adr.github.io/",
        ],
    },
    run,
};

const NAMES: &[&str] = &["architecture", "design"];
const DIRS: &[&str] = &[
    "adr",
    "adrs",
    "decisions",
    "architecture-decisions",
    "architecture",
    "design",
];

fn run(ctx: &Ctx) -> Verdict {
    if let Some(p) = doc_matching(ctx, NAMES, DIRS) {
        return Verdict::pass_with(
            format!("architecture documented in {p}"),
            vec![Finding::at(
                Location::file(&p),
                "architecture/design document",
            )],
        );
    }
    if let Some((p, line)) = readme_section(ctx, &["architecture", "design", "how it works"]) {
        return Verdict::pass_with(
            format!("architecture section in {p}:{line}"),
            vec![Finding::at(
                Location::line(&p, line),
                "architecture section",
            )],
        );
    }
    if let Some((p, line)) = readme_image(ctx, &["architecture", "design"]) {
        return Verdict::pass_with(
            format!("architecture diagram in {p}:{line}"),
            vec![Finding::at(
                Location::line(&p, line),
                "architecture diagram",
            )],
        );
    }
    Verdict::fail(
        "no architecture documentation",
        vec![Finding::new(crate::check::looked_in(&[
            "ARCHITECTURE.md",
            "docs/architecture*",
            "docs/design*",
            "docs/adr/",
            "doc/decisions/",
            "an Architecture section in the README",
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
    fn files_adrs_sections_and_absence() {
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("ARCHITECTURE.md", "# Architecture\n")]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("docs/adr/0001-use-postgres.md", "# Use Postgres\n")]
            )
            .outcome,
            Outcome::Pass
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("README.md", "# api\n\n## Architecture\nRequests go to...\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("README.md", "# api\n"),
                ("tests/fixtures/design.md", "x"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        // dotnet/eShop: the README opens with the architecture diagram.
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "README.md",
                    "# eShop\n\nA reference app.\n\n![eShop Reference Application architecture diagram](img/eshop_architecture.png)\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        let v = run_on_files(
            &CHECK,
            &[SVC, ("README.md", "# x\n![build](https://ci/badge.svg)\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
