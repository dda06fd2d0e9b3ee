//! Profiles: named checklists, each a selection of the catalog's check ids.
//!
//! A profile only chooses which checks run; severities, waivers and levels
//! stay the same. Profiles are data: adding one is adding an entry to
//! [`PROFILES`] (a test keeps every id listed here in the registry).
//!
//! Sources the selections follow:
//! - `production` — shipshape's own catalog: every check.
//! - `google-prr` — the Production Readiness Review of Google's SRE book,
//!   chapter 32 "The Evolving SRE Engagement Model" (system architecture and
//!   interservice dependencies; instrumentation, metrics and monitoring;
//!   emergency response; capacity planning; change management; performance:
//!   availability, latency and efficiency), completed by chapter 27 "Reliable
//!   Product Launches at Scale" (launch checklist: rollout planning, failure
//!   modes, processes and automation, security) and chapter 26 "Data
//!   Integrity" (backups and restores).
//!   <https://sre.google/sre-book/evolving-sre-engagement-model/>,
//!   <https://sre.google/sre-book/reliable-product-launches/>.
//! - `mercari` — Mercari's Production Readiness Checklist, pre-production
//!   checklist sections Maintainability, Observability, Reliability, Security,
//!   Accessibility and Data Storage.
//!   <https://github.com/mercari/production-readiness-checklist>.
//!
//! Items of those checklists that cannot be seen in a repository (a security
//! review meeting, test coverage above 80 %, a Datadog integration) have no
//! check; each check listed is the repository evidence of an item.

/// A named checklist.
#[derive(Debug)]
pub struct Profile {
    /// The name given to `--profile` and `[scan] profile`.
    pub name: &'static str,
    pub title: &'static str,
    /// What the profile covers, in a sentence or two.
    pub description: &'static str,
    /// Where the selection comes from.
    pub sources: &'static [&'static str],
    /// The check ids it runs; `None` = every check of the catalog.
    pub checks: Option<&'static [&'static str]>,
}

impl Profile {
    /// True when the profile runs the built-in check `id`.
    pub fn includes(&self, id: &str) -> bool {
        self.checks.is_none_or(|ids| ids.contains(&id))
    }
}

/// The default profile's name.
pub const DEFAULT_PROFILE: &str = "production";

/// Every profile, the default first.
pub static PROFILES: &[Profile] = &[
    Profile {
        name: "production",
        title: "Production readiness (every check)",
        description: "shipshape's full catalog: observability, delivery, rollback, security, ownership, incident response, maintenance, documentation and scalability.",
        sources: &["shipshape readiness catalog (`shipshape checks`)"],
        checks: None,
    },
    Profile {
        name: "google-prr",
        title: "Google SRE Production Readiness Review",
        description: "What a Google SRE team verifies before taking a service on: architecture and dependencies, monitoring and alerting, emergency response and on-call, capacity planning, change management and rollouts, launch security and data integrity. Repository hygiene (licences, changelogs, toolchain pins) is left out.",
        sources: &[
            "https://sre.google/sre-book/evolving-sre-engagement-model/",
            "https://sre.google/sre-book/reliable-product-launches/",
            "https://sre.google/sre-book/data-integrity/",
        ],
        checks: Some(GOOGLE_PRR),
    },
    Profile {
        name: "mercari",
        title: "Mercari Production Readiness Checklist",
        description: "Mercari's pre-production checklist for microservices: maintainability (tests in CI, automated build, deploy and rollback, no latest tag, automatic dependency updates), observability (tracing, dashboards, actionable alerts, on-call and playbooks, JSON logs, error tracking), reliability (autoscaling, requests and limits, capacity, graceful shutdown, PDB, probes, timeouts), security (non-root, secrets), accessibility (design doc, owners, docs, SLOs) and data storage (recovery).",
        sources: &[
            "https://github.com/mercari/production-readiness-checklist/blob/master/docs/references/pre-production-checklist.md",
            "https://github.com/mercari/production-readiness-checklist/blob/master/docs/references/design-checklist.md",
        ],
        checks: Some(MERCARI),
    },
];

