//! `delivery/ci-runs-tests`: some CI job runs the tests.

use crate::checks::delivery::ci_commands;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "delivery/ci-runs-tests",
        title: "CI runs the tests",
        area: Area::Delivery,
        severity: Severity::Critical,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "A pipeline that only builds proves the code compiles, not that it works. Tests in CI are what make a green build mean something.",
        evaluation: "Passes when a line of any CI definition runs a recognised test command: cargo test/nextest, go test, gotestsum, pytest, tox, nox, `python -m unittest`, npm/yarn/pnpm/bun test, jest, vitest, mocha, mvn test/verify/package/install/deploy (the lifecycle runs the tests first; not with `-DskipTests`), gradle test/check/build (not with `-x test`), rspec, `rails test`, `dotnet test`, phpunit, mix test, ctest, swift test, `make test`/`just test`/`task test`, or a script whose name contains `test`; a GitHub Actions step using a known test action also counts. `${{ env.NAME }}` in a command takes the value the workflow sets (`${{ env.CARGO }} test` with `CARGO: cargo`); failing a direct command, a `make` target the CI runs whose recipe (or a prerequisite's) runs one, or a root package.json script the CI runs (`npm run ci`) counts. For infrastructure units, chart tests count too (`helm test`, `helm unittest`, chart-testing's `ct install`). Fails when CI exists but no such command is found; `n/a` without CI (delivery/ci-present fails instead).",
        remediation: "Add a CI step that runs the test suite, e.g. `run: cargo test --all` or `run: npm test`, and make it required for merging.",
        references: &[],
    },
    run,
};

fn test_command() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            \bcargo\s+(?:\+\S+\s+)?(?:test|nextest|tarpaulin|llvm-cov)\b
            | \bgo\s+test\b | \bgotestsum\b | \bginkgo\b
            | \bpytest\b | \btox\b | \bnox\b | \bpython[0-9.]*\s+-m\s+(?:pytest|unittest)\b | \bmanage\.py\s+test\b
            | \b(?:npm|pnpm|bun)\s+(?:run\s+)?test\b | \byarn\s+(?:run\s+)?test\b | \bnpx\s+(?:jest|vitest|mocha)\b | \bplaywright\s+test\b
            | \b(?:jest|vitest|mocha|ava|karma)\b
            | \b(?:mvn|mvnw|\./mvnw)\b[^\n]*\b(?:test|verify|package|install|deploy)\b
            | \b(?:gradle|gradlew|\./gradlew)\b[^\n]*\b(?:test|check|build)\b
            | \brspec\b | \brails\s+test\b | \brake\s+(?:test|spec)\b
            | \bdotnet\s+test\b | \bphpunit\b | \bpest\b | \bmix\s+test\b | \bctest\b | \bswift\s+test\b
            | \b(?:make|just|task)\s+(?:[\w-]*\s+)*[\w-]*test[\w-]*\b
            | \bbazel\s+test\b | \bnx\s+(?:run-many\s+)?[^\n]*\btest\b | \bturbo\s+(?:run\s+)?test\b
            | (?:^|\s)\.?/?[\w./-]*test[\w-]*\.sh\b | \bbash\s+\.ci/run\b
            ",
        )
        .expect("constant regex")
    })
}

/// A Maven or Gradle command told not to run the tests (`-DskipTests`,
/// `-Dmaven.test.skip=true`, Gradle's `-x test`).
fn skips_tests(code: &str) -> bool {
    code.contains("-DskipTests")
        || code.contains("-Dmaven.test.skip")
        || code.contains("-x test")
        || code.contains("--exclude-task test")
}

/// Commands that test charts and deployment files (`helm test`, chart-testing's
/// `ct install`, `helm unittest`): tests for infrastructure units only.
fn chart_test_command() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\bhelm\s+(?:test|unittest)\b|\bct\s+(?:install|lint-and-install)\b")
            .expect("constant regex")
    })
}

