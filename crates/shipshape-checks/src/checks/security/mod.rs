//! Security: secrets, vulnerabilities, hardening.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod no_committed_secrets;
pub mod no_secrets_in_history;
pub mod no_vulnerable_dependencies;

pub static CHECKS: &[&CheckDef] = &[
    &no_committed_secrets::CHECK,
    &no_secrets_in_history::CHECK,
    &no_vulnerable_dependencies::CHECK,
];
