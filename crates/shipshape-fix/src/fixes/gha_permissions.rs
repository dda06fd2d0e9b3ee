//! `gha-permissions`: least-privilege `permissions:` blocks for
//! `delivery/gha-token-permissions`.
//!
//! **Edits** each workflow the check flags for running with the default token (no
//! top-level `permissions:`, and jobs without their own): one fix per workflow,
//! **review** (it changes what the workflow's token may do). The edit only inserts
//! lines; every other byte of the workflow (comments, order, quoting, line ends) is
//! kept.
//!
//! **What each job needs**, inferred from its steps (the parsed workflow of the facts
//! crate; each grant names the step, `file:line`, in the description and in a YAML
//! comment beside it):
//! - `contents: read` always (checkout);
//! - `contents: write`: creating releases or tags, pushing commits
//!   (`softprops/action-gh-release`, `ncipollo/release-action`, GoReleaser,
//!   `gh release create|upload|edit|delete`, `git push`, commit-and-push and gh-pages
//!   actions, release-please, changesets, `peter-evans/create-pull-request`);
//! - `packages: write`: pushing an image to `ghcr.io` (`docker/build-push-action`,
//!   `docker/bake-action` or Depot's with `push` not `false`, GoReleaser, `docker push`,
//!   `buildx … --push`, `docker manifest push`, `podman`/`buildah push`, `ko build`),
//!   when the job logs in to, tags for or names `ghcr.io` (or the workflow does, as an
//!   `env` registry);
//! - `contents: read` is written as the floor even where a job never checks out: it
//!   is what GitHub's own least-privilege examples use, and reading public code grants
//!   nothing new;
//! - `pull-requests: write`: commenting on, labelling or reviewing pull requests
//!   (`gh pr comment|review|edit|merge`, sticky-comment actions, `actions/labeler`,
//!   `actions/github-script` calling those APIs); `issues: write` for issues
//!   (`gh issue …`, `actions/stale`, which needs both);
//! - `id-token: write`: OIDC (`aws-actions/configure-aws-credentials` with
//!   `role-to-assume`, `google-github-actions/auth` with `workload_identity_provider`,
//!   `azure/login` with `client-id`, Depot's actions without a `token`, keyless
//!   `cosign sign`/`attest`, trusted publishing with `pypa/gh-action-pypi-publish`,
//!   `npm publish --provenance`); `actions/attest*` also needs `attestations: write`;
//! - `security-events: write`: uploading SARIF (`github/codeql-action/upload-sarif`,
//!   `…/analyze`, `codeql github upload-results`, `ossf/scorecard-action`);
//! - `pages: write` with `id-token: write`: `actions/deploy-pages`.
//!
//! A job calling a reusable workflow of this repository needs what the called
//! workflow declares (or, when it declares nothing, what its jobs need); a reusable
//! workflow from elsewhere cannot be read offline, so that workflow is left alone and
//! a note says why.
//!
//! **Where the block goes.** When every job needs the same, one top-level block goes
//! above `jobs:` (above the comments that introduce it). When needs differ, the top
//! level gets `contents: read` and each job that needs more gets its own block as its
//! first key (a job's block replaces the top level's, so it repeats `contents`).
//! Jobs that already declare permissions are left alone. Flow-style jobs and
//! workflows whose `jobs:` is not a block at column 0 are noted, not edited.

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::ci::{CiFile, GhaJob, GhaStep, Workflow};
use shipshape_facts::{CiSystem, Facts, Yaml, YamlValue};
use std::collections::BTreeMap;

pub static FIX: FixDef = FixDef {
    check_id: "delivery/gha-token-permissions",
    name: "gha-permissions",
    title: "Add least-privilege `permissions:` to workflows, inferred from what their steps do",
    generate,
};

/// Scopes a job's token needs: scope → (write?, the reasons for the grant).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Needs(BTreeMap<&'static str, (bool, Vec<String>)>);

impl Needs {
    fn base() -> Needs {
        let mut n = Needs::default();
        n.0.insert("contents", (false, Vec::new()));
        n
    }

    fn grant(&mut self, scope: &'static str, write: bool, why: String) {
        let e = self.0.entry(scope).or_insert((write, Vec::new()));
        if write && !e.0 {
            e.0 = true;
            e.1.clear();
        }
        if write == e.0 && !e.1.contains(&why) {
            e.1.push(why);
        }
    }

    fn merge(&mut self, other: &Needs) {
        for (scope, (write, whys)) in &other.0 {
            if whys.is_empty() {
                self.0.entry(scope).or_insert((*write, Vec::new()));
            }
            for w in whys {
                self.grant(scope, *write, w.clone());
            }
        }
    }

