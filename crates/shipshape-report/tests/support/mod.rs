//! Deterministic example reports and a catalog shared by the reporter tests:
//! a two-unit scan report that covers every outcome, every severity, findings
//! with and without locations, a waiver, diagnostics and a failed gate; a
//! small probe report; and helpers to find `../shared` when it is present.
#![allow(dead_code)] // each test binary uses a different part of this module

use shipshape_model::{
    Area, CheckInfo, CheckResult, Diagnostic, DiagnosticLevel, Finding, GateOutcome, Level,
    Location, Outcome, Report, ReportStats, SCHEMA_VERSION, Severity, ToolInfo, Unit, UnitKind,
    UnitReport, WaiverNote, score_unit,
};
use std::path::PathBuf;

/// Catalog entries for every check the examples use.
pub fn catalog() -> Vec<CheckInfo> {
    let info = |id: &str, title: &str, area: Area, severity: Severity| CheckInfo {
        id: id.to_string(),
        title: title.to_string(),
        area,
        severity,
        applies_to: "any unit".to_string(),
        rationale: format!("Why `{id}` matters: production incidents follow when it is missing."),
        evaluation: "Passes when the evidence is found; fails otherwise.".to_string(),
        remediation: format!("Fix `{id}` by following the guide."),
        references: vec![format!("https://shipshape.dev/checks/{id}")],
    };
    vec![
        info(
            "delivery/ci-present",
            "CI is defined",
            Area::Delivery,
            Severity::Critical,
        ),
        info(
            "delivery/ci-runs-tests",
            "CI runs the tests",
            Area::Delivery,
            Severity::Critical,
        ),
        info(
            "delivery/gha-actions-pinned",
            "GitHub Actions are pinned to commit SHAs",
            Area::Delivery,
            Severity::Medium,
        ),
        info(
            "security/no-committed-secrets",
            "No secrets are committed",
            Area::Security,
            Severity::Critical,
        ),
        info(
            "security/container-non-root",
            "Containers run as non-root",
            Area::Security,
            Severity::High,
        ),
        info(
            "security/policy-present",
            "A security policy exists",
            Area::Security,
            Severity::Medium,
        ),
        info(
            "security/k8s-read-only-root",
            "Root filesystems are read-only",
            Area::Security,
            Severity::Low,
        ),
        info(
            "observability/health-endpoint",
            "A health endpoint is served",
            Area::Observability,
            Severity::High,
        ),
        info(
            "observability/metrics-instrumented",
            "Metrics are instrumented",
            Area::Observability,
            Severity::High,
        ),
        info(
            "rollback/feature-flags",
            "Feature flags are available",
            Area::Rollback,
            Severity::Info,
        ),
        info(
            "ownership/codeowners",
            "Code owners are declared",
            Area::Ownership,
            Severity::High,
        ),
        info(
            "documentation/readme-present",
            "A README explains the project",
            Area::Documentation,
            Severity::Low,
        ),
        info(
            "probe/health-status",
            "The health endpoint answers 200",
            Area::Observability,
            Severity::Critical,
        ),
        info(
            "probe/tls-valid",
            "TLS certificate is valid",
            Area::Security,
            Severity::High,
        ),
        info(
            "probe/security-headers",
            "Security headers are set",
            Area::Security,
            Severity::Medium,
        ),
    ]
}

fn result(
    catalog: &[CheckInfo],
    id: &str,
    outcome: Outcome,
    summary: &str,
    findings: Vec<Finding>,
) -> CheckResult {
    let info = catalog
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("example uses unknown check {id}"));
    let findings = findings
        .into_iter()
        .map(|mut f| {
            f.fingerprint = f.compute_fingerprint(id);
            f
        })
        .collect();
    CheckResult {
        scope: Default::default(),
        id: id.to_string(),
        title: info.title.clone(),
        area: info.area,
        severity: info.severity,
        outcome,
        summary: summary.to_string(),
        findings,
        remediation: info.remediation.clone(),
        waiver: None,
        baselined: false,
    }
}

fn unit_report(unit: Unit, required_level: Option<Level>, checks: Vec<CheckResult>) -> UnitReport {
    let (scores, level) = score_unit(&checks);
    UnitReport {
        unit,
        scores,
        level,
        required_level,
        checks,
    }
}

