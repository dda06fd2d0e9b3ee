//! `probe/tls-protocols` ★: only TLS 1.2 and 1.3 are accepted.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/tls-protocols",
    title: "Only TLS 1.2 and 1.3 are accepted",
    area: Area::Security,
    severity: Severity::Critical,
    applies_to: "https targets",
    rationale: "SSL 3.0 and TLS 1.0/1.1 have practical attacks (POODLE, BEAST) and are deprecated by RFC 8996; TLS 1.3 removes legacy weaknesses and a round trip.",
    evaluation: "TLS 1.3 and 1.2 are tried with rustls; SSL 3.0, TLS 1.0 and 1.1 with a minimal raw ClientHello of that version (a ServerHello back means accepted). Pass: 1.2 and 1.3 only. Warn: no 1.3, or 1.0/1.1 accepted. Fail: SSL 3.0 accepted.",
    remediation: "Configure the server or load balancer with Mozilla's \"intermediate\" profile (ssl_protocols TLSv1.2 TLSv1.3).",
    references: &[
        "https://ssl-config.mozilla.org/",
        "https://www.rfc-editor.org/rfc/rfc8996",
    ],
    needs: &[Phase::Tls],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(tls) = &o.tls else {
        return CheckOutcome::na("plain http target");
    };
    let accepted = |v: &str| {
        tls.versions
            .iter()
            .find(|s| s.version == v)
            .and_then(|s| s.accepted)
    };
    let evidence: Vec<Finding> = tls
        .versions
        .iter()
        .map(|s| {
            let state = match s.accepted {
                Some(true) => "accepted",
                Some(false) => "refused",
                None => "unknown",
            };
            Finding::new(format!("{}: {state} ({})", s.version, s.detail)).with_key(s.version)
        })
        .collect();
    let on: Vec<&str> = tls
        .versions
        .iter()
        .filter(|s| s.accepted == Some(true))
        .map(|s| s.version)
        .collect();
    let list = if on.is_empty() {
        "none".to_string()
    } else {
        on.join(", ")
    };
    if accepted("SSLv3") == Some(true) {
        return CheckOutcome::fail(format!("SSL 3.0 is accepted (accepted: {list})"))
            .with_all(evidence);
    }
    let legacy = accepted("TLSv1.0") == Some(true) || accepted("TLSv1.1") == Some(true);
    let no13 = accepted("TLSv1.3") != Some(true);
    if legacy || no13 {
        let why = match (legacy, no13) {
            (true, true) => "TLS 1.0/1.1 accepted and no TLS 1.3",
            (true, false) => "TLS 1.0/1.1 accepted",
            _ => "no TLS 1.3",
        };
        return CheckOutcome::warn(format!("{why} (accepted: {list})")).with_all(evidence);
    }
    CheckOutcome::pass(format!("accepted: {list}")).with_all(evidence)
}
