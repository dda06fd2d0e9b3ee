//! Raw TLS handshakes for what rustls cannot or will not do: SSL 3.0, TLS 1.0 and 1.1,
//! weak and legacy cipher suites, servers whose certificate or handshake signature
//! rustls refuses (RSA-1024, SHA-1), and finite-field Diffie-Hellman parameters.
//!
//! Each probe hand-builds one ClientHello over plain TCP and reads the server's first
//! flight back. Before TLS 1.3 that flight is plaintext: ServerHello, Certificate,
//! CertificateStatus, ServerKeyExchange, ServerHelloDone — so the version and suite the
//! server chose, its certificate chain, a stapled OCSP response and its DH group size
//! can all be read without completing the handshake. No key is ever exchanged and
//! nothing is sent after the ClientHello. Every read is bounded by a deadline and
//! [`FLIGHT_CAP`] bytes; the parser ([`parse_flight`]) never panics on any input.

use crate::observe::{CipherProbe, DheProbe, SuiteClass, VersionSupport};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// Most bytes read of one server flight (a long chain is a few KiB; 64 KiB is ample).
pub const FLIGHT_CAP: usize = 64 * 1024;
/// Most suites of one class enumerated (each costs one more ClientHello).
pub const MAX_PER_CLASS: usize = 8;

