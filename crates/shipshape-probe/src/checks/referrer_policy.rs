//! `probe/referrer-policy`: HTML pages do not send their full URL to other sites.

use super::pages::{html_pages, no_page_summary};
use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/referrer-policy",
    title: "HTML pages do not leak their URL to other sites (Referrer-Policy)",
    area: Area::Security,
    severity: Severity::Low,
    applies_to: "HTTP services serving HTML (live probe); JSON APIs are not applicable",
    rationale: "Links and subresources on a page send its URL as Referer: paths and query strings (reset tokens, search terms, ids) reach every third party unless the policy trims them.",
    evaluation: "Every 2xx HTML response among the base URL, the directory paths and the health endpoints; of a comma-separated list, the last value a browser knows is the one used. Pass: no-referrer, same-origin, strict-origin or strict-origin-when-cross-origin, or no header (current browsers default to strict-origin-when-cross-origin; noted). Warn: origin or origin-when-cross-origin (the origin also goes over plain http), or no value a browser knows. Fail: unsafe-url or no-referrer-when-downgrade (the full URL goes to every https site).",
    remediation: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`, `same-origin`) from the server or proxy.",
    references: &[
        "https://www.w3.org/TR/referrer-policy/",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

const PRIVATE: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
const ORIGIN_ONLY: &[&str] = &["origin", "origin-when-cross-origin"];
const LEAKING: &[&str] = &["unsafe-url", "no-referrer-when-downgrade"];

/// The policy a browser applies: the last token of the header(s) it recognises.
fn effective<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut found = None;
    for v in values {
        for t in v.split(',') {
            let t = t.trim().to_ascii_lowercase();
            if PRIVATE.contains(&t.as_str())
                || ORIGIN_ONLY.contains(&t.as_str())
                || LEAKING.contains(&t.as_str())
            {
                found = Some(t);
            }
        }
    }
    found
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let pages = html_pages(o);
    if pages.is_empty() {
        return CheckOutcome::na(no_page_summary(o));
    }
    let shown = &["referrer-policy", "content-type"];
    let (mut fails, mut warns, mut notes): (Vec<Finding>, Vec<Finding>, Vec<Finding>) =
        Default::default();
    for ex in &pages {
        let Some(r) = ex.response() else { continue };
        let sent: Vec<&str> = r.headers_named("referrer-policy").collect();
        match effective(sent.iter().copied()) {
            Some(p) if LEAKING.contains(&p.as_str()) => fails.push(
                at(
                    ex,
                    format!("Referrer-Policy `{p}` sends the full URL (path and query) to other sites"),
                    shown,
                )
                .with_key(format!("leak {}", ex.request)),
            ),
            Some(p) if ORIGIN_ONLY.contains(&p.as_str()) => warns.push(
                at(
                    ex,
                    format!("Referrer-Policy `{p}` sends the origin to other sites, also over plain http"),
                    shown,
                )
                .with_key(format!("origin {}", ex.request)),
            ),
            Some(_) => {}
            None if sent.is_empty() => notes.push(
                at(
                    ex,
                    "no Referrer-Policy: browsers apply their default, strict-origin-when-cross-origin in current Chrome, Firefox and Safari",
                    shown,
                )
                .with_key(format!("default {}", ex.request)),
            ),
            None => warns.push(
                at(
                    ex,
                    format!(
                        "Referrer-Policy `{}` has no value browsers know; they fall back to their default",
                        sent.join(", ")
                    ),
                    shown,
                )
                .with_key(format!("invalid {}", ex.request)),
            ),
        }
    }
    let n = pages.len();
    if !fails.is_empty() {
        CheckOutcome::fail(fails[0].message.clone())
            .with_all(fails)
            .with_all(warns)
    } else if !warns.is_empty() {
        CheckOutcome::warn(warns[0].message.clone()).with_all(warns)
    } else if !notes.is_empty() {
        CheckOutcome::pass(format!(
            "{} of {n} HTML page(s) send no Referrer-Policy; browsers' default trims cross-site referrers to the origin",
            notes.len()
        ))
        .with_all(notes)
    } else {
        CheckOutcome::pass(format!(
            "{n} HTML page(s) keep their URL to themselves (Referrer-Policy)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn with(policy: Option<&str>) -> CheckOutcome {
        let mut h = vec![("content-type", "text/html")];
        if let Some(p) = policy {
            h.push(("referrer-policy", p));
        }
        let mut o = obs();
        o.root = ex("GET /", resp(200, &h, "<p>hi</p>"));
        evaluate(&o)
    }

    #[test]
    fn leaking_values_fail() {
        assert_eq!(with(Some("unsafe-url")).outcome, Outcome::Fail);
        assert_eq!(
            with(Some("no-referrer-when-downgrade")).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn private_values_pass_and_origin_only_warns() {
        for p in PRIVATE {
            assert_eq!(with(Some(p)).outcome, Outcome::Pass, "{p}");
        }
        assert_eq!(with(Some("origin")).outcome, Outcome::Warn);
        assert_eq!(with(Some("bogus")).outcome, Outcome::Warn);
    }

    #[test]
    fn last_known_value_of_a_list_wins() {
        // Browsers use the last value they know and skip unknown ones.
        assert_eq!(
            with(Some("no-referrer, strict-origin-when-cross-origin")).outcome,
            Outcome::Pass
        );
        assert_eq!(
            with(Some("strict-origin, unsafe-url")).outcome,
            Outcome::Fail
        );
        assert_eq!(
            with(Some("unsafe-url, future-value")).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn missing_header_passes_with_a_note_about_the_browser_default() {
        let out = with(None);
        assert_eq!(out.outcome, Outcome::Pass);
        assert!(
            out.findings[0]
                .message
                .contains("strict-origin-when-cross-origin")
        );
    }

    #[test]
    fn json_api_is_not_applicable() {
        assert_eq!(evaluate(&obs()).outcome, Outcome::NotApplicable);
    }
}
