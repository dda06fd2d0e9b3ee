//! `probe/banner`: no software versions in Server / X-Powered-By headers.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/banner",
    title: "Responses do not advertise software versions",
    area: Area::Security,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Version banners let scanners match a service to known vulnerabilities without effort.",
    evaluation: "Server, X-Powered-By, X-AspNet-Version, X-AspNetMvc-Version and X-Generator headers of every response. Pass: none carries a version number. Warn: a version is exposed.",
    remediation: "Turn off version banners (nginx `server_tokens off`, Express `app.disable('x-powered-by')`, Apache `ServerTokens Prod`) or strip the headers at the proxy.",
    references: &["https://owasp.org/www-project-secure-headers/"],
    needs: &[Phase::Basics],
    evaluate,
};

const HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
];

/// True when a header value contains something that looks like a version (`1.2`, `/7`).
fn has_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
        || b.windows(2).any(|w| w[0] == b'/' && w[1].is_ascii_digit())
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut seen = std::collections::BTreeSet::new();
    let mut findings = Vec::new();
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        for h in HEADERS {
            for v in r.headers_named(h) {
                if has_version(v) && seen.insert(format!("{h}: {v}")) {
                    findings.push(
                        at(ex, format!("`{h}: {v}` exposes a version"), &[h])
                            .with_key(format!("{h}: {v}")),
                    );
                }
            }
        }
    }
    if findings.is_empty() {
        CheckOutcome::pass("no version numbers in server banners")
    } else {
        CheckOutcome::warn(format!(
            "versions exposed: {}",
            seen.into_iter().collect::<Vec<_>>().join("; ")
        ))
        .with_all(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_versions() {
        assert!(has_version("nginx/1.25.3"));
        assert!(has_version("PHP/8"));
        assert!(!has_version("nginx"));
        assert!(!has_version("cloudflare"));
    }
}
