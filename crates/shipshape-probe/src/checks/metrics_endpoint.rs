//! `probe/metrics-endpoint`: a Prometheus/OpenMetrics endpoint answers.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-endpoint",
    title: "A metrics endpoint answers Prometheus text or OpenMetrics",
    area: Area::Observability,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "Without metrics nobody can see error rates, latency or saturation, alert on them, or plan capacity.",
    evaluation: "The given --metrics-path, else /metrics, /actuator/prometheus, /prometheus, /metrics/prometheus. Pass: 2xx with text/plain (0.0.4) or application/openmetrics-text (or no Content-Type) and at least one sample; an octet-stream, JSON or HTML body, or one without samples, is not a metrics page whatever its status. Warn: only behind authentication (401/403 without the given headers). Fail: none.",
    remediation: "Expose /metrics with a Prometheus client library (prometheus-client, micrometer-registry-prometheus, prom-client, prometheus_client) or an OpenTelemetry Prometheus exporter.",
    references: &[
        "https://prometheus.io/docs/instrumenting/exposition_formats/",
        "https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md",
    ],
    needs: &[Phase::Metrics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(m) = &o.metrics else {
        if let Some(ex) = o
            .metrics_tried
            .iter()
            .find(|e| matches!(e.status(), Some(401 | 403)))
        {
            return CheckOutcome::warn(format!("{} requires authentication", ex.request)).with(at(
                ex,
                "metrics only behind authentication",
                &["www-authenticate"],
            ));
        }
        let tried: Vec<String> = o
            .metrics_tried
            .iter()
            .map(|e| match e.response() {
                Some(r) if r.is_success() => {
                    let samples = crate::classify::exposition_samples(&r.body);
                    let why = crate::classify::metrics_body_problem(r, samples)
                        .unwrap_or_else(|| "not a metrics page".into());
                    format!("{} → {} but {why}", e.request, r.status)
                }
                _ => format!("{} → {}", e.request, e.status_text()),
            })
            .collect();
        return CheckOutcome::fail(format!(
            "no metrics endpoint found (tried {})",
            tried.join("; ")
        ));
    };
    let samples = m.first.exposition.as_ref().map_or(0, |e| e.sample_count());
    let kind = m.first.exposition.as_ref().map_or("text", |e| {
        if e.openmetrics {
            "OpenMetrics"
        } else {
            "Prometheus text"
        }
    });
    if o.authenticated && matches!(m.anonymous_status, Some(401 | 403)) {
        return CheckOutcome::warn(format!("{} serves {kind} only with credentials", m.path));
    }
    if let Some(r) = m.first.exchange.response()
        && r.body_truncated
    {
        return CheckOutcome::pass(format!(
            "{} serves {kind}; {samples} samples in the first {} bytes (the page was cut at --max-metrics-bytes)",
            m.path,
            r.body.len()
        ));
    }
    CheckOutcome::pass(format!("{} serves {kind} with {samples} samples", m.path))
}
