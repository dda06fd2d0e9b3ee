//! Documentation.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod readme;

pub static CHECKS: &[&CheckDef] = &[&readme::CHECK];
