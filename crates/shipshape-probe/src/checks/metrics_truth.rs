//! `probe/metrics-truth`: the request counter counts the probe's own traffic.

use super::metrics_red::{request_counter, sum_of};
use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::Finding;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-truth",
    title: "The request counter grows by the requests actually sent",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A counter that does not move, or counts wrongly, makes every rate and error-ratio alert meaningless while dashboards look fine.",
    evaluation: "Scrape, send N requests to the base URL, scrape again; the delta of the request counter (chosen as in metrics-red, named in a finding, overridable with --metric-requests) is compared with N (the scrape itself may add up to 2). Pass: within ±5 %. Warn: within ±20 %. Fail: did not move, or further off.",
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
    let given = m.requests_metric.as_deref();
    let cut = [Some(&m.first), m.after_truth.as_ref()]
        .into_iter()
        .flatten()
        .any(|s| s.exchange.response().is_some_and(|r| r.body_truncated));
    let Some(c0) = request_counter(before, given) else {
        if let Some(name) = given {
            return CheckOutcome::error(format!(
                "not evaluated: --metric-requests {name} is not in the exposition"
            ));
        }
        if cut {
            return CheckOutcome::error(format!(
                "not evaluated: the metrics page was cut at {} bytes (--max-metrics-bytes) before a request counter was seen",
                m.cap
            ));
        }
        return CheckOutcome::na(
            "no request counter with a status label to compare (name one with --metric-requests)",
        );
    };
    let name = c0.name();
    let chosen = Finding::new(format!(
        "request counter: {name} (chosen for {}; override with --metric-requests NAME)",
        c0.why
    ))
    .with_key("counter");
    let v0 = sum_of(c0.family, c0.suffix);
    let Some(f1) = after.family(&c0.family.name) else {
        if cut {
            return CheckOutcome::error(format!(
                "not evaluated: {name} is missing from the second scrape, which was cut at {} bytes",
                m.cap
            ))
            .with(chosen);
        }
        return CheckOutcome::fail(format!("{name} disappeared from the second scrape"))
            .with(chosen);
    };
    let v1 = sum_of(f1, c0.suffix);
    let delta = v1 - v0;
    let n = m.truth_sent as f64;
    let text = format!(
        "{name} grew by {delta} after {n} requests to {}",
        m.truth_path
    );
    let within = |tol: f64| delta >= n * (1.0 - tol) && delta <= (n + 2.0) * (1.0 + tol);
    let out = if delta <= 0.0 {
        CheckOutcome::fail(format!("{name} did not move after {n} requests"))
    } else if within(0.05) {
        CheckOutcome::pass(text)
    } else if within(0.20) {
        CheckOutcome::warn(text)
    } else {
        CheckOutcome::fail(text)
    };
    out.with(chosen)
}