    /// The same scopes at the same levels (the reasons aside).
    fn same_grants(&self, other: &Needs) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .all(|(k, (w, _))| other.0.get(k).is_some_and(|(w2, _)| w == w2))
    }

    fn is_base(&self) -> bool {
        self.same_grants(&Needs::base())
    }

    /// `contents` first, then the other scopes by name.
    fn ordered(&self) -> Vec<(&'static str, bool, &[String])> {
        let mut v: Vec<_> = self
            .0
            .iter()
            .map(|(k, (w, r))| (*k, *w, r.as_slice()))
            .collect();
        v.sort_by_key(|(k, _, _)| (*k != "contents", *k));
        v
    }

    /// One line per scope: `scope: level` and, for a grant beyond the default, why.
    fn lines(&self, indent: &str, nl: &str) -> String {
        let mut out = String::new();
        for (scope, write, why) in self.ordered() {
            let level = if write { "write" } else { "read" };
            out.push_str(&format!("{indent}{scope}: {level}"));
            if let Some(first) = why.first() {
                out.push_str(&format!(
                    " # {}",
                    first.rsplit_once(" at ").map_or(first.as_str(), |(w, _)| w)
                ));
            }
            out.push_str(nl);
        }
        out
    }

    fn summary(&self) -> String {
        self.ordered()
            .iter()
            .map(|(scope, write, why)| {
                let level = if *write { "write" } else { "read" };
                if why.is_empty() {
                    format!("{scope}: {level}")
                } else {
                    format!("{scope}: {level} ({})", why.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn action_of(uses: &str) -> String {
    uses.split('@').next().unwrap_or(uses).to_ascii_lowercase()
}

fn with_text(step: &GhaStep, key: &str) -> Option<String> {
    step.with.as_ref()?.get(key)?.scalar_text()
}

fn has_with(step: &GhaStep, key: &str) -> bool {
    with_text(step, key).is_some_and(|v| !v.trim().is_empty())
}

/// True when a shell line runs `cmd` with one of `subs` as its first argument(s)
/// (`gh release create`, `git push`).
fn runs(script: &str, cmd: &str, subs: &[&str]) -> bool {
    matching_line(script, cmd, subs).is_some()
}

/// The first line of `script` that runs `cmd` with one of `subs` (see [`runs`]).
fn matching_line<'s>(script: &'s str, cmd: &str, subs: &[&str]) -> Option<&'s str> {
    script.lines().find(|l| {
        let mut rest: &str = l;
        while let Some(at) = rest.find(cmd) {
            let before = rest[..at].chars().last();
            let after = &rest[at + cmd.len()..];
            rest = after;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '/') {
                continue;
            }
            let args = after.trim_start();
            if after.len() == args.len() && !after.is_empty() {
                continue; // `gitx`: another word
            }
            if subs.is_empty()
                || subs.iter().any(|s| {
                    args.strip_prefix(s)
                        .is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace))
                })
            {
                return true;
            }
        }
        false
    })
}

