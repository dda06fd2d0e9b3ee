//! `shipshape serve`: receives, stores and compares the reports of a whole fleet.
//!
//! The server never judges: it depends on `shipshape-model` only (never on the
//! checks or the engine), stores the `Report`s that `scan` and `probe` produce in
//! CI, and answers each upload with the diff against the unit's previous report.
//! `app` builds the router (tests drive it in-process with `oneshot`); `serve`
//! binds it with graceful shutdown.

pub mod auth;
pub mod campaigns;
pub mod charts;
pub mod client;
pub mod diff;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod process;
pub mod retention;
pub mod routes;
pub mod session;
pub mod state;
pub mod store;
pub mod time;
pub mod tokens;
pub mod web;
pub mod webhooks;

pub use state::{AppState, Config};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use routes::campaigns::BODY_LIMIT as CAMPAIGN_BODY_LIMIT;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tower_http::timeout::TimeoutLayer;

/// Every route of [`app`], as `(method, path)`: the OpenAPI document must describe
/// each (a test checks), and a route added to `app` belongs here too.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/reports/{id}"),
    ("get", "/api/v1/reports/{id}/diff"),
    ("get", "/api/v1/summary"),
    ("get", "/api/v1/waivers"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units.csv"),
    ("get", "/api/v1/units/{id}/reports"),
    ("get", "/api/v1/campaigns"),
    ("post", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns/{id}"),
    ("put", "/api/v1/campaigns/{id}"),
    ("delete", "/api/v1/campaigns/{id}"),
    ("get", "/api/v1/teams"),
    ("get", "/api/v1/teams/{name}"),
    ("get", "/api/v1/checks/{area}/{name}"),
    ("get", "/api/v1/units/{id}"),
    ("get", "/api/v1/fleet"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/openapi.json"),
];

/// The dashboard's HTML pages (not in the OpenAPI document, which describes the
/// JSON API; each page's JSON twin is in [`ROUTES`]).
pub const PAGES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/units/{id}"),
    ("get", "/checks/{area}/{name}"),
    ("get", "/teams/{*name}"),
    ("get", "/waivers"),
    ("get", "/campaigns"),
    ("post", "/campaigns"),
    ("get", "/campaigns/new"),
    ("get", "/campaigns/{id}"),
    ("post", "/campaigns/{id}"),
    ("get", "/campaigns/{id}/edit"),
    ("get", "/badge/{*path}"),
    ("get", "/login"),
    ("post", "/login"),
    ("post", "/logout"),
    ("get", "/static/{file}"),
];

/// The dashboard: server-rendered pages with strict security headers, compressed.
fn pages() -> Router<AppState> {
    use routes::{campaign_pages as campaigns, pages, signin};
    Router::new()
        .route("/", get(pages::fleet))
        .route("/units/{id}", get(pages::unit))
        .route("/checks/{area}/{name}", get(pages::check))
        .route("/teams/{*name}", get(pages::team))
        .route("/waivers", get(pages::waivers))
        .route("/campaigns", get(campaigns::list).post(campaigns::create))
        .route("/campaigns/new", get(campaigns::new_form))
        .route(
            "/campaigns/{id}",
            get(campaigns::detail).post(campaigns::update),
        )
        .route("/campaigns/{id}/edit", get(campaigns::edit_form))
        .route("/badge/{*path}", get(pages::badge))
        .route("/login", get(signin::form).post(signin::login))
        .route("/logout", post(signin::logout))
        .route("/static/{file}", get(web::static_file))
        // Sign-in and campaign forms are small.
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(axum::middleware::from_fn(web::security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// The whole HTTP API and the dashboard over one state. The OpenAPI document describes
/// `/api/v1/teams/{*name}` as `/api/v1/teams/{name}` (a name may hold `/`).
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages())
        .route("/api/v1/reports", post(routes::reports::upload))
        .route("/api/v1/reports/{id}", get(routes::reports::get))
        .route(
            "/api/v1/reports/{id}/diff",
            get(routes::reports::diff_between),
        )
        .route("/api/v1/summary", get(routes::fleet::summary))
        .route("/api/v1/waivers", get(routes::waivers::expiring))
        .route("/api/v1/units", get(routes::units::list))
        .route("/api/v1/units.csv", get(routes::units::csv))
        .route("/api/v1/units/{id}/reports", get(routes::units::reports))
        .route(
            "/api/v1/campaigns",
            get(routes::campaigns::list)
                .post(routes::campaigns::create)
                .layer(DefaultBodyLimit::max(CAMPAIGN_BODY_LIMIT)),
        )
        .route(
            "/api/v1/campaigns/{id}",
            get(routes::campaigns::get)
                .put(routes::campaigns::update)
                .delete(routes::campaigns::delete)
                .layer(DefaultBodyLimit::max(CAMPAIGN_BODY_LIMIT)),
        )
        .route("/api/v1/teams", get(routes::teams::list))
        // A catch-all: team names are owners such as `@acme/payments`, slash included.
        .route("/api/v1/teams/{*name}", get(routes::teams::get))
        .route("/api/v1/checks/{area}/{name}", get(routes::checks::get))
        .route("/api/v1/units/{id}", get(routes::pages::unit_api))
        .route("/api/v1/fleet", get(routes::pages::fleet_api))
        .route("/healthz", get(routes::ops::healthz))
        .route("/readyz", get(routes::ops::readyz))
        .route("/metrics", get(routes::ops::metrics))
        .route("/api/openapi.json", get(routes::ops::openapi))
        .fallback(routes::ops::not_found)
        // The upload handler applies `Config::body_limit` itself (before and after
        // decompression); the dashboard's forms are small.
        .layer(DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// The database a data directory implies: `sqlite://DATA_DIR/shipshape.db`.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("shipshape.db").display())
}

/// `shipshape serve backup`: a consistent copy of a SQLite database at `to`
/// (online, `VACUUM INTO`). PostgreSQL is backed up with its own tools.
pub async fn backup(database_url: &str, to: &Path) -> Result<(), store::StoreError> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Err(store::StoreError::Config(
            "back up PostgreSQL with its own tools: pg_dump --format=custom --file=shipshape.dump DATABASE_URL \
             (consistent while serve runs; restore with pg_restore), or continuous archiving"
                .into(),
        ));
    }
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            store::StoreError::Config(format!("unsupported database URL {database_url:?}"))
        })?;
    store::SqliteStore::open(Path::new(path))
        .await?
        .backup(to)
        .await
}

