//! `probe/tls-ciphers`: no weak or legacy cipher suites are accepted.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/tls-ciphers",
    title: "Cipher suites are within Mozilla \"intermediate\"",
    area: Area::Security,
    severity: Severity::High,
    applies_to: "https targets",
    rationale: "NULL, EXPORT, RC4 and DES suites are broken; CBC and non-forward-secret suites are legacy and lose past traffic if the key leaks.",
    evaluation: "Raw TLS 1.2 ClientHellos offering only weak suites (NULL/EXPORT/RC4/DES), then only legacy ones (CBC, 3DES, RSA key exchange). Pass: both refused. Warn: a legacy suite accepted. Fail: a weak suite accepted.",
    remediation: "Use Mozilla's \"intermediate\" cipher list (ECDHE with AES-GCM or ChaCha20-Poly1305).",
    references: &["https://wiki.mozilla.org/Security/Server_Side_TLS"],
    needs: &[Phase::Tls],
    evaluate,
};

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(tls) = &o.tls else {
        return CheckOutcome::na("plain http target");
    };
    let neg = tls
        .negotiated_suite
        .clone()
        .unwrap_or_else(|| "unknown".into());
    let evidence: Vec<Finding> = tls
        .ciphers
        .iter()
        .map(|c| Finding::new(format!("{} suites: {}", c.class, c.detail)).with_key(c.class))
        .collect();
    let accepted = |class: &str| {
        tls.ciphers
            .iter()
            .find(|c| c.class == class && c.accepted == Some(true))
    };
    if let Some(c) = accepted("weak") {
        return CheckOutcome::fail(format!(
            "weak suite accepted: {}",
            c.chosen.clone().unwrap_or_default()
        ))
        .with_all(evidence);
    }
    if let Some(c) = accepted("legacy") {
        return CheckOutcome::warn(format!(
            "legacy suite accepted: {}",
            c.chosen.clone().unwrap_or_default()
        ))
        .with_all(evidence);
    }
    CheckOutcome::pass(format!("weak and legacy suites refused; negotiated {neg}"))
        .with_all(evidence)
}
