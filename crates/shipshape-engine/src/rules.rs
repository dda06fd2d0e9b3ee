//! Declarative custom checks: `[[rule]]` entries of `shipshape.toml`.
//!
//! A rule carries the same metadata as a built-in check and exactly one test
//! (`file-exists`, `glob-count`, `regex` or `yaml-path`). Rules are validated
//! when the config loads (bad regex or glob, unknown area or severity,
//! duplicate id, id clashing with a built-in: an error naming the line) and
//! evaluated like built-ins: a pure function of the facts and the unit.
//! Globs are relative to the unit's directory; a leading `/` anchors them at
//! the repository root.

use serde::Deserialize;
use shipshape_checks::{Ctx, Verdict};
use shipshape_facts::{Yaml, YamlValue};
use shipshape_model::{Area, CheckInfo, Finding, Location, Severity, UnitKind};

/// Findings listed per rule at most (the summary gives the full count).
const MAX_FINDINGS: usize = 50;

/// A `[[rule]]` entry as written.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleConfig {
    pub id: String,
    pub title: String,
    pub area: String,
    pub severity: String,
    #[serde(default)]
    pub applies_to: Vec<String>,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub remediation: String,
    pub file_exists: Option<String>,
    pub glob_count: Option<GlobCountConfig>,
    pub regex: Option<RegexConfig>,
    pub yaml_path: Option<YamlPathConfig>,
    /// Filled in by the loader: the line of the `[[rule]]` entry.
    #[serde(skip)]
    pub line: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GlobCountConfig {
    pub glob: String,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegexConfig {
    pub pattern: String,
    pub files: String,
    /// `present` (default) or `absent`.
    pub expect: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct YamlPathConfig {
    pub files: String,
    /// Dotted keys; `*` = every item or value, a number = that sequence item.
    pub path: String,
    pub equals: Option<toml::Value>,
    pub exists: Option<bool>,
    /// Only documents whose Kubernetes `kind` is one of these.
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A rule's test, compiled.
#[derive(Debug, Clone)]
pub enum RuleTest {
    FileExists(Glob),
    GlobCount {
        glob: Glob,
        min: Option<u64>,
        max: Option<u64>,
    },
    Regex {
        regex: regex::Regex,
        files: Glob,
        present: bool,
    },
    YamlPath {
        files: Glob,
        path: Vec<String>,
        expect: YamlExpect,
        kinds: Vec<String>,
    },
}

/// What a `yaml-path` rule wants at its path.
#[derive(Debug, Clone)]
pub enum YamlExpect {
    Equals(toml::Value),
    Exists(bool),
}

/// A glob relative to the unit (or anchored at the root with a leading `/`).
#[derive(Debug, Clone)]
pub struct Glob {
    pub text: String,
    anchored: bool,
    matcher: globset::GlobMatcher,
}

impl Glob {
    pub fn new(text: &str) -> Result<Glob, String> {
        let anchored = text.starts_with('/');
        let pattern = text.trim_start_matches('/');
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{text}`: {}", e.kind()))?
            .compile_matcher();
        Ok(Glob {
            text: text.to_string(),
            anchored,
            matcher,
        })
    }

    /// True when the repository-relative `path` matches, for a unit at `unit_path`.
    pub fn matches(&self, path: &str, unit_path: &str) -> bool {
        if self.anchored || unit_path == "." || unit_path.is_empty() {
            return self.matcher.is_match(path);
        }
        path.strip_prefix(unit_path)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| self.matcher.is_match(rest))
    }

    /// Repository-level patterns that cover this glob in any unit, for the walk's
    /// "keep text" option.
    pub fn walk_patterns(&self) -> Vec<String> {
        let p = self.text.trim_start_matches('/').to_string();
        if self.anchored || p.starts_with("**/") {
            vec![p]
        } else {
            vec![format!("**/{p}"), p]
        }
    }
}

/// A validated custom check.
#[derive(Debug, Clone)]
pub struct CustomCheck {
    pub info: CheckInfo,
    pub kinds: Vec<UnitKind>,
    pub test: RuleTest,
    /// Line of the `[[rule]]` header in the config.
    pub line: u32,
}

/// Validate one rule; `builtin` tells whether an id or area prefix is taken.
pub fn compile(
    r: &RuleConfig,
    is_builtin_id: &dyn Fn(&str) -> bool,
) -> Result<CustomCheck, String> {
    let id = r.id.trim();
    let Some((prefix, name)) = id.split_once('/') else {
        return Err(format!(
            "rule id `{id}` must look like `custom/name` (a prefix, a slash, a name)"
        ));
    };
    if name.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '/' | '_'))
    {
        return Err(format!(
            "rule id `{id}` may only use lowercase letters, digits, `-`, `_` and one `/`"
        ));
    }
    if is_builtin_id(id) {
        return Err(format!(
            "rule id `{id}` is a built-in check id: give the rule its own id, e.g. `custom/{name}`"
        ));
    }
    if prefix != "custom" && Area::ALL.iter().any(|a| a.as_str() == prefix) {
        return Err(format!(
            "rule id `{id}` uses the built-in area prefix `{prefix}/`: start it with `custom/` (or a prefix of your own, such as your team's name)"
        ));
    }
    if r.title.trim().is_empty() {
        return Err(format!("rule `{id}` needs a non-empty `title`"));
    }
    let area: Area = r.area.parse().map_err(|e| format!("rule `{id}`: {e}"))?;
    let severity: Severity = r
        .severity
        .parse()
        .map_err(|e| format!("rule `{id}`: {e}"))?;
    let kinds = r
        .applies_to
        .iter()
        .map(|k| {
            k.parse::<UnitKind>()
                .map_err(|e| format!("rule `{id}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let given = [
        r.file_exists.is_some(),
        r.glob_count.is_some(),
        r.regex.is_some(),
        r.yaml_path.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if given != 1 {
        return Err(format!(
            "rule `{id}` needs exactly one of `file-exists`, `glob-count`, `regex`, `yaml-path` ({given} given)"
        ));
    }
    let (test, evaluation) = if let Some(g) = &r.file_exists {
        (
            RuleTest::FileExists(Glob::new(g)?),
            format!("Passes when at least one file of the unit matches `{g}`; fails otherwise."),
        )
    } else if let Some(c) = &r.glob_count {
        if let (Some(min), Some(max)) = (c.min, c.max)
            && min > max
        {
            return Err(format!(
                "rule `{id}`: glob-count min {min} is above max {max}"
            ));
        }
        if c.min.is_none() && c.max.is_none() {
            return Err(format!(
                "rule `{id}`: glob-count needs `min`, `max` or both"
            ));
        }
        (
            RuleTest::GlobCount {
                glob: Glob::new(&c.glob)?,
                min: c.min,
                max: c.max,
            },
            format!(
                "Counts the unit's files matching `{}`; passes when the count is {}.",
                c.glob,
                match (c.min, c.max) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                }
            ),
        )
    } else if let Some(x) = &r.regex {
        let present = match x.expect.as_deref().unwrap_or("present") {
            "present" => true,
            "absent" => false,
            other => {
                return Err(format!(
                    "rule `{id}`: regex expect = \"{other}\" must be \"present\" or \"absent\""
                ));
            }
        };
        let regex = regex::RegexBuilder::new(&x.pattern)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| {
                format!(
                    "rule `{id}`: invalid regex `{}`: {}",
                    x.pattern,
                    e.to_string().lines().last().unwrap_or("")
                )
            })?;
        (
            RuleTest::Regex {
                regex,
                files: Glob::new(&x.files)?,
                present,
            },
            if present {
                format!(
                    "Passes when some line of a file matching `{}` matches /{}/; fails otherwise.",
                    x.files, x.pattern
                )
            } else {
                format!(
                    "Fails on every line of a file matching `{}` that matches /{}/; passes when there is none.",
                    x.files, x.pattern
                )
            },
        )
    } else if let Some(y) = &r.yaml_path {
        let path: Vec<String> = y.path.split('.').map(str::to_string).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!(
                "rule `{id}`: yaml-path path `{}` has an empty segment",
                y.path
            ));
        }
        let expect = match (&y.equals, y.exists) {
            (Some(v), None) => YamlExpect::Equals(v.clone()),
            (None, Some(b)) => YamlExpect::Exists(b),
            _ => {
                return Err(format!(
                    "rule `{id}`: yaml-path needs exactly one of `equals` or `exists`"
                ));
            }
        };
        let what = match &expect {
            YamlExpect::Equals(v) => format!("equal {v}"),
            YamlExpect::Exists(true) => "exist".to_string(),
            YamlExpect::Exists(false) => "be absent".to_string(),
        };
        (
            RuleTest::YamlPath {
                files: Glob::new(&y.files)?,
                path,
                expect,
                kinds: y.kinds.clone(),
            },
            format!(
                "In every YAML document of the files matching `{}`{}, `{}` must {what}; fails on each document where it does not, n/a when no document is concerned.",
                y.files,
                if y.kinds.is_empty() {
                    String::new()
                } else {
                    format!(" whose kind is {}", y.kinds.join(" or "))
                },
                y.path
            ),
        )
    } else {
        unreachable!("exactly one test was checked above")
    };
    Ok(CustomCheck {
        info: CheckInfo {
            id: id.to_string(),
            title: r.title.clone(),
            area,
            severity,
            applies_to: if kinds.is_empty() {
                "any unit".to_string()
            } else {
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            rationale: r.rationale.clone(),
            evaluation: format!("Custom rule from shipshape.toml. {evaluation}"),
            remediation: r.remediation.clone(),
            references: vec![],
        },
        kinds,
        test,
        line: 0,
    })
}

impl CustomCheck {
    /// Globs whose text the walk must keep for this rule (regex and YAML rules).
    pub fn keep_text(&self) -> Vec<String> {
        match &self.test {
            RuleTest::Regex { files, .. } | RuleTest::YamlPath { files, .. } => {
                files.walk_patterns()
            }
            _ => vec![],
        }
    }

    /// Evaluate the rule on one unit. Pure: facts and unit only.
    pub fn run(&self, ctx: &Ctx) -> Verdict {
        let unit = ctx.unit.path.as_str();
        let files = |g: &Glob| -> Vec<&shipshape_facts::FileEntry> {
            ctx.facts
                .files
                .iter()
                .filter(|f| g.matches(&f.path, unit))
                .collect()
        };
        match &self.test {
            RuleTest::FileExists(g) => match files(g).first() {
                Some(f) => Verdict::pass_with(
                    format!("{} matches `{}`", f.path, g.text),
                    vec![Finding::at(Location::file(&f.path), "matching file")],
                ),
                None => Verdict::fail(
                    format!("no file matches `{}`", g.text),
                    vec![Finding::new(format!(
                        "looked for `{}` under {}",
                        g.text,
                        scope(g, unit)
                    ))],
                ),
            },
            RuleTest::GlobCount { glob, min, max } => {
                let found = files(glob);
                let n = found.len() as u64;
                let low = min.is_some_and(|m| n < m);
                let high = max.is_some_and(|m| n > m);
                let summary = format!("{n} file(s) match `{}`", glob.text);
                if low {
                    Verdict::fail(
                        format!("{summary}, fewer than {}", min.unwrap_or(0)),
                        vec![Finding::new(format!(
                            "looked for `{}` under {}",
                            glob.text,
                            scope(glob, unit)
                        ))],
                    )
                } else if high {
                    Verdict::fail(
                        format!("{summary}, more than {}", max.unwrap_or(0)),
                        found
                            .iter()
                            .take(MAX_FINDINGS)
                            .map(|f| Finding::at(Location::file(&f.path), "matching file"))
                            .collect(),
                    )
                } else {
                    Verdict::pass(summary)
                }
            }
            RuleTest::Regex {
                regex,
                files: g,
                present,
            } => {
                let found = files(g);
                let mut hits = Vec::new();
                let mut unreadable = Vec::new();
                for f in &found {
                    let Some(text) = ctx.text(&f.path) else {
                        unreadable.push(f.path.as_str());
                        continue;
                    };
                    for (i, line) in text.lines().enumerate() {
                        if let Some(m) = regex.find(line) {
                            hits.push(
                                Finding::at(
                                    Location::line(&f.path, i as u32 + 1),
                                    format!("matches /{}/", regex.as_str()),
                                )
                                .with_snippet(clip(line.trim()))
                                .with_key(clip(m.as_str())),
                            );
                        }
                    }
                }
                if !unreadable.is_empty() && hits.is_empty() {
                    return Verdict::error(format!(
                        "{} file(s) matching `{}` could not be read (binary or above the size limit), e.g. {}",
                        unreadable.len(),
                        g.text,
                        unreadable[0]
                    ));
                }
                let total = hits.len();
                hits.truncate(MAX_FINDINGS);
                match (*present, total) {
                    (true, 0) => Verdict::fail(
                        format!(
                            "no line of the {} file(s) matching `{}` matches /{}/",
                            found.len(),
                            g.text,
                            regex.as_str()
                        ),
                        vec![Finding::new(format!(
                            "looked in `{}` under {}",
                            g.text,
                            scope(g, unit)
                        ))],
                    ),
                    (true, n) => Verdict::pass_with(format!("{n} matching line(s)"), hits),
                    (false, 0) => Verdict::pass(format!(
                        "no line of the {} file(s) matching `{}` matches /{}/",
                        found.len(),
                        g.text,
                        regex.as_str()
                    )),
                    (false, n) => Verdict::fail(
                        format!(
                            "{n} line(s) match /{}/, which must be absent",
                            regex.as_str()
                        ),
                        hits,
                    ),
                }
            }
            RuleTest::YamlPath {
                files: g,
                path,
                expect,
                kinds,
            } => {
                let mut failures = Vec::new();
                let mut concerned = 0usize;
                for f in files(g) {
                    let docs = match ctx.facts.yaml(&f.path) {
                        Some(Ok(d)) => d,
                        Some(Err(e)) => {
                            return Verdict::error(format!("{} is not valid YAML: {e}", f.path));
                        }
                        None => {
                            return Verdict::error(format!(
                                "{} was not read as YAML (not a .yaml/.yml file, or above the size limit)",
                                f.path
                            ));
                        }
                    };
                    for doc in docs.iter() {
                        if !kinds.is_empty()
                            && !doc
                                .get("kind")
                                .and_then(Yaml::as_str)
                                .is_some_and(|k| kinds.iter().any(|w| w == k))
                        {
                            continue;
                        }
                        if doc.is_null() {
                            continue;
                        }
                        concerned += 1;
                        let mut nodes = Vec::new();
                        select(doc, path, &mut nodes);
                        let name = doc
                            .at(&["metadata", "name"])
                            .and_then(Yaml::as_str)
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default();
                        let dotted = path.join(".");
                        match expect {
                            YamlExpect::Exists(true) if nodes.is_empty() => failures.push(
                                Finding::at(
                                    Location::line(&f.path, doc.line.max(1)),
                                    format!("`{dotted}` is missing{name}"),
                                )
                                .with_key(format!("missing{name}")),
                            ),
                            YamlExpect::Exists(false) => {
                                for n in nodes {
                                    failures.push(
                                        Finding::at(
                                            Location::line(&f.path, n.line.max(1)),
                                            format!("`{dotted}` must be absent{name}"),
                                        )
                                        .with_key(format!("present{name}")),
                                    );
                                }
                            }
                            YamlExpect::Equals(want) => {
                                if nodes.is_empty() {
                                    failures.push(
                                        Finding::at(
                                            Location::line(&f.path, doc.line.max(1)),
                                            format!("`{dotted}` is missing (want {want}){name}"),
                                        )
                                        .with_key(format!("missing{name}")),
                                    );
                                }
                                for n in nodes {
                                    if !equals(n, want) {
                                        failures.push(
                                            Finding::at(
                                                Location::line(&f.path, n.line.max(1)),
                                                format!(
                                                    "`{dotted}` is {} (want {want}){name}",
                                                    n.scalar_text()
                                                        .unwrap_or_else(|| "not a scalar".into())
                                                ),
                                            )
                                            .with_key(format!("differs{name}")),
                                        );
                                    }
                                }
                            }
                            YamlExpect::Exists(true) => {}
                        }
                    }
                }
                if concerned == 0 {
                    return Verdict::not_applicable(format!(
                        "no YAML document matches `{}`{}",
                        g.text,
                        if kinds.is_empty() {
                            String::new()
                        } else {
                            format!(" with kind {}", kinds.join("/"))
                        }
                    ));
                }
                if failures.is_empty() {
                    Verdict::pass(format!("{concerned} document(s) checked"))
                } else {
                    let n = failures.len();
                    failures.truncate(MAX_FINDINGS);
                    Verdict::fail(
                        format!("{n} of {concerned} document(s) do not satisfy the rule"),
                        failures,
                    )
                }
            }
        }
    }
}

fn scope(g: &Glob, unit: &str) -> String {
    if g.anchored || unit == "." {
        "the repository".to_string()
    } else {
        format!("{unit}/")
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 120 {
        s.chars().take(117).collect::<String>() + "..."
    } else {
        s.to_string()
    }
}

/// Every node at `path` under `node` (`*` fans out over items and values).
fn select<'a>(node: &'a Yaml, path: &[String], out: &mut Vec<&'a Yaml>) {
    let Some((head, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    match (&node.value, head.as_str()) {
        (YamlValue::Seq(items), "*") => items.iter().for_each(|i| select(i, rest, out)),
        (YamlValue::Map(entries), "*") => entries.iter().for_each(|(_, v)| select(v, rest, out)),
        (YamlValue::Seq(items), idx) => {
            if let Some(i) = idx.parse::<usize>().ok().and_then(|i| items.get(i)) {
                select(i, rest, out);
            }
        }
        (YamlValue::Map(_), key) => {
            if let Some(v) = node.get(key) {
                select(v, rest, out);
            }
        }
        _ => {}
    }
}

fn equals(node: &Yaml, want: &toml::Value) -> bool {
    match (&node.value, want) {
        (YamlValue::Bool(a), toml::Value::Boolean(b)) => a == b,
        (YamlValue::Int(a), toml::Value::Integer(b)) => a == b,
        (YamlValue::Float(a), toml::Value::Float(b)) => a == b,
        (YamlValue::Int(a), toml::Value::Float(b)) => (*a as f64) == *b,
        (YamlValue::Str(a), toml::Value::String(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_facts::Facts;
    use shipshape_model::{Outcome, Unit};

    fn rule(toml_text: &str) -> Result<CustomCheck, String> {
        let r: RuleConfig = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        compile(&r, &|id| shipshape_checks::find(id).is_some())
    }

    const HEAD: &str =
        "id = \"custom/x\"\ntitle = \"X\"\narea = \"documentation\"\nseverity = \"medium\"\n";

    fn unit(path: &str) -> Unit {
        Unit {
            name: "u".into(),
            path: path.into(),
            kind: UnitKind::Service,
            kind_source: "test".into(),
            tier: None,
            owner: None,
        }
    }

    /// Facts whose every file keeps its text (as the walk does for rule globs).
    fn facts(files: &[(&str, &str)]) -> Facts {
        let base = Facts::from_memory(files);
        let texts = files
            .iter()
            .map(|(p, c)| (p.to_string(), std::sync::Arc::from(*c)))
            .collect();
        Facts::from_parts(
            base.root.clone(),
            base.files.clone(),
            texts,
            base.signals.clone(),
            None,
            vec![],
            Default::default(),
        )
    }

    fn run(rule_text: &str, unit_path: &str, files: &[(&str, &str)]) -> Verdict {
        let c = rule(&format!("{HEAD}{rule_text}")).unwrap();
        let f = facts(files);
        let u = unit(unit_path);
        c.run(&Ctx::basic(&f, &u))
    }

    #[test]
    fn file_exists_is_relative_to_the_unit() {
        let files = [("svc/docs/slo.md", "# SLO"), ("docs/slo.md", "# SLO")];
        let v = run("file-exists = \"docs/slo.md\"", "svc", &files);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "svc/docs/slo.md"
        );
        let v = run("file-exists = \"docs/slo.md\"", "other", &files);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("other/"), "{:?}", v.findings);
        let v = run("file-exists = \"/docs/slo.md\"", "other", &files);
        assert_eq!(v.outcome, Outcome::Pass);
    }

    #[test]
    fn glob_count_bounds() {
        let files = [("migrations/001.sql", ""), ("migrations/002.sql", "")];
        let r = "glob-count = { glob = \"migrations/*.sql\", min = 1, max = 1 }";
        let v = run(r, ".", &files);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.summary.contains("2 file(s)") && v.summary.contains("more than 1"));
        assert_eq!(v.findings.len(), 2);
        let v = run(
            "glob-count = { glob = \"migrations/*.sql\", min = 2 }",
            ".",
            &files,
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run("glob-count = { glob = \"db/*.sql\", min = 1 }", ".", &files);
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn regex_present_and_absent_cite_lines() {
        let files = [
            ("src/app.py", "import os\nprint('debug')\nx = 1\n"),
            ("src/lib.py", "def f():\n    return 1\n"),
        ];
        let v = run(
            "regex = { pattern = 'print\\(', files = \"src/**/*.py\", expect = \"absent\" }",
            ".",
            &files,
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().to_string(),
            "src/app.py:2"
        );
        let v = run(
            "regex = { pattern = '^def ', files = \"src/**/*.py\" }",
            ".",
            &files,
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().to_string(),
            "src/lib.py:1"
        );
        let v = run(
            "regex = { pattern = 'logging', files = \"src/**/*.py\", expect = \"present\" }",
            ".",
            &files,
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn yaml_path_equals_exists_and_kinds() {
        let ok = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n";
        let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: false\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports: []\n";
        let r = "yaml-path = { files = \"deploy/*.yaml\", path = \"spec.template.spec.securityContext.runAsNonRoot\", equals = true, kinds = [\"Deployment\"] }";
        let v = run(r, ".", &[("deploy/api.yaml", ok)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let v = run(
            r,
            ".",
            &[("deploy/api.yaml", ok), ("deploy/worker.yaml", bad)],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1, "the Service is not concerned: {v:?}");
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().to_string(),
            "deploy/worker.yaml:9"
        );
        let r = "yaml-path = { files = \"deploy/*.yaml\", path = \"spec.template.spec.containers.*.resources\", exists = true }";
        let v = run(r, ".", &[("deploy/api.yaml", ok)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().to_string(),
            "deploy/api.yaml:1"
        );
        let v = run(r, ".", &[("other/x.yaml", ok)]);
        assert_eq!(v.outcome, Outcome::NotApplicable);
        let v = run(r, ".", &[("deploy/x.yaml", "a: [b\n")]);
        assert_eq!(v.outcome, Outcome::Error);
    }

    #[test]
    fn validation_names_the_problem() {
        let e = |t: &str| rule(&format!("{HEAD}{t}")).unwrap_err();
        assert!(e("regex = { pattern = '(', files = '*' }").contains("invalid regex"));
        assert!(e("").contains("exactly one"));
        assert!(
            e("file-exists = 'a'\nglob-count = { glob = 'b', min = 1 }").contains("exactly one")
        );
        assert!(e("file-exists = '[a'").contains("invalid glob"));
        assert!(e("regex = { pattern = 'a', files = '*', expect = 'maybe' }").contains("present"));
        let bad_area = HEAD.replace("documentation", "docs");
        let err = rule(&format!("{bad_area}file-exists = 'a'")).unwrap_err();
        assert!(err.contains("unknown area `docs`"), "{err}");
        let clash = HEAD.replace("custom/x", "delivery/ci-present");
        assert!(
            rule(&format!("{clash}file-exists = 'a'"))
                .unwrap_err()
                .contains("built-in")
        );
        let prefix = HEAD.replace("custom/x", "security/mine");
        assert!(
            rule(&format!("{prefix}file-exists = 'a'"))
                .unwrap_err()
                .contains("area prefix")
        );
        let team = HEAD.replace("custom/x", "payments/slo-doc");
        assert!(rule(&format!("{team}file-exists = 'a'")).is_ok());
    }
}
