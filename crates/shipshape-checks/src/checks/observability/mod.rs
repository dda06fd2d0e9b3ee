//! Observability: metrics, logs, traces, health and alerting.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod health_endpoint;
pub mod metrics_instrumented;

pub static CHECKS: &[&CheckDef] = &[&metrics_instrumented::CHECK, &health_endpoint::CHECK];
