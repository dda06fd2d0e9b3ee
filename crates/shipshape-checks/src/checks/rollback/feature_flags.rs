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
        evaluation: "Passes when a non-development dependency of the unit is a feature-flag SDK from the library table (OpenFeature, LaunchDarkly, Unleash, Flagsmith, GrowthBook, Flipper...). Fails otherwise (informational severity: it does not lower the score); `error` when a manifest cannot be parsed and nothing was found. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
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

    /// bitwarden/server: LaunchDarkly comes in through `Bitwarden.Server.Sdk.Features`,
    /// which an MSBuild SDK adds; only the lock file shows it. Was a fail.
    #[test]
    fn sdk_brought_by_a_direct_dependency_passes() {
        let lock = "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net10.0\": {\n      \"Acme.Sdk.Features\": {\n        \"type\": \"Direct\",\n        \"dependencies\": { \"LaunchDarkly.ServerSdk\": \"8.10.0\" }\n      },\n      \"LaunchDarkly.ServerSdk\": { \"type\": \"Transitive\" }\n    }\n  }\n}\n";
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n"),
                ("packages.lock.json", lock),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert!(
            v.summary.contains("brought by a direct dependency"),
            "{}",
            v.summary
        );
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("packages.lock.json", 9))
        );
    }

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
