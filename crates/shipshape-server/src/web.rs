//! The dashboard's HTML plumbing: the minijinja environment (templates compiled
//! into the binary, autoescape always on), HTML error pages, the security
//! headers every page carries (a strict Content-Security-Policy: scripts and
//! styles only from `/static`, nothing inline), and the static files.
//!
//! Pages decide nothing about readiness: they show levels and scores as reports
//! state them.

use crate::error::Error;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use std::sync::LazyLock;

/// The pages' Content-Security-Policy: nothing inline, nothing from elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html.j2")),
    ("macros.html", include_str!("templates/macros.html.j2")),
    ("fleet.html", include_str!("templates/fleet.html.j2")),
    (
        "fleet_table.html",
        include_str!("templates/fleet_table.html.j2"),
    ),
    ("unit.html", include_str!("templates/unit.html.j2")),
    ("check.html", include_str!("templates/check.html.j2")),
    ("team.html", include_str!("templates/team.html.j2")),
    ("waivers.html", include_str!("templates/waivers.html.j2")),
    ("login.html", include_str!("templates/login.html.j2")),
    (
        "campaigns.html",
        include_str!("templates/campaigns.html.j2"),
    ),
    ("campaign.html", include_str!("templates/campaign.html.j2")),
    (
        "campaign_form.html",
        include_str!("templates/campaign_form.html.j2"),
    ),
    ("error.html", include_str!("templates/error.html.j2")),
];

static ENV: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Every template, whatever its name: a value is text unless a chart marks it safe.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| format!("template {name}: {e:#}"))?;
    }
    Ok(env)
});

/// Renders template `name` with `ctx`.
pub fn render(name: &str, ctx: impl Serialize) -> Result<String, Error> {
    let env = ENV.as_ref().map_err(|e| Error::Internal(e.clone()))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| Error::Internal(format!("template {name}: {e:#}")))?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(ctx)))
        .map_err(|e| {
            // An include's error is the source of the outer one: name them all.
            let mut msg = format!("rendering {name}: {e}");
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                msg.push_str(&format!(": {c}"));
                cause = c.source();
            }
            Error::Internal(msg)
        })
}

/// The frame around every page: who is signed in, and the form token.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Chrome {
    pub signed_in: bool,
    /// The token name of the signed-in person.
    pub who: Option<String>,
    pub is_admin: bool,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: Option<String>,
    /// The path of this page (navigation highlights it).
    pub path: String,
    pub css: &'static str,
    pub js: &'static str,
}

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in form, then come back to `next`.
    SignIn { next: String },
    /// Anything else, shown as an HTML page with the error's status.
    Error(Error),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError::Error(e)
    }
}

impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> Self {
        PageError::Error(e.into())
    }
}

#[derive(Serialize)]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    detail: String,
}

/// An HTML page for an error (its status kept); storage details are logged, not shown.
pub fn error_page(e: &Error) -> Response {
    let status = e.status();
    let detail = match e {
        Error::Store(inner) => {
            tracing::error!(error = %inner, "storage error");
            "the server could not complete the request; see its log".to_string()
        }
        Error::Internal(inner) => {
            tracing::error!(error = %inner, "internal error");
            "the server could not complete the request; see its log".to_string()
        }
        other => other.to_string(),
    };
    let page = ErrorPage {
        chrome: Chrome {
            css: CSS_URL.as_str(),
            js: JS_URL.as_str(),
            ..Chrome::default()
        },
        status: status.as_u16(),
        title: status.canonical_reason().unwrap_or("Error"),
        detail,
    };
    match render("error.html", &page) {
        Ok(html) => (status, Html(html)).into_response(),
        // The error page itself failed: plain text, still the right status.
        Err(_) => (status, page.detail).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { next } => {
                Redirect::to(&format!("/login?next={}", percent_encode(&next))).into_response()
            }
            PageError::Error(e) => error_page(&e),
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Security headers on every dashboard response (pages, badges, static files).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages show what the reader may see: never stored by shared caches.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Cookie, HX-Request"));
    }
    res
}

/// A static file compiled into the binary.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

pub const ASSETS: &[Asset] = &[
    Asset {
        path: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../static/app.css"),
    },
    Asset {
        path: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../static/vendor/htmx.min.js"),
    },
    Asset {
        path: "htmx.LICENSE",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../static/vendor/htmx.LICENSE"),
    },
];

/// A short content hash: the asset's version in URLs and its ETag.
fn digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn asset_url(path: &str) -> String {
    let body = ASSETS
        .iter()
        .find(|a| a.path == path)
        .map_or(&[][..], |a| a.body);
    format!("/static/{path}?v={}", digest(body))
}

pub static CSS_URL: LazyLock<String> = LazyLock::new(|| asset_url("app.css"));
pub static JS_URL: LazyLock<String> = LazyLock::new(|| asset_url("htmx.min.js"));

/// `GET /static/{file}`: cacheable for a year (URLs carry the content hash), with an ETag.
pub async fn static_file(
    axum::extract::Path(file): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.path == file) else {
        return error_page(&Error::NotFound(format!("no static file {file:?}")));
    };
    let etag = format!("\"{}\"", digest(asset.body));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, asset.content_type.to_string()),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_string(),
            ),
            (header::ETAG, etag),
        ],
        asset.body,
    )
        .into_response()
}

/// Past points of the fleet's level distribution, by `(time, last report by then)`.
/// A past point only changes when retention drops reports, so an entry lives an
/// hour (retention runs hourly); the key's report id makes a late-arriving report
/// a new entry. Derived data: a replica with another cache shows the same numbers
/// within that hour, and nothing is written from it.
#[derive(Debug, Default)]
pub struct TrendCache {
    entries: std::sync::Mutex<std::collections::HashMap<(i64, i64), (i64, LevelCounts)>>,
}

/// Units per level (`None`: below bronze).
pub type LevelCounts = Vec<(Option<String>, i64)>;

/// How long a cached trend point is used (seconds).
pub const TREND_TTL: i64 = 3600;

impl TrendCache {
    pub fn get(&self, t: i64, last: i64, now: i64) -> Option<LevelCounts> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&(t, last))
            .filter(|(at, _)| now - at < TREND_TTL)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, t: i64, last: i64, now: i64, counts: LevelCounts) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (at, _)| now - *at < TREND_TTL);
            entries.insert((t, last), (now, counts));
        }
    }
}

/// A score for people: one decimal, or `n/a`.
pub fn fmt_score(score: Option<f64>) -> String {
    match score {
        Some(s) if s.is_finite() => format!("{s:.1}"),
        _ => "n/a".to_string(),
    }
}

/// `good`, `fair`, `poor` or `none`: the heat-map class of a score (the HTML
/// report's bands; the number is always printed beside the colour).
pub fn band(score: Option<f64>) -> &'static str {
    match score.filter(|s| s.is_finite()) {
        None => "none",
        Some(s) if s >= 80.0 => "good",
        Some(s) if s >= 50.0 => "fair",
        Some(_) => "poor",
    }
}

/// A level for people: `below bronze` when none was reached.
pub fn level_label(level: Option<&str>) -> &str {
    level.unwrap_or("below bronze")
}

/// A time as a date (`2026-12-01`).
pub fn date(secs: i64) -> String {
    crate::time::rfc3339(secs).chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        if let Err(e) = ENV.as_ref() {
            panic!("{e}");
        }
    }

    #[test]
    fn percent_encoding_keeps_paths_readable() {
        assert_eq!(percent_encode("/units/3?x=a b"), "/units/3%3Fx%3Da%20b");
    }
}
