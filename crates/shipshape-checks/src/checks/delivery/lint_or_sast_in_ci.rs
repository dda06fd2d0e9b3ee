//! `delivery/lint-or-sast-in-ci`: static analysis runs in CI.

use crate::checks::delivery::ci_commands;
use crate::checks::delivery::gha::live_ci_files;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/lint-or-sast-in-ci",
        title: "CI runs static analysis",
        area: Area::Delivery,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit with CI",
        rationale: "Linters and static application security testing catch whole classes of bugs and vulnerabilities (unchecked errors, injections, unsafe defaults) before review, cheaply and on every change.",
        evaluation: "Passes when a non-comment line of any CI definition runs a linter or SAST tool: clippy, golangci-lint, staticcheck, `go vet`, gosec, eslint, biome, oxlint, `tsc --noEmit`, ruff, flake8, pylint, mypy, pyright, bandit, rubocop, brakeman, phpstan, psalm, checkstyle, spotbugs, pmd, detekt, ktlint, `dotnet format --verify-no-changes`, credo, dialyzer, sobelow, CodeQL, semgrep, SonarQube/SonarCloud, Snyk Code, hadolint, shellcheck, tflint, tfsec, checkov, kube-linter, `helm lint`, super-linter/MegaLinter, trunk, `pre-commit run` (or `prek run`), or a `lint` script/target (`npm run lint`, `make lint`, `just lint`, `task lint`, `nix run .#lint`); failing those, a `make` target run by CI whose recipe, or the recipe of one of its prerequisites, runs such a tool (`make test` with `test: tidy fmt vet` and `vet:` running `go vet`), or a root package.json or composer.json script run by CI that does, directly, through the scripts it runs or its `pre` hook (`yarn test:code` running eslint, `npm test` with `pretest: npm run lint`, `composer stan` running phpstan); `${{ matrix.KEY }}` in a CI line stands for each value of its job's matrix (`composer ${{ matrix.command }}`). Tools that check deployment and pipeline files rather than code (`helm lint`, hadolint, tflint, tfsec, checkov, kube-linter, kubeconform, actionlint, zizmor) count only for infrastructure units: a service, library or CLI whose CI runs nothing else warns. Fails when CI exists without any; `n/a` without CI.",
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
            | \bdotnet\s+format\b[^\n]*--verify-no-changes | \bswiftlint\b | \bcredo\b | \bdialyzer\b | \bsobelow\b | \bcppcheck\b | \bclang-tidy\b
            | github/codeql-action | \bcodeql\b | \bsemgrep\b | \bsonar(?:-scanner|qube|cloud|source)?\b | SonarSource/ | \bsnyk\s+code\b
            | \bhadolint\b | \bshellcheck\b | \btflint\b | \btfsec\b | \bcheckov\b | \bkube-linter\b | \bkubeconform\b | \bactionlint\b | \bzizmor\b
            | super-linter | \bmegalinter\b | oxsecurity/megalinter | \btrunk\s+check\b | \bpre-commit\s+run\b | \bprek\s+run\b | pre-commit/action
            | \b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?lint\b | \b(?:make|just|task)\s+(?:[\w-]+\s+)*lint\b | \bnx\b[^\n]*\blint\b | \bnix\s+(?:run|build)\s+\.\#lint\b | \bturbo\s+(?:run\s+)?lint\b
            ",
        )
        .expect("constant regex")
    })
}

/// Tools that check deployment and pipeline files, not application code: they count for
/// infrastructure units only (microservices-demo's `helm lint` of its chart says nothing
/// of its Go, Java or Python services).
fn infra_only(tool: &str) -> bool {
    let t = tool.trim();
    t.starts_with("helm")
        || [
            "hadolint",
            "tflint",
            "tfsec",
            "checkov",
            "kube-linter",
            "kubeconform",
            "actionlint",
            "zizmor",
        ]
        .contains(&t)
}

