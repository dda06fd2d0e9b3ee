//! Scalability and resilience.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod backups_documented;
pub mod compose_healthchecks;
pub mod disruption_budget;
pub mod graceful_shutdown;
pub mod hpa_bounds_consistent;
pub mod k8s_probes;
pub(crate) mod k8s_util;
pub mod load_tests;
pub mod ports_consistent;
pub mod probe_paths_routed;
pub mod replicas_or_autoscaling;
pub mod resource_limits;
pub mod spread_across_nodes;
pub mod timeouts_configured;

pub static CHECKS: &[&CheckDef] = &[
    &resource_limits::CHECK,
    &k8s_probes::CHECK,
    &replicas_or_autoscaling::CHECK,
    &disruption_budget::CHECK,
    &graceful_shutdown::CHECK,
    &spread_across_nodes::CHECK,
    &compose_healthchecks::CHECK,
    &load_tests::CHECK,
    &timeouts_configured::CHECK,
    &backups_documented::CHECK,
    &probe_paths_routed::CHECK,
    &ports_consistent::CHECK,
    &hpa_bounds_consistent::CHECK,
];
