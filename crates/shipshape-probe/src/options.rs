//! Probe options: what the CLI and the `[probe]` section of `shipshape.toml` set,
//! with their defaults and the safety bounds `run` refuses values outside of (exit 2).

use serde::{Deserialize, Deserializer};
use std::path::PathBuf;
use std::time::Duration;

/// Highest load rate accepted, in requests per second.
pub const MAX_LOAD_RATE: u32 = 2000;
/// Longest load run accepted.
pub const MAX_LOAD_DURATION: Duration = Duration::from_secs(60);
/// Most keep-alive connections a load run may open.
pub const MAX_LOAD_CONNECTIONS: u32 = 256;
/// Longest whole probe accepted (a hard ceiling over `max-duration`).
pub const MAX_PROBE_DURATION: Duration = Duration::from_secs(600);

/// Everything one probe run needs. `Default` gives the documented defaults; the
/// `[probe]` section of `shipshape.toml` deserialises into it (kebab-case keys).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProbeOptions {
    /// The service's base URL (`http://` or `https://`).
    pub url: String,
    /// Liveness path to use instead of discovering one (`/healthz`).
    pub health_path: Option<String>,
    /// Readiness path to use instead of discovering one (`/readyz`).
    pub readiness_path: Option<String>,
    /// Metrics path to use instead of `/metrics`.
    pub metrics_path: Option<String>,
    /// Extra request headers sent with every request (e.g. `Authorization`).
    /// Their values are secrets: they are redacted from every output.
    #[serde(deserialize_with = "headers_from_toml")]
    pub headers: Vec<(String, String)>,
    /// A short fixed-rate load run; `None` (the default) runs no load.
    pub load: Option<LoadOptions>,
    /// Deadline of one request (connect + send + full response).
    #[serde(deserialize_with = "duration_from_toml")]
    pub timeout: Duration,
    /// Deadline of the whole probe; every phase is cut short to end within it.
    #[serde(deserialize_with = "duration_from_toml")]
    pub max_duration: Duration,
    /// Only run these check ids (empty = all).
    pub checks: Vec<String>,
    /// Check ids not to run.
    pub skip: Vec<String>,
    /// PEM file of CA certificates to verify the server certificate against
    /// (instead of the bundled Mozilla roots).
    pub ca_file: Option<PathBuf>,
    /// Allow `load` against a target that is not a loopback address.
    pub allow_load_non_loopback: bool,
    /// Most bytes read of one metrics scrape; a longer page is reported as cut.
    #[serde(deserialize_with = "size_from_toml")]
    pub max_metrics_bytes: usize,
    /// The request counter to use for metrics-truth and metrics-red, instead of the
    /// one chosen by name, labels and HELP.
    pub metric_requests: Option<String>,
    /// Real routes to send bodies and load to, `METHOD /path` (`POST /api/items`).
    pub endpoints: Vec<String>,
    /// An OpenAPI 3.0/3.1 document (JSON or YAML) whose operations become endpoints.
    /// Read by the caller, not by [`crate::run`] (the probe reads no documents):
    /// `shipshape probe` parses it and appends [`crate::openapi_routes`] to `endpoints`.
    pub openapi: Option<PathBuf>,
    /// k6-style thresholds on the load run (`p95<300ms`, `errors<1%`); need `load`.
    pub thresholds: Vec<String>,
}

/// Default of [`ProbeOptions::max_metrics_bytes`]: 16 MiB.
pub const DEFAULT_MAX_METRICS_BYTES: usize = 16 * 1024 * 1024;
/// Highest accepted [`ProbeOptions::max_metrics_bytes`]: 256 MiB.
pub const MAX_METRICS_BYTES: usize = 256 * 1024 * 1024;

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            url: String::new(),
            health_path: None,
            readiness_path: None,
            metrics_path: None,
            headers: Vec::new(),
            load: None,
            timeout: Duration::from_secs(5),
            max_duration: Duration::from_secs(120),
            checks: Vec::new(),
            skip: Vec::new(),
            ca_file: None,
            allow_load_non_loopback: false,
            max_metrics_bytes: DEFAULT_MAX_METRICS_BYTES,
            metric_requests: None,
            endpoints: Vec::new(),
            openapi: None,
            thresholds: Vec::new(),
        }
    }
}

