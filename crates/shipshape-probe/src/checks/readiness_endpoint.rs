//! `probe/readiness-endpoint`: a readiness endpoint separate from liveness.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/readiness-endpoint",
    title: "A readiness endpoint separate from liveness",
    area: Area::Observability,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "Readiness (can I take traffic now?) and liveness (should I be restarted?) answer different questions; using one endpoint for both restarts instances whose dependency is briefly down.",
    evaluation: "The given --readiness-path, else the first of /readyz, /-/ready (Prometheus), /ready (Envoy), /health/ready, /health/readiness, /actuator/health/readiness that answers like a health endpoint (judged by its body, as for liveness). Pass: found at a path other than the liveness path. Warn: readiness is the liveness endpoint, or only liveness exists. Fail: neither exists.",
    remediation: "Expose a readiness endpoint (e.g. /readyz) that checks the dependencies the instance needs to serve, and keep liveness cheap.",
    references: &["https://kubernetes.io/docs/reference/using-api/health-checks/"],
    needs: &[Phase::Health],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    match (&o.readiness, &o.liveness) {
        (Some(r), Some(l)) if r.path == l.path => {
            CheckOutcome::warn(format!("readiness and liveness share {}", r.path)).with(at(
                &r.exchange,
                "readiness is the liveness endpoint",
                &["content-type"],
            ))
        }
        (Some(r), _)
            if r.exchange
                .response()
                .and_then(|resp| {
                    resp.is_success()
                        .then(|| crate::classify::health_body_problem(resp))
                })
                .flatten()
                .is_some() =>
        {
            CheckOutcome::warn(format!(
                "{} answers, but its body is not a health answer",
                r.path
            ))
            .with(at(
                &r.exchange,
                "the body is not a health answer",
                &["content-type"],
            ))
        }
        (Some(r), _) => CheckOutcome::pass(format!(
            "readiness endpoint {} answered {}",
            r.path,
            r.exchange.status_text()
        )),
        (None, Some(l)) => CheckOutcome::warn(format!(
            "no separate readiness endpoint; only liveness at {}",
            l.path
        )),
        (None, None) => {
            let tried: Vec<String> = o
                .readiness_tried
                .iter()
                .map(super::liveness_endpoint::tried_line)
                .collect();
            CheckOutcome::fail("no readiness (or liveness) endpoint found").with(
                shipshape_model::Finding::new(format!("tried: {}", tried.join("; ")))
                    .with_key("tried"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::Endpoint;
    use shipshape_model::Outcome;

    #[test]
    fn shared_path_warns() {
        let mut o = obs();
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        let e = |p: &str| Endpoint {
            path: p.into(),
            given: false,
            exchange: ex(&format!("GET {p}"), resp(200, &[], "")),
        };
        o.liveness = Some(e("/healthz"));
        o.readiness = Some(e("/healthz"));
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        o.readiness = Some(e("/readyz"));
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
