//! Scalability and resilience.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod k8s_probes;

pub static CHECKS: &[&CheckDef] = &[&k8s_probes::CHECK];
