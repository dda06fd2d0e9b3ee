//! `probe/slow-clients`: slow-header and slow-body connections are cut off.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/slow-clients",
    title: "Slow clients are cut off (slowloris)",
    area: Area::Scalability,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A server that waits forever for headers or body bytes can be exhausted by a few hundred connections trickling one byte at a time (slowloris).",
    evaluation: "One connection sends its headers one byte per second, another its declared body one byte per second, in parallel with the rest of the probe. Pass: both closed (or 408) within 30 s. Warn: within 60 s (so nginx's stock 60 s client_header_timeout warns). Fail: still open after 60 s. (2.5 s of slack over each limit; the connections are held up to 65 s, so a default probe of a server with a timeout above 30 s takes about a minute.) Error: the probe's time budget ended before 30 s.",
    remediation: "Set header and body read timeouts (nginx client_header_timeout/client_body_timeout, hyper header_read_timeout, a request timeout middleware) or terminate at a proxy that has them.",
    references: &["https://en.wikipedia.org/wiki/Slowloris_(computer_security)"],
    needs: &[Phase::SlowClients],
    evaluate,
};

/// Seconds of tolerance over the 30 s and 60 s limits (timer granularity, the
/// one-byte-per-second trickle).
const SLACK: f64 = 2.5;

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.slow.is_empty() {
        return CheckOutcome::error("no slow-client connection was made");
    }
    let mut worst = 0u8; // 0 pass, 1 warn, 2 fail, 3 undecided
    let mut findings = Vec::new();
    for s in &o.slow {
        let (grade, text) = match (s.ended_after, &s.error) {
            (_, Some(e)) => (3, format!("{}: could not test: {e}", s.kind)),
            (Some(t), _) => {
                let secs = t.as_secs_f64();
                let how = s
                    .status
                    .map_or("closed".to_string(), |st| format!("answered {st}"));
                (
                    // A server timeout of exactly 30 s or 60 s (nginx's default
                    // client_header_timeout) closes a little after it: allow for that.
                    if secs <= 30.0 + SLACK {
                        0
                    } else if secs <= 60.0 + SLACK {
                        1
                    } else {
                        2
                    },
                    format!("{}: {how} after {secs:.1} s", s.kind),
                )
            }
            (None, _) => {
                let w = s.waited.as_secs_f64();
                let g = if w >= 60.0 + SLACK {
                    2
                } else if w > 30.0 + SLACK {
                    1
                } else {
                    3
                };
                (g, format!("{}: still open after {w:.1} s", s.kind))
            }
        };
        worst = worst.max(grade);
        findings.push(Finding::new(text).with_key(s.kind));
    }
    match worst {
        0 => CheckOutcome::pass("slow clients are cut off within 30 s").with_all(findings),
        1 => {
            CheckOutcome::warn("a slow client was held open for more than 30 s").with_all(findings)
        }
        2 => {
            CheckOutcome::fail("a slow client was held open for more than 60 s").with_all(findings)
        }
        _ => {
            CheckOutcome::error("the probe's time budget ended before slow clients could be judged")
                .with_all(findings)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::SlowClient;
    use shipshape_model::Outcome;
    use std::time::Duration;

    #[test]
    fn nginx_60s_header_timeout_is_a_warning() {
        let mut o = obs();
        let s = |kind, secs: f64| SlowClient {
            kind,
            ended_after: Some(Duration::from_secs_f64(secs)),
            status: None,
            waited: Duration::from_secs_f64(secs),
            error: None,
        };
        o.slow = vec![s("slow headers", 60.4), s("slow body", 1.0)];
        assert_eq!(evaluate(&o).outcome, Outcome::Warn);
        o.slow = vec![s("slow headers", 30.2)];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
        o.slow = vec![SlowClient {
            ended_after: None,
            ..s("slow headers", 65.0)
        }];
        assert_eq!(evaluate(&o).outcome, Outcome::Fail);
    }
}
