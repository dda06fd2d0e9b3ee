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
    evaluation: "To each body endpoint given (--endpoint, --openapi; else POST to the base URL): a request declaring a 10 GB body (none sent) and one with a real 20 MB body. Pass: each refused with 4xx or 501 (ideally 413) — the declared one within 5 s. Warn: a 2xx or 3xx sent before the body was read (the declared one, or the real one before all of it was written; an http→https redirector answers 301 unread): no evidence either way. Fail: a 2xx or 3xx after the whole 20 MB body was written (accepted), 5xx, reset, or no answer (hang).",
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
    let mut warns = Vec::new();
    let mut not413 = 0;
    for (i, ex) in o.oversized.iter().enumerate() {
        match ex.response() {
            None => fails.push(at(ex, format!("no answer: {}", ex.status_text()), &[])),
            // A success is evidence of acceptance only when the body was sent whole
            // before the answer; a quick 2xx to a declared-only body, or before most of
            // the body was written, shows the server never read it.
            Some(r) if r.is_success() || (300..400).contains(&r.status) => {
                // Exchanges come in pairs per endpoint: declared first, then real.
                let declared_only = i % 2 == 0;
                let whole = ex.body_sent.is_some_and(|n| n >= 20 * 1024 * 1024);
                if declared_only || !whole {
                    warns.push(at(
                        ex,
                        format!(
                            "answered {} in {} ms without reading the body ({}): no sign it is buffered, but no limit was shown either",
                            r.status,
                            ex.elapsed.as_millis(),
                            ex.body_sent.map_or("none sent".to_string(), |n| format!("{n} bytes written"))
                        ),
                        &["content-type"],
                    ));
                } else {
                    fails.push(at(
                        ex,
                        format!("accepted the whole body with {}", r.status),
                        &["content-type"],
                    ));
                }
            }
            Some(r) if !r.is_refusal() => {
                fails.push(at(ex, format!("answered {}", r.status), &["content-type"]))
            }
            Some(r) => {
                if i % 2 == 0 && ex.elapsed > Duration::from_secs(5) {
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
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "{} oversized request(s) answered without the body being read",
            warns.len()
        ))
        .with_all(warns)
    } else if not413 > 0 {
        CheckOutcome::pass(format!(
            "oversized bodies refused with 4xx ({not413} without 413)"
        ))
    } else {
        CheckOutcome::pass("oversized bodies refused with 413")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn redirect_without_reading_the_body_does_not_fail() {
        // nginx `return 301 https://…` answers before reading any of the body.
        let mut o = obs();
        let mut real = ex("POST / with a 20 MB body", resp(301, &[], ""));
        real.body_sent = Some(3_000_000);
        o.oversized = vec![
            ex("POST / declaring a 10 GB body", resp(301, &[], "")),
            real,
        ];
        assert_eq!(evaluate(&o).outcome, shipshape_model::Outcome::Warn);
    }

    #[test]
    fn fast_200_without_reading_the_body_does_not_fail() {
        let mut o = obs();
        let mut real = ex("POST / with a 20 MB body", resp(200, &[], "ok"));
        real.body_sent = Some(64 * 1024);
        o.oversized = vec![
            ex("POST / declaring a 10 GB body", resp(200, &[], "ok")),
            real.clone(),
        ];
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        real.body_sent = Some(20 * 1024 * 1024);
        o.oversized[1] = real;
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }
}
