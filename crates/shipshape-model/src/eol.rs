//! End-of-life data for container base images: release cycles of products (python,
//! node, debian...) with their end-of-life dates, as imported from endoflife.date by
//! `shipshape db import-eol` and handed to checks through their context.
//!
//! Plain data plus pure look-ups: nothing here reads the disk or the clock ("today" is
//! passed in as days since the Unix epoch).

use serde::{Deserialize, Serialize};

/// When a release cycle stops getting security fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Eol {
    /// `true`: ended (date unknown); `false`: no end announced.
    Flag(bool),
    /// A `YYYY-MM-DD` date: ended once that day has passed.
    Date(String),
}

impl Eol {
    /// True when the cycle is end-of-life on `today` (days since 1970-01-01): `eol: true`,
    /// or a date strictly before today. A date that cannot be read never counts.
    pub fn ended(&self, today: i64) -> bool {
        match self {
            Eol::Flag(b) => *b,
            Eol::Date(d) => parse_date(d).is_some_and(|day| day < today),
        }
    }

    /// The date, when there is one.
    pub fn date(&self) -> Option<&str> {
        match self {
            Eol::Date(d) => Some(d),
            Eol::Flag(_) => None,
        }
    }
}

/// One release cycle of a product (`3.9` of python, `12` "bookworm" of debian).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolCycle {
    /// The cycle as endoflife.date names it: `3.9`, `20`, `22.04`.
    pub cycle: String,
    /// Lower-cased first word of the codename (`bookworm`, `jammy`, `iron`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    pub eol: Eol,
}

impl EolCycle {
    /// The cycle's numeric components (`22.04` → `[22, 4]`); `None` when it is not
    /// a dotted number.
    pub fn version(&self) -> Option<Vec<u64>> {
        numeric_version(&self.cycle)
    }
}

/// A product and the official container images that ship it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolProduct {
    /// The endoflife.date product name (`nodejs`, `go`, `alpine-linux`).
    pub product: String,
    /// Official Docker Hub image names (`node`, `golang`, `alpine`), without `library/`.
    pub images: Vec<String>,
    pub cycles: Vec<EolCycle>,
}

impl EolProduct {
    /// The newest cycle: highest version number, then latest release date. This is what
    /// a floating tag (`latest`, `lts`, no tag) points to.
    pub fn newest(&self) -> Option<&EolCycle> {
        newest(self.cycles.iter())
    }
}

/// The newest of some cycles (see [`EolProduct::newest`]).
pub fn newest<'a>(cycles: impl Iterator<Item = &'a EolCycle>) -> Option<&'a EolCycle> {
    cycles.max_by(|a, b| {
        (a.version(), &a.release_date)
            .cmp(&(b.version(), &b.release_date))
            // Equal keys: the first listed wins (endoflife.date lists newest first).
            .then(std::cmp::Ordering::Greater)
    })
}

/// Every imported product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolData {
    /// Unix seconds of the import.
    pub imported_at: u64,
    pub products: Vec<EolProduct>,
}

impl EolData {
    /// The product shipped by the official image `image` (a normalised Docker Hub name:
    /// `python`, not `docker.io/library/python`).
    pub fn product_for_image(&self, image: &str) -> Option<&EolProduct> {
        self.products
            .iter()
            .find(|p| p.images.iter().any(|i| i == image))
    }

    /// Number of release cycles over all products.
    pub fn cycles(&self) -> usize {
        self.products.iter().map(|p| p.cycles.len()).sum()
    }
}

/// `3.9` → `[3, 9]`; `None` unless the text is dot-separated decimal numbers.
pub fn numeric_version(text: &str) -> Option<Vec<u64>> {
    text.split('.')
        .map(|p| {
            if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect()
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian); `None` unless
/// the text is exactly such a date with a valid month and day.
pub fn parse_date(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(&date[..4])?, num(&date[5..7])?, num(&date[8..])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(c: &str, eol: Eol) -> EolCycle {
        EolCycle {
            cycle: c.into(),
            codename: None,
            release_date: None,
            eol,
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-11-26"), Some(1_795_651_200 / 86_400));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "",
            "x024-01-01",
            "2024-01-00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn ended_only_after_the_day() {
        let today = parse_date("2025-10-31").unwrap();
        assert!(!Eol::Date("2025-10-31".into()).ended(today));
        assert!(Eol::Date("2025-10-30".into()).ended(today));
        assert!(Eol::Flag(true).ended(today));
        assert!(!Eol::Flag(false).ended(today));
        assert!(!Eol::Date("soon".into()).ended(today));
    }

    #[test]
    fn newest_is_the_highest_version() {
        let p = EolProduct {
            product: "go".into(),
            images: vec!["golang".into()],
            cycles: vec![
                cycle("1.9", Eol::Flag(true)),
                cycle("1.27", Eol::Flag(false)),
                cycle("1.26", Eol::Flag(false)),
            ],
        };
        assert_eq!(p.newest().unwrap().cycle, "1.27");
        assert_eq!(numeric_version("22.04"), Some(vec![22, 4]));
        assert_eq!(numeric_version("3."), None);
        assert_eq!(numeric_version("ee-7"), None);
    }
}
