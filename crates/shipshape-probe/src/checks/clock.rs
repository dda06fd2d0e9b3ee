//! `probe/clock`: the server's Date header agrees with our clock.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/clock",
    title: "The server clock is synchronised (Date within 5 s)",
    area: Area::Delivery,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Clock skew breaks token expiry (JWT exp/nbf), TLS validity, caching and log correlation across services.",
    evaluation: "Date header of the root response against the probe's clock at receipt. Pass: skew < 5 s. Warn: 5–60 s, or no Date header. Fail: ≥ 60 s. (Date has one-second resolution.)",
    remediation: "Run NTP/chrony (or the platform's time sync) on the host; make sure the server emits a Date header.",
    references: &["https://www.rfc-editor.org/rfc/rfc9110#name-date"],
    needs: &[Phase::Basics],
    evaluate,
};

/// Parse an HTTP-date (IMF-fixdate, RFC 850 or asctime forms handled by jiff's RFC 2822 parser for the first).
pub(crate) fn parse_http_date(v: &str) -> Option<i64> {
    jiff::fmt::rfc2822::parse(v.trim())
        .ok()
        .map(|z| z.timestamp().as_second())
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let ex = &o.root;
    let Some(r) = ex.response() else {
        return CheckOutcome::error("no response to read a Date from");
    };
    let Some(date) = r.header("date") else {
        return CheckOutcome::warn("the response has no Date header").with(at(
            ex,
            "no Date header",
            &["server"],
        ));
    };
    let Some(server) = parse_http_date(date) else {
        return CheckOutcome::warn(format!("Date header `{date}` is not an HTTP-date")).with(at(
            ex,
            "unparsable Date header",
            &["date"],
        ));
    };
    let skew = (server as f64 - r.received_at).abs();
    // One second of resolution in the header: allow for it.
    let skew_s = (skew - 1.0).max(0.0);
    if skew_s >= 60.0 {
        CheckOutcome::fail(format!("server clock is off by about {skew:.0} s")).with(at(
            ex,
            "clock skew ≥ 60 s",
            &["date"],
        ))
    } else if skew_s >= 5.0 {
        CheckOutcome::warn(format!("server clock is off by about {skew:.0} s")).with(at(
            ex,
            "clock skew ≥ 5 s",
            &["date"],
        ))
    } else {
        CheckOutcome::pass("server Date is within 5 s of the probe's clock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    #[test]
    fn skew_is_graded() {
        let t = parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT").unwrap();
        assert_eq!(t, 1_700_000_000);
        let mut o = obs();
        o.root = ex(
            "GET /",
            resp(200, &[("date", "Tue, 14 Nov 2023 22:13:21 GMT")], ""),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.root = ex(
            "GET /",
            resp(200, &[("date", "Tue, 14 Nov 2023 22:13:40 GMT")], ""),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        o.root = ex(
            "GET /",
            resp(200, &[("date", "Tue, 14 Nov 2023 22:20:00 GMT")], ""),
        );
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }
}
