//! `security/no-vulnerable-dependencies`: no locked dependency has a known advisory.

use crate::{CheckDef, CheckMeta, Ctx, Verdict, VulnInput};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-vulnerable-dependencies",
        title: "No dependency with a known vulnerability",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with lockfiles",
        rationale: "Most exploited vulnerabilities are in dependencies, with fixes published long before the breach. Knowing which pinned versions are affected is the cheapest security work there is.",
        evaluation: "Every resolved package of the unit's lockfiles (Cargo.lock, package-lock/yarn/pnpm, poetry/uv/Pipfile.lock, pinned requirements, go.mod, Gemfile.lock, composer.lock, gradle.lockfile, pom.xml, packages.lock.json) is matched offline against the local OSV database with each ecosystem's own version ordering. Fails on any match, listing advisory id, aliases, package@version at lockfile:line and the lowest fixed version. `n/a` when there is no lockfile or no database (`shipshape db import` / `db update`).",
        remediation: "Upgrade each reported package to its fixed version (or later) and re-lock; if no fix exists, remove the dependency or waive the advisory with a reason and an expiry.",
        references: &["https://osv.dev/", "https://ossf.github.io/osv-schema/"],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    match ctx.vulns {
        VulnInput::NoDatabase => Verdict::not_applicable(
            "no advisory database (run `shipshape db import FILE` or `shipshape db update`)",
        ),
        VulnInput::Matched {
            findings,
            db_age_days,
            ..
        } => {
            let lockfiles = ctx
                .files()
                .filter(|f| matches!(f.kind, shipshape_facts::FileKind::Lockfile(_)))
                .count();
            let ours: Vec<Finding> = findings
                .iter()
                .filter(|v| ctx.in_unit(&v.lockfile))
                .map(|v| {
                    let aliases = if v.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", v.aliases.join(", "))
                    };
                    let fix = v
                        .fixed
                        .as_deref()
                        .map_or("no fixed version".to_string(), |f| format!("fixed in {f}"));
                    let sev = v
                        .severity
                        .as_deref()
                        .map_or(String::new(), |s| format!("[{s}] "));
                    Finding::at(
                        Location::line(&v.lockfile, v.line),
                        format!(
                            "{sev}{}@{} — {}{aliases}: {}; {fix}",
                            v.package, v.version, v.advisory, v.summary
                        ),
                    )
                    .with_key(format!("{}:{}@{}", v.advisory, v.package, v.version))
                })
                .collect();
            let age = db_age_days.map_or(String::new(), |d| format!(", database {d} day(s) old"));
            if lockfiles == 0 {
                Verdict::not_applicable("no lockfile in the unit")
            } else if ours.is_empty() {
                Verdict::pass(format!(
                    "no known advisory affects the locked versions ({lockfiles} lockfile(s){age})"
                ))
            } else {
                Verdict::fail(
                    format!("{} vulnerable dependenc(ies){age}", ours.len()),
                    ours,
                )
            }
        }
    }
}
