//! `delivery/ci-runs-tests`: some CI job runs the tests.

use crate::checks::delivery::ci_commands;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::ci::CiFile;
use shipshape_facts::{Ecosystem, FileKind};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::collections::BTreeSet;
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
        evaluation: "Passes when a line of any CI definition runs a recognised test command: cargo test/nextest, go test, gotestsum, pytest, tox, nox, `python -m unittest`, npm/yarn/pnpm/bun test, jest, vitest, mocha, mvn test/verify/package/install/deploy (the lifecycle runs the tests first; not with `-DskipTests`), gradle test/check/build (not with `-x test`), rspec, `rails test`, `dotnet test`, phpunit, mix test, ctest, swift test, `make test`/`just test`/`task test`, or a script whose name contains `test`; a GitHub Actions step using a known test action also counts, and so does a job named for tests (`tests`, `unit-test`) that calls a reusable workflow of another repository (its commands are not readable offline; the evidence says so). `${{ env.NAME }}` in a command takes the value the workflow sets (`${{ env.CARGO }} test` with `CARGO: cargo`) and `${{ matrix.KEY }}` each value of its job's matrix; failing a direct command, a `make` target the CI runs whose recipe (or a prerequisite's) runs one, or a root package.json or composer.json script the CI runs (`npm run ci`, `composer check` with `@other` scripts followed) counts. For infrastructure units, chart tests count too (`helm test`, `helm unittest`, chart-testing's `ct install`). A command of one ecosystem tests only units with a manifest of that ecosystem (`go test` does not test a Rust crate; `make`, `just`, `task`, test scripts, ctest and bazel count for any unit), and for a JavaScript package below the root a command that names another workspace (`yarn workspace @app/web …`, `pnpm --filter web …`) or fans a script out to every package (`pnpm -r do-test`, `turbo run test`, `npm run test --workspaces`, directly or through the root's package.json script) counts only when the package has that script. A task runner's target counts as the command itself, not in prose (\"make sure to upgrade to the latest\"). Fails when CI exists but no such command is found; `n/a` without CI (delivery/ci-present fails instead).",
        remediation: "Add a CI step that runs the test suite, e.g. `run: cargo test --all` or `run: npm test`, and make it required for merging.",
        references: &[],
    },
    run,
};

/// The ecosystems a test command can test; `None`: any.
type Scope = Option<&'static [Ecosystem]>;

/// The recognised test commands, each with the ecosystems whose code it can test
/// (`None`: any, such as `make test` or a test script).
fn test_commands() -> &'static [(Scope, Regex)] {
    static RE: OnceLock<Vec<(Scope, Regex)>> = OnceLock::new();
    RE.get_or_init(|| {
        let table: [(Scope, &str); 11] = [
            (
                Some(&[Ecosystem::Cargo]),
                r"\bcargo\s+(?:\+\S+\s+)?(?:test|nextest|tarpaulin|llvm-cov)\b",
            ),
            (Some(&[Ecosystem::Go]), r"\bgo\s+test\b|\bgotestsum\b|\bginkgo\b"),
            (
                Some(&[Ecosystem::Python]),
                r"\bpytest\b|\btox\b|\bnox\b|\bpython[0-9.]*\s+-m\s+(?:pytest|unittest)\b|\bmanage\.py\s+test\b",
            ),
            (
                Some(&[Ecosystem::Npm]),
                r"\b(?:npm|pnpm|bun)\s+(?:run\s+)?test\b|\byarn\s+(?:run\s+)?test\b|\bnpx\s+(?:jest|vitest|mocha)\b|\bplaywright\s+test\b|\b(?:jest|vitest|mocha|ava|karma)\b|\bnx\s+(?:run-many\s+)?[^\n]*\btest\b|\bturbo\s+(?:run\s+)?test\b",
            ),
            (
                Some(&[Ecosystem::Maven, Ecosystem::Gradle]),
                r"\b(?:mvn|mvnw|\./mvnw)\b[^\n]*\b(?:test|verify|package|install|deploy)\b",
            ),
            (
                Some(&[Ecosystem::Gradle, Ecosystem::Maven]),
                r"\b(?:gradle|gradlew|\./gradlew)\b[^\n]*\b(?:test|check|build)\b",
            ),
            (
                Some(&[Ecosystem::Ruby]),
                r"\brspec\b|\brails\s+test\b|\brake\s+(?:test|spec)\b",
            ),
            (Some(&[Ecosystem::Nuget]), r"\bdotnet\s+test\b"),
            (
                Some(&[Ecosystem::Composer]),
                r"\bphpunit\b|\bpest\b|\bcomposer\s+(?:run(?:-script)?\s+)?[\w:.-]*test[\w:.${}-]*",
            ),
            (Some(&[Ecosystem::Hex]), r"\bmix\s+test\b"),
            // A task runner's target must be the command itself (start of a line or a
            // `run:`, after `&&`, `;` or `|`), not prose: firefly-iii's issue reply "Please
            // make sure to upgrade to the latest version" is no `make … test`.
            (
                None,
                r"(?:^|[;&|(]|run:|script:|command:|-\s)\s*(?:sudo\s+)?(?:make|just|task)\s+(?:[\w-]*\s+)*[\w-]*test[\w-]*\b|\bctest\b|\bswift\s+test\b|\bbazel\s+test\b|(?:^|\s)\.?/?[\w./-]*test[\w-]*\.sh\b|\bbash\s+\.ci/run\b",
            ),
        ];
        table
            .into_iter()
            .map(|(eco, re)| (eco, Regex::new(re).expect("constant regex")))
            .collect()
    })
}

