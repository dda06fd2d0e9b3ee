//! `scan --changed-since REF`: which units a change touches.
//!
//! The changed paths come from the facts crate ([`shipshape_facts::git::changed_since`]);
//! which unit owns a path is asked of [`Ctx::in_unit`], the same question every check
//! asks, so a unit is judged exactly when one of the files its checks would read
//! changed. Files every unit shares ([`shipshape_checks::is_shared`]: CI definitions,
//! CODEOWNERS, dependency-bot config, files at the root, `.github/`, `.gitlab/`) and
//! files that belong to no unit (a shared `deploy/` or `monitoring/` tree, which checks
//! read as evidence about the units they name) can change any unit's verdicts, so a
//! change to one of them judges every unit.

use shipshape_checks::Ctx;
use shipshape_facts::{Facts, FileEntry, git::ChangedPaths};
use shipshape_model::{ChangeScope, Unit, UnitChange};
use std::path::Path;

/// The units to judge (`judge[i]` for `units[i]`) and the report's account of it.
pub(crate) struct Selection {
    pub judge: Vec<bool>,
    pub scope: ChangeScope,
}

/// Decide which of `units` the change `since..HEAD` (plus uncommitted work) touches.
pub(crate) fn select(
    root: &Path,
    since: &str,
    facts: &Facts,
    units: &[Unit],
    unit_paths: &[String],
) -> Result<Selection, String> {
    let changed = shipshape_facts::git::changed_since(
        root,
        since,
        facts.files.iter().map(|f| f.path.as_str()),
    )?;
    Ok(select_paths(
        root, since, &changed, facts, units, unit_paths,
    ))
}

