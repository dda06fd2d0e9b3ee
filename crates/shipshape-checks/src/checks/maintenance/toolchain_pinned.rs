//! `maintenance/toolchain-pinned`: the language toolchain version is declared.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::{Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "maintenance/toolchain-pinned",
        title: "The toolchain version is pinned",
        area: Area::Maintenance,
        severity: Severity::Low,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with source code or package manifests",
        rationale: "When the compiler or runtime version is implicit, builds differ between laptops, CI and production images, and an upgrade happens by accident rather than on purpose.",
        evaluation: "Passes when the unit or the repository root has a toolchain file (rust-toolchain(.toml), .nvmrc, .node-version, .python-version, .ruby-version, .java-version, .go-version, .tool-versions, .sdkmanrc, mise.toml/.mise.toml, global.json), or a manifest declares the version: Cargo `rust-version`, package.json `engines`, pyproject `requires-python`, go.mod `go`/`toolchain` directive, pom.xml `maven.compiler.release`/`java.version`, Gradle `JavaLanguageVersion.of`/`jvmToolchain`, Gemfile `ruby`. A unit inside a workspace or a multi-module build also inherits what a manifest in a directory above it declares (a parent pom's `java.version`, a root build.gradle's `sourceCompatibility`, the workspace root's `engines`), when it is a manifest of the unit's own build system. Fails when none is found; `n/a` when the unit has no source or manifest.",
        remediation: "Commit the version you build with: `rust-toolchain.toml` (`[toolchain] channel = \"1.95\"`), `.nvmrc`, `.python-version`, the go.mod `toolchain` line, or a `.tool-versions` file for asdf/mise.",
        references: &[
            "https://rust-lang.github.io/rustup/overrides.html#the-toolchain-file",
            "https://mise.jdx.dev/configuration.html",
        ],
    },
    run,
};

const EXTRA_FILES: &[&str] = &[".sdkmanrc", "mise.toml", ".mise.toml", "global.json"];

fn manifest_pin(eco: Ecosystem) -> &'static Regex {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    let all = RES.get_or_init(|| {
        [
            r"(?m)^\s*rust-version\s*(?:\.workspace)?\s*=",
            r#""engines"\s*:\s*\{[^}]*"node""#,
            r"(?m)^\s*(?:requires-python|python_requires)\s*=|python\s*=\s*.[\^~>=<]*\d",
            r"(?m)^(?:go\s+\d|toolchain\s+go\d)",
            r"<maven\.compiler\.(?:release|source)>|<java\.version>|<release>\d",
            r"JavaLanguageVersion\.of\(|jvmToolchain\(|sourceCompatibility\s*=",
            r#"(?m)^\s*ruby\s+['"]\d"#,
            r#""php"\s*:\s*""#,
            r"<TargetFramework",
            r#"(?m)^\s*elixir:\s*""#,
        ]
        .iter()
        .map(|p| Regex::new(p).expect("constant regex"))
        .collect()
    });
    &all[match eco {
        Ecosystem::Cargo => 0,
        Ecosystem::Npm => 1,
        Ecosystem::Python => 2,
        Ecosystem::Go => 3,
        Ecosystem::Maven => 4,
        Ecosystem::Gradle => 5,
        Ecosystem::Ruby => 6,
        Ecosystem::Composer => 7,
        Ecosystem::Nuget => 8,
        Ecosystem::Hex => 9,
    }]
}

