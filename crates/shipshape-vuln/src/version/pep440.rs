//! PEP 440 versions (PyPI): epochs, pre-, post- and dev-releases and local versions,
//! ordered as the `packaging` library orders them.

use std::cmp::Ordering;

/// A local version segment: numbers sort above strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Str(String),
    Num(u64),
}

/// A parsed PEP 440 version.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    epoch: u64,
    release: Vec<u64>,
    /// (phase 0=a 1=b 2=rc, number)
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Option<Vec<Local>>,
}

/// Take a run of ASCII digits from the start of `s`.
fn take_num(s: &str) -> (Option<u64>, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        (None, s)
    } else {
        (s[..end].parse().ok(), &s[end..])
    }
}

fn strip_sep(s: &str) -> &str {
    s.strip_prefix(['.', '-', '_']).unwrap_or(s)
}

/// Parse an optional `<sep>label<sep>N` part; returns the label index and number.
fn take_labelled<'a>(s: &'a str, labels: &[(&str, u8)]) -> Option<(u8, u64, &'a str)> {
    let t = strip_sep(s);
    let (label, kind) = labels.iter().find(|(l, _)| t.starts_with(l))?;
    let rest = strip_sep(&t[label.len()..]);
    let (n, rest2) = take_num(rest);
    match n {
        Some(n) => Some((*kind, n, rest2)),
        // "1.0a" = "1.0a0": an implicit number; keep the separator we consumed unconsumed.
        None => Some((*kind, 0, &t[label.len()..])),
    }
}

impl Pep440Version {
    /// Parse a version; `None` when it is not PEP 440.
    pub fn parse(v: &str) -> Option<Self> {
        let lower = v.trim().to_ascii_lowercase();
        let mut s = lower.strip_prefix('v').unwrap_or(&lower);
        let mut epoch = 0;
        if let Some(bang) = s.find('!') {
            epoch = s[..bang].parse().ok()?;
            s = &s[bang + 1..];
        }
        let (public, local) = match s.split_once('+') {
            Some((p, l)) => (p, Some(l)),
            None => (s, None),
        };
        let mut release = Vec::new();
        let mut rest = public;
        loop {
            let (n, r) = take_num(rest);
            release.push(n?);
            rest = r;
            match rest.strip_prefix('.') {
                Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
                _ => break,
            }
        }
        const PRE: [(&str, u8); 7] = [
            ("alpha", 0),
            ("preview", 2),
            ("pre", 2),
            ("beta", 1),
            ("rc", 2),
            ("a", 0),
            ("b", 1),
        ];
        let pre = if let Some((k, n, r)) = take_labelled(rest, &PRE) {
            rest = r;
            Some((k, n))
        } else if let Some((_, n, r)) = take_labelled(rest, &[("c", 2)]) {
            rest = r;
            Some((2, n))
        } else {
            None
        };
        let mut post = None;
        if let Some((_, n, r)) = take_labelled(rest, &[("post", 0), ("rev", 0), ("r", 0)]) {
            post = Some(n);
            rest = r;
        } else if let Some(r) = rest.strip_prefix('-') {
            let (n, r2) = take_num(r);
            if let Some(n) = n {
                post = Some(n);
                rest = r2;
            }
        }
        let mut dev = None;
        if let Some((_, n, r)) = take_labelled(rest, &[("dev", 0)]) {
            dev = Some(n);
            rest = r;
        }
        if !rest.is_empty() {
            return None;
        }
        let local = match local {
            None => None,
            Some(l) => {
                let segs: Option<Vec<Local>> = l
                    .split(['.', '-', '_'])
                    .map(|seg| {
                        if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                            None
                        } else if seg.bytes().all(|b| b.is_ascii_digit()) {
                            seg.parse().ok().map(Local::Num)
                        } else {
                            Some(Local::Str(seg.to_string()))
                        }
                    })
                    .collect();
                Some(segs?)
            }
        };
        Some(Pep440Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// packaging's comparison key for the pre/post/dev parts.
    fn suffix_key(&self) -> ((i8, u64), Option<u64>, (u8, u64)) {
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (-1, 0), // 1.0.dev1 sorts before 1.0a1
            (None, _, _) => (3, 0),
            (Some((k, n)), _, _) => (k as i8, n),
        };
        let dev = match self.dev {
            Some(n) => (0, n),
            None => (1, 0),
        };
        (pre, self.post, dev)
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let trim = |r: &[u64]| -> usize { r.iter().rposition(|&x| x != 0).map_or(0, |p| p + 1) };
        let (a, b) = (
            &self.release[..trim(&self.release)],
            &other.release[..trim(&other.release)],
        );
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| a.cmp(b))
            .then_with(|| self.suffix_key().cmp(&other.suffix_key()))
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
