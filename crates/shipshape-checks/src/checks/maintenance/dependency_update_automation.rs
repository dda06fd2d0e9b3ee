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
        evaluation: "Reads `.github/dependabot.yml` (version 2 `updates`: `package-ecosystem` with `directory`/`directories`) and Renovate config (renovate.json, .renovaterc(.json), renovate.json5, or a `renovate` key in the root package.json). The unit's ecosystems are those of its package manifests (Cargo, npm, pip/uv/poetry, Go modules, Maven, Gradle, Bundler, Composer, NuGet); a unit with only Dockerfiles needs `docker`. Renovate covers every ecosystem unless `enabledManagers` restricts it. A Dependabot entry covers a manifest when its ecosystem matches and one of its directories is the manifest's directory or an ancestor (workspaces; `*` globs accepted). Passes when every ecosystem is covered; warns with one finding per uncovered manifest; fails when no config exists; `error` when the config does not parse; `n/a` when the unit has no manifest and no Dockerfile.",
        remediation: "Add `.github/dependabot.yml` with one `updates` entry per ecosystem and directory (e.g. `package-ecosystem: cargo`, `directory: /`, `schedule: {interval: weekly}`), or enable Renovate with a `renovate.json` extending `config:recommended`.",
        references: &[
            "https://docs.github.com/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file",
            "https://docs.renovatebot.com/configuration-options/",
        ],
    },
    run,
};

/// Renovate manager names for an ecosystem (for `enabledManagers`).
fn renovate_managers(eco: Option<Ecosystem>) -> &'static [&'static str] {
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
    /// Dependabot entries: `(ecosystem name, directory, line)`.
    Dependabot {
        path: String,
        entries: Vec<(String, String, u32)>,
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
            for u in docs
                .first()
                .map(|d| d.idx("updates").items())
                .unwrap_or(&[])
            {
                let Some(eco) = u.idx("package-ecosystem").as_str() else {
                    continue;
                };
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
    // Manifests needing coverage: ecosystem → (path, first manifest of it). `None` = docker.
    let mut needs: Vec<(Option<Ecosystem>, String)> = ctx
        .files()
        .filter(|f| !f.in_test)
        .filter_map(|f| match f.kind {
            FileKind::Manifest(e) => Some((Some(e), f.path.clone())),
            _ => None,
        })
        .collect();
    if needs.is_empty() {
        needs = ctx.dockerfiles().map(|d| (None, d.path.clone())).collect();
    }
    if needs.is_empty() {
        return Verdict::not_applicable("no package manifest or Dockerfile in the unit");
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
            Coverage::Dependabot { path, entries } => {
                let names: &[&str] = match eco {
                    Some(e) => e.dependabot_names(),
                    None => &["docker"],
                };
                entries
                    .iter()
                    .find(|(n, d, _)| {
                        names.contains(&n.as_str()) && dependabot_covers(d, dir_of(manifest))
                    })
                    .map(|(n, d, l)| Finding::at(Location::line(path, *l), format!("{n} in {d}")))
            }
        });
        let what = eco.map_or("docker", |e| e.dependabot_name());
        match covered_by {
            Some(f) => evidence.push(f.with_key(manifest.clone())),
            None => {
                uncovered.insert(
                    manifest.clone(),
                    Finding::at(
                        Location::file(manifest),
                        format!("no update configuration covers this `{what}` manifest"),
                    )
                    .with_key(manifest.clone()),
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
        assert_eq!(v.outcome, Outcome::Warn);
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
}
