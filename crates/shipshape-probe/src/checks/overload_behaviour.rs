//! `probe/overload-behaviour`: a spike is shed with 429/503 + Retry-After and the service recovers.

use super::latency_under_load::describe;
use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/overload-behaviour",
    title: "Overload is shed with 429/503 + Retry-After, and latency recovers",
    area: Area::Scalability,
    severity: Severity::Medium,
    applies_to: "HTTP services, when --load is given",
    rationale: "Under overload a service should refuse quickly and tell clients when to retry, not queue until everything times out; afterwards it must recover on its own.",
    evaluation: "After the main run, a 3 s spike at 4× the rate, then liveness calls every 250 ms for up to 10 s. Pass: the spike was absorbed, or shed with 429/503 carrying Retry-After, and latency recovered. Warn: shed without Retry-After. Fail: timeouts/resets during the spike, or no recovery within 10 s.",
    remediation: "Add admission control (concurrency limits, load shedding) that answers 429/503 with Retry-After, and timeouts on every dependency call.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        "https://aws.amazon.com/builders-library/using-load-shedding-to-avoid-overload/",
    ],
    needs: &[Phase::Load],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(load) = &o.load else {
        return CheckOutcome::na("no load run (enable with --load)");
    };
    let Some(spike) = &load.spike else {
        return CheckOutcome::error("the spike did not run (time budget)");
    };
    let f = Finding::new(format!("spike: {}", describe(spike))).with_key("spike");
    let Some(rec) = load.recovered_after else {
        return CheckOutcome::fail("latency did not recover within 10 s after the spike").with(f);
    };
    if spike.net_errors > 0 || spike.unsent > 0 {
        return CheckOutcome::fail(format!(
            "{} timeouts/resets and {} unsent requests during the spike",
            spike.net_errors, spike.unsent
        ))
        .with(f);
    }
    if spike.status_429_503 > 0 && spike.with_retry_after < spike.status_429_503 {
        return CheckOutcome::warn(format!(
            "{} of {} shed responses lack Retry-After",
            spike.status_429_503 - spike.with_retry_after,
            spike.status_429_503
        ))
        .with(f);
    }
    CheckOutcome::pass(format!(
        "spike {} ({} shed with 429/503), recovered after {:.1} s",
        if spike.status_429_503 > 0 {
            "shed"
        } else {
            "absorbed"
        },
        spike.status_429_503,
        rec.as_secs_f64()
    ))
    .with(f)
}
