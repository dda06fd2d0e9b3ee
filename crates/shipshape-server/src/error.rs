//! The one error type of the HTTP layer, rendered as RFC 9457 problem+json.
//!
//! Handlers return `Result<_, Error>`; nothing in a handler unwraps. A storage
//! failure is logged with its cause and answered with a generic 500 so that no
//! database detail leaks to a client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The methods some route of this server answers.
pub const ALLOW: &str = "GET, HEAD, POST, PUT, DELETE";

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (bad query, bad JSON, bad encoding).
    #[error("{0}")]
    BadRequest(String),
    /// The body is well-formed JSON but not a report this server accepts.
    #[error("{0}")]
    Unprocessable(String),
    /// The body exceeds the configured limit.
    #[error("the body exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// No token, or a token that is unknown, malformed, expired or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// A valid token without the scope the request needs.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// TRACE, CONNECT: refused with `Allow`.
    #[error("the method {0} is not allowed (allowed: {ALLOW})")]
    MethodNotAllowed(String),
    /// A method this server does not know.
    #[error("the method {0} is not implemented")]
    NotImplemented(String),
    #[error("the content encoding {0:?} is not supported (send identity or gzip)")]
    UnsupportedEncoding(String),
    /// The database failed; the cause is logged, not sent.
    #[error("storage error: {0}")]
    Store(#[from] crate::store::StoreError),
    /// A bug or an exhausted resource; the cause is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            Error::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Store(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short machine-readable code, also the last segment of the problem `type`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad-request",
            Error::Unprocessable(_) => "invalid-report",
            Error::TooLarge { .. } => "body-too-large",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not-found",
            Error::MethodNotAllowed(_) => "method-not-allowed",
            Error::NotImplemented(_) => "not-implemented",
            Error::UnsupportedEncoding(_) => "unsupported-encoding",
            Error::Store(_) | Error::Internal(_) => "internal",
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            Error::Store(e) => {
                tracing::error!(error = %e, "storage error");
                "the server could not complete the request; see its log".to_string()
            }
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                "the server could not complete the request; see its log".to_string()
            }
            other => other.to_string(),
        };
        let problem = Problem {
            kind: format!("urn:shipshape:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("error"),
            status: status.as_u16(),
            detail,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::METHOD_NOT_ALLOWED {
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOW));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"shipshape\""),
            );
        }
        res
    }
}
