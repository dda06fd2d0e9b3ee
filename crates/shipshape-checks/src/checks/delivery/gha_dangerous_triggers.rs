//! `delivery/gha-dangerous-triggers`: no "pwn request" checkouts and no script injection
//! from untrusted event fields in GitHub Actions.

use super::gha;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::ci::{GhaStep, Workflow};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/gha-dangerous-triggers",
        title: "GitHub Actions do not run untrusted pull request code or input with privileges",
        area: Area::Delivery,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "units built with GitHub Actions",
        rationale: "`pull_request_target`, `workflow_run` and `issue_comment` run with the base repository's secrets and a write token. Checking out the pull request's head there runs an attacker's code with those privileges (a \"pwn request\"). Interpolating titles, bodies, branch names or commit messages into a `run:` script lets anyone who can open an issue or a pull request inject shell commands.",
        evaluation: "Fails for each step of a workflow triggered by `pull_request_target`, `workflow_run` or `issue_comment` (a comment command on a pull request) that checks out the pull request head: `actions/checkout` with a `ref:` naming `github.event.pull_request.head.*`, `github.head_ref`, `github.event.workflow_run.head_*`, a `refs/pull/` ref, the PR's merge commit, or an earlier step's output that holds the head (named for it, or set by a step that looks the pull request's head up), or with the fork as `repository:`; or a `run:` doing `gh pr checkout` or fetching `pull/*` — in the workflow's own steps or in a workflow of this repository that one of its jobs calls (`uses: ./.github/workflows/x.yml`, followed through further local calls), which runs with the caller's privileges. A job whose `if:` requires the pull request's author to be a bot (`github.event.pull_request.user.login == 'dependabot[bot]'`) is exempt: only that bot can author such a pull request (`github.actor` checks are not accepted, as the actor can differ from the author); so is an `issue_comment` job whose `if:` admits only comments whose `author_association` is the repository's owner, members or collaborators, or whose earlier step asks the API for the commenter's collaborator permission (and stops the job), and one whose `if:` lets through only heads of this repository (each `||` alternative compares `head_repository.full_name` or `head.repo.full_name` with `github.repository`, or requires the triggering run not to be a pull request). Fails for each `run:` (any trigger) and each `actions/github-script` `script:` that interpolates an attacker-controlled field with `${{ }}`: `github.head_ref`, issue/PR/discussion title and body, comment and review bodies, `pull_request.head.ref/label`, commit messages and author names/e-mails, `workflow_run.head_branch/display_title`, page names, and a step's `body`/`title` output (a pull request's text passed on); an expression that can only be a boolean (a comparison, `contains`/`startsWith`/`endsWith`, a negation) is not an injection, nor is a field of an event that cannot trigger the workflow (`workflow_run.head_branch` without a `workflow_run` trigger, an issue title without `issues`/`issue_comment`: always empty there; a reusable workflow takes its caller's events, so every field counts in one). Passing such values through `env:` and quoting the variable is safe and not flagged. Evidence is the line of the step or of the interpolation. `n/a` without workflows; `error` when no workflow parses.",
        remediation: "Use `pull_request` (no secrets) to build and test pull requests; if `pull_request_target` is needed, never check out or run the head's code in it. Pass untrusted values through environment variables: `env: TITLE: ${{ github.event.issue.title }}` then `run: echo \"$TITLE\"`.",
        references: &[
            "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
            "https://securitylab.github.com/resources/github-actions-untrusted-input/",
            "https://docs.github.com/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
        ],
    },
    run,
};

fn pr_head_ref(s: &str) -> bool {
    let s = s.replace(' ', "");
    [
        "github.event.pull_request.head.",
        "github.head_ref",
        "github.event.workflow_run.head_",
        "refs/pull/",
        "github.event.pull_request.merge_commit_sha",
    ]
    .iter()
    .any(|n| s.contains(n))
}

/// What a step runs: its `actions/github-script` `script:`, else its `run:` (empty for
/// neither).
fn step_script(step: &GhaStep) -> String {
    step.with
        .as_ref()
        .and_then(|w| w.get("script"))
        .and_then(|v| v.scalar_text())
        .or_else(|| step.run.as_ref().map(|(r, _)| r.clone()))
        .unwrap_or_default()
}

