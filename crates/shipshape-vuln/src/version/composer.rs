//! Composer (Packagist) versions: up to four numbers and a stability suffix, ordered like
//! Composer's normalised versions: `dev < alpha < beta < RC < stable < patch`.
//! Branch names (`dev-main`) are not versions and give `None`.

use std::cmp::Ordering;

/// A parsed Composer version.
#[derive(Debug, Clone)]
pub struct ComposerVersion {
    nums: [u64; 4],
    /// 0 dev, 1 alpha, 2 beta, 3 RC, 4 stable, 5 patch
    stability: u8,
    stability_num: u64,
    /// A trailing `-dev` (e.g. `1.0.x-dev`, `2.0-beta1-dev`) sorts below the same without it.
    dev_suffix: bool,
}

impl ComposerVersion {
    pub fn parse(v: &str) -> Option<Self> {
        let lower = v.trim().to_ascii_lowercase();
        let mut s = lower.strip_prefix('v').unwrap_or(&lower);
        let mut nums = [0u64; 4];
        let mut count = 0;
        while count < 4 {
            let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            if end == 0 {
                break;
            }
            nums[count] = s[..end].parse().ok()?;
            count += 1;
            s = &s[end..];
            match s.strip_prefix('.') {
                Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => s = r,
                _ => break,
            }
        }
        if count == 0 {
            return None;
        }
        let mut dev_suffix = false;
        let mut stability = 4;
        let mut stability_num = 0;
        let t = s.strip_prefix(['-', '.', '_']).unwrap_or(s);
        if t == "dev" {
            stability = 0; // `1.0-dev` is the development version before 1.0
        } else if !t.is_empty() {
            const LABELS: [(&str, u8); 9] = [
                ("stable", 4),
                ("alpha", 1),
                ("beta", 2),
                ("patch", 5),
                ("rc", 3),
                ("pl", 5),
                ("a", 1),
                ("b", 2),
                ("p", 5),
            ];
            let (label, rank) = LABELS.iter().find(|(l, _)| t.starts_with(l))?;
            stability = *rank;
            let mut rest = t[label.len()..].trim_start_matches(['-', '.', '_']);
            if let Some(r) = rest.strip_suffix("dev") {
                dev_suffix = true;
                rest = r.trim_end_matches(['-', '.', '_']);
            }
            if !rest.is_empty() {
                stability_num = rest.parse().ok()?;
            }
        }
        Some(ComposerVersion {
            nums,
            stability,
            stability_num,
            dev_suffix,
        })
    }

    fn key(&self) -> ([u64; 4], u8, u64, bool) {
        (
            self.nums,
            self.stability,
            self.stability_num,
            !self.dev_suffix,
        )
    }
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}
impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for ComposerVersion {}
