//! Property tests: `Engine::scan` never panics on arbitrary bytes, and no redaction it
//! returns contains the full secret.

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
}
