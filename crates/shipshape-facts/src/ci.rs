//! CI definitions: what runs, when, and with which permissions.
//!
//! GitHub Actions workflows are parsed structurally (triggers, jobs, steps,
//! `uses:`, permissions). Other systems are read as YAML where they are YAML, and
//! their command lines are recognised by text — enough to decide "runs tests",
//! "runs a linter", "deploys".

use crate::kind::CiSystem;
use crate::yaml::{Yaml, YamlValue};

/// A step of a GitHub Actions job.
#[derive(Debug, Clone, PartialEq)]
pub struct GhaStep {
    /// The step's `id:` (what `steps.<id>.outputs.*` names).
    pub id: Option<String>,
    pub uses: Option<(String, u32)>,
    pub run: Option<(String, u32)>,
    pub with: Option<Yaml>,
    pub line: u32,
    /// The local composite action (`action.yml`) this step is written in, when the job
    /// runs it through `uses: ./path/to/action`; its lines are that file's. `None` for
    /// the workflow's own steps.
    pub composite: Option<String>,
}

impl GhaStep {
    /// Read one entry of a `steps:` list.
    pub fn from_yaml(s: &Yaml) -> GhaStep {
        GhaStep {
            id: s.get("id").and_then(Yaml::scalar_text),
            uses: s
                .get("uses")
                .and_then(|u| Some((u.as_str()?.to_string(), u.line))),
            run: s.get("run").and_then(|r| Some((r.scalar_text()?, r.line))),
            with: s.get("with").cloned(),
            line: s.line,
            composite: None,
        }
    }

    /// The file the step is written in: its composite action's, else the workflow's.
    pub fn file<'a>(&'a self, workflow: &'a str) -> &'a str {
        self.composite.as_deref().unwrap_or(workflow)
    }

    /// The directory of the local action this step runs (`uses: ./.github/actions/build`
    /// → `.github/actions/build`), or `None` for a remote action, a Docker image or a
    /// run step.
    pub fn local_action(&self) -> Option<String> {
        let (uses, _) = self.uses.as_ref()?;
        let rest = uses.trim().strip_prefix("./")?;
        normalise_path(rest.trim_end_matches('/'))
    }
}

/// The steps of a composite action (`runs.using: composite`, `runs.steps`) read from its
/// `action.yml` at `path`; `None` for a JavaScript or Docker action.
pub fn composite_steps(path: &str, doc: &Yaml) -> Option<Vec<GhaStep>> {
    let runs = doc.get("runs")?;
    if !runs
        .get("using")
        .and_then(Yaml::as_str)
        .is_some_and(|u| u.eq_ignore_ascii_case("composite"))
    {
        return None;
    }
    Some(
        runs.idx("steps")
            .items()
            .iter()
            .map(|s| GhaStep {
                composite: Some(path.to_string()),
                ..GhaStep::from_yaml(s)
            })
            .collect(),
    )
}

/// A directory's local composite action, if any: its `action.yml` path and steps.
pub type LocalActions<'a> = dyn Fn(&str) -> Option<(String, Vec<GhaStep>)> + 'a;

/// Most levels of composite actions calling composite actions that are followed.
const MAX_COMPOSITE_DEPTH: usize = 4;

/// A GitHub Actions job.
#[derive(Debug, Clone, PartialEq)]
pub struct GhaJob {
    pub id: String,
    pub line: u32,
    pub permissions: Option<Yaml>,
    /// Reusable workflow call (`jobs.x.uses`).
    pub uses: Option<(String, u32)>,
    pub steps: Vec<GhaStep>,
    /// The combinations of `strategy.matrix` (axes multiplied out, `include` entries
    /// merged or added as GitHub does; `exclude` and computed matrices ignored), each
    /// as `(key, scalar value)` pairs. Empty without a matrix.
    pub matrix: Vec<Vec<(String, String)>>,
}

/// Most combinations a matrix expands to here (GitHub's own limit is 256 jobs).
const MAX_MATRIX: usize = 256;