/// What one job's steps need. `ghcr` is true when the workflow as a whole names ghcr.io.
fn step_needs(
    path: &str,
    text: &str,
    job: &GhaJob,
    triggers: &[String],
    ghcr_in_workflow: bool,
) -> Needs {
    let mut n = Needs::base();
    let on_issues = triggers.iter().any(|t| t.starts_with("issue"));
    let on_prs = triggers.iter().any(|t| t.starts_with("pull_request"));
    // Does the job talk to ghcr.io (login, tags, a command line)?
    let ghcr_in_job = ghcr_in_workflow
        || job.steps.iter().any(|s| {
            s.with.as_ref().is_some_and(|w| {
                let mut found = false;
                w.walk(&mut |y| {
                    if y.as_str().is_some_and(|t| t.contains("ghcr.io")) {
                        found = true;
                    }
                });
                found
            }) || s.run.as_ref().is_some_and(|(r, _)| r.contains("ghcr.io"))
        });
    for step in &job.steps {
        if let Some((uses, line)) = &step.uses {
            let at = format!("{}:{line}", step.file(path));
            let a = action_of(uses);
            let why = |what: &str| format!("{what} at {at}");
            match a.as_str() {
                "softprops/action-gh-release"
                | "ncipollo/release-action"
                | "actions/create-release"
                | "actions/upload-release-asset"
                | "svenstaro/upload-release-action" => {
                    n.grant("contents", true, why(&format!("{a} publishes a release")));
                }
                "goreleaser/goreleaser-action" => {
                    let snapshot =
                        with_text(step, "args").is_some_and(|a| a.contains("--snapshot"));
                    if !snapshot {
                        n.grant("contents", true, why(&format!("{a} publishes a release")));
                    }
                    // GoReleaser pushes the images its config names; a job that logs in
                    // to ghcr.io is there to push to it.
                    if ghcr_in_job {
                        n.grant(
                            "packages",
                            true,
                            why(&format!("{a} pushes images to ghcr.io")),
                        );
                    }
                }
                "stefanzweifel/git-auto-commit-action"
                | "endbug/add-and-commit"
                | "ad-m/github-push-action"
                | "jamesives/github-pages-deploy-action"
                | "peaceiris/actions-gh-pages" => {
                    n.grant("contents", true, why(&format!("{a} pushes commits")));
                }
                "peter-evans/create-pull-request"
                | "googleapis/release-please-action"
                | "google-github-actions/release-please-action"
                | "changesets/action"
                | "release-drafter/release-drafter" => {
                    n.grant(
                        "contents",
                        true,
                        why(&format!("{a} pushes a branch or release")),
                    );
                    n.grant(
                        "pull-requests",
                        true,
                        why(&format!("{a} opens or edits a pull request")),
                    );
                }
                "marocchino/sticky-pull-request-comment"
                | "thollander/actions-comment-pull-request"
                | "mshick/add-pr-comment"
                | "actions/labeler" => {
                    n.grant(
                        "pull-requests",
                        true,
                        why(&format!("{a} comments on or labels pull requests")),
                    );
                }
                "peter-evans/create-or-update-comment" => {
                    if on_issues || !on_prs {
                        n.grant("issues", true, why(&format!("{a} comments on issues")));
                    }
                    if on_prs || !on_issues {
                        n.grant(
                            "pull-requests",
                            true,
                            why(&format!("{a} comments on pull requests")),
                        );
                    }
                }
                "actions/stale" => {
                    n.grant(
                        "issues",
                        true,
                        why("actions/stale labels and closes issues"),
                    );
                    n.grant(
                        "pull-requests",
                        true,
                        why("actions/stale labels and closes pull requests"),
                    );
                }
                "aws-actions/configure-aws-credentials" if has_with(step, "role-to-assume") => {
                    n.grant(
                        "id-token",
                        true,
                        why("aws-actions/configure-aws-credentials assumes a role through OIDC"),
                    );
                }
                "google-github-actions/auth" if has_with(step, "workload_identity_provider") => {
                    n.grant(
                        "id-token",
                        true,
                        why("google-github-actions/auth uses workload identity federation (OIDC)"),
                    );
                }
                "azure/login" if has_with(step, "client-id") && !has_with(step, "creds") => {
                    n.grant("id-token", true, why("azure/login signs in through OIDC"));
                }
                "pypa/gh-action-pypi-publish" if !has_with(step, "password") => {
                    n.grant(
                        "id-token",
                        true,
                        why("pypa/gh-action-pypi-publish uses trusted publishing (OIDC)"),
                    );
                }
                "actions/attest-build-provenance" | "actions/attest" | "actions/attest-sbom" => {
                    n.grant(
                        "id-token",
                        true,
                        why(&format!("{a} signs an attestation (OIDC)")),
                    );
                    n.grant(
                        "attestations",
                        true,
                        why(&format!("{a} records an attestation")),
                    );
                }
                "github/codeql-action/upload-sarif" | "github/codeql-action/analyze" => {
                    n.grant(
                        "security-events",
                        true,
                        why(&format!("{a} uploads code-scanning results")),
                    );
                    if a.ends_with("/analyze") {
                        n.grant(
                            "actions",
                            false,
                            why("github/codeql-action/analyze reads the workflow run"),
                        );
                    }
                }
                "ossf/scorecard-action" => {
                    n.grant(
                        "security-events",
                        true,
                        why("ossf/scorecard-action uploads SARIF"),
                    );
                    n.grant(
                        "id-token",
                        true,
                        why("ossf/scorecard-action publishes results (OIDC)"),
                    );
                }
                "actions/deploy-pages" => {
                    n.grant(
                        "pages",
                        true,
                        why("actions/deploy-pages deploys to GitHub Pages"),
                    );
                    n.grant(
                        "id-token",
                        true,
                        why("actions/deploy-pages verifies the deployment (OIDC)"),
                    );
                }
                "depot/setup-action" | "depot/build-push-action" | "depot/bake-action"
                    if !has_with(step, "token") =>
                {
                    n.grant(
                        "id-token",
                        true,
                        why(&format!("{a} authenticates to Depot through OIDC")),
                    );
                    if a != "depot/setup-action" {
                        let push = with_text(step, "push").is_some_and(|p| p.trim() != "false");
                        if push && ghcr_in_job {
                            n.grant(
                                "packages",
                                true,
                                why(&format!("{a} pushes an image to ghcr.io")),
                            );
                        }
                    }
                }
                "actions/download-artifact" if has_with(step, "run-id") => {
                    n.grant(
                        "actions",
                        false,
                        why("actions/download-artifact reads another run's artifacts"),
                    );
                }
                "docker/build-push-action"
                | "depot/build-push-action"
                | "docker/bake-action"
                | "depot/bake-action"
                | "redhat-actions/push-to-registry" => {
                    let push = a == "redhat-actions/push-to-registry"
                        || with_text(step, "push").is_some_and(|p| p.trim() != "false");
                    if push && ghcr_in_job {
                        n.grant(
                            "packages",
                            true,
                            why(&format!("{a} pushes an image to ghcr.io")),
                        );
                    }
                }
                "actions/github-script" => {
                    let script = with_text(step, "script").unwrap_or_default();
                    github_script(&script, on_issues, on_prs, &mut n, &why);
                }
                _ => {}
            }
        }
        if let Some((script, line)) = &step.run {
            let s = script.as_str();
            // A composite action's step is in its `action.yml`: cited at its `run:` line.
            let file = step.file(path);
            let text = if step.composite.is_some() { "" } else { text };
            // The file line of a script line: searched from the step's `run:` on.
            let line_of = |l: &str| -> u32 {
                let from = (*line as usize).saturating_sub(2);
                text.lines()
                    .enumerate()
                    .skip(from)
                    .find(|(_, t)| t.trim() == l.trim())
                    .map_or(*line, |(i, _)| i as u32 + 1)
            };
            let why = |l: &str| {
                let shown: String = l.trim().chars().take(60).collect();
                format!("`{shown}` at {file}:{}", line_of(l))
            };
            let mut grant = |scope: &'static str, write: bool, hit: Option<&str>| {
                if let Some(l) = hit {
                    n.grant(scope, write, why(l));
                }
            };
            let release = matching_line(s, "gh release", &["create", "upload", "edit", "delete"])
                .or_else(|| matching_line(s, "git push", &[]))
                .or_else(|| matching_line(s, "goreleaser", &["release"]))
                .or_else(|| matching_line(s, "gh pr", &["create", "merge"]));
            grant("contents", true, release);
            let prs = matching_line(
                s,
                "gh pr",
                &[
                    "comment", "review", "edit", "close", "ready", "create", "merge",
                ],
            );
            grant("pull-requests", true, prs);
            grant(
                "issues",
                true,
                matching_line(
                    s,
                    "gh issue",
                    &["comment", "create", "edit", "close", "reopen"],
                ),
            );
            let push = matching_line(s, "docker push", &[])
                .or_else(|| matching_line(s, "docker manifest push", &[]))
                .or_else(|| matching_line(s, "podman push", &[]))
                .or_else(|| matching_line(s, "buildah push", &[]))
                .or_else(|| matching_line(s, "ko", &["build", "publish", "resolve"]))
                .or_else(|| matching_line(s, "docker buildx imagetools", &["create"]))
                .or_else(|| {
                    s.contains("--push")
                        .then(|| matching_line(s, "docker buildx", &["build", "bake"]))
                        .flatten()
                });
            // Prefer the line that names ghcr.io when several push.
            let push = s
                .lines()
                .find(|l| l.contains("ghcr.io") && runs(l, "docker push", &[]))
                .or(push);
            if ghcr_in_job {
                grant("packages", true, push);
            }
            let keyless = s.lines().find(|l| {
                runs(l, "cosign", &["sign", "attest", "sign-blob", "attest-blob"])
                    && !l.contains("--key")
            });
            grant("id-token", true, keyless);
            let provenance =
                matching_line(s, "npm publish", &[]).filter(|l| l.contains("--provenance"));
            grant("id-token", true, provenance);
            let sarif = matching_line(s, "codeql github", &["upload-results"]).or_else(|| {
                s.contains("--upload")
                    .then(|| matching_line(s, "codeql database", &["analyze"]))
                    .flatten()
            });
            grant("security-events", true, sarif);
        }
    }
    n
}

