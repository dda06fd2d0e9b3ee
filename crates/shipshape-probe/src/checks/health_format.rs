//! `probe/health-format`: health responses use a machine-readable format.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/health-format",
    title: "Health responses are application/health+json or a known JSON schema",
    area: Area::Observability,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "A structured health body (status, checks, details) lets dashboards and operators see which dependency failed without reading logs.",
    evaluation: "Liveness and readiness bodies. Pass: application/health+json, or JSON with a `status` field (IETF draft, Spring Actuator, MicroProfile). Warn: plain text or JSON without status.",
    remediation: "Answer with application/health+json: {\"status\":\"pass\",\"checks\":{…}}.",
    references: &["https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check"],
    needs: &[Phase::Health],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let eps: Vec<_> = o.liveness.iter().chain(o.readiness.iter()).collect();
    let mut warns = Vec::new();
    let mut checked = 0;
    for ep in &eps {
        let Some(r) = ep.exchange.response() else {
            continue;
        };
        checked += 1;
        let structured = r.media_type().as_deref() == Some("application/health+json")
            || r.json().is_some_and(|v| v.get("status").is_some());
        if !structured {
            warns.push(at(
                &ep.exchange,
                "health body is not structured JSON with a status",
                &["content-type"],
            ));
        }
    }
    if checked == 0 {
        CheckOutcome::na("no health endpoint answered")
    } else if warns.is_empty() {
        CheckOutcome::pass("health responses are structured")
    } else {
        CheckOutcome::warn(format!(
            "{} health response(s) are plain text or lack a status field",
            warns.len()
        ))
        .with_all(warns)
    }
}
