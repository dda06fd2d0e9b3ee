//! RubyGems `Gem::Version` ordering.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(String),
    Str(String),
}

/// A parsed `Gem::Version`: numeric and alphabetic segments, canonicalised as
/// `Gem::Version#canonical_segments` does (trailing zeros dropped from the release part and
/// the pre-release part). Any segment that is a string makes it a pre-release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GemVersion {
    segs: Vec<Seg>,
}

impl GemVersion {
    pub fn parse(v: &str) -> Option<Self> {
        let v = v.trim();
        if v.is_empty()
            || !v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return None;
        }
        if !v.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        // Gem::Version turns "-" into ".pre.".
        let v = v.replace('-', ".pre.");
        let mut segs = Vec::new();
        let mut cur = String::new();
        let mut cur_digit = false;
        for c in v.chars() {
            if c == '.' {
                if !cur.is_empty() {
                    segs.push(make(&cur, cur_digit));
                    cur.clear();
                }
                continue;
            }
            let d = c.is_ascii_digit();
            if !cur.is_empty() && d != cur_digit {
                segs.push(make(&cur, cur_digit));
                cur.clear();
            }
            cur_digit = d;
            cur.push(c);
        }
        if !cur.is_empty() {
            segs.push(make(&cur, cur_digit));
        }
        let split = segs
            .iter()
            .position(|s| matches!(s, Seg::Str(_)))
            .unwrap_or(segs.len());
        let mut release: Vec<Seg> = segs[..split].to_vec();
        let mut pre: Vec<Seg> = segs[split..].to_vec();
        let is_zero = |s: &Seg| matches!(s, Seg::Num(n) if n.is_empty());
        while release.last().is_some_and(is_zero) {
            release.pop();
        }
        while pre.last().is_some_and(is_zero) {
            pre.pop();
        }
        release.extend(pre);
        Some(GemVersion { segs: release })
    }
}

fn make(s: &str, digit: bool) -> Seg {
    if digit {
        Seg::Num(s.trim_start_matches('0').to_string())
    } else {
        Seg::Str(s.to_string())
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(String::new());
        let n = self.segs.len().max(other.segs.len());
        for i in 0..n {
            let a = self.segs.get(i).unwrap_or(&zero);
            let b = other.segs.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (Seg::Num(x), Seg::Num(y)) => super::cmp_digits(x, y),
                (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
                (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
