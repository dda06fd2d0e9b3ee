//! `observability/health-endpoint`: the service exposes a health check.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/health-endpoint",
        title: "Service exposes a health endpoint",
        area: Area::Observability,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        applies_to: "services",
        rationale: "Orchestrators, load balancers and on-call engineers need a cheap, reliable way to ask \"are you alive and ready?\". Without one, a hung process keeps receiving traffic.",
        evaluation: "Passes when non-test code of the unit defines an HTTP route whose path is a health path (/health, /healthz, /livez, /readyz, /ready, /ping, /actuator/health, with an optional /api prefix) in any framework, or registers a gRPC health service; or when a Kubernetes probe (httpGet path, grpc, exec) or a Dockerfile HEALTHCHECK exists for the unit. The evidence is the first definition found. Fails otherwise.",
        remediation: "Add a cheap liveness route (e.g. GET /healthz returning 200) and a readiness route that checks dependencies (GET /readyz), and point your orchestrator's probes at them.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
            "https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    if let Some(s) = ctx.signals(SignalKind::HealthRoute).next() {
        return Verdict::pass_with(
            format!("health route defined in {}:{}", s.path, s.line),
            vec![
                Finding::at(Location::line(&s.path, s.line), "health route")
                    .with_snippet(s.text.clone()),
            ],
        );
    }
    for w in ctx.workloads() {
        for c in w.containers(false) {
            for probe in ["livenessProbe", "readinessProbe"] {
                if let Some(p) = c.get(probe) {
                    let path = p
                        .at(&["httpGet", "path"])
                        .and_then(|x| x.as_str())
                        .unwrap_or("(exec/tcp/grpc probe)");
                    return Verdict::pass_with(
                        format!("{probe} on {} ({path})", w.display()),
                        vec![Finding::at(
                            Location::line(&w.path, p.line),
                            format!("{probe} {path}"),
                        )],
                    );
                }
            }
        }
    }
    for d in ctx.dockerfiles() {
        if let Some(h) = d.final_stage().and_then(|s| s.healthcheck())
            && !h.args.trim().eq_ignore_ascii_case("none")
        {
            return Verdict::pass_with(
                format!("HEALTHCHECK in {}:{}", d.path, h.line),
                vec![Finding::at(
                    Location::line(&d.path, h.line),
                    format!("HEALTHCHECK {}", h.args),
                )],
            );
        }
    }
    Verdict::fail(
        "no health endpoint found",
        vec![Finding::new(
            "no health route (/health, /healthz, /livez, /readyz, /ready, /ping, /actuator/health) in code, no Kubernetes probe, no Dockerfile HEALTHCHECK",
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
    fn route_probe_or_healthcheck_pass() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "src/main.rs",
                    "let app = Router::new()\n  .route(\"/healthz\", get(ok));\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let k = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          readinessProbe:\n            httpGet: {path: /ready, port: 80}\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("k8s/d.yaml", k)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(
                &CHECK,
                &[
                    SVC,
                    (
                        "Dockerfile",
                        "FROM a:1\nHEALTHCHECK CMD curl -f localhost/\n"
                    )
                ]
            )
            .outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn test_code_and_absence_fail() {
        let v = run_on_files(
            &CHECK,
            &[SVC, ("tests/api_test.py", "client.get('/health')\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            run_on_files(
                &CHECK,
                &[SVC, ("Dockerfile", "FROM a:1\nHEALTHCHECK NONE\n")]
            )
            .outcome,
            Outcome::Fail
        );
    }
}
