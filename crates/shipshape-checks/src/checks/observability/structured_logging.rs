//! `observability/structured-logging`: the service logs through a structured, levelled logger.

use super::metrics_instrumented::dependency_verdict;
use crate::libraries::Category;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/structured-logging",
        title: "Service uses structured logging",
        area: Area::Observability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "During an incident, logs are searched and aggregated by field (request id, user, status). Free-text `println!`/`print` output cannot be filtered by level or correlated with traces.",
        evaluation: "Passes when a non-development dependency of the unit is a structured or levelled logging library from the library table (tracing/slog/log4rs/env_logger/flexi_logger for Rust; zap, zerolog, logrus, logr for Go; structlog, python-json-logger, loguru for Python; pino, winston, bunyan for Node; Logback/Logstash encoder, Log4j 2, SLF4J for the JVM; Serilog, NLog for .NET; lograge, semantic_logger for Ruby; Monolog for PHP), or when non-test Go code imports the standard library's `log/slog`, or non-test PHP code uses Monolog (`use Monolog\\…`; it often arrives through another package), evidence: that line. Fails otherwise; `error` when a manifest cannot be parsed and nothing was found. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
        remediation: "Adopt a structured logger and log JSON in production, e.g. `tracing` + `tracing-subscriber` (json feature) for Rust, `log/slog` or zap for Go, structlog for Python, pino for Node, Logback with the Logstash encoder for the JVM.",
        references: &[
            "https://opentelemetry.io/docs/specs/otel/logs/",
            "https://12factor.net/logs",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let v = dependency_verdict(
        ctx,
        Category::StructuredLogging,
        "structured logging library",
    );
    if v.outcome == shipshape_model::Outcome::Pass {
        return v;
    }
    if let Some(s) = ctx
        .signals(SignalKind::StructuredLog)
        .find(|s| ctx.facts.role(&s.path).is_production())
    {
        let what = if s.path.ends_with(".go") {
            "standard library `log/slog` imported"
        } else {
            "Monolog used"
        };
        return Verdict::pass_with(
            format!("{what} in {}:{}", s.path, s.line),
            vec![Finding::at(Location::line(&s.path, s.line), what)],
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    /// shlinkio/shlink logs through Monolog (config/autoload/logger.global.php), which
    /// arrives through shlinkio/shlink-common, not its own composer.json: it failed.
    /// A test's use of Monolog is not the service's logging.
    #[test]
    fn php_code_using_monolog_passes_whoever_requires_it() {
        let composer = "{\"require\": {\"php\": \"^8.4\", \"shlinkio/shlink-common\": \"^9.0\"}}";
        let cfg = "<?php\n\ndeclare(strict_types=1);\n\nuse Monolog\\Level;\nuse Monolog\\Logger;\n\nreturn ['logger' => []];\n";
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("composer.json", composer),
                ("config/autoload/logger.global.php", cfg),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("config/autoload/logger.global.php", 5))
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("composer.json", composer),
                ("tests/LoggerTest.php", cfg),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    /// #13: Spring Boot services and Laravel apps declare the framework, not its logger
    /// (Logback through spring-boot-starter-logging, Monolog); they failed as unlogged.
    #[test]
    fn frameworks_that_bring_a_levelled_logger_pass() {
        let pom = "<project>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n";
        let v = run_on_files(&CHECK, &[SVC, ("pom.xml", pom)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        let composer = "{\n  \"require\": {\n    \"laravel/framework\": \"^11.0\"\n  }\n}\n";
        let v = run_on_files(&CHECK, &[SVC, ("composer.json", composer)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // Another Spring library is not a starter.
        let pom = pom.replace(
            "spring-boot-starter-web",
            "spring-boot-configuration-processor",
        );
        let v = run_on_files(&CHECK, &[SVC, ("pom.xml", &pom)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn library_or_slog_passes() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "package.json",
                    "{\n  \"dependencies\": {\n    \"express\": \"4\",\n    \"pino\": \"9\"\n  }\n}",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("package.json", 4))
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "go.mod",
                    "module x\nrequire github.com/go-chi/chi/v5 v5.0.0\n",
                ),
                ("main.go", "package main\n\nimport (\n\t\"log/slog\"\n)\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location, Some(Location::line("main.go", 4)));
    }

    #[test]
    fn plain_output_fails_and_libraries_are_na() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("requirements.txt", "flask==3.0.0\n"),
                ("tests/test_log.go", "import \"log/slog\"\n"),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("requirements.txt"));
        let lib = [("Cargo.toml", "[package]\nname='a'\n"), ("src/lib.rs", "")];
        assert_eq!(run_on_files(&CHECK, &lib).outcome, Outcome::NotApplicable);
    }
}
