//! `dependency-updates`: Dependabot or Renovate configuration for
//! `maintenance/dependency-update-automation`.
//!
//! **What it proposes.** One update configuration covering every ecosystem and
//! directory the scan found, repository-wide (the same change for every unit that
//! asks, so it is proposed once):
//! - **Creates** `.github/dependabot.yml` when there is no update configuration at
//!   all (**safe**: a new file). Each ecosystem gets one `updates` entry listing its
//!   directories, a weekly schedule, and one group per ecosystem that bundles its
//!   minor and patch updates into a single pull request (majors stay one by one).
//! - **Creates** `renovate.json` instead when the repository leans to Renovate: a
//!   Renovate preset or config file that is not one Renovate reads by itself, a
//!   Renovate badge or mention in the docs, a `renovate` CI job or
//!   `renovatebot/github-action` step, or a `renovate` dependency. It extends
//!   `config:recommended` and `schedule:weekly` and has one minor/patch group per
//!   ecosystem (`packageRules` by `matchManagers`). Renovate finds every directory
//!   itself; the description lists the ones the scan found.
//! - **Edits** an existing `dependabot.yml` that leaves some manifests uncovered by
//!   appending the missing `updates:` entries after the last one, in the file's own
//!   indentation; every existing byte (comments, order, quoting) is kept. **Review**:
//!   it changes what an existing bot does.
//!
//! **Where the values come from** (the facts of the walk, never a second walk):
//! - package manifests by [`FileKind::Manifest`] (Cargo, npm/yarn/pnpm, pip/poetry/uv,
//!   Go modules, Maven, Gradle, Bundler, Composer, NuGet), test fixtures left out; a
//!   manifest below another of its ecosystem without a lock file of its own is a
//!   workspace member (Cargo, npm, Maven, Gradle, mix), which the ancestor's entry
//!   updates; Go modules, Python, Bundler, Composer and NuGet projects are listed
//!   directory by directory. `uv.lock` makes a Python directory `uv`, `bun.lock(b)`
//!   makes an npm one `bun`;
//! - `mix.exs` (Elixir, `mix`), production Dockerfiles (`docker`, by directory),
//!   `.github/workflows/` (`github-actions`), Terraform `.tf` files (`terraform`) and
//!   Helm charts' `Chart.yaml` (`helm`).
//!
//! The `package-ecosystem` values are Dependabot's documented ones (`gomod`, not
//! `go`; `bundler`, not `ruby`; npm also updates yarn and pnpm projects).
//!
//! Not proposed (and said so in a note): editing a Renovate config whose
//! `enabledManagers` leaves ecosystems out, or a `dependabot.yml` whose `updates` is
//! not a block sequence (flow style, missing).

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::{CiSystem, Ecosystem, Facts, FileKind, Yaml, dependabot_covers};
use std::collections::{BTreeMap, BTreeSet};

pub static FIX: FixDef = FixDef {
    check_id: "maintenance/dependency-update-automation",
    name: "dependency-updates",
    title: "Configure Dependabot (or Renovate) for every ecosystem and directory the scan found",
    generate,
};

/// Where a new Dependabot configuration goes.
pub const DEPENDABOT_PATH: &str = ".github/dependabot.yml";
/// Where a new Renovate configuration goes.
pub const RENOVATE_PATH: &str = "renovate.json";

/// One `updates` entry to propose: a Dependabot ecosystem and its directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Dependabot's `package-ecosystem` value.
    pub ecosystem: &'static str,
    /// Repository-relative directories, `""` for the root, sorted.
    pub dirs: Vec<String>,
    /// The files that asked for it (first few, for the description).
    pub evidence: Vec<String>,
}

