//! The fix registry: one file per fix, each a documented pure function of [`FixCtx`].
//!
//! Adding a fix: write `fixes/<name>.rs` with a `pub static FIX: FixDef`, its docs in
//! the module comment (what it creates or edits, where each value comes from, its
//! applicability), unit tests, and fixtures under `fixtures/<name>/fail/` (a tree the
//! check fails on, which passes after the fix) and `fixtures/<name>/pass/` (a tree the
//! fix leaves alone); then list it in [`registry`].

use crate::{Fix, FixCtx};

pub mod alert_runbook_urls;
pub mod codeowners;
pub mod compose_healthchecks;
pub mod dependency_updates;
pub mod disruption_budget;
pub mod dockerfile_user;
pub mod gha_event_env;
pub mod gha_permissions;
pub mod gha_pin_actions;
pub mod k8s_probes;
pub mod k8s_resources;
pub mod k8s_security_context;
pub mod runbook;
pub mod security_policy;
pub mod service_metadata;
pub(crate) mod text;

/// One fix: the check it answers and the function that builds its changes.
pub struct FixDef {
    /// The check whose failing or warning verdict this fix changes.
    pub check_id: &'static str,
    /// Short name (the fixture folder).
    pub name: &'static str,
    /// One line saying what it does.
    pub title: &'static str,
    /// The fixes for one unit's verdict; empty when the facts give nothing to propose.
    pub generate: fn(&FixCtx) -> Vec<Fix>,
}

/// Every fix, in catalog order of their checks.
pub fn registry() -> &'static [&'static FixDef] {
    static ALL: &[&FixDef] = &[
        &alert_runbook_urls::FIX,
        &codeowners::FIX,
        &service_metadata::FIX,
        &security_policy::FIX,
        &dependency_updates::FIX,
        &gha_pin_actions::FIX,
        &gha_permissions::FIX,
        &gha_event_env::FIX,
        &dockerfile_user::FIX,
        &k8s_security_context::FIX,
        &k8s_security_context::FIX_ESCALATION,
        &k8s_security_context::FIX_READ_ONLY,
        &k8s_security_context::FIX_CAPABILITIES,
        &k8s_resources::FIX,
        &k8s_probes::FIX,
        &disruption_budget::FIX,
        &compose_healthchecks::FIX,
        &runbook::FIX,
    ];
    ALL
}
