//! `probe/unknown-path`: a path that cannot exist gets a real 404.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/unknown-path",
    title: "Unknown paths get a 404 (JSON for APIs)",
    area: Area::Delivery,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A soft 404 (200 for anything) hides broken links and client bugs, defeats monitoring and lets scanners believe every path exists; a 5xx for a missing route pages someone for nothing.",
    evaluation: "GET of a random path under the base URL with Accept: application/json. Pass: 404/410 (JSON when the service speaks JSON), or 401/403 when everything requires authentication. Warn: a 404 in HTML or text from a JSON API, or a redirect. Fail: 2xx (soft 404) or 5xx.",
    remediation: "Add a fallback route that returns 404 with the service's error body (application/problem+json for APIs).",
    references: &["https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found"],
    needs: &[Phase::Basics],
    evaluate,
};

/// True when the service answers JSON on the paths we know (root or health). A base
/// URL serving an HTML page makes it a website, whatever its health endpoint answers
/// (nginx `return 200 '{"status":"ok"}'` for /healthz in front of a site).
pub(crate) fn speaks_json(o: &Observations) -> bool {
    let website = o
        .root
        .response()
        .is_some_and(|r| r.is_success() && r.is_html());
    o.root.response().is_some_and(|r| r.is_json_type())
        || !website
            && o.liveness
                .as_ref()
                .and_then(|e| e.exchange.response())
                .is_some_and(|r| r.is_json_type())
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(ex) = &o.unknown_path else {
        return CheckOutcome::error("the unknown-path request was not sent");
    };
    let Some(r) = ex.response() else {
        return CheckOutcome::fail(format!(
            "{} got no answer: {}",
            ex.request,
            ex.status_text()
        ))
        .with(at(ex, "no answer for an unknown path", &[]));
    };
    let hdrs = &["content-type", "location"];
    match r.status {
        404 | 410 if speaks_json(o) && !r.is_json_type() && !r.body.is_empty() => {
            CheckOutcome::warn(format!(
                "unknown path answered {} with {} while the API speaks JSON",
                r.status,
                r.media_type().unwrap_or_else(|| "no content type".into())
            ))
            .with(at(ex, "404 body is not JSON", hdrs))
        }
        404 | 410 => CheckOutcome::pass(format!("unknown path answered {}", r.status)),
        401 | 403 => CheckOutcome::pass(format!(
            "unknown path answered {} (authentication required everywhere)",
            r.status
        )),
        s if (200..300).contains(&s) => {
            CheckOutcome::fail(format!("unknown path answered {s}: a soft 404")).with(at(
                ex,
                "soft 404: a path that cannot exist answered 2xx",
                hdrs,
            ))
        }
        s if s >= 500 => CheckOutcome::fail(format!("unknown path answered {s}")).with(at(
            ex,
            "server error for an unknown path",
            hdrs,
        )),
        s => CheckOutcome::warn(format!("unknown path answered {s} instead of 404")).with(at(
            ex,
            "unexpected status for an unknown path",
            hdrs,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn soft_404_fails_html_404_warns_for_api() {
        let mut o = obs();
        o.unknown_path = Some(ex(
            "GET /x",
            resp(200, &[("content-type", "text/html")], "<html>"),
        ));
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.unknown_path = Some(ex(
            "GET /x",
            resp(404, &[("content-type", "text/html")], "<html>"),
        ));
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        o.unknown_path = Some(ex(
            "GET /x",
            resp(404, &[("content-type", "application/problem+json")], "{}"),
        ));
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }

    #[test]
    fn html_404_of_a_website_with_a_json_health_endpoint_passes() {
        // nginx: the site's welcome page, `return 200 '{"status":"ok"}'` for /healthz.
        let mut o = obs();
        o.root = ex(
            "GET /",
            resp(200, &[("content-type", "text/html")], "<h1>Welcome</h1>"),
        );
        o.liveness = Some(crate::observe::Endpoint {
            path: "/healthz".into(),
            given: false,
            exchange: ex(
                "GET /healthz",
                resp(
                    200,
                    &[("content-type", "application/json")],
                    "{\"status\":\"ok\"}",
                ),
            ),
        });
        o.unknown_path = Some(ex(
            "GET /x",
            resp(404, &[("content-type", "text/html")], "<html>"),
        ));
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