/// The suites the probe knows by their IANA names, in the order they are offered:
/// modern first, so a server that follows the client's order picks a modern suite in
/// the handshakes that only want its certificate.
const SUITES: &[(u16, &str)] = &[
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256"),
    (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0xc09c, "TLS_RSA_WITH_AES_128_CCM"),
    (0xc09d, "TLS_RSA_WITH_AES_256_CCM"),
    (0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA"),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
    (0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA"),
    (0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"),
    (0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
    (0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
    (0x003b, "TLS_RSA_WITH_NULL_SHA256"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x0001, "TLS_RSA_WITH_NULL_MD5"),
    (0xc015, "TLS_ECDH_anon_WITH_NULL_SHA"),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"),
    (0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA"),
    (0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"),
    (0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA"),
    (0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"),
    (0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"),
    (0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"),
    (0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"),
    (0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA"),
    (0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"),
    (0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"),
];

/// The IANA name of a cipher suite (`TLS_RSA_WITH_3DES_EDE_CBC_SHA`); a suite outside
/// the probe's table (never offered by it) is named `unlisted suite 0x….`.
pub fn suite_name(id: u16) -> String {
    SUITES.iter().find(|(s, _)| *s == id).map_or_else(
        || format!("unlisted suite 0x{id:04x}"),
        |(_, n)| n.to_string(),
    )
}

/// The class of a suite by its IANA name, the first that applies in this order: NULL,
/// EXPORT, anonymous, RC4, DES, 3DES, RSA key exchange, CBC; `None` for AEAD suites
/// with forward secrecy (and TLS 1.3 suites).
pub fn classify(name: &str) -> Option<SuiteClass> {
    if name.contains("_WITH_NULL_") {
        Some(SuiteClass::Null)
    } else if name.contains("EXPORT") {
        Some(SuiteClass::Export)
    } else if name.contains("_anon_") {
        Some(SuiteClass::Anonymous)
    } else if name.contains("_RC4_") {
        Some(SuiteClass::Rc4)
    } else if name.contains("_WITH_DES_") {
        Some(SuiteClass::Des)
    } else if name.contains("_3DES_") {
        Some(SuiteClass::TripleDes)
    } else if name.starts_with("TLS_RSA_WITH_") {
        Some(SuiteClass::RsaKeyExchange)
    } else if name.contains("_CBC_") {
        Some(SuiteClass::Cbc)
    } else {
        None
    }
}

fn is_tls13(id: u16) -> bool {
    (0x1301..=0x1305).contains(&id)
}

/// The TLS 1.2-and-older suites of `class`, in offer order.
pub fn suites_of(class: SuiteClass) -> Vec<u16> {
    SUITES
        .iter()
        .filter(|(_, n)| classify(n) == Some(class))
        .map(|(id, _)| *id)
        .collect()
}

/// Every TLS 1.2-and-older suite but the anonymous ones (which send no certificate).
fn authenticated_suites() -> Vec<u16> {
    SUITES
        .iter()
        .filter(|(id, n)| !is_tls13(*id) && classify(n) != Some(SuiteClass::Anonymous))
        .map(|(id, _)| *id)
        .collect()
}

/// Finite-field DHE suites with a certificate (for the DH group size).
fn dhe_suites() -> Vec<u16> {
    SUITES
        .iter()
        .filter(|(_, n)| n.starts_with("TLS_DHE_") && !n.contains("EXPORT"))
        .map(|(id, _)| *id)
        .collect()
}

/// `secp256r1`-style name of a named group.
pub fn group_name(id: u16) -> String {
    match id {
        0x0017 => "secp256r1".into(),
        0x0018 => "secp384r1".into(),
        0x0019 => "secp521r1".into(),
        0x001d => "X25519".into(),
        0x001e => "X448".into(),
        0x0100 => "ffdhe2048".into(),
        0x0101 => "ffdhe3072".into(),
        0x0102 => "ffdhe4096".into(),
        other => format!("group 0x{other:04x}"),
    }
}

/// `handshake_failure (40)`-style name of a TLS alert.
pub fn alert_name(code: u8) -> String {
    let name = match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        109 => "missing_extension",
        112 => "unrecognized_name",
        120 => "no_application_protocol",
        _ => return format!("alert {code}"),
    };
    format!("{name} ({code})")
}

fn pseudo_random(n: usize) -> Vec<u8> {
    // The ClientHello random and key share need no secrecy here: no key is ever
    // derived from them (the handshake is abandoned after the server's first flight).
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

fn push_ext(ext: &mut Vec<u8>, kind: u16, data: &[u8]) {
    ext.extend_from_slice(&kind.to_be_bytes());
    push_u16(ext, data.len());
    ext.extend_from_slice(data);
}

/// Build a ClientHello record offering exactly `version` (0x0300 = SSL 3.0, 0x0301 =
/// TLS 1.0 … 0x0303 = TLS 1.2, 0x0304 = TLS 1.3 via supported_versions with an X25519
/// key share) and `suites`, asking for a stapled OCSP response.
pub fn client_hello(version: u16, suites: &[u16], sni: Option<&str>) -> Vec<u8> {
    let tls13 = version >= 0x0304;
    let mut body = Vec::new();
    body.extend_from_slice(&version.min(0x0303).to_be_bytes());
    body.extend_from_slice(&pseudo_random(32));
    if tls13 {
        // A legacy session id, as TLS 1.3 clients send for middlebox compatibility.
        body.push(32);
        body.extend_from_slice(&pseudo_random(32));
    } else {
        body.push(0);
    }
    let scsv = !tls13;
    push_u16(&mut body, suites.len() * 2 + if scsv { 2 } else { 0 });
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    if scsv {
        body.extend_from_slice(&0x00ffu16.to_be_bytes()); // renegotiation SCSV
    }
    body.extend_from_slice(&[1, 0]); // compression: null only
    if version >= 0x0301 {
        let mut ext = Vec::new();
        if let Some(name) = sni {
            let n = name.as_bytes();
            let mut d = Vec::new();
            push_u16(&mut d, n.len() + 3);
            d.push(0);
            push_u16(&mut d, n.len());
            d.extend_from_slice(n);
            push_ext(&mut ext, 0x0000, &d);
        }
        // status_request: OCSP, no responder ids, no extensions.
        push_ext(&mut ext, 0x0005, &[1, 0, 0, 0, 0]);
        // supported_groups: x25519, secp256r1, secp384r1, secp521r1
        push_ext(
            &mut ext,
            0x000a,
            &[0x00, 0x08, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19],
        );
        // ec_point_formats: uncompressed
        push_ext(&mut ext, 0x000b, &[0x01, 0x00]);
        if version >= 0x0303 {
            let algs: [u16; 13] = [
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0603, 0x0806, 0x0601, 0x0807,
                0x0201, 0x0203, 0x0202,
            ];
            let mut d = Vec::new();
            push_u16(&mut d, algs.len() * 2);
            for a in algs {
                d.extend_from_slice(&a.to_be_bytes());
            }
            push_ext(&mut ext, 0x000d, &d);
        }
        if tls13 {
            push_ext(&mut ext, 0x002b, &[0x02, 0x03, 0x04]);
            let mut share = vec![0x00, 0x24, 0x00, 0x1d, 0x00, 0x20];
            share.extend_from_slice(&pseudo_random(32));
            push_ext(&mut ext, 0x0033, &share);
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

/// The ServerHello of a flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// The version chosen: `supported_versions` when present (TLS 1.3), else the
    /// legacy version field.
    pub version: u16,
    pub suite: u16,
    /// A TLS 1.3 HelloRetryRequest (the server wants another key share: it speaks 1.3).
    pub retry: bool,
}

/// What a server's first flight held, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flight {
    pub hello: Option<ServerHello>,
    /// DER certificates of the Certificate message, leaf first (TLS ≤ 1.2 only: in
    /// 1.3 it is encrypted).
    pub certificates: Vec<Vec<u8>>,
    /// A CertificateStatus message with a non-empty OCSP response.
    pub ocsp_stapled: bool,
    /// The body of the ServerKeyExchange message.
    pub key_exchange: Option<Vec<u8>>,
    /// ServerHelloDone was read: the flight is complete.
    pub done: bool,
    /// A TLS alert (description code).
    pub alert: Option<u8>,
    /// The bytes are not TLS records, or a message is malformed (why).
    pub malformed: Option<String>,
    /// No byte came back at all.
    pub empty: bool,
}

impl Flight {
    /// True when reading more bytes cannot change what a probe needs: the ServerHello
    /// alone (`hello_only`), or the whole flight up to ServerHelloDone.
    fn settled(&self, hello_only: bool) -> bool {
        self.alert.is_some()
            || self.malformed.is_some()
            || self.done
            || self
                .hello
                .as_ref()
                .is_some_and(|h| hello_only || h.version >= 0x0304 || h.retry)
    }
}

const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A bounds-checked reader over a byte slice: every read returns `None` past the end.
struct Cursor<'a> {
    b: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.b.len() {
            return None;
        }
        let (head, tail) = self.b.split_at(n);
        self.b = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]) as usize)
    }
}

fn parse_server_hello(body: &[u8]) -> Option<ServerHello> {
    let mut c = Cursor { b: body };
    let legacy = c.u16()?;
    let random = c.take(32)?;
    let sid = c.u8()? as usize;
    c.take(sid)?;
    let suite = c.u16()?;
    c.u8()?; // compression
    let mut version = legacy;
    if let Some(len) = c.u16() {
        let mut ext = Cursor {
            b: c.take(len as usize)?,
        };
        while let Some(kind) = ext.u16() {
            let n = ext.u16()? as usize;
            let data = ext.take(n)?;
            if kind == 0x002b && data.len() == 2 {
                version = u16::from_be_bytes([data[0], data[1]]);
            }
        }
    }
    Some(ServerHello {
        version,
        suite,
        retry: random == HRR_RANDOM,
    })
}

fn parse_certificates(body: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut c = Cursor { b: body };
    let total = c.u24()?;
    let mut list = Cursor { b: c.take(total)? };
    let mut out = Vec::new();
    while !list.b.is_empty() {
        let n = list.u24()?;
        out.push(list.take(n)?.to_vec());
    }
    Some(out)
}

/// Read a server's first flight from `bytes` (as many records as are complete).
/// Never panics; a truncated flight is read as far as it goes.
pub fn parse_flight(bytes: &[u8]) -> Flight {
    let mut f = Flight {
        empty: bytes.is_empty(),
        ..Flight::default()
    };
    // Reassemble the handshake stream from consecutive handshake records.
    let mut hs = Vec::new();
    let mut c = Cursor { b: bytes };
    while c.b.len() >= 5 {
        let kind = c.b[0];
        if !(0x14..=0x17).contains(&kind) || c.b[1] != 0x03 {
            // Not a TLS record: the answer is not TLS, or (after handshake records) the
            // stream stops making sense here and what came before is read.
            if hs.is_empty() {
                f.malformed = Some("the answer is not a TLS record".into());
            }
            break;
        }
        let len = u16::from_be_bytes([c.b[3], c.b[4]]) as usize;
        if c.b.len() < 5 + len {
            break; // an incomplete record: read so far
        }
        c.take(5);
        let Some(payload) = c.take(len) else { break };
        match kind {
            0x16 => hs.extend_from_slice(payload),
            0x15 => {
                f.alert = Some(payload.get(1).copied().unwrap_or(0));
                break;
            }
            // ChangeCipherSpec or encrypted records (TLS 1.3): nothing more to read.
            _ => break,
        }
    }
    let mut m = Cursor { b: &hs };
    while m.b.len() >= 4 {
        let kind = m.b[0];
        let len = u32::from_be_bytes([0, m.b[1], m.b[2], m.b[3]]) as usize;
        if m.b.len() < 4 + len {
            break;
        }
        m.take(4);
        let Some(body) = m.take(len) else { break };
        let bad = |what: &str| Some(format!("malformed {what} message"));
        match kind {
            2 => match parse_server_hello(body) {
                Some(h) => f.hello = Some(h),
                None => {
                    f.malformed = bad("ServerHello");
                    break;
                }
            },
            11 => match parse_certificates(body) {
                Some(list) => f.certificates = list,
                None => {
                    f.malformed = bad("Certificate");
                    break;
                }
            },
            // CertificateStatus: status_type ocsp(1), then a u24-long OCSPResponse.
            22 => f.ocsp_stapled = body.first() == Some(&1) && body.len() > 4,
            12 => f.key_exchange = Some(body.to_vec()),
            14 => {
                f.done = true;
                break;
            }
            _ => {}
        }
        if f.hello.as_ref().is_some_and(|h| h.version >= 0x0304) {
            break; // the rest of a TLS 1.3 flight is encrypted
        }
    }
    if f.hello.is_none() && f.alert.is_none() && f.malformed.is_none() {
        if bytes.first().is_some_and(|b| !(0x14..=0x17).contains(b)) {
            f.malformed = Some("the answer is not a TLS record".into());
        } else if hs.first().is_some_and(|&t| t != 2) {
            f.malformed = Some("the first handshake message is not a ServerHello".into());
        }
    }
    f
}

/// The size in bits of the DH prime in a DHE ServerKeyExchange body.
pub fn dh_prime_bits(ske: &[u8]) -> Option<u32> {
    let mut c = Cursor { b: ske };
    let n = c.u16()? as usize;
    let p = c.take(n)?;
    let first = p.iter().position(|&b| b != 0)?;
    let bytes = (p.len() - first) as u32;
    Some(bytes * 8 - p[first].leading_zeros())
}

/// The named group of an ECDHE ServerKeyExchange body.
pub fn ecdhe_group(ske: &[u8]) -> Option<u16> {
    let mut c = Cursor { b: ske };
    (c.u8()? == 3).then_some(())?;
    c.u16()
}

/// Send `hello` to the first address and read the answer until it settles, the peer
/// stops, [`FLIGHT_CAP`] bytes, or `deadline`.
async fn exchange(
    addrs: &[SocketAddr],
    hello: &[u8],
    deadline: Instant,
    hello_only: bool,
) -> Result<Flight, String> {
    let addr = addrs.first().ok_or("no address")?;
    let mut tcp = match timeout_at(deadline, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(format!("connect failed: {e}")),
        Err(_) => return Err("connect timed out".into()),
    };
    match timeout_at(deadline, tcp.write_all(hello)).await {
        Ok(Ok(())) => {}
        Ok(Err(_)) => return Ok(parse_flight(&[])),
        Err(_) => return Err("sending the ClientHello timed out".into()),
    }
    let mut buf = Vec::with_capacity(4096);
    loop {
        match timeout_at(deadline, tcp.read_buf(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => {}
            Err(_) if buf.is_empty() => return Err("no answer before the deadline".into()),
            Err(_) => break,
        }
        if buf.len() >= FLIGHT_CAP || parse_flight(&buf).settled(hello_only) {
            break;
        }
    }
    Ok(parse_flight(&buf))
}

/// `TLSv1.0`-style label of a protocol version.
pub fn version_label(v: u16) -> &'static str {
    match v {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1.0",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "an unknown version",
    }
}

/// A refusal, in words, from a flight without a ServerHello.
fn refusal(f: &Flight) -> (Option<bool>, String) {
    if let Some(code) = f.alert {
        (
            Some(false),
            format!("refused with TLS alert {}", alert_name(code)),
        )
    } else if let Some(why) = &f.malformed {
        (None, why.clone())
    } else if f.empty {
        (Some(false), "connection closed without an answer".into())
    } else {
        (None, "the answer ended before a ServerHello".into())
    }
}

/// Whether the server accepts a handshake at `version` (SSL 3.0 – TLS 1.3), from a
/// raw ClientHello of that version offering every suite the probe knows.
pub async fn probe_version(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    version: u16,
    deadline: Instant,
) -> VersionSupport {
    let suites: Vec<u16> = if version >= 0x0304 {
        SUITES
            .iter()
            .map(|s| s.0)
            .filter(|&s| is_tls13(s))
            .collect()
    } else {
        SUITES
            .iter()
            .map(|s| s.0)
            .filter(|&s| !is_tls13(s))
            .collect()
    };
    let hello = client_hello(version, &suites, sni);
    let label = version_label(version);
    let (accepted, detail) = match exchange(addrs, &hello, deadline, true).await {
        Err(e) => (None, e),
        Ok(f) => match &f.hello {
            Some(h) if h.version == version => (
                Some(true),
                format!("ServerHello with {label} and {}", suite_name(h.suite)),
            ),
            Some(h) => (
                Some(false),
                format!("server answered with {} instead", version_label(h.version)),
            ),
            None => refusal(&f),
        },
    };
    VersionSupport {
        version: label,
        accepted,
        detail,
    }
}

/// Which suites of `class` the server accepts at TLS 1.2 (or `version`): offered only
/// those, it picks one; that one is removed and the rest offered again, up to
/// [`MAX_PER_CLASS`] suites.
pub async fn probe_class(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    class: SuiteClass,
    version: u16,
    wait: Duration,
    end: Instant,
) -> CipherProbe {
    let mut left = suites_of(class);
    let mut chosen = Vec::new();
    let mut detail = String::new();
    let mut accepted = Some(false);
    while !left.is_empty() && chosen.len() < MAX_PER_CLASS {
        let hello = client_hello(version, &left, sni);
        let deadline = (Instant::now() + wait).min(end);
        match exchange(addrs, &hello, deadline, true).await {
            Err(e) => {
                if chosen.is_empty() {
                    accepted = None;
                }
                detail = e;
                break;
            }
            Ok(f) => match &f.hello {
                Some(h) if left.contains(&h.suite) => {
                    accepted = Some(true);
                    chosen.push(suite_name(h.suite));
                    left.retain(|&s| s != h.suite);
                }
                Some(h) => {
                    if chosen.is_empty() {
                        accepted = if h.version != version {
                            Some(false)
                        } else {
                            None
                        };
                    }
                    detail = format!(
                        "server answered {} with {}",
                        version_label(h.version),
                        suite_name(h.suite)
                    );
                    break;
                }
                None => {
                    let (a, d) = refusal(&f);
                    if chosen.is_empty() {
                        accepted = a;
                    }
                    detail = d;
                    break;
                }
            },
        }
    }
    let detail = if chosen.is_empty() {
        detail
    } else {
        format!(
            "accepted at {}: {}",
            version_label(version),
            chosen.join(", ")
        )
    };
    CipherProbe {
        class,
        accepted,
        chosen,
        detail,
    }
}

/// A full first flight read with a raw ClientHello offering every authenticated suite:
/// the certificate chain without rustls. TLS 1.2 first; TLS 1.0 when 1.2 is refused.
pub async fn fetch_flight(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    wait: Duration,
    end: Instant,
) -> Result<Flight, String> {
    let suites = authenticated_suites();
    let mut last = Err("not tried".to_string());
    for version in [0x0303, 0x0301] {
        let hello = client_hello(version, &suites, sni);
        let deadline = (Instant::now() + wait).min(end);
        last = exchange(addrs, &hello, deadline, false).await;
        if let Ok(f) = &last
            && !f.certificates.is_empty()
        {
            break;
        }
    }
    last
}

/// Whether the server accepts finite-field DHE suites at `version`, and the size of
/// its DH prime.
pub async fn probe_dhe(
    addrs: &[SocketAddr],
    sni: Option<&str>,
    version: u16,
    deadline: Instant,
) -> DheProbe {
    let suites = dhe_suites();
    let hello = client_hello(version, &suites, sni);
    match exchange(addrs, &hello, deadline, false).await {
        Err(e) => DheProbe {
            accepted: None,
            suite: None,
            bits: None,
            detail: e,
        },
        Ok(f) => match &f.hello {
            Some(h) if suites.contains(&h.suite) => {
                let bits = f.key_exchange.as_deref().and_then(dh_prime_bits);
                DheProbe {
                    accepted: Some(true),
                    suite: Some(suite_name(h.suite)),
                    bits,
                    detail: match bits {
                        Some(b) => format!("{} with a {b}-bit DH group", suite_name(h.suite)),
                        None => format!(
                            "{} (the DH parameters could not be read)",
                            suite_name(h.suite)
                        ),
                    },
                }
            }
            Some(h) => DheProbe {
                accepted: Some(false),
                suite: None,
                bits: None,
                detail: format!(
                    "server answered {} with {}",
                    version_label(h.version),
                    suite_name(h.suite)
                ),
            },
            None => {
                let (accepted, detail) = refusal(&f);
                DheProbe {
                    accepted,
                    suite: None,
                    bits: None,
                    detail,
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut r = vec![kind, 3, 3];
        push_u16(&mut r, payload.len());
        r.extend_from_slice(payload);
        r
    }

    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(body);
        m
    }

    fn server_hello(version: u16, suite: u16, ext: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend([7u8; 32]);
        b.push(0);
        b.extend(suite.to_be_bytes());
        b.push(0);
        if !ext.is_empty() {
            push_u16(&mut b, ext.len());
            b.extend_from_slice(ext);
        }
        message(2, &b)
    }

    fn certificate(certs: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for c in certs {
            list.extend_from_slice(&(c.len() as u32).to_be_bytes()[1..]);
            list.extend_from_slice(c);
        }
        let mut b = (list.len() as u32).to_be_bytes()[1..].to_vec();
        b.extend(list);
        message(11, &b)
    }

    /// ServerHello, Certificate (two certificates), CertificateStatus, a DHE
    /// ServerKeyExchange with a 1024-bit prime, ServerHelloDone: split over records
    /// at awkward places.
    fn tls12_flight() -> Vec<u8> {
        let mut hs = server_hello(0x0303, 0x009e, &[]);
        hs.extend(certificate(&[b"leaf-der", b"intermediate-der"]));
        hs.extend(message(22, &[1, 0, 0, 3, 9, 9, 9]));
        let mut ske = vec![0x00, 0x80, 0xc5];
        ske.extend([0xffu8; 127]);
        ske.extend([0, 1, 2, 0, 1, 5]);
        hs.extend(message(12, &ske));
        hs.extend(message(14, &[]));
        let (a, b) = hs.split_at(50);
        let mut out = record(0x16, a);
        out.extend(record(0x16, b));
        out
    }

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
        // TLS 1.3: legacy version 1.2 in the body, supported_versions names 1.3.
        let h13 = client_hello(0x0304, &[0x1301], None);
        assert_eq!(&h13[9..11], &[0x03, 0x03]);
        assert!(h13.windows(5).any(|w| w == [0x00, 0x2b, 0x00, 0x03, 0x02]));
    }

    #[test]
    fn a_tls12_flight_split_over_records_yields_chain_ocsp_and_dh_size() {
        let f = parse_flight(&tls12_flight());
        assert_eq!(
            f.hello,
            Some(ServerHello {
                version: 0x0303,
                suite: 0x009e,
                retry: false
            })
        );
        assert_eq!(
            f.certificates,
            vec![b"leaf-der".to_vec(), b"intermediate-der".to_vec()]
        );
        assert!(f.ocsp_stapled);
        assert!(f.done);
        assert_eq!(
            f.key_exchange.as_deref().and_then(dh_prime_bits),
            Some(1024)
        );
        assert_eq!(f.malformed, None);
    }

    #[test]
    fn a_tls13_server_hello_is_read_from_supported_versions() {
        let ext = [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04];
        let f = parse_flight(&record(0x16, &server_hello(0x0303, 0x1301, &ext)));
        assert_eq!(f.hello.map(|h| h.version), Some(0x0304));
    }

    #[test]
    fn malformed_and_truncated_flights_are_read_as_far_as_they_go() {
        let full = tls12_flight();
        // Every truncation: never a panic, never a certificate that was not complete.
        for n in 0..full.len() {
            let f = parse_flight(&full[..n]);
            assert!(!f.done || n == full.len(), "done at {n}");
            for c in &f.certificates {
                assert!(c == b"leaf-der" || c == b"intermediate-der");
            }
        }
        let bad_cases: &[(&str, Vec<u8>)] = &[
            (
                "certificate list longer than its message",
                record(0x16, &message(11, &[0, 0, 9, 0, 0, 1, 7])),
            ),
            (
                "certificate entry longer than its list",
                record(0x16, &message(11, &[0, 0, 4, 0, 0, 9, 7])),
            ),
            (
                "ServerHello cut before the suite",
                record(0x16, &message(2, &[3, 3, 0])),
            ),
        ];
        for (why, bytes) in bad_cases {
            let f = parse_flight(bytes);
            assert!(f.malformed.is_some(), "{why}: {f:?}");
            assert!(f.certificates.is_empty(), "{why}");
        }
        assert!(
            parse_flight(b"HTTP/1.1 400 Bad Request\r\n")
                .malformed
                .is_some()
        );
        assert!(parse_flight(b"HTT").malformed.is_some());
        // A complete flight followed by noise is read up to the noise.
        let mut noisy = full.clone();
        noisy.extend(b"garbage after the flight");
        let f = parse_flight(&noisy);
        assert!(
            f.done && f.malformed.is_none() && f.certificates.len() == 2,
            "{f:?}"
        );
        assert_eq!(parse_flight(&[0x15, 3, 1, 0, 2, 2, 70]).alert, Some(70));
        assert!(parse_flight(&[]).empty);
        assert_eq!(dh_prime_bits(&[0, 4, 0, 0]), None);
        assert_eq!(dh_prime_bits(&[0, 9, 1]), None);
        assert_eq!(ecdhe_group(&[3, 0, 0x1d, 32]), Some(0x1d));
        assert_eq!(ecdhe_group(&[1, 0, 0x1d]), None);
    }

    #[test]
    fn suites_are_named_and_classed_by_their_iana_names() {
        assert_eq!(suite_name(0x000a), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(suite_name(0xbeef), "unlisted suite 0xbeef");
        let class = |id| classify(&suite_name(id));
        assert_eq!(class(0x000a), Some(SuiteClass::TripleDes));
        assert_eq!(class(0x0002), Some(SuiteClass::Null));
        assert_eq!(class(0xc015), Some(SuiteClass::Null));
        assert_eq!(class(0x0003), Some(SuiteClass::Export));
        assert_eq!(class(0x0034), Some(SuiteClass::Anonymous));
        assert_eq!(class(0x0005), Some(SuiteClass::Rc4));
        assert_eq!(class(0x0009), Some(SuiteClass::Des));
        assert_eq!(class(0x009c), Some(SuiteClass::RsaKeyExchange));
        assert_eq!(class(0xc013), Some(SuiteClass::Cbc));
        assert_eq!(class(0xc02f), None);
        assert_eq!(class(0x1301), None);
        // Every suite of the table is listed once.
        let mut ids: Vec<u16> = SUITES.iter().map(|s| s.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SUITES.len());
        assert!(!authenticated_suites().contains(&0x0034));
        assert!(
            dhe_suites()
                .iter()
                .all(|&s| suite_name(s).starts_with("TLS_DHE_"))
        );
    }

    proptest! {
        #[test]
        fn parse_flight_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_flight(&bytes);
        }

        #[test]
        fn parse_flight_never_panics_on_tls_framed_noise(
            body in proptest::collection::vec(any::<u8>(), 0..1024),
            kind in 0u8..24,
        ) {
            let f = parse_flight(&record(0x16, &message(kind, &body)));
            let _ = f.key_exchange.as_deref().map(dh_prime_bits);
            let _ = f.key_exchange.as_deref().map(ecdhe_group);
        }
    }
}
