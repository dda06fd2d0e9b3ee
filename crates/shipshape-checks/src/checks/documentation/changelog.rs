//! `documentation/changelog`: changes are recorded for the people who deploy and use the software.

use super::doc_file;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/changelog",
        title: "A changelog records what changed in each release",
        area: Area::Documentation,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "During an incident the first question is what changed. A changelog answers it for operators and users without reading commit logs, and makes rollbacks deliberate.",
        evaluation: "Passes when a CHANGELOG, CHANGES, HISTORY, NEWS, RELEASES or RELEASE-NOTES file (Markdown, text, reStructuredText, AsciiDoc) exists at the unit's root, the repository root, .github/, docs/ or elsewhere in the unit outside tests, or when release notes are generated from the repository (a .changeset/ directory, release-please config, git-cliff cliff.toml). Warns when the changelog file is empty; fails when none is found.",
        remediation: "Add CHANGELOG.md following keepachangelog.com (an `Unreleased` section plus one section per version), or generate it with release-please, changesets or git-cliff.",
        references: &["https://keepachangelog.com/"],
    },
    run,
};

const GENERATORS: &[&str] = &[
    "release-please-config.json",
    ".release-please-manifest.json",
    "cliff.toml",
    ".changeset/config.json",
];

fn run(ctx: &Ctx) -> Verdict {
    if let Some(f) = doc_file::find(ctx, FileKind::Changelog) {
        let words = doc_file::words(ctx, &f.path);
        return if words == 0 {
            Verdict::warn(
                format!("{} is empty", f.path),
                vec![Finding::at(Location::file(&f.path), "empty changelog")],
            )
        } else {
            Verdict::pass_with(
                format!("changelog {}", f.path),
                vec![Finding::at(
                    Location::file(&f.path),
                    format!("{words} words"),
                )],
            )
        };
    }
    if let Some(g) = GENERATORS.iter().find(|g| ctx.facts.exists(g)) {
        return Verdict::pass_with(
            format!("release notes generated ({g})"),
            vec![Finding::at(
                Location::file(*g),
                "release-notes generator config",
            )],
        );
    }
    Verdict::fail(
        "no changelog or release notes",
        vec![Finding::new(crate::check::looked_in(&[
            "CHANGELOG*",
            "CHANGES*",
            "HISTORY*",
            "NEWS*",
            "RELEASES*",
            "docs/",
            ".changeset/",
            "release-please-config.json",
            "cliff.toml",
        ]))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn changelog_generators_and_absence() {
        let v = run_on_files(
            &CHECK,
            &[("CHANGELOG.md", "# Changelog\n## 1.0.0\n- first\n")],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "CHANGELOG.md"
        );
        let v = run_on_files(&CHECK, &[("docs/HISTORY.rst", "1.0\n===\nfirst\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(&CHECK, &[("cliff.toml", "[changelog]\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            run_on_files(&CHECK, &[("CHANGES.md", "")]).outcome,
            Outcome::Warn
        );
        let v = run_on_files(&CHECK, &[("README.md", "x"), ("tests/CHANGELOG.md", "x")]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("CHANGELOG*"));
    }
}
