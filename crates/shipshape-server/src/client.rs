//! The client side of uploads (`shipshape upload`, `scan --upload`): the CI
//! identity of a report (repository, commit, ref, run URL) from the environment,
//! and one gzip-compressed `POST /api/v1/reports` over hyper (HTTP/1.1, rustls
//! with the webpki roots for `https://`).

use flate2::Compression;
use flate2::write::GzEncoder;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, Uri, header};
use hyper_util::rt::TokioIo;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// Where a report comes from: what the upload's query string carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub git_ref: Option<String>,
    pub ci_run_url: Option<String>,
}

/// `owner/name` of a git remote URL (`https://host/acme/api.git`, `git@host:acme/api.git`).
pub fn repository_of_remote(url: &str) -> Option<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let path = match trimmed.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map(|(_, p)| p)?,
        None => trimmed.split_once(':').map(|(_, p)| p)?,
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    (segments.len() >= 2).then(|| segments[segments.len() - 2..].join("/"))
}

/// The identity the CI environment gives (GitHub Actions, GitLab CI, Buildkite,
/// Jenkins, in that order); `env` reads one variable. Flags override it.
pub fn ci_identity(env: impl Fn(&str) -> Option<String>) -> Identity {
    let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    if get("GITHUB_ACTIONS").is_some() {
        let repository = get("GITHUB_REPOSITORY");
        let run = match (get("GITHUB_SERVER_URL"), &repository, get("GITHUB_RUN_ID")) {
            (Some(server), Some(repo), Some(id)) => {
                Some(format!("{server}/{repo}/actions/runs/{id}"))
            }
            _ => None,
        };
        return Identity {
            repository,
            commit: get("GITHUB_SHA"),
            // On pull requests GITHUB_REF_NAME is `N/merge`; the branch is GITHUB_HEAD_REF.
            git_ref: get("GITHUB_HEAD_REF").or_else(|| get("GITHUB_REF_NAME")),
            ci_run_url: run,
        };
    }
    if get("GITLAB_CI").is_some() {
        return Identity {
            repository: get("CI_PROJECT_PATH"),
            commit: get("CI_COMMIT_SHA"),
            git_ref: get("CI_COMMIT_REF_NAME"),
            ci_run_url: get("CI_JOB_URL").or_else(|| get("CI_PIPELINE_URL")),
        };
    }
    if get("BUILDKITE").is_some() {
        return Identity {
            repository: get("BUILDKITE_REPO").and_then(|r| repository_of_remote(&r)),
            commit: get("BUILDKITE_COMMIT"),
            git_ref: get("BUILDKITE_BRANCH"),
            ci_run_url: get("BUILDKITE_BUILD_URL"),
        };
    }
    if get("JENKINS_URL").is_some() {
        return Identity {
            repository: get("GIT_URL").and_then(|r| repository_of_remote(&r)),
            commit: get("GIT_COMMIT"),
            git_ref: get("BRANCH_NAME")
                .or_else(|| get("GIT_BRANCH").map(|b| b.trim_start_matches("origin/").to_string())),
            ci_run_url: get("BUILD_URL"),
        };
    }
    Identity::default()
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid server URL {0:?}: expected http://HOST[:PORT] or https://HOST[:PORT]")]
    Url(String),
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("TLS with {host}: {reason}")]
    Tls { host: String, reason: String },
    #[error("HTTP: {0}")]
    Http(String),
    #[error("the server did not answer within {0:?}")]
    Timeout(Duration),
    /// The server refused the upload; `detail` is its problem+json explanation.
    #[error("the server refused the upload ({status}): {detail}")]
    Refused { status: u16, detail: String },
}

/// A successful upload: the server's JSON answer.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub status: u16,
    pub body: serde_json::Value,
}

fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The upload path and query for an identity.
pub fn upload_path(base_path: &str, id: &Identity) -> String {
    let mut q = vec![];
    let pairs = [
        ("repository", &id.repository),
        ("commit", &id.commit),
        ("ref", &id.git_ref),
        ("ci_run_url", &id.ci_run_url),
    ];
    for (k, v) in pairs {
        if let Some(v) = v {
            q.push(format!("{k}={}", encode_component(v)));
        }
    }
    format!(
        "{}/api/v1/reports?{}",
        base_path.trim_end_matches('/'),
        q.join("&")
    )
}

/// Uploads one report (JSON bytes) to `server` with `token`; gzip on the wire.
pub async fn upload(
    server: &str,
    token: &str,
    id: &Identity,
    json: &[u8],
    timeout: Duration,
) -> Result<Uploaded, ClientError> {
    tokio::time::timeout(timeout, upload_inner(server, token, id, json))
        .await
        .map_err(|_| ClientError::Timeout(timeout))?
}

async fn upload_inner(
    server: &str,
    token: &str,
    id: &Identity,
    json: &[u8],
) -> Result<Uploaded, ClientError> {
    let uri: Uri = server
        .parse()
        .map_err(|_| ClientError::Url(server.to_string()))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(ClientError::Url(server.to_string())),
    };
    let host = uri
        .host()
        .ok_or_else(|| ClientError::Url(server.to_string()))?
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let path = upload_path(uri.path(), id);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(json)
        .map_err(|e| ClientError::Http(format!("compressing: {e}")))?;
    let body = gz
        .finish()
        .map_err(|e| ClientError::Http(format!("compressing: {e}")))?;
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .unwrap_or_else(|| host.clone());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, authority)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_ENCODING, "gzip")
        .header(
            header::USER_AGENT,
            concat!("shipshape/", env!("CARGO_PKG_VERSION")),
        )
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let (status, bytes) = exchange(&host, port, https, req).await?;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
    });
    if status.is_success() {
        Ok(Uploaded {
            status: status.as_u16(),
            body,
        })
    } else {
        let detail = body
            .get("detail")
            .and_then(|d| d.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| body.to_string());
        Err(ClientError::Refused {
            status: status.as_u16(),
            detail,
        })
    }
}

