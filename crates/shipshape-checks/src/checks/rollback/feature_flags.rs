//! `rollback/feature-flags`: the service can switch features off without a deploy.

use crate::checks::observability::metrics_instrumented::dependency_verdict;
use crate::libraries::Category;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/feature-flags",
        title: "Service uses a feature-flag SDK",
        area: Area::Rollback,
        severity: Severity::Info,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "A feature flag turns a risky change off in seconds, without a rollback deploy, and lets a change reach a few users before all of them. It is informational: many services roll back by redeploying instead.",
        evaluation: "Passes when a non-development dependency of the unit is a feature-flag SDK from the library table (OpenFeature, LaunchDarkly, Unleash, Flagsmith, GrowthBook, Flipper...). Fails otherwise (informational severity: it does not lower the score); `error` when a manifest cannot be parsed and nothing was found.",
        remediation: "Adopt OpenFeature with a provider (flagd, LaunchDarkly, Unleash, Flagsmith) and put risky changes behind flags that can be switched off at runtime.",
        references: &["https://openfeature.dev/docs/reference/intro"],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    dependency_verdict(ctx, Category::FeatureFlags, "feature-flag SDK")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::{Location, Outcome};

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn sdk_passes_absence_fails() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "go.mod",
                    "module x\n\nrequire github.com/open-feature/go-sdk v1.13.0\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location, Some(Location::line("go.mod", 3)));
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "go.mod",
                    "module x\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
