//! `GET/POST /login` and `POST /logout`: sign-in for people (see `session.rs`).

use crate::auth;
use crate::error::Error;
use crate::session::{self, LOGIN_COOKIE, SESSION_COOKIE, SESSION_TTL, Viewer};
use crate::state::AppState;
use crate::store::AuditEntry;
use crate::web::{self, PageError};
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// How long the sign-in form stays valid (seconds).
const LOGIN_FORM_TTL: i64 = 3600;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

/// Only paths on this server: never `//host` or `https://…` (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_form(
    headers: &HeaderMap,
    viewer: &Viewer,
    next: &str,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, PageError> {
    let nonce = session::random_hex()?;
    let html = web::render(
        "login.html",
        serde_json::json!({
            "chrome": viewer.chrome(),
            "login_csrf": nonce,
            "next": next,
            "message": message,
        }),
    )?;
    let cookie = session::set_cookie(
        LOGIN_COOKIE,
        &nonce,
        "/login",
        LOGIN_FORM_TTL,
        !session::loopback_host(headers),
    );
    let mut res = (status, Html(html)).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| Error::Internal(e.to_string()))?,
    );
    Ok(res)
}

/// `GET /login`: the sign-in form (an API token with scope read or admin).
pub async fn form(
    viewer: Viewer,
    headers: HeaderMap,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(q) = query.map_err(super::bad_query)?;
    login_form(
        &headers,
        &viewer,
        &safe_next(q.next.as_deref()),
        StatusCode::OK,
        None,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub csrf: Option<String>,
    pub token: Option<String>,
    pub next: Option<String>,
}

/// `POST /login`: checks the form's one-time value and the token, opens a session.
pub async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(f) = form.map_err(super::bad_query)?;
    let next = safe_next(f.next.as_deref());
    let expected = session::cookie(&headers, LOGIN_COOKIE);
    match (expected, f.csrf.as_deref()) {
        (Some(e), Some(s)) if session::same(e, s) => {}
        _ => {
            return Err(Error::Forbidden(
                "the sign-in form's CSRF token is missing or stale: reload the form and sign in again"
                    .into(),
            )
            .into());
        }
    }
    let token = f.token.as_deref().unwrap_or("").trim();
    let refuse = |msg: &str| {
        login_form(
            &headers,
            &viewer,
            &next,
            StatusCode::UNAUTHORIZED,
            Some(msg.to_string()),
        )
    };
    if !auth::is_well_formed(token) {
        return refuse("That is not a shipshape token (shs_ followed by 38 letters and digits).");
    }
    let presented = auth::hash(token);
    let now = crate::time::now();
    let principal = match state.store.token_by_hash(presented.to_vec()).await? {
        None => return refuse("Unknown token."),
        Some(row) => match auth::admit(&row, &presented, now) {
            Ok(p) => p,
            Err(e) => return refuse(&e.to_string()),
        },
    };
    if !principal.can_read() {
        return refuse(&format!(
            "Token {:?} has scope {}: signing in needs scope read or admin.",
            principal.name, principal.scope
        ));
    }
    let id = session::random_hex()?;
    let csrf = session::random_hex()?;
    state
        .store
        .create_session(
            auth::hash(&id).to_vec(),
            csrf,
            now + SESSION_TTL,
            AuditEntry {
                at: now,
                token_id: Some(principal.token_id),
                actor: principal.actor(),
                action: "session.open".into(),
                subject: String::new(),
                detail: format!("expires={}", crate::time::rfc3339(now + SESSION_TTL)),
            },
        )
        .await?;
    tracing::info!(token = principal.token_id, "session opened");
    let secure = !session::loopback_host(&headers);
    let mut res = Redirect::to(&next).into_response();
    let h = res.headers_mut();
    for c in [
        session::set_cookie(SESSION_COOKIE, &id, "/", SESSION_TTL, secure),
        session::set_cookie(LOGIN_COOKIE, "", "/login", 0, secure),
    ] {
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_str(&c).map_err(|e| Error::Internal(e.to_string()))?,
        );
    }
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

/// `POST /logout`: ends the session (CSRF-checked, so no page can sign you out).
pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Form(f) = form.map_err(super::bad_query)?;
    if viewer.csrf.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    viewer.check_csrf(f.csrf.as_deref())?;
    if let Some(id) = session::cookie(&headers, SESSION_COOKIE) {
        let p = viewer.principal.as_ref();
        let audit = AuditEntry {
            at: crate::time::now(),
            token_id: p.map(|p| p.token_id),
            actor: p.map_or_else(|| "session".to_string(), |p| p.actor()),
            action: "session.close".into(),
            subject: String::new(),
            detail: String::new(),
        };
        state
            .store
            .delete_session(auth::hash(id).to_vec(), audit)
            .await?;
    }
    let mut res = Redirect::to("/login").into_response();
    let c = session::set_cookie(
        SESSION_COOKIE,
        "",
        "/",
        0,
        !session::loopback_host(&headers),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&c).map_err(|e| Error::Internal(e.to_string()))?,
    );
    Ok(res)
}