/// [`select`] once the changed paths are known (separate for tests without git).
pub(crate) fn select_paths(
    root: &Path,
    since: &str,
    changed: &ChangedPaths,
    facts: &Facts,
    units: &[Unit],
    unit_paths: &[String],
) -> Selection {
    let ctxs: Vec<Ctx> = units
        .iter()
        .map(|u| Ctx {
            unit_paths,
            ..Ctx::basic(facts, u)
        })
        .collect();
    // Per unit: how many changed files it owns, and the first of them.
    let mut owned: Vec<(usize, Option<&str>)> = vec![(0, None); units.len()];
    let mut repository_wide: Option<String> = None;
    let mut considered = 0u64;
    for path in &changed.paths {
        // A deleted file is not in the walk: judge it by its path, as the walk would
        // have classified it. A file on disk that the walk left out (excluded, vendored,
        // ignored) is no fact of this scan and changes no verdict.
        let deleted;
        let entry: &FileEntry = match facts.file(path) {
            Some(e) => e,
            None if root.join(path).exists() => continue,
            None => {
                deleted = FileEntry {
                    path: path.clone(),
                    size: 0,
                    kind: shipshape_facts::classify(path),
                    unread: true,
                    in_test: false,
                    role: shipshape_facts::role::Role::Production,
                    tests_from_line: None,
                };
                &deleted
            }
        };
        considered += 1;
        let mut owner_found = false;
        for (i, ctx) in ctxs.iter().enumerate() {
            if ctx.in_unit(path) {
                owner_found = true;
                owned[i].0 += 1;
                owned[i].1.get_or_insert(path.as_str());
            }
        }
        if repository_wide.is_none() {
            if shipshape_checks::is_shared(entry) {
                repository_wide = Some(format!(
                    "{path} changed: a repository-level file (CI, ownership, dependency updates, or a file at the root) that every unit's checks read"
                ));
            } else if !owner_found {
                repository_wide = Some(format!(
                    "{path} changed and belongs to no unit: shared files (manifests, alert rules, dashboards) are evidence for the units they name"
                ));
            }
        }
    }
    let mut judged = Vec::new();
    let mut skipped = Vec::new();
    let mut judge = Vec::with_capacity(units.len());
    for (u, (n, first)) in units.iter().zip(&owned) {
        let entry = |reason: String| UnitChange {
            name: u.name.clone(),
            path: u.path.clone(),
            reason,
        };
        match (first, &repository_wide) {
            (Some(first), _) => {
                let files = if *n == 1 {
                    "1 changed file".to_string()
                } else {
                    format!("{n} changed files, e.g.")
                };
                judged.push(entry(if *n == 1 {
                    format!("{files}: {first}")
                } else {
                    format!("{files} {first}")
                }));
                judge.push(true);
            }
            (None, Some(_)) => {
                judged.push(entry(
                    "no file of its own changed, but a repository-level file did".to_string(),
                ));
                judge.push(true);
            }
            (None, None) => {
                skipped.push(entry(format!(
                    "no changed file belongs to it (nothing under {} changed since {since})",
                    if u.path == "." {
                        "its own paths"
                    } else {
                        &u.path
                    }
                )));
                judge.push(false);
            }
        }
    }
    Selection {
        judge,
        scope: ChangeScope {
            since: since.to_string(),
            base: changed.base.clone(),
            head: changed.head.clone(),
            changed_files: considered,
            uncommitted_files: changed.uncommitted as u64,
            repository_wide,
            judged,
            skipped,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::UnitKind;

    fn unit(name: &str, path: &str) -> Unit {
        Unit {
            name: name.into(),
            path: path.into(),
            kind: UnitKind::Service,
            kind_source: "test".into(),
            tier: None,
            owner: None,
        }
    }

    fn changed(paths: &[&str]) -> ChangedPaths {
        ChangedPaths {
            base: "b".into(),
            head: "h".into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            uncommitted: 0,
        }
    }

    fn run(files: &[(&str, &str)], units: &[Unit], paths: &[&str]) -> Selection {
        let facts = Facts::from_memory(files);
        let unit_paths: Vec<String> = units.iter().map(|u| u.path.clone()).collect();
        // A root that does not exist: every path missing from the facts is a deletion.
        let root = Path::new("/nonexistent-shipshape-root");
        select_paths(root, "main", &changed(paths), &facts, units, &unit_paths)
    }

    const FILES: &[(&str, &str)] = &[
        ("README.md", "# mono\n"),
        ("svc-a/go.mod", "module a\n"),
        ("svc-a/main.go", "package main\n"),
        ("svc-b/go.mod", "module b\n"),
        ("svc-b/main.go", "package main\n"),
        ("deploy/a.yaml", "kind: Deployment\n"),
        (".github/workflows/ci.yml", "on: push\n"),
    ];

    #[test]
    fn a_change_inside_one_unit_judges_only_that_unit() {
        let units = [unit("svc-a", "svc-a"), unit("svc-b", "svc-b")];
        let s = run(FILES, &units, &["svc-a/main.go"]);
        assert_eq!(s.judge, [true, false]);
        assert_eq!(s.scope.repository_wide, None);
        assert_eq!(s.scope.judged[0].reason, "1 changed file: svc-a/main.go");
        assert_eq!(s.scope.skipped[0].name, "svc-b");
        assert!(s.scope.skipped[0].reason.contains("svc-b"), "{:?}", s.scope);
    }

    #[test]
    fn a_deleted_file_still_touches_its_unit() {
        let units = [unit("svc-a", "svc-a"), unit("svc-b", "svc-b")];
        let s = run(FILES, &units, &["svc-b/old.go"]);
        assert_eq!(s.judge, [false, true]);
        assert_eq!(s.scope.changed_files, 1);
    }

    #[test]
    fn repository_level_and_unowned_files_judge_every_unit() {
        let units = [unit("svc-a", "svc-a"), unit("svc-b", "svc-b")];
        for path in [".github/workflows/ci.yml", "README.md", "deploy/a.yaml"] {
            let s = run(FILES, &units, &[path]);
            assert_eq!(s.judge, [true, true], "{path}");
            let why = s.scope.repository_wide.unwrap_or_default();
            assert!(why.starts_with(path), "{why}");
            assert!(s.scope.skipped.is_empty());
        }
    }

    #[test]
    fn the_root_unit_owns_only_what_no_nested_unit_holds() {
        let units = [unit("mono", "."), unit("svc-a", "svc-a")];
        // deploy/ belongs to the root unit here, so it is not "unowned".
        let s = run(FILES, &units, &["svc-a/main.go"]);
        assert_eq!(s.judge, [false, true]);
        let s = run(FILES, &units, &["deploy/a.yaml"]);
        assert_eq!(s.judge, [true, false]);
        assert_eq!(s.scope.repository_wide, None);
    }

    #[test]
    fn nothing_changed_judges_nothing() {
        let units = [unit("svc-a", "svc-a"), unit("svc-b", "svc-b")];
        let s = run(FILES, &units, &[]);
        assert_eq!(s.judge, [false, false]);
        assert_eq!(s.scope.skipped.len(), 2);
    }
}
