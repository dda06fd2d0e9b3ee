//! Builders of in-memory observations for the checks' unit tests.

use crate::observe::{Exchange, NetError, Observations, Response, Timing};
use crate::target::Target;
use std::time::Duration;

pub fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        reason: String::new(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        body_truncated: false,
        timing: Timing {
            connect: None,
            tls: None,
            first_byte: Duration::from_millis(5),
            total: Duration::from_millis(5),
        },
        received_at: 1_700_000_000.0,
    }
}

pub fn ex(request: &str, r: Response) -> Exchange {
    Exchange {
        request: request.to_string(),
        sent_headers: Vec::new(),
        result: Ok(r),
        elapsed: Duration::from_millis(5),
        started_at: 1_700_000_000.0,
        body_sent: None,
    }
}

pub fn failed(request: &str, e: NetError) -> Exchange {
    Exchange {
        request: request.to_string(),
        sent_headers: Vec::new(),
        result: Err(e),
        elapsed: Duration::from_millis(5),
        started_at: 1_700_000_000.0,
        body_sent: None,
    }
}

/// Observations of a reachable target that answered `GET /` with 200 and nothing else.
pub fn obs() -> Observations {
    Observations {
        target: Target::parse("http://127.0.0.1:8080").expect("static URL"),
        authenticated: false,
        root: ex(
            "GET /",
            resp(200, &[("content-type", "application/json")], "{}"),
        ),
        tls: None,
        unknown_path: None,
        methods: vec![],
        directories: vec![],
        liveness: None,
        liveness_tried: vec![],
        readiness: None,
        readiness_tried: vec![],
        health_series: vec![],
        management: vec![],
        metrics: None,
        metrics_tried: vec![],
        trace: None,
        trace_malformed: vec![],
        cors: vec![],
        cors_origin: "https://probe.invalid".into(),
        malformed: vec![],
        hostile: vec![],
        oversized: vec![],
        survived: None,
        slow: vec![],
        exhaustion: None,
        load: None,
        skipped: vec![],
        windows: vec![],
        budget_cut: vec![],
        down: vec![],
        thresholds: vec![],
    }
}

/// Observations of an https target with a verified two-certificate chain (ECDSA P-256,
/// SHA-256, 90 days, 60 left), TLS 1.2 and 1.3 accepted, every suite class refused.
pub fn tls_obs() -> Observations {
    use crate::observe::{CertInfo, CipherProbe, SuiteClass, TlsObservation, VersionSupport};
    let mut o = obs();
    o.target = Target::parse("https://127.0.0.1:8443").expect("static URL");
    let day = 86_400;
    let now = 1_700_000_000;
    let cert = |subject: &str, issuer: &str| CertInfo {
        subject: subject.into(),
        issuer: issuer.into(),
        not_before: now - 30 * day,
        not_after: now + 60 * day,
        signature_algorithm: "ecdsa-with-SHA256".into(),
        sha1_or_md5: false,
        key_type: "EC".into(),
        key_bits: Some(256),
        dns_names: vec!["127.0.0.1".into()],
        self_signed: false,
    };
    o.tls = Some(TlsObservation {
        negotiated_version: Some("TLSv1.3".into()),
        negotiated_suite: Some("TLS_AES_128_GCM_SHA256".into()),
        chain: vec![
            cert("CN=leaf", "CN=intermediate"),
            cert("CN=intermediate", "CN=root"),
        ],
        unparsable: vec![],
        verify_error: None,
        custom_ca: false,
        versions: [("TLSv1.3", true), ("TLSv1.2", true), ("TLSv1.1", false)]
            .into_iter()
            .map(|(version, a)| VersionSupport {
                version,
                accepted: Some(a),
                detail: "by hand".into(),
            })
            .collect(),
        ciphers: SuiteClass::ALL
            .iter()
            .map(|&class| CipherProbe {
                class,
                accepted: Some(false),
                chosen: vec![],
                detail: "refused with TLS alert handshake_failure (40)".into(),
            })
            .collect(),
        checked_at: now,
        chain_source: "the rustls handshake".into(),
        key_exchange_group: Some("X25519".into()),
        ocsp_stapled: Some(false),
        dhe: None,
    });
    o
}
