//! Observability: metrics, logs, traces, health and alerting.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod alert_rules;
pub(crate) mod alerting;
pub mod alerts_have_runbooks;
pub mod dashboards_as_code;
pub mod error_tracking;
pub mod health_endpoint;
pub mod metrics_instrumented;
pub mod slo_defined;
pub mod structured_logging;
pub mod tracing_instrumented;

pub static CHECKS: &[&CheckDef] = &[
    &metrics_instrumented::CHECK,
    &structured_logging::CHECK,
    &tracing_instrumented::CHECK,
    &health_endpoint::CHECK,
    &alert_rules::CHECK,
    &alerts_have_runbooks::CHECK,
    &dashboards_as_code::CHECK,
    &slo_defined::CHECK,
    &error_tracking::CHECK,
];