fn run(ctx: &Ctx) -> Verdict {
    let files = live_ci_files(ctx);
    if files.is_empty() {
        return Verdict::not_applicable("no CI definition (see delivery/ci-present)");
    }
    let re = tool();
    let code_unit = ctx.unit.kind != UnitKind::Infrastructure;
    let counts = |tool: &str| !(code_unit && infra_only(tool));
    // The first infrastructure-only linter met, for a code unit.
    let mut infra: Option<(String, u32, String)> = None;
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
            let found = ci_commands::variants(f, text, i as u32 + 1, code)
                .into_iter()
                .find_map(|v| {
                    re.find_iter(&v)
                        .find(|m| counts(m.as_str()))
                        .map(|m| m.as_str().trim().to_string())
                });
            let Some(m) = found else {
                if infra.is_none()
                    && let Some(m) = re.find(code)
                {
                    infra = Some((f.path.clone(), i as u32 + 1, m.as_str().trim().to_string()));
                }
                continue;
            };
            return Verdict::pass_with(
                format!("static analysis in CI: `{}` ({}:{})", m, f.path, i + 1),
                vec![
                    Finding::at(Location::line(&f.path, i as u32 + 1), "static analysis")
                        .with_snippet(t.chars().take(120).collect::<String>()),
                ],
            );
        }
    }
    // What a CI line runs through a `make` target or a package.json script
    // (one resolver for every check: ci_commands).
    let find = |cmd: &str| {
        re.find_iter(cmd)
            .find(|m| counts(m.as_str()))
            .map(|m| m.as_str().trim().to_string())
    };
    let makefile = ci_commands::root_makefile(ctx);
    for f in &files {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        for (i, l) in text.lines().enumerate() {
            let t = l.trim_start();
            if t.starts_with('#') {
                continue;
            }
            let behind = ci_commands::variants(f, text, i as u32 + 1, t)
                .into_iter()
                .find_map(|v| {
                    makefile
                        .as_ref()
                        .filter(|_| v.contains("make "))
                        .and_then(|m| ci_commands::through_make(m, &v, &find))
                        .or_else(|| ci_commands::through_package_script(ctx, &v, &find))
                        .or_else(|| ci_commands::through_composer_script(ctx, &v, &find))
                });
            if let Some(b) = behind {
                return Verdict::pass_with(
                    format!(
                        "static analysis in CI: {} ({}:{}, from {})",
                        b.what, b.path, b.line, f.path
                    ),
                    vec![Finding::at(Location::line(&b.path, b.line), b.what)],
                );
            }
        }
    }
    if let Some((path, line, tool)) = infra {
        return Verdict::warn(
            format!(
                "CI runs only infrastructure linters (`{tool}` at {path}:{line}), nothing that checks the {} code",
                ctx.unit.kind
            ),
            vec![
                Finding::at(
                    Location::line(&path, line),
                    format!("`{tool}` checks deployment files, not the unit's code"),
                )
                .with_key(tool),
            ],
        );
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
    fn linters_run_through_package_scripts_count() {
        // excalidraw/excalidraw: CI runs `yarn test:code`, whose script is `eslint …`.
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: yarn test:code\n";
        let pkg = "{\n  \"scripts\": {\n    \"test:code\": \"eslint --max-warnings=0 --ext .js,.ts,.tsx .\"\n  }\n}\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/lint.yml", wf), ("package.json", pkg)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("package.json", 3))
        );
        let other = "{\"scripts\": {\"test:code\": \"node check.js\"}}";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/lint.yml", wf), ("package.json", other)],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// jhipster/jhipster-sample-app: CI runs `npm run ci:backend:test`, which runs
    /// `npm run backend:nohttp:test` (`./mvnw checkstyle:check`), and `npm test`, whose
    /// `pretest` is `npm run lint` (`eslint .`). One level of scripts was read.
    #[test]
    fn package_scripts_are_followed_through_other_scripts_and_pre_hooks() {
        let pkg = "{\n  \"scripts\": {\n    \"lint\": \"eslint .\",\n    \"pretest\": \"npm run lint\",\n    \"test\": \"ng test\",\n    \"ci:backend:test\": \"npm run backend:info && npm run backend:nohttp:test\",\n    \"backend:info\": \"./mvnw --version\",\n    \"backend:nohttp:test\": \"./mvnw checkstyle:check\"\n  }\n}\n";
        for cmd in ["npm test", "npm run ci:backend:test"] {
            let wf = format!("on: push\njobs:\n  t:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(
                &CHECK,
                &[
                    (".github/workflows/ci.yml", wf.as_str()),
                    ("package.json", pkg),
                ],
            );
            assert_eq!(v.outcome, Outcome::Pass, "{cmd}: {v:?}");
        }
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: npm run backend:info\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("package.json", pkg)],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// shlinkio/shlink runs `composer ${{ matrix.command }}` with `command: [cs, stan,
    /// openapi:validate]`; `stan` is `phpstan analyse`. Neither the matrix nor composer's
    /// scripts were read, and the job failed.
    #[test]
    fn matrix_values_and_composer_scripts_are_followed() {
        let wf = "on: push\njobs:\n  static:\n    strategy:\n      matrix:\n        php: ['8.4']\n        command: ['cs', 'stan', 'openapi:validate']\n    steps:\n      - run: composer ${{ matrix.command }}\n";
        let composer = "{\n  \"scripts\": {\n    \"ci\": [\"@stan\"],\n    \"cs\": \"mago fmt --check\",\n    \"stan\": \"phpstan analyse\"\n  }\n}\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/ci.yml", wf),
                ("composer.json", composer),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("composer.json", 5))
        );
        // `@stan` inside another script is followed.
        let wf2 = "on: push\njobs:\n  t:\n    steps:\n      - run: composer run-script ci\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/ci.yml", wf2),
                ("composer.json", composer),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // A matrix without a linter among its values, and composer's own commands, are none.
        let wf3 = "on: push\njobs:\n  static:\n    strategy:\n      matrix:\n        command: ['cs']\n    steps:\n      - run: composer ${{ matrix.command }}\n      - run: composer install\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/ci.yml", wf3),
                ("composer.json", composer),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn linters_run_through_make_targets_count() {
        // stefanprodan/podinfo: CI runs `make test`; the Makefile's `test: tidy fmt vet`
        // reaches `go vet ./...` through its prerequisite.
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: make test\n";
        let mk = "tidy:\n\tgo mod tidy\n\ntest: tidy fmt vet\n\tgo test ./...\n\nvet:\n\tgo vet ./...\n\nfmt:\n\tgo fmt ./...\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("Makefile", mk)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location, Some(Location::line("Makefile", 8)));
        // A target whose recipe and prerequisites run no linter does not count.
        let plain = "test:\n\tgo test ./...\n\nvet:\n\tgo vet ./...\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("Makefile", plain)],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

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
            "uv run prek run --from-ref origin/main --to-ref HEAD",
            // teslamate (#13): Elixir's static analysis, and a Nix flake's lint app.
            "mix dialyzer --format github",
            "mix sobelow --config",
            "nix run .#lint -- --ci",
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

    /// GoogleCloudPlatform/microservices-demo: `helm lint` of the chart is the only linter
    /// in CI; it lints the chart, not the services' code.
    #[test]
    fn infrastructure_linters_count_for_infrastructure_only() {
        let wf = "on: push\njobs:\n  l:\n    steps:\n      - run: helm lint --strict\n      - run: go test ./...\n";
        let chart = ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n");
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf), chart]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let code = (
            "go.mod",
            "module x\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
        );
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf), code]);
        assert_eq!(v.outcome, Outcome::Warn, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line(".github/workflows/ci.yml", 5))
        );
        // A code linter on the same line as a chart lint still counts.
        let both =
            "on: push\njobs:\n  l:\n    steps:\n      - run: helm lint && golangci-lint run\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", both), code]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
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
