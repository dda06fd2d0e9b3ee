//! `rollback/versioned-releases`: releases carry versions you can roll back to.

use crate::checks::delivery::gha::live_ci_files;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::{CiSystem, Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/versioned-releases",
        title: "Releases are versioned",
        area: Area::Rollback,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "Rolling back means naming the release to go back to. Without versions (tags, a version in the manifest, a changelog), \"the previous release\" is whatever someone remembers.",
        evaluation: "Collects three kinds of evidence. Release records: version-like git tags (`v1.2.3`, `1.2`), or release automation — goreleaser, semantic-release, release-please, cargo-dist, cargo-release, changesets configuration, or a CI definition that triggers on releases/tags or runs a release or publish command (`gh release create`, `npm publish`, `cargo publish`, `twine upload`, GitLab `release:`...). A declared version: `version` in Cargo.toml (or inherited from the workspace), package.json (not 0.0.0), pyproject.toml (static or dynamic), setup.py/cfg, pom.xml, build.gradle, composer.json, *.csproj, Chart.yaml, a .gemspec, or a VERSION file. A changelog with version headings. Passes with release records, or with a declared version plus a versioned changelog; warns when only a version or only a changelog exists (nothing marks which commit was released); fails when there is no versioning at all. The git tags are read from the repository's metadata (absent outside a git checkout: then only files count).",
        remediation: "Tag every release with its version (`git tag v1.4.2`), ideally from an automated release job (release-please, semantic-release, goreleaser, cargo-dist), keep the version in the manifest and record changes in CHANGELOG.md.",
        references: &["https://semver.org/", "https://keepachangelog.com/"],
    },
    run,
};

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex"))
}

fn version_tag(tag: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `v1.2.3`, `1.2`, `app-v1.2.3`, `app@1.2.3`, `release-1.2`.
    re(&RE, r"(?:^|[-/@_])v?\d+\.\d+").is_match(tag)
}

/// The numbers of a tag in order (`app-v1.10.2` → [1, 10, 2]), then the tag itself: sorts
/// tags by version rather than as text.
fn version_key(tag: &str) -> (Vec<u64>, String) {
    let nums = tag
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or(u64::MAX))
        .collect();
    (nums, tag.to_string())
}

const RELEASE_FILES: &[&str] = &[
    ".goreleaser.yml",
    ".goreleaser.yaml",
    ".releaserc",
    ".releaserc.json",
    ".releaserc.yml",
    ".releaserc.yaml",
    ".releaserc.js",
    "release.config.js",
    "release.config.cjs",
    "release-please-config.json",
    ".release-please-manifest.json",
    "dist-workspace.toml",
    "release.toml",
    ".changeset/config.json",
];

fn release_command() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"(?x)goreleaser | semantic-release | release-please | cargo-dist | \bdist\s+build\b | \bcargo[\s-]release\b
        | \bgh\s+release\s+create\b | softprops/action-gh-release | ncipollo/release-action | changesets/action
        | \bnpm\s+publish\b | \bpnpm\s+publish\b | \byarn\s+(?:npm\s+)?publish\b | \bcargo\s+publish\b | \btwine\s+upload\b
        | \bpoetry\s+publish\b | \buv\s+publish\b | \bflit\s+publish\b | \bgem\s+push\b | \bmvn\b[^\n]*\bdeploy\b | \bjreleaser\b
        | \$CI_COMMIT_TAG | ^\s*release:\s*$",
    )
}

