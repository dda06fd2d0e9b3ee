//! Committed-secret detection for shipshape.
//!
//! [`Engine`] holds the compiled rule catalog ([`rules::RULES`] plus [`CustomRule`]s) and
//! scans one file's bytes at a time ([`Engine::scan`]), from inside shipshape's single
//! parallel walk. [`history::scan_history`] scans every blob reachable from any ref of a git
//! repository once, [`history::scan_since`] the blobs a range of commits introduced, and
//! [`staged::scan_staged`] the blobs staged in the index. [`Baseline`] records accepted matches by fingerprint.
//!
//! Nothing here prints, stores or returns a raw secret: matches carry a redaction
//! (`ghp_…(40 chars)`), a redacted snippet, byte offsets and a one-way fingerprint.
//! This crate reads no files itself except the git object database and index in `history` and `staged`.

mod baseline;
mod engine;
pub mod filter;
pub mod history;
mod redact;
pub mod rules;
pub mod staged;
pub mod synth;

pub use baseline::{BASELINE_VERSION, Baseline, BaselineEntry};
pub use engine::{ALLOW_MARKER, BINARY_PROBE_BYTES, CustomRule, Engine, RuleInfo, SecretMatch};
pub use history::{HistoryMatch, scan_history, scan_since};
pub use redact::redact;
pub use rules::RuleClass;
pub use staged::scan_staged;

use std::path::PathBuf;

/// Errors of this crate; each names what failed, where, and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "secret rule `{id}`: invalid regex: {message}\nfix the rule's `regex` (regex crate syntax: no look-around, no back-references)"
    )]
    BadRegex { id: String, message: String },
    #[error("secret rule `{id}`: {message}")]
    BadRule { id: String, message: String },
    #[error("secrets path allowlist: `{pattern}` is not a valid glob: {message}")]
    BadGlob { pattern: String, message: String },
    #[error("baseline {source_name}: {message}")]
    Baseline {
        source_name: String,
        message: String,
    },
    #[error("git history of {}: {message}", path.display())]
    Git { path: PathBuf, message: String },
}