impl Entry {
    /// The names an existing Dependabot entry may carry to cover this one (the check's).
    fn accepted(&self) -> &'static [&'static str] {
        match self.ecosystem {
            "npm" | "bun" => Ecosystem::Npm.dependabot_names(),
            "pip" | "uv" => Ecosystem::Python.dependabot_names(),
            "cargo" => &["cargo"],
            "gomod" => &["gomod"],
            "maven" => &["maven"],
            "gradle" => &["gradle"],
            "bundler" => &["bundler"],
            "composer" => &["composer"],
            "nuget" => &["nuget"],
            "mix" => &["mix"],
            "docker" => &["docker"],
            "github-actions" => &["github-actions"],
            "terraform" => &["terraform"],
            "helm" => &["helm"],
            _ => &[],
        }
    }

    /// Renovate managers of the ecosystem (for its `packageRules` group).
    fn renovate_managers(&self) -> &'static [&'static str] {
        match self.ecosystem {
            "pip" => &[
                "pep621",
                "pip_requirements",
                "pip_setup",
                "pipenv",
                "poetry",
                "setup-cfg",
            ],
            "uv" => &["pep621"],
            "docker" => &["dockerfile"],
            "helm" => &["helmv3"],
            "cargo" => &["cargo"],
            "npm" => &["npm"],
            "bun" => &["bun"],
            "gomod" => &["gomod"],
            "maven" => &["maven"],
            "gradle" => &["gradle"],
            "bundler" => &["bundler"],
            "composer" => &["composer"],
            "nuget" => &["nuget"],
            "mix" => &["mix"],
            "github-actions" => &["github-actions"],
            "terraform" => &["terraform"],
            _ => &[],
        }
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_proper_ancestor(a: &str, d: &str) -> bool {
    a != d && (a.is_empty() || d.starts_with(&format!("{a}/")))
}

/// Ecosystems whose nested manifests are usually workspace members of an ancestor's
/// project (one lock file at the workspace root), updated through it.
fn workspace_aware(name: &str) -> bool {
    matches!(name, "cargo" | "npm" | "bun" | "maven" | "gradle" | "mix")
}

/// Every `updates` entry the facts ask for, in a stable order (ecosystems as
/// Dependabot lists them in its docs would be arbitrary; this is manifest order).
pub(crate) fn entries(facts: &Facts) -> Vec<Entry> {
    // (dependabot name) → directory → files found there.
    let mut found: BTreeMap<&'static str, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut order: Vec<&'static str> = Vec::new();
    let mut add = |name: &'static str, path: &str| {
        if !order.contains(&name) {
            order.push(name);
        }
        found
            .entry(name)
            .or_default()
            .entry(dir_of(path).to_string())
            .or_default()
            .push(path.to_string());
    };
    let lock_in = |dir: &str, names: &[&str]| {
        names.iter().any(|n| {
            let p = if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            };
            facts.exists(&p)
        })
    };
    for f in facts.files.iter().filter(|f| !f.in_test) {
        match f.kind {
            FileKind::Manifest(e) => {
                let dir = dir_of(&f.path);
                let name = match e {
                    Ecosystem::Npm if lock_in(dir, &["bun.lock", "bun.lockb"]) => "bun",
                    Ecosystem::Python if lock_in(dir, &["uv.lock"]) => "uv",
                    e => e.dependabot_name(),
                };
                add(name, &f.path);
            }
            FileKind::Source(_) if file_name(&f.path) == "mix.exs" => add("mix", &f.path),
            FileKind::Dockerfile if f.role.is_production() => add("docker", &f.path),
            FileKind::Ci(CiSystem::GithubActions) if f.path.starts_with(".github/workflows/") => {
                add("github-actions", ".github/workflows/");
            }
            FileKind::Terraform if f.path.ends_with(".tf") && f.role.is_production() => {
                add("terraform", &f.path);
            }
            FileKind::HelmChart if f.role.is_production() => add("helm", &f.path),
            _ => {}
        }
    }
    // Package ecosystems first (in the order their manifests come), then images,
    // infrastructure and the workflows' actions.
    order.sort_by_key(|n| match *n {
        "docker" => 1,
        "terraform" => 2,
        "helm" => 3,
        "github-actions" => 4,
        _ => 0,
    });
    let mut out = Vec::new();
    for name in order {
        let by_dir = &found[name];
        let locks: &[&str] = match name {
            "cargo" => &["Cargo.lock"],
            "npm" => &[
                "package-lock.json",
                "npm-shrinkwrap.json",
                "yarn.lock",
                "pnpm-lock.yaml",
            ],
            "bun" => &["bun.lock", "bun.lockb"],
            "gradle" => &["gradle.lockfile"],
            "mix" => &["mix.lock"],
            _ => &[],
        };
        let dirs: Vec<String> = by_dir
            .keys()
            .filter(|d| {
                let github_actions = name == "github-actions";
                let member = workspace_aware(name)
                    && by_dir.keys().any(|a| is_proper_ancestor(a, d))
                    && !lock_in(d, locks);
                !member || github_actions
            })
            .map(|d| {
                if name == "github-actions" {
                    String::new()
                } else {
                    d.clone()
                }
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let evidence = by_dir.values().flatten().take(3).cloned().collect();
        out.push(Entry {
            ecosystem: name,
            dirs,
            evidence,
        });
    }
    out
}

fn slash(dir: &str) -> String {
    format!("/{dir}")
}

/// The YAML of `entries` as `updates` items whose `-` sits at column `indent`.
pub(crate) fn dependabot_items(entries: &[Entry], indent: usize, nl: &str) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for e in entries {
        let mut lines = vec![format!("{pad}- package-ecosystem: {}", e.ecosystem)];
        if let [one] = e.dirs.as_slice() {
            lines.push(format!("{pad}  directory: \"{}\"", slash(one)));
        } else {
            lines.push(format!("{pad}  directories:"));
            for d in &e.dirs {
                lines.push(format!("{pad}    - \"{}\"", slash(d)));
            }
        }
        lines.push(format!("{pad}  schedule:"));
        lines.push(format!("{pad}    interval: weekly"));
        lines.push(format!("{pad}  groups:"));
        lines.push(format!("{pad}    {}-minor-patch:", e.ecosystem));
        lines.push(format!("{pad}      patterns:"));
        lines.push(format!("{pad}        - \"*\""));
        lines.push(format!("{pad}      update-types:"));
        lines.push(format!("{pad}        - minor"));
        lines.push(format!("{pad}        - patch"));
        for l in lines {
            out.push_str(&l);
            out.push_str(nl);
        }
    }
    out
}

