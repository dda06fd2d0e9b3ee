//! Raw TLS ClientHellos for what rustls cannot speak: SSL 3.0, TLS 1.0 and 1.1, and
//! weak or legacy cipher suites.
//!
//! rustls only implements TLS 1.2 and 1.3 with modern suites, so to learn whether a
//! server still *accepts* something older we hand-build a minimal ClientHello of that
//! version (or offering only the suites in question) over plain TCP and read the first
//! record back: a ServerHello with the offered version means accepted; an alert, a
//! close or a reset means refused. No handshake is completed and no key is exchanged.

use crate::observe::{CipherProbe, VersionSupport};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// Suites offered in the legacy-version probes (common TLS 1.0-era suites).
const LEGACY_VERSION_SUITES: &[u16] = &[
    0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a, 0x0005, 0x0004, 0x0033, 0x0039,
];

/// NULL, EXPORT, RC4 and single-DES suites: below 112-bit security.
pub const WEAK_SUITES: &[u16] = &[
    0x0001, 0x0002, 0x003b, 0xc006, 0xc010, // NULL
    0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011, 0x0014, // EXPORT
    0x0004, 0x0005, 0xc007, 0xc011, // RC4
    0x0009, 0x000c, 0x000f, 0x0012, 0x0015, // DES
];

/// CBC-mode, 3DES and non-forward-secret suites: outside Mozilla "intermediate".
pub const LEGACY_SUITES: &[u16] = &[
    0xc013, 0xc014, 0xc009, 0xc00a, 0xc027, 0xc028, 0xc023, 0xc024, // ECDHE CBC
    0x0033, 0x0039, 0x0067, 0x006b, // DHE CBC
    0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d, // RSA key exchange
    0x000a, 0xc012, 0xc008, 0x0016, // 3DES
];

/// Name of a cipher suite we may offer, for evidence.
pub fn suite_name(id: u16) -> String {
    let name = match id {
        0x0001 => "TLS_RSA_WITH_NULL_MD5",
        0x0002 => "TLS_RSA_WITH_NULL_SHA",
        0x003b => "TLS_RSA_WITH_NULL_SHA256",
        0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
        0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
        0xc011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        0x0003 | 0x0006 | 0x0008 | 0x000b | 0x000e | 0x0011 | 0x0014 => "an EXPORT suite",
        0x0009 | 0x000c | 0x000f | 0x0012 | 0x0015 => "a single-DES suite",
        0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        _ => return format!("suite 0x{id:04x}"),
    };
    name.to_string()
}

fn pseudo_random(n: usize) -> Vec<u8> {
    // The ClientHello random needs no secrecy here: no key is ever derived from it.
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0x9e37_79b9_7f4a_7c15, |d| d.as_nanos() as u64)
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & 0xff) as u8
        })
        .collect()
}

fn push_u16(v: &mut Vec<u8>, x: usize) {
    v.extend_from_slice(&(x as u16).to_be_bytes());
}

/// Build a ClientHello record offering exactly `version` (0x0300 = SSL 3.0, 0x0301 =
/// TLS 1.0 … 0x0303 = TLS 1.2) and `suites`.
pub fn client_hello(version: u16, suites: &[u16], sni: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    body.extend_from_slice(&pseudo_random(32));
    body.push(0); // no session id
    push_u16(&mut body, suites.len() * 2 + 2);
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&0x00ffu16.to_be_bytes()); // renegotiation SCSV
    body.extend_from_slice(&[1, 0]); // compression: null only
    if version >= 0x0301 {
        let mut ext = Vec::new();
        if let Some(name) = sni {
            let n = name.as_bytes();
            ext.extend_from_slice(&[0, 0]);
            push_u16(&mut ext, n.len() + 5);
            push_u16(&mut ext, n.len() + 3);
            ext.push(0);
            push_u16(&mut ext, n.len());
            ext.extend_from_slice(n);
        }
        // supported_groups: x25519, secp256r1, secp384r1
        ext.extend_from_slice(&[
            0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
        ]);
        // ec_point_formats: uncompressed
        ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
        if version >= 0x0303 {
            let algs: [u16; 8] = [
                0x0401, 0x0403, 0x0804, 0x0501, 0x0503, 0x0805, 0x0201, 0x0203,
            ];
            ext.extend_from_slice(&[0x00, 0x0d]);
            push_u16(&mut ext, algs.len() * 2 + 2);
            push_u16(&mut ext, algs.len() * 2);
            for a in algs {
                ext.extend_from_slice(&a.to_be_bytes());
            }
        }
        push_u16(&mut body, ext.len());
        body.extend_from_slice(&ext);
    }
    let mut hs = vec![1u8];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, if version == 0x0300 { 0x00 } else { 0x01 }];
    push_u16(&mut rec, hs.len());
    rec.extend_from_slice(&hs);
    rec
}

