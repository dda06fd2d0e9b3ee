//! `probe/latency-under-load`: a fixed-rate load run meets latency and error targets.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::{LoadPhase, Observations};
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/latency-under-load",
    title: "Latency and errors under a fixed-rate load",
    area: Area::Scalability,
    severity: Severity::High,
    applies_to: "HTTP services, when --load is given",
    rationale: "Latency measured without load says little; an open-model run at a fixed rate shows the queueing users would see at that traffic.",
    evaluation: "Open-model run (requests scheduled at fixed intended times; latency from the intended time, so no coordinated omission). p99 is reported only with ≥ 1,000 samples, otherwise p95 stands in. Pass: p99 < 500 ms, no errors, ≥ 95 % of the target rate. Warn: errors < 1 % and p99 < 2 s. Fail: worse. Not applicable without --load.",
    remediation: "Profile the slow path, add capacity or caching, and set timeouts and concurrency limits so latency stays bounded.",
    references: &[
        "https://github.com/giltene/wrk2",
        "https://k6.io/docs/using-k6/scenarios/executors/constant-arrival-rate/",
    ],
    needs: &[Phase::Load],
    evaluate,
};

/// One-line description of a phase, shared with the other load checks.
pub(crate) fn describe(p: &LoadPhase) -> String {
    let lat = match &p.latency {
        Some(l) => format!(
            "p50 {:.1} ms, p95 {:.1} ms, p99 {}, max {:.1} ms ({} samples)",
            l.p50_ms,
            l.p95_ms,
            l.p99_ms
                .map_or("n/a (<1000 samples)".to_string(), |v| format!("{v:.1} ms")),
            l.max_ms,
            l.samples
        ),
        None => "no latency samples".to_string(),
    };
    format!(
        "{:.0} of {:.0} req/s target over {} connections, {} completed, {} errors, {} unsent; {lat}",
        p.achieved_rate,
        p.target_rate,
        p.connections,
        p.completed,
        p.http_errors + p.net_errors + p.status_429_503,
        p.unsent
    )
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(load) = &o.load else {
        return CheckOutcome::na("no load run (enable with --load)");
    };
    let p = &load.main;
    let errors = p.http_errors + p.net_errors + p.status_429_503 + p.unsent;
    let ratio = if p.scheduled == 0 {
        1.0
    } else {
        errors as f64 / p.scheduled as f64
    };
    let tail = p.latency.as_ref().map(|l| l.p99_ms.unwrap_or(l.p95_ms));
    let achieved = if p.target_rate > 0.0 {
        p.achieved_rate / p.target_rate
    } else {
        0.0
    };
    let text = describe(p);
    let samples = p
        .error_samples
        .iter()
        .take(3)
        .map(|e| Finding::new(e.clone()).with_key(e.clone()));
    match tail {
        Some(t) if errors == 0 && t < 500.0 && achieved >= 0.95 => CheckOutcome::pass(text),
        Some(t) if ratio < 0.01 && t < 2000.0 => CheckOutcome::warn(text).with_all(samples),
        _ => CheckOutcome::fail(text).with_all(samples),
    }
}
