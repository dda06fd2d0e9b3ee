//! `probe/tls-protocols` ★: only TLS 1.2 and 1.3 are accepted, each version judged by
//! its own handshake.

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
    evaluation: "TLS 1.3 and 1.2 are tried with rustls and, when rustls does not complete the handshake (it refuses RSA-1024 keys, SHA-1 signatures and legacy suites), with a raw ClientHello of that version; SSL 3.0, TLS 1.0 and 1.1 with a raw ClientHello of that version offering every suite the probe knows. A ServerHello of the offered version means accepted. Each version is its own handshake: none is given up because another failed. Pass: 1.2 and 1.3 only. Warn: no 1.3. Fail: SSL 3.0, TLS 1.0 or 1.1 accepted. Error: no version could be probed, or none was accepted.",
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
    let old: Vec<&str> = ["SSLv3", "TLSv1.0", "TLSv1.1"]
        .into_iter()
        .filter(|v| accepted(v) == Some(true))
        .collect();
    if !old.is_empty() {
        return CheckOutcome::fail(format!("{} accepted (accepted: {list})", old.join(", ")))
            .with_all(evidence);
    }
    if tls.versions.iter().all(|s| s.accepted.is_none()) {
        return CheckOutcome::error("no protocol version could be probed").with_all(evidence);
    }
    if on.is_empty() {
        return CheckOutcome::error("no protocol version was accepted").with_all(evidence);
    }
    if accepted("TLSv1.3") != Some(true) {
        return CheckOutcome::warn(format!("no TLS 1.3 (accepted: {list})")).with_all(evidence);
    }
    CheckOutcome::pass(format!("accepted: {list}")).with_all(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::observe::VersionSupport;
    use shipshape_model::Outcome;

    fn with(states: &[(&'static str, Option<bool>)]) -> Observations {
        let mut o = tls_obs();
        o.tls.as_mut().expect("tls").versions = states
            .iter()
            .map(|&(version, accepted)| VersionSupport {
                version,
                accepted,
                detail: "by hand".into(),
            })
            .collect();
        o
    }

    const MODERN: [(&str, Option<bool>); 2] = [("TLSv1.3", Some(true)), ("TLSv1.2", Some(true))];

    #[test]
    fn tls12_and_13_only_pass() {
        let mut v = MODERN.to_vec();
        v.extend([
            ("TLSv1.1", Some(false)),
            ("TLSv1.0", Some(false)),
            ("SSLv3", Some(false)),
        ]);
        assert_eq!(evaluate(&with(&v)).outcome, Outcome::Pass);
    }

    #[test]
    fn tls10_or_11_accepted_fails_even_without_a_modern_version() {
        let out = evaluate(&with(&[
            ("TLSv1.3", Some(false)),
            ("TLSv1.2", None),
            ("TLSv1.1", Some(true)),
            ("TLSv1.0", Some(true)),
            ("SSLv3", Some(false)),
        ]));
        assert_eq!(out.outcome, Outcome::Fail);
        assert!(out.summary.contains("TLSv1.0, TLSv1.1"), "{}", out.summary);
        assert_eq!(out.findings.len(), 5, "every version is evidence");
    }

    #[test]
    fn no_tls13_warns_and_nothing_known_is_an_error() {
        let out = evaluate(&with(&[("TLSv1.3", Some(false)), ("TLSv1.2", Some(true))]));
        assert_eq!(out.outcome, Outcome::Warn);
        let out = evaluate(&with(&[("TLSv1.3", None), ("TLSv1.2", None)]));
        assert_eq!(out.outcome, Outcome::Error);
        let out = evaluate(&with(&[("TLSv1.3", Some(false)), ("TLSv1.2", None)]));
        assert_eq!(out.outcome, Outcome::Error);
    }
}