/// What an `actions/github-script` script writes through the REST API.
fn github_script(
    script: &str,
    on_issues: bool,
    on_prs: bool,
    n: &mut Needs,
    why: &dyn Fn(&str) -> String,
) {
    let has = |needles: &[&str]| needles.iter().any(|x| script.contains(x));
    if has(&[
        "issues.createComment",
        "issues.addLabels",
        "issues.removeLabel",
        "issues.update",
        "issues.setLabels",
        "issues.addAssignees",
    ]) {
        if on_issues || !on_prs {
            n.grant(
                "issues",
                true,
                why("actions/github-script writes to issues"),
            );
        }
        if on_prs || !on_issues {
            n.grant(
                "pull-requests",
                true,
                why("actions/github-script writes to pull requests"),
            );
        }
    }
    if has(&["issues.create(", "issues.lock"]) {
        n.grant("issues", true, why("actions/github-script creates issues"));
    }
    if has(&[
        "pulls.createReview",
        "pulls.update",
        "pulls.requestReviewers",
        "pulls.create(",
        "pulls.merge",
    ]) {
        n.grant(
            "pull-requests",
            true,
            why("actions/github-script writes to pull requests"),
        );
    }
    if has(&[
        "repos.createRelease",
        "repos.updateRelease",
        "repos.uploadReleaseAsset",
        "git.createRef",
        "git.createTag",
        "repos.createOrUpdateFileContents",
        "pulls.merge",
    ]) {
        n.grant(
            "contents",
            true,
            why("actions/github-script writes releases, tags or commits"),
        );
    }
}

/// The grants a permissions value declares (`{contents: read, …}`, `read-all`, `{}`).
fn declared(p: &Yaml, at: &str) -> Result<Needs, String> {
    match &p.value {
        YamlValue::Map(entries) => {
            let mut n = Needs::default();
            for (k, v) in entries {
                let scope = SCOPES
                    .iter()
                    .find(|s| **s == k.as_str())
                    .ok_or_else(|| format!("{at}: unknown permission scope `{k}`"))?;
                match v.as_str() {
                    Some("write") => n.grant(scope, true, format!("declared by {at}")),
                    Some("read") => n.grant(scope, false, format!("declared by {at}")),
                    _ => {}
                }
            }
            Ok(n)
        }
        YamlValue::Str(s) if s == "read-all" || s == "write-all" => Err(format!(
            "{at} declares `permissions: {s}`, which a least-privilege block cannot name scope by scope"
        )),
        _ => Ok(Needs::default()),
    }
}

