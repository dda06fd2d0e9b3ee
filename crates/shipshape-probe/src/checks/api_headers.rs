//! `probe/api-headers`: baseline security headers are present where they matter.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/api-headers",
    title: "Security headers: nosniff everywhere, no-store when authenticated",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "nosniff stops browsers executing mislabelled bodies; no-store keeps authenticated data out of shared caches. (CSP and framing of HTML pages are judged by probe/csp.)",
    evaluation: "Root, unknown-path and health responses. Pass: X-Content-Type-Options: nosniff everywhere; responses to requests carrying the given credentials have Cache-Control no-store or private. Warn: one finding per missing header. CSP and frame-ancestors/X-Frame-Options on HTML are judged by probe/csp.",
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
        let shown = &["x-content-type-options", "cache-control", "content-type"];
        if !r
            .header("x-content-type-options")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"))
        {
            findings.push(
                at(ex, "X-Content-Type-Options: nosniff missing", shown)
                    .with_key(format!("nosniff {}", ex.request)),
            );
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
