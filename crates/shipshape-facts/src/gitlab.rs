//! GitLab CI pipelines as GitLab sees them: `.gitlab-ci.yml` plus the files it
//! pulls in with `include: local:` (globs allowed), with every job's `extends:`
//! chain merged in. Remote, project and template includes are outside the
//! repository and are only listed, never fetched (the facts crate does no I/O
//! beyond the walk).

use crate::Facts;
use crate::yaml::{Yaml, YamlValue};

/// Top-level keys of a GitLab CI file that are not jobs.
pub const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// How deep an `extends:` chain may go (GitLab's own limit is 11).
const MAX_EXTENDS_DEPTH: usize = 11;

/// One job, with its `extends:` resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct GitlabJob {
    pub name: String,
    /// The file that defines the job.
    pub path: String,
    /// Line of the job's key.
    pub line: u32,
    /// The job's definition with `extends:` merged in (deep merge of maps; the job wins).
    pub def: Yaml,
    /// For each top-level key of `def`, the file whose definition supplied it
    /// (a template reached through `extends:` may live in an included file).
    pub sources: Vec<(String, String)>,
}

impl GitlabJob {
    /// The file that supplied top-level `key` of the merged definition.
    pub fn source_of(&self, key: &str) -> &str {
        self.sources
            .iter()
            .find(|(k, _)| k == key)
            .map_or(self.path.as_str(), |(_, p)| p.as_str())
    }
}

/// The pipeline assembled from the root file and its local includes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GitlabPipeline {
    /// The root file followed by every included file, in include order, each once.
    pub files: Vec<String>,
    /// `workflow:` of the root file (or the first file defining it).
    pub workflow: Option<(String, Yaml)>,
    /// Visible jobs (names not starting with `.`), in file order.
    pub jobs: Vec<GitlabJob>,
    /// Includes that point outside the repository (`remote:`, `project:`, `template:`, `component:`).
    pub external_includes: Vec<String>,
    /// Local includes that matched no file.
    pub missing_includes: Vec<String>,
    /// `(path, message)` for files that did not parse, and `extends:` problems.
    pub errors: Vec<(String, String)>,
}

