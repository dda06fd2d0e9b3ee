//! `probe/permissions-policy`: HTML pages do not hand powerful browser features
//! (camera, microphone, geolocation, payment, USB…) to every embedded origin, and their
//! Permissions-Policy parses. No header is fine: browsers then keep those features to
//! the page's own origin.

use super::pages::{html_pages, no_page_summary};
use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/permissions-policy",
    title: "HTML pages do not grant powerful browser features to any origin (Permissions-Policy)",
    area: Area::Security,
    severity: Severity::Low,
    applies_to: "HTTP services serving HTML (live probe); JSON APIs are not applicable",
    rationale: "Permissions-Policy decides which origins, including embedded iframes, may use the camera, microphone, location, payments or USB; `*` lets any embedded third party ask for them in the site's name.",
    evaluation: "Every 2xx HTML response among the base URL, the directory paths and the health endpoints. Warn: a powerful feature (camera, microphone, geolocation, payment, usb, serial, hid, bluetooth, display-capture, midi, clipboard-read) allowed for `*`; a member that does not parse as `feature=(allowlist)` (old Feature-Policy syntax is ignored by browsers). Pass otherwise; no header passes with a note (browsers' default allowlist for these is the page's own origin), and a Feature-Policy header alone is noted as deprecated.",
    remediation: "Send e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()` and list the origins (`camera=(self \"https://meet.example\")`) that really need a feature.",
    references: &[
        "https://www.w3.org/TR/permissions-policy/",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

/// Features whose default allowlist is `self` and whose grant to `*` matters.
const POWERFUL: &[&str] = &[
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "serial",
    "hid",
    "bluetooth",
    "display-capture",
    "midi",
    "clipboard-read",
];

/// One member of the policy: the feature and its allowlist, or why it does not parse.
fn parse(value: &str) -> Vec<Result<(String, String), String>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| {
            let Some((feature, list)) = m.split_once('=') else {
                return Err(m.to_string());
            };
            let (feature, list) = (feature.trim().to_ascii_lowercase(), list.trim());
            let list_ok = list == "*"
                || list.eq_ignore_ascii_case("self")
                || (list.starts_with('(') && list.contains(')'))
                || list.starts_with('"');
            let name_ok = !feature.is_empty()
                && feature
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if list_ok && name_ok {
                Ok((feature, list.to_string()))
            } else {
                Err(m.to_string())
            }
        })
        .collect()
}

/// True when the allowlist contains `*` (the list may carry `;report-to=` parameters).
fn allows_any(list: &str) -> bool {
    let inner = list.split(';').next().unwrap_or(list).trim();
    inner == "*"
        || inner
            .trim_start_matches('(')
            .split(')')
            .next()
            .unwrap_or("")
            .split_ascii_whitespace()
            .any(|t| t == "*")
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let pages = html_pages(o);
    if pages.is_empty() {
        return CheckOutcome::na(no_page_summary(o));
    }
    let shown = &["content-type", "permissions-policy", "feature-policy"];
    let (mut warns, mut notes): (Vec<Finding>, Vec<Finding>) = Default::default();
    for ex in &pages {
        let Some(r) = ex.response() else { continue };
        let values: Vec<&str> = r.headers_named("permissions-policy").collect();
        if values.is_empty() {
            let why = if r.header("feature-policy").is_some() {
                "only the deprecated Feature-Policy header; current browsers read Permissions-Policy"
            } else {
                "no Permissions-Policy: browsers keep camera, microphone, location and the like to the page's own origin"
            };
            notes.push(at(ex, why, shown).with_key(format!("none {}", ex.request)));
            continue;
        }
        for member in values.iter().flat_map(|v| parse(v)) {
            match member {
                Err(m) => warns.push(
                    at(
                        ex,
                        format!("`{m}` is not `feature=(allowlist)`: browsers ignore it"),
                        shown,
                    )
                    .with_key(format!("invalid {m} {}", ex.request)),
                ),
                Ok((feature, list))
                    if POWERFUL.contains(&feature.as_str()) && allows_any(&list) =>
                {
                    warns.push(
                        at(
                            ex,
                            format!(
                                "`{feature}={list}` lets any embedded origin ask for {feature}"
                            ),
                            shown,
                        )
                        .with_key(format!("any {feature} {}", ex.request)),
                    )
                }
                Ok(_) => {}
            }
        }
    }
    let n = pages.len();
    if !warns.is_empty() {
        CheckOutcome::warn(warns[0].message.clone())
            .with_all(warns)
            .with_all(notes)
    } else if notes.len() == n {
        CheckOutcome::pass(format!(
            "no Permissions-Policy on {n} HTML page(s); browsers' defaults keep powerful features to the page's origin"
        ))
        .with_all(notes)
    } else {
        CheckOutcome::pass(format!(
            "Permissions-Policy parses and grants no powerful feature to any origin ({n} HTML page(s))"
        ))
        .with_all(notes)
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
            h.push(("permissions-policy", p));
        }
        let mut o = obs();
        o.root = ex("GET /", resp(200, &h, "<p>hi</p>"));
        evaluate(&o)
    }

    #[test]
    fn restrictive_policy_and_no_policy_pass() {
        assert_eq!(
            with(Some(
                "camera=(), microphone=(), geolocation=(self \"https://maps.example\")"
            ))
            .outcome,
            Outcome::Pass
        );
        let out = with(None);
        assert_eq!(out.outcome, Outcome::Pass);
        assert!(out.findings[0].message.contains("own origin"));
    }

    #[test]
    fn powerful_feature_for_any_origin_warns() {
        let out = with(Some("camera=*, fullscreen=*"));
        assert_eq!(out.outcome, Outcome::Warn);
        assert_eq!(
            out.findings.len(),
            1,
            "fullscreen=* is not a powerful grant"
        );
        assert_eq!(with(Some("microphone=(self *)")).outcome, Outcome::Warn);
    }

    #[test]
    fn feature_policy_syntax_in_permissions_policy_warns() {
        let out = with(Some("camera 'none'; microphone 'none'"));
        assert_eq!(out.outcome, Outcome::Warn);
        assert!(
            out.summary.contains("browsers ignore it"),
            "{}",
            out.summary
        );
    }

    #[test]
    fn json_api_is_not_applicable() {
        assert_eq!(evaluate(&obs()).outcome, Outcome::NotApplicable);
    }
}
