//! `probe/cert-expiry` ★: the certificate is valid now and for at least 30 more days.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cert-expiry",
    title: "The certificate is valid for at least 30 more days",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: "https targets",
    rationale: "An expired certificate is a full outage for every client; renewal must happen well before expiry.",
    evaluation: "Leaf certificate validity against the probe's clock. Pass: ≥ 30 days left. Warn: < 30 days. Fail: < 7 days, expired, or not yet valid.",
    remediation: "Automate renewal (ACME/cert-manager) and alert on expiry at 30 and 14 days.",
    references: &["https://letsencrypt.org/docs/integration-guide/"],
    needs: &[Phase::Tls],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(tls) = &o.tls else {
        return CheckOutcome::na("plain http target");
    };
    let Some(leaf) = tls.chain.first() else {
        return CheckOutcome::error("no certificate was presented or it could not be parsed");
    };
    let now = tls.checked_at;
    let days = (leaf.not_after - now) as f64 / 86_400.0;
    let when = jiff::Timestamp::from_second(leaf.not_after)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| leaf.not_after.to_string());
    let f = Finding::new(format!("leaf `{}` valid until {when}", leaf.subject)).with_key("leaf");
    if leaf.not_before > now {
        return CheckOutcome::fail("the certificate is not yet valid").with(f);
    }
    if days < 0.0 {
        CheckOutcome::fail(format!("the certificate expired {:.0} day(s) ago", -days)).with(f)
    } else if days < 7.0 {
        CheckOutcome::fail(format!("the certificate expires in {days:.1} days")).with(f)
    } else if days < 30.0 {
        CheckOutcome::warn(format!("the certificate expires in {days:.0} days")).with(f)
    } else {
        CheckOutcome::pass(format!("the certificate is valid for {days:.0} more days"))
    }
}
