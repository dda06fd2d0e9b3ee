//! The registry: every check, grouped by area, in report order.
//! Adding a check: create its file under its area, `pub mod` it in the area's
//! `mod.rs` and list it in that area's `CHECKS`.

use crate::CheckDef;
use std::sync::OnceLock;

pub mod delivery;
pub mod documentation;
pub mod incident_response;
pub mod maintenance;
pub mod observability;
pub mod ownership;
pub mod rollback;
pub mod scalability;
pub mod security;

/// Every built-in check, in report order (by area, then as each area lists them).
pub fn registry() -> &'static [&'static CheckDef] {
    static ALL: OnceLock<Vec<&'static CheckDef>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            observability::CHECKS,
            delivery::CHECKS,
            rollback::CHECKS,
            security::CHECKS,
            ownership::CHECKS,
            incident_response::CHECKS,
            maintenance::CHECKS,
            documentation::CHECKS,
            scalability::CHECKS,
        ]
        .concat()
    })
}
