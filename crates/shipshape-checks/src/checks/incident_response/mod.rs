//! Incident response: runbooks, escalation, postmortems.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub static CHECKS: &[&CheckDef] = &[];