/// The first recognised test command in `code` that can test a unit of `ecosystems`
/// (every command can when the unit has no package manifest): its text.
fn test_in(code: &str, ecosystems: &BTreeSet<Ecosystem>) -> Option<String> {
    test_commands()
        .iter()
        .filter(|(eco, _)| {
            ecosystems.is_empty() || eco.is_none_or(|e| e.iter().any(|x| ecosystems.contains(x)))
        })
        .find_map(|(_, re)| re.find(code))
        .map(|m| m.as_str().trim().to_string())
}

/// For a JavaScript package below the root (`dir` holds its `package.json`): false when
/// the CI line provably runs other packages' tests only: it names another workspace
/// (`yarn workspace @linkwarden/web playwright test`, `pnpm --filter web test`), or it
/// runs a root script that runs a script in every package (`pnpm -r do-test`, `turbo run
/// test`, `npm run test --workspaces`, `lerna run test`) and this package has no such
/// script (hoppscotch's packages without `do-test`).
fn js_package_covered(ctx: &Ctx, dir: &str, ci_line: &str) -> bool {
    let Some(pkg) = ctx
        .text(&format!("{dir}/package.json"))
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
    else {
        return true;
    };
    let name = pkg["name"].as_str().unwrap_or("");
    let words: Vec<&str> = ci_line.split_whitespace().collect();
    // A named workspace or filter.
    for (i, w) in words.iter().enumerate() {
        let target = match *w {
            "workspace" if i > 0 && words[i - 1] == "yarn" => words.get(i + 1).copied(),
            "--filter" | "-F" | "-w" | "--workspace" => words.get(i + 1).copied(),
            _ => w
                .strip_prefix("--filter=")
                .or_else(|| w.strip_prefix("--workspace=")),
        };
        if let Some(t) = target {
            let t = t.trim_matches(['"', '\'']);
            let dir_name = dir.rsplit('/').next().unwrap_or(dir);
            return t == name
                || t == dir
                || t.trim_start_matches("./") == dir
                || t.ends_with(&format!("/{dir_name}"))
                || t.contains('*')
                || t.contains("...");
        }
    }
    // A root script that fans out to every package's script of one name.
    let root_script = words
        .iter()
        .position(|w| matches!(*w, "npm" | "pnpm" | "yarn" | "bun"))
        .and_then(|at| {
            let rest = &words[at + 1..];
            let rest = if rest.first() == Some(&"run") {
                &rest[1..]
            } else {
                rest
            };
            rest.first().copied()
        })
        .and_then(|script| {
            let root: serde_json::Value = serde_json::from_str(ctx.text("package.json")?).ok()?;
            root["scripts"][script].as_str().map(str::to_string)
        });
    let fan_out = root_script.as_deref().unwrap_or(ci_line);
    match fanned_out_script(fan_out) {
        Some(script) => pkg["scripts"][script.as_str()].is_string(),
        None => true,
    }
}

/// The script a command runs in every workspace package: `pnpm -r do-test`, `pnpm
/// --recursive run test`, `turbo run test`, `npm run test --workspaces`, `lerna run
/// test`, `yarn workspaces foreach run test`.
fn fanned_out_script(cmd: &str) -> Option<String> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let after = |i: usize| {
        words[i + 1..]
            .iter()
            .find(|w| !w.starts_with('-') && **w != "run" && **w != "foreach")
            .map(|w| w.trim_matches(['"', '\'']).to_string())
    };
    for (i, w) in words.iter().enumerate() {
        let recursive_pnpm = *w == "pnpm"
            && words[i + 1..]
                .iter()
                .take_while(|x| x.starts_with('-') || **x == "run")
                .any(|x| matches!(*x, "-r" | "--recursive"));
        if recursive_pnpm || matches!(*w, "turbo" | "lerna") {
            return after(i);
        }
        if matches!(*w, "npm" | "yarn")
            && words[i + 1..]
                .iter()
                .any(|x| matches!(*x, "--workspaces" | "-ws" | "workspaces"))
        {
            return after(i);
        }
    }
    None
}

