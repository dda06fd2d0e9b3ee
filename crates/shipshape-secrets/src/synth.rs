//! Synthetic credential generation from small templates, for tests and labelled corpora.
//!
//! The rule catalog describes each rule's true example as a template such as
//! `token = «ghp_{an:36}»` instead of a literal token, so that the repository never holds
//! anything that looks like a live credential and so that the corpus generator can make
//! as many distinct, correctly formatted values as it needs. Values are random with the
//! right alphabet and length; they are never real credentials.
//!
//! Template syntax: `{class:N}` expands to N random characters of a class, `{uuid}` to a
//! random UUID, `{pem:N}` to N lines of 64 base64 characters, and `«…»` marks the part a
//! rule must capture as the secret. Classes: `an` `[A-Za-z0-9]`, `hex` `[0-9a-f]`,
//! `HEX` `[0-9A-F]`, `up` `[A-Z0-9]`, `lo` `[a-z0-9]`, `b32` `[A-Z2-7]`, `b64`
//! `[A-Za-z0-9+/]`, `url` `[A-Za-z0-9_-]`, `d` digits, `al` letters, `pw` password
//! characters, `bech` upper-case bech32. Any other text is copied as is.

use std::ops::Range;

/// A small deterministic pseudo-random generator (SplitMix64): reproducible corpora
/// without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` random characters from `alphabet`.
    pub fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

const AN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const HEX_UP: &[u8] = b"0123456789ABCDEF";
const UP: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LO: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const DIGITS: &[u8] = b"0123456789";
const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BECH32: &[u8] = b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
const PW: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%^*+=_";

/// The alphabet of a template class, if the name is known.
fn alphabet(class: &str) -> Option<&'static [u8]> {
    Some(match class {
        "an" => AN,
        "hex" => HEX,
        "HEX" => HEX_UP,
        "up" => UP,
        "lo" => LO,
        "b32" => B32,
        "b64" => B64,
        "url" => URL,
        "d" => DIGITS,
        "al" => ALPHA,
        "pw" => PW,
        "bech" => BECH32,
        _ => return None,
    })
}

/// A random UUID (version 4 layout).
pub fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-{}{}-{}",
        rng.string(HEX, 8),
        rng.string(HEX, 4),
        rng.string(HEX, 3),
        rng.pick(&['8', '9', 'a', 'b']),
        rng.string(HEX, 3),
        rng.string(HEX, 12)
    )
}

/// An expanded template: the text and the byte range of the `«…»` part, if marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    pub secret: Option<Range<usize>>,
}

/// Expand a template (see the module docs). Unknown `{…}` groups are copied verbatim,
/// so templates may contain literal braces such as `${VAR}`.
pub fn expand(template: &str, rng: &mut Rng) -> Expanded {
    let mut text = String::with_capacity(template.len() + 64);
    let mut start = None;
    let mut secret = None;
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        match c {
            '«' => {
                start = Some(text.len());
                rest = &rest[c.len_utf8()..];
            }
            '»' => {
                if let Some(s) = start.take() {
                    secret = Some(s..text.len());
                }
                rest = &rest[c.len_utf8()..];
            }
            '{' => {
                let close = rest.find('}');
                let group = close.map(|i| &rest[1..i]);
                match group.and_then(|g| expand_group(g, rng)) {
                    Some(s) => {
                        text.push_str(&s);
                        rest = &rest[close.unwrap_or(0) + 1..];
                    }
                    None => {
                        text.push('{');
                        rest = &rest[1..];
                    }
                }
            }
            _ => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    Expanded { text, secret }
}

fn expand_group(group: &str, rng: &mut Rng) -> Option<String> {
    if group == "uuid" {
        return Some(uuid(rng));
    }
    let (class, n) = group.split_once(':')?;
    let n: usize = n.parse().ok()?;
    if class == "pem" {
        let lines: Vec<String> = (0..n).map(|_| rng.string(B64, 64)).collect();
        return Some(lines.join("\n"));
    }
    Some(rng.string(alphabet(class)?, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_classes_and_marks_the_secret() {
        let mut rng = Rng::new(7);
        let e = expand("token = «ghp_{an:36}» ${HOME}", &mut rng);
        let span = e.secret.clone().expect("marked");
        let secret = &e.text[span];
        assert!(secret.starts_with("ghp_"));
        assert_eq!(secret.len(), 40);
        assert!(e.text.ends_with(" ${HOME}"), "{}", e.text);
        assert!(secret[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn uuid_and_pem_shapes() {
        let mut rng = Rng::new(1);
        let u = uuid(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
        let pem = expand("{pem:3}", &mut rng).text;
        assert_eq!(pem.lines().count(), 3);
        assert!(pem.lines().all(|l| l.len() == 64));
    }

    #[test]
    fn same_seed_same_output() {
        let a = expand("{hex:32}", &mut Rng::new(42)).text;
        let b = expand("{hex:32}", &mut Rng::new(42)).text;
        assert_eq!(a, b);
        assert_ne!(a, expand("{hex:32}", &mut Rng::new(43)).text);
    }
}