/// The combinations of a job's `strategy.matrix`.
fn matrix_combinations(matrix: Option<&Yaml>) -> Vec<Vec<(String, String)>> {
    let Some(matrix) = matrix else {
        return vec![];
    };
    let mut combos: Vec<Vec<(String, String)>> = vec![vec![]];
    let mut axes = false;
    for (key, value) in matrix.entries() {
        if key == "include" || key == "exclude" {
            continue;
        }
        let values: Vec<String> = value.items().iter().filter_map(Yaml::scalar_text).collect();
        if values.is_empty() {
            continue;
        }
        axes = true;
        let mut next = Vec::new();
        for combo in &combos {
            for v in &values {
                if next.len() >= MAX_MATRIX {
                    break;
                }
                let mut c = combo.clone();
                c.push((key.to_string(), v.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    if !axes {
        combos.clear();
    }
    let base = combos.len();
    for inc in matrix.idx("include").items() {
        let pairs: Vec<(String, String)> = inc
            .entries()
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.scalar_text()?)))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        // An include entry extends every original combination its axis values match
        // without overwriting; otherwise it is a combination of its own.
        let mut matched = false;
        for combo in combos.iter_mut().take(base) {
            let fits = pairs.iter().all(|(k, v)| {
                combo
                    .iter()
                    .find(|(ck, _)| ck == k)
                    .is_none_or(|(_, cv)| cv == v)
            });
            let overlaps = pairs
                .iter()
                .any(|(k, _)| combo.iter().any(|(ck, _)| ck == k));
            if fits && overlaps {
                matched = true;
                for (k, v) in &pairs {
                    if !combo.iter().any(|(ck, _)| ck == k) {
                        combo.push((k.clone(), v.clone()));
                    }
                }
            }
        }
        if !matched && combos.len() < MAX_MATRIX {
            combos.push(pairs);
        }
    }
    combos
}

/// `text` with every `${{ matrix.KEY }}` replaced by the combination's value; `None`
/// when an expression is left that the combination cannot resolve.
pub fn expand_matrix(text: &str, combo: &[(String, String)]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after.find("}}")?;
        let expr = after[..end].trim();
        let key = expr.strip_prefix("matrix.")?;
        let (_, value) = combo.iter().find(|(k, _)| k == key)?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// A container image a workflow builds: its Dockerfile, repository-relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBuild {
    pub dockerfile: String,
    /// The build context, repository-relative (`.` for the root).
    pub context: String,
    /// The step's line.
    pub line: u32,
    /// The job first downloads another job's artifacts into the build context
    /// (`actions/download-artifact` with a `path:` inside it): the image packages what
    /// CI built elsewhere (rustdesk-server's `docker/rootfs/usr/bin` binaries).
    pub packages_artifacts: bool,
}

/// A path as written in a workflow (`./util/Nginx/`, `util//Nginx`), normalised to a
/// repository-relative one; `None` when it leaves the repository or is absolute.
pub fn normalise_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        return None;
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

fn dockerfile_in(context: &str, file: Option<&str>) -> Option<String> {
    match file {
        Some(f) => normalise_path(f),
        None => {
            let ctx = normalise_path(context)?;
            Some(if ctx == "." {
                "Dockerfile".to_string()
            } else {
                format!("{ctx}/Dockerfile")
            })
        }
    }
}

/// Options of `docker build` that take a value (the context is the first argument
/// that is neither an option nor an option's value).
const BUILD_VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--tag",
    "--build-arg",
    "--platform",
    "--target",
    "--label",
    "--cache-from",
    "--cache-to",
    "--secret",
    "--ssh",
    "-o",
    "--output",
    "--progress",
    "--network",
    "--iidfile",
    "--metadata-file",
    "--build-context",
    "--builder",
    "--annotation",
    "--attest",
    "--provenance",
    "--sbom",
    "--shm-size",
    "--ulimit",
    "--add-host",
];

/// The Dockerfiles a `docker build` / `docker buildx build` / `podman build` command
/// line builds (`-f FILE`, or `CONTEXT/Dockerfile`).
fn run_builds(script: &str) -> Vec<(String, Option<String>)> {
    // `${{ matrix.x }}` holds spaces: close them up so that an expression stays one word.
    let mut joined = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        joined.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            rest = &rest[start..];
            break;
        };
        joined.extend(
            rest[start..start + end + 2]
                .chars()
                .filter(|c| !c.is_whitespace()),
        );
        rest = &rest[start + end + 2..];
    }
    joined.push_str(rest);
    let joined = joined.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i < words.len() {
            let start = match (words.get(i), words.get(i + 1), words.get(i + 2)) {
                (Some(&("docker" | "podman")), Some(&"build"), _) => Some(i + 2),
                (Some(&"docker"), Some(&"buildx"), Some(&"build")) => Some(i + 3),
                (Some(&"docker"), Some(&"image"), Some(&"build")) => Some(i + 3),
                _ => None,
            };
            let Some(mut j) = start else {
                i += 1;
                continue;
            };
            let (mut file, mut context) = (None, None);
            while j < words.len() {
                let w = words[j].trim_matches(|c| c == '"' || c == '\'');
                if matches!(w, "&&" | "||" | ";" | "|") {
                    break;
                }
                if let Some(f) = w.strip_prefix("--file=") {
                    file = Some(f.to_string());
                } else if w == "-f" || w == "--file" {
                    file = words
                        .get(j + 1)
                        .map(|f| f.trim_matches(|c| c == '"' || c == '\'').to_string());
                    j += 1;
                } else if BUILD_VALUE_OPTIONS.contains(&w) {
                    j += 1;
                } else if !w.starts_with('-') && context.is_none() {
                    context = Some(w.to_string());
                }
                j += 1;
            }
            if let Some(ctx) = context {
                out.push((ctx, file));
            }
            i = j;
        }
    }
    out
}

