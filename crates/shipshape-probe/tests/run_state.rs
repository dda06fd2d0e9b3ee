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

#[test]
fn max_duration_too_short_for_the_requests_under_slow_clients_is_not_exhaustion() {
    // The phase needs about 12 s with a 5 s timeout; a 4 s budget cannot hold it, and
    // that is the run's limit, never a finding against the service.
    let server = good_server();
    let mut o = opts(&server.url());
    o.timeout = Duration::from_secs(5);
    o.max_duration = Duration::from_secs(4);
    o.checks = vec!["probe/slow-client-exhaustion".into()];
    let report = probe(&o);
    let c = result(&report, "probe/slow-client-exhaustion");
    assert_eq!(c.outcome, Error, "{}", c.summary);
    assert!(c.summary.contains("time budget"), "{}", c.summary);
}

#[test]
fn requests_under_slow_clients_add_no_time_inside_the_slow_client_window() {
    let o = shipshape_probe::ProbeOptions {
        url: "http://127.0.0.1:8080".into(),
        ..Default::default()
    };
    let (full, _) = shipshape_probe::expected_duration(&o).expect("valid options");
    assert_eq!(
        full,
        Duration::from_secs(65),
        "the slow-client window alone"
    );
    // Without the window they take their own time: 6 s of spacing, the 5 s timeout and
    // 1 s of slack after the 10 s of ordinary requests.
    let quick = shipshape_probe::ProbeOptions {
        skip: vec!["probe/slow-clients".into()],
        ..o.clone()
    };
    let (t, why) = shipshape_probe::expected_duration(&quick).expect("valid options");
    assert_eq!(t, Duration::from_secs(22), "{why}");
    assert!(why.contains("8 slow clients"), "{why}");
    let quickest = shipshape_probe::ProbeOptions {
        skip: vec![
            "probe/slow-clients".into(),
            "probe/slow-client-exhaustion".into(),
        ],
        ..o
    };
    let (t, _) = shipshape_probe::expected_duration(&quickest).expect("valid options");
    assert_eq!(t, Duration::from_secs(10));
}
