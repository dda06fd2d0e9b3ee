//! Documentation.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub(crate) mod doc_file;

pub mod api_spec;
pub mod architecture;
pub mod changelog;
pub mod contributing;
pub mod operations;
pub mod readme;

pub static CHECKS: &[&CheckDef] = &[
    &readme::CHECK,
    &architecture::CHECK,
    &operations::CHECK,
    &api_spec::CHECK,
    &changelog::CHECK,
    &contributing::CHECK,
];
