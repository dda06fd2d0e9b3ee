//! `probe/cross-origin-isolation`: HTML pages keep other sites' windows and documents
//! away from them (Cross-Origin-Opener-Policy, Cross-Origin-Resource-Policy). COEP is
//! only noted: it is needed for cross-origin isolation, and breaks pages that embed
//! third-party resources, so its absence is no weakness.

use super::pages::{html_pages, no_page_summary};
use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cross-origin-isolation",
    title: "HTML pages set Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy",
    area: Area::Security,
    severity: Severity::Low,
    applies_to: "HTTP services serving HTML (live probe); JSON APIs are not applicable",
    rationale: "Without COOP a page opened by another site shares a browsing context group with it (window references, XS-Leaks, Spectre-style reads); without CORP any site can embed the document into its own process.",
    evaluation: "Every 2xx HTML response among the base URL, the directory paths and the health endpoints. Pass: Cross-Origin-Opener-Policy same-origin (or same-origin-allow-popups) and Cross-Origin-Resource-Policy same-origin or same-site. Warn: COOP missing or unsafe-none; CORP missing or cross-origin. Cross-Origin-Embedder-Policy is reported as a note only.",
    remediation: "Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Resource-Policy: same-origin` on HTML responses (use `same-origin-allow-popups` if the page opens OAuth or payment pop-ups).",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cross-Origin-Opener-Policy",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cross-Origin-Resource-Policy",
        "https://html.spec.whatwg.org/multipage/browsers.html#cross-origin-opener-policies",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

/// The value's first token, lowercase (COOP and COEP may carry `; report-to=` parameters).
fn token(v: &str) -> String {
    v.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let pages = html_pages(o);
    if pages.is_empty() {
        return CheckOutcome::na(no_page_summary(o));
    }
    let shown = &[
        "content-type",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "cross-origin-embedder-policy",
    ];
    let (mut warns, mut notes): (Vec<Finding>, Vec<Finding>) = Default::default();
    for ex in &pages {
        let Some(r) = ex.response() else { continue };
        match r.header("cross-origin-opener-policy").map(token).as_deref() {
            Some("same-origin" | "same-origin-allow-popups" | "noopener-allow-popups") => {}
            Some(v) => warns.push(
                at(ex, format!("Cross-Origin-Opener-Policy `{v}` keeps the page in its opener's browsing context group"), shown)
                    .with_key(format!("coop {}", ex.request)),
            ),
            None => warns.push(
                at(ex, "no Cross-Origin-Opener-Policy: a site that opens this page keeps a handle on its window", shown)
                    .with_key(format!("coop {}", ex.request)),
            ),
        }
        match r.header("cross-origin-resource-policy").map(token).as_deref() {
            Some("same-origin" | "same-site") => {}
            Some(v) => warns.push(
                at(ex, format!("Cross-Origin-Resource-Policy `{v}`: any site may load this document"), shown)
                    .with_key(format!("corp {}", ex.request)),
            ),
            None => warns.push(
                at(ex, "no Cross-Origin-Resource-Policy: any site may load this document as a resource", shown)
                    .with_key(format!("corp {}", ex.request)),
            ),
        }
        if let Some(v) = r.header("cross-origin-embedder-policy") {
            notes.push(
                at(
                    ex,
                    format!("Cross-Origin-Embedder-Policy `{}`", token(v)),
                    shown,
                )
                .with_key(format!("coep {}", ex.request)),
            );
        }
    }
    let n = pages.len();
    if warns.is_empty() {
        CheckOutcome::pass(format!(
            "{n} HTML page(s) set COOP and CORP to same-origin or same-site"
        ))
        .with_all(notes)
    } else {
        CheckOutcome::warn(format!(
            "{} missing or permissive cross-origin header(s) on {n} HTML page(s)",
            warns.len()
        ))
        .with_all(warns)
        .with_all(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn html(extra: &[(&str, &str)]) -> CheckOutcome {
        let mut h = vec![("content-type", "text/html")];
        h.extend_from_slice(extra);
        let mut o = obs();
        o.root = ex("GET /", resp(200, &h, "<p>hi</p>"));
        evaluate(&o)
    }

    #[test]
    fn same_origin_coop_and_corp_pass() {
        let out = html(&[
            ("cross-origin-opener-policy", "same-origin; report-to=\"x\""),
            ("cross-origin-resource-policy", "same-site"),
        ]);
        assert_eq!(out.outcome, Outcome::Pass, "{:?}", out.findings);
    }

    #[test]
    fn missing_or_permissive_values_warn() {
        let out = html(&[]);
        assert_eq!(out.outcome, Outcome::Warn);
        assert_eq!(out.findings.len(), 2);
        let out = html(&[
            ("cross-origin-opener-policy", "unsafe-none"),
            ("cross-origin-resource-policy", "same-origin"),
        ]);
        assert_eq!(out.outcome, Outcome::Warn);
        assert!(out.findings[0].message.contains("unsafe-none"));
    }

    #[test]
    fn json_api_without_them_is_not_applicable() {
        assert_eq!(evaluate(&obs()).outcome, Outcome::NotApplicable);
    }
}
