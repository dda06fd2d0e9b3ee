//! `probe/traceparent-robust`: malformed traceparent values are tolerated and not propagated.

use super::trace_visible::TRACE_HEADERS;
use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/traceparent-robust",
    title: "Malformed traceparent headers never cause errors or propagate",
    area: Area::Observability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "Trace headers come from untrusted callers: a parser crash is a denial of service, and propagating an invalid id corrupts traces downstream.",
    evaluation: "GETs with malformed traceparent values (garbage, all-zero ids, uppercase hex, version ff, short id, 2 KB value). Pass: no 5xx and no invalid id echoed. Fail: a 5xx or no answer, or an invalid trace id echoed back.",
    remediation: "Use a conforming W3C propagator (OpenTelemetry's) which discards invalid traceparent values and starts a new trace.",
    references: &["https://www.w3.org/TR/trace-context/#traceparent-header"],
    needs: &[Phase::Tracing],
    evaluate,
};

/// The trace-id part of a malformed value, when it has one worth looking for.
fn id_part(value: &str) -> Option<String> {
    let part = value.split('-').nth(1)?.to_ascii_lowercase();
    (part.len() >= 16
        && part.len() <= 64
        && part.bytes().all(|b| b.is_ascii_hexdigit())
        && part.bytes().any(|b| b != b'0'))
    .then_some(part)
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.trace_malformed.is_empty() {
        return CheckOutcome::error("no malformed traceparent was sent");
    }
    let mut fails = Vec::new();
    for (value, ex) in &o.trace_malformed {
        match ex.response() {
            None => fails.push(at(ex, format!("no answer: {}", ex.status_text()), &[])),
            Some(r) if r.is_server_error() => fails.push(at(
                ex,
                format!("{} for a malformed traceparent", r.status),
                TRACE_HEADERS,
            )),
            Some(r) => {
                let echoed = id_part(value).is_some_and(|id| {
                    TRACE_HEADERS
                        .iter()
                        .filter(|h| **h != "x-request-id" && **h != "x-correlation-id")
                        .any(|h| {
                            r.header(h)
                                .is_some_and(|v| v.to_ascii_lowercase().contains(&id))
                        })
                });
                let zero = value.contains("00000000000000000000000000000000")
                    && r.header("traceresponse")
                        .or(r.header("traceparent"))
                        .is_some_and(|v| v.contains("00000000000000000000000000000000"));
                if echoed || zero {
                    fails.push(at(ex, "an invalid trace id was echoed back", TRACE_HEADERS));
                }
            }
        }
    }
    if fails.is_empty() {
        CheckOutcome::pass(format!(
            "{} malformed traceparent values handled without error",
            o.trace_malformed.len()
        ))
    } else {
        CheckOutcome::fail(format!(
            "{} malformed traceparent value(s) mishandled",
            fails.len()
        ))
        .with_all(fails)
    }
}
