//! `probe/rate-limit-headers`: rate-limit headers, when sent, are well-formed.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/rate-limit-headers",
    title: "Rate-limit headers are valid (RateLimit / X-RateLimit-*)",
    area: Area::Scalability,
    severity: Severity::Low,
    applies_to: HTTP_SERVICE,
    rationale: "Clients can pace themselves only if the quota headers they read are correct.",
    evaluation: "Every response. Not applicable when none carries rate-limit headers. Pass: RateLimit/RateLimit-Policy (IETF draft) or RateLimit-*/X-RateLimit-Limit/Remaining/Reset with integer values and remaining ≤ limit. Warn: malformed.",
    remediation: "Emit the IETF RateLimit and RateLimit-Policy fields (or consistent X-RateLimit-* integers).",
    references: &["https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/"],
    needs: &[Phase::Basics],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut seen = 0;
    let mut bad = Vec::new();
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        for prefix in ["x-ratelimit-", "ratelimit-"] {
            let get = |k: &str| r.header(&format!("{prefix}{k}"));
            let (limit, remaining, reset) = (get("limit"), get("remaining"), get("reset"));
            if limit.is_none() && remaining.is_none() && reset.is_none() {
                continue;
            }
            seen += 1;
            let int = |v: Option<&str>| {
                v.map(|s| {
                    s.trim()
                        .split([',', ';'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            };
            let (l, rem, rs) = (int(limit), int(remaining), int(reset));
            let malformed = [l, rem, rs].iter().any(|v| matches!(v, Some(None)))
                || matches!((l, rem), (Some(Some(l)), Some(Some(r))) if r > l);
            if malformed {
                bad.push(at(
                    ex,
                    format!("malformed {prefix}* headers"),
                    &[
                        "x-ratelimit-limit",
                        "x-ratelimit-remaining",
                        "x-ratelimit-reset",
                        "ratelimit-limit",
                        "ratelimit-remaining",
                        "ratelimit-reset",
                    ],
                ));
            }
        }
        if let Some(v) = r.header("ratelimit") {
            seen += 1;
            let ok = v.contains("r=") || v.contains("remaining=") || v.contains("limit=");
            if !ok {
                bad.push(at(
                    ex,
                    "malformed RateLimit header",
                    &["ratelimit", "ratelimit-policy"],
                ));
            }
        }
    }
    if seen == 0 {
        CheckOutcome::na("no response carries rate-limit headers")
    } else if bad.is_empty() {
        CheckOutcome::pass(format!("{seen} rate-limit header set(s) are well-formed"))
    } else {
        CheckOutcome::warn(format!("{} malformed rate-limit header set(s)", bad.len()))
            .with_all(bad.into_iter().take(5))
    }
}
