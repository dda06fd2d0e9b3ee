//! Redaction: the only form in which a secret ever leaves this crate.

/// `ghp_…(40 chars)`: at most the first four characters and never more than a third of
/// the secret, then an ellipsis and the length in characters.
pub fn redact(secret: &str) -> String {
    let chars = secret.chars().count();
    let shown = (chars / 3).min(4);
    let prefix: String = secret.chars().take(shown).collect();
    format!("{prefix}…({chars} chars)")
}

/// `line` with every byte range of `spans` (relative to the line, sorted, non-overlapping)
/// replaced by the redaction of its text, cut to at most `max_chars` characters around
/// the first span. Invalid UTF-8 is replaced lossily.
pub fn snippet(line: &[u8], spans: &[(usize, usize)], max_chars: usize) -> String {
    let mut out = String::new();
    let mut cursor = 0usize;
    let mut first_at = None;
    for &(s, e) in spans {
        let (s, e) = (s.min(line.len()), e.min(line.len()));
        if s < cursor || e <= s {
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&line[cursor..s]));
        if first_at.is_none() {
            first_at = Some(out.chars().count());
        }
        out.push_str(&redact(&String::from_utf8_lossy(&line[s..e])));
        cursor = e;
    }
    out.push_str(&String::from_utf8_lossy(&line[cursor..]));
    let out = out.trim_end_matches(['\r', '\n']).to_string();
    let total = out.chars().count();
    if total <= max_chars {
        return out;
    }
    let anchor = first_at.unwrap_or(0);
    let start = anchor.saturating_sub(max_chars / 3);
    let end = (start + max_chars).min(total);
    let start = end.saturating_sub(max_chars);
    let mut cut: String = out.chars().skip(start).take(end - start).collect();
    if start > 0 {
        cut.insert(0, '…');
    }
    if end < total {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_at_most_a_third_and_four_chars() {
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_…(40 chars)"
        );
        assert_eq!(redact("abcdefgh"), "ab…(8 chars)");
        assert_eq!(redact("ab"), "…(2 chars)");
        assert_eq!(redact(""), "…(0 chars)");
    }

    #[test]
    fn snippet_replaces_every_span_and_cuts_long_lines() {
        let line = b"a = SECRETSECRET1 b = SECRETSECRET2\n";
        let s = snippet(line, &[(4, 17), (22, 35)], 200);
        assert_eq!(s, "a = SECR…(13 chars) b = SECR…(13 chars)");
        let long = format!("{}KEYKEYKEYKEY{}", "x".repeat(300), "y".repeat(300));
        let s = snippet(long.as_bytes(), &[(300, 312)], 80);
        assert!(!s.contains("KEYKEYKEYKEY"));
        assert!(s.chars().count() <= 82);
        assert!(s.contains("KEYK…(12 chars)"), "{s}");
    }
}
