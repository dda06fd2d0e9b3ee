//! `probe/hostile-requests`: malformed and hostile requests get 4xx without crashes.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::{NetError, Observations};
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/hostile-requests",
    title: "Hostile requests (long URL, huge header, bad encoding, smuggling) get 4xx",
    area: Area::Scalability,
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "Parsers that crash, hang or disagree about framing on hostile input are denial-of-service and request-smuggling vectors.",
    evaluation: "Raw requests: 16 KB URL, 64 KB header, bad percent-encoding, NUL and invalid UTF-8 in the path, path traversal, conflicting Content-Length and Transfer-Encoding, and two Content-Length headers. Pass: all 4xx (or 501). Warn: accepted (2xx/3xx) or closed without an answer. Fail: a 5xx, a reset, a hang, or /etc/passwd served.",
    remediation: "Put a conforming proxy or server in front (limits on URL and header size, strict framing); reject ambiguous framing with 400.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9112#name-message-body-length",
        "https://portswigger.net/web-security/request-smuggling",
    ],
    needs: &[Phase::Hostile],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.hostile.is_empty() {
        return CheckOutcome::error("no hostile request was sent");
    }
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for ex in &o.hostile {
        match &ex.result {
            Err(NetError::ClosedEarly) => {
                warns.push(at(ex, "closed the connection without an answer", &[]))
            }
            Err(e) => fails.push(at(ex, format!("{e}"), &[])),
            Ok(r) if r.body_text().contains("root:x:0:0") => {
                fails.push(at(ex, "path traversal served /etc/passwd", &[]))
            }
            Ok(r) if r.is_refusal() => {}
            Ok(r) if r.is_server_error() => fails.push(at(
                ex,
                format!("server error {}", r.status),
                &["content-type"],
            )),
            Ok(r) if !r.is_client_error() => warns.push(at(
                ex,
                format!("accepted with {}", r.status),
                &["content-type"],
            )),
            Ok(_) => {}
        }
    }
    let n = o.hostile.len();
    if !fails.is_empty() {
        CheckOutcome::fail(format!(
            "{} of {n} hostile requests caused an error, reset or hang",
            fails.len()
        ))
        .with_all(fails.into_iter().chain(warns))
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "{} of {n} hostile requests were not refused with 4xx",
            warns.len()
        ))
        .with_all(warns)
    } else {
        CheckOutcome::pass(format!("all {n} hostile requests were refused with 4xx"))
    }
}
