//! `delivery/build-reproducible`: every package manifest that resolves dependencies has its lockfile committed.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{Ecosystem, FileEntry, FileKind};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/build-reproducible",
        title: "Dependency lockfiles are committed",
        area: Area::Delivery,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit with a package manifest",
        rationale: "Without a lockfile, each build resolves dependency versions afresh: yesterday's green build and today's release can contain different code, and a rollback does not restore what ran before.",
        evaluation: "For each manifest of the unit outside test fixtures, a lockfile must exist in its directory or an ancestor within the repository (workspaces share one): Cargo.toml of a binary crate (src/main.rs, src/bin/ or [[bin]]; libraries are exempt, as Cargo recommends) → Cargo.lock; package.json with dependencies → package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock(b); go.mod with requirements → go.sum next to it (or go.work.sum); Gemfile → Gemfile.lock; composer.json requiring packages → composer.lock; mix.exs with deps → mix.lock (its directory or an ancestor: umbrella apps share one); Pipfile → Pipfile.lock; pyproject.toml with Poetry → poetry.lock, with uv/PDM → uv.lock/pdm.lock, with plain `[project]` dependencies (except in libraries) → any of uv.lock, poetry.lock, pdm.lock, pylock.toml or a fully pinned requirements.txt beside it. A requirements*.txt (not dev/test) whose requirements are not all pinned with `==`, `===` or `--hash` is reported line by line unless a Python lockfile sits beside it. Maven, Gradle and NuGet have no mandatory lockfile and are not judged. Passes when every judged manifest is locked, fails otherwise (one finding per manifest); `n/a` when no manifest needs a lockfile.",
        remediation: "Generate and commit the lockfile (`cargo generate-lockfile`, `npm install`, `go mod tidy`, `bundle lock`, `composer update --lock`, `mix deps.get`, `poetry lock`, `uv lock`, `pip-compile`), remove it from .gitignore, and build with it (`cargo build --locked`, `npm ci`, `pip install --require-hashes`).",
        references: &[
            "https://reproducible-builds.org/",
            "https://doc.rust-lang.org/cargo/faq.html#why-have-cargolock-in-version-control",
            "https://docs.npmjs.com/cli/configuring-npm/package-lock-json",
        ],
    },
    run,
};

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The first of `names` found in `dir` or (when `up`) any ancestor directory.
fn find_lock(ctx: &Ctx, dir: &str, names: &[&str], up: bool) -> Option<String> {
    let mut d = dir.to_string();
    loop {
        if let Some(p) = names
            .iter()
            .map(|n| join(&d, n))
            .find(|p| ctx.facts.exists(p))
        {
            return Some(p);
        }
        if !up || d.is_empty() {
            return None;
        }
        d = dir_of(&d).to_string();
    }
}

/// Requirement lines of a requirements file that are not pinned: `(line, text)`.
fn unpinned_requirements(text: &str) -> Vec<(u32, String)> {
    let hashed = text.contains("--hash");
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let line = raw.split(" #").next().unwrap_or(raw).trim();
            if line.is_empty()
                || line.starts_with('#')
                || line.starts_with('-')
                || line.contains("://")
                || line.contains(" @ ")
            {
                return None;
            }
            let spec = line.split(';').next().unwrap_or(line);
            // Extras (`psycopg[c,pool]==3.3.4`) are not version clauses: drop them before
            // looking for a second clause after a comma.
            let spec = match (spec.find('['), spec.find(']')) {
                (Some(a), Some(b)) if a < b => format!("{}{}", &spec[..a], &spec[b + 1..]),
                _ => spec.to_string(),
            };
            let pinned = spec.contains("==") && !spec.contains(",") || spec.contains("===");
            (!pinned && !hashed).then(|| (i as u32 + 1, line.to_string()))
        })
        .collect()
}

const NPM_LOCKS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
];
const PY_LOCKS: &[&str] = &[
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "pylock.toml",
    "Pipfile.lock",
];

