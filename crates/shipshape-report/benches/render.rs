//! Rendering cost of every format on a large generated report (10 units ×
//! 60 checks, 10 findings per failing or warning check: 3,600 findings).
//! Run with `cargo bench -p shipshape-report`.

use criterion::{Criterion, criterion_group, criterion_main};
use shipshape_model::{
    Area, CheckInfo, CheckResult, Finding, GateOutcome, Location, Outcome, Report, ReportStats,
    SCHEMA_VERSION, Severity, ToolInfo, Unit, UnitKind, UnitReport, score_unit,
};
use shipshape_report::{Format, render};
use std::hint::black_box;

const OUTCOMES: [Outcome; 6] = [
    Outcome::Pass,
    Outcome::Fail,
    Outcome::Warn,
    Outcome::NotApplicable,
    Outcome::Waived,
    Outcome::Error,
];

fn catalog() -> Vec<CheckInfo> {
    (0..60)
        .map(|i| CheckInfo {
            id: format!("{}/check-{i}", Area::ALL[i % 9]),
            title: format!("Generated check number {i} holds"),
            area: Area::ALL[i % 9],
            severity: Severity::ALL[i % 5],
            applies_to: "any".to_string(),
            rationale: "Because production needs it.".repeat(3),
            evaluation: "Passes when the evidence is there.".to_string(),
            remediation: "Add the missing piece and commit it.".to_string(),
            references: vec!["https://example.com/docs".to_string()],
        })
        .collect()
}

fn report(catalog: &[CheckInfo]) -> Report {
    let units: Vec<UnitReport> = (0..10)
        .map(|u| {
            let checks: Vec<CheckResult> = catalog
                .iter()
                .enumerate()
                .map(|(i, info)| {
                    let outcome = OUTCOMES[(i + u) % 6];
                    let findings = if matches!(outcome, Outcome::Fail | Outcome::Warn) {
                        (0..10)
                            .map(|j| {
                                let mut f = Finding::at(
                                    Location::line(
                                        format!("services/svc-{u}/src/file_{j}.rs"),
                                        j + 1,
                                    ),
                                    format!("`thing-{j}` is not configured <as expected> | here"),
                                );
                                f.fingerprint = f.compute_fingerprint(&info.id);
                                f
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    CheckResult {
                        scope: Default::default(),
                        id: info.id.clone(),
                        title: info.title.clone(),
                        area: info.area,
                        severity: info.severity,
                        outcome,
                        summary: "One line saying why this verdict.".to_string(),
                        findings,
                        remediation: info.remediation.clone(),
                        waiver: None,
                        baselined: false,
                    }
                })
                .collect();
            let (scores, level) = score_unit(&checks);
            UnitReport {
                unit: Unit {
                    name: format!("svc-{u}"),
                    path: format!("services/svc-{u}"),
                    kind: UnitKind::Service,
                    kind_source: "config".to_string(),
                    tier: Some(2),
                    owner: None,
                },
                scores,
                level,
                required_level: None,
                checks,
            }
        })
        .collect();
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
        rollup: shipshape_model::Rollup::of(&units),
        units,
        diagnostics: vec![],
        gate: GateOutcome {
            passed: false,
            reasons: vec!["score below 70".to_string()],
            fail_under: Some(70.0),
            fail_on: None,
            min_level: None,
            baseline: false,
        },
        stats: ReportStats::default(),
        changes: None,
    }
}

fn bench(c: &mut Criterion) {
    let catalog = catalog();
    let report = report(&catalog);
    let mut group = c.benchmark_group("render_600_checks_3600_findings");
    for format in Format::ALL {
        group.bench_function(format.as_str(), |b| {
            b.iter(|| render(black_box(format), black_box(&report), &catalog).map(|s| s.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
