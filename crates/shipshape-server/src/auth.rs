//! API tokens: generation, format check, hashing, scopes, and the one extractor.
//!
//! A token is `shs_` + 32 random base62 characters + a 6-character base62
//! checksum of the rest, so that secret scanners (shipshape's own `shipshape-token`
//! rule included) can recognise a leaked one and a typo is refused before any
//! database look-up. Only the SHA-256 of a token is stored; the hash found by the
//! look-up is compared again in constant time. A token is shown once, at creation.

use crate::error::Error;
use crate::state::AppState;
use crate::store::TokenRow;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;

pub const TOKEN_PREFIX: &str = "shs_";
const RANDOM_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
/// Total length of a token, prefix included.
pub const TOKEN_LEN: usize = TOKEN_PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// `last_used_at` is written at most this often per token (seconds), so that reads
/// do not turn into one write each.
const TOUCH_EVERY: i64 = 60;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Upload reports for repositories matching the token's glob.
    Upload,
    /// Read everything.
    Read,
    /// Everything, including uploads for any repository.
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Upload => "upload",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "upload" => Ok(Scope::Upload),
            "read" => Ok(Scope::Read),
            "admin" => Ok(Scope::Admin),
            other => Err(format!(
                "unknown scope {other:?}; expected upload, read or admin"
            )),
        }
    }
}

/// The checksum of the part of a token before it.
fn checksum(body: &str) -> String {
    let d = Sha256::digest(body.as_bytes());
    let mut n = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as u64;
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| b as char).collect()
}

/// A fresh random token. Fails only when the operating system has no randomness.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut body = String::with_capacity(TOKEN_LEN);
    body.push_str(TOKEN_PREFIX);
    let mut buf = [0u8; 64];
    while body.len() < TOKEN_PREFIX.len() + RANDOM_LEN {
        getrandom::fill(&mut buf)?;
        // Rejection sampling: 248 = 4 × 62, so every character is equally likely.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if body.len() == TOKEN_PREFIX.len() + RANDOM_LEN {
                break;
            }
            body.push(BASE62[(b % 62) as usize] as char);
        }
    }
    let sum = checksum(&body);
    body.push_str(&sum);
    Ok(body)
}

/// True when `token` has the shape of a shipshape token and its checksum holds.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token.starts_with(TOKEN_PREFIX)
        && token
            .bytes()
            .skip(TOKEN_PREFIX.len())
            .all(|b| b.is_ascii_alphanumeric())
        && checksum(&token[..TOKEN_LEN - CHECKSUM_LEN]) == token[TOKEN_LEN - CHECKSUM_LEN..]
}

/// What is stored for a token.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The caller behind a valid token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub token_id: i64,
    pub name: String,
    pub scope: Scope,
    pub repo_glob: Option<String>,
}

impl Principal {
    /// The name written to the audit log.
    pub fn actor(&self) -> String {
        format!("token:{}:{}", self.token_id, self.name)
    }

    pub fn can_read(&self) -> bool {
        matches!(self.scope, Scope::Read | Scope::Admin)
    }

    /// Upload tokens are limited to their repository glob; admin tokens are not.
    pub fn can_upload(&self, repository: &str) -> bool {
        match self.scope {
            Scope::Admin => true,
            Scope::Read => false,
            Scope::Upload => match &self.repo_glob {
                None => true,
                Some(glob) => globset::GlobBuilder::new(glob)
                    .literal_separator(false)
                    .build()
                    .map(|g| g.compile_matcher().is_match(repository))
                    .unwrap_or(false),
            },
        }
    }
}

/// Checks a token row against the presented token's hash and the clock.
pub fn admit(row: &TokenRow, presented: &[u8; 32], now: i64) -> Result<Principal, Error> {
    if !bool::from(row.hash.as_slice().ct_eq(presented.as_slice())) {
        return Err(Error::Unauthorized("unknown token".into()));
    }
    principal_of(row, now)
}

/// The principal of a token row, unless it is revoked or expired at `now` (a
/// session checks its token this way on every request).
pub fn principal_of(row: &TokenRow, now: i64) -> Result<Principal, Error> {
    if row.revoked_at.is_some() {
        return Err(Error::Unauthorized(format!(
            "token {:?} has been revoked",
            row.name
        )));
    }
    if let Some(exp) = row.expires_at
        && exp <= now
    {
        return Err(Error::Unauthorized(format!(
            "token {:?} expired at {}",
            row.name,
            crate::time::rfc3339(exp)
        )));
    }
    let scope = row
        .scope
        .parse()
        .map_err(|e: String| Error::Internal(format!("token {}: {e}", row.id)))?;
    Ok(Principal {
        token_id: row.id,
        name: row.name.clone(),
        scope,
        repo_glob: row.repo_glob.clone(),
    })
}

/// The caller of a request: `None` when no `Authorization` header was sent. A header
/// with a bad, unknown, expired or revoked token is refused here with 401.
pub struct Auth(pub Option<Principal>);

