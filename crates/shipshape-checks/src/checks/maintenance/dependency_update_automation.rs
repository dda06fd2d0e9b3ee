//! `maintenance/dependency-update-automation`: Dependabot or Renovate keeps the unit's dependencies current.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{Ecosystem, FileKind, dependabot_covers};
use shipshape_model::{Area, Finding, Location, Severity};
use std::collections::BTreeMap;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "maintenance/dependency-update-automation",
        title: "Dependency updates are automated for every ecosystem",
        area: Area::Maintenance,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with package manifests or Dockerfiles",
        rationale: "Dependencies that nobody updates drift until a security fix needs a risky multi-version jump. A bot that opens small, tested update pull requests keeps that cost low and continuous.",
        evaluation: "Reads `.github/dependabot.yml` (version 2 `updates`: `package-ecosystem` with `directory`/`directories`) and Renovate config (renovate.json, .renovaterc(.json), renovate.json5, or a `renovate` key in the root package.json). The unit's ecosystems are those of its package manifests (Cargo, npm, pip/uv/poetry, Go modules, Maven, Gradle, Bundler, Composer, NuGet); a unit with only Dockerfiles needs `docker`, one with only Helm charts `helm` (Renovate's helmv3/helm-values managers). Renovate covers every ecosystem unless `enabledManagers` restricts it. A Dependabot entry covers a manifest when its ecosystem matches and one of its directories is the manifest's directory, or an ancestor for the ecosystems whose workspaces Dependabot follows (npm, Cargo, Maven, Gradle, mix, NuGet, uv; Go modules, pip and Poetry projects, Bundler, Composer and Docker entries read their own directory only; `*` globs accepted); an entry with `open-pull-requests-limit: 0` opens no version updates and covers nothing. Passes when every ecosystem is covered; warns with one finding per uncovered manifest; fails when no config exists or every Dependabot entry is switched off; `error` when the config does not parse; `n/a` when the unit has no manifest, Dockerfile or Helm chart.",
        remediation: "Add `.github/dependabot.yml` with one `updates` entry per ecosystem and directory (e.g. `package-ecosystem: cargo`, `directory: /`, `schedule: {interval: weekly}`), or enable Renovate with a `renovate.json` extending `config:recommended`.",
        references: &[
            "https://docs.github.com/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file",
            "https://docs.renovatebot.com/configuration-options/",
        ],
    },
    run,
};

/// What a unit needs updated: its packages of one ecosystem, its images, its charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Packages(Ecosystem),
    Images,
    Charts,
}

impl Need {
    /// Dependabot `package-ecosystem` values that update it.
    fn dependabot_names(self) -> &'static [&'static str] {
        match self {
            Need::Packages(e) => e.dependabot_names(),
            Need::Images => &["docker"],
            Need::Charts => &["helm"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Need::Packages(e) => e.dependabot_name(),
            Need::Images => "docker",
            Need::Charts => "helm",
        }
    }
}

/// Renovate manager names for a need (for `enabledManagers`).
fn renovate_managers(need: Need) -> &'static [&'static str] {
    let eco = match need {
        Need::Packages(e) => Some(e),
        Need::Images => None,
        Need::Charts => return &["helmv3", "helm-values", "helmfile"],
    };
    match eco {
        Some(Ecosystem::Cargo) => &["cargo"],
        Some(Ecosystem::Npm) => &["npm", "bun"],
        Some(Ecosystem::Python) => &[
            "pep621",
            "pip_requirements",
            "pip_setup",
            "pipenv",
            "poetry",
            "setup-cfg",
        ],
        Some(Ecosystem::Go) => &["gomod"],
        Some(Ecosystem::Maven) => &["maven"],
        Some(Ecosystem::Gradle) => &["gradle"],
        Some(Ecosystem::Ruby) => &["bundler"],
        Some(Ecosystem::Composer) => &["composer"],
        Some(Ecosystem::Hex) => &["mix"],
        Some(Ecosystem::Nuget) => &["nuget"],
        None => &["dockerfile"],
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// What the bots cover.
enum Coverage {
    /// Renovate with no restriction (or with these managers).
    Renovate {
        path: String,
        managers: Option<Vec<String>>,
    },
    /// Dependabot entries: `(ecosystem name, directory, line)`, and the entries whose
    /// version updates are switched off: `(ecosystem name, line)`.
    Dependabot {
        path: String,
        entries: Vec<(String, String, u32)>,
        disabled: Vec<(String, u32)>,
    },
}

fn renovate_from_json(path: &str, v: &serde_json::Value) -> Coverage {
    let managers = v
        .get("enabledManagers")
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        });
    Coverage::Renovate {
        path: path.to_string(),
        managers,
    }
}