/// True when `expr` names an output of an earlier step of the job that holds the pull
/// request's head: `${{ steps.pr.outputs.head_sha }}` where step `pr` looked the pull
/// request up (stakater/Reloader's `/loadtest` comment workflow: an `actions/github-script`
/// step that sets `head_sha` from `pulls.get`), or an output named for the head.
fn head_from_step_output(expr: &str, steps: &[GhaStep]) -> bool {
    let e = expr.replace(' ', "");
    let mut rest = e.as_str();
    while let Some(i) = rest.find("steps.") {
        let after = &rest[i + 6..];
        let (id, tail) = after.split_once(".outputs.").unwrap_or((after, ""));
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let named_head = name.to_ascii_lowercase().contains("head");
        let looks_up_head = steps
            .iter()
            .filter(|s| s.id.as_deref() == Some(id))
            .any(|s| {
                let script = step_script(s);
                [
                    "head.sha",
                    "head.ref",
                    "headRefOid",
                    "headRefName",
                    "refs/pull/",
                ]
                .iter()
                .any(|n| script.contains(n))
            });
        if named_head || looks_up_head {
            return true;
        }
        rest = after;
    }
    false
}

/// Why a step checks out the pull request's head, if it does; `steps` are the job's.
fn checks_out_head(step: &GhaStep, steps: &[GhaStep]) -> Option<String> {
    if let Some((uses, _)) = &step.uses
        && uses.starts_with("actions/checkout@")
    {
        let with = step.with.as_ref();
        let field = |k: &str| with.and_then(|w| w.get(k)).and_then(|v| v.scalar_text());
        if let Some(r) = field("ref").filter(|r| pr_head_ref(r) || head_from_step_output(r, steps))
        {
            return Some(format!("`actions/checkout` with `ref: {r}`"));
        }
        if let Some(r) =
            field("repository").filter(|r| r.contains("github.event.pull_request.head.repo"))
        {
            return Some(format!("`actions/checkout` of the fork `{r}`"));
        }
    }
    if let Some((script, _)) = &step.run
        && (script.contains("gh pr checkout")
            || (script.contains("git fetch") && script.contains("pull/"))
            || (script.contains("git checkout") && pr_head_ref(script)))
    {
        return Some("a `run:` that checks out the pull request".to_string());
    }
    None
}