/// The `${{ … }}` expressions of a GitHub Actions script that interpolate a field an
/// attacker controls (`github.head_ref`, issue, pull request and discussion titles and
/// bodies, comment and review bodies, head refs and labels, commit messages and author
/// names, `workflow_run` branches and titles, page names): each one's byte range in
/// `script` and the field. One list for the check that flags them
/// (`delivery/gha-dangerous-triggers`) and the fix that moves them into `env:`.
///
/// An expression that can only yield a boolean (a comparison, `contains`,
/// `startsWith`, `endsWith`, a negation: Kavita's `${{ !contains(github.head_ref,
/// 'release') }}`) interpolates `true` or `false`, never the attacker's text.
pub fn untrusted_interpolations(script: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    untrusted()
        .captures_iter(script)
        .filter_map(|m| Some((m.get(0)?, m.get(1)?.as_str())))
        .filter(|(expr, _)| !boolean_expression(expr.as_str()))
        .map(|(expr, field)| (expr.range(), field))
        .collect()
}

/// True for a `${{ … }}` expression whose value is a boolean: its outermost operation is
/// a comparison, a negation or a boolean function, with no `&&`/`||` (which yield one
/// of their operands).
fn boolean_expression(expr: &str) -> bool {
    let inner = expr.trim_start_matches("${{").trim_end_matches("}}").trim();
    if inner.contains("&&") || inner.contains("||") {
        return false;
    }
    inner.starts_with('!')
        || ["==", "!=", "<=", ">=", " < ", " > "]
            .iter()
            .any(|op| inner.contains(op))
        || ["contains(", "startsWith(", "endsWith("]
            .iter()
            .any(|f| inner.starts_with(f) && inner.ends_with(')'))
}

fn untrusted() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?x)\$\{\{[^}]*?\b(
                github\.head_ref
              # A step's `body`/`title` output: a pull request's or issue's text passed on
              # (Kavita's `steps.findPr.outputs.body` from gh-find-current-pr).
              | steps\.[A-Za-z0-9_-]+\.outputs\.(?:pr_)?(?:body|title)
              | github\.event\.(?:
                    issue\.(?:title|body)
                  | pull_request\.(?:title|body|head\.ref|head\.label|head\.repo\.default_branch)
                  | comment\.body | review\.body | review_comment\.body
                  | discussion\.(?:title|body) | discussion_comment\.body
                  | pages(?:\[\d+\]|\.\*)?\.page_name
                  | commits(?:\[\d+\]|\.\*)?\.(?:message|author\.(?:email|name))
                  | head_commit\.(?:message|author\.(?:email|name)|committer\.(?:email|name))
                  | workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:email|name)))
                )
            )\b[^}]*\}\}",
        )
        .expect("constant regex")
    })
}

