//! The probe check registry. One check = one file in this folder holding its metadata
//! and its pure `evaluate(&Observations)`; `REGISTRY` lists them all in report order.
//! Checks never touch the network, the clock or the environment.

use crate::observe::{Exchange, Observations};
use crate::redact::evidence;
use shipshape_model::{Area, CheckInfo, Finding, Location, Outcome, Severity};

mod api_headers;
mod banner;
mod cert_chain;
mod cert_expiry;
mod clock;
mod content_type;
mod cookies;
mod cors;
mod cross_origin_isolation;
mod csp;
mod directory_listing;
mod error_format;
mod health_coherent;
mod health_format;
mod health_latency;
mod health_leak;
mod hostile_requests;
mod hsts;
mod https_redirect;
mod latency_inflation;
mod latency_under_load;
mod liveness_endpoint;
mod load_thresholds;
mod malformed_bodies;
mod management_exposure;
mod methods;
mod metrics_cardinality;
mod metrics_endpoint;
mod metrics_naming;
mod metrics_parse;
mod metrics_red;
mod metrics_truth;
mod no_stack_traces;
mod overload_behaviour;
mod oversized_body;
mod pages;
mod permissions_policy;
mod rate_limit_headers;
mod reachable;
mod readiness_endpoint;
mod referrer_policy;
mod slow_client_exhaustion;
mod slow_clients;
mod survived;
mod tls_ciphers;
mod tls_protocols;
mod trace_visible;
mod traceparent_robust;
mod unknown_path;

/// A check's verdict before it is turned into a `CheckResult`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    pub outcome: Outcome,
    pub summary: String,
    pub findings: Vec<Finding>,
}

impl CheckOutcome {
    fn new(outcome: Outcome, summary: impl Into<String>) -> Self {
        CheckOutcome {
            outcome,
            summary: summary.into(),
            findings: Vec::new(),
        }
    }
    pub fn pass(summary: impl Into<String>) -> Self {
        Self::new(Outcome::Pass, summary)
    }
    pub fn warn(summary: impl Into<String>) -> Self {
        Self::new(Outcome::Warn, summary)
    }
    pub fn fail(summary: impl Into<String>) -> Self {
        Self::new(Outcome::Fail, summary)
    }
    pub fn na(summary: impl Into<String>) -> Self {
        Self::new(Outcome::NotApplicable, summary)
    }
    pub fn error(summary: impl Into<String>) -> Self {
        Self::new(Outcome::Error, summary)
    }
    pub fn with(mut self, f: Finding) -> Self {
        self.findings.push(f);
        self
    }
    pub fn with_all(mut self, fs: impl IntoIterator<Item = Finding>) -> Self {
        self.findings.extend(fs);
        self
    }
}

/// One probe check: its public description and its pure evaluation.
pub struct ProbeCheck {
    /// `probe/<name>`; public API, never reused or renamed.
    pub id: &'static str,
    pub title: &'static str,
    pub area: Area,
    /// ★ checks of the spec are `Critical`: failing one means no level (not ready).
    pub severity: Severity,
    pub applies_to: &'static str,
    pub rationale: &'static str,
    pub evaluation: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// The phases of the gathering this check needs (see `gather`); a check is not
    /// evaluated when the target was unavailable, or the probe's budget ran out, during one.
    pub needs: &'static [Phase],
    pub evaluate: fn(&Observations) -> CheckOutcome,
}