/// What the server answered to a raw ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloAnswer {
    /// A ServerHello with this version and suite.
    ServerHello { version: u16, suite: u16 },
    /// A TLS alert (refusal), with its description code.
    Alert(u8),
    /// Closed or reset without a TLS answer.
    Closed,
    /// Something that is not TLS.
    NotTls,
}

/// Interpret the first bytes a server sent back.
pub fn parse_answer(bytes: &[u8]) -> HelloAnswer {
    if bytes.len() < 5 {
        return HelloAnswer::Closed;
    }
    match bytes[0] {
        0x15 => HelloAnswer::Alert(bytes.get(6).copied().unwrap_or(0)),
        0x16 => {
            let hs = &bytes[5..];
            if hs.first() != Some(&2) || hs.len() < 4 + 2 + 32 + 1 {
                return HelloAnswer::NotTls;
            }
            let version = u16::from_be_bytes([hs[4], hs[5]]);
            let sid_len = hs[38] as usize;
            let at = 39 + sid_len;
            match hs.get(at..at + 2) {
                Some(s) => HelloAnswer::ServerHello {
                    version,
                    suite: u16::from_be_bytes([s[0], s[1]]),
                },
                None => HelloAnswer::NotTls,
            }
        }
        _ => HelloAnswer::NotTls,
    }
}

async fn send_hello(
    addrs: &[SocketAddr],
    hello: &[u8],
    wait: Duration,
) -> Result<HelloAnswer, String> {
    let deadline = Instant::now() + wait;
    let addr = addrs.first().ok_or("no address")?;
    let mut tcp = match timeout_at(deadline, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(format!("connect failed: {e}")),
        Err(_) => return Err("connect timed out".into()),
    };
    match timeout_at(deadline, tcp.write_all(hello)).await {
        Ok(Ok(())) => {}
        Ok(Err(_)) => return Ok(HelloAnswer::Closed),
        Err(_) => return Err("sending the ClientHello timed out".into()),
    }
    let mut buf = Vec::with_capacity(1024);
    // Read until we have the record header and the ServerHello start (or the peer stops).
    loop {
        if buf.len() >= 5 {
            let need = 5 + (u16::from_be_bytes([buf[3], buf[4]]) as usize).min(80);
            if buf.len() >= need || buf[0] == 0x15 {
                break;
            }
        }
        match timeout_at(deadline, tcp.read_buf(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => {}
            Err(_) if buf.is_empty() => return Err("no answer before the deadline".into()),
            Err(_) => break,
        }
        if buf.len() > 16 * 1024 {
            break;
        }
    }
    Ok(parse_answer(&buf))
}

fn version_label(v: u16) -> &'static str {
    match v {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1.0",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        _ => "unknown",
    }
}