impl GhaJob {
    /// The images this job builds, with matrix expressions expanded: `docker/build-push-action`
    /// steps (`with.file`, `with.context`) and `docker build` command lines.
    pub fn image_builds(&self) -> Vec<ImageBuild> {
        let no_matrix = [vec![]];
        let combos: &[Vec<(String, String)>] = if self.matrix.is_empty() {
            &no_matrix
        } else {
            &self.matrix
        };
        // (context, Dockerfile as written, step line, from a shell line) before expansion.
        let mut written: Vec<(String, Option<String>, u32, bool)> = Vec::new();
        for step in &self.steps {
            let action = step.uses.as_ref().is_some_and(|(u, _)| {
                u.starts_with("docker/build-push-action@")
                    || u.starts_with("redhat-actions/buildah-build@")
            });
            if action {
                let with = step.with.as_ref();
                let file = with
                    .and_then(|w| w.get("file").or_else(|| w.get("containerfiles")))
                    .and_then(Yaml::scalar_text);
                let context = with
                    .and_then(|w| w.get("context"))
                    .and_then(Yaml::scalar_text)
                    .unwrap_or_else(|| ".".to_string());
                written.push((context, file, step.line, false));
            }
            if let Some((run, line)) = &step.run {
                written.extend(
                    run_builds(run)
                        .into_iter()
                        .map(|(c, f)| (c, f, *line, true)),
                );
            }
        }
        let mut out: Vec<ImageBuild> = Vec::new();
        for (context, file, line, shell) in &written {
            for combo in combos {
                let Some(ctx) = expand_matrix(context, combo) else {
                    continue;
                };
                // A shell variable left in the context cannot be resolved here.
                if *shell && ctx.contains('$') {
                    continue;
                }
                let file = match file {
                    Some(f) => match expand_matrix(f, combo) {
                        Some(f) => Some(f),
                        None => continue,
                    },
                    None => None,
                };
                if let (Some(dockerfile), Some(context)) =
                    (dockerfile_in(&ctx, file.as_deref()), normalise_path(&ctx))
                    && !out.iter().any(|b| b.dockerfile == dockerfile)
                {
                    let packages_artifacts = self.steps.iter().any(|s| {
                        s.line < *line
                            && s.uses
                                .as_ref()
                                .is_some_and(|(u, _)| u.starts_with("actions/download-artifact@"))
                            && s.with
                                .as_ref()
                                .and_then(|w| w.get("path"))
                                .and_then(Yaml::scalar_text)
                                .and_then(|p| expand_matrix(&p, combo))
                                .and_then(|p| normalise_path(&p))
                                .is_some_and(|p| crate::is_under(&p, &context))
                    });
                    out.push(ImageBuild {
                        dockerfile,
                        context,
                        line: *line,
                        packages_artifacts,
                    });
                }
            }
        }
        out
    }
}

/// A parsed GitHub Actions workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    pub path: String,
    /// Event names that trigger it, with the line of each.
    pub triggers: Vec<(String, u32)>,
    pub permissions: Option<Yaml>,
    pub jobs: Vec<GhaJob>,
}

