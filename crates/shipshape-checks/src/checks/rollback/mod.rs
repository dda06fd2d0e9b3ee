//! Rollback: safe release and quick revert.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod feature_flags;
pub mod immutable_image_tags;
pub mod progressive_delivery;
pub mod reversible_migrations;
pub mod revision_history;
pub mod versioned_releases;

pub static CHECKS: &[&CheckDef] = &[
    &immutable_image_tags::CHECK,
    &progressive_delivery::CHECK,
    &revision_history::CHECK,
    &reversible_migrations::CHECK,
    &versioned_releases::CHECK,
    &feature_flags::CHECK,
];