/// Release records: tags, release tooling files, release jobs in CI.
fn release_records(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(git) = &ctx.facts.git {
        let mut tags: Vec<&String> = git.tags.iter().filter(|t| version_tag(t)).collect();
        // Newest first in the examples: v0.10.6 after v0.9.0, not before it.
        tags.sort_by_cached_key(|t| version_key(t));
        if !tags.is_empty() {
            out.push(Finding::new(format!(
                "{} version tag(s), e.g. {}",
                tags.len(),
                tags.iter()
                    .rev()
                    .take(3)
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let unit = ctx.unit.path.trim_end_matches('/');
    for name in RELEASE_FILES {
        let candidates = [name.to_string(), format!("{unit}/{name}")];
        if let Some(p) = candidates.iter().find(|p| ctx.facts.exists(p)) {
            out.push(Finding::at(
                Location::file(p.clone()),
                "release tooling configuration",
            ));
        }
    }
    for f in live_ci_files(ctx) {
        if let Some(w) = &f.workflow
            && let Some((t, line)) = w.triggers.iter().find(|(t, _)| t == "release")
        {
            out.push(Finding::at(
                Location::line(&f.path, *line),
                format!("workflow triggered by `{t}`"),
            ));
            continue;
        }
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        let re = release_command();
        let tag_trigger = f.system == CiSystem::GithubActions
            && text.lines().any(|l| l.trim_start().starts_with("tags:"));
        if let Some((i, l)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim_start().starts_with('#') && re.is_match(l))
        {
            out.push(
                Finding::at(Location::line(&f.path, i as u32 + 1), "release job")
                    .with_snippet(l.trim().chars().take(120).collect::<String>()),
            );
        } else if tag_trigger {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("tags:"))
                .map_or(0, |i| i as u32 + 1);
            out.push(Finding::at(
                Location::line(&f.path, line),
                "workflow triggered by tags",
            ));
        }
    }
    out
}

/// A version declared in a manifest of the unit: `(path, line)`.
fn declared_version(ctx: &Ctx) -> Option<(String, u32)> {
    static TOML_VERSION: OnceLock<Regex> = OnceLock::new();
    let toml_version = re(
        &TOML_VERSION,
        r#"^\s*version\s*(?:=\s*["']\d|\.workspace\s*=\s*true)"#,
    );
    static GRADLE: OnceLock<Regex> = OnceLock::new();
    let gradle = re(&GRADLE, r#"^\s*version\s*=?\s*["']\d"#);
    let line_where =
        |text: &str, pred: &dyn Fn(&str) -> bool| text.lines().position(pred).map(|i| i as u32 + 1);
    for f in ctx.files().filter(|f| !f.in_test) {
        let name = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        if name.ends_with(".gemspec") || name == "version" || name == "version.txt" {
            return Some((f.path.clone(), 0));
        }
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        let line = match f.kind {
            FileKind::Manifest(Ecosystem::Cargo) => line_where(text, &|l| toml_version.is_match(l)),
            FileKind::Manifest(Ecosystem::Npm) | FileKind::Manifest(Ecosystem::Composer) => {
                line_where(text, &|l| {
                    let t = l.trim_start();
                    t.starts_with("\"version\"") && !t.contains("\"0.0.0\"")
                })
            }
            FileKind::Manifest(Ecosystem::Python) => line_where(text, &|l| {
                toml_version.is_match(l)
                    || l.contains("dynamic") && l.contains("\"version\"")
                    || l.trim_start().starts_with("version=")
                    || l.trim_start().starts_with("version =")
            }),
            FileKind::Manifest(Ecosystem::Maven) => line_where(text, &|l| l.contains("<version>")),
            FileKind::Manifest(Ecosystem::Gradle) => line_where(text, &|l| gradle.is_match(l)),
            FileKind::Manifest(Ecosystem::Nuget) => line_where(text, &|l| {
                l.contains("<Version>") || l.contains("<VersionPrefix>")
            }),
            FileKind::HelmChart => line_where(text, &|l| l.starts_with("version:")),
            _ => None,
        };
        if let Some(line) = line {
            return Some((f.path.clone(), line));
        }
    }
    None
}

/// A changelog (unit or repository root) with a version heading: `(path, line)`.
fn versioned_changelog(ctx: &Ctx) -> Option<(String, u32)> {
    static HEADING: OnceLock<Regex> = OnceLock::new();
    let heading = re(
        &HEADING,
        r"^(?:#+\s*|\[|=+\s*|\*\s*)?\[?v?\d+\.\d+(?:\.\d+)?\b",
    );
    ctx.files_with_shared()
        .filter(|f| f.kind == FileKind::Changelog && !f.in_test)
        .find_map(|f| {
            let text = ctx.text(&f.path)?;
            let i = text.lines().position(|l| {
                let t = l.trim_start_matches(['#', ' ']);
                (l.starts_with('#') || heading.is_match(l)) && heading.is_match(t)
            })?;
            Some((f.path.clone(), i as u32 + 1))
        })
}

fn at(path: &str, line: u32) -> Location {
    if line > 0 {
        Location::line(path, line)
    } else {
        Location::file(path)
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let records = release_records(ctx);
    let version = declared_version(ctx);
    let changelog = versioned_changelog(ctx);
    let mut evidence = Vec::new();
    if let Some((p, l)) = &version {
        evidence.push(Finding::at(at(p, *l), "version declared"));
    }
    if let Some((p, l)) = &changelog {
        evidence.push(Finding::at(at(p, *l), "changelog with version entries"));
    }
    let tags_note = if ctx.facts.git.is_none() {
        " (no git metadata: tags not read)"
    } else {
        ""
    };
    if !records.is_empty() {
        let summary = format!("releases are recorded: {}", records[0].message);
        evidence.splice(0..0, records);
        return Verdict::pass_with(summary, evidence);
    }
    match (version, changelog) {
        (Some(_), Some(_)) => Verdict::pass_with("version declared and a versioned changelog", evidence),
        (Some((p, _)), None) => {
            evidence.push(Finding::new(format!(
                "no version tags, release automation or versioned changelog{tags_note}"
            )).with_key("no-release-records"));
            Verdict::warn(format!("version declared in {p}, but nothing records which commit was released"), evidence)
        }
        (None, Some((p, _))) => {
            evidence.push(Finding::new(format!(
                "no version in any manifest, no version tags or release automation{tags_note}"
            )).with_key("no-version"));
            Verdict::warn(format!("{p} lists versions, but no manifest version, tag or release job backs them"), evidence)
        }
        (None, None) => Verdict::fail(
            "releases are not versioned",
            vec![Finding::new(format!(
                "no version in the unit's manifests, no VERSION file, no versioned CHANGELOG, no version tags and no release automation (looked for: {}, release/publish jobs in CI){tags_note}",
                RELEASE_FILES.join(", ")
            )).with_key("unversioned")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn tags_match_versions() {
        assert!(version_tag("v1.2.3"));
        assert!(version_tag("api-v0.4"));
        assert!(version_tag("pkg@1.0.0"));
        assert!(!version_tag("latest"));
        assert!(!version_tag("deploy-prod"));
        // microservices-demo: v0.10.6 is newer than v0.9.0.
        let mut tags = vec!["v0.9.0", "v0.10.6", "v0.8.1", "v0.10.5"];
        tags.sort_by_cached_key(|t| version_key(t));
        assert_eq!(tags, vec!["v0.8.1", "v0.9.0", "v0.10.5", "v0.10.6"]);
    }

    #[test]
    fn release_job_or_version_and_changelog_pass() {
        let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/release.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/release.yml", 7))
        );
        let v = run_on_files(
            &CHECK,
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"a\"\nversion = \"1.2.0\"\n",
                ),
                (
                    "CHANGELOG.md",
                    "# Changelog\n\n## [1.2.0] - 2025-01-01\n- x\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("Cargo.toml", 3))
        );
        assert_eq!(
            v.findings[1].location,
            Some(Location::line("CHANGELOG.md", 3))
        );
    }

    #[test]
    fn version_only_warns_nothing_fails() {
        let v = run_on_files(
            &CHECK,
            &[(
                "package.json",
                "{\n  \"name\": \"a\",\n  \"version\": \"2.0.1\"\n}",
            )],
        );
        assert_eq!(v.outcome, Outcome::Warn);
        let v = run_on_files(
            &CHECK,
            &[(
                "package.json",
                "{\n  \"name\": \"a\",\n  \"version\": \"0.0.0\"\n}",
            )],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let v = run_on_files(
            &CHECK,
            &[
                ("go.mod", "module x\n"),
                ("CHANGELOG.md", "# Changes\n\nsome notes\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("release automation"));
    }
}
