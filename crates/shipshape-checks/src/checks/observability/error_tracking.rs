//! `observability/error-tracking`: the service reports exceptions to an error tracker.

use super::metrics_instrumented::dependency_verdict;
use crate::libraries::Category;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_model::{Area, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "observability/error-tracking",
        title: "Service reports errors to an error tracker",
        area: Area::Observability,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "An error tracker groups exceptions, counts how many users they hit and links them to the release that introduced them: the fastest way from \"something is wrong\" to the line of code.",
        evaluation: "Passes when a non-development dependency of the unit is an error-tracking SDK from the library table (Sentry, Rollbar, Bugsnag, Honeybadger, Airbrake, Datadog RUM...). Fails otherwise; `error` when a manifest cannot be parsed and nothing was found. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
        remediation: "Add an error-tracking SDK (e.g. `sentry` for Rust, `sentry-sdk` for Python, `@sentry/node` for Node, `sentry-go`), initialise it at start-up with the release version and environment, and route its alerts to the owning team.",
        references: &["https://docs.sentry.io/platforms/"],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    dependency_verdict(ctx, Category::ErrorTracking, "error-tracking SDK")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::{Location, Outcome};

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn sdk_passes_dev_only_fails() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "requirements.txt",
                    "django==5.1\nsentry-sdk[django]==2.14\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("requirements.txt", 2))
        );
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                (
                    "package.json",
                    "{\"devDependencies\":{\"@sentry/node\":\"8\"}}",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }
}
