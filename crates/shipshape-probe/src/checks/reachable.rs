//! `probe/reachable` ★: the target answers HTTP at all, quickly.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};
use std::time::Duration;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/reachable",
    title: "The service answers within 2 seconds",
    area: Area::Observability,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Nothing else can be judged about a service that refuses connections, times out or fails the TLS handshake; load balancers and probes give up after a few seconds.",
    evaluation: "GET of the base URL. Pass: any HTTP response within 2 s. Warn: a response after 2 s. Fail: refused, timed out, TLS error or not HTTP.",
    remediation: "Check that the service listens on the probed address and port, that firewalls allow it, and that TLS is configured with a certificate for this name.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    needs: &[Phase::Root],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let ex = &o.root;
    match &ex.result {
        Err(e) => CheckOutcome::fail(format!("{} failed: {e}", ex.request)).with(at(
            ex,
            format!("no HTTP response: {e}"),
            &[],
        )),
        Ok(r) if ex.elapsed > Duration::from_secs(2) => CheckOutcome::warn(format!(
            "answered {} but only after {} ms",
            r.status,
            ex.elapsed.as_millis()
        ))
        .with(at(ex, "slow first answer", &["server"])),
        Ok(r) => CheckOutcome::pass(format!(
            "answered {} in {} ms",
            r.status,
            ex.elapsed.as_millis()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::NetError;
    use shipshape_model::Outcome;

    #[test]
    fn refused_fails_and_answer_passes() {
        let mut o = obs();
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.root = failed("GET /", NetError::Refused);
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(out.summary.contains("refused"));
    }
}