/// Sends one request to `host:port` on a new connection (TLS with the webpki
/// roots when `https`) and reads the whole answer.
async fn exchange(
    host: &str,
    port: u16,
    https: bool,
    req: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), ClientError> {
    let addr = format!(
        "{}:{port}",
        host.trim_start_matches('[').trim_end_matches(']')
    );
    let tcp = TcpStream::connect(&addr)
        .await
        .map_err(|source| ClientError::Connect {
            addr: addr.clone(),
            source,
        })?;
    if !https {
        return send(TokioIo::new(tcp), req).await;
    }
    let host = host.to_string();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ClientError::Tls {
        host: host.clone(),
        reason: e.to_string(),
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name =
        rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| ClientError::Tls {
            host: host.clone(),
            reason: e.to_string(),
        })?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| ClientError::Tls {
            host: host.clone(),
            reason: e.to_string(),
        })?;
    send(TokioIo::new(tls), req).await
}

/// `scheme://host[:port]/…`: a URL without its path, query or user info, which
/// may hold a secret (a Slack webhook's path is its credential). For logs and lists.
pub fn redact_url(url: &str) -> String {
    match url.parse::<Uri>() {
        Ok(u) if u.host().is_some() => {
            let host = u.host().unwrap_or_default();
            let port = u.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
            let scheme = u.scheme_str().unwrap_or("?");
            let rest = if u.path_and_query().is_some_and(|p| p.as_str() != "/") {
                "/…"
            } else {
                ""
            };
            format!("{scheme}://{host}{port}{rest}")
        }
        _ => "(unreadable URL)".into(),
    }
}

/// Where a webhook URL points, checked once: `http(s)://host[:port]/path`.
pub fn webhook_target(url: &str) -> Result<(Uri, String, u16, bool), ClientError> {
    let bad = || ClientError::Url(redact_url(url));
    let uri: Uri = url.parse().map_err(|_| bad())?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(bad()),
    };
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(bad)?
        .to_string();
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad());
    }
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok((uri, host, port, https))
}

/// POSTs a JSON body to a webhook URL within `timeout`: the HTTP status it
/// answered. Errors never carry the URL beyond its host ([`redact_url`]).
pub async fn post_json(url: &str, json: Vec<u8>, timeout: Duration) -> Result<u16, ClientError> {
    let (uri, host, port, https) = webhook_target(url)?;
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .unwrap_or_else(|| host.clone());
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, authority)
        .header(header::CONTENT_TYPE, "application/json")
        .header(
            header::USER_AGENT,
            concat!("shipshape/", env!("CARGO_PKG_VERSION")),
        )
        .body(Full::new(Bytes::from(json)))
        .map_err(|_| ClientError::Url(redact_url(url)))?;
    let (status, _) = tokio::time::timeout(timeout, exchange(&host, port, https, req))
        .await
        .map_err(|_| ClientError::Timeout(timeout))??;
    Ok(status.as_u16())
}

async fn send<IO>(io: IO, req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), ClientError>
where
    IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let driver = tokio::spawn(conn);
    let res = sender
        .send_request(req)
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let status = res.status();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?
        .to_bytes();
    driver.abort();
    Ok((status, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn github_actions_identity() {
        let id = ci_identity(env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REPOSITORY", "acme/api"),
            ("GITHUB_SHA", "abc"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_RUN_ID", "42"),
        ]));
        assert_eq!(id.repository.as_deref(), Some("acme/api"));
        assert_eq!(id.git_ref.as_deref(), Some("main"));
        assert_eq!(
            id.ci_run_url.as_deref(),
            Some("https://github.com/acme/api/actions/runs/42")
        );
        let pr = ci_identity(env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_NAME", "7/merge"),
            ("GITHUB_HEAD_REF", "fix-x"),
        ]));
        assert_eq!(pr.git_ref.as_deref(), Some("fix-x"));
    }

    #[test]
    fn gitlab_buildkite_jenkins_identity() {
        let id = ci_identity(env(&[
            ("GITLAB_CI", "true"),
            ("CI_PROJECT_PATH", "group/sub/api"),
            ("CI_COMMIT_SHA", "def"),
            ("CI_COMMIT_REF_NAME", "main"),
            ("CI_JOB_URL", "https://gitlab.example/j/1"),
        ]));
        assert_eq!(id.repository.as_deref(), Some("group/sub/api"));
        assert_eq!(id.ci_run_url.as_deref(), Some("https://gitlab.example/j/1"));
        let bk = ci_identity(env(&[
            ("BUILDKITE", "true"),
            ("BUILDKITE_REPO", "git@github.com:acme/web.git"),
            ("BUILDKITE_BRANCH", "main"),
        ]));
        assert_eq!(bk.repository.as_deref(), Some("acme/web"));
        let j = ci_identity(env(&[
            ("JENKINS_URL", "https://ci"),
            ("GIT_URL", "https://git.example/acme/tool.git"),
            ("GIT_BRANCH", "origin/release"),
        ]));
        assert_eq!(j.repository.as_deref(), Some("acme/tool"));
        assert_eq!(j.git_ref.as_deref(), Some("release"));
        assert_eq!(ci_identity(env(&[])), Identity::default());
    }

    #[test]
    fn query_values_are_encoded() {
        let id = Identity {
            repository: Some("acme/api".into()),
            commit: None,
            git_ref: Some("feat/a b&c".into()),
            ci_run_url: None,
        };
        assert_eq!(
            upload_path("/", &id),
            "/api/v1/reports?repository=acme/api&ref=feat/a%20b%26c"
        );
    }
}
