//! `probe/hsts`: HTTPS responses carry Strict-Transport-Security for at least 180 days.

use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::{Exchange, Observations};
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/hsts",
    title: "Strict-Transport-Security with max-age ≥ 180 days",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: "https targets",
    rationale: "Without HSTS the first plain-http request can be intercepted and downgraded (SSL stripping).",
    evaluation: "Root response over https. Pass: max-age ≥ 15552000. Warn: shorter. Fail: missing or unparsable. Notes (the verdict does not change): includeSubDomains absent (sibling names stay open to SSL stripping); preload present without what the preload list requires (includeSubDomains and max-age ≥ 31536000).",
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
        Some(a) if a >= 15_552_000 => {
            CheckOutcome::pass(format!("HSTS max-age={a}")).with_all(notes(ex, v, a))
        }
        Some(a) => CheckOutcome::warn(format!("HSTS max-age={a} is below 180 days"))
            .with(at(ex, "short HSTS", &["strict-transport-security"]))
            .with_all(notes(ex, v, a)),
    }
}

/// includeSubDomains and preload, stated as notes: they widen the protection but
/// are the site's choice (preload is hard to undo).
fn notes(ex: &Exchange, v: &str, max_age: u64) -> Vec<Finding> {
    let directives: Vec<String> = v
        .split(';')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let subdomains = directives.iter().any(|d| d == "includesubdomains");
    let preload = directives.iter().any(|d| d == "preload");
    let shown = &["strict-transport-security"];
    let mut out = Vec::new();
    if !subdomains {
        out.push(
            at(
                ex,
                "note: no includeSubDomains: other names under this domain are not covered",
                shown,
            )
            .with_key("includeSubDomains"),
        );
    }
    if preload && (!subdomains || max_age < 31_536_000) {
        out.push(
            at(
                ex,
                "note: preload is requested, but the preload list also requires includeSubDomains and max-age ≥ 31536000",
                shown,
            )
            .with_key("preload"),
        );
    } else if preload {
        out.push(at(ex, "note: preload requested (hstspreload.org)", shown).with_key("preload"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::target::Target;
    use shipshape_model::Outcome;

    fn https(hsts: &str) -> CheckOutcome {
        let mut o = obs();
        o.target = Target::parse("https://127.0.0.1:8443").unwrap();
        o.root = ex(
            "GET /",
            resp(200, &[("strict-transport-security", hsts)], ""),
        );
        evaluate(&o)
    }

    #[test]
    fn include_subdomains_and_preload_are_notes() {
        let out = https("max-age=31536000");
        assert_eq!(out.outcome, Outcome::Pass);
        assert!(out.findings[0].message.contains("includeSubDomains"));
        let out = https("max-age=63072000; includeSubDomains; preload");
        assert_eq!(out.outcome, Outcome::Pass);
        assert_eq!(out.findings.len(), 1);
        assert!(out.findings[0].message.contains("preload requested"));
        let out = https("max-age=15552000; preload");
        assert_eq!(out.outcome, Outcome::Pass);
        assert!(
            out.findings
                .iter()
                .any(|f| f.message.contains("requires includeSubDomains"))
        );
        assert_eq!(
            https("max-age=600; includeSubDomains").outcome,
            Outcome::Warn
        );
    }
}