impl Workflow {
    /// Build from a parsed workflow document.
    pub fn from_yaml(path: &str, doc: &Yaml) -> Workflow {
        // YAML 1.1 readers turn the key `on` into `true`; saphyr keeps "on", accept both.
        let on = doc.get("on").or_else(|| doc.get("true"));
        let mut triggers = Vec::new();
        if let Some(on) = on {
            match &on.value {
                YamlValue::Str(s) => triggers.push((s.to_string(), on.line)),
                YamlValue::Seq(items) => triggers.extend(
                    items
                        .iter()
                        .filter_map(|i| Some((i.as_str()?.to_string(), i.line))),
                ),
                YamlValue::Map(entries) => triggers.extend(
                    entries
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.key_line.max(on.line))),
                ),
                _ => {}
            }
        }
        let jobs = doc
            .idx("jobs")
            .entries()
            .iter()
            .map(|(id, job)| GhaJob {
                id: id.to_string(),
                line: job.line,
                permissions: job.get("permissions").cloned(),
                uses: job
                    .get("uses")
                    .and_then(|u| Some((u.as_str()?.to_string(), u.line))),
                steps: job
                    .idx("steps")
                    .items()
                    .iter()
                    .map(GhaStep::from_yaml)
                    .collect(),
                matrix: matrix_combinations(job.at(&["strategy", "matrix"])),
            })
            .collect();
        Workflow {
            path: path.to_string(),
            triggers,
            permissions: doc.get("permissions").cloned(),
            jobs,
        }
    }

    /// Splice the steps of the local composite actions the jobs run (`uses: ./dir`) in
    /// after the step that runs them, as GitHub does, following composite actions that
    /// run others up to [`MAX_COMPOSITE_DEPTH`] levels (a cycle stops there). `action`
    /// gives a directory's composite action: its `action.yml` path and steps.
    pub fn expand_local_actions(&mut self, action: &LocalActions) {
        fn expand(steps: Vec<GhaStep>, action: &LocalActions, depth: usize) -> Vec<GhaStep> {
            let mut out = Vec::with_capacity(steps.len());
            for step in steps {
                let inner = step
                    .local_action()
                    .filter(|_| depth < MAX_COMPOSITE_DEPTH)
                    .and_then(|dir| action(&dir));
                out.push(step);
                if let Some((_, inner)) = inner {
                    out.extend(expand(inner, action, depth + 1));
                }
            }
            out
        }
        for job in &mut self.jobs {
            let steps = std::mem::take(&mut job.steps);
            job.steps = expand(steps, action, 0);
        }
    }

    pub fn has_trigger(&self, name: &str) -> bool {
        self.triggers.iter().any(|(t, _)| t == name)
    }

    /// Whether an event field (`github.event.issue.title`, `github.head_ref`…) can hold
    /// a value when this workflow runs: a payload key is only set by the events that
    /// carry it, so `github.event.workflow_run.head_branch` is empty in a workflow that
    /// `workflow_run` does not trigger (dgtlmoon/changedetection.io, where that trigger
    /// is commented out). A reusable workflow (`workflow_call`) runs with its caller's
    /// event, so every field is possible there, as it is for fields of no known event.
    pub fn can_carry(&self, field: &str) -> bool {
        let Some(events) = events_carrying(field) else {
            return true;
        };
        self.triggers
            .iter()
            .any(|(t, _)| t == "workflow_call" || events.contains(&t.as_str()))
    }
}

/// The events whose payload holds `field`; `None` when it is not an event field this
/// table knows (then any event may set it).
fn events_carrying(field: &str) -> Option<&'static [&'static str]> {
    const PULL_REQUEST: &[&str] = &[
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
    ];
    if field == "github.head_ref" {
        return Some(PULL_REQUEST);
    }
    let key = field.strip_prefix("github.event.")?;
    let top = key.split(['.', '[']).next()?;
    Some(match top {
        "issue" => &["issues", "issue_comment"],
        "pull_request" => PULL_REQUEST,
        "comment" => &[
            "issue_comment",
            "commit_comment",
            "pull_request_review_comment",
            "discussion_comment",
        ],
        "review" => &["pull_request_review"],
        "review_comment" => &["pull_request_review_comment"],
        "discussion" => &["discussion", "discussion_comment"],
        "discussion_comment" => &["discussion_comment"],
        "pages" => &["gollum"],
        "commits" | "head_commit" => &["push"],
        "workflow_run" => &["workflow_run"],
        _ => return None,
    })
}

/// One CI definition file, with its lines kept for text recognition.
#[derive(Debug, Clone)]
pub struct CiFile {
    pub path: String,
    pub system: CiSystem,
    /// Parsed workflow (GitHub Actions only).
    pub workflow: Option<Workflow>,
    /// The parsed YAML documents, for YAML-based systems.
    pub yaml: Option<Vec<Yaml>>,
    /// Parse error, when the file is YAML and does not parse.
    pub error: Option<String>,
    /// A local composite action (`action.yml`) that a workflow runs: its steps are also
    /// spliced into the calling jobs ([`Workflow::expand_local_actions`]).
    pub composite: bool,
}

