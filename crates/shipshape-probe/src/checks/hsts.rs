//! `probe/hsts`: HTTPS responses carry Strict-Transport-Security for at least 180 days.

use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/hsts",
    title: "Strict-Transport-Security with max-age ≥ 180 days",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: "https targets",
    rationale: "Without HSTS the first plain-http request can be intercepted and downgraded (SSL stripping).",
    evaluation: "Root response over https. Pass: max-age ≥ 15552000. Warn: shorter. Fail: missing or unparsable.",
    remediation: "Add `Strict-Transport-Security: max-age=31536000; includeSubDomains` at the edge.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc6797",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    if !o.target.https {
        return CheckOutcome::na("plain http target");
    }
    let ex = &o.root;
    let Some(r) = ex.response() else {
        return CheckOutcome::error("no response over https");
    };
    let Some(v) = r.header("strict-transport-security") else {
        return CheckOutcome::fail("no Strict-Transport-Security header").with(at(
            ex,
            "HSTS missing",
            &[],
        ));
    };
    let max_age = v.split(';').find_map(|p| {
        let (k, val) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| val.trim().trim_matches('"').parse::<u64>().ok())?
    });
    match max_age {
        None => CheckOutcome::fail(format!(
            "Strict-Transport-Security `{v}` has no valid max-age"
        ))
        .with(at(ex, "bad HSTS", &["strict-transport-security"])),
        Some(a) if a >= 15_552_000 => CheckOutcome::pass(format!("HSTS max-age={a}")),
        Some(a) => CheckOutcome::warn(format!("HSTS max-age={a} is below 180 days")).with(at(
            ex,
            "short HSTS",
            &["strict-transport-security"],
        )),
    }
}
