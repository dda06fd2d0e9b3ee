//! The probed target: a parsed `http(s)://host[:port][/base]` URL.
//!
//! A small parser of our own: the probe only needs scheme, host, port and base path,
//! and must reject userinfo (credentials in URLs would end up in reports).

use crate::ProbeError;
use std::net::IpAddr;

/// A parsed probe URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL as given (without a trailing slash).
    pub url: String,
    pub https: bool,
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// Base path without trailing slash (`""` for the root).
    pub base_path: String,
}

impl Target {
    /// Parse and validate a probe URL.
    pub fn parse(url: &str) -> Result<Target, ProbeError> {
        let bad = |reason: &str| ProbeError::InvalidUrl {
            url: redact_userinfo(url),
            reason: reason.to_string(),
        };
        let trimmed = url.trim();
        let (https, rest) = if let Some(r) = strip_prefix_ci(trimmed, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(trimmed, "http://") {
            (false, r)
        } else if trimmed.is_empty() {
            return Err(bad("the URL is empty"));
        } else {
            return Err(bad("the scheme must be http:// or https://"));
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not accepted; send them as a header with --header-env or --header-file (or `headers` in [probe])",
            ));
        }
        if path.contains(['?', '#']) {
            return Err(bad(
                "query strings and fragments are not accepted in the base URL",
            ));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6
                .find(']')
                .ok_or_else(|| bad("unclosed `[` in IPv6 host"))?;
            let host = &v6[..end];
            let after = &v6[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("unexpected text after the IPv6 host")),
            };
            (host.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("the host is empty"));
        }
        if !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b))
        {
            return Err(bad("the host has characters that are not allowed"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?,
            None if https => 443,
            None => 80,
        };
        let base_path = path.trim_end_matches('/').to_string();
        if base_path.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(bad("the path has spaces or control characters"));
        }
        Ok(Target {
            url: trimmed.trim_end_matches('/').to_string(),
            https,
            host: host.to_ascii_lowercase(),
            port,
            base_path,
        })
    }

    /// The `Host` header value.
    pub fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// A path under the base path: `join("/healthz")` → `/api/healthz`.
    /// Absolute paths given by the user (starting with `//` are not accepted) stay relative to the base.
    pub fn join(&self, path: &str) -> String {
        let p = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        format!("{}{}", self.base_path, p)
    }

    /// The root request path (`/` or the base path).
    pub fn root_path(&self) -> String {
        if self.base_path.is_empty() {
            "/".to_string()
        } else {
            self.base_path.clone()
        }
    }

    /// True when the host is a loopback IP literal or `localhost`.
    pub fn is_loopback_name(&self) -> bool {
        self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// `url` with any `user:password@` replaced by `<redacted>@`, for messages.
pub fn redact_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}{}{}", crate::redact::REDACTED, &rest[at..]),
        None => url.to_string(),
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let t = Target::parse("https://API.example.com/v1/").unwrap();
        assert!(t.https);
        assert_eq!((t.host.as_str(), t.port), ("api.example.com", 443));
        assert_eq!(t.join("/healthz"), "/v1/healthz");
        let t = Target::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(t.root_path(), "/");
        assert_eq!(t.host_header(), "127.0.0.1:8080");
        assert!(t.is_loopback_name());
        let t = Target::parse("http://[::1]:9000").unwrap();
        assert_eq!(t.host, "::1");
        assert_eq!(t.host_header(), "[::1]:9000");
    }

    #[test]
    fn rejects_bad_urls_with_reasons() {
        for (u, why) in [
            ("ftp://x", "scheme"),
            ("http://user:pw@x", "credentials"),
            ("http://x:0", "port"),
            ("http://x:99999", "port"),
            ("http://", "host is empty"),
            ("http://x/?a=b", "query"),
            ("", "empty"),
        ] {
            let e = Target::parse(u).unwrap_err().to_string();
            assert!(e.contains(why), "{u}: {e}");
        }
    }

    #[test]
    fn credentials_in_the_url_are_redacted_from_the_error() {
        let e = Target::parse("https://admin:hunter2@api.example.com/v1")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2") && !e.contains("admin"), "{e}");
        assert!(e.contains("<redacted>@api.example.com/v1"), "{e}");
        // Names flags that exist.
        assert!(
            e.contains("--header-env") && !e.contains("--header "),
            "{e}"
        );
    }
}