/// A new `.github/dependabot.yml` for `entries`.
pub(crate) fn dependabot_file(entries: &[Entry]) -> String {
    format!(
        "# Dependency updates, proposed by `shipshape fix` from the manifests the scan found.\n\
         # Every ecosystem is checked weekly; its minor and patch updates arrive as one\n\
         # grouped pull request, major updates one by one.\n\
         # https://docs.github.com/code-security/dependabot/dependabot-version-updates/configuration-options-for-the-dependabot.yml-file\n\
         version: 2\n\
         updates:\n{}",
        dependabot_items(entries, 2, "\n")
    )
}

/// A new `renovate.json` for `entries`.
pub(crate) fn renovate_file(entries: &[Entry]) -> String {
    let rules: Vec<serde_json::Value> = entries
        .iter()
        .filter(|e| !e.renovate_managers().is_empty())
        .map(|e| {
            serde_json::json!({
                "description": format!("{}: minor and patch updates in one weekly pull request", e.ecosystem),
                "matchManagers": e.renovate_managers(),
                "matchUpdateTypes": ["minor", "patch"],
                "groupName": format!("{} minor and patch", e.ecosystem),
            })
        })
        .collect();
    let v = serde_json::json!({
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "extends": ["config:recommended", "schedule:weekly"],
        "packageRules": rules,
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

/// Why the repository leans to Renovate (`path:line: what`), if it does.
pub(crate) fn renovate_lean(facts: &Facts) -> Option<String> {
    let line_of = |text: &str, at: usize| text[..at].matches('\n').count() + 1;
    // A preset or config Renovate does not pick up by itself (`renovate/default.json`,
    // `.github/renovate-presets.json`, a self-hosted `config.js` named after it).
    if let Some(f) = facts.files.iter().find(|f| {
        !f.in_test
            && f.kind != FileKind::DependencyBot
            && (file_name(&f.path).to_ascii_lowercase().contains("renovate")
                || f.path.starts_with("renovate/")
                || f.path.contains("/renovate/"))
    }) {
        return Some(format!("{}: a Renovate preset or config", f.path));
    }
    for f in facts.files.iter().filter(|f| {
        !f.in_test
            && matches!(
                f.kind,
                FileKind::Readme | FileKind::Contributing | FileKind::Doc
            )
    }) {
        let Some(text) = facts.text(&f.path) else {
            continue;
        };
        let lower = text.to_ascii_lowercase();
        if let Some(at) = [
            "renovatebot",
            "renovate[bot]",
            "mend.io/renovate",
            "renovate bot",
        ]
        .iter()
        .filter_map(|n| lower.find(n))
        .min()
        {
            return Some(format!(
                "{}:{}: Renovate named in the docs",
                f.path,
                line_of(text, at)
            ));
        }
    }
    for ci in facts.ci_files() {
        if let Some(w) = &ci.workflow {
            for j in &w.jobs {
                if j.id.to_ascii_lowercase().contains("renovate") {
                    return Some(format!("{}:{}: CI job `{}`", ci.path, j.line, j.id));
                }
                if let Some((u, line)) = j
                    .steps
                    .iter()
                    .filter_map(|s| s.uses.as_ref())
                    .find(|(u, _)| u.starts_with("renovatebot/"))
                {
                    return Some(format!("{}:{line}: CI step `{u}`", ci.path));
                }
            }
        } else if let Some(text) = facts.text(&ci.path) {
            let lower = text.to_ascii_lowercase();
            if let Some(at) = ["renovate/renovate", "renovatebot/", "npx renovate"]
                .iter()
                .filter_map(|n| lower.find(n))
                .min()
            {
                return Some(format!(
                    "{}:{}: Renovate run in CI",
                    ci.path,
                    line_of(text, at)
                ));
            }
            if let Some(l) = text.lines().position(|l| l.starts_with("renovate:")) {
                return Some(format!("{}:{}: CI job `renovate`", ci.path, l + 1));
            }
        }
    }
    facts
        .dependencies()
        .items
        .iter()
        .find(|d| d.name == "renovate")
        .map(|d| format!("{}:{}: a `renovate` dependency", d.manifest, d.line))
}

/// An existing Dependabot config: its `updates` as `(ecosystem, directory)` pairs.
fn dependabot_entries(doc: &Yaml) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for u in doc.idx("updates").items() {
        let Some(eco) = u.idx("package-ecosystem").as_str() else {
            continue;
        };
        let dirs = u
            .idx("directory")
            .as_str()
            .into_iter()
            .chain(u.idx("directories").items().iter().filter_map(Yaml::as_str));
        for d in dirs {
            out.push((eco.to_string(), d.to_string()));
        }
    }
    out
}

/// The entries (and directories) of `wanted` that `existing` does not cover.
pub(crate) fn missing(wanted: &[Entry], existing: &[(String, String)]) -> Vec<Entry> {
    wanted
        .iter()
        .filter_map(|e| {
            let names = e.accepted();
            let dirs: Vec<String> = e
                .dirs
                .iter()
                .filter(|d| {
                    !existing
                        .iter()
                        .any(|(n, x)| names.contains(&n.as_str()) && dependabot_covers(n, x, d))
                })
                .cloned()
                .collect();
            (!dirs.is_empty()).then(|| Entry { dirs, ..e.clone() })
        })
        .collect()
}

/// Where to append to the `updates` block sequence of `text` and the column of its
/// `-`: after the last line of the block (trailing blank and comment lines stay
/// where they are, in front of what follows). `None` when `updates` is not a block
/// sequence of mappings with a `-` at the start of its first item's line.
pub(crate) fn append_point(text: &str, doc: &Yaml) -> Option<(usize, usize)> {
    let updates = doc.get("updates")?;
    let first = updates.items().first()?;
    let lines: Vec<(usize, &str)> = line_starts(text);
    // The key `updates:` alone on its line at column 0.
    let key = lines.get((updates.key_line as usize).checked_sub(1)?)?;
    if !key.1.starts_with("updates:")
        || !key.1["updates:".len()..].trim_start().is_empty()
            && !key.1["updates:".len()..].trim_start().starts_with('#')
    {
        return None;
    }
    let item = lines.get((first.line as usize).checked_sub(1)?)?.1;
    let indent = item.len() - item.trim_start_matches(' ').len();
    if !item[indent..].starts_with("- ") && !item[indent..].trim_end().eq("-") {
        return None;
    }
    // The block runs until the first line at column 0 that is neither blank, a
    // comment, nor (for a sequence at column 0) an item.
    let mut last_content = updates.key_line as usize - 1;
    for (i, (_, l)) in lines.iter().enumerate().skip(updates.key_line as usize) {
        let t = l.trim_end_matches(['\r', '\n']);
        if t.trim().is_empty() || t.trim_start().starts_with('#') {
            continue;
        }
        let col0 = !t.starts_with(' ') && !t.starts_with('\t');
        if col0 && !(indent == 0 && t.starts_with('-')) {
            break;
        }
        last_content = i;
    }
    let (start, l) = lines[last_content];
    Some((start + l.len(), indent))
}

/// Each line of `text` with its start offset, line ends kept.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        out.push((at, l));
        at += l.len();
    }
    out
}

