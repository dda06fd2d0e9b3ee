//! Errors that stop a probe before it starts. A target that is down, slow or broken
//! is not an error: it is a verdict in the report.

use std::path::PathBuf;

/// Why a probe could not run at all. Each message says what, where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(
        "invalid probe URL `{url}`: {reason} (write e.g. `https://api.example.com` or `http://127.0.0.1:8080`)"
    )]
    InvalidUrl { url: String, reason: String },
    #[error("invalid probe option `{option}`: {reason}")]
    InvalidOption { option: String, reason: String },
    #[error(
        "refusing to load-test `{host}`: it is not a loopback address; pass --allow-load-non-loopback (or `allow-load-non-loopback = true` in [probe]) only for a service you own"
    )]
    LoadRefused { host: String },
    #[error("cannot read CA file {}: {reason} (give a PEM file of CA certificates)", path.display())]
    CaFile { path: PathBuf, reason: String },
    #[error("cannot start the probe's async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}
