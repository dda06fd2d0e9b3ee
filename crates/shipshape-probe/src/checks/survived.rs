//! `probe/survived` ★: after the hostile traffic the service is still alive and not restarted.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/survived",
    title: "The service survives the probe (alive, not restarted)",
    area: Area::Scalability,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "If a few dozen malformed requests (or a short load run) kill or restart a service, any client can take it down.",
    evaluation: "A watcher connects to the target every 500 ms through the whole probe. At the end, the liveness endpoint (or the base URL) is requested again and process_start_time_seconds compared with the first scrape. Pass: same answer class as at the start and the start time unchanged. Fail: the watcher saw the target refuse connections at any time (the finding says from when to when), no answer at the end, now failing, or restarted.",
    remediation: "Find the request that crashed the process (see the other failures) and handle it; add panic/exception recovery middleware.",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts",
    ],
    needs: &[
        Phase::Health,
        Phase::Metrics,
        Phase::Malformed,
        Phase::Hostile,
        Phase::Oversized,
        Phase::Survival,
    ],
    evaluate,
};

fn start_time(o: &Observations, last: bool) -> Option<f64> {
    let m = o.metrics.as_ref()?;
    let scrape = if last { m.last.as_ref()? } else { &m.first };
    let f = scrape
        .exposition
        .as_ref()?
        .family("process_start_time_seconds")?;
    f.samples.first().map(|s| s.value)
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if !o.down.is_empty() {
        let spans: Vec<String> = o.down.iter().map(|d| d.describe()).collect();
        return CheckOutcome::fail(format!(
            "the target was unavailable during the probe: {}",
            spans.join("; ")
        ))
        .with_all(o.down.iter().map(|d| {
            shipshape_model::Finding::new(format!("target unavailable {}", d.describe()))
                .with_key(format!("down {}", d.from as i64))
        }));
    }
    let Some(ex) = &o.survived else {
        return CheckOutcome::error("the final liveness request was not sent");
    };
    if ex.budget_cut() {
        return CheckOutcome::error(format!("not evaluated: {}", ex.status_text()));
    }
    let before = o.liveness.as_ref().map_or(&o.root, |l| &l.exchange);
    let Some(r) = ex.response() else {
        return CheckOutcome::fail(format!(
            "the service no longer answers: {}",
            ex.status_text()
        ))
        .with(at(ex, "no answer after the probe", &[]));
    };
    let was_ok = before.response().is_some_and(|b| b.is_success());
    if was_ok && !r.is_success() {
        return CheckOutcome::fail(format!("{} now answers {}", ex.request, r.status)).with(at(
            ex,
            "unhealthy after the probe",
            &["content-type"],
        ));
    }
    if let (Some(a), Some(b)) = (start_time(o, false), start_time(o, true))
        && a != b
    {
        return CheckOutcome::fail(format!(
            "process_start_time_seconds changed from {a} to {b}: the service restarted"
        ));
    }
    CheckOutcome::pass(format!(
        "{} still answers {} and the process did not restart",
        ex.request, r.status
    ))
}
