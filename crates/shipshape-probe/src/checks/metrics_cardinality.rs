//! `probe/metrics-cardinality`: random ids in paths do not create new series.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-cardinality",
    title: "Random ids in URLs do not create new metric series",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "Labelling metrics with raw paths or ids creates a series per id: memory in the service and in Prometheus grows without bound until something falls over.",
    evaluation: "Scrape, send requests to paths with random ids, scrape again, and count the new series. Pass: ≤ 5 new series. Fail: more (a new series per id).",
    remediation: "Label by route template (/users/{id}), never by raw path, user id or query string; bucket unknown routes into one label value.",
    references: &["https://prometheus.io/docs/practices/naming/#labels"],
    needs: &[Phase::Metrics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(m) = &o.metrics else {
        return CheckOutcome::na("no metrics endpoint");
    };
    let (Some(before), Some(after)) = (
        m.after_truth.as_ref().and_then(|s| s.exposition.as_ref()),
        m.after_cardinality
            .as_ref()
            .and_then(|s| s.exposition.as_ref()),
    ) else {
        return CheckOutcome::error(
            "the scrapes around the random-id requests did not happen or did not parse",
        );
    };
    let cut = [m.after_truth.as_ref(), m.after_cardinality.as_ref()]
        .into_iter()
        .flatten()
        .any(|s| s.exchange.response().is_some_and(|r| r.body_truncated));
    if cut {
        return CheckOutcome::error(format!(
            "not evaluated: a scrape was cut at {} bytes (--max-metrics-bytes), so series cannot be compared",
            m.cap
        ));
    }
    let old = before.series();
    let mut new: Vec<String> = after.series().difference(&old).cloned().collect();
    new.sort();
    let text = format!(
        "{} new series after {} requests with random ids",
        new.len(),
        m.cardinality_sent
    );
    if new.len() <= 5 {
        CheckOutcome::pass(text)
    } else {
        CheckOutcome::fail(text).with_all(
            new.into_iter()
                .take(5)
                .map(|s| Finding::new(format!("new series {s}")).with_key(s)),
        )
    }
}