/// A monorepo scan: a tier-1 service that fails badly and a library that
/// mostly passes. Covers every outcome and severity.
pub fn scan_report() -> Report {
    let cat = catalog();
    let unpinned: Vec<Finding> = (0..7)
        .map(|i| {
            Finding::at(
                Location::line(".github/workflows/ci.yml", 10 + i * 4),
                format!("`actions/tool-{i}@v4` is not pinned to a commit SHA"),
            )
            .with_key(format!("actions/tool-{i}"))
        })
        .collect();
    let mut waived = result(
        &cat,
        "security/container-non-root",
        Outcome::Waived,
        "The final stage runs as root.",
        vec![Finding::at(
            Location::line("services/api/Dockerfile", 14),
            "The final stage has no `USER` instruction",
        )],
    );
    waived.waiver = Some(WaiverNote {
        reason: "Base image drops privileges at runtime; tracked in OPS-12".to_string(),
        owner: Some("@platform-team".to_string()),
        expires: Some("2030-01-31".to_string()),
        original: Outcome::Fail,
    });
    let mut baselined = result(
        &cat,
        "security/k8s-read-only-root",
        Outcome::Fail,
        "1 workload has a writable root filesystem.",
        vec![
            Finding::at(
                Location {
                    path: "services/api/k8s/deploy.yaml".to_string(),
                    line: Some(22),
                    column: Some(9),
                },
                "container `api` lacks readOnlyRootFilesystem: true",
            )
            .with_key("api"),
        ],
    );
    baselined.baselined = true;

    let api = unit_report(
        Unit {
            name: "api".to_string(),
            path: "services/api".to_string(),
            kind: UnitKind::Service,
            kind_source: "services/api/Dockerfile exposes a port".to_string(),
            tier: Some(1),
            owner: Some("@platform-team".to_string()),
        },
        Some(Level::Gold),
        vec![
            result(
                &cat,
                "delivery/ci-present",
                Outcome::Pass,
                "GitHub Actions workflows found.",
                vec![],
            ),
            result(
                &cat,
                "delivery/ci-runs-tests",
                Outcome::Fail,
                "No CI job runs the tests.",
                vec![Finding::new(
                    "Searched .github/workflows/*.yml for a test command; none found",
                )],
            ),
            result(
                &cat,
                "delivery/gha-actions-pinned",
                Outcome::Warn,
                "7 actions are pinned to a tag, not a commit SHA.",
                unpinned,
            ),
            result(
                &cat,
                "security/no-committed-secrets",
                Outcome::Fail,
                "2 secrets are committed.",
                vec![
                    Finding::at(
                        Location::line("services/api/config/prod.env", 3),
                        "AWS access key ID",
                    )
                    .with_snippet("AWS_ACCESS_KEY_ID=AKIA************MPLE"),
                    Finding::at(
                        Location::line("services/api/src/db.rs", 41),
                        "Postgres URL with a password <script>alert('x')</script> | `odd",
                    )
                    .with_snippet("postgres://app:****@db:5432/app"),
                ],
            ),
            waived,
            result(
                &cat,
                "security/policy-present",
                Outcome::Pass,
                "SECURITY.md found.",
                vec![],
            ),
            baselined,
            result(
                &cat,
                "observability/health-endpoint",
                Outcome::Error,
                "services/api/src/routes.rs could not be parsed: invalid UTF-8 at byte 812.",
                vec![],
            ),
            result(
                &cat,
                "observability/metrics-instrumented",
                Outcome::Pass,
                "prometheus-client is a dependency.",
                vec![Finding::at(
                    Location::line("services/api/Cargo.toml", 18),
                    "prometheus-client 0.23",
                )],
            ),
            result(
                &cat,
                "rollback/feature-flags",
                Outcome::Fail,
                "No feature-flag SDK is a dependency.",
                vec![],
            ),
            result(
                &cat,
                "ownership/codeowners",
                Outcome::Fail,
                "CODEOWNERS does not cover services/api.",
                vec![],
            ),
            result(
                &cat,
                "documentation/readme-present",
                Outcome::NotApplicable,
                "Checked at the repository root.",
                vec![],
            ),
        ],
    );

    let lib = unit_report(
        Unit {
            name: "shared-lib".to_string(),
            path: "libs/shared".to_string(),
            kind: UnitKind::Library,
            kind_source: "config".to_string(),
            tier: None,
            owner: None,
        },
        None,
        vec![
            result(
                &cat,
                "delivery/ci-present",
                Outcome::Pass,
                "GitHub Actions workflows found.",
                vec![],
            ),
            result(
                &cat,
                "delivery/ci-runs-tests",
                Outcome::Pass,
                "`cargo test` runs in CI.",
                vec![],
            ),
            result(
                &cat,
                "observability/health-endpoint",
                Outcome::NotApplicable,
                "A library serves no HTTP.",
                vec![],
            ),
            result(
                &cat,
                "documentation/readme-present",
                Outcome::Warn,
                "README.md is shorter than 10 lines.",
                vec![Finding::at(
                    Location::file("libs/shared/README.md"),
                    "README.md has 3 lines",
                )],
            ),
            result(
                &cat,
                "ownership/codeowners",
                Outcome::Fail,
                "CODEOWNERS does not cover libs/shared.",
                vec![],
            ),
        ],
    );

    Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "shipshape".to_string(),
            version: "0.1.0".to_string(),
        },
        command: "scan".to_string(),
        target: ".".to_string(),
        profile: "default".to_string(),
        generated_at: "2025-06-01T12:00:00Z".to_string(),
        rollup: shipshape_model::Rollup::of(&[api.clone(), lib.clone()]),
        units: vec![api, lib],
        diagnostics: vec![
            Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "skipped-large-file".to_string(),
                message: "Skipped a file larger than 10 MiB".to_string(),
                path: Some("assets/video.mp4".to_string()),
            },
            Diagnostic {
                level: DiagnosticLevel::Note,
                code: "advisory-db-missing".to_string(),
                message: "No advisory database is configured; vulnerability checks are n/a"
                    .to_string(),
                path: None,
            },
        ],
        gate: GateOutcome {
            passed: false,
            reasons: vec![
                "api: level none is below the required gold".to_string(),
                "2 critical checks fail (fail-on critical)".to_string(),
            ],
            fail_under: Some(70.0),
            fail_on: Some(Severity::Critical),
            min_level: None,
            baseline: false,
        },
        stats: ReportStats {
            files_seen: 1234,
            bytes_read: 5_678_901,
            files_skipped: 1,
            duration_ms: 842,
        },
        changes: None,
    }
}

