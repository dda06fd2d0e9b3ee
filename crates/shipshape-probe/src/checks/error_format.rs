//! `probe/error-format`: errors use problem+json or one consistent JSON shape.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};
use std::collections::BTreeSet;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/error-format",
    title: "Errors are problem+json or one consistent JSON shape",
    area: Area::Documentation,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Clients can only handle errors they can parse; one documented error shape (RFC 9457) makes every failure self-describing.",
    evaluation: "Bodies of 4xx/5xx responses provoked by the probe. Pass: all application/problem+json, or all JSON objects sharing a key. Warn: HTML or text errors, or inconsistent JSON shapes. Not applicable: a website (the base URL serves an HTML page) whose errors are all HTML or text — browsers are its clients; an http target redirecting to https (probe the https URL).",
    remediation: "Return RFC 9457 problem details (type, title, status, detail) from one error handler.",
    references: &["https://www.rfc-editor.org/rfc/rfc9457"],
    needs: &[Phase::Malformed],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut exs: Vec<_> = o.unknown_path.iter().collect();
    exs.extend(o.methods.iter());
    exs.extend(o.malformed.iter());
    let errors: Vec<_> = exs
        .into_iter()
        .filter(|e| {
            e.response()
                .is_some_and(|r| r.status >= 400 && !r.body.is_empty())
        })
        .collect();
    if errors.is_empty() {
        return CheckOutcome::na("no error response with a body to inspect");
    }
    let website = o
        .root
        .response()
        .is_some_and(|r| r.is_success() && r.is_html());
    // An http→https redirector (nginx `return 301 https://…`) has no error contract of
    // its own: the service behind the https URL is the one to judge.
    let redirector = !o.target.https
        && o.root.response().is_some_and(|r| {
            (300..400).contains(&r.status)
                && r.header("location")
                    .is_some_and(|l| l.trim().to_ascii_lowercase().starts_with("https://"))
        });
    if redirector {
        return CheckOutcome::na(
            "the http target redirects to https: probe the https URL to judge its errors",
        );
    }
    if website
        && errors
            .iter()
            .all(|e| e.response().is_none_or(|r| r.json().is_none()))
    {
        return CheckOutcome::na(format!(
            "a website: the base URL serves HTML and its {} error page(s) are HTML or text, as browsers expect",
            errors.len()
        ));
    }
    let mut non_json = Vec::new();
    let mut problem = 0;
    let mut key_sets: Vec<BTreeSet<String>> = Vec::new();
    for ex in &errors {
        let Some(r) = ex.response() else { continue };
        if r.media_type().as_deref() == Some("application/problem+json") {
            problem += 1;
        }
        match r.json() {
            Some(serde_json::Value::Object(m)) => key_sets.push(m.keys().cloned().collect()),
            _ => non_json.push(at(
                ex,
                format!(
                    "error body is {}",
                    r.media_type().unwrap_or_else(|| "untyped".into())
                ),
                &["content-type"],
            )),
        }
    }
    let n = errors.len();
    if problem == n {
        return CheckOutcome::pass(format!(
            "all {n} error responses are application/problem+json"
        ));
    }
    if !non_json.is_empty() {
        return CheckOutcome::warn(format!(
            "{} of {n} error responses are not JSON",
            non_json.len()
        ))
        .with_all(non_json.into_iter().take(5));
    }
    let common = key_sets.iter().skip(1).fold(key_sets[0].clone(), |acc, k| {
        acc.intersection(k).cloned().collect()
    });
    if common.is_empty() {
        CheckOutcome::warn(format!("the {n} JSON error bodies share no field"))
    } else {
        CheckOutcome::pass(format!(
            "all {n} error bodies are JSON sharing {}",
            common.into_iter().collect::<Vec<_>>().join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn html_errors_of_a_website_are_not_applicable_and_of_an_api_warn() {
        let mut o = obs();
        o.unknown_path = Some(ex(
            "GET /nope",
            resp(
                404,
                &[("content-type", "text/html")],
                "<h1>404 Not Found</h1>",
            ),
        ));
        assert_eq!(evaluate(&o).outcome, Outcome::Warn, "JSON root: an API");
        o.root = ex(
            "GET /",
            resp(
                200,
                &[("content-type", "text/html")],
                "<h1>Welcome to nginx!</h1>",
            ),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::NotApplicable);
        o.root = ex(
            "GET /",
            resp(301, &[("location", "https://127.0.0.1/")], "<h1>301</h1>"),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::NotApplicable);
    }
}
