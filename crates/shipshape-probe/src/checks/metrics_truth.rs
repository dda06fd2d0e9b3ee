//! `probe/metrics-truth`: the request counter counts the probe's own traffic.

use super::metrics_red::{counter_sum, request_counter};
use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-truth",
    title: "The request counter grows by the requests actually sent",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A counter that does not move, or counts wrongly, makes every rate and error-ratio alert meaningless while dashboards look fine.",
    evaluation: "Scrape, send N requests to the base URL, scrape again; the delta of the request counter is compared with N (the scrape itself may add up to 2). Pass: within ±5 %. Warn: within ±20 %. Fail: did not move, or further off.",
    remediation: "Make sure the metrics middleware wraps every route (including 404s) and that the exposed counter is not per-instance sampled or cached.",
    references: &[
        "https://prometheus.io/docs/practices/instrumentation/#counter-vs-gauge-summary-vs-histogram",
    ],
    needs: &[Phase::Metrics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(m) = &o.metrics else {
        return CheckOutcome::na("no metrics endpoint");
    };
    let (Some(before), Some(after)) = (
        m.first.exposition.as_ref(),
        m.after_truth.as_ref().and_then(|s| s.exposition.as_ref()),
    ) else {
        return CheckOutcome::error("the second scrape did not happen or did not parse");
    };
    let Some(c0) = request_counter(before) else {
        return CheckOutcome::na("no request counter with a status label to compare");
    };
    let v0 = counter_sum(c0);
    let v1 = after.family(&c0.name).map_or(0.0, counter_sum);
    let delta = v1 - v0;
    let n = m.truth_sent as f64;
    let text = format!(
        "{} grew by {delta} after {n} requests to {}",
        c0.name, m.truth_path
    );
    let within = |tol: f64| delta >= n * (1.0 - tol) && delta <= (n + 2.0) * (1.0 + tol);
    if delta <= 0.0 {
        CheckOutcome::fail(format!("{} did not move after {n} requests", c0.name))
    } else if within(0.05) {
        CheckOutcome::pass(text)
    } else if within(0.20) {
        CheckOutcome::warn(text)
    } else {
        CheckOutcome::fail(text)
    }
}
