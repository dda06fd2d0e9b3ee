//! `delivery/ci-present`: the repository has a CI definition.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/ci-present",
        title: "Continuous integration is defined",
        area: Area::Delivery,
        severity: Severity::Critical,
        kinds: &[],
        scope: shipshape_model::Scope::Repository,
        applies_to: "every unit",
        rationale: "Without automated integration, every change reaches production on the strength of one person's local run. CI is the gate every other delivery check builds on.",
        evaluation: "Passes when a CI definition exists for any supported system: GitHub Actions (.github/workflows/*.yml), GitLab CI (.gitlab-ci.yml), CircleCI (.circleci/config.yml), Jenkins (Jenkinsfile), Azure Pipelines, Bitbucket Pipelines, Buildkite, Drone, Woodpecker, Travis CI, Cloud Build or Tekton (.tekton/). Fails otherwise, listing the places looked at.",
        remediation: "Add a CI pipeline that builds and tests every change, e.g. `.github/workflows/ci.yml` running your test command on `push` and `pull_request`.",
        references: &[
            "https://docs.github.com/actions/automating-builds-and-tests/about-continuous-integration",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    // A composite action is part of the workflows that run it, not a definition itself.
    let files: Vec<_> = ctx
        .ci_files()
        .into_iter()
        .filter(|f| !f.composite)
        .collect();
    if files.is_empty() {
        return Verdict::fail(
            "no CI definition found",
            vec![Finding::new(
                "no CI definition: looked for .github/workflows/, .gitlab-ci.yml, .circleci/config.yml, Jenkinsfile, azure-pipelines.yml, bitbucket-pipelines.yml, .buildkite/, .drone.yml, .woodpecker.yml, .travis.yml, cloudbuild.yaml, .tekton/",
            )],
        );
    }
    let mut systems: Vec<&str> = files.iter().map(|f| f.system.title()).collect();
    systems.dedup();
    Verdict::pass_with(
        format!("{} CI definition(s): {}", files.len(), systems.join(", ")),
        files
            .iter()
            .take(5)
            .map(|f| {
                Finding::at(
                    Location::file(&f.path),
                    format!("{} definition", f.system.title()),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn passes_with_any_system_and_fails_without() {
        for path in [
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "Jenkinsfile",
            ".circleci/config.yml",
        ] {
            assert_eq!(
                run_on_files(&CHECK, &[(path, "x: 1\n")]).outcome,
                Outcome::Pass,
                "{path}"
            );
        }
        let v = run_on_files(&CHECK, &[("README.md", "hi")]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains(".gitlab-ci.yml"));
    }
}