fn read_configs(ctx: &Ctx) -> Result<Vec<Coverage>, String> {
    let mut out = Vec::new();
    for f in ctx
        .files_of(|k| k == FileKind::DependencyBot)
        .filter(|f| !f.in_test)
    {
        let name = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        if name.starts_with("dependabot") {
            let docs = match ctx.facts.yaml(&f.path) {
                Some(Ok(d)) => d,
                Some(Err(e)) => return Err(format!("{}: {e}", f.path)),
                None => continue,
            };
            let mut entries = Vec::new();
            let mut disabled = Vec::new();
            for u in docs
                .first()
                .map(|d| d.idx("updates").items())
                .unwrap_or(&[])
            {
                let Some(eco) = u.idx("package-ecosystem").as_str() else {
                    continue;
                };
                // `open-pull-requests-limit: 0` switches version updates off (security
                // updates only): hoppscotch's and documenso's only npm entries.
                let limit = u.idx("open-pull-requests-limit");
                if limit.as_i64() == Some(0) || limit.as_str().map(str::trim) == Some("0") {
                    disabled.push((eco.to_string(), u.line));
                    continue;
                }
                let mut dirs: Vec<String> = u
                    .idx("directory")
                    .as_str()
                    .map(str::to_string)
                    .into_iter()
                    .collect();
                dirs.extend(
                    u.idx("directories")
                        .items()
                        .iter()
                        .filter_map(|d| d.as_str().map(str::to_string)),
                );
                for d in dirs {
                    entries.push((eco.to_string(), d, u.line));
                }
            }
            out.push(Coverage::Dependabot {
                path: f.path.clone(),
                entries,
                disabled,
            });
        } else if name.ends_with(".json5") {
            // JSON5 is not parsed: only an explicit `enabledManagers` list restricts coverage.
            let text = ctx.text(&f.path).unwrap_or("");
            let managers = text.find("enabledManagers").map(|at| {
                let rest = &text[at..];
                let list = rest
                    .split_once('[')
                    .and_then(|(_, r)| r.split_once(']'))
                    .map_or("", |(l, _)| l);
                list.split(',')
                    .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            });
            out.push(Coverage::Renovate {
                path: f.path.clone(),
                managers,
            });
        } else {
            let text = ctx.text(&f.path).unwrap_or("");
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("{}: {e}", f.path))?;
            out.push(renovate_from_json(&f.path, &v));
        }
    }
    // Renovate config inside the root package.json.
    if let Some(text) = ctx.text("package.json")
        && text.contains("\"renovate\"")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(r) = v.get("renovate")
    {
        out.push(renovate_from_json("package.json", r));
    }
    Ok(out)
}

