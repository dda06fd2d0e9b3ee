//! Decisions after the checks ran: severity overrides, fingerprints, waivers,
//! baselines and the gate. Pure functions over results and policy.

use crate::config::{Policy, WaiverConfig};
use shipshape_checks::{CheckDef, Ctx};
use shipshape_model::{
    CheckResult, Diagnostic, DiagnosticLevel, Level, Outcome, Report, Severity, Unit, WaiverNote,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A check to run: a built-in or a custom rule.
pub(crate) enum AnyCheck<'a> {
    Builtin(&'static CheckDef),
    Custom(&'a crate::rules::CustomCheck),
}

impl AnyCheck<'_> {
    pub(crate) fn id(&self) -> &str {
        match self {
            AnyCheck::Builtin(c) => c.meta.id,
            AnyCheck::Custom(c) => &c.info.id,
        }
    }
}

/// Verdicts of repository-scope checks, judged once per scan and shared by every unit.
pub(crate) type SharedVerdicts = std::sync::Mutex<HashMap<&'static str, shipshape_checks::Verdict>>;

/// Run one check, applying kind applicability, severity overrides and fingerprints. A
/// repository-scope check ([`shipshape_model::Scope::Repository`]) runs once per scan:
/// later units take the verdict from `shared`.
pub(crate) fn run_check(
    check: &AnyCheck,
    ctx: &Ctx,
    policy: &Policy,
    shared: &SharedVerdicts,
) -> CheckResult {
    let scope = match check {
        AnyCheck::Builtin(c) => c.meta.scope,
        AnyCheck::Custom(_) => shipshape_model::Scope::Unit,
    };
    let m = match check {
        AnyCheck::Builtin(c) => Meta {
            id: c.meta.id,
            title: c.meta.title,
            area: c.meta.area,
            severity: c.meta.severity,
            applies_to: c.meta.applies_to,
            remediation: c.meta.remediation,
            applies: c.meta.applies_to_kind(ctx.unit.kind),
        },
        AnyCheck::Custom(c) => Meta {
            id: &c.info.id,
            title: &c.info.title,
            area: c.info.area,
            severity: c.info.severity,
            applies_to: &c.info.applies_to,
            remediation: &c.info.remediation,
            applies: c.kinds.is_empty() || c.kinds.contains(&ctx.unit.kind),
        },
    };
    let evaluate = || {
        // A panicking check must not take the scan down: it becomes an `error` verdict.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match check {
            AnyCheck::Builtin(c) => (c.run)(ctx),
            AnyCheck::Custom(c) => c.run(ctx),
        })) {
            Ok(v) => v,
            Err(_) => shipshape_checks::Verdict::error(
                "internal error while evaluating this check (please report it)",
            ),
        }
    };
    let verdict = if m.applies {
        match check {
            AnyCheck::Builtin(c) if scope == shipshape_model::Scope::Repository => {
                let cached = shared
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(c.meta.id)
                    .cloned();
                cached.unwrap_or_else(|| {
                    let v = evaluate();
                    shared
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(c.meta.id, v.clone());
                    v
                })
            }
            _ => evaluate(),
        }
    } else {
        shipshape_checks::Verdict::not_applicable(format!(
            "applies to {}; this unit is a {} ({})",
            m.applies_to, ctx.unit.kind, ctx.unit.kind_source
        ))
    };
    let mut findings = verdict.findings;
    // Only failures and warnings carry fingerprints: they are what baselines compare.
    let fp_scope = format!("{}|{}", ctx.unit.name, m.id);
    let mut seen: HashMap<String, u32> = HashMap::new();
    for f in &mut findings {
        let base = f.compute_fingerprint(&fp_scope);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        f.fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    CheckResult {
        scope,
        id: m.id.to_string(),
        title: m.title.to_string(),
        area: m.area,
        severity: policy.severity.get(m.id).copied().unwrap_or(m.severity),
        outcome: verdict.outcome,
        summary: verdict.summary,
        findings,
        remediation: m.remediation.to_string(),
        waiver: None,
        baselined: false,
    }
}

