//! `probe/metrics-naming`: promtool-style naming lint.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::metrics_text::lint;
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-naming",
    title: "Metric names follow Prometheus conventions",
    area: Area::Observability,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Consistent names (snake_case, base units, _total on counters, HELP text) make metrics discoverable and dashboards portable.",
    evaluation: "promtool-style lint of the first scrape: HELP present, snake_case names and labels, `_total` only and always on counters, base units (seconds, bytes, ratio). Pass: clean. Warn: one finding per problem.",
    remediation: "Rename metrics per https://prometheus.io/docs/practices/naming/ (e.g. request_duration_ms → request_duration_seconds) and add HELP text.",
    references: &["https://prometheus.io/docs/practices/naming/"],
    needs: &[Phase::Metrics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(exp) = o.metrics.as_ref().and_then(|m| m.first.exposition.as_ref()) else {
        return CheckOutcome::na("no parsed metrics");
    };
    let problems = lint(exp);
    if problems.is_empty() {
        CheckOutcome::pass(format!("{} families lint clean", exp.families.len()))
    } else {
        CheckOutcome::warn(format!("{} naming problem(s)", problems.len())).with_all(
            problems
                .into_iter()
                .take(20)
                .map(|p| Finding::new(p.clone()).with_key(p)),
        )
    }
}
