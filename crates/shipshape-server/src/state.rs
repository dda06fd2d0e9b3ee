//! `AppState`: the one shared state of the server (store, configuration, metrics).
//! It holds nothing a second replica could contradict: all data is in the store.

use crate::metrics::Metrics;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Default upload limit: 16 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// Default time a request may take before it is answered 408.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The server's settings, resolved once at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Reads without a token (a trusted network only).
    pub public_read: bool,
    /// Largest accepted upload, before and after decompression.
    pub body_limit: usize,
    pub request_timeout: Duration,
    /// Refs whose uploads raise webhook events (level drops, new critical failures).
    pub default_branches: Vec<String>,
}

/// Default branches unless configured: `main` and `master`.
pub const DEFAULT_BRANCHES: &[&str] = &["main", "master"];

impl Default for Config {
    fn default() -> Self {
        Config {
            public_read: false,
            body_limit: DEFAULT_BODY_LIMIT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            default_branches: DEFAULT_BRANCHES.iter().map(|b| b.to_string()).collect(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// The dashboard's cache of past level distributions (derived, never authoritative).
    pub trend: Arc<crate::web::TrendCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            trend: Arc::default(),
        }
    }
}
