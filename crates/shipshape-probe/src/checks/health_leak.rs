//! `probe/health-leak`: unauthenticated health details leak no internals.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use regex::Regex;
use shipshape_model::{Area, Severity};
use std::sync::LazyLock;

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/health-leak",
    title: "Health details leak no hosts, versions, DSNs or traces",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "Health endpoints are usually reachable without credentials; connection strings, internal hosts, versions and stack traces there map the system for an attacker.",
    evaluation: "Liveness and readiness bodies, requested without credentials. Pass: none of the patterns. Warn: a connection string or URL with credentials, a private IP address, a version field, or a stack trace.",
    remediation: "Show details only to authenticated callers (Spring: management.endpoint.health.show-details=when-authorized); return just the status publicly.",
    references: &[
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.health",
    ],
    needs: &[Phase::Health],
    evaluate,
};

static LEAKS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("a URL with credentials", r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@:]+:[^\s/@]+@"),
        ("a database connection string", r"(?i)\b(jdbc:[a-z]+:|postgres(ql)?://|mysql://|mongodb(\+srv)?://|redis://|amqps?://|sqlserver://)"),
        ("a private IP address", r"\b(10\.\d{1,3}|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3}\b"),
        ("a version field", r#"(?i)"(version|java\.version|build_version|go_version)"\s*:\s*"\d"#),
        ("a stack trace", r"(?m)(^\s+at [\w$.<>]+\(|Traceback \(most recent call last\)|goroutine \d+ \[)"),
    ]
    .into_iter()
    .filter_map(|(what, re)| Regex::new(re).ok().map(|r| (what, r)))
    .collect()
});

fn evaluate(o: &Observations) -> CheckOutcome {
    let eps: Vec<_> = o.liveness.iter().chain(o.readiness.iter()).collect();
    if eps.is_empty() {
        return CheckOutcome::na("no health endpoint to inspect");
    }
    let mut findings = Vec::new();
    for ep in eps {
        let Some(r) = ep.exchange.response() else {
            continue;
        };
        let text = r.body_text();
        for (what, re) in LEAKS.iter() {
            if re.is_match(&text) {
                findings.push(
                    at(
                        &ep.exchange,
                        format!("health body contains {what}"),
                        &["content-type"],
                    )
                    .with_key(format!("{} {what}", ep.path)),
                );
            }
        }
    }
    if findings.is_empty() {
        CheckOutcome::pass("health bodies reveal no internal details")
    } else {
        CheckOutcome::warn(format!(
            "health details leak {} item(s) without authentication",
            findings.len()
        ))
        .with_all(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::Endpoint;
    use shipshape_model::Outcome;

    #[test]
    fn dsn_leak_warns() {
        let mut o = obs();
        o.liveness = Some(Endpoint {
            path: "/health".into(),
            given: false,
            exchange: ex(
                "GET /health",
                resp(
                    200,
                    &[],
                    "{\"status\":\"UP\",\"db\":\"postgres://app:pw@10.0.0.5/db\"}",
                ),
            ),
        });
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Warn);
        assert!(out.findings.len() >= 2);
        o.liveness = Some(Endpoint {
            path: "/health".into(),
            given: false,
            exchange: ex("GET /health", resp(200, &[], "{\"status\":\"UP\"}")),
        });
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
