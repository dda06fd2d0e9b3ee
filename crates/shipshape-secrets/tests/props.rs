//! Property tests: `Engine::scan` never panics on arbitrary bytes, no redaction it
//! returns contains the full secret, and its line-by-line keyword search with windowed
//! rules finds exactly what the whole-file reference finds.

use proptest::prelude::*;
use shipshape_secrets::Engine;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(&[], &[]).expect("built-in rules compile"))
}

fn check(bytes: &[u8]) {
    for m in engine().scan("fuzz.txt", bytes) {
        assert!(m.start < m.end && m.end <= bytes.len());
        let secret = String::from_utf8_lossy(&bytes[m.start..m.end]).into_owned();
        assert!(!m.redacted.contains(&secret), "redaction holds the secret");
        assert!(!m.snippet.contains(&secret), "snippet holds the secret");
        assert!(m.line >= 1 && m.column >= 1 && m.end_line >= m.line);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn secret_shaped_input_is_always_redacted(
        prefix in "[ -~\n]{0,40}",
        key in "(token|password|api_key|secret|GITHUB_TOKEN|aws_secret_access_key)",
        sep in "(=|: |:= | = \"|=')",
        body in "(ghp_|sk_live_|xoxb-|AKIA|glpat-|)[A-Za-z0-9+/_=-]{8,60}",
        suffix in "[ -~\n]{0,40}",
    ) {
        let text = format!("{prefix}{key}{sep}{body}{suffix}");
        check(text.as_bytes());
    }

    #[test]
    fn line_by_line_prefilter_equals_whole_file_reference(
        pieces in proptest::collection::vec(
            "(\n|\r\n| |=|: |\"|token|PASSWORD|api_key|secret_|ghp_|xoxb-|AKIA|sk_live_|glpat-|-----BEGIN RSA PRIVATE KEY-----|eyJ|://|[A-Za-z0-9+/_=-]{1,48})",
            0..80,
        ),
    ) {
        let text = pieces.concat();
        let fast = engine().scan("dense.env", text.as_bytes());
        let reference = engine().scan_whole_files("dense.env", text.as_bytes());
        prop_assert_eq!(fast, reference);
    }
}
