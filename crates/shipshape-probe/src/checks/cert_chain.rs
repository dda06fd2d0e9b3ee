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
    evaluation: "The chain the server presents in the rustls handshake — or, when rustls sees none (it refuses legacy-only servers), the Certificate message of a raw TLS 1.2 (else 1.0) handshake — is verified against the Mozilla roots (or --ca-file) and the host name, and each certificate's key and signature read. An unknown issuer while the last certificate sent is not self-signed is reported as an incomplete chain (an intermediate not sent) or a private CA. Whether an OCSP response was stapled is noted (never a failure: many good servers do not staple). Pass: verifies, RSA ≥ 2048 / EC ≥ 256 bits, SHA-2 signatures. Warn: leaf lifetime > 398 days. Fail: untrusted, incomplete, name mismatch, SHA-1/MD5, or a short key. (Expiry is judged by probe/cert-expiry.)",
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
        return CheckOutcome::error(format!(
            "no certificate was presented or it could not be parsed ({})",
            tls.chain_source
        ));
    };
    // What was seen, before the verdict.
    let mut evidence: Vec<Finding> = tls
        .chain
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Finding::new(format!(
                "certificate {i} from {}: `{}` issued by `{}`, {} {} bits, {}",
                tls.chain_source,
                c.subject,
                c.issuer,
                c.key_type,
                c.key_bits.map_or("?".into(), |b| b.to_string()),
                c.signature_algorithm
            ))
            .with_key(format!("cert {i}"))
        })
        .collect();
    evidence.push(
        Finding::new(match tls.ocsp_stapled {
            Some(true) => "OCSP stapling: the server stapled an OCSP response".to_string(),
            Some(false) => "OCSP stapling: no response stapled (a note, not a failure: many good servers do not staple)".to_string(),
            None => "OCSP stapling: unknown (no handshake got that far)".to_string(),
        })
        .with_key("ocsp"),
    );
    let mut fails = Vec::new();
    if let Some(err) = &tls.verify_error
        && !is_expiry_only(err)
    {
        let against = if tls.custom_ca {
            "the given CA file"
        } else {
            "the Mozilla root store"
        };
        let last = tls.chain.last().unwrap_or(leaf);
        let message = if err.contains("UnknownIssuer") && !last.self_signed {
            format!(
                "incomplete chain or unknown CA: the server sent {} certificate(s) ending at `{}`, whose issuer `{}` was not sent and is not in {against} ({err}); send the intermediates, or give a private CA with --ca-file",
                tls.chain.len(),
                last.subject,
                last.issuer
            )
        } else if leaf.self_signed && tls.chain.len() == 1 {
            format!(
                "chain does not verify against {against}: the leaf `{}` is self-signed ({err})",
                leaf.subject
            )
        } else {
            format!("chain does not verify against {against}: {err}")
        };
        fails.push(Finding::new(message).with_key("verify"));
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
        .with_all(evidence)
        .with_all(fails);
    }
    let lifetime_days = (leaf.not_after - leaf.not_before) / 86_400;
    if lifetime_days > 398 {
        return CheckOutcome::warn(format!("leaf lifetime is {lifetime_days} days (> 398)"))
            .with_all(evidence);
    }
    CheckOutcome::pass(format!(
        "chain of {} verifies; leaf {} {} bits, {}",
        tls.chain.len(),
        leaf.key_type,
        leaf.key_bits.map_or("?".into(), |b| b.to_string()),
        leaf.signature_algorithm
    ))
    .with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn messages(out: &CheckOutcome) -> Vec<String> {
        out.findings.iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn a_verified_p256_sha256_chain_passes_with_ocsp_as_a_note() {
        let out = evaluate(&tls_obs());
        assert_eq!(out.outcome, Outcome::Pass, "{}", out.summary);
        let m = messages(&out);
        assert!(m.iter().any(|t| t.contains("no response stapled")), "{m:?}");
        assert!(m[0].contains("from the rustls handshake"), "{m:?}");
    }

    #[test]
    fn rsa1024_sha1_self_signed_from_a_raw_handshake_fails_with_evidence() {
        let mut o = tls_obs();
        let tls = o.tls.as_mut().expect("tls");
        tls.chain.truncate(1);
        let leaf = &mut tls.chain[0];
        leaf.key_type = "RSA".into();
        leaf.key_bits = Some(1024);
        leaf.signature_algorithm = "sha1WithRSAEncryption".into();
        leaf.sha1_or_md5 = true;
        leaf.self_signed = true;
        leaf.issuer = leaf.subject.clone();
        tls.verify_error = Some("invalid peer certificate: UnknownIssuer".into());
        tls.chain_source = "a raw TLSv1.2 handshake (rustls saw no certificate)".into();
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        let m = messages(&out).join("\n");
        assert!(m.contains("RSA 1024-bit key"), "{m}");
        assert!(m.contains("signed with sha1WithRSAEncryption"), "{m}");
        assert!(m.contains("is self-signed"), "{m}");
        assert!(m.contains("from a raw TLSv1.2 handshake"), "{m}");
        assert!(!m.contains("incomplete chain"), "{m}");
    }

    #[test]
    fn an_unknown_issuer_after_a_leaf_alone_is_an_incomplete_chain() {
        let mut o = tls_obs();
        let tls = o.tls.as_mut().expect("tls");
        tls.chain.truncate(1);
        tls.verify_error = Some("invalid peer certificate: UnknownIssuer".into());
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        let m = messages(&out).join("\n");
        assert!(m.contains("incomplete chain"), "{m}");
        assert!(m.contains("`CN=intermediate` was not sent"), "{m}");
    }

    #[test]
    fn no_certificate_is_an_error_naming_where_it_was_looked_for() {
        let mut o = tls_obs();
        o.tls.as_mut().expect("tls").chain.clear();
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out.summary.contains("rustls handshake"), "{}", out.summary);
    }
}
