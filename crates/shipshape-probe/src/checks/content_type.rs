//! `probe/content-type`: responses declare a Content-Type that matches their body.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/content-type",
    title: "Responses declare a Content-Type matching the body",
    area: Area::Delivery,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Clients, caches and browsers decide how to parse (and whether to sniff) a body from its Content-Type; JSON served as HTML breaks clients and invites content sniffing.",
    evaluation: "Every response with a body. Pass: Content-Type present and consistent with the body. Warn: missing. Fail: a JSON body labelled text/html, or a body labelled JSON that does not parse.",
    remediation: "Set Content-Type explicitly (application/json, application/problem+json, text/plain; charset=utf-8) in the framework's response helpers.",
    references: &["https://www.rfc-editor.org/rfc/rfc9110#name-content-type"],
    needs: &[Phase::Basics],
    evaluate,
};

fn looks_json(body: &[u8]) -> bool {
    let t = String::from_utf8_lossy(body);
    let t = t.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(t.trim()).is_ok()
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut checked = 0;
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        if r.body.is_empty() || r.body_truncated {
            continue;
        }
        checked += 1;
        match r.media_type() {
            None => warns.push(at(ex, "response body without a Content-Type", &[])),
            Some(m) if m == "text/html" && looks_json(&r.body) => {
                fails.push(at(ex, "JSON body served as text/html", &["content-type"]))
            }
            Some(_) if r.is_json_type() && !looks_json(&r.body) => fails.push(at(
                ex,
                "body labelled JSON does not parse as JSON",
                &["content-type"],
            )),
            Some(_) => {}
        }
    }
    if checked == 0 {
        return CheckOutcome::na("no response had a body to compare");
    }
    if !fails.is_empty() {
        return CheckOutcome::fail(format!(
            "{} of {checked} bodies contradict their Content-Type",
            fails.len()
        ))
        .with_all(fails.into_iter().take(5));
    }
    if !warns.is_empty() {
        return CheckOutcome::warn(format!(
            "{} of {checked} bodies have no Content-Type",
            warns.len()
        ))
        .with_all(warns.into_iter().take(5));
    }
    CheckOutcome::pass(format!(
        "all {checked} bodies carry a matching Content-Type"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn json_as_html_fails() {
        let mut o = obs();
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.root = ex(
            "GET /",
            resp(200, &[("content-type", "text/html")], "{\"a\":1}"),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.root = ex("GET /", resp(200, &[], "hello"));
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
    }
}
