//! TLS for the probe: a rustls (ring) client whose certificate verifier records the
//! presented chain, any verification error and a stapled OCSP response instead of
//! aborting (so an expired or self-signed certificate becomes a verdict, not a
//! connection failure), version probes for TLS 1.2/1.3 via rustls, the same WebPKI
//! judgement for a chain read without rustls, and certificate details via x509-parser.
//! What rustls cannot or will not speak (legacy versions, weak suites, servers whose
//! signature or key it refuses) is probed with raw ClientHellos in `legacy`.

use crate::ProbeError;
use crate::observe::{CertInfo, NetError};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// What the recording verifier and the handshakes saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub chain: Vec<CertificateDer<'static>>,
    pub verify_error: Option<String>,
    pub version: Option<String>,
    pub suite: Option<String>,
    /// The key-exchange group of the first completed handshake (`X25519`).
    pub group: Option<String>,
    /// Whether the server stapled an OCSP response to the recorded chain.
    pub ocsp_stapled: Option<bool>,
}

#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    seen: Arc<Mutex<Seen>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.verify_error = verdict.err().map(|e| e.to_string());
            seen.ocsp_stapled = Some(!ocsp_response.is_empty());
        }
        // Record, don't abort: the verdict is reported by the cert-chain check.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A TLS client configuration plus what it recorded.
#[derive(Clone)]
pub struct TlsSetup {
    pub config: Arc<ClientConfig>,
    pub server_name: ServerName<'static>,
    pub seen: Arc<Mutex<Seen>>,
    pub custom_ca: bool,
    roots: Arc<RootCertStore>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Load the trust anchors: the user's CA file, or the bundled Mozilla roots.
pub fn load_roots(ca_file: Option<&Path>) -> Result<RootCertStore, ProbeError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let bad = |reason: String| ProbeError::CaFile {
                path: path.to_path_buf(),
                reason,
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| bad(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("it holds no PEM certificate".into()));
            }
            let (added, _ignored) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(bad("none of its certificates could be parsed".into()));
            }
        }
    }
    Ok(roots)
}

impl TlsSetup {
    /// A setup offering TLS 1.2 and 1.3 to `host`.
    pub fn new(host: &str, roots: RootCertStore, custom_ca: bool) -> Result<TlsSetup, ProbeError> {
        let server_name =
            ServerName::try_from(host.to_string()).map_err(|e| ProbeError::InvalidUrl {
                url: host.to_string(),
                reason: format!("not a valid TLS server name: {e}"),
            })?;
        let roots = Arc::new(roots);
        let seen = Arc::new(Mutex::new(Seen::default()));
        let config = build_config(
            &roots,
            &seen,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        )?;
        Ok(TlsSetup {
            config,
            server_name,
            seen,
            custom_ca,
            roots,
        })
    }

