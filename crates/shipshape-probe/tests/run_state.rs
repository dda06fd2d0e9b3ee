//! The run's own state is never the service's fault: checks that ran while the target
//! was away are not evaluated (and `survived` fails with when), budgets that cut a phase
//! make its checks not evaluated, and `--check X` sends only what X needs.

mod common;

use common::*;
use shipshape_model::Outcome::*;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[test]
fn crash_and_restart_is_caught_and_not_blamed_on_later_checks() {
    let server = crash_restart_server(Duration::from_secs(3));
    let mut o = opts(&server.url());
    o.checks = [
        "probe/liveness-endpoint",
        "probe/malformed-bodies",
        "probe/hostile-requests",
        "probe/survived",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let report = probe(&o);
    // Ran before the crash: judged as usual.
    expect(&report, "probe/liveness-endpoint", Pass);
    // Ran while the port was closed: not the service's answer to bad input.
    for id in ["probe/malformed-bodies", "probe/hostile-requests"] {
        let c = result(&report, id);
        assert_eq!(c.outcome, Error, "{id}: {}", c.summary);
        assert!(
            c.summary.contains("target unavailable from"),
            "{id}: {}",
            c.summary
        );
    }
    let survived = result(&report, "probe/survived");
    assert_eq!(survived.outcome, Fail, "{}", survived.summary);
    assert!(
        survived.summary.contains("unavailable during the probe")
            && survived.summary.contains(" to "),
        "{}",
        survived.summary
    );
}

#[test]
fn max_duration_shorter_than_the_load_run_is_not_a_load_failure() {
    let server = good_server();
    let mut o = opts(&server.url());
    o.max_duration = Duration::from_secs(4);
    o.checks = vec![
        "probe/latency-under-load".into(),
        "probe/latency-inflation".into(),
    ];
    o.load = Some(shipshape_probe::LoadOptions {
        rate: 50,
        duration: Duration::from_secs(10),
        connections: 4,
    });
    let report = probe(&o);
    for id in ["probe/latency-under-load", "probe/latency-inflation"] {
        let c = result(&report, id);
        assert_eq!(c.outcome, Error, "{id}: {}", c.summary);
        assert!(c.summary.contains("time budget"), "{id}: {}", c.summary);
    }
}

#[test]
fn check_selection_sends_only_what_the_check_needs() {
    let (app, metrics) = good_app();
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/reachable".into()];
    let report = probe(&o);
    expect(&report, "probe/reachable", Pass);
    assert_eq!(
        metrics.requests.load(Ordering::Relaxed),
        1,
        "only GET / was needed"
    );

    let (app, metrics) = good_app();
    let server = serve(app, None);
    let mut o = opts(&server.url());
    o.checks = vec!["probe/liveness-endpoint".into()];
    let report = probe(&o);
    expect(&report, "probe/liveness-endpoint", Pass);
    // GET /, the unknown-path reference, /livez and /readyz (discovery of both), and no
    // method, metrics, repeated-health or body traffic.
    assert_eq!(metrics.requests.load(Ordering::Relaxed), 4);
}