fn run(ctx: &Ctx) -> Verdict {
    let near = |p: &str| {
        !p.contains('/') || (ctx.in_unit(p) && !shipshape_facts::signals::is_test_path(p))
    };
    let has_code = ctx.files().any(|f| {
        matches!(f.kind, FileKind::Manifest(_))
            || matches!(f.kind, FileKind::Source(l) if l != shipshape_facts::Lang::Shell)
    });
    if !has_code {
        return Verdict::not_applicable("no source code or package manifest in the unit");
    }
    // `near` files are root files or the unit's own, all among `files_with_shared`.
    if let Some(f) = ctx.files_with_shared().find(|f| {
        (f.kind == FileKind::Toolchain
            || EXTRA_FILES
                .iter()
                .any(|n| f.path.rsplit('/').next() == Some(n)))
            && near(&f.path)
    }) {
        return Verdict::pass_with(
            format!("toolchain pinned in {}", f.path),
            vec![Finding::at(Location::file(&f.path), "toolchain file")],
        );
    }
    let mut searched = Vec::new();
    // The unit's own manifests first, then those of the directories above it: a
    // workspace member or a build module inherits the version its parent declares (a
    // parent pom's `<java.version>`, a root build.gradle's `allprojects {
    // sourceCompatibility = … }`, the workspace root package.json's `engines`).
    let unit_dir = ctx.unit.path.trim_matches('/');
    let ancestors: Vec<&str> = if unit_dir.is_empty() || unit_dir == "." {
        vec![]
    } else {
        let mut v = vec![""];
        let mut at = 0;
        while let Some(i) = unit_dir[at..].find('/') {
            v.push(&unit_dir[..at + i]);
            at += i + 1;
        }
        v
    };
    // Only a parent of the unit's own build system: a Ruby plugin under a Go module's
    // root inherits nothing from its go.mod.
    let family = |e: Ecosystem| match e {
        Ecosystem::Gradle => Ecosystem::Maven,
        e => e,
    };
    let own: Vec<Ecosystem> = ctx
        .files()
        .filter_map(|f| match f.kind {
            FileKind::Manifest(e) => Some(family(e)),
            _ => None,
        })
        .collect();
    // The files directly in each ancestor directory, in the file list's order.
    // The root's files are among the shared ones (no walk over every file per unit).
    let in_dir = |a: &&str| -> Vec<&shipshape_facts::FileEntry> {
        if a.is_empty() {
            ctx.files_with_shared()
                .filter(|f| !f.path.contains('/'))
                .collect()
        } else {
            ctx.facts.files_in_dir(a).collect()
        }
    };
    let mut parent_manifests: Vec<&shipshape_facts::FileEntry> = ancestors
        .iter()
        .flat_map(in_dir)
        .filter(|f| matches!(f.kind, FileKind::Manifest(e) if own.contains(&family(e))))
        .collect();
    parent_manifests.sort_by(|a, b| a.path.cmp(&b.path));
    for f in ctx.files().filter(|f| !f.in_test).chain(parent_manifests) {
        let FileKind::Manifest(eco) = f.kind else {
            continue;
        };
        searched.push(f.path.clone());
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some(m) = manifest_pin(eco).find(text) {
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
            let line = text[..start].matches('\n').count() as u32 + 1;
            let snippet: String = text
                .lines()
                .nth(line as usize - 1)
                .unwrap_or("")
                .trim()
                .chars()
                .take(120)
                .collect();
            return Verdict::pass_with(
                format!("toolchain version declared in {}:{line}", f.path),
                vec![
                    Finding::at(Location::line(&f.path, line), "toolchain version")
                        .with_snippet(snippet),
                ],
            );
        }
    }
    let mut looked = vec!["rust-toolchain(.toml), .nvmrc, .node-version, .python-version, .tool-versions, .java-version, .ruby-version, mise.toml".to_string()];
    looked.extend(
        searched
            .into_iter()
            .map(|p| format!("a version field in {p}")),
    );
    Verdict::fail(
        "no toolchain version pinned",
        vec![Finding::new(format!("looked for: {}", looked.join(", ")))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    /// spring-petclinic-microservices' modules inherit `<java.version>` from the parent
    /// pom; kestra's subprojects `sourceCompatibility` from the root build.gradle;
    /// excalidraw's packages `engines` from the workspace root package.json.
    #[test]
    fn members_inherit_the_version_their_parent_build_declares() {
        let units = vec!["vets".to_string(), "other".to_string()];
        let v = crate::testing::run_in_monorepo(
            &CHECK,
            &[
                (
                    "pom.xml",
                    "<project><properties><java.version>17</java.version></properties></project>",
                ),
                ("vets/pom.xml", "<project><parent/></project>"),
                ("vets/src/main/java/A.java", "class A {}"),
            ],
            ("vets", "vets"),
            &units,
        );
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v);
        assert_eq!(v.findings[0].location, Some(Location::line("pom.xml", 1)));
        // A sibling's pin is not inherited.
        let v = crate::testing::run_in_monorepo(
            &CHECK,
            &[
                ("other/package.json", "{\"engines\": {\"node\": \">=20\"}}"),
                ("vets/pom.xml", "<project/>"),
                ("vets/src/main/java/A.java", "class A {}"),
            ],
            ("vets", "vets"),
            &units,
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn files_and_manifest_fields_pass() {
        let v = run_on_files(
            &CHECK,
            &[
                ("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95\"\n"),
                ("src/lib.rs", ""),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(&CHECK, &[("go.mod", "module x\n\ngo 1.23.4\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let v = run_on_files(
            &CHECK,
            &[(
                "package.json",
                "{\"name\":\"x\",\"engines\":{\"node\":\">=22\"}}",
            )],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(
            &CHECK,
            &[(
                "pyproject.toml",
                "[project]\nname = \"x\"\nrequires-python = \">=3.12\"\n",
            )],
        );
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn missing_fails_and_no_code_is_not_applicable() {
        let v = run_on_files(
            &CHECK,
            &[(
                "package.json",
                "{\"name\":\"x\",\"dependencies\":{\"node-fetch\":\"3\"}}",
            )],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("package.json"));
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
