//! `delivery/lint-or-sast-in-ci`: static analysis runs in CI.

use crate::checks::delivery::gha::live_ci_files;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/lint-or-sast-in-ci",
        title: "CI runs static analysis",
        area: Area::Delivery,
        severity: Severity::Medium,
        kinds: &[],
        applies_to: "every unit with CI",
        rationale: "Linters and static application security testing catch whole classes of bugs and vulnerabilities (unchecked errors, injections, unsafe defaults) before review, cheaply and on every change.",
        evaluation: "Passes when a non-comment line of any CI definition runs a linter or SAST tool: clippy, golangci-lint, staticcheck, `go vet`, gosec, eslint, biome, oxlint, `tsc --noEmit`, ruff, flake8, pylint, mypy, pyright, bandit, rubocop, brakeman, phpstan, psalm, checkstyle, spotbugs, pmd, detekt, ktlint, `dotnet format --verify-no-changes`, CodeQL, semgrep, SonarQube/SonarCloud, Snyk Code, hadolint, shellcheck, tflint, tfsec, checkov, kube-linter, `helm lint`, super-linter/MegaLinter, trunk, `pre-commit run`, or a `lint` script/target (`npm run lint`, `make lint`, `just lint`, `task lint`). Fails when CI exists without any; `n/a` without CI.",
        remediation: "Add a CI step that runs your ecosystem's linter and fails on findings (e.g. `cargo clippy --all-targets -- -D warnings`, `golangci-lint run`, `ruff check`, `npx eslint .`), and enable CodeQL or semgrep for security rules.",
        references: &[
            "https://owasp.org/www-community/Source_Code_Analysis_Tools",
            "https://github.com/ossf/scorecard/blob/main/docs/checks.md#sast",
        ],
    },
    run,
};

fn tool() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            \bhelm\s+lint\b | \bclippy\b | \bgolangci-lint\b | golangci/golangci-lint-action | \bstaticcheck\b | \bgo\s+vet\b | \bgosec\b | \brevive\b
            | \beslint\b | \bbiome\s+(?:check|lint|ci)\b | \boxlint\b | \btsc\b[^\n]*--noEmit\b
            | \bruff\b | \bflake8\b | \bpylint\b | \bmypy\b | \bpyright\b | \bbandit\b
            | \brubocop\b | \bbrakeman\b | \bstandardrb\b | \bphpstan\b | \bpsalm\b | \bphpcs\b
            | \bcheckstyle\b | \bspotbugs\b | \bpmd\b | \bdetekt\b | \bktlint\b | \berror-prone\b
            | \bdotnet\s+format\b[^\n]*--verify-no-changes | \bswiftlint\b | \bcredo\b | \bcppcheck\b | \bclang-tidy\b
            | github/codeql-action | \bcodeql\b | \bsemgrep\b | \bsonar(?:-scanner|qube|cloud|source)?\b | SonarSource/ | \bsnyk\s+code\b
            | \bhadolint\b | \bshellcheck\b | \btflint\b | \btfsec\b | \bcheckov\b | \bkube-linter\b | \bkubeconform\b | \bactionlint\b | \bzizmor\b
            | super-linter | \bmegalinter\b | oxsecurity/megalinter | \btrunk\s+check\b | \bpre-commit\s+run\b | pre-commit/action
            | \b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?lint\b | \b(?:make|just|task)\s+(?:[\w-]+\s+)*lint\b | \bnx\b[^\n]*\blint\b | \bturbo\s+(?:run\s+)?lint\b
            ",
        )
        .expect("constant regex")
    })
}

fn run(ctx: &Ctx) -> Verdict {
    let files = live_ci_files(ctx);
    if files.is_empty() {
        return Verdict::not_applicable("no CI definition (see delivery/ci-present)");
    }
    let re = tool();
    for f in &files {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        for (i, l) in text.lines().enumerate() {
            let t = l.trim_start();
            if t.starts_with('#') || t.starts_with("//") {
                continue;
            }
            let code = l.split(" #").next().unwrap_or(l);
            if let Some(m) = re.find(code) {
                return Verdict::pass_with(
                    format!(
                        "static analysis in CI: `{}` ({}:{})",
                        m.as_str().trim(),
                        f.path,
                        i + 1
                    ),
                    vec![
                        Finding::at(Location::line(&f.path, i as u32 + 1), "static analysis")
                            .with_snippet(t.chars().take(120).collect::<String>()),
                    ],
                );
            }
        }
    }
    Verdict::fail(
        "CI runs no linter or static analysis",
        files
            .iter()
            .map(|f| {
                Finding::at(
                    Location::file(&f.path),
                    "no linter or SAST tool in this CI definition",
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
    fn recognises_tools() {
        for cmd in [
            "cargo clippy --all-targets -- -D warnings",
            "golangci-lint run",
            "ruff check .",
            "npx eslint .",
            "npm run lint",
            "semgrep ci",
            "make lint",
            "helm lint ./charts/podinfo/",
        ] {
            let wf = format!("on: push\njobs:\n  l:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", &wf)]);
            assert_eq!(v.outcome, Outcome::Pass, "{cmd}");
            assert_eq!(
                v.findings[0].location,
                Some(Location::line(".github/workflows/ci.yml", 5))
            );
        }
        let wf = "on: push\njobs:\n  a:\n    steps:\n      - uses: github/codeql-action/init@v3\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/codeql.yml", wf)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn tests_only_fail_comments_ignored() {
        let wf = "on: push\njobs:\n  t:\n    steps:\n      # - run: cargo clippy\n      - run: cargo test\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::file(".github/workflows/ci.yml"))
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