/// The `include:` entries of a document: (kind, value) such as ("local", "/ci/a.yml").
pub fn includes(doc: &Yaml) -> Vec<(String, String)> {
    let Some(inc) = doc.get("include") else {
        return vec![];
    };
    let items: Vec<&Yaml> = match &inc.value {
        YamlValue::Seq(items) => items.iter().collect(),
        _ => vec![inc],
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            // A bare string is local when it does not look like a URL.
            YamlValue::Str(s) if s.starts_with("http://") || s.starts_with("https://") => {
                out.push(("remote".to_string(), s.to_string()));
            }
            YamlValue::Str(s) => out.push(("local".to_string(), s.to_string())),
            YamlValue::Map(entries) => {
                for key in ["local", "remote", "template", "project", "component"] {
                    if let Some(v) = entries.iter().find(|(k, _)| k == key)
                        && let Some(s) = v.1.scalar_text()
                    {
                        out.push((key.to_string(), s));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Repository paths matched by a local include (a path from the root, `*`/`**` globs allowed).
fn resolve_local(facts: &Facts, pattern: &str) -> Vec<String> {
    let pattern = pattern.trim().trim_start_matches('/');
    if pattern.is_empty() {
        return vec![];
    }
    if !pattern.contains('*') {
        return if facts.exists(pattern) {
            vec![pattern.to_string()]
        } else {
            vec![]
        };
    }
    match globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    {
        Ok(g) => {
            let m = g.compile_matcher();
            facts
                .files
                .iter()
                .filter(|f| m.is_match(&f.path))
                .map(|f| f.path.clone())
                .collect()
        }
        Err(_) => vec![],
    }
}

/// Deep-merge `over` onto `base` the way `extends:` does: maps merge key by key,
/// anything else is replaced by `over`.
pub fn merge(base: &Yaml, over: &Yaml) -> Yaml {
    match (&base.value, &over.value) {
        (YamlValue::Map(b), YamlValue::Map(o)) => {
            let mut entries = b.clone();
            for (k, v) in o {
                match entries.iter_mut().find(|(bk, _)| bk == k) {
                    Some((_, bv)) => *bv = merge(bv, v),
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            Yaml {
                value: YamlValue::Map(entries),
                line: over.line,
                key_line: over.key_line,
            }
        }
        _ => over.clone(),
    }
}

fn extends_of(def: &Yaml) -> Vec<String> {
    match def.get("extends").map(|e| &e.value) {
        Some(YamlValue::Str(s)) => vec![s.to_string()],
        Some(YamlValue::Seq(items)) => items.iter().filter_map(Yaml::scalar_text).collect(),
        _ => vec![],
    }
}

/// Replace `!reference [.name, key, ...]` items (read as a sequence of names) by
/// what they point at, so that rules and scripts pulled in by reference are seen.
/// Sequences are spliced into the enclosing sequence, as GitLab does.
fn expand_references(node: &Yaml, defs: &[(String, String, Yaml)], depth: usize) -> Yaml {
    let target = |item: &Yaml| -> Option<Yaml> {
        let names: Vec<String> = item
            .items()
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<_>>()?;
        let (first, rest) = names.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let (_, _, def) = defs.iter().find(|(n, _, _)| n == first)?;
        let keys: Vec<&str> = rest.iter().map(String::as_str).collect();
        def.at(&keys).cloned()
    };
    match &node.value {
        YamlValue::Map(entries) => Yaml {
            value: YamlValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), expand_references(v, defs, depth)))
                    .collect(),
            ),
            line: node.line,
            key_line: node.key_line,
        },
        YamlValue::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match (depth < MAX_EXTENDS_DEPTH).then(|| target(item)).flatten() {
                    Some(t) => {
                        let t = expand_references(&t, defs, depth + 1);
                        match t.value {
                            YamlValue::Seq(inner) => out.extend(inner),
                            _ => out.push(t),
                        }
                    }
                    None => out.push(expand_references(item, defs, depth)),
                }
            }
            Yaml {
                value: YamlValue::Seq(out),
                line: node.line,
                key_line: node.key_line,
            }
        }
        _ => node.clone(),
    }
}

type Sources = Vec<(String, String)>;

fn own_sources(def: &Yaml, path: &str) -> Sources {
    def.entries()
        .iter()
        .map(|(k, _)| (k.to_string(), path.to_string()))
        .collect()
}

/// Later sources win for the same key.
fn merge_sources(base: &mut Sources, over: Sources) {
    for (k, p) in over {
        match base.iter_mut().find(|(bk, _)| *bk == k) {
            Some(entry) => entry.1 = p,
            None => base.push((k, p)),
        }
    }
}

fn resolve(
    name: &str,
    defs: &[(String, String, Yaml)],
    depth: usize,
    errors: &mut Vec<String>,
) -> Option<(Yaml, Sources)> {
    // The root file comes first in `defs` and its definitions win over included ones.
    let (_, path, def) = defs.iter().find(|(n, _, _)| n == name)?;
    if depth >= MAX_EXTENDS_DEPTH {
        errors.push(format!(
            "`extends:` chain of `{name}` is too deep (a cycle?)"
        ));
        return Some((def.clone(), own_sources(def, path)));
    }
    let mut merged: Option<(Yaml, Sources)> = None;
    for parent in extends_of(def) {
        match resolve(&parent, defs, depth + 1, errors) {
            Some((p, ps)) => {
                merged = Some(match merged {
                    Some((m, mut ms)) => {
                        merge_sources(&mut ms, ps);
                        (merge(&m, &p), ms)
                    }
                    None => (p, ps),
                })
            }
            None => errors.push(format!("`{name}` extends unknown `{parent}`")),
        }
    }
    Some(match merged {
        Some((m, mut sources)) => {
            let mut out = merge(&m, def);
            if let YamlValue::Map(entries) = &mut out.value {
                entries.retain(|(k, _)| k != "extends");
            }
            out.line = def.line;
            merge_sources(&mut sources, own_sources(def, path));
            sources.retain(|(k, _)| k != "extends");
            (out, sources)
        }
        None => (def.clone(), own_sources(def, path)),
    })
}

/// The line of the top-level key `name:` whose block value starts at `value_line`
/// (the YAML tree records a block mapping at its first child's line).
fn key_line(text: &str, value_line: u32, name: &str) -> u32 {
    let quoted = [
        format!("{name}:"),
        format!("\"{name}\":"),
        format!("'{name}':"),
    ];
    text.lines()
        .take(value_line as usize)
        .enumerate()
        .filter(|(_, l)| quoted.iter().any(|q| l.starts_with(q.as_str())))
        .last()
        .map_or(value_line, |(i, _)| i as u32 + 1)
}

/// Assemble the pipeline of the root `.gitlab-ci.yml` (or `.gitlab-ci.yaml`). `None` without one.
pub fn pipeline(facts: &Facts) -> Option<GitlabPipeline> {
    let root = [".gitlab-ci.yml", ".gitlab-ci.yaml"]
        .into_iter()
        .find(|p| facts.exists(p))?;
    let mut out = GitlabPipeline::default();
    let mut queue = vec![root.to_string()];
    let mut docs: Vec<(String, Yaml)> = Vec::new();
    while let Some(path) = queue.pop() {
        if out.files.contains(&path) || out.files.len() >= 200 {
            continue;
        }
        out.files.push(path.clone());
        let doc = match facts.yaml(&path) {
            Some(Ok(d)) => match d.first() {
                Some(doc) => doc.clone(),
                None => continue,
            },
            Some(Err(e)) => {
                out.errors.push((path.clone(), e));
                continue;
            }
            None => {
                out.errors
                    .push((path.clone(), "file was not read (too large?)".into()));
                continue;
            }
        };
        let mut next = Vec::new();
        for (kind, value) in includes(&doc) {
            if kind == "local" {
                let found = resolve_local(facts, &value);
                if found.is_empty() {
                    out.missing_includes.push(value);
                }
                next.extend(found);
            } else {
                out.external_includes.push(format!("{kind}: {value}"));
            }
        }
        // Depth-first in include order.
        queue.extend(next.into_iter().rev());
        docs.push((path, doc));
    }
    let mut defs: Vec<(String, String, Yaml)> = Vec::new();
    for (path, doc) in &docs {
        if out.workflow.is_none()
            && let Some(w) = doc.get("workflow")
        {
            out.workflow = Some((path.clone(), w.clone()));
        }
        for (k, v) in doc.entries() {
            if !RESERVED.contains(&k.as_str()) && matches!(v.value, YamlValue::Map(_)) {
                defs.push((k.to_string(), path.clone(), v.clone()));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    // The first definition of a name wins (the root file is first).
    for (name, path, def) in &defs {
        if name.starts_with('.') || !seen.insert(name.clone()) {
            continue;
        }
        let mut errs = Vec::new();
        let (merged, sources) = resolve(name, &defs, 0, &mut errs)
            .unwrap_or_else(|| (def.clone(), own_sources(def, path)));
        let merged = expand_references(&merged, &defs, 0);
        out.errors
            .extend(errs.into_iter().map(|e| (path.clone(), e)));
        out.jobs.push(GitlabJob {
            name: name.clone(),
            path: path.clone(),
            line: key_line(facts.text(path).unwrap_or(""), def.line, name),
            def: merged,
            sources,
        });
    }
    let order: Vec<&String> = out.files.iter().collect();
    out.jobs.sort_by_key(|j| {
        (
            order
                .iter()
                .position(|f| **f == j.path)
                .unwrap_or(usize::MAX),
            j.line,
        )
    });
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_local_includes_and_extends() {
        let f = Facts::from_memory(&[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: /ci/test.yml\n  - project: acme/templates\n    file: x.yml\n  - '/ci/missing.yml'\nstages: [test]\n.base:\n  image: rust:1.80\n  tags: [docker]\nbuild:\n  extends: .base\n  script: [cargo build]\n",
            ),
            (
                "ci/test.yml",
                ".tpl:\n  variables: {A: '1'}\ntest:\n  extends: [.base, .tpl]\n  script: [cargo test]\n",
            ),
        ]);
        let p = pipeline(&f).unwrap();
        assert_eq!(p.files, vec![".gitlab-ci.yml", "ci/test.yml"]);
        assert_eq!(p.external_includes, vec!["project: acme/templates"]);
        assert_eq!(p.missing_includes, vec!["/ci/missing.yml"]);
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, vec!["build", "test"]);
        let test = &p.jobs[1];
        assert_eq!(test.path, "ci/test.yml");
        assert_eq!(test.line, 3);
        assert_eq!(test.def.idx("image").as_str(), Some("rust:1.80"));
        assert_eq!(
            test.def.at(&["variables", "A"]).unwrap().as_str(),
            Some("1")
        );
        assert!(test.def.get("extends").is_none());
        assert_eq!(test.source_of("image"), ".gitlab-ci.yml");
        assert_eq!(test.source_of("variables"), "ci/test.yml");
        assert_eq!(test.source_of("script"), "ci/test.yml");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
    }

    #[test]
    fn glob_includes_cycles_and_unknown_parents() {
        let f = Facts::from_memory(&[
            (
                ".gitlab-ci.yml",
                "include: '/ci/*.yml'\na:\n  extends: .x\n",
            ),
            ("ci/one.yml", ".x:\n  extends: .y\n.y:\n  extends: .x\n"),
            ("ci/two.yml", "b:\n  extends: .nope\n  script: [x]\n"),
        ]);
        let p = pipeline(&f).unwrap();
        assert_eq!(p.files.len(), 3);
        assert!(p.errors.iter().any(|(_, e)| e.contains("too deep")));
        assert!(p.errors.iter().any(|(_, e)| e.contains("unknown `.nope`")));
        assert!(pipeline(&Facts::from_memory(&[("a.yml", "x: 1")])).is_none());
    }
}

#[cfg(test)]
mod ci_files_tests {
    use crate::{CiSystem, Facts};

    #[test]
    fn included_files_are_ci_files() {
        let f = Facts::from_memory(&[
            (".gitlab-ci.yml", "include: ci/test.yml\n"),
            ("ci/test.yml", "test:\n  script: [go test ./...]\n"),
        ]);
        let ci: Vec<(&str, CiSystem)> = f
            .ci_files()
            .iter()
            .map(|c| (c.path.as_str(), c.system))
            .collect();
        assert_eq!(
            ci,
            vec![
                (".gitlab-ci.yml", CiSystem::GitlabCi),
                ("ci/test.yml", CiSystem::GitlabCi)
            ]
        );
    }
}

#[cfg(test)]
mod reference_tag_tests {
    use crate::Facts;

    #[test]
    fn reference_tags_parse() {
        let f = Facts::from_memory(&[(
            ".gitlab-ci.yml",
            ".rules:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\ntest:\n  script:\n    - !reference [.setup, script]\n    - make test\n  rules:\n    - !reference [.rules, rules]\n",
        )]);
        let p = super::pipeline(&f).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.jobs.len(), 1);
        // The referenced rule is spliced in; the unknown `.setup` reference is kept as written.
        let rules = p.jobs[0].def.idx("rules").items();
        assert_eq!(rules.len(), 1);
        assert!(
            rules[0]
                .idx("if")
                .as_str()
                .unwrap()
                .contains("merge_request_event")
        );
        assert_eq!(p.jobs[0].def.idx("script").items().len(), 2);
    }
}