/// Every step that checks out the pull request's head in the local reusable workflow
/// `called` (`./.github/workflows/x.yml`) and in the local workflows it calls in turn;
/// `seen` stops cycles.
fn called_head_checkouts<'a>(
    wfs: &[&'a Workflow],
    called: &str,
    seen: &mut Vec<String>,
    found: &mut dyn FnMut(&'a Workflow, &'a shipshape_facts::ci::GhaJob, &'a GhaStep, String),
) {
    let Some(path) = called.strip_prefix("./") else {
        return; // another repository's workflow: not in this tree
    };
    let path = path.split('@').next().unwrap_or(path);
    if seen.iter().any(|p| p == path) {
        return;
    }
    seen.push(path.to_string());
    let Some(cw) = wfs.iter().copied().find(|w| w.path == path) else {
        return;
    };
    for cj in &cw.jobs {
        for s in &cj.steps {
            if let Some(why) = checks_out_head(s, &cj.steps) {
                found(cw, cj, s, why);
            }
        }
        if let Some((next, _)) = &cj.uses {
            called_head_checkouts(wfs, next, seen, found);
        }
    }
}

/// A job condition (spaces removed) that lets only this repository's own code through:
/// every `||` alternative requires the head to come from this repository
/// (`github.event.workflow_run.head_repository.full_name == github.repository`, or the
/// pull request's `head.repo`, or `fork == false`) or the triggering run not to be a pull
/// request (`github.event.workflow_run.event != 'pull_request'`: a push to this
/// repository; not when a workflow of the repository runs on `pull_request_target`, whose
/// runs are no pull request by that name yet check out a fork). fider's `publish.yml`
/// guards its `workflow_run` checkout so.
fn same_repository_only(job_if: &str, any_pull_request_target: bool) -> bool {
    const SAME: &[&str] = &[
        "head_repository.full_name==github.repository",
        "github.repository==github.event.workflow_run.head_repository.full_name",
        "pull_request.head.repo.full_name==github.repository",
        "github.repository==github.event.pull_request.head.repo.full_name",
        "head_repository.fork==false",
        "head.repo.fork==false",
    ];
    const NOT_PR: &[&str] = &[
        "workflow_run.event!='pull_request'",
        "workflow_run.event!=\"pull_request\"",
        "workflow_run.event=='push'",
    ];
    let same = |p: &str| SAME.iter().any(|m| p.contains(m));
    same(job_if)
        && job_if.split("||").all(|alt| {
            same(alt) || (!any_pull_request_target && NOT_PR.iter().any(|m| alt.contains(m)))
        })
}

/// A step that stops the job unless the commenter may push: it asks the API for a
/// collaborator's permission (meilisearch's `bench-pr.yml`: `gh api
/// /repos/$REPOSITORY/collaborators/$COMMENT_AUTHOR/permission` then `exit 1`, or
/// github-script's `getCollaboratorPermissionLevel`/`checkCollaborator`).
fn checks_permission(step: &GhaStep) -> bool {
    let script = step_script(step);
    (script.contains("/collaborators/") && script.contains("permission"))
        || script.contains("getCollaboratorPermissionLevel")
        || script.contains("checkCollaborator")
}

/// True when an `issue_comment` job's `if:` admits only comments by the repository's
/// owners, members or collaborators: every `||` alternative tests
/// `author_association` and names none of the outsiders' associations.
fn trusted_commenters_only(job_if: &str) -> bool {
    !job_if.is_empty()
        && job_if.split("||").all(|alt| {
            alt.contains("author_association")
                && !["CONTRIBUTOR", "FIRST_TIME", "NONE"]
                    .iter()
                    .any(|o| alt.contains(o))
                && !alt.contains("!=")
        })
}

/// Line of the first occurrence of `needle` at or after `from` (1-based) in `text`.
fn line_from(text: &str, from: u32, needle: &str) -> u32 {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| i as u32 + 1)
}

