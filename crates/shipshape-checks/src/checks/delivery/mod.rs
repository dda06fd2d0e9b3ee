//! Delivery: CI/CD automation.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod automated_deploy;
pub mod build_reproducible;
pub(crate) mod ci_commands;
pub mod ci_on_pull_request;
pub mod ci_present;
pub mod ci_runs_tests;
pub mod container_build;
pub(crate) mod gha;
pub mod gha_actions_pinned;
pub mod gha_dangerous_triggers;
pub mod gha_token_permissions;
pub mod lint_or_sast_in_ci;

pub static CHECKS: &[&CheckDef] = &[
    &ci_present::CHECK,
    &ci_runs_tests::CHECK,
    &ci_on_pull_request::CHECK,
    &automated_deploy::CHECK,
    &lint_or_sast_in_ci::CHECK,
    &gha_actions_pinned::CHECK,
    &gha_token_permissions::CHECK,
    &gha_dangerous_triggers::CHECK,
    &build_reproducible::CHECK,
    &container_build::CHECK,
];