/// A Maven or Gradle command told not to run the tests (`-DskipTests`,
/// `-Dmaven.test.skip=true`, Gradle's `-x test`).
///
/// A value computed by the CI (`-DskipTests=${{ matrix.os == 'windows-latest' }}`,
/// commafeed's matrix, or a shell variable) skips them in some runs only: the others
/// test. `=false` skips nothing.
fn skips_tests(code: &str) -> bool {
    let skips = |flag: &str| {
        code.match_indices(flag).any(|(at, _)| {
            let rest = &code[at + flag.len()..];
            match rest.strip_prefix('=') {
                Some(v) => {
                    !(v.starts_with("${{")
                        || v.starts_with('$')
                        || v.starts_with("false")
                        || v.starts_with("\"false"))
                }
                None => true,
            }
        })
    };
    skips("-DskipTests")
        || skips("-Dmaven.test.skip")
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
    let infra = ctx.unit.kind == UnitKind::Infrastructure;
    // The unit's own package ecosystems: a `go test` does not test its Rust crate, a
    // `pnpm test` not its Cargo code (navidrome's `nd-pdk`, hoppscotch's relay).
    let ecosystems: BTreeSet<Ecosystem> = ctx
        .files()
        .filter(|f| f.role.is_production())
        .filter_map(|f| match f.kind {
            FileKind::Manifest(e) => Some(e),
            _ => None,
        })
        .collect();
    let js_dir = (ctx.unit.path != "."
        && ctx
            .text(&format!("{}/package.json", ctx.unit.path))
            .is_some())
    .then_some(ctx.unit.path.as_str());
    let covered = |line: &str| js_dir.is_none_or(|d| js_package_covered(ctx, d, line));
    // Maven's `package`/`install`/`deploy` run the test phase first, unless told to skip it.
    let find = |cmd: &str| {
        if skips_tests(cmd) {
            return None;
        }
        test_in(cmd, &ecosystems).or_else(|| {
            infra
                .then(|| chart_test_command().find(cmd))
                .flatten()
                .map(|m| m.as_str().trim().to_string())
        })
    };
    // Each line as the commands it stands for (env values, matrix combinations).
    let lines = |f: &CiFile| -> Vec<(u32, String)> {
        let Some(text) = ctx.text(&f.path) else {
            return Vec::new();
        };
        text.lines()
            .enumerate()
            .filter(|(_, line)| {
                let t = line.trim_start();
                !t.starts_with('#') && !t.starts_with("//")
            })
            .flat_map(|(i, line)| {
                let code = line.split(" #").next().unwrap_or(line);
                let n = i as u32 + 1;
                ci_commands::variants(f, text, n, code)
                    .into_iter()
                    .map(move |v| (n, v.into_owned()))
            })
            .collect()
    };
    let files = ctx.ci_files();
    for f in &files {
        for (n, code) in lines(f) {
            if find(&code).is_some() && covered(&code) {
                let text = ctx.text(&f.path).unwrap_or("");
                let line = text.lines().nth(n as usize - 1).unwrap_or("");
                return Some((f.path.clone(), n, line.trim().chars().take(120).collect()));
            }
        }
    }
    let makefile = ci_commands::root_makefile(ctx);
    for f in &files {
        for (_, code) in lines(f) {
            if !covered(&code) {
                continue;
            }
            let behind = makefile
                .as_ref()
                .filter(|_| code.contains("make "))
                .and_then(|m| ci_commands::through_make(m, &code, &find))
                .or_else(|| ci_commands::through_package_script(ctx, &code, &find))
                .or_else(|| ci_commands::through_composer_script(ctx, &code, &find));
            if let Some(b) = behind {
                return Some((b.path, b.line, format!("{} (from {})", b.what, f.path)));
            }
        }
    }
    None
}

