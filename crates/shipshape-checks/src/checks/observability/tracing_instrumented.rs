//! `observability/tracing-instrumented`: the service emits distributed traces.

use super::metrics_instrumented::dependency_verdict;
use crate::libraries::Category;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Outcome, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/tracing-instrumented",
        title: "Service is instrumented for distributed tracing",
        area: Area::Observability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "When a request crosses several services, only a trace shows where the time went and which hop failed. Without tracing, latency incidents become guesswork across teams.",
        evaluation: "Passes when a non-development dependency of the unit is a tracing library from the library table (OpenTelemetry SDKs and exporters, tracing-opentelemetry, Jaeger, Zipkin, Datadog dd-trace, Elastic APM, Micrometer Tracing...), or when the unit deploys auto-instrumentation: an OpenTelemetry Collector configuration (YAML with `receivers:`, `exporters:` and `service:` pipelines), an OpenTelemetry Operator resource (`opentelemetry.io` API group) or `instrumentation.opentelemetry.io/inject-*` annotation (in an object's or its pod template's `metadata.annotations`, where the operator reads it), or a Dockerfile that adds a tracing agent (opentelemetry-javaagent, dd-java-agent, `opentelemetry-instrument`, ddtrace-run). Fails otherwise; `error` when a manifest cannot be parsed and nothing was found. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
        remediation: "Add OpenTelemetry (SDK + OTLP exporter, or the language's auto-instrumentation agent), propagate W3C trace context on incoming and outgoing calls, and export to your collector.",
        references: &[
            "https://opentelemetry.io/docs/concepts/signals/traces/",
            "https://opentelemetry.io/docs/collector/configuration/",
        ],
    },
    run,
};

const AGENTS: &[&str] = &[
    "opentelemetry-javaagent",
    "dd-java-agent",
    "opentelemetry-instrument",
    "ddtrace-run",
    "elastic-apm-agent",
    "@opentelemetry/auto-instrumentations-node/register",
];

/// Collector, operator or agent evidence: `(path, line, what)`.
fn deployment_evidence(ctx: &Ctx) -> Option<(String, u32, String)> {
    for o in ctx.k8s() {
        if o.api_version.starts_with("opentelemetry.io/") {
            return Some((
                o.path.clone(),
                o.line,
                format!("{} ({})", o.display(), o.api_version),
            ));
        }
        // The operator reads the annotation on a pod (template) or its namespace.
        let template = match o.kind.as_str() {
            "CronJob" => o
                .doc
                .at(&["spec", "jobTemplate", "spec", "template", "metadata"]),
            _ => o.doc.at(&["spec", "template", "metadata"]),
        };
        let hit = [o.doc.get("metadata"), template]
            .into_iter()
            .flatten()
            .flat_map(|m| m.idx("annotations").entries())
            .find(|(k, _)| k.starts_with("instrumentation.opentelemetry.io/inject-"))
            .map(|(k, v)| (v.line, k.clone()));
        if let Some((line, k)) = hit {
            return Some((
                o.path.clone(),
                line,
                format!("`{k}` annotation on {}", o.display()),
            ));
        }
    }
    for f in ctx.files().filter(|f| !f.in_test) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        match f.kind {
            FileKind::Yaml | FileKind::Compose | FileKind::HelmValues => {
                let top = |k: &str| text.lines().position(|l| l.starts_with(k));
                // One look for `receivers:` settles most files; the others only then.
                if let Some(r) = top("receivers:")
                    && top("exporters:").is_some()
                    && top("service:").is_some()
                {
                    return Some((
                        f.path.clone(),
                        r as u32 + 1,
                        "OpenTelemetry Collector configuration".into(),
                    ));
                }
            }
            FileKind::Dockerfile => {
                if let Some((i, agent)) = text
                    .lines()
                    .enumerate()
                    .find_map(|(i, l)| AGENTS.iter().find(|a| l.contains(*a)).map(|a| (i, *a)))
                {
                    return Some((
                        f.path.clone(),
                        i as u32 + 1,
                        format!("tracing agent `{agent}`"),
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let v = dependency_verdict(ctx, Category::Tracing, "tracing library");
    if v.outcome == Outcome::Pass {
        return v;
    }
    if let Some((path, line, what)) = deployment_evidence(ctx) {
        return Verdict::pass_with(
            format!("{what} in {path}:{line}"),
            vec![Finding::at(Location::line(&path, line), what)],
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn sdk_collector_or_agent_pass() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "Cargo.toml",
                    "[package]\nname='a'\n[dependencies]\naxum='0.8'\nopentelemetry-otlp='0.27'\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("Cargo.toml", 5))
        );
        let collector = "receivers:\n  otlp:\n    protocols: {grpc: {}}\nexporters:\n  otlp: {endpoint: tempo:4317}\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [otlp]}\n";
        let v = run_on_files(&CHECK, &[SVC, ("deploy/otel-collector.yaml", collector)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("deploy/otel-collector.yaml", 1))
        );
        let df = "FROM eclipse-temurin:21-jre\nADD https://github.com/open-telemetry/opentelemetry-java-instrumentation/releases/download/v2.9.0/opentelemetry-javaagent.jar /otel.jar\n";
        let v = run_on_files(&CHECK, &[SVC, ("Dockerfile", df)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("Dockerfile", 2))
        );
    }

    #[test]
    fn operator_annotation_counts_where_the_operator_reads_it() {
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n      annotations:\n        instrumentation.opentelemetry.io/inject-java: \"true\"\n    spec:\n      containers: [{name: api, image: api:1}]\n";
        let v = run_on_files(&CHECK, &[SVC, ("deploy/api.yaml", dep)]);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("deploy/api.yaml", 9))
        );
        // The same key as ConfigMap data is not an annotation: nothing injects agents.
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  instrumentation.opentelemetry.io/inject-java: \"true\"\n";
        let v = run_on_files(&CHECK, &[SVC, ("deploy/notes.yaml", cm)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
    }

    #[test]
    fn logging_only_fails() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "Cargo.toml",
                    "[package]\nname='a'\n[dependencies]\naxum='0.8'\ntracing='0.1'\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