/// Google SRE PRR, grouped by the review's areas.
const GOOGLE_PRR: &[&str] = &[
    // System architecture and interservice dependencies.
    "documentation/architecture",
    "documentation/api-spec",
    "ownership/service-metadata",
    "scalability/timeouts-configured",
    // Instrumentation, metrics and monitoring.
    "observability/metrics-instrumented",
    "observability/structured-logging",
    "observability/tracing-instrumented",
    "observability/health-endpoint",
    "observability/alert-rules",
    "observability/alerts-have-runbooks",
    "observability/dashboards-as-code",
    "observability/slo-defined",
    // Emergency response.
    "incident-response/runbook",
    "incident-response/runbook-links-resolve",
    "incident-response/escalation-documented",
    "incident-response/postmortem-template",
    "ownership/oncall-defined",
    "ownership/codeowners",
    "ownership/owners-consistent",
    "documentation/operations",
    // Capacity planning; performance (availability, latency, efficiency).
    "scalability/resource-limits",
    "scalability/k8s-probes",
    "scalability/replicas-or-autoscaling",
    "scalability/hpa-bounds-consistent",
    "scalability/disruption-budget",
    "scalability/spread-across-nodes",
    "scalability/graceful-shutdown",
    "scalability/load-tests",
    "scalability/probe-paths-routed",
    "scalability/ports-consistent",
    // Change management (release engineering, rollout planning).
    "delivery/ci-present",
    "delivery/ci-runs-tests",
    "delivery/ci-on-pull-request",
    "delivery/automated-deploy",
    "delivery/build-reproducible",
    "rollback/immutable-image-tags",
    "rollback/progressive-delivery",
    "rollback/revision-history",
    "rollback/versioned-releases",
    "rollback/feature-flags",
    "rollback/reversible-migrations",
    // Launch security.
    "security/no-committed-secrets",
    "security/no-vulnerable-dependencies",
    "security/secrets-not-in-manifests",
    "security/container-non-root",
    "security/k8s-non-root",
    "security/k8s-no-privilege-escalation",
    "security/tls-verification-enabled",
    "security/network-policy",
    // Data integrity.
    "scalability/backups-documented",
];

/// Mercari PRC, grouped by the checklist's sections.
const MERCARI: &[&str] = &[
    // Maintainability.
    "delivery/ci-present",
    "delivery/ci-runs-tests",
    "delivery/container-build",
    "delivery/automated-deploy",
    "rollback/immutable-image-tags",
    "rollback/progressive-delivery",
    "rollback/revision-history",
    "maintenance/dependency-update-automation",
    // Observability.
    "observability/tracing-instrumented",
    "observability/metrics-instrumented",
    "observability/dashboards-as-code",
    "observability/alert-rules",
    "observability/alerts-have-runbooks",
    "observability/structured-logging",
    "observability/error-tracking",
    "ownership/oncall-defined",
    "incident-response/runbook",
    "incident-response/escalation-documented",
    // Reliability.
    "scalability/replicas-or-autoscaling",
    "scalability/hpa-bounds-consistent",
    "scalability/resource-limits",
    "scalability/load-tests",
    "scalability/graceful-shutdown",
    "scalability/disruption-budget",
    "scalability/k8s-probes",
    "scalability/probe-paths-routed",
    "observability/health-endpoint",
    "scalability/timeouts-configured",
    // Security.
    "security/container-non-root",
    "security/k8s-non-root",
    "security/secrets-not-in-manifests",
    "security/no-committed-secrets",
    "security/no-env-files",
    // Accessibility.
    "documentation/architecture",
    "documentation/readme",
    "documentation/api-spec",
    "ownership/service-metadata",
    "ownership/codeowners",
    "observability/slo-defined",
    // Data storage.
    "scalability/backups-documented",
    "rollback/reversible-migrations",
];

/// Look up a profile by name.
pub fn find_profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

/// The profile names, for error messages.
pub fn profile_names() -> Vec<&'static str> {
    PROFILES.iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_listed_id_is_a_registered_check_and_listed_once() {
        for p in PROFILES {
            let Some(ids) = p.checks else { continue };
            let mut seen = HashSet::new();
            for id in ids {
                assert!(
                    crate::find(id).is_some(),
                    "profile `{}` lists `{id}`, which is not in the registry",
                    p.name
                );
                assert!(seen.insert(id), "profile `{}` lists `{id}` twice", p.name);
            }
        }
    }

    #[test]
    fn production_runs_everything_and_the_others_a_subset() {
        let prod = find_profile(DEFAULT_PROFILE).unwrap();
        assert!(crate::registry().iter().all(|c| prod.includes(c.meta.id)));
        let prr = find_profile("google-prr").unwrap();
        assert!(prr.includes("observability/alert-rules"));
        assert!(!prr.includes("maintenance/license"));
        let mercari = find_profile("mercari").unwrap();
        assert!(mercari.includes("maintenance/dependency-update-automation"));
        assert!(!mercari.includes("delivery/gha-actions-pinned"));
        assert!(find_profile("nope").is_none());
        assert_eq!(profile_names(), ["production", "google-prr", "mercari"]);
    }
}