/// What a manifest needs: `Ok(None)` when it needs no lockfile or has one, `Ok(Some(finding))` otherwise.
fn judge(ctx: &Ctx, f: &FileEntry, eco: Ecosystem) -> Option<Option<Finding>> {
    let path = f.path.as_str();
    let dir = dir_of(path);
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let text = ctx.text(path).unwrap_or("");
    let missing = |what: &str| {
        Some(Some(
            Finding::at(
                Location::file(path),
                format!("no {what} committed for {path}"),
            )
            .with_key("missing-lockfile"),
        ))
    };
    let has = |names: &[&str], up: bool| find_lock(ctx, dir, names, up).is_some();
    match eco {
        Ecosystem::Cargo => {
            let binary = ctx.facts.exists(&join(dir, "src/main.rs"))
                || text.contains("[[bin]]")
                || !ctx
                    .facts
                    .files_with_prefix(&join(dir, "src/bin/"))
                    .is_empty();
            if !binary {
                return None;
            }
            if has(&["Cargo.lock"], true) {
                Some(None)
            } else {
                missing("Cargo.lock (binary crate)")
            }
        }
        Ecosystem::Npm => {
            if ctx.facts.dependencies_of(path).is_empty() {
                return None;
            }
            if has(NPM_LOCKS, true) {
                Some(None)
            } else {
                missing("package-lock.json, yarn.lock, pnpm-lock.yaml or bun.lock")
            }
        }
        Ecosystem::Go => {
            if ctx.facts.dependencies_of(path).is_empty() {
                return None;
            }
            if has(&["go.sum"], false) || has(&["go.work.sum"], true) {
                Some(None)
            } else {
                missing("go.sum")
            }
        }
        Ecosystem::Ruby => {
            if has(&["Gemfile.lock", "gems.locked"], false) {
                Some(None)
            } else {
                missing("Gemfile.lock")
            }
        }
        // Umbrella apps share the root's lock (`lockfile: "../../mix.lock"`).
        Ecosystem::Hex => {
            if ctx.facts.dependencies_of(path).is_empty() {
                return None;
            }
            if has(&["mix.lock"], true) {
                Some(None)
            } else {
                missing("mix.lock")
            }
        }
        Ecosystem::Composer => {
            if ctx.facts.dependencies_of(path).is_empty() {
                return None;
            }
            if has(&["composer.lock"], false) {
                Some(None)
            } else {
                missing("composer.lock")
            }
        }
        Ecosystem::Python if name == "pipfile" => {
            if has(&["Pipfile.lock"], false) {
                Some(None)
            } else {
                missing("Pipfile.lock")
            }
        }
        Ecosystem::Python if name == "pyproject.toml" => {
            let (locks, what): (&[&str], &str) = if text.contains("[tool.poetry") {
                (&["poetry.lock"], "poetry.lock")
            } else if text.contains("[tool.uv") {
                (&["uv.lock"], "uv.lock")
            } else if text.contains("[tool.pdm") {
                (&["pdm.lock"], "pdm.lock")
            } else {
                // A library's consumers resolve its ranges themselves: no lockfile expected.
                if ctx.facts.dependencies_of(path).iter().all(|d| d.dev)
                    || (ctx.unit.kind == shipshape_model::UnitKind::Library
                        && !text.contains("[project.scripts]"))
                {
                    return None;
                }
                (PY_LOCKS, "uv.lock, poetry.lock, pdm.lock or pylock.toml")
            };
            if has(locks, true) {
                return Some(None);
            }
            // A fully pinned requirements file beside it is a lock too (pip-compile output).
            let pinned_reqs = ctx.facts.files_in_dir(dir).any(|x| {
                x.path.ends_with(".txt")
                    && x.path
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.starts_with("requirements"))
                    && ctx.text(&x.path).is_some_and(|t| {
                        !t.trim().is_empty() && unpinned_requirements(t).is_empty()
                    })
            });
            if pinned_reqs {
                Some(None)
            } else {
                missing(what)
            }
        }
        Ecosystem::Python if name.starts_with("requirements") && name.ends_with(".txt") => {
            if name.contains("dev") || name.contains("test") || name.contains("doc") {
                return None;
            }
            if has(PY_LOCKS, false) {
                return None;
            }
            let loose = unpinned_requirements(text);
            if loose.is_empty() {
                return if text.trim().is_empty() {
                    None
                } else {
                    Some(None)
                };
            }
            let shown: Vec<&str> = loose.iter().take(5).map(|(_, t)| t.as_str()).collect();
            Some(Some(
                Finding::at(
                    Location::line(path, loose[0].0),
                    format!(
                        "{} of the requirements in {path} are not pinned with `==` and no lockfile sits beside it: {}{}",
                        loose.len(),
                        shown.join(", "),
                        if loose.len() > shown.len() { ", ..." } else { "" }
                    ),
                )
                .with_key("unpinned-requirements"),
            ))
        }
        _ => None,
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let mut judged = 0usize;
    let mut findings = Vec::new();
    let manifests: Vec<(&FileEntry, Ecosystem)> = ctx
        .files()
        .filter(|f| !f.in_test && !f.path.contains("examples/"))
        .filter_map(|f| match f.kind {
            FileKind::Manifest(eco) => Some((f, eco)),
            _ => None,
        })
        .collect();
    for (f, eco) in manifests {
        if let Some(result) = judge(ctx, f, eco) {
            judged += 1;
            findings.extend(result);
        }
    }
    if judged == 0 {
        return Verdict::not_applicable(
            "no manifest that resolves dependencies into a lockfile (binary crates, npm, Go, Ruby, PHP, Python projects)",
        );
    }
    if findings.is_empty() {
        Verdict::pass(format!(
            "all {judged} manifest(s) have a committed lockfile"
        ))
    } else {
        Verdict::fail(
            format!(
                "{} of {judged} manifest(s) lack a committed lockfile",
                findings.len()
            ),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn binaries_need_cargo_lock_libraries_do_not() {
        let bin = [
            (
                "Cargo.toml",
                "[package]\nname='a'\n[dependencies]\nserde='1'\n",
            ),
            ("src/main.rs", "fn main(){}"),
        ];
        let v = run_on_files(&CHECK, &bin);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("Cargo.lock"));
        let mut with_lock = bin.to_vec();
        with_lock.push(("Cargo.lock", "version = 4\n"));
        assert_eq!(run_on_files(&CHECK, &with_lock).outcome, Outcome::Pass);
        let lib = [
            ("Cargo.toml", "[package]\nname='a'\n"),
            ("src/lib.rs", "pub fn a(){}"),
        ];
        assert_eq!(run_on_files(&CHECK, &lib).outcome, Outcome::NotApplicable);
        // Workspace member binary: the root lockfile counts.
        let ws = [
            ("Cargo.toml", "[workspace]\nmembers=['app']\n"),
            ("Cargo.lock", "version = 4\n"),
            ("app/Cargo.toml", "[package]\nname='app'\n"),
            ("app/src/main.rs", "fn main(){}"),
        ];
        assert_eq!(run_on_files(&CHECK, &ws).outcome, Outcome::Pass);
    }

    #[test]
    fn npm_go_python() {
        let v = run_on_files(
            &CHECK,
            &[
                ("web/package.json", "{\"dependencies\":{\"express\":\"4\"}}"),
                ("go.mod", "module x\nrequire github.com/a/b v1.0.0\n"),
                ("go.sum", "github.com/a/b v1.0.0 h1:x\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location,
            Some(Location::file("web/package.json"))
        );
        let v = run_on_files(
            &CHECK,
            &[(
                "requirements.txt",
                "flask==3.0.0\nrequests>=2\n# c\n-r base.txt\n",
            )],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("requirements.txt", 2))
        );
        assert_eq!(
            run_on_files(&CHECK, &[("requirements.txt", "flask==3.0.0\n")]).outcome,
            Outcome::Pass
        );
        // Regression: netbox's `psycopg[c,pool]==3.3.4` was reported as unpinned because the
        // comma between extras read as a second version clause.
        let netbox = "Django==5.2.1\npsycopg[c,pool]==3.3.4\n";
        assert_eq!(
            run_on_files(&CHECK, &[("requirements.txt", netbox)]).outcome,
            Outcome::Pass
        );
        let v = run_on_files(
            &CHECK,
            &[("requirements.txt", "psycopg[c,pool]>=3,==3.3.4\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let lib = [
            (
                "pyproject.toml",
                "[project]\nname='a'\ndependencies=['httpx>=0.27']\n",
            ),
            ("src/a/__init__.py", ""),
        ];
        assert_eq!(run_on_files(&CHECK, &lib).outcome, Outcome::NotApplicable);
        let svc = [
            lib[0],
            lib[1],
            ("shipshape.toml", "[service]\nkind = \"service\"\n"),
        ];
        assert_eq!(run_on_files(&CHECK, &svc).outcome, Outcome::Fail);
        let poetry = [(
            "pyproject.toml",
            "[tool.poetry]\nname='a'\n[tool.poetry.dependencies]\npython='^3.12'\nfastapi='*'\n",
        )];
        assert_eq!(run_on_files(&CHECK, &poetry).outcome, Outcome::Fail);
        assert_eq!(
            run_on_files(
                &CHECK,
                &[(
                    "tests/fixtures/app/package.json",
                    "{\"dependencies\":{\"a\":\"1\"}}"
                )]
            )
            .outcome,
            Outcome::NotApplicable
        );
    }
}
