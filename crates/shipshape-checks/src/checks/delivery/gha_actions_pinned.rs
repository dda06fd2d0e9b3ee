//! `delivery/gha-actions-pinned`: GitHub Actions `uses:` references are pinned to commit SHAs.

use super::gha;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/gha-actions-pinned",
        title: "GitHub Actions are pinned to commit SHAs",
        area: Area::Delivery,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "units built with GitHub Actions",
        rationale: "A tag such as `@v4` can be moved by whoever controls the action's repository; a compromised action then runs in your pipeline with your secrets (tj-actions/changed-files, 2025). A full commit SHA cannot be moved.",
        evaluation: "Every `uses:` of every workflow (steps and reusable-workflow jobs) and of the local composite actions they run (`uses: ./.github/actions/x`, cited in its `action.yml`) is read. Pinned: local references (`./...`), `docker://` images with an `@sha256:` digest, and `owner/repo[/path]@<40-hex SHA>`. Fails when a third-party action or reusable workflow is referenced by tag, branch or short SHA (one finding per line, keyed by the reference); warns when only GitHub-owned actions (`actions/*`, `github/*`) are unpinned, since those are lower risk but still mutable. `n/a` without workflows; `error` when no workflow parses.",
        remediation: "Pin each action to the full commit SHA of the release you want and keep the tag in a comment, e.g. `uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2`; let Dependabot or Renovate (`helpers:pinGitHubActionDigests`) keep the pins current.",
        references: &[
            "https://docs.github.com/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
            "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
        ],
    },
    run,
};

/// Why a `uses:` reference is not pinned, or `None` when it is.
pub(crate) fn unpinned(uses: &str) -> Option<&'static str> {
    let uses = uses.trim();
    if uses.starts_with("./") || uses.starts_with(".\\") {
        return None;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return if image.contains("@sha256:") {
            None
        } else {
            Some("container image without a digest")
        };
    }
    match uses.rsplit_once('@') {
        None => Some("no version at all"),
        Some((_, r)) if r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()) => None,
        Some((_, r)) if r.len() >= 7 && r.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some("short SHA (ambiguous)")
        }
        Some(_) => Some("tag or branch"),
    }
}

fn github_owned(uses: &str) -> bool {
    uses.starts_with("actions/") || uses.starts_with("github/")
}

fn run(ctx: &Ctx) -> Verdict {
    let (wfs, errors) = match gha::workflows(ctx) {
        Ok(x) => x,
        Err(v) => return v,
    };
    let (mut third, mut owned) = (Vec::new(), Vec::new());
    let mut total = 0usize;
    // A composite action run by several jobs is read once: (file, line) seen.
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for w in &wfs {
        let refs = w.jobs.iter().flat_map(|j| {
            j.uses.iter().map(|u| (w.path.as_str(), u)).chain(
                j.steps
                    .iter()
                    .filter_map(|s| Some((s.file(&w.path), s.uses.as_ref()?))),
            )
        });
        for (file, (uses, line)) in refs {
            if seen.contains(&(file, *line)) {
                continue;
            }
            seen.push((file, *line));
            total += 1;
            let Some(why) = unpinned(uses) else { continue };
            let name = uses.split('@').next().unwrap_or(uses);
            let f = Finding::at(
                Location::line(file, *line),
                format!("`{uses}` is not pinned to a commit SHA ({why})"),
            )
            .with_snippet(format!("uses: {uses}"))
            .with_key(name.to_string());
            if github_owned(uses) {
                owned.push(f);
            } else {
                third.push(f);
            }
        }
    }
    let note = gha::unparsed_note(&errors);
    if !third.is_empty() {
        let n = third.len();
        let also = match owned.len() {
            0 => String::new(),
            m => format!(" (and {m} GitHub-owned)"),
        };
        third.extend(owned);
        return Verdict::fail(
            format!("{n} third-party action reference(s){also} not pinned to a commit SHA{note}"),
            third,
        );
    }
    if !owned.is_empty() {
        return Verdict::warn(
            format!(
                "{} GitHub-owned action reference(s) not pinned to a commit SHA{note}",
                owned.len()
            ),
            owned,
        );
    }
    if !errors.is_empty() {
        return Verdict::error(format!(
            "{total} reference(s) pinned in the parsed workflows{note}"
        ));
    }
    Verdict::pass(format!(
        "all {total} `uses:` reference(s) in {} workflow(s) are pinned",
        wfs.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";

    #[test]
    fn classifies_references() {
        assert_eq!(unpinned(&format!("actions/checkout@{SHA}")), None);
        assert_eq!(unpinned("./.github/actions/setup"), None);
        assert_eq!(unpinned("docker://alpine@sha256:abcd"), None);
        assert!(unpinned("docker://alpine:3.20").is_some());
        assert_eq!(unpinned("actions/checkout@v4"), Some("tag or branch"));
        assert_eq!(unpinned("a/b@11bd719"), Some("short SHA (ambiguous)"));
        assert_eq!(unpinned("a/b"), Some("no version at all"));
    }

    /// Regression (teslamate): the `uses:` of local composite actions were never read;
    /// they run in the job like its own steps. Cited in the `action.yml`, once however
    /// many jobs run the action.
    #[test]
    fn composite_action_references_are_read_once_where_written() {
        let wf = "on: push\njobs:\n  a:\n    steps:\n      - uses: ./.github/actions/b\n  b:\n    steps:\n      - uses: ./.github/actions/b\n";
        let action = "runs:\n  using: composite\n  steps:\n    - uses: docker/login-action@v3\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/ci.yml", wf),
                (".github/actions/b/action.yml", action),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        assert_eq!(v.findings.len(), 1, "{:?}", v.findings);
        let at = v.findings[0].location.as_ref().unwrap();
        assert_eq!(
            (at.path.as_str(), at.line),
            (".github/actions/b/action.yml", Some(4))
        );
    }

    #[test]
    fn third_party_fails_github_owned_warns_pinned_passes() {
        let wf = format!(
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: dtolnay/rust-toolchain@stable\n      - uses: Swatinem/rust-cache@{SHA}\n  b:\n    uses: acme/wf/.github/workflows/r.yml@main\n"
        );
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", &wf)]);
        assert_eq!(v.outcome, Outcome::Fail);
        let lines: Vec<_> = v
            .findings
            .iter()
            .map(|f| f.location.as_ref().unwrap().line.unwrap())
            .collect();
        assert_eq!(lines, vec![7, 10, 6]);
        assert_eq!(v.findings[0].key.as_deref(), Some("dtolnay/rust-toolchain"));
        let wf = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)]).outcome,
            Outcome::Warn
        );
        let wf = format!(
            "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@{SHA} # v4\n      - uses: ./local\n"
        );
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/ci.yml", &wf)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[(".gitlab-ci.yml", "a:\n  script: [x]\n")]).outcome,
            Outcome::NotApplicable
        );
        // Regression: workflows inside test fixtures or nested directories never run on GitHub.
        let unpinned = "on: push\njobs:\n  a:\n    steps:\n      - uses: acme/x@v1\n";
        assert_eq!(
            run_on_files(
                &CHECK,
                &[
                    ("tests/fixtures/repo/.github/workflows/ci.yml", unpinned),
                    ("tools/.github/workflows/ci.yml", unpinned)
                ]
            )
            .outcome,
            Outcome::NotApplicable
        );
    }
}
