//! Maintenance: dependencies and upkeep.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod dependency_update_automation;
pub mod license;
pub mod no_deprecated_base_images;
pub mod recently_maintained;
pub mod toolchain_pinned;

pub static CHECKS: &[&CheckDef] = &[
    &dependency_update_automation::CHECK,
    &toolchain_pinned::CHECK,
    &recently_maintained::CHECK,
    &license::CHECK,
    &no_deprecated_base_images::CHECK,
];
