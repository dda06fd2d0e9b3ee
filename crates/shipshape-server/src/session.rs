//! Sign-in for people: an API token, given once to `/login`, opens a session.
//!
//! The browser holds a random session id in a cookie (`HttpOnly`,
//! `SameSite=Strict`, `Secure` unless the page was asked for by a loopback host
//! name — plain HTTP that never leaves the machine); the database holds only its
//! SHA-256, the token it was opened with and a CSRF token, so every replica
//! agrees and a revoked or expired token ends its sessions at once. Every form
//! carries the session's CSRF token (a synchronizer token) and every POST checks
//! it; the sign-in form itself, having no session yet, checks a one-time value
//! that it also set as a cookie (double submit). Roles are the token's scope.

use crate::auth::{self, Principal};
use crate::error::Error;
use crate::state::AppState;
use crate::web::{Chrome, PageError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq;

pub const SESSION_COOKIE: &str = "shs_session";
pub const LOGIN_COOKIE: &str = "shs_login";
/// How long a session lasts (seconds): a working day.
pub const SESSION_TTL: i64 = 12 * 3600;

/// The value of cookie `name`, if the request sent it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// 32 random bytes as hex.
pub fn random_hex() -> Result<String, Error> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal strings, compared in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// True when the request names a loopback host (`localhost`, `127.0.0.1`, `[::1]`):
/// the only case where the session cookie goes without `Secure`.
pub fn loopback_host(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A `Set-Cookie` value with the flags every cookie of ours has.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The principal of a live session cookie, with the session's CSRF token; `None`
/// for no cookie, an unknown or expired session, or a token no longer valid.
pub async fn from_cookie(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Principal, String)>, Error> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let now = crate::time::now();
    let Some(row) = state
        .store
        .session_by_hash(auth::hash(id).to_vec(), now)
        .await?
    else {
        return Ok(None);
    };
    match auth::principal_of(&row.token, now) {
        Ok(p) => Ok(Some((p, row.csrf))),
        Err(_) => Ok(None),
    }
}

/// Who is looking at a page: a bearer token, a session, or nobody.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub principal: Option<Principal>,
    /// The session's CSRF token (`None` without a session).
    pub csrf: Option<String>,
    pub path: String,
}

impl Viewer {
    /// Pages need a read or admin token, or `--public-read`.
    pub fn require_read(&self, state: &AppState) -> Result<(), PageError> {
        match &self.principal {
            _ if state.config.public_read => Ok(()),
            Some(p) if p.can_read() => Ok(()),
            Some(p) => Err(PageError::Error(Error::Forbidden(format!(
                "token {:?} has scope {} and cannot read",
                p.name, p.scope
            )))),
            None => Err(PageError::SignIn {
                next: self.path.clone(),
            }),
        }
    }

    /// Creating and editing campaigns needs an admin token (`--public-read` never grants it).
    pub fn require_admin(&self) -> Result<&Principal, PageError> {
        match &self.principal {
            Some(p) if p.scope == auth::Scope::Admin => Ok(p),
            Some(p) => Err(PageError::Error(Error::Forbidden(format!(
                "token {:?} has scope {}; this needs scope admin",
                p.name, p.scope
            )))),
            None => Err(PageError::SignIn {
                next: self.path.clone(),
            }),
        }
    }

    /// A POST from a form must carry the session's CSRF token. Requests with a bearer
    /// token (no session, nothing a browser sends by itself) need none.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), PageError> {
        match (&self.csrf, sent) {
            (None, _) if self.principal.is_some() => Ok(()),
            (Some(expected), Some(sent)) if same(expected, sent) => Ok(()),
            _ => Err(PageError::Error(Error::Forbidden(
                "the form's CSRF token is missing or stale: reload the page and submit again"
                    .into(),
            ))),
        }
    }

    pub fn chrome(&self) -> Chrome {
        Chrome {
            signed_in: self.csrf.is_some(),
            who: self.principal.as_ref().map(|p| p.name.clone()),
            is_admin: self
                .principal
                .as_ref()
                .is_some_and(|p| p.scope == auth::Scope::Admin),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            css: crate::web::CSS_URL.as_str(),
            js: crate::web::JS_URL.as_str(),
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        if parts.headers.contains_key(header::AUTHORIZATION) {
            let auth::Auth(principal) = auth::Auth::from_request_parts(parts, state).await?;
            return Ok(Viewer {
                principal,
                csrf: None,
                path,
            });
        }
        let (principal, csrf) = match from_cookie(state, &parts.headers).await? {
            Some((p, csrf)) => (Some(p), Some(csrf)),
            None => (None, None),
        };
        Ok(Viewer {
            principal,
            csrf,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; shs_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn only_loopback_hosts_go_without_secure() {
        for (host, lo) in [
            ("127.0.0.1:8480", true),
            ("localhost", true),
            ("[::1]:80", true),
            ("shipshape.example", false),
            ("127.example.com", false),
        ] {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            assert_eq!(loopback_host(&h), lo, "{host}");
        }
        let c = set_cookie("n", "v", "/", 60, true);
        assert_eq!(
            c,
            "n=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
    }
}
