//! TLS verdicts against real OpenSSL servers (`openssl s_server -www` on 127.0.0.1:0),
//! with certificates made by the openssl CLI in a temporary directory:
//! - a weak server (TLS 1.0–1.2, NULL and anonymous suites, RSA-1024/SHA-1
//!   self-signed), which rustls refuses — the server of issue #14 whose TLS checks all
//!   came back "not evaluated";
//! - the same certificate on TLS 1.0 only (rustls never sees a certificate), with a
//!   stapled OCSP response read from the raw flight;
//! - the same certificate on TLS 1.3 only (rustls reads the chain, then refuses);
//! - a legacy server (TLS 1.2 only, CBC and RSA-key-exchange suites, a 1024-bit DH group);
//! - a leaf without its intermediate (an incomplete chain), then with it;
//! - a well-configured control (TLS 1.2 + 1.3, ECDHE-AEAD, ECDSA P-256 from a CA,
//!   OCSP stapled).
//!
//! Skips with a message when no openssl binary is found; with SHIPSHAPE_TEST_OPENSSL
//! set (as `.ci/run` does) a missing or misbehaving binary fails the test.

mod common;

use common::*;
use shipshape_model::Outcome::*;
use shipshape_model::Report;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The openssl binary, or `None` (after saying so) when there is none to use.
fn openssl() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHIPSHAPE_TEST_OPENSSL") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "SHIPSHAPE_TEST_OPENSSL={} is not a file",
            p.display()
        );
        return Some(p);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("openssl"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!(
            "skipping: openssl not found (install Debian's openssl or set SHIPSHAPE_TEST_OPENSSL)"
        );
    }
    found
}

/// Run the openssl CLI; any failure fails the test with its output.
fn run(bin: &Path, dir: &Path, args: &[&str]) {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed RSA-1024 certificate signed with SHA-1, for 127.0.0.1.
fn weak_cert(bin: &Path, dir: &Path) {
    run(
        bin,
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-sha1",
            "-nodes",
            "-keyout",
            "weak.key",
            "-out",
            "weak.pem",
            "-days",
            "365",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
    );
}

/// A root CA (RSA-2048, SHA-256), an intermediate it signs, and an ECDSA P-256 leaf
/// for 127.0.0.1 signed by the intermediate (`leaf.pem`), and an RSA-2048 leaf signed
/// by the root (`rsa.pem`), all valid for 60 days.
fn pki(bin: &Path, dir: &Path) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        bin,
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-sha256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "60",
            "-subj",
            "/CN=shipshape test root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    run(
        bin,
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "int.key",
            "-out",
            "int.csr",
            "-subj",
            "/CN=shipshape test intermediate",
        ],
    );
    run(
        bin,
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "60",
            "-sha256",
            "-extfile",
            "ca.ext",
            "-out",
            "int.pem",
        ],
    );
    run(
        bin,
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    run(
        bin,
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "rsa.key",
            "-out",
            "rsa.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    for (csr, issuer, key, out) in [
        ("leaf.csr", "int.pem", "int.key", "leaf.pem"),
        ("rsa.csr", "ca.pem", "ca.key", "rsa.pem"),
    ] {
        run(
            bin,
            dir,
            &[
                "x509",
                "-req",
                "-in",
                csr,
                "-CA",
                issuer,
                "-CAkey",
                key,
                "-CAcreateserial",
                "-days",
                "60",
                "-sha256",
                "-extfile",
                "leaf.ext",
                "-out",
                out,
            ],
        );
    }
}

/// A stapled OCSP response for `-status_file`: the smallest valid DER OCSPResponse
/// (status `unauthorized`, no body). The probe records only whether one was stapled.
fn ocsp_file(dir: &Path) {
    std::fs::write(dir.join("ocsp.der"), [0x30, 0x03, 0x0a, 0x01, 0x06]).unwrap();
}

/// `openssl s_server -www` on 127.0.0.1 and a port of its choosing; killed on drop.
struct SServer {
    child: Child,
    url: String,
}

impl SServer {
    fn start(bin: &Path, dir: &Path, args: &[&str]) -> SServer {
        let mut child = Command::new(bin)
            .args(["s_server", "-accept", "127.0.0.1:0", "-www"])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl s_server starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
        let mut port = None;
        let mut line = String::new();
        // s_server prints `ACCEPT 127.0.0.1:PORT` once it listens, or exits on bad options.
        while lines.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(addr) = line.trim().strip_prefix("ACCEPT ") {
                port = addr.rsplit(':').next().map(str::to_string);
                break;
            }
            line.clear();
        }
        let Some(port) = port else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("openssl s_server {args:?} did not start: {err}");
        };
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        if let Some(mut e) = child.stderr.take() {
            std::thread::spawn(move || std::io::copy(&mut e, &mut std::io::sink()));
        }
        SServer {
            child,
            url: format!("https://127.0.0.1:{port}"),
        }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TLS_CHECKS: &[&str] = &[
    "probe/reachable",
    "probe/tls-protocols",
    "probe/tls-ciphers",
    "probe/cert-expiry",
    "probe/cert-chain",
];

