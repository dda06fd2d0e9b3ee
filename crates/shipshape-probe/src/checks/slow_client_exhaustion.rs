//! `probe/slow-client-exhaustion`: a few slow clients do not stop the server answering
//! everyone else (a synchronous worker pool held by slow connections).

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Location, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/slow-client-exhaustion",
    title: "A few slow clients do not stop the service answering others",
    area: Area::Scalability,
    // High, not medium like probe/slow-clients: eight connections from one laptop take
    // the whole service down for as long as they trickle, no flood needed.
    severity: Severity::High,
    applies_to: HTTP_SERVICE,
    rationale: "A server with a small pool of synchronous workers (gunicorn's sync workers, a thread-per-request pool) gives each connection a worker while it reads the request: a handful of clients sending their headers slowly hold every worker, and every other visitor waits until they give up.",
    evaluation: "At the end of the slow-client window, 8 connections send their headers one byte per second (more than a sync pool of 2 × cores + 1 workers on a small machine) while 5 ordinary GETs of the liveness endpoint (else the base URL) are sent one per second, each on a fresh connection, with the per-request timeout. Pass: all 5 answered (any status). Warn: some answered. Fail: none answered within the timeout. Not evaluated when the target went away or the time budget cut the phase.",
    remediation: "Put a buffering reverse proxy (nginx) in front of synchronous workers, use asynchronous or threaded workers (gunicorn --worker-class gthread/gevent/uvicorn), and set a short header read timeout.",
    references: &[
        "https://docs.gunicorn.org/en/stable/design.html#choosing-a-worker-type",
        "https://en.wikipedia.org/wiki/Slowloris_(computer_security)",
    ],
    needs: &[Phase::Exhaustion],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(e) = &o.exhaustion else {
        return CheckOutcome::error("the requests under slow clients did not run");
    };
    let opened = e.held.iter().filter(|h| h.error.is_none()).count();
    if opened == 0 || e.requests.is_empty() {
        let why = e
            .held
            .iter()
            .find_map(|h| h.error.clone())
            .unwrap_or_else(|| "no request was sent".into());
        return CheckOutcome::error(format!("could not hold slow connections: {why}"));
    }
    // Evidence first: how the server treated the held connections, then each request.
    let still_open = e.held.iter().filter(|h| h.ended_after.is_none()).count();
    let first_cut = e
        .held
        .iter()
        .filter_map(|h| h.ended_after)
        .min()
        .map_or(String::new(), |t| {
            format!(", the first closed after {:.1} s", t.as_secs_f64())
        });
    let mut findings = vec![
        Finding::new(format!(
            "{opened} slow connections opened; {still_open} still open when the requests ended{first_cut}"
        ))
        .with_key("held"),
    ];
    let mut answered = 0;
    for (i, ex) in e.requests.iter().enumerate() {
        let text = match ex.response() {
            Some(r) => {
                answered += 1;
                format!(
                    "{} (request {} of the {}): answered {} after {} ms",
                    ex.request,
                    i + 1,
                    e.requests.len(),
                    r.status,
                    ex.elapsed.as_millis()
                )
            }
            None => format!(
                "{} (request {} of the {}): not answered: {} after {:.1} s",
                ex.request,
                i + 1,
                e.requests.len(),
                ex.status_text(),
                ex.elapsed.as_secs_f64()
            ),
        };
        findings.push(
            Finding::at(Location::file(ex.request.clone()), text).with_key(format!("r{}", i + 1)),
        );
    }
    let total = e.requests.len();
    let head = format!(
        "while {opened} slow clients were connected, {answered} of {total} ordinary requests were answered within the timeout ({} s)",
        e.timeout.as_secs()
    );
    if answered == total {
        CheckOutcome::pass(head).with_all(findings)
    } else if answered == 0 {
        CheckOutcome::fail(format!(
            "{head} (worker exhaustion: a synchronous worker pool held by slow clients)"
        ))
        .with_all(findings)
    } else {
        CheckOutcome::warn(format!(
            "{head}: some waited for a worker the slow clients held"
        ))
        .with_all(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::{Exchange, Exhaustion, NetError, SlowClient};
    use shipshape_model::Outcome;
    use std::time::Duration;

    fn held(n: usize) -> Vec<SlowClient> {
        (0..n)
            .map(|_| SlowClient {
                kind: "held slow headers",
                ended_after: None,
                status: None,
                waited: Duration::from_secs(10),
                error: None,
            })
            .collect()
    }

    fn timed_out() -> Exchange {
        Exchange {
            elapsed: Duration::from_secs(5),
            ..failed(
                "GET /healthz",
                NetError::Timeout {
                    phase: "response".into(),
                },
            )
        }
    }

    fn answered(status: u16) -> Exchange {
        ex("GET /healthz", resp(status, &[], ""))
    }

    fn with(requests: Vec<Exchange>) -> Observations {
        let mut o = obs();
        o.exhaustion = Some(Exhaustion {
            held: held(8),
            requests,
            timeout: Duration::from_secs(5),
        });
        o
    }

    #[test]
    fn no_request_answered_while_slow_clients_hold_the_server_fails() {
        let out = evaluate(&with(vec![timed_out(); 5]));
        assert_eq!(out.outcome, Outcome::Fail, "{}", out.summary);
        assert!(
            out.summary
                .starts_with("while 8 slow clients were connected, 0 of 5 ordinary requests"),
            "{}",
            out.summary
        );
        assert!(out.summary.contains("worker exhaustion"), "{}", out.summary);
        // The held connections are stated before the requests.
        assert!(out.findings[0].message.contains("8 still open"));
        assert_eq!(out.findings.len(), 6);
    }

    #[test]
    fn every_request_answered_passes_whatever_its_status() {
        let out = evaluate(&with(vec![answered(503); 5]));
        assert_eq!(out.outcome, Outcome::Pass, "{}", out.summary);
    }

    #[test]
    fn some_requests_answered_warns() {
        let mut r = vec![timed_out(); 2];
        r.extend(vec![answered(200); 3]);
        assert_eq!(evaluate(&with(r)).outcome, Outcome::Warn);
    }

    #[test]
    fn no_slow_connection_opened_is_an_error_not_a_pass() {
        let mut o = with(vec![answered(200); 5]);
        for h in &mut o.exhaustion.as_mut().unwrap().held {
            h.error = Some("connection refused".into());
        }
        assert_eq!(evaluate(&o).outcome, Outcome::Error);
        assert_eq!(evaluate(&obs()).outcome, Outcome::Error);
    }
}