impl Auth {
    /// Reads are allowed with a read or admin token, or to anyone with `--public-read`.
    pub fn require_read(&self, state: &AppState) -> Result<(), Error> {
        match &self.0 {
            _ if state.config.public_read => Ok(()),
            Some(p) if p.can_read() => Ok(()),
            Some(p) => Err(Error::Forbidden(format!(
                "token {:?} has scope {} and cannot read",
                p.name, p.scope
            ))),
            None => Err(Error::Unauthorized(
                "reading needs a token with scope read (Authorization: Bearer shs_…)".into(),
            )),
        }
    }

    /// Changes to the server's own data (campaigns) need an admin token; `--public-read`
    /// never opens them.
    pub fn require_admin(&self, what: &str) -> Result<&Principal, Error> {
        match &self.0 {
            Some(p) if p.scope == Scope::Admin => Ok(p),
            Some(p) => Err(Error::Forbidden(format!(
                "token {:?} has scope {}; {what} needs a token with scope admin",
                p.name, p.scope
            ))),
            None => Err(Error::Unauthorized(format!(
                "{what} needs a token with scope admin (Authorization: Bearer shs_…)"
            ))),
        }
    }

    /// Uploads for `repository` need an admin token or an upload token whose glob matches.
    pub fn require_upload(&self, repository: &str) -> Result<&Principal, Error> {
        match &self.0 {
            Some(p) if p.can_upload(repository) => Ok(p),
            Some(p) => Err(Error::Forbidden(match (&p.scope, &p.repo_glob) {
                (Scope::Upload, Some(glob)) => format!(
                    "token {:?} may upload only for repositories matching {glob:?}, not {repository:?}",
                    p.name
                ),
                _ => format!("token {:?} has scope {} and cannot upload", p.name, p.scope),
            })),
            None => Err(Error::Unauthorized(
                "uploading needs a token with scope upload (Authorization: Bearer shs_…)".into(),
            )),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            // A signed-in person's browser may read the JSON twins of the pages; a
            // session never authorises a write through the API.
            if matches!(
                parts.method,
                axum::http::Method::GET | axum::http::Method::HEAD
            ) {
                let session = crate::session::from_cookie(state, &parts.headers).await?;
                return Ok(Auth(session.map(|(p, _)| p)));
            }
            return Ok(Auth(None));
        };
        let value = value
            .to_str()
            .map_err(|_| Error::Unauthorized("the Authorization header is not text".into()))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| Error::Unauthorized("expected Authorization: Bearer TOKEN".into()))?
            .trim();
        if !is_well_formed(token) {
            return Err(Error::Unauthorized(
                "malformed token (expected shs_ followed by 38 letters and digits with a valid checksum)"
                    .into(),
            ));
        }
        let presented = hash(token);
        let row = state
            .store
            .token_by_hash(presented.to_vec())
            .await?
            .ok_or_else(|| Error::Unauthorized("unknown token".into()))?;
        let now = crate::time::now();
        let principal = admit(&row, &presented, now)?;
        if row.last_used_at.is_none_or(|t| t <= now - TOUCH_EVERY) {
            state.store.touch_token(row.id, now).await?;
        }
        Ok(Auth(Some(principal)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_well_formed_and_distinct() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(is_well_formed(&a), "{a}");
        assert!(a.starts_with("shs_"));
    }

    #[test]
    fn a_changed_character_breaks_the_checksum() {
        let t = generate().unwrap();
        let mut bytes = t.into_bytes();
        bytes[10] = if bytes[10] == b'a' { b'b' } else { b'a' };
        let changed = String::from_utf8(bytes).unwrap();
        assert!(!is_well_formed(&changed));
        assert!(!is_well_formed("shs_short"));
        assert!(!is_well_formed(""));
        assert!(!is_well_formed("shs_ééééééééééééééééééé"));
    }

    fn principal(scope: Scope, glob: Option<&str>) -> Principal {
        Principal {
            token_id: 1,
            name: "ci".into(),
            scope,
            repo_glob: glob.map(str::to_string),
        }
    }

    #[test]
    fn upload_scope_follows_the_glob() {
        let p = principal(Scope::Upload, Some("acme/*"));
        assert!(p.can_upload("acme/api"));
        assert!(!p.can_upload("other/api"));
        assert!(!p.can_read());
        assert!(principal(Scope::Upload, None).can_upload("anything"));
        assert!(principal(Scope::Admin, Some("x")).can_upload("y"));
        assert!(!principal(Scope::Read, None).can_upload("y"));
    }

    #[test]
    fn expired_and_revoked_tokens_are_refused() {
        let token = generate().unwrap();
        let h = hash(&token);
        let mut row = TokenRow {
            id: 1,
            name: "ci".into(),
            hash: h.to_vec(),
            scope: "read".into(),
            repo_glob: None,
            created_at: 0,
            expires_at: Some(100),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(admit(&row, &h, 99).is_ok());
        assert!(matches!(admit(&row, &h, 100), Err(Error::Unauthorized(_))));
        row.expires_at = None;
        row.revoked_at = Some(5);
        assert!(matches!(admit(&row, &h, 1), Err(Error::Unauthorized(_))));
        row.revoked_at = None;
        assert!(matches!(
            admit(&row, &hash("other"), 1),
            Err(Error::Unauthorized(_))
        ));
    }
}