/// A GitHub Actions job named for tests (`tests`, `unit-test`) that calls a reusable
/// workflow kept in another repository (monica's `tests` job calls
/// `monicahq/workflows/.github/workflows/laravel.yml@v2`, which runs phpunit): the
/// commands live there, so the job's name is the evidence there is.
fn remote_test_workflow<'a>(ctx: &Ctx<'a>) -> Option<(&'a str, u32, &'a str)> {
    ctx.ci_files().iter().find_map(|f| {
        let w = f.workflow.as_ref()?;
        w.jobs.iter().find_map(|j| {
            let (uses, line) = j.uses.as_ref()?;
            let remote = !uses.starts_with("./") && uses.contains('@');
            let id = j.id.to_ascii_lowercase();
            (remote && id.contains("test")).then_some((f.path.as_str(), *line, uses.as_str()))
        })
    })
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
        None if let Some((path, line, uses)) = remote_test_workflow(ctx) => Verdict::pass_with(
            format!("tests run in CI by a reusable workflow of another repository ({path}:{line})"),
            vec![
                Finding::at(
                    Location::line(path, line),
                    format!("a test job calls `{uses}`; its commands are not readable offline"),
                )
                .with_snippet(uses.to_string()),
            ],
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
        // commafeed (#13): skipped only in some matrix legs, or not at all.
        for cmd in [
            "mvn install -DskipTests=${{ matrix.os == 'windows-latest' }}",
            "mvn verify -DskipTests=false",
        ] {
            let wf = format!("on: push\njobs:\n  t:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(
                &CHECK,
                &[("pom.xml", "<project/>"), (".github/workflows/ci.yml", &wf)],
            );
            assert_eq!(v.outcome, Outcome::Pass, "{cmd}");
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

    /// monica (#13): its `tests` job calls a reusable workflow of another repository; a
    /// build job calling one is no test run.
    #[test]
    fn a_test_job_calling_a_remote_reusable_workflow_counts() {
        let wf = "on: push\njobs:\n  tests:\n    uses: monicahq/workflows/.github/workflows/laravel.yml@v2\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/tests.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(4));
        let wf = "on: push\njobs:\n  assets:\n    uses: monicahq/workflows/.github/workflows/build_assets.yml@v2\n";
        let v = run_on_files(&CHECK, &[(".github/workflows/build.yml", wf)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// shlinkio/shlink's reusable workflow runs `composer test:${{ inputs.test-group }}:ci`
    /// (a composer script named for tests), and other repositories run tests through a
    /// matrix value or a composer script: none of them counted.
    #[test]
    fn composer_test_scripts_and_matrix_values_count() {
        let composer = "{\"require\": {\"php\": \"^8.4\"}, \"scripts\": {\"check\": [\"@unit\"], \"unit\": \"phpunit --order-by=random\"}}";
        for cmd in [
            "composer test:${{ inputs.test-group }}:ci",
            "composer run-script check",
            "composer unit",
        ] {
            let wf = format!("on: push\njobs:\n  t:\n    steps:\n      - run: {cmd}\n");
            let v = run_on_files(
                &CHECK,
                &[
                    (".github/workflows/ci.yml", wf.as_str()),
                    ("composer.json", composer),
                ],
            );
            assert_eq!(v.outcome, Outcome::Pass, "{cmd}: {v:?}");
        }
        let wf = "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        suite: [lint, test]\n    steps:\n      - run: npm run ${{ matrix.suite }}\n";
        let v = run_on_files(
            &CHECK,
            &[(".github/workflows/ci.yml", wf), ("package.json", "{}")],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: composer install\n";
        let v = run_on_files(
            &CHECK,
            &[
                (".github/workflows/ci.yml", wf),
                ("composer.json", composer),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
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

    /// navidrome (#13): `go test ./...` tests the Go module, not the Rust crate of
    /// `plugins/pdk/rust/nd-pdk`; a `make test` counts for both.
    #[test]
    fn a_command_tests_only_its_own_ecosystem() {
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: go test ./...\n";
        let crate_unit = [
            (".github/workflows/ci.yml", wf),
            ("Cargo.toml", "[package]\nname = \"nd-pdk\"\n"),
            ("src/lib.rs", "pub fn f() {}\n"),
        ];
        assert_eq!(run_on_files(&CHECK, &crate_unit).outcome, Outcome::Fail);
        let wf = "on: push\njobs:\n  t:\n    steps:\n      - run: make test\n";
        let crate_unit = [
            (".github/workflows/ci.yml", wf),
            ("Cargo.toml", "[package]\nname = \"nd-pdk\"\n"),
        ];
        assert_eq!(run_on_files(&CHECK, &crate_unit).outcome, Outcome::Pass);
    }

    /// firefly-iii (#13): "Please make sure to upgrade to the latest version" in an
    /// issue-reply workflow is prose, not `make … test`.
    #[test]
    fn make_in_prose_is_not_a_test_run() {
        let wf = "on: issues\njobs:\n  r:\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: |\n            const body = 'Please make sure to upgrade to the latest version first.'\n";
        assert_eq!(
            run_on_files(&CHECK, &[(".github/workflows/reply.yml", wf)]).outcome,
            Outcome::Fail
        );
        assert!(fanned_out_script("pnpm -r do-test").as_deref() == Some("do-test"));
        assert!(fanned_out_script("pnpm --recursive run test").as_deref() == Some("test"));
        assert!(fanned_out_script("turbo run test --filter=x").as_deref() == Some("test"));
        assert!(fanned_out_script("npm run test --workspaces").as_deref() == Some("test"));
        assert!(fanned_out_script("pnpm test").is_none());
    }
}