/// The permission scopes GitHub knows.
const SCOPES: &[&str] = &[
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];

fn workflow_file<'a>(facts: &'a Facts, path: &str) -> Option<&'a CiFile> {
    facts
        .ci_files()
        .iter()
        .find(|c| c.path == path && c.system == CiSystem::GithubActions)
}

/// What a job needs: its steps', or the reusable workflow's it calls.
fn job_needs(facts: &Facts, w: &Workflow, job: &GhaJob, depth: u8) -> Result<Needs, String> {
    let text = facts.text(&w.path).unwrap_or("");
    if let Some((uses, line)) = &job.uses {
        let Some(local) = uses.strip_prefix("./") else {
            return Err(format!(
                "{}:{line}: job `{}` calls the reusable workflow `{uses}`, whose permissions cannot be read offline",
                w.path, job.id
            ));
        };
        let local = local.split('@').next().unwrap_or(local);
        let called = workflow_file(facts, local)
            .and_then(|c| c.workflow.as_ref())
            .ok_or_else(|| {
                format!(
                    "{}:{line}: job `{}` calls `{uses}`, which is not a parsed workflow here",
                    w.path, job.id
                )
            })?;
        if depth > 3 {
            return Err(format!(
                "{}:{line}: reusable workflows nest too deep",
                w.path
            ));
        }
        let mut n = Needs::base();
        if let Some(p) = &called.permissions {
            n.merge(&declared(p, &format!("{}:{}", called.path, p.line))?);
            return Ok(n);
        }
        for j in &called.jobs {
            match &j.permissions {
                Some(p) => n.merge(&declared(p, &format!("{}:{}", called.path, p.line))?),
                None => n.merge(&job_needs(facts, called, j, depth + 1)?),
            }
        }
        return Ok(n);
    }
    let triggers: Vec<String> = w.triggers.iter().map(|(t, _)| t.clone()).collect();
    Ok(step_needs(
        &w.path,
        text,
        job,
        &triggers,
        text.contains("ghcr.io"),
    ))
}

