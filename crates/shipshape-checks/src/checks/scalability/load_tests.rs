//! `scalability/load-tests`: the service has load or performance tests.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/load-tests",
        title: "Load or performance tests exist",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Capacity you have not measured is a guess. Load tests find the breaking point, the slow endpoint and the connection-pool limit before a traffic spike does.",
        evaluation: "Passes on the first of: a load-testing dependency (Locust, k6 (npm, or go.k6.io/k6 for xk6 extensions), Artillery, autocannon, Gatling, vegeta, goose, NBomber); a load-test file or directory in the unit outside vendored code (locustfile*.py, *.jmx JMeter plans, *Simulation.scala/.java/.kt Gatling simulations, artillery*.yml, k6*.js, or any file under a directory named load-test(s), loadtest(s), load_tests, load-generator, loadgen, perf, performance, stress, k6 or gatling); a CI line running `k6 run`, `locust`, `artillery run`, `vegeta attack`, `jmeter -n`, `gatling`, `hey`, `wrk`, `ab -n` or `ghz`. Fails otherwise.",
        remediation: "Add a load test for the main user journeys (e.g. k6 script under load-tests/ or a locustfile.py), run it against a staging environment before releases, and record the capacity it shows.",
        references: &[
            "https://grafana.com/docs/k6/latest/testing-guides/test-types/",
            "https://docs.locust.io/",
        ],
    },
    run,
};

const DIRS: &[&str] = &[
    "load-test",
    "load-tests",
    "loadtest",
    "loadtests",
    "load_tests",
    "load_test",
    "perf",
    "performance",
    "stress",
    "k6",
    "gatling",
    "load-generator",
    "load_generator",
    "loadgenerator",
    "loadgen",
];

fn ci_command() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\bk6\s+(?:run|cloud)\b|\blocust\b|\bartillery\s+run\b|\bvegeta\s+attack\b|\bjmeter\s+-n\b|\bgatling(?:\.sh|:test)?\b|\bhey\s+-[nzc]\b|\bwrk\s+-[tcd]\b|\bab\s+-n\b|\bghz\s+--").expect("constant regex")
    })
}

fn is_load_test_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    name.starts_with("locustfile")
        || name.ends_with(".jmx")
        || name.ends_with("simulation.scala")
        || name.ends_with("simulation.java")
        || name.ends_with("simulation.kt")
        || (name.starts_with("artillery") && (name.ends_with(".yml") || name.ends_with(".yaml")))
        || (name.starts_with("k6") && (name.ends_with(".js") || name.ends_with(".ts")))
        || parts.iter().any(|d| DIRS.contains(d))
}

fn run(ctx: &Ctx) -> Verdict {
    if let Some(d) = libraries::find(ctx.deps(), Category::LoadTesting) {
        return Verdict::pass_with(
            format!("load-testing tool `{}`", d.name),
            vec![Finding::at(
                Location::line(&d.manifest, d.line),
                format!("`{}`", d.name),
            )],
        );
    }
    if let Some(f) = ctx.files().find(|f| is_load_test_file(&f.path)) {
        return Verdict::pass_with(
            format!("load test {}", f.path),
            vec![Finding::at(Location::file(&f.path), "load-test file")],
        );
    }
    let re = ci_command();
    for f in ctx
        .ci_files()
        .iter()
        .filter(|f| !shipshape_facts::signals::is_test_path(&f.path))
    {
        if let Some((line, text)) = ctx.text(&f.path).and_then(|t| {
            shipshape_facts::ci::find_line(t, |l| {
                !l.trim_start().starts_with('#') && re.is_match(l)
            })
        }) {
            return Verdict::pass_with(
                format!("load test runs in {}:{line}", f.path),
                vec![
                    Finding::at(Location::line(&f.path, line), "load test in CI")
                        .with_snippet(text),
                ],
            );
        }
    }
    Verdict::fail(
        "no load or performance tests",
        vec![Finding::new(
            "looked for: load-testing dependencies (locust, k6, artillery, gatling, vegeta...), locustfile/JMeter/Gatling/k6/Artillery files, load-test/perf directories, load-test commands in CI",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn files_dependencies_ci_and_absence() {
        assert_eq!(
            run_on_files(
                &CHECK,
                &[
                    SVC,
                    ("load-tests/checkout.js", "import http from 'k6/http';")
                ]
            )
            .outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("perf/locustfile.py", "from locust import HttpUser")]
            )
            .outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("requirements-dev.txt", "locust==2.32\n")]).outcome,
            Outcome::Pass
        );
        let wf = "on: workflow_dispatch\njobs:\n  l:\n    steps:\n      - run: k6 run scripts/smoke.js\n";
        let v = run_on_files(&CHECK, &[SVC, (".github/workflows/load.yml", wf)]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
        let v = run_on_files(&CHECK, &[SVC, ("src/main.rs", "fn main(){}")]);
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn load_generator_directories_and_xk6_extensions() {
        // Regression: opentelemetry-demo keeps its k6 script in src/load-generator/script.js
        // and an xk6 extension (go.mod requiring go.k6.io/k6/v2); both were missed.
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "src/load-generator/script.js",
                    "import http from 'k6/http'\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let gomod =
            "module example.com/xk6-otel\n\ngo 1.24\n\nrequire (\n\tgo.k6.io/k6/v2 v2.2.0\n)\n";
        let v = run_on_files(&CHECK, &[SVC, ("tools/xk6-otel/go.mod", gomod)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("tools/xk6-otel/go.mod", 6))
        );
        // A code generator is not a load generator.
        let v = run_on_files(&CHECK, &[SVC, ("src/generator/main.go", "package main\n")]);
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
