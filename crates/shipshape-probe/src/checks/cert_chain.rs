//! `probe/cert-chain`: the chain verifies, matches the name and uses strong keys and hashes.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::Observations;
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/cert-chain",
    title: "The certificate chain verifies with strong keys and SHA-2",
    area: Area::Security,
    severity: Severity::High,
    applies_to: "https targets",
    rationale: "An untrusted or mismatched certificate trains users to click through warnings and breaks every strict client; SHA-1 and short keys are forgeable.",
    evaluation: "The presented chain is verified against the Mozilla roots (or --ca-file) and the host name. Pass: verifies, RSA ≥ 2048 / EC ≥ 256 bits, SHA-2 signatures. Warn: leaf lifetime > 398 days. Fail: untrusted, name mismatch, SHA-1/MD5, or a short key. (Expiry is judged by probe/cert-expiry.)",
    remediation: "Serve the full chain from a public CA (or your internal CA, given with --ca-file), with the service's name in subjectAltName, an RSA-2048+/P-256+ key, and SHA-256 signatures.",
    references: &["https://cabforum.org/working-groups/server/baseline-requirements/"],
    needs: &[Phase::Tls],
    evaluate,
};

fn is_expiry_only(err: &str) -> bool {
    let e = err.to_ascii_lowercase();
    e.contains("expired")
        || e.contains("not valid after")
        || e.contains("notvalidyet")
        || e.contains("not valid before")
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(tls) = &o.tls else {
        return CheckOutcome::na("plain http target");
    };
    let Some(leaf) = tls.chain.first() else {
        return CheckOutcome::error("no certificate was presented or it could not be parsed");
    };
    let mut fails = Vec::new();
    if let Some(err) = &tls.verify_error
        && !is_expiry_only(err)
    {
        let against = if tls.custom_ca {
            "the given CA file"
        } else {
            "the Mozilla root store"
        };
        fails.push(
            Finding::new(format!("chain does not verify against {against}: {err}"))
                .with_key("verify"),
        );
    }
    // The root (last, self-signed) may use SHA-1: its signature is never checked.
    for (i, c) in tls.chain.iter().enumerate() {
        let is_root = i > 0 && c.self_signed;
        if c.sha1_or_md5 && !is_root {
            fails.push(
                Finding::new(format!(
                    "`{}` is signed with {}",
                    c.subject, c.signature_algorithm
                ))
                .with_key(format!("hash {i}")),
            );
        }
        let weak_key = match (c.key_type.as_str(), c.key_bits) {
            ("RSA", Some(b)) => b < 2048,
            ("EC", Some(b)) => b < 256,
            ("DSA", _) => true,
            _ => false,
        };
        if weak_key {
            fails.push(
                Finding::new(format!(
                    "`{}` has a {} {}-bit key",
                    c.subject,
                    c.key_type,
                    c.key_bits.unwrap_or(0)
                ))
                .with_key(format!("key {i}")),
            );
        }
    }
    for bad in &tls.unparsable {
        fails.push(Finding::new(format!(
            "a certificate could not be parsed: {bad}"
        )));
    }
    if !fails.is_empty() {
        return CheckOutcome::fail(format!(
            "{} problem(s) with the certificate chain",
            fails.len()
        ))
        .with_all(fails);
    }
    let lifetime_days = (leaf.not_after - leaf.not_before) / 86_400;
    if lifetime_days > 398 {
        return CheckOutcome::warn(format!("leaf lifetime is {lifetime_days} days (> 398)"));
    }
    CheckOutcome::pass(format!(
        "chain of {} verifies; leaf {} {} bits, {}",
        tls.chain.len(),
        leaf.key_type,
        leaf.key_bits.map_or("?".into(), |b| b.to_string()),
        leaf.signature_algorithm
    ))
}
