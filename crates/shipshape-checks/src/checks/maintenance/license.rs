//! `maintenance/license`: the unit states its license.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::{Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "maintenance/license",
        title: "The license is stated",
        area: Area::Maintenance,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "Without a stated license nobody — including other teams and legal review — knows whether the code may be used, copied or shipped. Internal code benefits too: `UNLICENSED`/proprietary is a statement.",
        evaluation: "Passes when a LICENSE/LICENCE/COPYING/UNLICENSE file (any extension, LICENSE-MIT style included) exists at the unit's root or the repository root, or when a manifest of the unit declares a license: Cargo `license`/`license-file` (or `license.workspace = true`), package.json/composer.json `\"license\"`, pyproject `license` or a `License ::` classifier, setup.cfg/setup.py `license`, pom.xml `<licenses>`, *.csproj `PackageLicenseExpression`/`PackageLicenseFile`. The evidence names the file and line. Fails otherwise.",
        remediation: "Add a LICENSE file at the repository root (choosealicense.com helps), or declare an SPDX expression in the manifest, e.g. `license = \"Apache-2.0\"` in Cargo.toml or `\"license\": \"UNLICENSED\"` for proprietary code.",
        references: &["https://spdx.org/licenses/", "https://choosealicense.com/"],
    },
    run,
};

fn manifest_license() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?m)^\s*(?:license(?:-file|_file|_files|-files)?(?:\.workspace)?\s*[=:]|"license"\s*:|License\s+::|\s*"License ::)|<licenses>|<PackageLicense(?:Expression|File)>|\blicense\s*=\s*['"]"#,
        )
        .expect("constant regex")
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let unit = ctx.unit.path.trim_end_matches('/');
    let at_root = |p: &str| {
        let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
        dir.is_empty() || dir == unit
    };
    if let Some(f) = ctx
        .facts
        .files
        .iter()
        .find(|f| f.kind == FileKind::License && at_root(&f.path))
    {
        return Verdict::pass_with(
            format!("license file {}", f.path),
            vec![Finding::at(Location::file(&f.path), "license file")],
        );
    }
    let manifests = ctx.files().filter(|f| {
        matches!(f.kind, FileKind::Manifest(e) if !matches!(e, Ecosystem::Go | Ecosystem::Gradle | Ecosystem::Ruby))
            && !f.in_test
    });
    let mut searched = Vec::new();
    for f in manifests {
        searched.push(f.path.clone());
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        if let Some(m) = manifest_license().find(text) {
            // `^\s*` may swallow blank lines: count from the first visible character.
            let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
            let line = text[..start].matches('\n').count() as u32 + 1;
            let snippet = text.lines().nth(line as usize - 1).unwrap_or("").trim();
            return Verdict::pass_with(
                format!("license declared in {}", f.path),
                vec![
                    Finding::at(Location::line(&f.path, line), "license declared")
                        .with_snippet(snippet.chars().take(120).collect::<String>()),
                ],
            );
        }
    }
    let mut looked = vec!["LICENSE* / COPYING* at the unit and repository root".to_string()];
    looked.extend(searched.into_iter().map(|p| format!("`license` in {p}")));
    Verdict::fail(
        "no license stated",
        vec![Finding::new(format!("looked for: {}", looked.join(", ")))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn license_file_or_manifest_field() {
        let v = run_on_files(&CHECK, &[("LICENSE-APACHE", "Apache License")]);
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(
            &CHECK,
            &[(
                "Cargo.toml",
                "[package]\nname = \"a\"\nlicense = \"MIT OR Apache-2.0\"\n",
            )],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let v = run_on_files(
            &CHECK,
            &[(
                "package.json",
                "{\n  \"name\": \"x\",\n  \"license\": \"UNLICENSED\"\n}\n",
            )],
        );
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let v = run_on_files(
            &CHECK,
            &[
                ("Cargo.toml", "[package]\nname = \"a\"\n"),
                ("vendor/x/LICENSE", "MIT"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("Cargo.toml"));
    }
}