fn injections(ctx: &Ctx, w: &Workflow, out: &mut Vec<Finding>) {
    for j in &w.jobs {
        for s in &j.steps {
            // A composite action's step is written (and cited) in its `action.yml`.
            let file = s.file(&w.path);
            let text = ctx.text(file).unwrap_or("");
            let mut scripts: Vec<(&str, u32, &str)> = Vec::new();
            if let Some((r, line)) = &s.run {
                scripts.push((r, *line, "run"));
            }
            let is_script_action = s
                .uses
                .as_ref()
                .is_some_and(|(u, _)| u.starts_with("actions/github-script@"));
            if let Some(script) = s
                .with
                .as_ref()
                .filter(|_| is_script_action)
                .and_then(|w| w.get("script"))
                && let Some(t) = script.as_str()
            {
                scripts.push((t, script.line, "script"));
            }
            for (body, line, what) in scripts {
                for (range, field) in shipshape_facts::ci::untrusted_interpolations(body)
                    .into_iter()
                    .filter(|(_, field)| w.can_carry(field))
                {
                    let expr = &body[range];
                    let at = Location::line(file, line_from(text, line, expr));
                    // A composite action run by several jobs: once per place.
                    if out.iter().any(|f| f.location.as_ref() == Some(&at)) {
                        continue;
                    }
                    out.push(
                        Finding::at(
                            at,
                            format!(
                                "job `{}`: `{what}:` interpolates untrusted `{field}`: pass it through `env:` instead",
                                j.id,
                            ),
                        )
                        .with_snippet(expr.to_string())
                        .with_key(format!("{}:{}:{field}", j.id, what)),
                    );
                }
            }
        }
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let (wfs, errors) = match gha::workflows(ctx) {
        Ok(x) => x,
        Err(v) => return v,
    };
    let mut findings = Vec::new();
    let any_pull_request_target = wfs.iter().any(|w| w.has_trigger("pull_request_target"));
    for w in &wfs {
        let privileged: Vec<&str> = ["pull_request_target", "workflow_run", "issue_comment"]
            .into_iter()
            .filter(|t| w.has_trigger(t))
            .collect();
        if !privileged.is_empty() {
            let doc = ctx
                .ci_files()
                .iter()
                .find(|f| f.path == w.path)
                .and_then(|f| f.yaml.as_ref())
                .and_then(|d| d.first());
            for j in &w.jobs {
                // Only a bot can author a pull request as `<name>[bot]`: such a head is not attacker code.
                let job_if = doc
                    .and_then(|d| d.at(&["jobs", &j.id, "if"]))
                    .and_then(|c| c.scalar_text())
                    .unwrap_or_default()
                    .replace(' ', "");
                if job_if.contains("github.event.pull_request.user.login=='")
                    && job_if.contains("[bot]'")
                    && !job_if.contains("||")
                {
                    continue;
                }
                if same_repository_only(&job_if, any_pull_request_target) {
                    continue;
                }
                // A comment command limited to the repository's own people
                // (`github.event.comment.author_association == 'MEMBER'`, or a
                // `contains(fromJSON('["OWNER","MEMBER"]'), …author_association)` list).
                if privileged == ["issue_comment"] && trusted_commenters_only(&job_if) {
                    continue;
                }
                for (n, s) in j.steps.iter().enumerate() {
                    if privileged == ["issue_comment"] && j.steps[..n].iter().any(checks_permission)
                    {
                        continue;
                    }
                    if let Some(why) = checks_out_head(s, &j.steps) {
                        findings.push(
                            Finding::at(
                                Location::line(s.file(&w.path), s.line),
                                format!(
                                    "job `{}` of a `{}` workflow runs {why}: the pull request's code runs with secrets and a write token",
                                    j.id,
                                    privileged.join("`/`")
                                ),
                            )
                            .with_key(format!("{}:checkout-head", j.id)),
                        );
                    }
                }
                // A job that calls a workflow of this repository runs that workflow's
                // steps in the caller's privileged context (bitwarden/server's
                // `build_target.yml` on `pull_request_target` calls `build.yml`, which
                // checks out the pull request's head).
                if let Some((called, _)) = &j.uses {
                    let mut seen = vec![w.path.clone()];
                    called_head_checkouts(&wfs, called, &mut seen, &mut |cw, cj, s, why| {
                        findings.push(
                            Finding::at(
                                Location::line(s.file(&cw.path), s.line),
                                format!(
                                    "job `{}` of `{}`, called by job `{}` of a `{}` workflow ({}), runs {why}: the pull request's code runs with the caller's secrets and token",
                                    cj.id,
                                    cw.path,
                                    j.id,
                                    privileged.join("`/`"),
                                    w.path
                                ),
                            )
                            .with_key(format!("{}:{}:{}:checkout-head", j.id, cw.path, cj.id)),
                        );
                    });
                }
            }
        }
        injections(ctx, w, &mut findings);
    }
    let note = gha::unparsed_note(&errors);
    if !findings.is_empty() {
        return Verdict::fail(
            format!(
                "{} dangerous pattern(s) in GitHub Actions workflows{note}",
                findings.len()
            ),
            findings,
        );
    }
    if !errors.is_empty() {
        return Verdict::error(format!(
            "no dangerous pattern in the parsed workflows{note}"
        ));
    }
    Verdict::pass(format!(
        "no privileged checkout of pull request code and no untrusted interpolation in {} workflow(s)",
        wfs.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn check(wf: &str) -> Verdict {
        run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)])
    }

    /// Regression (getfider/fider, #13): `publish.yml` checks out the `workflow_run` head
    /// only when the run was no pull request or its head is this repository's: own code.
    #[test]
    fn a_same_repository_guard_exempts_a_workflow_run_checkout() {
        let wf = |cond: &str| {
            format!(
                "on:\n  workflow_run:\n    workflows: [build]\njobs:\n  publish:\n    if: >-\n      {cond}\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{{{ github.event.workflow_run.head_sha }}}}\n"
            )
        };
        let guarded = wf(
            "${{ github.event.workflow_run.conclusion == 'success' && (github.event.workflow_run.event != 'pull_request' || github.event.workflow_run.head_repository.full_name == github.repository) }}",
        );
        let v = run_on_files(&CHECK, &[(".github/workflows/publish.yml", &guarded)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // A fork's pull request gets through the second alternative: still a pwn request.
        let open = wf(
            "${{ github.event.workflow_run.head_repository.full_name == github.repository || github.event.workflow_run.event == 'pull_request' }}",
        );
        let v = run_on_files(&CHECK, &[(".github/workflows/publish.yml", &open)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        // With a `pull_request_target` workflow about, "not a pull request" proves nothing.
        let prt = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - run: echo\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/publish.yml", &guarded),
                (".github/workflows/prt.yml", prt),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// stakater/Reloader's `loadtest.yml`: any commenter's `/loadtest` on a pull request
    /// (`issue_comment`) checks out the head SHA a github-script step looked up and builds
    /// it with a write token. It passed.
    #[test]
    fn a_comment_command_that_checks_out_the_head_fails_unless_limited_to_members() {
        let wf = |cond: &str| {
            format!(
                "on:\n  issue_comment:\n    types: [created]\njobs:\n  loadtest:\n    if: {cond}\n    steps:\n      - id: pr\n        uses: actions/github-script@v7\n        with:\n          script: |\n            const pr = await github.rest.pulls.get({{pull_number: context.issue.number}});\n            core.setOutput('sha', pr.data.head.sha);\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{{{ steps.pr.outputs.sha }}}}\n      - run: make loadtest\n"
            )
        };
        let v = check(&wf(
            "github.event.issue.pull_request && contains(github.event.comment.body, '/loadtest')",
        ));
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 14))
        );
        let members = "contains(github.event.comment.body, '/loadtest') && github.event.comment.author_association == 'MEMBER'";
        assert_eq!(check(&wf(members)).outcome, Outcome::Pass);
        // meilisearch's bench-pr.yml: a step asks for the commenter's push permission first.
        let guarded = wf("startsWith(github.event.comment.body, '/bench')").replace(
            "    steps:\n",
            "    steps:\n      - run: gh api /repos/$R/collaborators/$AUTHOR/permission --jq .user.permissions.push || exit 1\n",
        );
        assert_eq!(check(&guarded).outcome, Outcome::Pass);
        // Checking out the base branch on a comment runs no pull request code.
        let base = "on: issue_comment\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./triage.sh\n";
        assert_eq!(check(base).outcome, Outcome::Pass);
    }

    #[test]
    fn pwn_request_checkout_fails() {
        let wf = "on: pull_request_target\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm install && npm test\n";
        let v = check(wf);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 6))
        );
        // The same checkout under `pull_request` has no secrets: fine.
        assert_eq!(
            check(&wf.replace("pull_request_target", "pull_request")).outcome,
            Outcome::Pass
        );
        // Checking out the base (no ref) under pull_request_target is the safe pattern.
        let safe = "on: pull_request_target\njobs:\n  label:\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./label.sh\n";
        assert_eq!(check(safe).outcome, Outcome::Pass);
        let bot = "on: pull_request_target\njobs:\n  regen:\n    if: github.event.pull_request.user.login == 'dependabot[bot]'\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.head_ref }}\n";
        assert_eq!(check(bot).outcome, Outcome::Pass);
        let gh = "on:\n  workflow_run:\n    workflows: [ci]\njobs:\n  a:\n    steps:\n      - run: gh pr checkout ${{ github.event.workflow_run.pull_requests[0].number }}\n";
        assert_eq!(check(gh).outcome, Outcome::Fail);
    }

    /// bitwarden/server: `build_target.yml` (`pull_request_target`) calls the local
    /// `build.yml` with `secrets: inherit`, and `build.yml` checks out the pull request's
    /// head; the check looked only at the caller's own steps and passed.
    #[test]
    fn a_privileged_caller_of_a_local_workflow_that_checks_out_the_head_fails() {
        let caller = "on:\n  pull_request_target:\njobs:\n  run:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n";
        let build = "on:\n  workflow_call:\n  pull_request:\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/target.yml", caller),
                (".github/workflows/build.yml", build),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{:?}", v.findings);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/build.yml", 8))
        );
        assert!(v.findings[0].message.contains("target.yml"));
        // Called from an unprivileged workflow only, the same checkout is fine.
        let v = run_on_files(
            &CHECK,
            &[
                (
                    ".github/workflows/ci.yml",
                    &caller.replace("pull_request_target", "pull_request"),
                ),
                (".github/workflows/build.yml", build),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        // A cycle of local calls ends.
        let a = "on: pull_request_target\njobs:\n  a:\n    uses: ./.github/workflows/b.yml\n";
        let b = "on: workflow_call\njobs:\n  b:\n    uses: ./.github/workflows/a.yml\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/a.yml", a),
                (".github/workflows/b.yml", b),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
    }

    #[test]
    fn script_injection_fails_env_passes() {
        let wf = "on: issues\njobs:\n  a:\n    steps:\n      - run: |\n          echo hello\n          echo \"${{ github.event.issue.title }}\"\n";
        let v = check(wf);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 7))
        );
        assert!(v.findings[0].message.contains("github.event.issue.title"));
        let env = "on: issues\njobs:\n  a:\n    steps:\n      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo \"$TITLE\" ${{ github.event.issue.number }}\n";
        assert_eq!(check(env).outcome, Outcome::Pass);
        let script = "on: pull_request\njobs:\n  a:\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: console.log(\"${{ github.head_ref }}\")\n";
        assert_eq!(check(script).outcome, Outcome::Fail);
        let commits = "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.event.commits[0].message }}\n";
        assert_eq!(check(commits).outcome, Outcome::Fail);
    }

    /// Kavita (#13): `${{ !contains(github.head_ref, 'release') }}` interpolates `true` or
    /// `false`; a fallback with `||` still yields the attacker's text.
    // dgtlmoon/changedetection.io .github/workflows/containers.yml:33 echoes
    // `github.event.workflow_run.head_branch` with its `workflow_run` trigger commented
    // out: under `push` and `release` that field is always empty.
    #[test]
    fn fields_of_events_that_cannot_trigger_the_workflow_are_empty() {
        let push = "on:\n  push:\n    branches: [master]\n  release:\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.event.workflow_run.head_branch }}\n      - run: echo ${{ github.event.issue.title }}\n";
        assert_eq!(check(push).outcome, Outcome::Pass);
        let run = push.replace("  release:", "  workflow_run:\n    workflows: [ci]");
        let v = check(&run);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1, "{:?}", v.findings);
        // A reusable workflow runs with its caller's event: every field is possible.
        let called = push.replace("  release:", "  workflow_call:");
        assert_eq!(check(&called).findings.len(), 2);
    }

    #[test]
    fn boolean_expressions_are_not_injections() {
        for safe in [
            "${{ !contains(github.head_ref, 'release') }}",
            "${{ startsWith(github.head_ref, 'dependabot/') }}",
            "${{ github.event.pull_request.title == 'x' }}",
        ] {
            let wf = format!(
                "on: pull_request\njobs:\n  a:\n    steps:\n      - run: echo \"{safe}\"\n"
            );
            assert_eq!(check(&wf).outcome, Outcome::Pass, "{safe}");
        }
        let wf = "on: pull_request\njobs:\n  a:\n    steps:\n      - run: echo \"${{ github.head_ref || 'main' }}\"\n";
        assert_eq!(check(wf).outcome, Outcome::Fail);
        // The same repository's real injection: a step output carrying the PR body.
        let wf = "on: push\njobs:\n  a:\n    steps:\n      - id: findPr\n        uses: jwalton/gh-find-current-pr@v1\n      - run: body=\"${{ steps.findPr.outputs.body }}\"\n";
        assert_eq!(check(wf).outcome, Outcome::Fail);
    }
}
