//! `probe/latency-inflation`: median latency under load stays close to unloaded.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/latency-inflation",
    title: "Median latency under load stays within 3× of unloaded",
    area: Area::Scalability,
    severity: Severity::Medium,
    applies_to: "HTTP services, when --load is given",
    rationale: "A median that balloons under moderate load shows contention (locks, pools, a single thread) long before errors appear.",
    evaluation: "p50 of the load run against the p50 of 20 sequential unloaded requests to the same path (medians under 5 ms count as 5 ms, to ignore noise). Pass: ≤ 3×. Warn: ≤ 10×. Fail: more.",
    remediation: "Look for shared locks, undersized connection pools and blocking calls on async executors.",
    references: &["https://brooker.co.za/blog/2021/04/19/latency.html"],
    needs: &[Phase::Load],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(load) = &o.load else {
        return CheckOutcome::na("no load run (enable with --load)");
    };
    let (Some(base), Some(lat)) = (load.unloaded_p50_ms, load.main.latency.as_ref()) else {
        return CheckOutcome::error("no unloaded or loaded latency to compare");
    };
    let floor = 5.0;
    let factor = lat.p50_ms.max(floor) / base.max(floor);
    let text = format!(
        "loaded p50 {:.1} ms vs unloaded {:.1} ms ({factor:.1}×)",
        lat.p50_ms, base
    );
    if factor <= 3.0 {
        CheckOutcome::pass(text)
    } else if factor <= 10.0 {
        CheckOutcome::warn(text)
    } else {
        CheckOutcome::fail(text)
    }
}
