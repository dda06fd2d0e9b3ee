//! `probe/malformed-bodies` ★: bad request bodies get 4xx, never 5xx.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/malformed-bodies",
    title: "Malformed request bodies get 4xx, never 5xx",
    area: Area::Scalability,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "A 5xx for bad input means unvalidated input reaches code that crashes: it pages on-call for client mistakes and is often a denial-of-service or injection lead.",
    evaluation: "To each body endpoint given (--endpoint, --openapi: its own method; else POST to the base URL): invalid JSON, JSON with a text/plain type, no content type, an empty body, JSON of the wrong types, deeply nested JSON. Pass: all 4xx (or 501: POST not implemented). Warn: some accepted with 2xx/3xx. Fail: any 5xx or no answer.",
    remediation: "Validate and deserialise input at the edge and map parse/validation errors to 400/415/422 with a problem+json body.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request",
        "https://schemathesis.readthedocs.io/",
    ],
    needs: &[Phase::Malformed],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.malformed.is_empty() {
        return CheckOutcome::error("no malformed body was sent");
    }
    let (mut fails, mut warns) = (Vec::new(), Vec::new());
    for ex in &o.malformed {
        match ex.response() {
            None => fails.push(at(ex, format!("no answer: {}", ex.status_text()), &[])),
            Some(r) if r.is_refusal() => {}
            Some(r) if r.is_server_error() => fails.push(at(
                ex,
                format!("{} for a malformed body", r.status),
                &["content-type"],
            )),
            Some(r) if !r.is_client_error() => warns.push(at(
                ex,
                format!("{} for a malformed body", r.status),
                &["content-type"],
            )),
            Some(_) => {}
        }
    }
    let n = o.malformed.len();
    if !fails.is_empty() {
        CheckOutcome::fail(format!(
            "{} of {n} malformed bodies caused a server error",
            fails.len()
        ))
        .with_all(fails)
    } else if !warns.is_empty() {
        CheckOutcome::warn(format!(
            "{} of {n} malformed bodies were not refused (accepted with 2xx or redirected)",
            warns.len()
        ))
        .with_all(warns)
    } else {
        CheckOutcome::pass(format!(
            "all {n} malformed bodies were refused with 4xx or 501"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn not_implemented_post_is_not_a_server_error() {
        let mut o = obs();
        o.malformed = vec![ex(
            "POST / (invalid JSON)",
            resp(501, &[], "Unsupported method ('POST')"),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.malformed = vec![ex("POST / (invalid JSON)", resp(500, &[], "boom"))];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }
}
