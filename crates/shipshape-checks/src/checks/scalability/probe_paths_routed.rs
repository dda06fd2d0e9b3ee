//! `scalability/probe-paths-routed` (cross-artifact): Kubernetes probe paths are routes the code defines.

use super::k8s_util::{container_name, nothing_to_judge};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/probe-paths-routed",
        title: "Probe paths exist as routes in the code",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes httpGet probes on health-style paths and health routes in their code",
        rationale: "A readiness probe aimed at a path the service does not serve keeps every pod unready (or, for liveness, restarts them forever). It typically happens when a route is renamed in code but not in the manifests — no single-file linter can see it.",
        evaluation: "Cross-checks manifests against code. For each `httpGet` liveness/readiness/startup probe of the unit's workloads whose path is a health-style path (/health, /healthz, /livez, /readyz, /ready, /ping, /actuator/health..., optionally under /api), looks for the same path among the health routes recorded in the unit's non-test code. A route whose path is a suffix of the probe path (a router mounted under a prefix) matches; /actuator/* probes match when Spring Boot Actuator is a dependency. Fails with one finding per probe whose path no route defines, at the probe's path line, naming the routes that do exist. `n/a` without such probes, or when the code defines no health route at all (nothing to compare against; observability/health-endpoint covers that); other paths cannot be verified from recorded signals and are skipped.",
        remediation: "Point the probe at the path the service actually serves (or add the route): keep the route and the manifest in the same change, ideally with a constant shared by both.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-liveness-http-request",
        ],
    },
    run,
};

const HEALTH_WORDS: &[&str] = &[
    "health",
    "healthz",
    "healthcheck",
    "health-check",
    "health_check",
    "_health",
    "livez",
    "liveness",
    "livenessz",
    "readyz",
    "ready",
    "readiness",
    "ping",
];

/// The route path inside a recorded signal's text (`"/healthz"` → `/healthz`).
fn route_path(text: &str) -> Option<&str> {
    let t = text.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    t.starts_with('/').then_some(t)
}

fn is_health_path(path: &str) -> bool {
    let p = path.trim_start_matches("/api").trim_start_matches('/');
    let first = p.split('/').next().unwrap_or("");
    HEALTH_WORDS.contains(&first) || p.starts_with("actuator/health")
}

fn run(ctx: &Ctx) -> Verdict {
    let mut probes = Vec::new();
    for w in ctx.workloads() {
        for c in w.containers(false) {
            for kind in ["livenessProbe", "readinessProbe", "startupProbe"] {
                if let Some(p) = c.at(&[kind, "httpGet", "path"])
                    && let Some(path) = p.as_str()
                {
                    let path = path.split('?').next().unwrap_or(path).to_string();
                    if is_health_path(&path) {
                        probes.push((w, container_name(c), kind, path, p.line));
                    }
                }
            }
        }
    }
    if probes.is_empty() {
        return nothing_to_judge(ctx, "no httpGet probe on a health-style path");
    }
    let routes: Vec<(String, &str, u32)> = ctx
        .signals(SignalKind::HealthRoute)
        .filter_map(|s| Some((route_path(&s.text)?.to_string(), s.path.as_str(), s.line)))
        .collect();
    if routes.is_empty() {
        return Verdict::not_applicable(
            "the code defines no recognisable health route to compare probes with",
        );
    }
    let actuator = ctx
        .deps()
        .any(|d| d.name.ends_with("spring-boot-starter-actuator"));
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for (w, name, kind, path, line) in &probes {
        if actuator && path.starts_with("/actuator/") {
            continue;
        }
        match routes
            .iter()
            .find(|(r, _, _)| r == path || path.ends_with(r.as_str()))
        {
            Some((r, file, l)) => good.push(Finding::at(
                Location::line(*file, *l),
                format!("{kind} {path} of {} served by `{r}`", w.display()),
            )),
            None => {
                let known: Vec<&str> = routes.iter().map(|(r, _, _)| r.as_str()).collect();
                bad.push(
                    Finding::at(
                        Location::line(&w.path, *line),
                        format!("{kind} of container `{name}` in {} requests {path}, but the code defines only {}", w.display(), known.join(", ")),
                    )
                    .with_key(format!("{}:{name}:{kind}", w.display())),
                );
            }
        }
    }
    if bad.is_empty() {
        Verdict::pass_with(
            format!("{} probe path(s) match routes in the code", probes.len()),
            good,
        )
    } else {
        Verdict::fail(
            format!("{} probe path(s) not defined in the code", bad.len()),
            bad,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn dep(path: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          readinessProbe:\n            httpGet:\n              path: {path}\n              port: 8080\n"
        )
    }
    const CODE: (&str, &str) = (
        "src/main.rs",
        "fn app() -> Router { Router::new().route(\"/healthz\", get(ok)) }\n",
    );

    #[test]
    fn matching_renamed_and_unverifiable() {
        let v = run_on_files(&CHECK, &[CODE, ("k8s/api.yaml", &dep("/healthz"))]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().path, "src/main.rs");
        let v = run_on_files(&CHECK, &[CODE, ("k8s/api.yaml", &dep("/health"))]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(12));
        assert!(v.findings[0].message.contains("/healthz"));
        assert_eq!(
            run_on_files(&CHECK, &[CODE, ("k8s/api.yaml", &dep("/v1/healthz"))]).outcome,
            Outcome::NotApplicable,
            "not a health-style path at the root"
        );
        assert_eq!(
            run_on_files(&CHECK, &[("k8s/api.yaml", &dep("/healthz"))]).outcome,
            Outcome::NotApplicable
        );
    }
}