struct Meta<'a> {
    id: &'a str,
    title: &'a str,
    area: shipshape_model::Area,
    severity: Severity,
    applies_to: &'a str,
    remediation: &'a str,
    applies: bool,
}

fn today(now: i64) -> Option<jiff::civil::Date> {
    jiff::Timestamp::from_second(now)
        .ok()
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

/// The waiver is for every unit or names this one.
fn for_unit(w: &WaiverConfig, unit: &Unit) -> bool {
    w.unit.as_deref().is_none_or(|u| u == unit.name)
}

/// The waiver's expiry date is past (`today` unknown: never expired).
fn expired(w: &WaiverConfig, today: Option<jiff::civil::Date>) -> bool {
    matches!((w.expires_date, today), (Some(e), Some(t)) if t > e)
}

/// The path-scoped waivers in force for `unit`: `(check id, matcher)`. Checks ask them
/// through [`shipshape_checks::Ctx::waived`]; [`apply_waivers`] removes the findings.
pub(crate) fn waived_paths(
    waivers: &[WaiverConfig],
    unit: &Unit,
    now: i64,
) -> Vec<(String, globset::GlobMatcher)> {
    let today = today(now);
    waivers
        .iter()
        .filter(|w| for_unit(w, unit) && !expired(w, today))
        .filter_map(|w| {
            let glob = globset::Glob::new(w.path.as_deref()?).ok()?;
            Some((w.check.clone(), glob.compile_matcher()))
        })
        .collect()
}

/// Apply waivers to one unit's results. Expired waivers do not apply and are
/// reported; a path-scoped waiver removes only the findings under its glob and
/// waives the result when nothing is left.
pub(crate) fn apply_waivers(
    mut results: Vec<CheckResult>,
    unit: &Unit,
    waivers: &[WaiverConfig],
    now: i64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CheckResult> {
    let today = today(now);
    for w in waivers {
        if !for_unit(w, unit) {
            continue;
        }
        let lapsed = expired(w, today);
        let Some(r) = results.iter_mut().find(|r| r.id == w.check) else {
            continue;
        };
        if !matches!(r.outcome, Outcome::Fail | Outcome::Warn) {
            continue;
        }
        if lapsed {
            let msg = format!(
                "waiver for `{}` (line {}) expired on {}: it no longer applies — renew it with a new date or fix the finding",
                w.check,
                w.line,
                w.expires_date.map(|d| d.to_string()).unwrap_or_default()
            );
            if !diagnostics.iter().any(|d| d.message == msg) {
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    code: "waiver-expired".into(),
                    message: msg,
                    path: Some("shipshape.toml".into()),
                });
            }
            continue;
        }
        let note = WaiverNote {
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            expires: w.expires_date.map(|d| d.to_string()),
            original: r.outcome,
        };
        match &w.path {
            None => {
                r.outcome = Outcome::Waived;
                r.waiver = Some(note);
            }
            Some(glob) => {
                let Ok(g) = globset::Glob::new(glob) else {
                    continue;
                };
                let m = g.compile_matcher();
                let before = r.findings.len();
                r.findings
                    .retain(|f| !f.location.as_ref().is_some_and(|l| m.is_match(&l.path)));
                if r.findings.len() < before && r.findings.is_empty() {
                    r.outcome = Outcome::Waived;
                    r.waiver = Some(note);
                } else if r.findings.len() < before {
                    r.summary = format!(
                        "{} ({} finding(s) waived under `{glob}`)",
                        r.summary,
                        before - r.findings.len()
                    );
                }
            }
        }
    }
    results
}

/// Waivers that matched nothing in any unit are worth a note (stale policy).
pub(crate) fn unused_waivers(
    waivers: &[WaiverConfig],
    units: &[shipshape_model::UnitReport],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for w in waivers {
        let used = units.iter().flat_map(|u| &u.checks).any(|c| {
            c.id == w.check
                && (c.waiver.is_some() || matches!(c.outcome, Outcome::Fail | Outcome::Warn))
        });
        if !used {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Note,
                code: "waiver-unused".into(),
                message: format!("waiver for `{}` (line {}) matched nothing: the check passes now, so the waiver can go", w.check, w.line),
                path: Some("shipshape.toml".into()),
            });
        }
    }
}

