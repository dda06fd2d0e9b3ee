//! `probe/metrics-parse`: the exposition passes a strict parse.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-parse",
    title: "The metrics exposition parses strictly",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "Prometheus drops a whole scrape on a syntax error, silently losing every metric of the target; broken histograms produce wrong quantiles.",
    evaluation: "Strict parse of the first scrape, read whole up to --max-metrics-bytes (default 16 MiB). A page longer than the cap is reported as cut (not evaluated), never as a syntax error. Pass: no problem. Fail: bad syntax, duplicate series, non-cumulative buckets, a +Inf bucket different from _count, a missing +Inf bucket, or OpenMetrics without `# EOF`.",
    remediation: "Use a maintained client library rather than hand-written exposition; check with `promtool check metrics`.",
    references: &[
        "https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details",
    ],
    needs: &[Phase::Metrics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(m) = &o.metrics else {
        return CheckOutcome::na("no metrics endpoint");
    };
    let Some(exp) = &m.first.exposition else {
        return CheckOutcome::fail("the metrics body could not be read as text").with(at(
            &m.first.exchange,
            "unreadable exposition",
            &["content-type"],
        ));
    };
    if let Some(r) = m.first.exchange.response()
        && r.body_truncated
    {
        return CheckOutcome::error(format!(
            "not evaluated: the metrics page was cut at {} bytes (raise --max-metrics-bytes to read it whole); {} families read before the cut",
            r.body.len(),
            exp.families.len()
        ));
    }
    if exp.errors.is_empty() {
        return CheckOutcome::pass(format!(
            "{} families parsed without error",
            exp.families.len()
        ));
    }
    CheckOutcome::fail(format!(
        "{} problem(s): {}",
        exp.errors.len(),
        exp.errors[0]
    ))
    .with_all(
        exp.errors
            .iter()
            .take(10)
            .map(|e| Finding::new(e.clone()).with_key(e.clone())),
    )
}
