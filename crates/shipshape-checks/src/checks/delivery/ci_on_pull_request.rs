//! `delivery/ci-on-pull-request`: CI runs on pull/merge requests, before code is merged.

use crate::checks::delivery::gha::live_ci_files;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::ci::{CiFile, find_line};
use shipshape_facts::gitlab::{self, GitlabPipeline};
use shipshape_facts::{CiSystem, Yaml, YamlValue};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/ci-on-pull-request",
        title: "CI runs on pull/merge requests",
        area: Area::Delivery,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "every unit with CI",
        rationale: "CI that only runs after merge finds the breakage when it is already on the main branch. Running on every pull request is what lets review and branch protection block a bad change.",
        evaluation: "Each CI definition is judged by its system's rules. GitHub Actions: passes on a `pull_request`, `pull_request_target` or `merge_group` trigger; warns when the only trigger is `push` without a branch filter (same-repository branches are built, fork pull requests and merge results are not). GitLab CI (with `include: local:` files and `extends:` resolved): passes when `merge_request_event` or `merge_requests` appears in `workflow:rules`, a job's `rules` or `only`; also passes, noting GitLab's default, when some job is not restricted to the default branch, tags or schedules (branch pipelines then run for every merge request's source branch); fails when `workflow:rules` or every job restricts pipelines to the default branch/tags. Azure Pipelines: passes with `pr:` triggers, or with no `pr:` section (Azure validates pull requests by default); fails on `pr: none`. Bitbucket: passes with `pipelines: pull-requests:`, or with a `default:` pipeline (built for every branch, noted); fails when only specific branches/tags are built. Drone/Woodpecker: passes when a trigger lists `pull_request`, or when no event filter restricts the pipeline (the default includes pull requests); fails when event filters exist without it. Travis CI, CircleCI, Jenkins (multibranch) and Buildkite build pull requests by default: pass with a note saying so. Tekton (Pipelines as Code) passes with an `on-event` annotation naming `pull_request`. Cloud Build triggers live outside the repository: warn. The unit passes when any definition passes; `n/a` without CI.",
        remediation: "Trigger the pipeline on pull requests, e.g. GitHub Actions `on: [push, pull_request]`, GitLab `workflow: rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"`, Bitbucket `pipelines: pull-requests: '**':`, and make the result a required status check.",
        references: &[
            "https://docs.github.com/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request",
            "https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/",
            "https://learn.microsoft.com/azure/devops/pipelines/repos/github#pr-triggers",
        ],
    },
    run,
};

/// The verdict for one CI definition.
enum Judged {
    Pass(Finding),
    Warn(Finding),
    Fail(Finding),
}

fn at(path: &str, line: u32) -> Location {
    if line > 0 {
        Location::line(path, line)
    } else {
        Location::file(path)
    }
}

fn github(f: &CiFile) -> Option<Judged> {
    let w = f.workflow.as_ref()?;
    for t in ["pull_request", "pull_request_target", "merge_group"] {
        if let Some((_, line)) = w.triggers.iter().find(|(name, _)| name == t) {
            return Some(Judged::Pass(Finding::at(
                at(&f.path, *line),
                format!("triggered by `{t}`"),
            )));
        }
    }
    // `push` without a branch filter builds every branch pushed to this repository.
    let doc = f.yaml.as_ref().and_then(|d| d.first());
    let on = doc.and_then(|d| d.get("on").or_else(|| d.get("true")));
    if let Some((_, line)) = w.triggers.iter().find(|(name, _)| name == "push") {
        let push = on.and_then(|o| o.get("push"));
        let every_branch = match push {
            Some(p) => match p.get("branches") {
                Some(b) => b
                    .items()
                    .iter()
                    .any(|i| matches!(i.as_str(), Some("**" | "*"))),
                // `tags:` alone means branch pushes do not run it.
                None => p.get("tags").is_none(),
            },
            None => true,
        };
        if every_branch {
            return Some(Judged::Warn(Finding::at(
                at(&f.path, *line),
                "triggered by `push` on every branch but not by `pull_request`: fork pull requests and merge results are not built",
            ).with_key("push-only")));
        }
    }
    let line = on.map_or(0, |o| o.line);
    Some(Judged::Fail(
        Finding::at(
            at(&f.path, line),
            format!(
                "no `pull_request`/`merge_group` trigger (triggers: {})",
                if w.triggers.is_empty() {
                    "none".to_string()
                } else {
                    w.triggers
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        )
        .with_key("no-pr-trigger"),
    ))
}

/// True when a GitLab `rules:`/`only:` node mentions merge requests.
fn mentions_mr(node: &Yaml) -> Option<u32> {
    let mut hit = None;
    node.walk(&mut |n| {
        if hit.is_none()
            && let Some(s) = n.as_str()
            && (s.contains("merge_request_event")
                || s == "merge_requests"
                || s.contains("CI_MERGE_REQUEST_"))
        {
            hit = Some(n.line);
        }
    });
    hit
}

/// True when an `if:` expression can only hold on the default branch, tags or schedules.
fn restrictive_if(expr: &str) -> bool {
    let e = expr.replace(' ', "");
    e.contains("$CI_COMMIT_TAG")
        || e.contains("==$CI_DEFAULT_BRANCH")
        || e.contains("$CI_DEFAULT_BRANCH==")
        || e.contains("$CI_COMMIT_BRANCH==\"main\"")
        || e.contains("$CI_COMMIT_BRANCH==\"master\"")
        || e.contains("$CI_COMMIT_REF_NAME==\"main\"")
        || e.contains("$CI_COMMIT_REF_NAME==\"master\"")
        || e.contains("==\"schedule\"")
        || e.contains("==\"web\"")
        || e.contains("==\"trigger\"")
}

/// True when `rules:` only ever lets the job/pipeline run on the default branch, tags or schedules.
fn rules_restrict(rules: &Yaml) -> bool {
    let items = rules.items();
    !items.is_empty()
        && items.iter().all(|r| {
            let never = r.idx("when").as_str() == Some("never");
            never
                || r.get("if")
                    .and_then(Yaml::as_str)
                    .is_some_and(restrictive_if)
        })
}

/// True when `only:` restricts the job to fixed refs (not `branches`, `merge_requests`, a regex...).
fn only_restricts(only: &Yaml) -> bool {
    let refs: Vec<String> = match &only.value {
        YamlValue::Seq(items) => items.iter().filter_map(Yaml::scalar_text).collect(),
        YamlValue::Str(s) => vec![s.to_string()],
        YamlValue::Map(_) => only
            .idx("refs")
            .items()
            .iter()
            .filter_map(Yaml::scalar_text)
            .collect(),
        _ => vec![],
    };
    !refs.is_empty()
        && refs.iter().all(|r| {
            !matches!(
                r.as_str(),
                "branches" | "merge_requests" | "pushes" | "external_pull_requests"
            ) && !r.starts_with('/')
        })
}

fn gitlab_verdict(p: &GitlabPipeline) -> Judged {
    let root = p.files.first().map_or(".gitlab-ci.yml", String::as_str);
    if let Some((path, w)) = &p.workflow
        && let Some(line) = w.get("rules").and_then(mentions_mr)
    {
        return Judged::Pass(Finding::at(
            at(path, line),
            "`workflow:rules` runs merge request pipelines",
        ));
    }
    for j in &p.jobs {
        for key in ["rules", "only"] {
            if let Some(line) = j.def.get(key).and_then(mentions_mr) {
                return Judged::Pass(Finding::at(
                    at(j.source_of(key), line),
                    format!("job `{}` runs in merge request pipelines", j.name),
                ));
            }
        }
    }
    if let Some((path, w)) = &p.workflow
        && let Some(rules) = w.get("rules").filter(|r| rules_restrict(r))
    {
        return Judged::Fail(
            Finding::at(
                at(path, rules.line),
                "`workflow:rules` only allows default-branch, tag or scheduled pipelines",
            )
            .with_key("workflow-rules"),
        );
    }
    let open = p.jobs.iter().find(|j| {
        !(j.def.get("rules").is_some_and(rules_restrict)
            || j.def.get("only").is_some_and(only_restricts))
    });
    match open {
        Some(j) => Judged::Pass(Finding::at(
            at(&j.path, j.line),
            format!(
                "job `{}` runs in branch pipelines, which GitLab runs by default for every pushed branch, merge request source branches included",
                j.name
            ),
        )),
        None if p.jobs.is_empty() => {
            Judged::Fail(Finding::at(Location::file(root), "no jobs found").with_key("no-jobs"))
        }
        None => Judged::Fail(
            Finding::at(
                Location::file(root),
                format!(
                    "every job ({}) is restricted to the default branch, tags or schedules",
                    p.jobs
                        .iter()
                        .map(|j| j.name.as_str())
                        .take(8)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_key("jobs-restricted"),
        ),
    }
}

fn top(f: &CiFile) -> Option<&Yaml> {
    f.yaml.as_ref().and_then(|d| d.first())
}

fn azure(f: &CiFile) -> Judged {
    match top(f).and_then(|d| d.get("pr")) {
        Some(pr) if pr.as_str() == Some("none") => Judged::Fail(
            Finding::at(
                at(&f.path, pr.line),
                "`pr: none` disables pull request validation",
            )
            .with_key("pr-none"),
        ),
        Some(pr) => Judged::Pass(Finding::at(at(&f.path, pr.line), "`pr:` trigger")),
        None => Judged::Pass(Finding::at(
            Location::file(&f.path),
            "no `pr:` section: Azure Pipelines validates pull requests by default",
        )),
    }
}

fn bitbucket(f: &CiFile) -> Judged {
    let pipelines = top(f).map(|d| d.idx("pipelines"));
    if let Some(pr) = pipelines.and_then(|p| p.get("pull-requests")) {
        return Judged::Pass(Finding::at(
            at(&f.path, pr.line),
            "`pull-requests:` pipeline",
        ));
    }
    if let Some(d) = pipelines.and_then(|p| p.get("default")) {
        return Judged::Pass(Finding::at(
            at(&f.path, d.line),
            "`default:` pipeline runs for every pushed branch (Bitbucket's default), pull request branches included",
        ));
    }
    Judged::Fail(
        Finding::at(
            Location::file(&f.path),
            "neither a `pull-requests:` nor a `default:` pipeline: only listed branches/tags are built",
        )
        .with_key("no-pr-pipeline"),
    )
}

/// Drone and Woodpecker: `trigger:`/`when:` event filters.
fn drone_like(f: &CiFile) -> Judged {
    let mut filters: Vec<&Yaml> = Vec::new();
    for d in f.yaml.iter().flatten() {
        d.walk(&mut |n| {
            if let Some(ev) = n.get("event") {
                filters.push(ev);
            }
        });
    }
    let lists_pr = |ev: &Yaml| {
        let mut found = false;
        ev.walk(&mut |n| {
            if n.as_str() == Some("pull_request") {
                found = true;
            }
        });
        found
    };
    if let Some(ev) = filters.iter().find(|e| lists_pr(e)) {
        return Judged::Pass(Finding::at(
            at(&f.path, ev.line),
            "`event` filter includes `pull_request`",
        ));
    }
    match filters.first() {
        None => Judged::Pass(Finding::at(
            Location::file(&f.path),
            "no `event` filter: pipelines run for every event, pull requests included (the system's default)",
        )),
        Some(ev) => Judged::Fail(
            Finding::at(
                at(&f.path, ev.line),
                "`event` filters never include `pull_request`",
            )
            .with_key("event-filter"),
        ),
    }
}

fn tekton(f: &CiFile, text: &str) -> Judged {
    match find_line(text, |l| {
        l.contains("on-event") && l.contains("pull_request")
    }) {
        Some((line, _)) => Judged::Pass(Finding::at(
            at(&f.path, line),
            "Pipelines as Code `on-event` includes `pull_request`",
        )),
        None => Judged::Fail(
            Finding::at(
                Location::file(&f.path),
                "no `pipelinesascode.tekton.dev/on-event` annotation naming `pull_request`",
            )
            .with_key("tekton"),
        ),
    }
}

fn judge(ctx: &Ctx, f: &CiFile, gitlab_done: &mut bool) -> Option<Judged> {
    let default = |what: &str| {
        Some(Judged::Pass(Finding::at(
            Location::file(&f.path),
            format!("{what} builds pull requests by default"),
        )))
    };
    match f.system {
        CiSystem::GithubActions => github(f),
        CiSystem::GitlabCi => {
            // The whole pipeline is judged once, from the root file and its includes.
            if *gitlab_done {
                return None;
            }
            *gitlab_done = true;
            let p = gitlab::pipeline(ctx.facts)?;
            Some(gitlab_verdict(&p))
        }
        CiSystem::AzurePipelines => Some(azure(f)),
        CiSystem::Bitbucket => Some(bitbucket(f)),
        CiSystem::Drone | CiSystem::Woodpecker => Some(drone_like(f)),
        CiSystem::Travis => default("Travis CI"),
        CiSystem::CircleCi => default("CircleCI"),
        CiSystem::Jenkins => default("A Jenkins multibranch pipeline"),
        CiSystem::Buildkite => default("Buildkite (pipeline setting \"Build pull requests\")"),
        CiSystem::Tekton => Some(tekton(f, ctx.text(&f.path).unwrap_or(""))),
        CiSystem::CloudBuild => Some(Judged::Warn(
            Finding::at(
                Location::file(&f.path),
                "Cloud Build triggers are configured outside the repository: check that a pull request trigger exists",
            )
            .with_key("cloud-build"),
        )),
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let files = live_ci_files(ctx);
    if files.is_empty() {
        return Verdict::not_applicable("no CI definition (see delivery/ci-present)");
    }
    let (mut passes, mut warns, mut fails, mut errors) = (vec![], vec![], vec![], vec![]);
    let mut gitlab_done = false;
    for f in &files {
        if let Some(e) = &f.error {
            errors.push(format!("{}: {e}", f.path));
            continue;
        }
        match judge(ctx, f, &mut gitlab_done) {
            Some(Judged::Pass(x)) => passes.push(x),
            Some(Judged::Warn(x)) => warns.push(x),
            Some(Judged::Fail(x)) => fails.push(x),
            None => {}
        }
    }
    if !passes.is_empty() {
        let summary = format!("CI runs on pull requests ({})", passes[0].message);
        return Verdict::pass_with(summary, passes);
    }
    if !warns.is_empty() {
        warns.extend(fails);
        return Verdict::warn("CI may not run on pull requests", warns);
    }
    if fails.is_empty() && !errors.is_empty() {
        return Verdict::error(format!(
            "CI definition(s) could not be parsed: {}",
            errors.join("; ")
        ));
    }
    Verdict::fail("no CI definition runs on pull/merge requests", fails)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn gha(wf: &str) -> Verdict {
        run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)])
    }

    fn line(v: &Verdict) -> Option<u32> {
        v.findings[0].location.as_ref().and_then(|l| l.line)
    }

    #[test]
    fn github_triggers() {
        let v = gha("on:\n  push:\n    branches: [main]\n  pull_request:\njobs: {}\n");
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(line(&v), Some(4));
        assert_eq!(gha("on: [merge_group]\njobs: {}\n").outcome, Outcome::Pass);
        let v = gha("on:\n  push:\n    branches: [main]\njobs: {}\n");
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("triggers: push"));
        let v = gha("on: push\njobs: {}\n");
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(line(&v), Some(1));
        assert_eq!(
            gha("on:\n  push:\n    tags: ['v*']\njobs: {}\n").outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn gitlab_rules_defaults_and_includes() {
        let mr = "workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\ntest:\n  script: [make test]\n";
        let v = run_on_files(&CHECK, &[(".gitlab-ci.yml", mr)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(line(&v), Some(3));
        let default = "test:\n  script: [make test]\n";
        let v = run_on_files(&CHECK, &[(".gitlab-ci.yml", default)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(v.findings[0].message.contains("by default"));
        let main_only = "test:\n  script: [make test]\n  only: [main, tags]\ndeploy:\n  script: [./deploy]\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n";
        let v = run_on_files(&CHECK, &[(".gitlab-ci.yml", main_only)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("test, deploy"));
        // Rules shared with `!reference`.
        let reference = ".mr-rules:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\ntest:\n  script: [make test]\n  rules:\n    - !reference [.mr-rules, rules]\n";
        let v = run_on_files(&CHECK, &[(".gitlab-ci.yml", reference)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(v.findings[0].message.contains("merge request pipelines"));
        // The merge request rule lives in an included template reached through `extends:`.
        let v = run_on_files(
            &CHECK,
            &[
                (
                    ".gitlab-ci.yml",
                    "include:\n  - local: ci/base.yml\ntest:\n  extends: .mr\n  script: [make test]\n",
                ),
                (
                    "ci/base.yml",
                    ".mr:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == 'merge_request_event'\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("ci/base.yml", 3))
        );
    }

    #[test]
    fn other_systems() {
        let v = run_on_files(&CHECK, &[("azure-pipelines.yml", "pr: none\nsteps: []\n")]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(line(&v), Some(1));
        assert_eq!(
            run_on_files(&CHECK, &[("azure-pipelines.yml", "steps: []\n")]).outcome,
            Outcome::Pass
        );
        let bb = "pipelines:\n  branches:\n    main:\n      - step: {script: [make]}\n";
        assert_eq!(
            run_on_files(&CHECK, &[("bitbucket-pipelines.yml", bb)]).outcome,
            Outcome::Fail
        );
        let bb = "pipelines:\n  pull-requests:\n    '**':\n      - step: {script: [make]}\n";
        assert_eq!(
            run_on_files(&CHECK, &[("bitbucket-pipelines.yml", bb)]).outcome,
            Outcome::Pass
        );
        let drone = "kind: pipeline\nsteps: []\ntrigger:\n  event: [push, tag]\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".drone.yml", drone)]).outcome,
            Outcome::Fail
        );
        let drone = "kind: pipeline\nsteps: []\ntrigger:\n  event: [push, pull_request]\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".drone.yml", drone)]).outcome,
            Outcome::Pass
        );
        let v = run_on_files(&CHECK, &[(".travis.yml", "language: go\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert!(v.findings[0].message.contains("by default"));
        assert_eq!(
            run_on_files(&CHECK, &[("cloudbuild.yaml", "steps: []\n")]).outcome,
            Outcome::Warn
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/a.yml", "on: [push\n")]).outcome,
            Outcome::Error
        );
    }
}
