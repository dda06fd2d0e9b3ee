//! Documentation.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

mod doc_file;

pub mod changelog;
pub mod contributing;
pub mod readme;

pub static CHECKS: &[&CheckDef] = &[&readme::CHECK, &changelog::CHECK, &contributing::CHECK];