fn describe(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| {
            let dirs: Vec<String> = e.dirs.iter().map(|d| slash(d)).collect();
            format!("{} in {}", e.ecosystem, dirs.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    let facts = ctx.facts;
    let wanted = entries(facts);
    if wanted.is_empty() {
        return Vec::new();
    }
    let bots: Vec<&str> = facts
        .files_of(|k| k == FileKind::DependencyBot)
        .filter(|f| !f.in_test)
        .map(|f| f.path.as_str())
        .collect();
    let dependabot = bots
        .iter()
        .find(|p| file_name(p).to_ascii_lowercase().starts_with("dependabot"));
    if let Some(path) = dependabot {
        return extend_dependabot(ctx, path, &wanted);
    }
    if let Some(path) = bots.first().copied().or_else(|| {
        facts
            .text("package.json")
            .filter(|t| t.contains("\"renovate\""))
            .map(|_| "package.json")
    }) {
        ctx.note(format!(
            "{path} configures Renovate with `enabledManagers`: add the managers it leaves out \
             there (editing a person's Renovate config is left to them)"
        ));
        return Vec::new();
    }
    let found = describe(&wanted);
    if let Some(why) = renovate_lean(facts) {
        return vec![ctx.fix(
            Applicability::Safe,
            format!(
                "create {RENOVATE_PATH} (the repository leans to Renovate: {why}): weekly, minor and patch grouped per ecosystem; Renovate finds every manifest itself, the scan found {found}"
            ),
            vec![FileEdit::Create {
                path: RENOVATE_PATH.into(),
                content: renovate_file(&wanted),
            }],
        )];
    }
    let evidence: Vec<&str> = wanted
        .iter()
        .flat_map(|e| e.evidence.iter().map(String::as_str))
        .take(4)
        .collect();
    vec![ctx.fix(
        Applicability::Safe,
        format!(
            "create {DEPENDABOT_PATH}: weekly updates, minor and patch grouped per ecosystem, for {found} (from {}{})",
            evidence.join(", "),
            if wanted.iter().map(|e| e.evidence.len()).sum::<usize>() > evidence.len() {
                ", …"
            } else {
                ""
            }
        ),
        vec![FileEdit::Create {
            path: DEPENDABOT_PATH.into(),
            content: dependabot_file(&wanted),
        }],
    )]
}

fn extend_dependabot(ctx: &FixCtx, path: &str, wanted: &[Entry]) -> Vec<Fix> {
    let (Some(text), Some(Ok(docs))) = (ctx.facts.text(path), ctx.facts.yaml(path)) else {
        // Unreadable or unparsable: the check reports it as an error, not a fix.
        return Vec::new();
    };
    let Some(doc) = docs.first() else {
        return Vec::new();
    };
    let add = missing(wanted, &dependabot_entries(doc));
    if add.is_empty() {
        return Vec::new();
    }
    let Some((at, indent)) = append_point(text, doc) else {
        ctx.note(format!(
            "{path}: `updates` is not a block list of entries, so the missing entries ({}) are not appended; add them by hand",
            describe(&add)
        ));
        return Vec::new();
    };
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut insertion = String::new();
    if at > 0 && !text[..at].ends_with('\n') {
        insertion.push_str(nl);
    }
    insertion.push_str(&dependabot_items(&add, indent, nl));
    vec![ctx.fix(
        Applicability::Review,
        format!(
            "append to {path} the update entries it lacks: {} (weekly, minor and patch grouped); its existing entries are kept as they are",
            describe(&add)
        ),
        vec![FileEdit::insert(path, text, at, insertion)],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, facts, fixes_for, run_fix};
    use shipshape_model::Outcome;

    fn run(files: &[(&str, &str)]) -> (Outcome, Vec<Fix>, Vec<(String, String)>) {
        let f = Facts::from_memory(files);
        let (before, fixes) = fixes_for(&FIX, &f, &Inputs::default());
        (before, fixes.clone(), applied(files, &fixes))
    }

    fn after(files: &[(String, String)]) -> Outcome {
        fixes_for(&FIX, &facts(files), &Inputs::default()).0
    }

    fn created(fix: &Fix) -> (&str, &str) {
        match &fix.edits[0] {
            FileEdit::Create { path, content } => (path, content),
            FileEdit::Replace { .. } => panic!("a create"),
        }
    }

    #[test]
    fn a_workspace_its_separate_lock_and_every_other_ecosystem() {
        let files = [
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
            ("Cargo.lock", ""),
            ("crates/a/Cargo.toml", "[package]\nname = \"a\"\n"),
            ("xtask/Cargo.toml", "[package]\nname = \"xtask\"\n"),
            ("xtask/Cargo.lock", ""),
            ("web/package.json", "{}"),
            ("web/yarn.lock", ""),
            ("tools/uv/pyproject.toml", "[project]\nname = \"t\"\n"),
            ("tools/uv/uv.lock", ""),
            ("docs/requirements.txt", "sphinx\n"),
            ("svc/go.mod", "module x\n"),
            ("svc/Dockerfile", "FROM golang:1.22\n"),
            ("infra/main.tf", "terraform {}\n"),
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 1.0.0\n",
            ),
            ("lib/mix.exs", "defmodule X.MixProject do\nend\n"),
            (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            ("tests/fixtures/app/package.json", "{}"),
        ];
        let (before, fixes, after_files) = run(&files);
        assert_eq!(before, Outcome::Fail);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].applicability, Applicability::Safe);
        let (path, yaml) = created(&fixes[0]);
        assert_eq!(path, DEPENDABOT_PATH);
        let doc = shipshape_facts::parse_document(yaml).expect("valid YAML");
        let got: Vec<(String, String)> = dependabot_entries(&doc);
        let want = [
            ("cargo", "/"),
            ("cargo", "/xtask"),
            ("pip", "/docs"),
            ("github-actions", "/"),
            ("helm", "/chart"),
            ("terraform", "/infra"),
            ("mix", "/lib"),
            ("gomod", "/svc"),
            ("docker", "/svc"),
            ("uv", "/tools/uv"),
            ("npm", "/web"),
        ];
        for (e, d) in want {
            assert!(
                got.contains(&(e.to_string(), d.to_string())),
                "{e} {d} missing in\n{yaml}"
            );
        }
        assert_eq!(got.len(), want.len(), "{got:?}");
        assert!(
            !yaml.contains("/crates/a"),
            "a workspace member is updated through its root"
        );
        assert!(!yaml.contains("fixtures"), "test fixtures are left out");
        // Each entry has a weekly schedule and one minor/patch group.
        for u in doc.idx("updates").items() {
            assert_eq!(
                u.at(&["schedule", "interval"]).unwrap().as_str(),
                Some("weekly")
            );
            let groups = u.idx("groups").entries();
            assert_eq!(groups.len(), 1);
            let types: Vec<&str> = groups[0]
                .1
                .idx("update-types")
                .items()
                .iter()
                .filter_map(Yaml::as_str)
                .collect();
            assert_eq!(types, ["minor", "patch"]);
        }
        assert_eq!(after(&after_files), Outcome::Pass);
    }

    #[test]
    fn renovate_when_the_repository_leans_to_it() {
        let files = [
            ("go.mod", "module x\n"),
            (
                "README.md",
                "# x\n[![Renovate](https://img.shields.io/badge/renovate-enabled-brightgreen.svg)](https://renovatebot.com)\n",
            ),
        ];
        let (before, fixes, after_files) = run(&files);
        assert_eq!(before, Outcome::Fail);
        let (path, json) = created(&fixes[0]);
        assert_eq!(path, RENOVATE_PATH);
        assert!(
            fixes[0].description.contains("README.md:2"),
            "{}",
            fixes[0].description
        );
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(v["extends"][1], "schedule:weekly");
        assert_eq!(v["packageRules"][0]["matchManagers"][0], "gomod");
        assert_eq!(after(&after_files), Outcome::Pass);
        // A renovate job in CI, or a preset kept elsewhere, count too.
        let wf = "on: schedule\njobs:\n  renovate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: renovatebot/github-action@v40\n";
        let f = Facts::from_memory(&[("go.mod", "module x\n"), (".github/workflows/r.yml", wf)]);
        assert!(renovate_lean(&f).unwrap().contains("CI job `renovate`"));
        let f = Facts::from_memory(&[("go.mod", "module x\n"), ("renovate/default.json", "{}")]);
        assert!(renovate_lean(&f).unwrap().contains("renovate/default.json"));
        let f = Facts::from_memory(&[
            ("go.mod", "module x\n"),
            ("README.md", "We renovate often.\n"),
        ]);
        assert_eq!(renovate_lean(&f), None, "the verb is not the bot");
    }

    /// Regression (navidrome, #15 trial): its `github-actions` entry names
    /// `/.github/workflows`, which Dependabot takes for the root's workflows, and the
    /// fix appended a second `github-actions` entry at `/`.
    #[test]
    fn a_github_actions_entry_at_the_workflows_directory_covers_them() {
        let existing = "version: 2\nupdates:\n- package-ecosystem: github-actions\n  directory: \"/.github/workflows\"\n  schedule:\n    interval: weekly\n";
        let files = [
            (".github/dependabot.yml", existing),
            (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            ("go.mod", "module x\n"),
            ("go.sum", ""),
        ];
        let (_, fixes, _) = run(&files);
        let added: String = fixes
            .iter()
            .flat_map(|f| &f.edits)
            .map(|e| match e {
                FileEdit::Replace { replacement, .. } => replacement.clone(),
                FileEdit::Create { content, .. } => content.clone(),
            })
            .collect();
        assert!(added.contains("gomod"), "{added}");
        assert!(
            !added.contains("github-actions"),
            "already covered: {added}"
        );
    }

    #[test]
    fn an_existing_dependabot_gets_only_what_it_lacks_appended() {
        let existing = "# Our bot\nversion: 2\nupdates:\n  # Actions\n  - package-ecosystem: \"github-actions\"\n    directory: \"/\"\n    schedule:\n      interval: \"weekly\"   # keep\n\n# trailing comment\n";
        let files = [
            (".github/dependabot.yml", existing),
            (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("docker/Dockerfile", "FROM node:20\n"),
        ];
        let (before, fixes, after_files) = run(&files);
        assert_eq!(before, Outcome::Warn);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].applicability, Applicability::Review);
        let FileEdit::Replace {
            start,
            end,
            original,
            replacement,
            ..
        } = &fixes[0].edits[0]
        else {
            panic!("an edit");
        };
        assert_eq!((start, original.as_str()), (end, ""), "a pure insertion");
        assert!(!replacement.contains("github-actions"), "already covered");
        assert!(
            replacement.starts_with("  - package-ecosystem: npm\n"),
            "{replacement}"
        );
        let new = &after_files
            .iter()
            .find(|(p, _)| p == ".github/dependabot.yml")
            .unwrap()
            .1;
        assert!(new.starts_with(&existing[..existing.find("\n# trailing").unwrap()]));
        assert!(new.ends_with("\n# trailing comment\n"), "{new}");
        assert_eq!(new.replace(replacement.as_str(), ""), existing);
        let doc = shipshape_facts::parse_document(new).expect("valid YAML");
        let got = dependabot_entries(&doc);
        assert!(got.contains(&("npm".into(), "/".into())));
        assert!(got.contains(&("docker".into(), "/docker".into())));
        assert_eq!(after(&after_files), Outcome::Pass);
        // Run again: nothing left to add.
        let (_, again, _) = run_fix(&FIX, &facts(&after_files), &Inputs::default());
        assert!(again.is_empty());
    }

    #[test]
    fn appending_to_a_zero_indent_list_at_the_end_without_a_newline() {
        let existing = "version: 2\nupdates:\n- package-ecosystem: npm\n  directory: /\n  schedule: {interval: daily}";
        let doc = shipshape_facts::parse_document(existing).unwrap();
        assert_eq!(append_point(existing, &doc), Some((existing.len(), 0)));
        let files = [
            (".github/dependabot.yml", existing),
            ("package.json", "{}"),
            ("api/go.mod", "module a\n"),
        ];
        let (before, fixes, after_files) = run(&files);
        assert_eq!(before, Outcome::Warn);
        let new = &after_files
            .iter()
            .find(|(p, _)| p == ".github/dependabot.yml")
            .unwrap()
            .1;
        assert!(
            new.contains("daily}\n- package-ecosystem: gomod\n  directory: \"/api\"\n"),
            "{new}"
        );
        shipshape_facts::parse_document(new).expect("valid YAML");
        assert_eq!(after(&after_files), Outcome::Pass);
        assert_eq!(fixes.len(), 1);
        // A flow-style list is not edited: a note says what to add.
        let flow = "version: 2\nupdates: [{package-ecosystem: npm, directory: /, schedule: {interval: daily}}]\n";
        let f = Facts::from_memory(&[
            (".github/dependabot.yml", flow),
            ("api/go.mod", "module a\n"),
        ]);
        let (_, fixes, notes) = run_fix(&FIX, &f, &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("gomod in /api"), "{notes:?}");
    }

    #[test]
    fn a_restricted_renovate_config_is_left_to_people() {
        let files = [
            ("renovate.json", "{\"enabledManagers\":[\"npm\"]}"),
            ("go.mod", "module x\n"),
        ];
        let (_, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("enabledManagers"), "{notes:?}");
    }
}
