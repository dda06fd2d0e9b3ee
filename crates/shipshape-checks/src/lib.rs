//! The readiness check catalog.
//!
//! A check is one file under `checks/<area>/` holding its [`CheckDef`]: the
//! metadata that `checks`, `explain`, SARIF rules and the docs read, and a pure
//! `run` function of the [`Ctx`] (facts + unit + pre-computed scanner results).
//! Checks never touch the disk, the network, the clock or the environment: the
//! engine passes "now" and scanner results in. [`registry`] lists every check.

mod check;
mod checks;
pub mod libraries;
pub mod profiles;
pub mod testing;
pub mod unit;

pub use check::{
    CheckDef, CheckMeta, Ctx, ScanIndex, SecretEvidence, Verdict, VulnEvidence, VulnInput,
    is_comment_line, is_shared,
};
pub use checks::registry;

/// Look up a check by id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    registry().iter().copied().find(|c| c.meta.id == id)
}

/// Every check's public description, in registry order.
pub fn catalog() -> Vec<shipshape_model::CheckInfo> {
    registry().iter().map(|c| c.meta.info()).collect()
}
