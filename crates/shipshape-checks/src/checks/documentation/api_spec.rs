//! `documentation/api-spec`: a service with an HTTP/RPC API describes it in a machine-readable spec.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/api-spec",
        title: "The API is described by a spec",
        area: Area::Documentation,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        applies_to: "services with an HTTP or RPC API (a server framework dependency)",
        rationale: "A machine-readable API description is the contract clients build against: it drives generated clients, contract tests, gateways and reviews of breaking changes.",
        evaluation: "`n/a` unless the unit declares a server framework dependency (axum, actix-web, express, fastapi, spring-boot-starter-web, gin, grpc...). Passes when an OpenAPI/Swagger/AsyncAPI document (openapi*, swagger*, asyncapi* as YAML/JSON), a .proto file or a GraphQL schema exists in the unit or at the repository root outside tests, or when a dependency generates the spec from code (FastAPI, utoipa, springdoc, Swashbuckle, @nestjs/swagger, swag, drf-spectacular...). Fails otherwise.",
        remediation: "Commit the API description next to the code (e.g. api/openapi.yaml or proto/*.proto) and check it in CI, or generate it from code with your framework's OpenAPI integration and publish it.",
        references: &[
            "https://spec.openapis.org/oas/latest.html",
            "https://www.asyncapi.com/docs",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let Some(server) = libraries::find(ctx.deps().filter(|d| !d.dev), Category::HttpServer) else {
        return Verdict::not_applicable(
            "no HTTP/RPC server framework among the unit's dependencies",
        );
    };
    if let Some(f) = ctx
        .files_with_shared()
        .find(|f| f.kind == FileKind::ApiSpec && !f.in_test)
    {
        return Verdict::pass_with(
            format!("API spec {}", f.path),
            vec![Finding::at(Location::file(&f.path), "API description")],
        );
    }
    if let Some(d) = libraries::find(ctx.deps().filter(|d| !d.dev), Category::ApiSpecFromCode) {
        return Verdict::pass_with(
            format!("`{}` generates the API spec from code", d.name),
            vec![Finding::at(
                Location::line(&d.manifest, d.line),
                format!("`{}`", d.name),
            )],
        );
    }
    Verdict::fail(
        format!("`{}` serves an API but no API spec was found", server.name),
        vec![Finding::new(
            "looked for: openapi*/swagger*/asyncapi* (.yaml/.yml/.json), *.proto, *.graphql/*.gql schemas, and spec-generating libraries",
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const EXPRESS: (&str, &str) = (
        "package.json",
        "{\"dependencies\":{\"express\":\"4.21.2\"}}",
    );

    #[test]
    fn spec_files_generators_and_absence() {
        assert_eq!(
            run_on_files(&CHECK, &[EXPRESS, ("api/openapi.yaml", "openapi: 3.1.0\n")]).outcome,
            Outcome::Pass
        );
        let py = ("requirements.txt", "fastapi==0.115\nuvicorn\n");
        let v = run_on_files(&CHECK, &[py]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(1));
        let v = run_on_files(
            &CHECK,
            &[EXPRESS, ("test/openapi.yaml", "openapi: 3.1.0\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let svc = ("shipshape.toml", "[service]\nkind = \"service\"\n");
        assert_eq!(run_on_files(&CHECK, &[svc]).outcome, Outcome::NotApplicable);
    }
}
