//! `probe/methods`: TRACE and unknown methods are refused properly.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/methods",
    title: "TRACE and unknown methods get 405 with Allow, or 501",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "An enabled TRACE echoes request headers (cross-site tracing); a crash on an unknown method is a cheap denial of service; a proper 405 tells clients what is allowed.",
    evaluation: "TRACE and an invented method on the base URL. Pass: 405 with an Allow header, or 501. Warn: another 4xx, or 405 without Allow. Fail: 2xx for TRACE, or any 5xx other than 501, or no answer.",
    remediation: "Disable TRACE in the server or proxy; let the router answer unknown methods with 405 and an Allow header.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed",
        "https://owasp.org/www-community/attacks/Cross_Site_Tracing",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

/// True when a TRACE answer is the request echoed back (`message/http`, or a body
/// starting with the request line we sent).
fn echoes_trace(r: &crate::observe::Response) -> bool {
    r.media_type().is_some_and(|m| m == "message/http")
        || String::from_utf8_lossy(&r.body)
            .trim_start()
            .starts_with("TRACE /")
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.methods.is_empty() {
        return CheckOutcome::error("no method request was sent");
    }
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for ex in &o.methods {
        let hdrs = &["allow", "content-type"];
        match ex.response() {
            None => fails.push(at(ex, format!("no answer: {}", ex.status_text()), &[])),
            Some(r) => match r.status {
                405 if r.header("allow").is_some() => {}
                501 => {}
                405 => warns.push(at(ex, "405 without an Allow header", hdrs)),
                // TRACE is a risk when it echoes the request (cross-site tracing); a
                // server answering every method with the same page (Caddy's
                // file_server, node_exporter) is only not refusing it.
                s if (200..300).contains(&s)
                    && ex.request.starts_with("TRACE")
                    && echoes_trace(r) =>
                {
                    fails.push(at(
                        ex,
                        format!("TRACE is enabled ({s}): the request is echoed"),
                        hdrs,
                    ))
                }
                s if s >= 500 => fails.push(at(ex, format!("server error {s}"), hdrs)),
                s => warns.push(at(ex, format!("answered {s} instead of 405/501"), hdrs)),
            },
        }
    }
    if !fails.is_empty() {
        CheckOutcome::fail(format!("{} method request(s) handled badly", fails.len()))
            .with_all(fails.into_iter().chain(warns))
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "{} method request(s) not answered with 405+Allow or 501",
            warns.len()
        ))
        .with_all(warns)
    } else {
        CheckOutcome::pass("TRACE and unknown methods are refused with 405+Allow or 501")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn trace_enabled_fails() {
        let mut o = obs();
        o.methods = vec![ex("TRACE /", resp(405, &[("allow", "GET")], ""))];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.methods = vec![ex("TRACE /", resp(200, &[], "TRACE / HTTP/1.1"))];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }

    #[test]
    fn trace_answered_with_the_page_is_not_an_echo() {
        // Caddy's file_server and node_exporter answer every method with their page.
        let mut o = obs();
        o.methods = vec![ex(
            "TRACE /",
            resp(
                200,
                &[("content-type", "text/html")],
                "<title>Node Exporter</title>",
            ),
        )];
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Warn, "{:?}", out.findings);
    }
}
