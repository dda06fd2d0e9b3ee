//! `probe/cors` ★: arbitrary origins are never granted credentialed access.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cors",
    title: "CORS never grants arbitrary origins credentialed access",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: HTTP_SERVICE,
    rationale: "Reflecting any Origin with Access-Control-Allow-Credentials: true lets every website read the user's data from this API with the user's cookies.",
    evaluation: "GET and an OPTIONS preflight with an Origin we made up. Fail: that origin (or `null`) reflected in Access-Control-Allow-Origin with Allow-Credentials: true, or `*` with credentials. Pass: otherwise.",
    remediation: "Allow-list the exact trusted origins; never echo the request's Origin when credentials are allowed.",
    references: &[
        "https://portswigger.net/web-security/cors",
        "https://fetch.spec.whatwg.org/#http-cors-protocol",
    ],
    needs: &[Phase::Cors],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.cors.is_empty() {
        return CheckOutcome::error("no CORS request was sent");
    }
    let mut fails = Vec::new();
    let hdrs = &[
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ];
    for ex in &o.cors {
        let Some(r) = ex.response() else { continue };
        let Some(acao) = r.header("access-control-allow-origin").map(str::trim) else {
            continue;
        };
        let creds = r
            .header("access-control-allow-credentials")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !creds {
            continue;
        }
        if acao == o.cors_origin || acao == "null" {
            fails.push(at(
                ex,
                format!("origin `{acao}` reflected with credentials"),
                hdrs,
            ));
        } else if acao == "*" {
            fails.push(at(ex, "`*` allowed with credentials", hdrs));
        }
    }
    if fails.is_empty() {
        CheckOutcome::pass("a foreign origin is not granted credentialed access")
    } else {
        CheckOutcome::fail(format!(
            "{} response(s) grant any origin credentialed access",
            fails.len()
        ))
        .with_all(fails)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn reflected_origin_with_credentials_fails() {
        let mut o = obs();
        let origin = o.cors_origin.clone();
        o.cors = vec![ex(
            "GET /",
            resp(
                200,
                &[
                    ("access-control-allow-origin", &origin),
                    ("access-control-allow-credentials", "true"),
                ],
                "",
            ),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
        o.cors = vec![ex(
            "GET /",
            resp(200, &[("access-control-allow-origin", &origin)], ""),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
