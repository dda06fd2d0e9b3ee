//! TLS verdicts against local HTTPS services with generated certificates: a valid chain
//! from a private CA (given with --ca-file), an expired leaf, and a self-signed leaf.

mod common;

use common::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use shipshape_model::Outcome::*;
use std::sync::Arc;

fn ymd(days_from_now: i64) -> (i32, u8, u8) {
    let ts = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(days_from_now * 24))
        .expect("date in range");
    let d = jiff::tz::Offset::UTC.to_datetime(ts);
    (i32::from(d.year()), d.month() as u8, d.day() as u8)
}

struct Pki {
    ca_pem: String,
    ca: Issuer<'static, KeyPair>,
}

fn pki() -> Pki {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "shipshape test CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Pki {
        ca_pem: cert.pem(),
        ca: Issuer::new(params, key),
    }
}

fn leaf(
    not_before: i64,
    not_after: i64,
    issuer: Option<&Issuer<'static, KeyPair>>,
) -> Arc<rustls::ServerConfig> {
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let (y, m, d) = ymd(not_before);
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = ymd(not_after);
    params.not_after = rcgen::date_time_ymd(y, m, d);
    let key = KeyPair::generate().unwrap();
    let cert = match issuer {
        Some(i) => params.signed_by(&key, i).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    let der: CertificateDer<'static> = cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![der], key_der)
        .unwrap();
    Arc::new(config)
}

const TLS_CHECKS: &[&str] = &[
    "probe/reachable",
    "probe/tls-protocols",
    "probe/tls-ciphers",
    "probe/cert-expiry",
    "probe/cert-chain",
    "probe/hsts",
];

fn tls_opts(url: &str, ca: Option<&std::path::Path>) -> shipshape_probe::ProbeOptions {
    let mut o = opts(url);
    o.checks = TLS_CHECKS.iter().map(|s| s.to_string()).collect();
    o.ca_file = ca.map(|p| p.to_path_buf());
    o
}

#[test]
fn valid_chain_from_a_given_ca_passes() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let server = serve(good_app().0, Some(leaf(-10, 90, Some(&pki.ca))));
    let report = probe(&tls_opts(&server.https_url(), Some(&ca)));
    for id in TLS_CHECKS {
        expect(&report, id, Pass);
    }
    let protocols = result(&report, "probe/tls-protocols");
    let text = serde_json::to_string(&protocols.findings).unwrap();
    assert!(
        text.contains("TLSv1.0: refused") && text.contains("SSLv3: refused"),
        "{text}"
    );
}

#[test]
fn expired_certificate_fails_expiry_only() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let server = serve(good_app().0, Some(leaf(-400, -5, Some(&pki.ca))));
    let report = probe(&tls_opts(&server.https_url(), Some(&ca)));
    expect(&report, "probe/reachable", Pass);
    expect(&report, "probe/cert-expiry", Fail);
    expect(&report, "probe/cert-chain", Pass);
    assert!(
        result(&report, "probe/cert-expiry")
            .summary
            .contains("expired")
    );
    assert_eq!(report.units[0].level, None);
}

#[test]
fn self_signed_certificate_fails_the_chain() {
    let server = serve(good_app().0, Some(leaf(-10, 90, None)));
    let report = probe(&tls_opts(&server.https_url(), None));
    expect(&report, "probe/reachable", Pass);
    expect(&report, "probe/cert-chain", Fail);
    expect(&report, "probe/cert-expiry", Pass);
    let f = serde_json::to_string(&result(&report, "probe/cert-chain").findings).unwrap();
    assert!(f.contains("does not verify"), "{f}");
}

#[test]
fn unreadable_ca_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("empty.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    let err = shipshape_probe::run(&tls_opts("https://127.0.0.1:1", Some(&ca)), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty.pem") && err.contains("PEM"), "{err}");
}

/// A leaf valid from `from_hours` to `to_hours` around now (hour precision).
fn leaf_hours(
    from_hours: i64,
    to_hours: i64,
    issuer: &Issuer<'static, KeyPair>,
) -> Arc<rustls::ServerConfig> {
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::hours(from_hours);
    params.not_after = now + time::Duration::hours(to_hours);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    let der: CertificateDer<'static> = cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![der], key_der)
            .unwrap(),
    )
}

#[test]
fn twelve_hour_auto_renewed_certificate_passes_expiry() {
    // Caddy's internal CA and short-lived ACME profiles issue 12-hour certificates.
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let server = serve(good_app().0, Some(leaf_hours(-1, 11, &pki.ca)));
    let report = probe(&tls_opts(&server.https_url(), Some(&ca)));
    expect(&report, "probe/cert-expiry", Pass);
    let s = &result(&report, "probe/cert-expiry").summary;
    assert!(s.contains("hours"), "{s}");
    // The same certificate with 30 minutes left is about to lapse.
    let server = serve(good_app().0, Some(leaf_hours(-12, 0, &pki.ca)));
    let report = probe(&tls_opts(&server.https_url(), Some(&ca)));
    let c = result(&report, "probe/cert-expiry");
    assert_ne!(c.outcome, Pass, "{}", c.summary);
}

#[test]
fn plain_http_port_probed_as_https_is_an_error_for_each_tls_check_not_a_verdict() {
    // The first request fails in TLS, so the TLS checks run their own handshakes; none
    // gets a TLS answer, so none may pass, warn or fail (it used to be "no TLS 1.3").
    let server = serve(good_app().0, None);
    let report = probe(&tls_opts(&server.https_url(), None));
    expect(&report, "probe/reachable", Fail);
    for id in [
        "probe/tls-protocols",
        "probe/tls-ciphers",
        "probe/cert-chain",
        "probe/cert-expiry",
    ] {
        let c = result(&report, id);
        assert_eq!(c.outcome, Error, "{id}: {}", c.summary);
        assert!(
            !c.summary.contains("did not answer"),
            "{id} was judged: {}",
            c.summary
        );
    }
    let s = &result(&report, "probe/tls-protocols").summary;
    assert!(s.contains("no protocol version could be probed"), "{s}");
    expect(&report, "probe/hsts", Error);
}
