//! `probe/metrics-red`: request rate, errors and duration are instrumented.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::metrics_text::{Exposition, Family};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/metrics-red",
    title: "RED metrics: request counter with status, duration histogram in seconds, process metrics",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "Rate, errors and duration are the minimum to alert on a request-serving service; summaries cannot be aggregated across instances, and millisecond units break standard dashboards.",
    evaluation: "Pass: a counter of requests with a status/code label, a duration histogram in seconds, and process_* metrics. Warn: some are missing, only summaries, or millisecond units. Fail: neither a request counter nor a duration metric.",
    remediation: "Use the HTTP middleware of a Prometheus/OpenTelemetry library, which exports http_requests_total{status} and http_request_duration_seconds (histogram), plus the process collector.",
    references: &[
        "https://grafana.com/blog/2018/08/02/the-red-method-how-to-instrument-your-services/",
        "https://opentelemetry.io/docs/specs/semconv/http/http-metrics/",
    ],
    needs: &[Phase::Metrics],
    evaluate,
};

const STATUS_LABELS: &[&str] = &[
    "status",
    "code",
    "status_code",
    "http_status",
    "response_code",
    "http_response_status_code",
    "status_class",
];

/// The request counter: a counter whose name mentions requests and whose samples carry a status label.
pub(crate) fn request_counter(exp: &Exposition) -> Option<&Family> {
    let candidates = exp.families.iter().filter(|f| {
        let name = f.name.to_ascii_lowercase();
        let counter =
            f.kind.as_deref() == Some("counter") || (f.kind.is_none() && name.ends_with("_total"));
        counter
            && name.contains("request")
            && f.samples.iter().any(|s| {
                s.labels
                    .iter()
                    .any(|(k, _)| STATUS_LABELS.contains(&k.as_str()))
            })
    });
    // Prefer HTTP server request counters.
    let all: Vec<&Family> = candidates.collect();
    all.iter()
        .find(|f| f.name.contains("http"))
        .or(all.first())
        .copied()
}

/// Sum of a counter family's `_total` (or bare) samples.
pub(crate) fn counter_sum(f: &Family) -> f64 {
    f.samples
        .iter()
        .filter(|s| !s.name.ends_with("_created"))
        .map(|s| s.value)
        .filter(|v| v.is_finite())
        .sum()
}

fn is_duration(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("duration")
        || n.contains("latency")
        || n.contains("response_time")
        || n.contains("request_time")
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(exp) = o.metrics.as_ref().and_then(|m| m.first.exposition.as_ref()) else {
        return CheckOutcome::na("no parsed metrics");
    };
    let counter = request_counter(exp);
    let histograms: Vec<&Family> = exp
        .families
        .iter()
        .filter(|f| f.kind.as_deref() == Some("histogram") && is_duration(&f.name))
        .collect();
    let summaries = exp
        .families
        .iter()
        .any(|f| f.kind.as_deref() == Some("summary") && is_duration(&f.name));
    let seconds = histograms.iter().find(|f| f.name.ends_with("_seconds"));
    let ms = histograms
        .iter()
        .find(|f| f.name.ends_with("_milliseconds") || f.name.ends_with("_ms"));
    let process = exp.families.iter().any(|f| f.name.starts_with("process_"));
    if counter.is_none() && histograms.is_empty() && !summaries {
        return CheckOutcome::fail("no request counter and no request duration metric");
    }
    let mut missing = Vec::new();
    if counter.is_none() {
        missing.push("a request counter with a status label".to_string());
    }
    if seconds.is_none() {
        missing.push(if let Some(m) = ms {
            format!("duration in seconds ({} uses milliseconds)", m.name)
        } else if summaries {
            "a duration histogram (only summaries found)".to_string()
        } else {
            "a request duration histogram".to_string()
        });
    }
    if !process {
        missing.push("process_* metrics".to_string());
    }
    let found = format!(
        "counter {}, histogram {}",
        counter.map_or("-", |c| c.name.as_str()),
        seconds.map_or("-", |h| h.name.as_str())
    );
    if missing.is_empty() {
        CheckOutcome::pass(format!("RED metrics present ({found}, process metrics)"))
    } else {
        CheckOutcome::warn(format!("missing: {} ({found})", missing.join("; ")))
    }
}
