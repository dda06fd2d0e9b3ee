//! Incident response: runbooks, escalation, postmortems.
//!
//! `CHECKS` lists this area's checks in report order: add new ones there.

use crate::CheckDef;

pub mod escalation_documented;
pub mod postmortem_template;
pub mod runbook;
pub mod runbook_links_resolve;

pub static CHECKS: &[&CheckDef] = &[
    &runbook::CHECK,
    &escalation_documented::CHECK,
    &runbook_links_resolve::CHECK,
    &postmortem_template::CHECK,
];