/// First line of a CI file that runs tests: (path, line, text). `${{ env.X }}` takes the
/// workflow's value; failing a direct command, a `make` target or package.json script
/// the CI runs counts when it runs one (see [`ci_commands`]).
pub(crate) fn find_test_line(ctx: &Ctx) -> Option<(String, u32, String)> {
    let re = test_command();
    let infra = ctx.unit.kind == UnitKind::Infrastructure;
    // Maven's `package`/`install`/`deploy` run the test phase first, unless told to skip it.
    let is_test = |code: &str| {
        (re.is_match(code) && !skips_tests(code)) || (infra && chart_test_command().is_match(code))
    };
    let lines = |f: &'_ str| -> Vec<(u32, String)> {
        let Some(text) = ctx.text(f) else {
            return Vec::new();
        };
        text.lines()
            .enumerate()
            .filter_map(|(i, line)| {
                let code = line.split(" #").next().unwrap_or(line);
                let t = code.trim_start();
                (!t.starts_with('#') && !t.starts_with("//"))
                    .then(|| (i as u32 + 1, ci_commands::with_env(text, code).into_owned()))
            })
            .collect()
    };
    let files = ctx.ci_files();
    for f in &files {
        for (n, code) in lines(&f.path) {
            if is_test(&code) {
                let text = ctx.text(&f.path).unwrap_or("");
                let line = text.lines().nth(n as usize - 1).unwrap_or("");
                return Some((f.path.clone(), n, line.trim().chars().take(120).collect()));
            }
        }
    }
    let find = |cmd: &str| {
        re.find(cmd)
            .or_else(|| infra.then(|| chart_test_command().find(cmd)).flatten())
            .map(|m| m.as_str().trim().to_string())
    };
    let makefile = ci_commands::root_makefile(ctx);
    for f in &files {
        for (_, code) in lines(&f.path) {
            let behind = makefile
                .as_ref()
                .filter(|_| code.contains("make "))
                .and_then(|m| ci_commands::through_make(m, &code, &find))
                .or_else(|| ci_commands::through_package_script(ctx, &code, &find));
            if let Some(b) = behind {
                return Some((b.path, b.line, format!("{} (from {})", b.what, f.path)));
            }
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    if ctx.ci_files().is_empty() {
        return Verdict::not_applicable("no CI definition (see delivery/ci-present)");
    }
    match find_test_line(ctx) {
        Some((path, line, text)) => Verdict::pass_with(
            format!("tests run in CI ({path}:{line})"),
            vec![Finding::at(Location::line(path, line), "runs tests").with_snippet(text)],
        ),
        None => Verdict::fail(
            "CI never runs a test command",
            ctx.ci_files()
                .iter()
                .map(|f| {
                    Finding::at(
                        Location::file(&f.path),
                        "no test command found in this CI definition",
                    )
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn recognises_test_commands_across_ecosystems() {
        for cmd in [
            "cargo test --all",
            "go test ./...",
            "python -m pytest -q",
            "npm test",
            "yarn test:unit",
            "./gradlew check",
            "mvn -B verify",
            // spring-petclinic-microservices: the lifecycle runs `test` before `package`.
            "mvn -B package --file pom.xml",
            "bundle exec rspec",
            "dotnet test",
            "make test",
            "just unit-test",
            "npx playwright test",
        ] {
            let wf = format!("on: push\njobs:\n  t:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", &wf)]);
            assert_eq!(v.outcome, Outcome::Pass, "{cmd}");
            assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        }
    }

    /// Test runs the CI line does not spell out: BurntSushi/ripgrep's `${{ env.CARGO }}
    /// test` (with `CARGO: cargo`), psf/requests' `make ci` whose recipe runs pytest,
    /// `mvn package -DskipTests` builds without the test phase: not a test run.
    #[test]
    fn a_build_that_skips_tests_is_not_a_test_run() {
        for cmd in ["mvn -B package -DskipTests", "./gradlew build -x test"] {
            let wf = format!("on: push\njobs:\n  t:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", &wf)]);
            assert_eq!(v.outcome, Outcome::Fail, "{cmd}");
        }
    }

    /// an npm script, and chart tests for an infrastructure unit (prometheus-community
    /// helm-charts: `ct install`).
    #[test]
    fn tests_behind_env_values_make_targets_and_scripts_count() {
        let wf = "on: push\nenv:\n  CARGO: cargo\njobs:\n  t:\n    steps:\n      - run: ${{ env.CARGO }} test --workspace\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: make ci\n";
        let mk = "init:\n\tpip install -r requirements-dev.txt\nci:\n\tpython -m pytest tests --junitxml=report.xml\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("Makefile", mk)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location, Some(Location::line("Makefile", 4)));
        let mk = "ci:\n\tpython -m build\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("Makefile", mk)],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: npm run ci\n";
        let pkg = "{\"scripts\": {\"ci\": \"vitest run\"}}";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("package.json", pkg)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn installing_a_test_tool_is_not_running_tests() {
        // dotnet/eShop: `npx playwright install` comes before `npx playwright test`.
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: npx playwright install chromium\n      - run: npx playwright test\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/e2e.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(6));
    }

    #[test]
    fn fails_on_build_only_pipeline_and_ignores_comments() {
        let wf = "on: push\njobs:\n  b:\n    steps:\n      # - run: cargo test\n      - run: cargo build --release\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/ci.yml", wf)]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
