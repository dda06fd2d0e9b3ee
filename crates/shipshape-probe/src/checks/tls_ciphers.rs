//! `probe/tls-ciphers`: no broken or legacy cipher suites, no weak DH group.

use super::{CheckOutcome, Phase, ProbeCheck};
use crate::observe::{Observations, SuiteClass};
use shipshape_model::{Area, Finding, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/tls-ciphers",
    title: "Cipher suites are within Mozilla \"intermediate\"",
    area: Area::Security,
    severity: Severity::High,
    applies_to: "https targets",
    rationale: "NULL, EXPORT, anonymous, RC4 and DES suites are broken; 3DES (SWEET32), RSA key exchange (no forward secrecy, ROBOT) and CBC suites are legacy; a DH group under 2048 bits is within reach of precomputation (Logjam).",
    evaluation: "One class of suites at a time (NULL, EXPORT, anonymous, RC4, DES, 3DES, RSA key exchange, CBC) is offered alone in a raw ClientHello at the newest pre-1.3 version the server accepts; each suite the server picks is named (IANA name) and removed, and the rest offered again (up to 8 per class). Finite-field DHE suites are offered alone and the prime of the ServerKeyExchange measured. The key-exchange group of the rustls handshake (or of a raw one when rustls refuses the server) is reported as evidence. Fail: a NULL/EXPORT/anonymous/RC4/DES suite accepted, or a DH group under 1024 bits. Warn: a 3DES, RSA-key-exchange or CBC suite accepted, or a DH group under 2048 bits. Pass: all refused. Error: no class could be probed.",
    remediation: "Use Mozilla's \"intermediate\" cipher list (ECDHE with AES-GCM or ChaCha20-Poly1305; DHE only with a 2048-bit group or larger).",
    references: &[
        "https://wiki.mozilla.org/Security/Server_Side_TLS",
        "https://ciphersuite.info/",
    ],
    needs: &[Phase::Tls],
    evaluate,
};

