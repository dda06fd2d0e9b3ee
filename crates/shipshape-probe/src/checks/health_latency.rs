//! `probe/health-latency`: the liveness endpoint is fast and stable over 20 calls.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/health-latency",
    title: "Health checks are fast and stable (20 calls)",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A slow or flapping health endpoint makes orchestrators restart healthy instances or keep sick ones; probes usually time out after 1 s.",
    evaluation: "20 sequential calls to the liveness endpoint. Pass: all 2xx, slowest (≈p99) < 1 s. Warn: slowest < 3 s. Fail: any timeout or error, mixed statuses (flapping), or slower.",
    remediation: "Keep health handlers free of slow dependency calls (cache dependency status, check asynchronously) and make them deterministic.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    needs: &[Phase::Health, Phase::HealthSeries],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.health_series.is_empty() {
        return CheckOutcome::na("no liveness endpoint to call repeatedly");
    }
    let n = o.health_series.len();
    let errors: Vec<_> = o
        .health_series
        .iter()
        .filter(|e| e.response().is_none())
        .collect();
    if let Some(e) = errors.first() {
        return CheckOutcome::fail(format!("{} of {n} health calls failed", errors.len()))
            .with(at(e, "health call failed", &[]));
    }
    let statuses: std::collections::BTreeSet<u16> =
        o.health_series.iter().filter_map(|e| e.status()).collect();
    if statuses.len() > 1 {
        return CheckOutcome::fail(format!(
            "health status flapped between {statuses:?} over {n} calls"
        ));
    }
    let mut ms: Vec<u128> = o
        .health_series
        .iter()
        .map(|e| e.elapsed.as_millis())
        .collect();
    ms.sort_unstable();
    let p50 = ms[ms.len() / 2];
    let max = ms[ms.len() - 1];
    let text = format!("{n} calls: p50 {p50} ms, slowest {max} ms");
    if max < 1000 {
        CheckOutcome::pass(text)
    } else if max < 3000 {
        CheckOutcome::warn(text)
    } else {
        CheckOutcome::fail(text)
    }
}