/// A short open-model (fixed-rate) load run.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct LoadOptions {
    /// Target rate in requests per second (at most [`MAX_LOAD_RATE`]).
    pub rate: u32,
    /// How long to send (at most [`MAX_LOAD_DURATION`]).
    #[serde(deserialize_with = "duration_from_toml")]
    pub duration: Duration,
    /// Keep-alive connections to spread the requests over (at most [`MAX_LOAD_CONNECTIONS`]).
    pub connections: u32,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            rate: 100,
            duration: Duration::from_secs(10),
            connections: 16,
        }
    }
}

/// Parse a duration written as seconds (`30`), or with a unit: `500ms`, `10s`, `2m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (num, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (write e.g. `500ms`, `10s` or `2m`)"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" | "sec" | "secs" => value,
        "m" | "min" => value * 60.0,
        _ => {
            return Err(format!(
                "`{text}` has an unknown unit `{unit}` (use ms, s or m)"
            ));
        }
    };
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("`{text}` is out of range (0 to 24h)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parse a size in bytes: `1048576`, `512KiB`, `16MiB`, `1MB`, `2G` (K/M/G are 1024-based
/// with `i`, 1000-based without).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = (&t[..split], t[split..].trim());
    let n: u64 = num.parse().map_err(|_| {
        format!("`{text}` is not a size (write e.g. `16MiB`, `512KiB` or `1000000`)")
    })?;
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1_000_000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{text}` has an unknown unit `{unit}` (use B, KiB, MiB, GiB, KB, MB or GB)"
            ));
        }
    };
    n.checked_mul(mult)
        .and_then(|v| usize::try_from(v).ok())
        .ok_or_else(|| format!("`{text}` is too large"))
}

fn size_from_toml<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bytes(u64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Bytes(b) => usize::try_from(b).map_err(serde::de::Error::custom),
        Raw::Text(t) => parse_size(&t).map_err(serde::de::Error::custom),
    }
}

fn duration_from_toml<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Secs(u64),
        Float(f64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Secs(s) => Ok(Duration::from_secs(s)),
        Raw::Float(f) => parse_duration(&f.to_string()).map_err(serde::de::Error::custom),
        Raw::Text(t) => parse_duration(&t).map_err(serde::de::Error::custom),
    }
}

fn headers_from_toml<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Map(std::collections::BTreeMap<String, String>),
        Pairs(Vec<(String, String)>),
        Lines(Vec<String>),
    }
    match Raw::deserialize(d)? {
        Raw::Map(m) => Ok(m.into_iter().collect()),
        Raw::Pairs(p) => Ok(p),
        Raw::Lines(lines) => lines
            .iter()
            .map(|l| {
                split_header(l).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "header `{}` is not `Name: value`",
                        l.split(':').next().unwrap_or_default()
                    ))
                })
            })
            .collect(),
    }
}

/// Split `Name: value` into its parts (the value is trimmed); `None` when there is no colon
/// or the name is empty.
pub fn split_header(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    Some((name.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(
            parse_duration("ten")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(parse_duration("3h").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("16MiB").unwrap(), 16 * 1024 * 1024);
        assert_eq!(parse_size("1MB").unwrap(), 1_000_000);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
        assert!(
            parse_size("3 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
    }

    #[test]
    fn header_lines_split() {
        assert_eq!(
            split_header("Authorization: Bearer x:y"),
            Some(("Authorization".into(), "Bearer x:y".into()))
        );
        assert_eq!(split_header("no colon"), None);
        assert_eq!(split_header(": v"), None);
    }
}
