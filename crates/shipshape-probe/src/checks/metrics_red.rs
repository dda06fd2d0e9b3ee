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
    evaluation: "The request counter is chosen by name (mentions requests; `http`/`server` preferred; client counters and scrape counters such as promhttp_metric_handler_requests_total excluded), labels (a status label required; method and route labels preferred) and HELP, and named in the summary; --metric-requests NAME overrides the choice. Pass: a counter of requests with a status/code label, a duration histogram in seconds, and process_* metrics. Warn: some are missing, only summaries, or millisecond units. Fail: neither a request counter nor a duration metric.",
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

/// The series that counts the service's requests, and why it was chosen.
pub(crate) struct RequestCounter<'a> {
    pub family: &'a Family,
    /// Only samples with this suffix count (`_count` of a histogram or summary).
    pub suffix: Option<&'static str>,
    pub why: String,
}

impl RequestCounter<'_> {
    /// `http_requests_total` or `http_server_requests_seconds_count`.
    pub fn name(&self) -> String {
        format!("{}{}", self.family.name, self.suffix.unwrap_or(""))
    }
}

fn has_label(f: &Family, names: &[&str]) -> bool {
    f.samples
        .iter()
        .any(|s| s.labels.iter().any(|(k, _)| names.contains(&k.as_str())))
}

/// A scrape counter, not a request counter: node_exporter's and client_golang's
/// `promhttp_metric_handler_requests_total` ("Total number of scrapes by HTTP status code").
fn is_scrape_counter(f: &Family) -> bool {
    let name = f.name.to_ascii_lowercase();
    let help = f.help.as_deref().unwrap_or("").to_ascii_lowercase();
    name.starts_with("promhttp_metric_handler")
        || name.contains("scrape")
        || help.contains("scrape")
}

/// The request counter: chosen by name (mentions requests; http and server preferred,
/// client and scrape counters excluded), labels (a status label is required; method and
/// route labels count for it) and HELP. A histogram or summary `_count` with a status
/// label stands in when there is no counter (Micrometer's http_server_requests_seconds).
/// `given` (from --metric-requests) overrides the choice.
pub(crate) fn request_counter<'a>(
    exp: &'a Exposition,
    given: Option<&str>,
) -> Option<RequestCounter<'a>> {
    if let Some(name) = given {
        if let Some(f) = exp.family(name) {
            let suffix =
                matches!(f.kind.as_deref(), Some("histogram" | "summary")).then_some("_count");
            return Some(RequestCounter {
                family: f,
                suffix,
                why: "given with --metric-requests".into(),
            });
        }
        let base = name.strip_suffix("_count")?;
        let f = exp.family(base)?;
        return Some(RequestCounter {
            family: f,
            suffix: Some("_count"),
            why: "given with --metric-requests".into(),
        });
    }
    let mut best: Option<(i32, RequestCounter<'a>)> = None;
    for f in &exp.families {
        let name = f.name.to_ascii_lowercase();
        let kind = f.kind.as_deref();
        let counter = kind == Some("counter") || (kind.is_none() && name.ends_with("_total"));
        let timed = matches!(kind, Some("histogram" | "summary"));
        if !(counter || timed) || !name.contains("request") || is_scrape_counter(f) {
            continue;
        }
        if !has_label(f, STATUS_LABELS) {
            continue;
        }
        let help = f.help.as_deref().unwrap_or("").to_ascii_lowercase();
        let mut score = 0;
        let mut why = vec!["a status label".to_string()];
        if counter {
            score += 10;
        }
        if name.contains("http") {
            score += 4;
            why.push("`http` in the name".into());
        }
        if name.contains("server") {
            score += 2;
        }
        if name.contains("client") || name.contains("outgoing") || help.contains("client") {
            score -= 6;
        }
        if has_label(f, &["method"]) {
            score += 2;
            why.push("a method label".into());
        }
        if has_label(
            f,
            &[
                "route",
                "path",
                "handler",
                "uri",
                "endpoint",
                "url",
                "http_route",
            ],
        ) {
            score += 2;
            why.push("a route label".into());
        }
        if help.contains("http") || help.contains("request") {
            score += 1;
        }
        let candidate = RequestCounter {
            family: f,
            suffix: timed.then_some("_count"),
            why: why.join(", "),
        };
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Sum of a family's samples (`_created` left out; with `suffix`, only those samples).
pub(crate) fn sum_of(f: &Family, suffix: Option<&str>) -> f64 {
    f.samples
        .iter()
        .filter(|s| !s.name.ends_with("_created"))
        .filter(|s| suffix.is_none_or(|x| s.name.ends_with(x)))
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
    let given = o
        .metrics
        .as_ref()
        .and_then(|m| m.requests_metric.as_deref());
    let counter = request_counter(exp, given);
    if let (Some(name), None) = (given, &counter) {
        return CheckOutcome::error(format!(
            "not evaluated: --metric-requests {name} is not in the exposition"
        ));
    }
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
        counter
            .as_ref()
            .map_or("-".to_string(), |c| format!("{} ({})", c.name(), c.why)),
        seconds.map_or("-", |h| h.name.as_str())
    );
    if missing.is_empty() {
        CheckOutcome::pass(format!("RED metrics present ({found}, process metrics)"))
    } else {
        CheckOutcome::warn(format!("missing: {} ({found})", missing.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics_text::parse;

    #[test]
    fn node_exporter_scrape_counter_is_not_the_request_counter() {
        let text = "# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n# TYPE promhttp_metric_handler_requests_total counter\npromhttp_metric_handler_requests_total{code=\"200\"} 7\n";
        let exp = parse(text, false);
        assert!(request_counter(&exp, None).is_none());
        // Overridable by name.
        let c = request_counter(&exp, Some("promhttp_metric_handler_requests_total")).unwrap();
        assert_eq!(c.name(), "promhttp_metric_handler_requests_total");
        let text = format!(
            "{text}# HELP http_client_requests_total Outgoing.\n# TYPE http_client_requests_total counter\nhttp_client_requests_total{{code=\"200\"}} 3\n# HELP app_requests_total Requests served.\n# TYPE app_requests_total counter\napp_requests_total{{status=\"200\",method=\"GET\",route=\"/\"}} 4\n"
        );
        let exp = parse(&text, false);
        let c = request_counter(&exp, None).unwrap();
        assert_eq!(c.name(), "app_requests_total");
        assert!(c.why.contains("method"), "{}", c.why);
    }

    #[test]
    fn micrometer_histogram_count_stands_in_for_a_counter() {
        let text = "# TYPE http_server_requests_seconds summary\nhttp_server_requests_seconds_count{status=\"200\",uri=\"/\"} 5\nhttp_server_requests_seconds_sum{status=\"200\",uri=\"/\"} 0.5\n";
        let exp = parse(text, false);
        let c = request_counter(&exp, None).unwrap();
        assert_eq!(c.name(), "http_server_requests_seconds_count");
        assert_eq!(sum_of(c.family, c.suffix), 5.0);
    }
}
