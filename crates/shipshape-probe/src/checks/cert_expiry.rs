//! `probe/cert-expiry` ★: the certificate is valid now and for at least 30 more days.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cert-expiry",
    title: "The certificate is valid for long enough (30 days, or a third of a short lifetime)",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: "https targets",
    rationale: "An expired certificate is a full outage for every client; renewal must happen well before expiry.",
    evaluation: "Validity of the leaf certificate (from the rustls handshake, or from a raw TLS 1.2/1.0 handshake when rustls sees none) against the probe's clock, judged against the certificate's lifetime L. Pass: at least min(30 days, L/3) left. Warn: less. Fail: less than min(7 days, L/10), expired, or not yet valid. So a 90-day certificate warns under 30 days, and a 12-hour or 6-day auto-renewed certificate (Caddy internal, short-lived ACME) with most of its lifetime left passes.",
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
        return CheckOutcome::error(format!(
            "no certificate was presented or it could not be parsed ({})",
            tls.chain_source
        ));
    };
    let now = tls.checked_at;
    let days = (leaf.not_after - now) as f64 / 86_400.0;
    // Judged against the certificate's own lifetime: a 12-hour or 6-day auto-renewed
    // certificate with most of its life left is fine; the fixed thresholds apply to
    // certificates long enough to have them.
    let lifetime = (leaf.not_after - leaf.not_before).max(1) as f64 / 86_400.0;
    let warn_below = 30.0_f64.min(lifetime / 3.0);
    let fail_below = 7.0_f64.min(lifetime / 10.0);
    let left = |d: f64| {
        if d >= 2.0 {
            format!("{d:.1} days")
        } else {
            format!("{:.1} hours", d * 24.0)
        }
    };
    let when = jiff::Timestamp::from_second(leaf.not_after)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| leaf.not_after.to_string());
    let f = Finding::new(format!("leaf `{}` valid until {when}", leaf.subject)).with_key("leaf");
    if leaf.not_before > now {
        return CheckOutcome::fail("the certificate is not yet valid").with(f);
    }
    if days < 0.0 {
        CheckOutcome::fail(format!("the certificate expired {:.0} day(s) ago", -days)).with(f)
    } else if days < fail_below {
        CheckOutcome::fail(format!(
            "the certificate expires in {} (of a {} lifetime)",
            left(days),
            left(lifetime)
        ))
        .with(f)
    } else if days < warn_below {
        CheckOutcome::warn(format!(
            "the certificate expires in {} (of a {} lifetime)",
            left(days),
            left(lifetime)
        ))
        .with(f)
    } else {
        CheckOutcome::pass(format!(
            "the certificate is valid for {} more (of a {} lifetime)",
            left(days),
            left(lifetime)
        ))
        .with(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn with_cert(not_before: i64, not_after: i64, now: i64) -> Observations {
        let mut o = tls_obs();
        let tls = o.tls.as_mut().expect("tls");
        tls.chain.truncate(1);
        tls.chain[0].not_before = not_before;
        tls.chain[0].not_after = not_after;
        tls.checked_at = now;
        o
    }

    #[test]
    fn short_lived_certificates_are_judged_against_their_lifetime() {
        let h = 3600;
        let d = 86_400;
        // 12-hour certificate, issued an hour ago.
        assert_eq!(evaluate(&with_cert(0, 12 * h, h)).outcome, Outcome::Pass);
        // 6-day ACME certificate with 5 days left.
        assert_eq!(evaluate(&with_cert(0, 6 * d, d)).outcome, Outcome::Pass);
        // 12-hour certificate with 30 minutes left.
        assert_eq!(
            evaluate(&with_cert(0, 12 * h, 23 * h / 2)).outcome,
            Outcome::Fail
        );
        // 90-day certificate with 20 days left still warns.
        assert_eq!(
            evaluate(&with_cert(0, 90 * d, 70 * d)).outcome,
            Outcome::Warn
        );
    }
}