/// A small live-probe report of one service.
pub fn probe_report() -> Report {
    let cat = catalog();
    let unit = unit_report(
        Unit {
            name: "svc.example.com".to_string(),
            path: ".".to_string(),
            kind: UnitKind::Service,
            kind_source: "probe".to_string(),
            tier: None,
            owner: None,
        },
        None,
        vec![
            result(
                &cat,
                "probe/health-status",
                Outcome::Pass,
                "GET /healthz answered 200 in 12 ms.",
                vec![Finding::at(
                    Location::file("GET /healthz"),
                    "200 OK, application/health+json",
                )],
            ),
            result(
                &cat,
                "probe/tls-valid",
                Outcome::Warn,
                "The certificate expires in 9 days.",
                vec![Finding::at(
                    Location::file("TLS handshake"),
                    "Certificate for svc.example.com expires 2025-06-10",
                )],
            ),
            result(
                &cat,
                "probe/security-headers",
                Outcome::Fail,
                "2 security headers are missing.",
                vec![
                    Finding::at(
                        Location::file("GET /"),
                        "Strict-Transport-Security is not set",
                    ),
                    Finding::at(Location::file("GET /"), "X-Content-Type-Options is not set")
                        .with_key("x-content-type-options"),
                ],
            ),
        ],
    );
    Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "shipshape".to_string(),
            version: "0.1.0".to_string(),
        },
        command: "probe".to_string(),
        target: "https://svc.example.com/".to_string(),
        profile: "default".to_string(),
        generated_at: "2025-06-01T12:05:00+02:00".to_string(),
        units: vec![unit],
        rollup: None,
        diagnostics: vec![],
        gate: GateOutcome {
            passed: true,
            reasons: vec![],
            fail_under: None,
            fail_on: None,
            min_level: None,
            baseline: false,
        },
        stats: ReportStats {
            files_seen: 0,
            bytes_read: 0,
            files_skipped: 0,
            duration_ms: 1530,
        },
        changes: None,
    }
}

/// Every example report, with a name for messages.
pub fn all_reports() -> Vec<(&'static str, Report)> {
    vec![("scan", scan_report()), ("probe", probe_report())]
}

/// `../shared` next to the repository (the crate is at `<repo>/crates/<name>`),
/// or `None` after printing why the caller skips.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: ../shared not found (looked for {})",
            dir.display()
        );
        None
    }
}

/// Remove ANSI SGR sequences (`ESC [ ... m`), as `anstream` does for a pipe.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Fixes for [`scan_report`] the way `shipshape fix --format sarif` hands them over: an
/// edit of a file a result points at, an insertion, and a file to create.
pub fn scan_fixes() -> Vec<shipshape_report::FixChange> {
    use shipshape_report::{FileChange, FixChange, Replacement};
    let workflow = "on: push\njobs:\n  test:\n    steps:\n      - uses: actions/tool-1@v4\n";
    let at = workflow.find("v4").unwrap();
    vec![
        FixChange {
            check_id: "delivery/gha-actions-pinned".into(),
            unit: "api".into(),
            description: "pin actions/tool-1 to the SHA another workflow pins for v4".into(),
            applicability: "review".into(),
            files: vec![FileChange {
                path: ".github/workflows/ci.yml".into(),
                replacements: vec![Replacement::in_text(
                    workflow,
                    at,
                    at + 2,
                    "8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v4",
                )],
            }],
        },
        FixChange {
            check_id: "ownership/codeowners".into(),
            unit: "api".into(),
            description: "CODEOWNERS from the last year of commits".into(),
            applicability: "safe".into(),
            files: vec![FileChange {
                path: ".github/CODEOWNERS".into(),
                replacements: vec![Replacement::in_text("", 0, 0, "* @ann-dev\n")],
            }],
        },
    ]
}
