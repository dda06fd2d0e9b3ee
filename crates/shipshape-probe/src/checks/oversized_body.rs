//! `probe/oversized-body`: huge bodies are refused early with 413.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};
use std::time::Duration;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/oversized-body",
    title: "Oversized bodies are refused with 413, quickly",
    area: Area::Scalability,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "A service that buffers whatever it is sent can be knocked over by a handful of large uploads; a declared size over the limit should be refused before reading it.",
    evaluation: "A POST declaring a 10 GB body (none sent) and a POST with a real 20 MB body. Pass: each refused with 4xx (ideally 413) — the declared one within 5 s. Fail: 2xx, 5xx, reset, or no answer (hang).",
    remediation: "Set a request body limit in the server or proxy (client_max_body_size, DefaultBodyLimit, maxPostSize) and check Content-Length before reading.",
    references: &["https://www.rfc-editor.org/rfc/rfc9110#name-413-content-too-large"],
    needs: &[Phase::Oversized],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.oversized.is_empty() {
        return CheckOutcome::error("no oversized request was sent");
    }
    let mut fails = Vec::new();
    let mut not413 = 0;
    for (i, ex) in o.oversized.iter().enumerate() {
        match ex.response() {
            None => fails.push(at(ex, format!("no answer: {}", ex.status_text()), &[])),
            Some(r) if !r.is_client_error() => {
                fails.push(at(ex, format!("answered {}", r.status), &["content-type"]))
            }
            Some(r) => {
                if i == 0 && ex.elapsed > Duration::from_secs(5) {
                    fails.push(at(
                        ex,
                        format!("refused only after {} ms", ex.elapsed.as_millis()),
                        &[],
                    ));
                }
                if r.status != 413 {
                    not413 += 1;
                }
            }
        }
    }
    if !fails.is_empty() {
        CheckOutcome::fail(format!(
            "{} oversized request(s) not refused properly",
            fails.len()
        ))
        .with_all(fails)
    } else if not413 > 0 {
        CheckOutcome::pass(format!(
            "oversized bodies refused with 4xx ({not413} without 413)"
        ))
    } else {
        CheckOutcome::pass("oversized bodies refused with 413")
    }
}