    /// A copy of this setup that offers only one protocol version (and records nothing
    /// into the main recording).
    pub fn only(
        &self,
        version: &'static rustls::SupportedProtocolVersion,
    ) -> Result<TlsSetup, ProbeError> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        Ok(TlsSetup {
            config: build_config(&self.roots, &seen, &[version])?,
            server_name: self.server_name.clone(),
            seen,
            custom_ca: self.custom_ca,
            roots: self.roots.clone(),
        })
    }

    /// Complete a handshake on `tcp` before `deadline`.
    pub async fn handshake(
        &self,
        tcp: TcpStream,
        deadline: Instant,
    ) -> Result<TlsStream<TcpStream>, NetError> {
        let connector = TlsConnector::from(self.config.clone());
        let stream =
            match timeout_at(deadline, connector.connect(self.server_name.clone(), tcp)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => return Err(NetError::Tls(e.to_string())),
                Err(_) => {
                    return Err(NetError::Timeout {
                        phase: "TLS handshake".into(),
                    });
                }
            };
        if let Ok(mut seen) = self.seen.lock()
            && seen.version.is_none()
        {
            let conn = stream.get_ref().1;
            seen.version = conn.protocol_version().map(version_name);
            seen.suite = conn
                .negotiated_cipher_suite()
                .map(|s| crate::legacy::suite_name(u16::from(s.suite())));
            seen.group = conn
                .negotiated_key_exchange_group()
                .map(|g| format!("{:?}", g.name()));
        }
        Ok(stream)
    }

    /// Why `chain` (leaf first, DER) does not verify for this server name against the
    /// trust anchors at `now`, or `None` when it does: the same judgement the recording
    /// verifier makes, for a chain read without rustls.
    pub fn verify_chain(&self, chain: &[Vec<u8>]) -> Option<String> {
        let (leaf, rest) = chain.split_first()?;
        let verifier =
            match WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider())
                .build()
            {
                Ok(v) => v,
                Err(e) => return Some(e.to_string()),
            };
        let leaf = CertificateDer::from(leaf.as_slice());
        let rest: Vec<CertificateDer<'_>> = rest
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        verifier
            .verify_server_cert(&leaf, &rest, &self.server_name, &[], UnixTime::now())
            .err()
            .map(|e| e.to_string())
    }

    /// A snapshot of what was recorded so far.
    pub fn seen(&self) -> Seen {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn build_config(
    roots: &Arc<RootCertStore>,
    seen: &Arc<Mutex<Seen>>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<Arc<ClientConfig>, ProbeError> {
    let tls_err = |e: String| ProbeError::InvalidOption {
        option: "tls".into(),
        reason: e,
    };
    let inner = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider())
        .build()
        .map_err(|e| tls_err(e.to_string()))?;
    let verifier = RecordingVerifier {
        inner,
        seen: seen.clone(),
    };
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| tls_err(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// `TLSv1.3`-style name of a protocol version.
pub fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        rustls::ProtocolVersion::TLSv1_1 => "TLSv1.1".into(),
        rustls::ProtocolVersion::TLSv1_0 => "TLSv1.0".into(),
        other => format!("{other:?}"),
    }
}

fn sig_alg_name(oid: &str) -> (String, bool) {
    let (name, weak) = match oid {
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", false),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", false),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", false),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", false),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", true),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", true),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", false),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", false),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", false),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", true),
        "1.3.101.112" => ("Ed25519", false),
        "1.3.101.113" => ("Ed448", false),
        other => return (other.to_string(), false),
    };
    (name.to_string(), weak)
}

/// Parse one DER certificate into the details the checks need.
pub fn parse_cert(der: &[u8]) -> Result<CertInfo, String> {
    use x509_parser::prelude::*;
    use x509_parser::public_key::PublicKey;
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let (signature_algorithm, sha1_or_md5) =
        sig_alg_name(&cert.signature_algorithm.algorithm.to_id_string());
    let (key_type, key_bits) = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".to_string(), u32::try_from(rsa.key_size()).ok()),
        Ok(PublicKey::EC(ec)) => ("EC".to_string(), u32::try_from(ec.key_size()).ok()),
        Ok(PublicKey::DSA(_)) => ("DSA".to_string(), None),
        Ok(_) => (cert.public_key().algorithm.algorithm.to_id_string(), None),
        Err(_) => ("unknown".to_string(), None),
    };
    let mut dns_names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => dns_names.push(d.to_string()),
                GeneralName::IPAddress(ip) => dns_names.push(match ip.len() {
                    4 => std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
                    16 => {
                        let mut b = [0u8; 16];
                        b.copy_from_slice(ip);
                        std::net::Ipv6Addr::from(b).to_string()
                    }
                    _ => continue,
                }),
                _ => {}
            }
        }
    }
    Ok(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        signature_algorithm,
        sha1_or_md5,
        key_type,
        key_bits,
        dns_names,
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_certificates_are_errors() {
        assert!(parse_cert(b"not a certificate").is_err());
        assert!(parse_cert(&[]).is_err());
    }

    #[test]
    fn signature_names_flag_sha1() {
        assert_eq!(
            sig_alg_name("1.2.840.113549.1.1.5"),
            ("sha1WithRSAEncryption".into(), true)
        );
        assert!(!sig_alg_name("1.2.840.10045.4.3.2").1);
    }
}