fn tls_probe(url: &str, ca: Option<&Path>) -> Report {
    let mut o = opts(url);
    o.checks = TLS_CHECKS.iter().map(|s| s.to_string()).collect();
    o.ca_file = ca.map(Path::to_path_buf);
    probe(&o)
}

fn findings(r: &Report, id: &str) -> String {
    result(r, id)
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn weak_server_fails_protocols_ciphers_and_chain_instead_of_not_evaluated() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    weak_cert(&bin, dir.path());
    let server = SServer::start(
        &bin,
        dir.path(),
        &[
            "-cert",
            "weak.pem",
            "-key",
            "weak.key",
            "-cipher",
            "ALL:eNULL:@SECLEVEL=0",
            "-min_protocol",
            "TLSv1",
            "-max_protocol",
            "TLSv1.2",
        ],
    );
    let r = tls_probe(&server.url, None);
    // rustls refuses the RSA-1024 handshake signature: no HTTP answer.
    expect(&r, "probe/reachable", Fail);
    expect(&r, "probe/tls-protocols", Fail);
    let s = &result(&r, "probe/tls-protocols").summary;
    assert!(s.contains("TLSv1.0, TLSv1.1 accepted"), "{s}");
    let f = findings(&r, "probe/tls-protocols");
    assert!(f.contains("TLSv1.2: accepted"), "{f}");
    assert!(f.contains("TLSv1.3: refused"), "{f}");

    expect(&r, "probe/tls-ciphers", Fail);
    let s = &result(&r, "probe/tls-ciphers").summary;
    assert!(
        s.contains("TLS_RSA_WITH_NULL_SHA") && s.contains("(NULL)"),
        "{s}"
    );
    let f = findings(&r, "probe/tls-ciphers");
    assert!(f.contains("RSA key exchange suites: accepted"), "{f}");
    assert!(f.contains("TLS_RSA_WITH_AES_128_GCM_SHA256"), "{f}");
    assert!(!f.contains("0x"), "suites are named, never hex: {f}");

    expect(&r, "probe/cert-chain", Fail);
    let f = findings(&r, "probe/cert-chain");
    assert!(f.contains("RSA 1024-bit key"), "{f}");
    assert!(f.contains("signed with sha1WithRSAEncryption"), "{f}");
    assert!(f.contains("self-signed"), "{f}");
    // 365 days of validity left of a 365-day lifetime.
    expect(&r, "probe/cert-expiry", Pass);
}

#[test]
fn tls10_only_server_is_judged_from_a_raw_handshake() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    weak_cert(&bin, dir.path());
    ocsp_file(dir.path());
    let server = SServer::start(
        &bin,
        dir.path(),
        &[
            "-cert",
            "weak.pem",
            "-key",
            "weak.key",
            "-cipher",
            "DEFAULT:@SECLEVEL=0",
            "-min_protocol",
            "TLSv1",
            "-max_protocol",
            "TLSv1",
            "-status_file",
            "ocsp.der",
        ],
    );
    let r = tls_probe(&server.url, None);
    expect(&r, "probe/tls-protocols", Fail);
    let f = findings(&r, "probe/tls-protocols");
    assert!(
        f.contains("TLSv1.0: accepted") && f.contains("TLSv1.2: refused"),
        "{f}"
    );
    // Offered at TLS 1.0 (the newest version it speaks): its CBC and RSA suites.
    expect(&r, "probe/tls-ciphers", Warn);
    let f = findings(&r, "probe/tls-ciphers");
    assert!(f.contains("accepted at TLSv1.0"), "{f}");
    // rustls never saw a certificate: it came from a raw TLS 1.0 handshake.
    expect(&r, "probe/cert-chain", Fail);
    let f = findings(&r, "probe/cert-chain");
    assert!(f.contains("from a raw TLSv1.0 handshake"), "{f}");
    assert!(f.contains("RSA 1024-bit key"), "{f}");
    // The CertificateStatus message of the raw flight.
    assert!(f.contains("the server stapled an OCSP response"), "{f}");
    expect(&r, "probe/cert-expiry", Pass);
}