/// Each line of `text` with its start offset, line ends kept.
fn lines_of(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        out.push((at, l));
        at += l.len();
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The edits giving `w` its permissions, and the description of the grants.
pub(crate) fn plan(
    facts: &Facts,
    ci: &CiFile,
    w: &Workflow,
) -> Result<(Vec<FileEdit>, String), String> {
    let path = &w.path;
    let text = facts
        .text(path)
        .ok_or_else(|| format!("{path}: text not kept"))?;
    let doc = ci
        .yaml
        .as_ref()
        .and_then(|d| d.first())
        .ok_or_else(|| format!("{path}: not parsed"))?;
    let jobs_node = doc
        .get("jobs")
        .filter(|j| matches!(j.value, YamlValue::Map(_)))
        .ok_or_else(|| format!("{path}: no `jobs:` mapping to add permissions above"))?;
    let lines = lines_of(text);
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let jobs_line = jobs_node.key_line as usize;
    let key_text = lines.get(jobs_line.wrapping_sub(1)).map_or("", |(_, l)| *l);
    if !(key_text.starts_with("jobs:")
        || key_text.starts_with("\"jobs\":")
        || key_text.starts_with("'jobs':"))
        || jobs_node.line as usize == jobs_line
    {
        return Err(format!(
            "{path}:{jobs_line}: `jobs:` is not a block mapping at the start of a line; add `permissions:` by hand"
        ));
    }
    let unit = lines
        .get(jobs_node.line as usize - 1)
        .map_or(2, |(_, l)| indent_of(l))
        .max(1);
    let mut needs: Vec<(&GhaJob, Needs)> = Vec::new();
    for j in w.jobs.iter().filter(|j| j.permissions.is_none()) {
        needs.push((j, job_needs(facts, w, j, 0)?));
    }
    if needs.is_empty() {
        return Err(format!("{path}: every job declares its permissions"));
    }
    let all_same = needs.windows(2).all(|p| p[0].1.same_grants(&p[1].1));
    let top = if all_same {
        let mut top = Needs::base();
        for (_, n) in &needs {
            top.merge(n);
        }
        top
    } else {
        Needs::base()
    };
    let mut edits = Vec::new();
    if let Some(p) = w
        .permissions
        .as_ref()
        .filter(|p| p.as_str() == Some("write-all"))
    {
        // `permissions: write-all` on its own line: the value becomes the block.
        let (start, line) = lines
            .get((p.line as usize).wrapping_sub(1))
            .copied()
            .unwrap_or((0, ""));
        let value_end = line.find("write-all").map(|i| i + "write-all".len());
        let Some(end) = value_end.filter(|_| line.starts_with("permissions:")) else {
            return Err(format!(
                "{path}:{}: `permissions: write-all` is not a plain top-level line; narrow it by hand",
                p.line
            ));
        };
        let block = top.lines(&" ".repeat(unit), nl);
        let block = block.strip_suffix(nl).unwrap_or(&block);
        edits.push(FileEdit::replace(
            path,
            text,
            start..start + end,
            format!("permissions:{nl}{block}"),
        ));
    } else {
        // Top level: above `jobs:` and the comment lines directly above it.
        let mut at_line = jobs_line - 1; // 0-based index of the `jobs:` line
        while at_line > 0 && lines[at_line - 1].1.starts_with('#') {
            at_line -= 1;
        }
        let blank_before = at_line == 0 || is_blank(lines[at_line - 1].1);
        let mut block = format!("permissions:{nl}{}", top.lines(&" ".repeat(unit), nl));
        if blank_before {
            block.push_str(nl);
        }
        edits.push(FileEdit::insert(path, text, lines[at_line].0, block));
    }
    let mut described = vec![format!("top level {}", top.summary())];
    if !all_same {
        for (job, n) in &needs {
            if n.is_base() {
                continue;
            }
            let node = jobs_node
                .get(&job.id)
                .filter(|j| matches!(j.value, YamlValue::Map(_)) && j.line != j.key_line)
                .ok_or_else(|| {
                    format!(
                        "{path}: job `{}` is not a block mapping; add its `permissions:` by hand",
                        job.id
                    )
                })?;
            let child = lines
                .get(node.line as usize - 1)
                .map_or(unit * 2, |(_, l)| indent_of(l));
            let after_key = node.key_line as usize; // 0-based index of the line after the key
            let Some((start, _)) = lines.get(after_key) else {
                return Err(format!("{path}: job `{}` ends the file", job.id));
            };
            let block = format!(
                "{}permissions:{nl}{}",
                " ".repeat(child),
                n.lines(&" ".repeat(child + unit), nl)
            );
            edits.push(FileEdit::insert(path, text, *start, block));
            described.push(format!("job `{}` {}", job.id, n.summary()));
        }
    }
    Ok((edits, described.join("; ")))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    // Workflows running with the default token, and those granting `write-all` at the
    // top level (key `write-all`; a job's is `JOB:write-all`).
    let mut paths: Vec<&str> = ctx
        .result
        .findings
        .iter()
        .filter(|f| {
            f.key
                .as_deref()
                .is_some_and(|k| k.ends_with("no-permissions") || k == "write-all")
        })
        .filter_map(|f| f.location.as_ref().map(|l| l.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    for f in ctx
        .result
        .findings
        .iter()
        .filter(|f| f.key.as_deref().is_some_and(|k| k.ends_with(":write-all")))
    {
        if let Some(l) = &f.location {
            ctx.note(format!(
                "{}:{}: a job's `write-all` is left for a person to narrow: the fix only writes top-level and missing blocks",
                l.path,
                l.line.unwrap_or(0)
            ));
        }
    }
    let mut out = Vec::new();
    for path in paths {
        let Some(ci) = workflow_file(ctx.facts, path) else {
            continue;
        };
        let Some(w) = ci.workflow.as_ref() else {
            continue;
        };
        match plan(ctx.facts, ci, w) {
            Ok((edits, described)) => {
                let verb = if w.permissions.is_some() {
                    "replace `permissions: write-all` by least privilege in"
                } else {
                    "add least-privilege `permissions:` to"
                };
                out.push(ctx.fix(
                    Applicability::Review,
                    format!("{verb} {path}: {described}"),
                    edits,
                ));
            }
            Err(why) => ctx.note(why),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{applied, facts, fixes_for, run_fix};
    use shipshape_model::Outcome;

    const WF: &str = ".github/workflows/ci.yml";

    fn fix_one(wf: &str) -> (Vec<Fix>, Vec<String>, String) {
        let files = [(WF, wf)];
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        let out = applied(&files, &fixes);
        let new = out.iter().find(|(p, _)| p == WF).unwrap().1.clone();
        (fixes, notes, new)
    }

    fn jobs(text: &str) -> Vec<String> {
        let d = shipshape_facts::parse_document(text).expect("valid YAML");
        d.idx("jobs")
            .entries()
            .iter()
            .map(|(k, _)| k.to_string())
            .collect()
    }

    fn passes(text: &str) -> bool {
        fixes_for(
            &FIX,
            &facts(&[(WF.to_string(), text.to_string())]),
            &Inputs::default(),
        )
        .0 == Outcome::Pass
    }

    /// Undo insert-only edits: the input comes back byte for byte.
    fn revert(new: &str, fixes: &[Fix]) -> String {
        let mut edits: Vec<(usize, usize)> = fixes
            .iter()
            .flat_map(|f| &f.edits)
            .map(|e| match e {
                FileEdit::Replace {
                    start,
                    end,
                    original,
                    replacement,
                    ..
                } => {
                    assert_eq!((start, original.as_str()), (end, ""), "insert-only");
                    (*start, replacement.len())
                }
                FileEdit::Create { .. } => panic!("an edit"),
            })
            .collect();
        edits.sort();
        // Front to back: once the earlier insertions are gone, a later one sits at its
        // original offset.
        let mut out = new.to_string();
        for (start, len) in edits {
            out.replace_range(start..start + len, "");
        }
        out
    }

    #[test]
    fn read_only_ci_gets_contents_read_above_its_commented_jobs() {
        let wf = "name: CI\non: [push, pull_request]\n\n# The jobs\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n";
        let (fixes, _, new) = fix_one(wf);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].applicability, Applicability::Review);
        assert_eq!(
            new,
            "name: CI\non: [push, pull_request]\n\npermissions:\n  contents: read\n\n# The jobs\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n"
        );
        assert!(passes(&new));
    }

    #[test]
    fn a_release_job_gets_its_own_block_naming_the_step() {
        let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n    build:\n        runs-on: ubuntu-latest\n        steps:\n            - run: make\n    release:\n        # publish\n        runs-on: ubuntu-latest\n        steps:\n            - uses: softprops/action-gh-release@v2\n            - name: image\n              uses: docker/build-push-action@v6\n              with:\n                  push: true\n                  tags: ghcr.io/acme/app:latest\n";
        let (fixes, _, new) = fix_one(wf);
        let d = &fixes[0].description;
        assert!(d.contains("contents: write (softprops/action-gh-release publishes a release at .github/workflows/ci.yml:13)"), "{d}");
        assert!(d.contains("packages: write (docker/build-push-action pushes an image to ghcr.io at .github/workflows/ci.yml:15)"), "{d}");
        assert!(new.contains("jobs:\n    build:"), "{new}");
        assert!(
            new.starts_with(
                "on:\n  push:\n    tags: ['v*']\npermissions:\n    contents: read\njobs:\n"
            ),
            "{new}"
        );
        assert!(
            new.contains("    release:\n        permissions:\n            contents: write # softprops/action-gh-release publishes a release\n            packages: write # docker/build-push-action pushes an image to ghcr.io\n        # publish\n"),
            "{new}"
        );
        assert_eq!(jobs(&new), ["build", "release"]);
        assert!(passes(&new));
        assert_eq!(revert(&new, &fixes), wf);
    }

    #[test]
    fn the_same_needs_everywhere_go_to_the_top_level() {
        let wf = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/deploy-pages@v4\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/deploy-pages@v4\n";
        let (_, _, new) = fix_one(wf);
        assert!(new.contains("permissions:\n  contents: read\n  id-token: write # actions/deploy-pages verifies the deployment (OIDC)\n  pages: write # actions/deploy-pages deploys to GitHub Pages\njobs:"), "{new}");
        assert!(passes(&new));
    }

    #[test]
    fn oidc_sarif_stale_and_shell_lines() {
        let wf = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::1:role/x\n      - uses: github/codeql-action/upload-sarif@v3\n      - run: |\n          echo hi\n          gh release create v1 dist/*\n          cosign sign ghcr.io/a/b@sha256:1\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/stale@v9\n      - run: git pushd x # not a push\n";
        let (fixes, _, new) = fix_one(wf);
        let d = &fixes[0].description;
        assert!(d.contains("job `a` contents: write (`gh release create v1 dist/*` at .github/workflows/ci.yml:12)"), "{d}");
        assert!(d.contains("id-token: write (aws-actions/configure-aws-credentials assumes a role through OIDC at .github/workflows/ci.yml:6; `cosign sign ghcr.io/a/b@sha256:1` at .github/workflows/ci.yml:13)"), "{d}");
        assert!(d.contains("security-events: write"), "{d}");
        assert!(!d.contains("packages"), "cosign sign is not a push: {d}");
        assert!(d.contains("job `b` contents: read, issues: write"), "{d}");
        assert!(!d.contains("git push"), "{d}");
        assert!(passes(&new));
        assert_eq!(revert(&new, &fixes), wf);
    }

    #[test]
    fn jobs_with_permissions_are_left_alone_and_remote_reusable_workflows_are_noted() {
        let wf = "on: push\njobs:\n  a:\n    permissions: {}\n    runs-on: x\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n";
        let (_, _, new) = fix_one(wf);
        assert!(new.contains("  a:\n    permissions: {}\n"), "{new}");
        assert!(passes(&new));
        let wf =
            "on: push\njobs:\n  call:\n    uses: acme/shared/.github/workflows/release.yml@v1\n";
        let files = [(WF, wf)];
        let (_, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("cannot be read offline"), "{notes:?}");
        // A local reusable workflow: what it declares.
        let called =
            "on: workflow_call\npermissions:\n  contents: write\njobs:\n  r:\n    runs-on: x\n";
        let files = [
            (
                WF,
                "on: push\njobs:\n  call:\n    uses: ./.github/workflows/r.yml\n",
            ),
            (".github/workflows/r.yml", called),
        ];
        let (_, fixes, _) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(
            fixes[0]
                .description
                .contains("contents: write (declared by .github/workflows/r.yml:3)"),
            "{}",
            fixes[0].description
        );
        // One that declares nothing: what its steps need (a Depot build pushing to ghcr.io).
        let called = "on: workflow_call\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n      - uses: depot/build-push-action@v1\n        with:\n          push: true\n";
        let caller = "on: release\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: make test\n  build:\n    uses: ./.github/workflows/b.yml\n";
        let files = [(WF, caller), (".github/workflows/b.yml", called)];
        let (_, fixes, _) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        let ci = fixes.iter().find(|f| f.description.contains(WF)).unwrap();
        assert!(
            ci.description.contains("job `build` contents: read, id-token: write (depot/build-push-action authenticates to Depot through OIDC at .github/workflows/b.yml:9), packages: write (depot/build-push-action pushes an image to ghcr.io at .github/workflows/b.yml:9)"),
            "{}",
            ci.description
        );
        let out = applied(&files, &fixes);
        let new = &out.iter().find(|(p, _)| p == WF).unwrap().1;
        assert!(
            new.contains("  build:\n    permissions:\n      contents: read\n      id-token: write"),
            "{new}"
        );
    }

    #[test]
    fn top_level_write_all_becomes_what_the_steps_need() {
        let wf = "on:\n  push:\n    tags: ['v*']\n\npermissions: write-all # too much\n\njobs:\n  goreleaser:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --clean\n";
        let (fixes, _, new) = fix_one(wf);
        assert!(
            fixes[0]
                .description
                .starts_with("replace `permissions: write-all` by least privilege in"),
            "{}",
            fixes[0].description
        );
        assert_eq!(
            new,
            "on:\n  push:\n    tags: ['v*']\n\npermissions:\n  contents: write # goreleaser/goreleaser-action publishes a release\n  packages: write # goreleaser/goreleaser-action pushes images to ghcr.io # too much\n\njobs:\n  goreleaser:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --clean\n"
        );
        assert!(passes(&new));
        // A job's own `write-all` is noted, not rewritten.
        let wf =
            "on: push\npermissions: {}\njobs:\n  a:\n    permissions: write-all\n    runs-on: x\n";
        let files = [(WF, wf)];
        let (_, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("a job's `write-all`"), "{notes:?}");
    }

    #[test]
    fn crlf_and_flow_jobs() {
        let wf = "on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n";
        let (_, _, new) = fix_one(wf);
        assert_eq!(
            new,
            "on: push\r\npermissions:\r\n  contents: read\r\njobs:\r\n  a:\r\n    runs-on: x\r\n"
        );
        let wf = "on: push\njobs: {a: {runs-on: x}}\n";
        let files = [(WF, wf)];
        let (_, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert!(fixes.is_empty());
        assert!(notes[0].contains("by hand"), "{notes:?}");
    }

    mod property {
        use super::*;
        use proptest::prelude::*;

        fn step() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "- uses: actions/checkout@v4\n",
                "- run: cargo test\n",
                "- uses: softprops/action-gh-release@v2\n",
                "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/a/b\n",
                "- run: |\n    git tag v1\n    git push --tags\n",
                "- uses: actions/deploy-pages@v4\n",
                "- uses: github/codeql-action/analyze@v3\n",
                "# a comment\n- run: echo \"jobs:\"\n",
                "- uses: marocchino/sticky-pull-request-comment@v2\n",
            ])
        }

        fn job() -> impl Strategy<Value = (Vec<&'static str>, bool, bool)> {
            (
                prop::collection::vec(step(), 1..4),
                any::<bool>(),
                any::<bool>(),
            )
        }

        fn render(
            header_comment: bool,
            blank: bool,
            indent: usize,
            jobs: &[(Vec<&str>, bool, bool)],
        ) -> String {
            let pad = " ".repeat(indent);
            let mut s = String::from("name: gen # keep\non:\n  push:\n");
            if blank {
                s.push('\n');
            }
            if header_comment {
                s.push_str("# jobs below\n");
            }
            s.push_str("jobs:\n");
            for (i, (steps, comment, own)) in jobs.iter().enumerate() {
                s.push_str(&format!("{pad}job{i}:\n"));
                if *comment {
                    s.push_str(&format!("{pad}{pad}# why this job\n"));
                }
                if *own {
                    s.push_str(&format!("{pad}{pad}permissions: {{}}\n"));
                }
                s.push_str(&format!(
                    "{pad}{pad}runs-on: ubuntu-latest\n{pad}{pad}steps:\n"
                ));
                for st in steps {
                    for l in st.lines() {
                        s.push_str(&format!("{pad}{pad}{pad}{l}\n"));
                    }
                }
                if i % 2 == 1 {
                    s.push('\n');
                }
            }
            s
        }

        proptest! {
            /// Applying the fix keeps every byte of the input (reverting the inserted
            /// lines gives it back), parses, keeps the jobs and passes the check.
            #[test]
            fn insertions_only_valid_yaml_same_jobs_passing(
                header in any::<bool>(),
                blank in any::<bool>(),
                indent in prop::sample::select(vec![2usize, 4]),
                jobs_spec in prop::collection::vec(job(), 1..4),
            ) {
                let wf = render(header, blank, indent, &jobs_spec);
                let files = [(WF, wf.as_str())];
                let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
                if jobs_spec.iter().all(|j| j.2) {
                    prop_assert_eq!(before, Outcome::Pass);
                    return Ok(());
                }
                prop_assert_eq!(before, Outcome::Fail);
                prop_assert_eq!(fixes.len(), 1, "{:?}", notes);
                let out = applied(&files, &fixes);
                let new = &out.iter().find(|(p, _)| p == WF).unwrap().1;
                prop_assert_eq!(revert(new, &fixes), wf.clone());
                prop_assert_eq!(jobs(new), jobs(&wf));
                prop_assert!(passes(new), "{}", new);
            }
        }
    }
}