/// Find the first line of `text` matching `pred`, returning (line, trimmed text).
pub fn find_line(text: &str, mut pred: impl FnMut(&str) -> bool) -> Option<(u32, String)> {
    text.lines()
        .enumerate()
        .find(|(_, l)| pred(l))
        .map(|(i, l)| (i as u32 + 1, l.trim().chars().take(160).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_document;

    #[test]
    fn reads_triggers_jobs_and_steps() {
        let y = parse_document(
            "on:\n  push:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n",
        )
        .unwrap();
        let w = Workflow::from_yaml(".github/workflows/ci.yml", &y);
        assert!(w.has_trigger("pull_request"));
        assert!(w.permissions.is_some());
        assert_eq!(
            w.jobs[0].steps[0].uses,
            Some(("actions/checkout@v4".into(), 10))
        );
        assert_eq!(w.jobs[0].steps[1].run, Some(("cargo test".into(), 11)));
        let y = parse_document("on: [push, pull_request]\njobs: {}\n").unwrap();
        assert!(Workflow::from_yaml("w.yml", &y).has_trigger("pull_request"));
        // Regression: mini-redis' `pull_request:` (line 2 here) was cited at the line of
        // its `branches:` child.
        let y = parse_document("on:\n  pull_request:\n    branches: [main]\n  push:\n").unwrap();
        assert_eq!(
            Workflow::from_yaml("w.yml", &y).triggers,
            [("pull_request".to_string(), 2), ("push".to_string(), 4)]
        );
    }

    /// Regression (bitwarden/server): the release matrix builds
    /// `${{ matrix.base_path }}/${{ matrix.project_name }}/Dockerfile` for every entry of
    /// `include`, so `util/Nginx`'s image was unknown to discovery.
    #[test]
    fn image_builds_expand_the_matrix() {
        let y = parse_document(concat!(
            "on: push\njobs:\n  build:\n    strategy:\n      matrix:\n        include:\n",
            "          - project_name: Nginx\n            base_path: ./util\n",
            "          - project_name: Api\n            base_path: ./src\n",
            "    steps:\n      - uses: docker/build-push-action@v6\n        with:\n",
            "          context: .\n",
            "          file: ${{ matrix.base_path }}/${{ matrix.project_name }}/Dockerfile\n",
            "      - run: docker build -t x:1 --build-arg A=b -f deploy/${{ matrix.project_name }}.Dockerfile ./ctx && echo ok\n",
            "      - run: docker buildx build --platform linux/amd64 services/web\n",
            "      - run: docker build -f ${{ env.FILE }} .\n",
        ))
        .unwrap();
        let w = Workflow::from_yaml("w.yml", &y);
        let builds: Vec<(String, String)> = w.jobs[0]
            .image_builds()
            .into_iter()
            .map(|b| (b.dockerfile, b.context))
            .collect();
        let want = [
            ("util/Nginx/Dockerfile", "."),
            ("src/Api/Dockerfile", "."),
            ("deploy/Nginx.Dockerfile", "ctx"),
            ("deploy/Api.Dockerfile", "ctx"),
            ("services/web/Dockerfile", "services/web"),
        ];
        assert_eq!(
            builds,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
    }

    #[test]
    fn matrix_axes_multiply_and_include_extends() {
        let y = parse_document(
            "matrix:\n  os: [linux, mac]\n  app: [a]\n  include:\n    - os: linux\n      extra: x\n    - app: b\n      os: win\n",
        )
        .unwrap();
        let combos = matrix_combinations(y.get("matrix"));
        assert_eq!(combos.len(), 3);
        assert!(combos[0].contains(&("extra".into(), "x".into())));
        assert!(!combos[1].iter().any(|(k, _)| k == "extra"));
        assert_eq!(
            combos[2],
            vec![("app".into(), "b".into()), ("os".into(), "win".into())]
        );
        assert_eq!(
            expand_matrix("${{ matrix.os }}/x", &combos[0]).as_deref(),
            Some("linux/x")
        );
        assert_eq!(expand_matrix("${{ matrix.nope }}", &combos[0]), None);
        assert_eq!(normalise_path("./a//b/../c/"), Some("a/c".into()));
        assert_eq!(normalise_path("../out"), None);
    }
}
