//! CVSS base scores from vectors: the CVSS 3.1 base formula exactly (also used for 3.0
//! vectors), and a documented approximation for CVSS 4.0 vectors.
//!
//! CVSS 4.0 scores come from a 270-entry lookup of "macro vectors" that is not reproduced
//! here; instead the v4 base metrics are mapped onto their v3.1 counterparts (AV, PR and the
//! vulnerable-system impacts VC/VI/VA directly; AC:H when AC:H or AT:P; UI:R for UI:P/A;
//! scope changed when a subsequent-system impact SC/SI/SA is High) and scored with the 3.1
//! formula. Scores from v4 vectors are flagged `approximate`.

use shipshape_model::Severity;

/// A CVSS base score with where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CvssScore {
    pub base_score: f64,
    /// True when the vector was CVSS 4.0 and the score is the v3.1-mapped approximation.
    pub approximate: bool,
}

/// The qualitative rating of a base score (CVSS 3.x/4.0 bands; 0.0 is `Info`).
pub fn label_for_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// CVSS 3.1 "Roundup": the smallest number with one decimal that is >= x, robust to
/// floating-point error (specification, Appendix A).
fn roundup(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

struct Base {
    av: f64,
    ac: f64,
    pr: char,
    ui: f64,
    changed: bool,
    c: f64,
    i: f64,
    a: f64,
}

fn cia(v: &str) -> Option<f64> {
    match v {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    }
}

fn score31(b: &Base) -> f64 {
    let pr = match (b.pr, b.changed) {
        ('N', _) => 0.85,
        ('L', false) => 0.62,
        ('L', true) => 0.68,
        ('H', false) => 0.27,
        _ => 0.5,
    };
    let iss = 1.0 - (1.0 - b.c) * (1.0 - b.i) * (1.0 - b.a);
    let impact = if b.changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * b.av * b.ac * pr * b.ui;
    if impact <= 0.0 {
        0.0
    } else if b.changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    }
}

fn metrics(vector: &str) -> std::collections::HashMap<&str, &str> {
    vector
        .split('/')
        .skip(1)
        .filter_map(|m| m.split_once(':'))
        .collect()
}

/// Score a `CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…` base vector; `None` when the vector
/// is not one of those or lacks a base metric.
pub fn base_score(vector: &str) -> Option<CvssScore> {
    let vector = vector.trim();
    let m = metrics(vector);
    let av = match *m.get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let pr = m
        .get("PR")?
        .chars()
        .next()
        .filter(|c| matches!(c, 'N' | 'L' | 'H'))?;
    if vector.starts_with("CVSS:3.") {
        let b = Base {
            av,
            ac: match *m.get("AC")? {
                "L" => 0.77,
                "H" => 0.44,
                _ => return None,
            },
            pr,
            ui: match *m.get("UI")? {
                "N" => 0.85,
                "R" => 0.62,
                _ => return None,
            },
            changed: match *m.get("S")? {
                "U" => false,
                "C" => true,
                _ => return None,
            },
            c: cia(m.get("C")?)?,
            i: cia(m.get("I")?)?,
            a: cia(m.get("A")?)?,
        };
        Some(CvssScore {
            base_score: score31(&b),
            approximate: false,
        })
    } else if vector.starts_with("CVSS:4.") {
        let hard = *m.get("AC")? == "H" || *m.get("AT")? == "P";
        let subsequent_high = ["SC", "SI", "SA"].iter().any(|k| m.get(k) == Some(&"H"));
        let b = Base {
            av,
            ac: if hard { 0.44 } else { 0.77 },
            pr,
            ui: match *m.get("UI")? {
                "N" => 0.85,
                "P" | "A" => 0.62,
                _ => return None,
            },
            changed: subsequent_high,
            c: cia(m.get("VC")?)?,
            i: cia(m.get("VI")?)?,
            a: cia(m.get("VA")?)?,
        };
        Some(CvssScore {
            base_score: score31(&b),
            approximate: true,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss31_reference_scores() {
        // Scores as computed by the FIRST CVSS 3.1 calculator.
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L", 3.7),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
            ("CVSS:3.1/AV:A/AC:H/PR:H/UI:R/S:C/C:L/I:L/A:L", 4.8),
        ];
        for (v, want) in cases {
            let got = base_score(v).unwrap();
            assert_eq!(got.base_score, want, "{v}");
            assert!(!got.approximate);
        }
        assert_eq!(label_for_score(9.8), Severity::Critical);
        assert_eq!(label_for_score(6.1), Severity::Medium);
        assert_eq!(label_for_score(0.0), Severity::Info);
    }

    #[test]
    fn cvss4_is_approximate_and_bad_vectors_are_none() {
        let s =
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert!(s.approximate);
        assert_eq!(s.base_score, 9.8); // FIRST's v4 calculator says 9.3: same "critical" band
        assert!(base_score("CVSS:3.1/AV:X/AC:L").is_none());
        assert!(base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P").is_none());
        assert!(base_score("").is_none());
    }
}
