//! `documentation/architecture`: the service's architecture is written down.

use super::doc_file::{doc_matching, readme_image, readme_section};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
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
        evaluation: "Passes when the unit or the repository has an architecture or design document (a Markdown/reStructuredText/AsciiDoc/text file named architecture*, design*, or under a directory named architecture/design), architecture decision records (files under adr/, adrs/, decisions/ or architecture-decisions/), or an `Architecture`/`Design` section in the unit's or the repository's README, or an architecture heading (`## Architecture`, `## High-Level Architecture`, `## Architecture Overview`; a short heading over at least 40 words, not CPU architectures) in any other document (CONTRIBUTING, agent guides such as AGENTS.md, docs pages, a component's README), or an image there whose alt text or file name says architecture/design (`![Architecture diagram](img/architecture.png)`). Files under tests and fixtures do not count. The evidence is the file (and heading line). Fails otherwise.",
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

/// An architecture heading in any document of the unit or the repository (contributing
/// guides, agent guides such as `AGENTS.md`, docs pages, a component's README: caddy's
/// `AGENTS.md` "## Architecture", paperless-ngx's `docs/usage.md`): a heading whose text
/// is or ends in "architecture", or starts with it ("Architecture Overview"), in at most
/// four words, over a section of at least 40 words. CPU architectures ("Supported
/// architectures", "CPU architecture", "…using the hosts architecture") are not.
fn architecture_heading(ctx: &Ctx) -> Option<(String, u32, String)> {
    ctx.files_with_shared()
        .filter(|f| {
            matches!(
                f.kind,
                FileKind::Readme | FileKind::Doc | FileKind::Contributing
            ) && !f.in_test
        })
        .find_map(|f| {
            let text = ctx.text(&f.path)?;
            text.lines().enumerate().find_map(|(i, l)| {
                let t = l.trim_start();
                if !t.starts_with('#') || t.starts_with("#!") {
                    return None;
                }
                let heading = t.trim_start_matches('#').trim();
                let lower: String = heading
                    .to_ascii_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
                    .collect();
                let lower = lower.trim();
                let about = lower == "architecture"
                    || lower.ends_with(" architecture")
                    || lower.starts_with("architecture ");
                let cpu = ["cpu", "processor", "arm", "supported", "platform"]
                    .iter()
                    .any(|w| lower.split([' ', '-']).any(|x| x == *w));
                let short = lower.split_whitespace().count() <= 4;
                if !(about && short && !cpu) {
                    return None;
                }
                // The section says something: 40 words before the next heading
                // (excalidraw's "Architecture Notes" lists four build tools).
                let words: usize = text
                    .lines()
                    .skip(i + 1)
                    .take_while(|n| !n.trim_start().starts_with('#'))
                    .map(|n| n.split_whitespace().count())
                    .sum();
                (words >= 40).then(|| (f.path.clone(), i as u32 + 1, heading.to_string()))
            })
        })
}

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
    if let Some((p, line, heading)) = architecture_heading(ctx) {
        return Verdict::pass_with(
            format!("architecture section \"{heading}\" in {p}:{line}"),
            vec![Finding::at(
                Location::line(&p, line),
                "architecture section",
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

    /// woodpecker (#13): Docusaurus orders pages with number prefixes
    /// (`docs/docs/92-development/05-architecture.md`), which hid the page.
    #[test]
    fn ordering_prefixes_do_not_hide_a_document() {
        let page = (
            "docs/docs/92-development/05-architecture.md",
            "# Architecture\n",
        );
        assert_eq!(run_on_files(&CHECK, &[SVC, page]).outcome, Outcome::Pass);
        let other = ("docs/docs/92-development/05-testing.md", "# Testing\n");
        assert_eq!(run_on_files(&CHECK, &[SVC, other]).outcome, Outcome::Fail);
    }

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

    /// caddy, paperless-ngx, maybe (#13): an architecture section in AGENTS.md, a docs
    /// page or CLAUDE.md counts; a list of supported CPU architectures does not.
    #[test]
    fn architecture_sections_in_other_documents() {
        let usage = format!(
            "# Usage\n\n## Architecture\n\n{}\n",
            "The webserver, the consumer and the task processor share one broker. ".repeat(5)
        );
        let v = run_on_files(&CHECK, &[SVC, ("docs/usage.md", &usage)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("docs/usage.md", 3))
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "docs/install.md",
                    "# Install\n\n## Supported architectures\n\namd64, arm64\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        // A heading over four bullets says too little (excalidraw's CLAUDE.md).
        let notes = "## Architecture Notes\n\n- Vite\n- Vitest\n- Yarn\n- TypeScript\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("CLAUDE.md", notes)]).outcome,
            Outcome::Fail
        );
    }
}