fn run(ctx: &Ctx) -> Verdict {
    // What needs coverage, with the file that needs it: package manifests; failing
    // those, Dockerfiles; failing those, Helm charts (their dependencies and images).
    let mut needs: Vec<(Need, String)> = ctx
        .files()
        .filter(|f| !f.in_test && f.role.is_production())
        .filter_map(|f| match f.kind {
            FileKind::Manifest(e) => Some((Need::Packages(e), f.path.clone())),
            _ => None,
        })
        .collect();
    if needs.is_empty() {
        needs = ctx
            .dockerfiles()
            .map(|d| (Need::Images, d.path.clone()))
            .collect();
    }
    if needs.is_empty() {
        needs = ctx
            .files_of(|k| k == FileKind::HelmChart)
            .filter(|f| f.role.is_production())
            .map(|f| (Need::Charts, f.path.clone()))
            .collect();
    }
    if needs.is_empty() {
        return Verdict::not_applicable(
            "no package manifest, Dockerfile or Helm chart in the unit",
        );
    }
    let configs = match read_configs(ctx) {
        Ok(c) => c,
        Err(e) => return Verdict::error(format!("dependency bot config could not be parsed: {e}")),
    };
    if configs.is_empty() {
        return Verdict::fail(
            "no Dependabot or Renovate configuration",
            vec![Finding::new(crate::check::looked_in(&[
                ".github/dependabot.yml",
                "renovate.json",
                ".github/renovate.json",
                ".renovaterc(.json)",
                "renovate.json5",
                "package.json#renovate",
            ]))],
        );
    }
    // A configuration whose every Dependabot entry is switched off updates nothing: as
    // if there were none.
    let effective = configs.iter().any(|c| match c {
        Coverage::Renovate { .. } => true,
        Coverage::Dependabot {
            entries, disabled, ..
        } => !entries.is_empty() || disabled.is_empty(),
    });
    let mut uncovered: BTreeMap<String, Finding> = BTreeMap::new();
    let mut evidence = Vec::new();
    for (eco, manifest) in &needs {
        let covered_by = configs.iter().find_map(|c| match c {
            Coverage::Renovate {
                path,
                managers: None,
            } => Some(Finding::at(Location::file(path), "Renovate (all managers)")),
            Coverage::Renovate {
                path,
                managers: Some(m),
            } => renovate_managers(*eco)
                .iter()
                .any(|x| m.iter().any(|y| y == x))
                .then(|| Finding::at(Location::file(path), "Renovate enabledManagers")),
            Coverage::Dependabot { path, entries, .. } => {
                let names = eco.dependabot_names();
                entries
                    .iter()
                    .find(|(n, d, _)| {
                        names.contains(&n.as_str()) && dependabot_covers(n, d, dir_of(manifest))
                    })
                    .map(|(n, d, l)| Finding::at(Location::line(path, *l), format!("{n} in {d}")))
            }
        });
        let what = eco.name();
        let names = eco.dependabot_names();
        let switched_off = configs.iter().find_map(|c| match c {
            Coverage::Dependabot { path, disabled, .. } => disabled
                .iter()
                .find(|(n, _)| names.contains(&n.as_str()))
                .map(|(_, l)| format!("{path}:{l}")),
            _ => None,
        });
        match covered_by {
            Some(f) => evidence.push(f.with_key(manifest.clone())),
            None => {
                let message = match &switched_off {
                    Some(at) => format!(
                        "the `{what}` entry at {at} has `open-pull-requests-limit: 0`: no version updates for this manifest"
                    ),
                    None => format!("no update configuration covers this `{what}` manifest"),
                };
                uncovered.insert(
                    manifest.clone(),
                    Finding::at(Location::file(manifest), message).with_key(manifest.clone()),
                );
            }
        }
    }
    if uncovered.is_empty() {
        evidence.sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
        evidence.dedup_by(|a, b| a.location == b.location && a.message == b.message);
        Verdict::pass_with(
            format!("updates automated for {} manifest(s)", needs.len()),
            evidence,
        )
    } else if !effective {
        Verdict::fail(
            "the update bot is configured but opens no version updates (every entry has `open-pull-requests-limit: 0`)",
            uncovered.into_values().collect(),
        )
    } else {
        Verdict::warn(
            format!(
                "{} of {} manifest(s) not covered by the update bot",
                uncovered.len(),
                needs.len()
            ),
            uncovered.into_values().collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEPENDABOT: &str = "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n    schedule: {interval: weekly}\n  - package-ecosystem: npm\n    directories: [\"/web/*\"]\n    schedule: {interval: weekly}\n";

    #[test]
    fn dependabot_directories_and_ecosystems() {
        let files = [
            (".github/dependabot.yml", DEPENDABOT),
            ("Cargo.toml", "[workspace]\n"),
            ("crates/a/Cargo.toml", "[package]\nname='a'\n"),
            ("web/app/package.json", "{}"),
        ];
        let v = run_on_files(&CHECK, &files);
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v.findings);
        let mut more = files.to_vec();
        more.push(("tools/requirements.txt", "requests\n"));
        let v = run_on_files(&CHECK, &more);
        assert_eq!(v.outcome, Outcome::Warn, "{v:?}");
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "tools/requirements.txt"
        );
    }

    #[test]
    fn renovate_missing_broken_and_not_applicable() {
        let v = run_on_files(
            &CHECK,
            &[
                ("renovate.json", "{\"extends\":[\"config:recommended\"]}"),
                ("go.mod", "module x\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(
            &CHECK,
            &[
                ("renovate.json", "{\"enabledManagers\":[\"npm\"]}"),
                ("go.mod", "module x\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Warn);
        let v = run_on_files(&CHECK, &[("go.mod", "module x\n")]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains(".github/dependabot.yml"));
        let v = run_on_files(&CHECK, &[("renovate.json", "{"), ("go.mod", "module x\n")]);
        assert_eq!(v.outcome, Outcome::Error);
        assert!(v.summary.contains("renovate.json"));
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }

    /// hoppscotch, documenso (#13): `open-pull-requests-limit: 0` switches version
    /// updates off; navidrome: `gomod` at `/` does not update a nested `go.mod`.
    #[test]
    fn disabled_entries_and_nested_go_modules_are_not_covered() {
        let off = "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n    open-pull-requests-limit: 0\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/dependabot.yml", off), ("package.json", "{}")],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{:?}", v.findings);
        assert!(
            v.findings[0]
                .message
                .contains("open-pull-requests-limit: 0")
        );
        let go = "version: 2\nupdates:\n  - package-ecosystem: gomod\n    directory: /\n    schedule: {interval: weekly}\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/dependabot.yml", go),
                ("go.mod", "module x\n"),
                ("plugins/pdk/go/go.mod", "module y\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Warn, "{:?}", v.findings);
        assert_eq!(v.findings.len(), 1);
    }
}