/// Whether the server accepts a handshake at `version` (SSL 3.0 – TLS 1.1).
pub async fn probe_version(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    version: u16,
    wait: Duration,
) -> VersionSupport {
    let hello = client_hello(version, LEGACY_VERSION_SUITES, sni);
    let label = version_label(version);
    match send_hello(addrs, &hello, wait).await {
        Ok(HelloAnswer::ServerHello { version: v, suite }) if v == version => VersionSupport {
            version: label,
            accepted: Some(true),
            detail: format!("ServerHello with {label} and {}", suite_name(suite)),
        },
        Ok(HelloAnswer::ServerHello { version: v, .. }) => VersionSupport {
            version: label,
            accepted: Some(false),
            detail: format!("server answered with {} instead", version_label(v)),
        },
        Ok(HelloAnswer::Alert(code)) => VersionSupport {
            version: label,
            accepted: Some(false),
            detail: format!("refused with TLS alert {code}"),
        },
        Ok(HelloAnswer::Closed) => VersionSupport {
            version: label,
            accepted: Some(false),
            detail: "connection closed".into(),
        },
        Ok(HelloAnswer::NotTls) => VersionSupport {
            version: label,
            accepted: None,
            detail: "the answer was not TLS".into(),
        },
        Err(e) => VersionSupport {
            version: label,
            accepted: None,
            detail: e,
        },
    }
}

/// Whether the server picks one of `suites` when offered only those at TLS 1.2.
pub async fn probe_ciphers(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    class: &'static str,
    suites: &[u16],
    wait: Duration,
) -> CipherProbe {
    let hello = client_hello(0x0303, suites, sni);
    match send_hello(addrs, &hello, wait).await {
        Ok(HelloAnswer::ServerHello { suite, .. }) if suites.contains(&suite) => CipherProbe {
            class,
            accepted: Some(true),
            chosen: Some(suite_name(suite)),
            detail: format!("server chose {}", suite_name(suite)),
        },
        Ok(HelloAnswer::ServerHello { suite, .. }) => CipherProbe {
            class,
            accepted: None,
            chosen: None,
            detail: format!("server chose a suite we did not offer (0x{suite:04x})"),
        },
        Ok(HelloAnswer::Alert(code)) => CipherProbe {
            class,
            accepted: Some(false),
            chosen: None,
            detail: format!("refused with TLS alert {code}"),
        },
        Ok(HelloAnswer::Closed) => CipherProbe {
            class,
            accepted: Some(false),
            chosen: None,
            detail: "connection closed".into(),
        },
        Ok(HelloAnswer::NotTls) => CipherProbe {
            class,
            accepted: None,
            chosen: None,
            detail: "the answer was not TLS".into(),
        },
        Err(e) => CipherProbe {
            class,
            accepted: None,
            chosen: None,
            detail: e,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_well_framed() {
        let h = client_hello(0x0301, &[0x002f], Some("example.com"));
        assert_eq!(&h[..3], &[0x16, 0x03, 0x01]);
        let rec_len = u16::from_be_bytes([h[3], h[4]]) as usize;
        assert_eq!(rec_len, h.len() - 5);
        assert_eq!(h[5], 1);
        let hs_len = u32::from_be_bytes([0, h[6], h[7], h[8]]) as usize;
        assert_eq!(hs_len, h.len() - 9);
        assert_eq!(&h[9..11], &[0x03, 0x01]);
        assert!(h.windows(11).any(|w| w == b"example.com"));
        let ssl3 = client_hello(0x0300, &[0x002f], Some("example.com"));
        assert_eq!(&ssl3[..3], &[0x16, 0x03, 0x00]);
        assert!(!ssl3.windows(11).any(|w| w == b"example.com"));
    }

    #[test]
    fn answers_parse_without_panicking() {
        assert_eq!(parse_answer(&[]), HelloAnswer::Closed);
        assert_eq!(
            parse_answer(&[0x15, 3, 1, 0, 2, 2, 70]),
            HelloAnswer::Alert(70)
        );
        assert_eq!(
            parse_answer(&[0x16, 3, 1, 0, 4, 2, 0, 0, 0]),
            HelloAnswer::NotTls
        );
        let mut sh = vec![0x16, 3, 1, 0, 0, 2, 0, 0, 0, 0x03, 0x01];
        sh.extend([0u8; 32]);
        sh.push(0);
        sh.extend([0xc0, 0x13]);
        assert_eq!(
            parse_answer(&sh),
            HelloAnswer::ServerHello {
                version: 0x0301,
                suite: 0xc013
            }
        );
        assert_eq!(parse_answer(b"HTTP/1.1 400"), HelloAnswer::NotTls);
    }
}