impl ProbeCheck {
    pub fn info(&self) -> CheckInfo {
        CheckInfo {
            id: self.id.to_string(),
            title: self.title.to_string(),
            area: self.area,
            severity: self.severity,
            applies_to: self.applies_to.to_string(),
            rationale: self.rationale.to_string(),
            evaluation: self.evaluation.to_string(),
            remediation: self.remediation.to_string(),
            references: self.references.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Gathering phases a check may need; a phase runs only when a selected check needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// The first request to the base URL; always sent.
    Root,
    Tls,
    Basics,
    /// Discovery of the liveness and readiness endpoints.
    Health,
    /// Twenty calls of the liveness endpoint (for health-latency).
    HealthSeries,
    Management,
    Metrics,
    Tracing,
    Cors,
    Malformed,
    Hostile,
    Oversized,
    SlowClients,
    /// Ordinary requests while several slow clients hold the server, at the end of
    /// the slow-client window.
    Exhaustion,
    Load,
    /// The final liveness request and scrape (for `probe/survived`).
    Survival,
}

impl Phase {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Root => "the first request",
            Phase::Tls => "the TLS inspection",
            Phase::Basics => "the basic requests",
            Phase::Health => "the health requests",
            Phase::HealthSeries => "the repeated liveness calls",
            Phase::Management => "the management-path requests",
            Phase::Metrics => "the metrics scrapes",
            Phase::Tracing => "the tracing requests",
            Phase::Cors => "the CORS requests",
            Phase::Malformed => "the malformed bodies",
            Phase::Hostile => "the hostile requests",
            Phase::Oversized => "the oversized bodies",
            Phase::SlowClients => "the slow-client connections",
            Phase::Exhaustion => "the requests under slow clients",
            Phase::Load => "the load run",
            Phase::Survival => "the final liveness request",
        }
    }
}

/// Every check, in report order.
pub const REGISTRY: &[&ProbeCheck] = &[
    &reachable::CHECK,
    &content_type::CHECK,
    &unknown_path::CHECK,
    &methods::CHECK,
    &banner::CHECK,
    &clock::CHECK,
    &liveness_endpoint::CHECK,
    &readiness_endpoint::CHECK,
    &health_coherent::CHECK,
    &health_format::CHECK,
    &health_latency::CHECK,
    &health_leak::CHECK,
    &management_exposure::CHECK,
    &metrics_endpoint::CHECK,
    &metrics_parse::CHECK,
    &metrics_naming::CHECK,
    &metrics_red::CHECK,
    &metrics_truth::CHECK,
    &metrics_cardinality::CHECK,
    &trace_visible::CHECK,
    &traceparent_robust::CHECK,
    &tls_protocols::CHECK,
    &tls_ciphers::CHECK,
    &cert_expiry::CHECK,
    &cert_chain::CHECK,
    &hsts::CHECK,
    &api_headers::CHECK,
    &csp::CHECK,
    &referrer_policy::CHECK,
    &permissions_policy::CHECK,
    &cross_origin_isolation::CHECK,
    &directory_listing::CHECK,
    &https_redirect::CHECK,
    &cors::CHECK,
    &cookies::CHECK,
    &malformed_bodies::CHECK,
    &hostile_requests::CHECK,
    &no_stack_traces::CHECK,
    &error_format::CHECK,
    &oversized_body::CHECK,
    &survived::CHECK,
    &slow_clients::CHECK,
    &slow_client_exhaustion::CHECK,
    &latency_under_load::CHECK,
    &load_thresholds::CHECK,
    &latency_inflation::CHECK,
    &overload_behaviour::CHECK,
    &rate_limit_headers::CHECK,
];

/// Applies-to text shared by most checks.
pub(crate) const HTTP_SERVICE: &str = "HTTP services (live probe)";

/// A finding located at an exchange's request, with its evidence.
pub(crate) fn at(ex: &Exchange, message: impl Into<String>, headers: &[&str]) -> Finding {
    Finding::at(Location::file(ex.request.clone()), message).with_snippet(evidence(ex, headers))
}

/// The management paths `probe/management-exposure` needs requested.
pub fn management_paths() -> &'static [&'static str] {
    management_exposure::PATHS
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_prefixed_and_documented() {
        let mut seen = HashSet::new();
        for c in REGISTRY {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(c.id.starts_with("probe/"), "{}", c.id);
            for (what, text) in [
                ("title", c.title),
                ("rationale", c.rationale),
                ("evaluation", c.evaluation),
                ("remediation", c.remediation),
            ] {
                assert!(!text.trim().is_empty(), "{} lacks {what}", c.id);
            }
            assert!(!c.needs.is_empty(), "{} names no phase", c.id);
        }
        assert_eq!(REGISTRY.len(), 48);
    }
}