/// Classes whose acceptance fails the check (the others warn).
fn broken(c: SuiteClass) -> bool {
    matches!(
        c,
        SuiteClass::Null
            | SuiteClass::Export
            | SuiteClass::Anonymous
            | SuiteClass::Rc4
            | SuiteClass::Des
    )
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let Some(tls) = &o.tls else {
        return CheckOutcome::na("plain http target");
    };
    let mut evidence: Vec<Finding> = tls
        .ciphers
        .iter()
        .map(|c| {
            let state = match c.accepted {
                Some(true) => "accepted",
                Some(false) => "refused",
                None => "unknown",
            };
            Finding::new(format!("{} suites: {state} ({})", c.class.name(), c.detail))
                .with_key(c.class.name())
        })
        .collect();
    if let Some(g) = &tls.key_exchange_group {
        evidence.push(
            Finding::new(format!("key exchange chosen for a full offer: {g}")).with_key("group"),
        );
    }
    if let Some(d) = &tls.dhe {
        let state = match d.accepted {
            Some(true) => "accepted",
            Some(false) => "refused",
            None => "unknown",
        };
        evidence.push(
            Finding::new(format!("finite-field DHE suites: {state} ({})", d.detail))
                .with_key("dhe"),
        );
    }
    let named = |pred: &dyn Fn(SuiteClass) -> bool| -> Vec<String> {
        tls.ciphers
            .iter()
            .filter(|c| c.accepted == Some(true) && pred(c.class))
            .flat_map(|c| {
                c.chosen
                    .iter()
                    .map(move |s| format!("{s} ({})", c.class.name()))
            })
            .collect()
    };
    let dh_bits = tls
        .dhe
        .as_ref()
        .filter(|d| d.accepted == Some(true))
        .and_then(|d| d.bits);
    // The summary names at most four suites per verdict; the evidence names them all.
    let list = |names: &[String]| {
        let mut l = names.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
        if names.len() > 4 {
            l.push_str(&format!(" and {} more", names.len() - 4));
        }
        l
    };
    let bad = named(&broken);
    let legacy = named(&|c| !broken(c));
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    if !bad.is_empty() {
        fails.push(format!("broken suites accepted: {}", list(&bad)));
    }
    match dh_bits {
        Some(b) if b < 1024 => fails.push(format!("a {b}-bit DH group")),
        Some(b) if b < 2048 => warns.push(format!("a {b}-bit DH group (under 2048)")),
        _ => {}
    }
    if !legacy.is_empty() {
        warns.insert(0, format!("legacy suites accepted: {}", list(&legacy)));
    }
    if !fails.is_empty() {
        if !warns.is_empty() {
            fails.push(format!("also {}", warns.join("; ")));
        }
        return CheckOutcome::fail(fails.join("; ")).with_all(evidence);
    }
    if !warns.is_empty() {
        return CheckOutcome::warn(warns.join("; ")).with_all(evidence);
    }
    if tls.ciphers.is_empty() || tls.ciphers.iter().all(|c| c.accepted.is_none()) {
        return CheckOutcome::error("no class of cipher suites could be probed").with_all(evidence);
    }
    let neg = tls
        .negotiated_suite
        .as_ref()
        .map(|n| format!("; negotiated {n}"))
        .unwrap_or_default();
    let unknown = tls.ciphers.iter().filter(|c| c.accepted.is_none()).count();
    let note = if unknown > 0 {
        format!(" ({unknown} class(es) could not be probed)")
    } else {
        String::new()
    };
    CheckOutcome::pass(format!("broken and legacy suites refused{note}{neg}")).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::{CipherProbe, DheProbe};
    use shipshape_model::Outcome;

    fn probe(class: SuiteClass, chosen: &[&str]) -> CipherProbe {
        CipherProbe {
            class,
            accepted: Some(!chosen.is_empty()),
            chosen: chosen.iter().map(|s| s.to_string()).collect(),
            detail: if chosen.is_empty() {
                "refused with TLS alert handshake_failure (40)".into()
            } else {
                format!("accepted at TLSv1.2: {}", chosen.join(", "))
            },
        }
    }

    fn with(accepted: &[(SuiteClass, &[&str])], dh: Option<u32>) -> Observations {
        let mut o = tls_obs();
        let tls = o.tls.as_mut().expect("tls");
        tls.ciphers = SuiteClass::ALL
            .iter()
            .map(|&c| {
                let chosen = accepted
                    .iter()
                    .find(|(k, _)| *k == c)
                    .map_or(&[][..], |a| a.1);
                probe(c, chosen)
            })
            .collect();
        tls.dhe = dh.map(|b| DheProbe {
            accepted: Some(true),
            suite: Some("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256".into()),
            bits: Some(b),
            detail: format!("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 with a {b}-bit DH group"),
        });
        o
    }

    #[test]
    fn modern_suites_only_pass_with_the_group_as_evidence() {
        let out = evaluate(&with(&[], Some(2048)));
        assert_eq!(out.outcome, Outcome::Pass, "{}", out.summary);
        let text: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
        assert!(text.iter().any(|t| t.contains("X25519")), "{text:?}");
        assert!(
            text.iter().any(|t| t.starts_with("NULL suites: refused")),
            "{text:?}"
        );
    }

    #[test]
    fn a_null_suite_fails_and_is_named_by_its_iana_name() {
        let out = evaluate(&with(
            &[
                (SuiteClass::Null, &["TLS_RSA_WITH_NULL_SHA256"]),
                (SuiteClass::Cbc, &["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]),
            ],
            None,
        ));
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(
            out.summary.contains("TLS_RSA_WITH_NULL_SHA256 (NULL)"),
            "{}",
            out.summary
        );
        assert!(!out.summary.contains("0x"), "{}", out.summary);
    }

    #[test]
    fn three_des_rsa_key_exchange_and_cbc_warn() {
        for (class, suite) in [
            (SuiteClass::TripleDes, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
            (
                SuiteClass::RsaKeyExchange,
                "TLS_RSA_WITH_AES_128_GCM_SHA256",
            ),
            (SuiteClass::Cbc, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
        ] {
            let out = evaluate(&with(&[(class, &[suite])], None));
            assert_eq!(out.outcome, Outcome::Warn, "{class:?}");
            assert!(out.summary.contains(suite), "{}", out.summary);
        }
    }

    #[test]
    fn weak_finite_field_dh_warns_and_export_grade_dh_fails() {
        assert_eq!(evaluate(&with(&[], Some(1024))).outcome, Outcome::Warn);
        assert_eq!(evaluate(&with(&[], Some(512))).outcome, Outcome::Fail);
    }

    #[test]
    fn no_answer_to_any_class_is_an_error_not_a_pass() {
        let mut o = with(&[], None);
        for c in &mut o.tls.as_mut().expect("tls").ciphers {
            c.accepted = None;
        }
        assert_eq!(evaluate(&o).outcome, Outcome::Error);
    }
}
