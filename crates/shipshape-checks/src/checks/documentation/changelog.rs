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
        evaluation: "Passes when a CHANGELOG, CHANGES, HISTORY, NEWS, RELEASES or RELEASE-NOTES file (Markdown, text, reStructuredText, AsciiDoc) exists at the unit's root, the repository root, .github/, docs/ or elsewhere in the unit outside tests, or when release notes are generated from the repository (a .changeset/ directory, release-please config, git-cliff cliff.toml, a GoReleaser config whose changelog is not disabled, semantic-release config, or a CI step that generates them: chart-releaser's `CR_GENERATE_RELEASE_NOTES: true`, `generate_release_notes: true`, `gh release create --generate-notes`, Release Drafter's action). Warns when the changelog file is empty; fails when none is found.",
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

/// Release notes a release tool writes from the repository's history for every
/// release: GoReleaser (its changelog is on unless `changelog.disable` is set:
/// navidrome's `release/goreleaser.yml`), chart-releaser's `CR_GENERATE_RELEASE_NOTES`
/// (prometheus-community/helm-charts), GitHub's generated notes (`gh release create
/// --generate-notes`, `generate_release_notes: true`), semantic-release.
fn generated_release_notes(ctx: &Ctx) -> Option<(String, u32, String)> {
    for f in ctx.files_with_shared().filter(|f| f.role.is_production()) {
        let name = f.path.rsplit('/').next().unwrap_or("");
        if matches!(
            name,
            ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml"
        ) {
            let disabled = ctx
                .facts
                .yaml(&f.path)
                .and_then(|r| r.ok())
                .is_some_and(|docs| {
                    docs.iter().any(|d| {
                        d.at(&["changelog", "disable"])
                            .and_then(|v| v.scalar_text())
                            .is_some_and(|v| v == "true")
                    })
                });
            if !disabled {
                return Some((f.path.clone(), 0, "GoReleaser changelog".into()));
            }
        }
        if matches!(
            name,
            ".releaserc"
                | ".releaserc.json"
                | ".releaserc.yml"
                | ".releaserc.yaml"
                | "release.config.js"
        ) {
            return Some((f.path.clone(), 0, "semantic-release".into()));
        }
    }
    for c in ctx.ci_files() {
        let Some(text) = ctx.text(&c.path) else {
            continue;
        };
        for (i, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.starts_with('#') {
                continue;
            }
            let squashed: String = l
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
                .collect();
            let what = if squashed.starts_with("CR_GENERATE_RELEASE_NOTES:true") {
                "chart-releaser release notes"
            } else if squashed.starts_with("generate_release_notes:true") {
                "GitHub generated release notes"
            } else if l.contains("gh release create") && l.contains("--generate-notes") {
                "`gh release create --generate-notes`"
            } else if l.contains("semantic-release") && !l.starts_with("name:") {
                "semantic-release"
            } else if squashed.contains("uses:release-drafter/release-drafter@") {
                // gethomepage/homepage drafts every release's notes from merged pull
                // requests (`.github/release-drafter.yml`).
                "Release Drafter"
            } else {
                continue;
            };
            return Some((c.path.clone(), i as u32 + 1, what.into()));
        }
    }
    None
}

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
    if let Some((path, line, what)) = generated_release_notes(ctx) {
        return Verdict::pass_with(
            format!("release notes generated ({what})"),
            vec![Finding::at(Location::line(&path, line), what)],
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

    /// gethomepage/homepage has no CHANGELOG file; Release Drafter writes each release's
    /// notes from merged pull requests. It failed.
    #[test]
    fn release_drafter_in_ci_writes_release_notes() {
        let wf = "on:\n  push:\n    branches: [dev]\njobs:\n  draft:\n    steps:\n      - uses: release-drafter/release-drafter@v6\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/release-drafter.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // Its configuration alone writes nothing.
        let v = run_on_files(
            &CHECK,
            &[(".github/release-drafter.yml", "template: $CHANGES\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

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
        // Generated release notes (navidrome's GoReleaser config, helm-charts'
        // chart-releaser): were fails.
        let v = run_on_files(
            &CHECK,
            &[(
                "release/goreleaser.yml",
                "builds:\n  - id: x\nchangelog:\n  sort: asc\n",
            )],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let v = run_on_files(
            &CHECK,
            &[(".goreleaser.yaml", "changelog:\n  disable: true\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let v = run_on_files(
            &CHECK,
            &[(
                ".github/workflows/release.yaml",
                "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: helm/chart-releaser-action@v1\n        env:\n          CR_GENERATE_RELEASE_NOTES: true\n",
            )],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/release.yaml", 8))
        );
        let v = run_on_files(&CHECK, &[("README.md", "x"), ("tests/CHANGELOG.md", "x")]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("CHANGELOG*"));
    }
}
