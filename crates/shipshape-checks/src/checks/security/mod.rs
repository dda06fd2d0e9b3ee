//! Security: secrets, vulnerabilities, hardening.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod container_non_root;
pub mod k8s_capabilities_dropped;
pub mod k8s_no_privilege_escalation;
pub mod k8s_non_root;
pub mod k8s_read_only_root;
pub mod network_policy;
pub mod no_committed_secrets;
pub mod no_env_files;
pub mod no_private_key_files;
pub mod no_secrets_in_history;
pub mod no_vulnerable_dependencies;
mod pod_security;
pub mod policy_present;
pub mod secrets_not_in_manifests;
pub mod tls_verification_enabled;
pub mod vuln_scan_in_ci;

pub static CHECKS: &[&CheckDef] = &[
    &no_committed_secrets::CHECK,
    &no_secrets_in_history::CHECK,
    &no_vulnerable_dependencies::CHECK,
    &no_private_key_files::CHECK,
    &no_env_files::CHECK,
    &policy_present::CHECK,
    &vuln_scan_in_ci::CHECK,
    &container_non_root::CHECK,
    &k8s_non_root::CHECK,
    &k8s_no_privilege_escalation::CHECK,
    &k8s_read_only_root::CHECK,
    &k8s_capabilities_dropped::CHECK,
    &secrets_not_in_manifests::CHECK,
    &tls_verification_enabled::CHECK,
    &network_policy::CHECK,
];
