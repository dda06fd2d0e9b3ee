//! `probe/health-coherent`: the status in a health body agrees with the HTTP status.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::{Observations, Response};
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/health-coherent",
    title: "Health bodies agree with their HTTP status",
    area: Area::Observability,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "Orchestrators and load balancers read only the status code: a body saying DOWN with 200 keeps a broken instance in rotation, and UP with 503 takes a healthy one out.",
    evaluation: "Liveness and readiness responses. The body status (JSON `status` of the IETF draft or Spring Actuator, or a plain-text OK/UP/DOWN) is compared with the code. Pass: they agree, or the body states no status. Fail: DOWN/fail with 2xx, or UP/pass with 5xx.",
    remediation: "Derive the HTTP status from the health result: 200 for pass/UP (and warn), 503 for fail/DOWN.",
    references: &["https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check"],
    needs: &[Phase::Health],
    evaluate,
};

/// `Some(true)` healthy, `Some(false)` unhealthy, `None` when the body states nothing.
pub(crate) fn body_health(r: &Response) -> Option<bool> {
    let word = match r.json() {
        Some(v) => v
            .get("status")
            .and_then(|s| s.as_str())
            .map(str::to_string)?,
        None => {
            let t = r.body_text();
            let t = t.trim();
            if t.len() > 20 {
                return None;
            }
            t.to_string()
        }
    };
    match word.to_ascii_lowercase().as_str() {
        "pass" | "ok" | "up" | "healthy" | "green" | "ready" | "alive" | "serving" | "warn" => {
            Some(true)
        }
        "fail" | "down" | "unhealthy" | "error" | "red" | "critical" | "out_of_service"
        | "not_serving" | "unavailable" => Some(false),
        _ => None,
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let eps: Vec<_> = o.liveness.iter().chain(o.readiness.iter()).collect();
    if eps.is_empty() {
        return CheckOutcome::na("no health endpoint to compare");
    }
    let mut fails = Vec::new();
    for ep in &eps {
        let Some(r) = ep.exchange.response() else {
            continue;
        };
        match (body_health(r), r.is_success()) {
            (Some(false), true) => fails.push(at(
                &ep.exchange,
                format!("body says unhealthy but status is {}", r.status),
                &["content-type"],
            )),
            (Some(true), false) if r.status >= 500 => fails.push(at(
                &ep.exchange,
                format!("body says healthy but status is {}", r.status),
                &["content-type"],
            )),
            _ => {}
        }
    }
    if fails.is_empty() {
        CheckOutcome::pass("health bodies agree with their status codes")
    } else {
        CheckOutcome::fail(format!(
            "{} health endpoint(s) contradict their status code",
            fails.len()
        ))
        .with_all(fails)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::Endpoint;
    use shipshape_model::Outcome;

    #[test]
    fn down_with_200_fails() {
        let mut o = obs();
        o.liveness = Some(Endpoint {
            path: "/health".into(),
            given: false,
            exchange: ex("GET /health", resp(200, &[], "{\"status\":\"DOWN\"}")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.liveness = Some(Endpoint {
            path: "/health".into(),
            given: false,
            exchange: ex("GET /health", resp(503, &[], "{\"status\":\"DOWN\"}")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
