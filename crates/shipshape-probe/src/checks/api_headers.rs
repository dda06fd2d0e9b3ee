//! `probe/api-headers`: baseline security headers are present where they matter.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/api-headers",
    title: "Security headers: nosniff, framing and CSP on HTML, no-store when authenticated",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "nosniff stops browsers executing mislabelled bodies; frame-ancestors/X-Frame-Options stop clickjacking; CSP limits injected scripts; no-store keeps authenticated data out of shared caches.",
    evaluation: "Root, unknown-path and health responses. Pass: X-Content-Type-Options: nosniff everywhere; HTML also has CSP with frame-ancestors (or X-Frame-Options); responses to requests carrying the given credentials have Cache-Control no-store or private. Warn: one finding per missing header.",
    remediation: "Add the headers in one middleware or at the proxy (e.g. helmet, tower-http SetResponseHeader, Spring Security headers).",
    references: &[
        "https://owasp.org/www-project-secure-headers/",
        "https://developer.mozilla.org/en-US/observatory",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut exs = vec![&o.root];
    exs.extend(o.unknown_path.iter());
    exs.extend(o.liveness.iter().map(|e| &e.exchange));
    let mut findings = Vec::new();
    let mut checked = 0;
    for ex in exs {
        let Some(r) = ex.response() else { continue };
        checked += 1;
        let shown = &[
            "x-content-type-options",
            "content-security-policy",
            "x-frame-options",
            "cache-control",
            "content-type",
        ];
        if !r
            .header("x-content-type-options")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"))
        {
            findings.push(
                at(ex, "X-Content-Type-Options: nosniff missing", shown)
                    .with_key(format!("nosniff {}", ex.request)),
            );
        }
        if r.is_html() {
            let csp = r.header("content-security-policy");
            if csp.is_none() {
                findings.push(
                    at(ex, "HTML without Content-Security-Policy", shown)
                        .with_key(format!("csp {}", ex.request)),
                );
            }
            let framing = csp.is_some_and(|c| c.contains("frame-ancestors"))
                || r.header("x-frame-options").is_some();
            if !framing {
                findings.push(
                    at(ex, "HTML without frame-ancestors or X-Frame-Options", shown)
                        .with_key(format!("frame {}", ex.request)),
                );
            }
        }
    }
    if o.authenticated
        && let Some(r) = o.root.response()
        && r.is_success()
        && !r.header("cache-control").is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("no-store") || v.contains("private")
        })
    {
        findings.push(
            at(
                &o.root,
                "authenticated response is cacheable (no Cache-Control: no-store/private)",
                &["cache-control"],
            )
            .with_key("no-store"),
        );
    }
    if checked == 0 {
        return CheckOutcome::error("no response to inspect");
    }
    if findings.is_empty() {
        CheckOutcome::pass(format!("security headers present on {checked} responses"))
    } else {
        CheckOutcome::warn(format!("{} missing security header(s)", findings.len()))
            .with_all(findings)
    }
}
