//! Ownership: who is responsible.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod codeowners;
pub mod oncall_defined;
pub mod owners_consistent;
pub mod service_metadata;

pub static CHECKS: &[&CheckDef] = &[
    &codeowners::CHECK,
    &service_metadata::CHECK,
    &oncall_defined::CHECK,
    &owners_consistent::CHECK,
];
