//! Delivery: CI/CD automation.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod ci_present;
pub mod ci_runs_tests;

pub static CHECKS: &[&CheckDef] = &[&ci_present::CHECK, &ci_runs_tests::CHECK];
