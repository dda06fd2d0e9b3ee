//! `probe/liveness-endpoint` ★: a liveness endpoint exists and answers 2xx within 1 s.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};
use std::time::Duration;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/liveness-endpoint",
    title: "A liveness endpoint answers 2xx within 1 s",
    area: Area::Observability,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Orchestrators and load balancers restart or route around an instance only if it can say whether it is alive; without an endpoint a hung process keeps receiving traffic.",
    evaluation: "The given --health-path, else the first of /livez, /healthz, /-/healthy (Prometheus, Alertmanager), /health/live, /health/liveness, /actuator/health/liveness, /health, /actuator/health, /status, /ping, /v1/status/leader (Consul) that answers like a health endpoint (requested without credentials, as a kubelet would). The body is evidence: a 2xx counts only when it is small and health-like (empty, JSON or application/health+json, or a short plain-text line) — never the metrics page, an HTML index or a binary body, and never the answer every unknown path gets. Pass: 2xx within 1 s at a liveness path. Warn: only a generic /health (or /status, /ping, Consul's leader status), 2xx slower than 1 s, or a given path whose body is not a health answer. Fail: none found, or it answers non-2xx.",
    remediation: "Expose a cheap, dependency-free liveness endpoint (e.g. GET /livez → 200 {\"status\":\"pass\"}) and point the orchestrator's liveness probe at it.",
    references: &[
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check",
    ],
    needs: &[Phase::Health],
    evaluate,
};

/// Paths considered generic rather than liveness-specific.
const GENERIC: &[&str] = &[
    "/health",
    "/actuator/health",
    "/status",
    "/ping",
    "/v1/status/leader",
];

/// `GET /x → 200 (the body is the metrics page …)` for the list of tried paths.
pub(crate) fn tried_line(e: &crate::observe::Exchange) -> String {
    match e.response() {
        Some(r) if r.is_success() => match crate::classify::health_body_problem(r) {
            Some(why) => format!("{} → {} but {why}", e.request, r.status),
            None => format!(
                "{} → {} (same answer as an unknown path)",
                e.request, r.status
            ),
        },
        _ => format!("{} → {}", e.request, e.status_text()),
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(ep) = &o.liveness else {
        let tried: Vec<String> = o.liveness_tried.iter().map(tried_line).collect();
        return CheckOutcome::fail(format!(
            "no liveness endpoint found ({} paths tried)",
            tried.len()
        ))
        .with(Finding::new(format!("tried: {}", tried.join("; "))).with_key("tried"));
    };
    let ex = &ep.exchange;
    let hdrs = &["content-type"];
    let Some(r) = ex.response() else {
        return CheckOutcome::fail(format!("{} failed: {}", ex.request, ex.status_text()))
            .with(at(ex, "liveness endpoint did not answer", &[]));
    };
    if !r.is_success() {
        return CheckOutcome::fail(format!("{} answered {}", ex.request, r.status)).with(at(
            ex,
            "liveness endpoint reports not alive",
            hdrs,
        ));
    }
    if ex.elapsed > Duration::from_secs(1) {
        return CheckOutcome::warn(format!(
            "{} answered {} but took {} ms",
            ex.request,
            r.status,
            ex.elapsed.as_millis()
        ))
        .with(at(ex, "liveness slower than 1 s", hdrs));
    }
    if let Some(why) = crate::classify::health_body_problem(r) {
        return CheckOutcome::warn(format!("{} answered {} but {why}", ex.request, r.status))
            .with(at(ex, "the body is not a health answer", hdrs));
    }
    let generic = GENERIC.iter().any(|g| ep.path.ends_with(g));
    if generic && !ep.given {
        return CheckOutcome::warn(format!(
            "only a generic health endpoint ({}) was found",
            ep.path
        ))
        .with(at(ex, "generic health endpoint used as liveness", hdrs));
    }
    CheckOutcome::pass(format!(
        "{} answered {} in {} ms",
        ex.request,
        r.status,
        ex.elapsed.as_millis()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::Endpoint;
    use shipshape_model::Outcome;

    #[test]
    fn graded_by_presence_status_and_path() {
        let mut o = obs();
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.liveness = Some(Endpoint {
            path: "/livez".into(),
            given: false,
            exchange: ex("GET /livez", resp(200, &[], "ok")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.liveness = Some(Endpoint {
            path: "/health".into(),
            given: false,
            exchange: ex("GET /health", resp(200, &[], "ok")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        o.liveness = Some(Endpoint {
            path: "/livez".into(),
            given: false,
            exchange: ex("GET /livez", resp(503, &[], "down")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }

    #[test]
    fn given_path_answering_the_metrics_page_warns() {
        let mut o = obs();
        o.liveness = Some(Endpoint {
            path: "/healthz".into(),
            given: true,
            exchange: ex(
                "GET /healthz",
                resp(
                    200,
                    &[("content-type", "text/plain; version=0.0.4")],
                    "# TYPE up gauge\nup 1\nx_total 2\n",
                ),
            ),
        });
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Warn);
        assert!(
            out.summary.contains("metrics exposition"),
            "{}",
            out.summary
        );
    }
}