/// Read a previous JSON report for `--baseline`.
pub fn load_baseline(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}: not a shipshape JSON report ({e}); create one with `shipshape scan --format json --output {}`",
            path.display(),
            e.line(),
            path.display()
        )
    })
}

/// The fingerprint of a result that failed without findings.
fn bare_fingerprint(unit: &str, id: &str) -> String {
    shipshape_model::Finding::new("").compute_fingerprint(&format!("{unit}|{id}|bare"))
}

/// Every fingerprint a report's failures and warnings carry.
pub fn baseline_fingerprints(report: &Report) -> HashSet<String> {
    let mut set = HashSet::new();
    for u in &report.units {
        for c in u
            .checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn))
        {
            if c.findings.is_empty() {
                set.insert(bare_fingerprint(&u.unit.name, &c.id));
            }
            set.extend(c.findings.iter().map(|f| f.fingerprint.clone()));
        }
    }
    set
}

/// Decide the gate and mark baselined results.
pub fn apply_gate(
    report: &mut Report,
    fail_under: Option<f64>,
    min_level: Option<Level>,
    fail_on: Option<Severity>,
    baseline: Option<&Report>,
) {
    let known = baseline.map(baseline_fingerprints);
    let mut reasons = Vec::new();
    for u in &mut report.units {
        let name = u.unit.name.clone();
        if let Some(known) = &known {
            for c in u
                .checks
                .iter_mut()
                .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn))
            {
                c.baselined = if c.findings.is_empty() {
                    known.contains(&bare_fingerprint(&name, &c.id))
                } else {
                    c.findings.iter().all(|f| known.contains(&f.fingerprint))
                };
            }
        }
        if let (Some(min), Some(score)) = (fail_under, u.scores.overall)
            && score < min
        {
            reasons.push(format!(
                "{name}: score {score:.1} is below --fail-under {min}"
            ));
        }
        // With a baseline, only new failures can break the gate: tier defaults are not applied.
        let required = if known.is_some() {
            min_level
        } else {
            min_level.or(u.required_level)
        };
        let required =
            if known.is_none() && required.is_none() && fail_on.is_none() && fail_under.is_none() {
                Some(Level::Bronze)
            } else {
                required
            };
        if let Some(req) = required
            && u.level.is_none_or(|l| l < req)
        {
            let have = u.level.map_or("no level".to_string(), |l| l.to_string());
            let blockers: Vec<&str> = u
                .checks
                .iter()
                .filter(|c| c.severity.at_least(req.requires()) && !c.outcome.satisfies_level())
                .map(|c| c.id.as_str())
                .take(5)
                .collect();
            reasons.push(format!(
                "{name}: reached {have}, {req} required (blocked by {})",
                blockers.join(", ")
            ));
        }
        let threshold = fail_on.or(if known.is_some() {
            Some(Severity::Info)
        } else {
            None
        });
        if let Some(sev) = threshold {
            let failing: Vec<&str> = u
                .checks
                .iter()
                // In baseline mode a new warning is a regression too.
                .filter(|c| {
                    (c.outcome == Outcome::Fail || (known.is_some() && c.outcome == Outcome::Warn))
                        && c.severity.at_least(sev)
                        && !c.baselined
                })
                .map(|c| c.id.as_str())
                .collect();
            if !failing.is_empty() {
                let what = if known.is_some() {
                    "new failure(s)"
                } else {
                    "failure(s)"
                };
                reasons.push(format!(
                    "{name}: {} {what} at {sev} or above: {}",
                    failing.len(),
                    failing.join(", ")
                ));
            }
        }
    }
    report.gate.passed = reasons.is_empty();
    report.gate.reasons = reasons;
    report.gate.fail_under = fail_under;
    report.gate.fail_on = fail_on;
    report.gate.min_level = min_level;
    report.gate.baseline = known.is_some();
}
