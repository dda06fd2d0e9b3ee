//! `observability/metrics-instrumented`: the service exports metrics.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/metrics-instrumented",
        title: "Service is instrumented with metrics",
        area: Area::Observability,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "Metrics are how you learn a service is slow or failing before users tell you. Without a metrics client there is nothing to alert or build dashboards on.",
        evaluation: "Passes when any manifest of the unit (Cargo.toml, package.json, pyproject/requirements, go.mod, pom.xml, build.gradle, Gemfile, composer.json, *.csproj) declares a metrics client: Prometheus clients, OpenTelemetry metrics SDKs, Micrometer/Spring Actuator, StatsD/Datadog, the `metrics` crate and others in the library table (`crates/shipshape-checks/src/libraries.rs`). Development-only dependencies do not count. Fails otherwise; errors when a manifest cannot be parsed and nothing was found. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
        remediation: "Add a metrics client and expose a /metrics endpoint (e.g. `prometheus-client` for Rust, `prom-client` for Node, `prometheus_client` for Python, `client_golang` for Go, Micrometer for the JVM) with request rate, errors and duration.",
        references: &[
            "https://prometheus.io/docs/practices/instrumentation/",
            "https://opentelemetry.io/docs/concepts/signals/metrics/",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    dependency_verdict(ctx, Category::Metrics, "metrics client")
}

/// Shared by the "library present" checks: pass with the dependency's evidence,
/// error when a manifest failed to parse and nothing was found, fail otherwise.
pub(crate) fn dependency_verdict(ctx: &Ctx, cat: Category, what: &str) -> Verdict {
    if let Some(d) = libraries::find(ctx.runtime_deps().into_iter().filter(|d| !d.dev), cat) {
        return Verdict::pass_with(
            format!("{what} `{}` {}", d.name, ctx.declared_where(d)),
            vec![Finding::at(
                Location::line(&d.manifest, d.line),
                format!("`{}`", d.name),
            )],
        );
    }
    let errors: Vec<_> = ctx
        .facts
        .dependencies()
        .errors
        .iter()
        .filter(|(p, _)| ctx.in_unit(p))
        .collect();
    if !errors.is_empty() {
        return Verdict::error(format!(
            "no {what} found, but {} manifest(s) could not be parsed: {}",
            errors.len(),
            errors
                .iter()
                .map(|(p, e)| format!("{p}: {e}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let manifests: Vec<String> = ctx
        .files_of(|k| matches!(k, shipshape_facts::FileKind::Manifest(_)))
        .filter(|f| ctx.in_unit(&f.path))
        .map(|f| f.path.clone())
        .collect();
    Verdict::fail(
        format!("no {what} among the unit's dependencies"),
        vec![Finding::new(if manifests.is_empty() {
            "no package manifest found in the unit".to_string()
        } else {
            // A solution with dozens of project files: name a few.
            const SHOWN: usize = 5;
            let more = manifests.len().saturating_sub(SHOWN);
            let shown = manifests[..manifests.len().min(SHOWN)].join(", ");
            if more > 0 {
                format!("no {what} in {shown} and {more} more manifest(s)")
            } else {
                format!("no {what} in {shown}")
            }
        })],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn finds_clients_ignores_dev_dependencies() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "package.json",
                    "{\"dependencies\":{\"express\":\"4\",\"prom-client\":\"15\"}}",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "package.json",
                    "{\"devDependencies\":{\"prom-client\":\"15\"}}",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let v = run_on_files(&CHECK, &[SVC, ("Cargo.toml", "[dependencies\n")]);
        assert_eq!(v.outcome, Outcome::Error);
    }
}
