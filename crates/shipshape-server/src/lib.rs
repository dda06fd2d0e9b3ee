//! `shipshape serve`: receives, stores and compares the reports of a whole fleet.
//!
//! The server never judges: it depends on `shipshape-model` only (never on the
//! checks or the engine), stores the `Report`s that `scan` and `probe` produce in
//! CI, and answers each upload with the diff against the unit's previous report.
//! `app` builds the router (tests drive it in-process with `oneshot`); `serve`
//! binds it with graceful shutdown.

pub mod auth;
pub mod client;
pub mod diff;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod routes;
pub mod state;
pub mod store;
pub mod time;
pub mod tokens;

pub use state::{AppState, Config};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tower_http::timeout::TimeoutLayer;

/// The whole HTTP API over one state.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/reports", post(routes::reports::upload))
        .route("/api/v1/reports/{id}", get(routes::reports::get))
        .route("/api/v1/units", get(routes::units::list))
        .route("/api/v1/units/{id}/reports", get(routes::units::reports))
        .route("/healthz", get(routes::ops::healthz))
        .route("/readyz", get(routes::ops::readyz))
        .route("/metrics", get(routes::ops::metrics))
        .fallback(routes::ops::not_found)
        // The upload handler applies `Config::body_limit` itself (before and after
        // decompression); no other route takes a body.
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

/// What `shipshape serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    pub config: Config,
}

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
    let app = app(AppState::new(store, opts.config));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("shipshape serve stopped");
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
