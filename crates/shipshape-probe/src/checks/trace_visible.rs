//! `probe/trace-visible`: the trace context we send is visible in the response.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/trace-visible",
    title: "The service joins the caller's trace (traceresponse or echo)",
    area: Area::Observability,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Propagating W3C Trace Context lets one request be followed across services; returning the trace id lets callers and support quote it.",
    evaluation: "GET with a valid traceparent. Pass: traceresponse, traceparent, or a trace-id header carries our trace id. Warn: nothing visible (propagation may still happen internally).",
    remediation: "Enable OpenTelemetry (or the framework's tracing) with the W3C propagator and return `traceresponse` (or the trace id in a header) to callers.",
    references: &[
        "https://www.w3.org/TR/trace-context/",
        "https://w3c.github.io/trace-context/#traceresponse-header",
    ],
    needs: &[Phase::Tracing],
    evaluate,
};

pub(crate) const TRACE_HEADERS: &[&str] = &[
    "traceresponse",
    "traceparent",
    "x-trace-id",
    "x-b3-traceid",
    "trace-id",
    "x-request-id",
    "x-correlation-id",
];

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some((id, ex)) = &o.trace else {
        return CheckOutcome::error("the traced request was not sent");
    };
    let Some(r) = ex.response() else {
        return CheckOutcome::error(format!("the traced request failed: {}", ex.status_text()));
    };
    for h in TRACE_HEADERS {
        if let Some(v) = r.header(h)
            && v.to_ascii_lowercase().contains(id.as_str())
        {
            return CheckOutcome::pass(format!("`{h}` carries the trace id we sent"));
        }
    }
    CheckOutcome::warn("no response header carries the trace id we sent").with(at(
        ex,
        "trace id not visible",
        TRACE_HEADERS,
    ))
}