/// What `shipshape serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    pub config: Config,
    /// `None`: keep every report forever.
    pub retention: Option<retention::Policy>,
}

/// How often retention runs.
pub const RETENTION_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the store (applying migrations), listens, and serves until `shutdown`
/// resolves; in-flight requests (uploads included) are finished before it returns.
pub async fn serve(
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let url = opts
        .database_url
        .clone()
        .unwrap_or_else(|| default_database_url(&opts.data_dir));
    let store = store::open(&url).await?;
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: opts.listen,
            source,
        })?;
    let local = listener.local_addr()?;
    tracing::info!(
        listen = %local,
        database = store.backend(),
        public_read = opts.config.public_read,
        "shipshape serve started"
    );
    let background = opts.retention.map(|policy| {
        tokio::spawn(retention::run_forever(
            store.clone(),
            policy,
            RETENTION_EVERY,
        ))
    });
    let snapshots = tokio::spawn(campaigns::run_forever(
        store.clone(),
        campaigns::holder_id(),
        campaigns::SNAPSHOT_EVERY,
    ));
    // Webhook deliveries (and waiver / campaign events): off the request path.
    let deliveries = tokio::spawn(webhooks::run_forever(
        store.clone(),
        campaigns::holder_id(),
        webhooks::Policy::default(),
    ));
    let app = app(AppState::new(store, opts.config));
    let served = serve_http(listener, app, shutdown).await;
    if let Some(task) = background {
        task.abort();
    }
    snapshots.abort();
    deliveries.abort();
    served?;
    tracing::info!("shipshape serve stopped");
    Ok(())
}

/// A client must send its request headers within this time (slowloris).
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Largest request head (request line and headers); a larger one gets 431.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// How long shutdown waits for in-flight requests.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// HTTP/1.1 over hyper with a header read timeout (`axum::serve` has none) and a
/// bound on the request head ([`MAX_HEAD_BYTES`]; bodies are streamed), until
/// `shutdown`; then stops accepting and lets in-flight requests finish (up to
/// [`SHUTDOWN_GRACE`]).
pub async fn serve_http(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(c) => c,
                    // Out of file descriptors and the like: wait, do not spin or die.
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .max_buf_size(MAX_HEAD_BYTES);
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("in-flight requests still running after the grace period");
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

/// JSON logs on standard error, filtered by `RUST_LOG` (default `info`).
pub fn init_json_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs a future to completion on a fresh runtime: the entry point for the CLI's
/// one-shot commands (`token create`, `upload`), which have no runtime of their own.
pub fn block_on<F: Future>(f: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f))
}

/// `shipshape serve`: JSON logs, a multi-threaded runtime, and [`serve`] until
/// SIGTERM or Ctrl-C.
pub fn serve_blocking(opts: ServeOptions) -> Result<(), ServeError> {
    init_json_logs();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(opts, shutdown_signal()))
}