#[test]
fn tls13_only_server_with_a_weak_certificate_is_judged_on_the_chain_rustls_read() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    weak_cert(&bin, dir.path());
    let server = SServer::start(
        &bin,
        dir.path(),
        &[
            "-cert",
            "weak.pem",
            "-key",
            "weak.key",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-min_protocol",
            "TLSv1.3",
        ],
    );
    let r = tls_probe(&server.url, None);
    // rustls refuses the RSA-1024 CertificateVerify; a raw TLS 1.3 ClientHello shows the
    // version is spoken, and the chain rustls read before refusing is judged.
    expect(&r, "probe/reachable", Fail);
    expect(&r, "probe/tls-protocols", Pass);
    let f = findings(&r, "probe/tls-protocols");
    assert!(
        f.contains("TLSv1.3: accepted (ServerHello with TLSv1.3"),
        "{f}"
    );
    expect(&r, "probe/tls-ciphers", Pass);
    expect(&r, "probe/cert-chain", Fail);
    let f = findings(&r, "probe/cert-chain");
    assert!(f.contains("read before rustls refused the server"), "{f}");
    assert!(f.contains("RSA 1024-bit key"), "{f}");
    expect(&r, "probe/cert-expiry", Pass);
}

#[test]
fn legacy_server_warns_on_cbc_rsa_key_exchange_no_tls13_and_a_1024_bit_dh_group() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    pki(&bin, dir.path());
    run(&bin, dir.path(), &["dhparam", "-out", "dh1024.pem", "1024"]);
    let server = SServer::start(
        &bin,
        dir.path(),
        &[
            "-cert",
            "rsa.pem",
            "-key",
            "rsa.key",
            "-min_protocol",
            "TLSv1.2",
            "-max_protocol",
            "TLSv1.2",
            "-dhparam",
            "dh1024.pem",
            "-cipher",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        ],
    );
    let ca = dir.path().join("ca.pem");
    let r = tls_probe(&server.url, Some(&ca));
    expect(&r, "probe/reachable", Pass);
    expect(&r, "probe/tls-protocols", Warn);
    expect(&r, "probe/tls-ciphers", Warn);
    let s = &result(&r, "probe/tls-ciphers").summary;
    assert!(
        s.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (CBC)"),
        "{s}"
    );
    assert!(
        s.contains("TLS_RSA_WITH_AES_128_GCM_SHA256 (RSA key exchange)"),
        "{s}"
    );
    assert!(
        s.contains("a 1024-bit DH group"),
        "{s}\n{}",
        findings(&r, "probe/tls-ciphers")
    );
    expect(&r, "probe/cert-chain", Pass);
    expect(&r, "probe/cert-expiry", Pass);
}

#[test]
fn a_leaf_without_its_intermediate_is_an_incomplete_chain() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    pki(&bin, dir.path());
    let ca = dir.path().join("ca.pem");
    let base = [
        "-cert",
        "leaf.pem",
        "-key",
        "leaf.key",
        "-min_protocol",
        "TLSv1.2",
    ];
    let server = SServer::start(&bin, dir.path(), &base);
    let r = tls_probe(&server.url, Some(&ca));
    expect(&r, "probe/cert-chain", Fail);
    let f = findings(&r, "probe/cert-chain");
    assert!(f.contains("incomplete chain"), "{f}");
    assert!(
        f.contains("`CN=shipshape test intermediate` was not sent"),
        "{f}"
    );
    drop(server);
    // The same leaf with its intermediate sent verifies.
    let mut with = base.to_vec();
    with.extend(["-cert_chain", "int.pem"]);
    let server = SServer::start(&bin, dir.path(), &with);
    let r = tls_probe(&server.url, Some(&ca));
    expect(&r, "probe/cert-chain", Pass);
    assert!(
        result(&r, "probe/cert-chain")
            .summary
            .contains("chain of 2")
    );
}

#[test]
fn well_configured_server_passes_every_tls_check() {
    let Some(bin) = openssl() else { return };
    let dir = tempfile::tempdir().unwrap();
    pki(&bin, dir.path());
    ocsp_file(dir.path());
    let server = SServer::start(
        &bin,
        dir.path(),
        &[
            "-cert",
            "leaf.pem",
            "-key",
            "leaf.key",
            "-cert_chain",
            "int.pem",
            "-min_protocol",
            "TLSv1.2",
            "-cipher",
            "ECDHE+AESGCM:ECDHE+CHACHA20",
            "-status_file",
            "ocsp.der",
        ],
    );
    let ca = dir.path().join("ca.pem");
    let r = tls_probe(&server.url, Some(&ca));
    for id in TLS_CHECKS {
        expect(&r, id, Pass);
    }
    let f = findings(&r, "probe/tls-ciphers");
    assert!(
        f.contains("key exchange chosen for a full offer: X25519"),
        "{f}"
    );
    let f = findings(&r, "probe/cert-chain");
    // Stapled in the rustls handshake (TLS 1.3).
    assert!(f.contains("the server stapled an OCSP response"), "{f}");
}
