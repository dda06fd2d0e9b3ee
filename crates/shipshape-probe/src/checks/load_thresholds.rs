//! `probe/load-thresholds`: the load run meets the user's k6-style thresholds
//! (`--threshold 'p95<300ms'`).

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::endpoints::{Metric, Threshold};
use crate::observe::{LoadPhase, Observations};
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/load-thresholds",
    title: "The load run meets the given thresholds",
    area: Area::Scalability,
    severity: Severity::High,
    applies_to: "HTTP services, when --load and --threshold are given",
    rationale: "The service's own objectives (p95 under 300 ms, under 1 % errors) say more than generic targets; a threshold turns a load run into a pass or a fail a pipeline can gate on.",
    evaluation: "Each --threshold is compared with the main load phase: p50, p95, p99, max (ms, latency from the intended send time), errors (HTTP ≥ 400, 429/503, timeouts, resets and unsent requests over those scheduled) and rate (achieved over asked). Pass: all hold. Fail: any does not. Warn: a threshold could not be measured (p99 needs ≥ 1,000 samples; no latency sample at all). Not applicable without thresholds.",
    remediation: "Profile the slow route, add capacity or caching, or revisit the objective; keep thresholds in shipshape.toml (`thresholds = [\"p95<300ms\"]`) so every run is judged the same way.",
    references: &["https://grafana.com/docs/k6/latest/using-k6/thresholds/"],
    needs: &[Phase::Load],
    evaluate,
};

/// The observed value of `metric` in the phase (ms or a fraction), or why there is none.
fn observed(p: &LoadPhase, metric: Metric) -> Result<f64, String> {
    let lat = p.latency.as_ref();
    let need = || "no latency sample (no request completed)".to_string();
    match metric {
        Metric::P50 => lat.map(|l| l.p50_ms).ok_or_else(need),
        Metric::P95 => lat.map(|l| l.p95_ms).ok_or_else(need),
        Metric::Max => lat.map(|l| l.max_ms).ok_or_else(need),
        Metric::P99 => match lat {
            None => Err(need()),
            Some(l) => l.p99_ms.ok_or_else(|| {
                format!(
                    "p99 not measured: {} samples, it needs at least 1,000 (raise --rate or --duration)",
                    l.samples
                )
            }),
        },
        Metric::Errors => {
            let errors = p.http_errors + p.net_errors + p.status_429_503 + p.unsent;
            Ok(if p.scheduled == 0 {
                0.0
            } else {
                errors as f64 / p.scheduled as f64
            })
        }
        Metric::Rate => Ok(if p.target_rate > 0.0 {
            p.achieved_rate / p.target_rate
        } else {
            0.0
        }),
    }
}

fn show(metric: Metric, v: f64) -> String {
    if metric.is_latency() {
        format!("{v:.1} ms")
    } else {
        format!("{:.2}%", v * 100.0)
    }
}

fn judge(p: &LoadPhase, t: &Threshold) -> (Option<bool>, String) {
    match observed(p, t.metric) {
        Ok(v) => {
            let holds = t.op.holds(v, t.limit);
            let verdict = if holds { "holds" } else { "broken" };
            (
                Some(holds),
                format!(
                    "{}: observed {} {} = {verdict} (on {})",
                    t.text,
                    t.metric.name(),
                    show(t.metric, v),
                    p.path
                ),
            )
        }
        Err(why) => (None, format!("{}: {why}", t.text)),
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.thresholds.is_empty() {
        return CheckOutcome::na("no threshold given (--threshold 'p95<300ms')");
    }
    let Some(load) = &o.load else {
        return CheckOutcome::na("no load run (enable with --load)");
    };
    let judged: Vec<(Option<bool>, String)> =
        o.thresholds.iter().map(|t| judge(&load.main, t)).collect();
    let broken = judged.iter().filter(|(h, _)| *h == Some(false)).count();
    let unknown = judged.iter().filter(|(h, _)| h.is_none()).count();
    let n = judged.len();
    // Every threshold is shown with its observed value, whatever the verdict.
    let findings = judged
        .iter()
        .map(|(_, text)| Finding::new(text.clone()).with_key(text.clone()));
    let out = if broken > 0 {
        CheckOutcome::fail(format!("{broken} of {n} thresholds broken"))
    } else if unknown > 0 {
        CheckOutcome::warn(format!("{unknown} of {n} thresholds could not be measured"))
    } else {
        CheckOutcome::pass(format!(
            "all {n} thresholds hold: {}",
            o.thresholds
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    out.with_all(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::endpoints::parse_threshold;
    use crate::observe::{LatencyStats, LoadObservation};
    use shipshape_model::Outcome;
    use std::time::Duration;

    fn with_load(p95: f64, samples: u64, errors: u64) -> Observations {
        let mut o = obs();
        o.load = Some(LoadObservation {
            main: LoadPhase {
                path: "/items".into(),
                target_rate: 100.0,
                achieved_rate: 99.0,
                duration: Duration::from_secs(5),
                connections: 4,
                scheduled: 500,
                completed: 500,
                ok: 500 - errors,
                status_429_503: 0,
                with_retry_after: 0,
                http_errors: errors,
                net_errors: 0,
                unsent: 0,
                latency: Some(LatencyStats {
                    samples,
                    p50_ms: 10.0,
                    p95_ms: p95,
                    p99_ms: (samples >= 1000).then_some(p95 * 2.0),
                    max_ms: p95 * 3.0,
                }),
                error_samples: vec![],
                budget_cut: false,
            },
            spike: None,
            recovered_after: None,
            recovery_checks: vec![],
            unloaded_p50_ms: Some(5.0),
        });
        o
    }

    fn set(o: &mut Observations, ts: &[&str]) {
        o.thresholds = ts.iter().map(|t| parse_threshold(t).unwrap()).collect();
    }

    #[test]
    fn thresholds_pass_and_fail_with_their_observed_values() {
        let mut o = with_load(120.0, 500, 0);
        set(&mut o, &["p95<300ms", "errors<1%", "rate>=95%"]);
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Pass, "{}", out.summary);
        assert!(out.findings[0].message.contains("observed p95 120.0 ms"));
        assert!(out.findings[2].message.contains("99.00%"));
        let mut o = with_load(450.0, 500, 10);
        set(&mut o, &["p95<300ms", "errors<1%"]);
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        assert_eq!(out.summary, "2 of 2 thresholds broken");
        assert!(
            out.findings[1].message.contains("observed errors 2.00%"),
            "{}",
            out.findings[1].message
        );
    }

    #[test]
    fn p99_under_a_thousand_samples_is_not_judged() {
        let mut o = with_load(100.0, 500, 0);
        set(&mut o, &["p99<1s"]);
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Warn);
        assert!(out.findings[0].message.contains("500 samples"));
    }

    #[test]
    fn no_thresholds_is_not_applicable() {
        assert_eq!(
            evaluate(&with_load(1.0, 10, 0)).outcome,
            Outcome::NotApplicable
        );
    }
}
