//! `documentation/api-spec`: a service with an HTTP/RPC API describes it in a machine-readable spec.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "documentation/api-spec",
        title: "The API is described by a spec",
        area: Area::Documentation,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services with an HTTP or RPC API (a server framework dependency)",
        rationale: "A machine-readable API description is the contract clients build against: it drives generated clients, contract tests, gateways and reviews of breaking changes.",
        evaluation: "`n/a` unless the unit declares a server framework dependency (axum, actix-web, express, fastapi, spring-boot-starter-web, gin, grpc...). Passes when an OpenAPI/Swagger/AsyncAPI document (openapi*, swagger*, asyncapi* as YAML/JSON), a .proto file or a GraphQL schema exists in the unit or at the repository root outside tests, or a `.proto` anywhere in the repository when the unit's code is generated from such files (generated stubs such as `*_pb2_grpc.py`, `*.pb.go`, `*Grpc.java`, or a .NET `<Protobuf Include=…>` item), or when a dependency generates the spec from code (FastAPI, utoipa, springdoc, Swashbuckle, @nestjs/swagger, swag, drf-spectacular...), including one of a project the unit builds in (a .NET `ProjectReference`, a Cargo path dependency, a workspace package...) when the unit's code registers it (`AddSwaggerGen(`, `AddOpenApiDocument(`, `AddOpenApi(`). Fails otherwise.",
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
    // A unit built from a shared IDL elsewhere in the repository (a root `protos/` or
    // `pb/` directory): it holds code generated from `.proto` files, or its project file
    // compiles them.
    if let Some(compiled) = compiles_protos(ctx)
        && let Some(proto) = ctx
            .facts
            .files
            .iter()
            .find(|f| f.kind == FileKind::ApiSpec && f.path.ends_with(".proto") && !f.in_test)
    {
        return Verdict::pass_with(
            format!(
                "API spec {} (the unit's code is generated from it)",
                proto.path
            ),
            vec![
                Finding::at(Location::file(&proto.path), "API description"),
                Finding::at(compiled, "built from .proto definitions"),
            ],
        );
    }
    // The generator may sit in a project the unit builds in (jellyfin's Swashbuckle is in
    // `Jellyfin.Api`, which `Jellyfin.Server` references): it counts when the unit's code
    // registers it (`AddSwaggerGen(`); bitwarden's other services link Swashbuckle
    // through `SharedWeb` and generate nothing.
    let registers = ctx
        .signals(SignalKind::ApiSpecRegistration)
        .next()
        .is_some();
    let runtime = if registers {
        ctx.runtime_deps()
    } else {
        ctx.deps().collect()
    };
    if let Some(d) = libraries::find(
        runtime.iter().copied().filter(|d| !d.dev),
        Category::ApiSpecFromCode,
    ) {
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

/// Where the unit shows that its API is generated from `.proto` files: a generated stub
/// (`demo_pb2_grpc.py`, `demo_grpc.pb.go`, `DemoGrpc.java`, `demo_grpc_pb.js`), or a .NET
/// project's `<Protobuf Include=…>` item.
fn compiles_protos(ctx: &Ctx) -> Option<Location> {
    const STUBS: &[&str] = &[
        "_pb2.py",
        "_pb2_grpc.py",
        ".pb.go",
        "Grpc.java",
        "_grpc_pb.js",
        "_grpc_pb.ts",
        "_pb.js",
        "_pb.ts",
    ];
    if let Some(f) = ctx
        .files()
        .find(|f| !f.in_test && STUBS.iter().any(|s| f.path.ends_with(s)))
    {
        return Some(Location::file(&f.path));
    }
    ctx.files()
        .filter(|f| !f.in_test && f.path.ends_with(".csproj"))
        .find_map(|f| {
            let (line, _) = shipshape_facts::ci::find_line(ctx.text(&f.path)?, |l| {
                l.trim_start().starts_with("<Protobuf ")
            })?;
            Some(Location::line(&f.path, line))
        })
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

    /// GoogleCloudPlatform/microservices-demo and opentelemetry-demo: services generated
    /// from a shared `protos/demo.proto` (or `pb/demo.proto`) at the repository's top.
    /// Regression (jellyfin, bitwarden/server `src/Identity`, #13): Swashbuckle generates
    /// the spec in a project the application references (`Jellyfin.Api`), not in the
    /// application's own csproj; the spec counted only when declared directly.
    #[test]
    fn a_generator_in_a_referenced_project_counts() {
        let units = vec!["Jellyfin.Server".to_string()];
        let server = "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <ProjectReference Include=\"..\\Jellyfin.Api\\Jellyfin.Api.csproj\" />\n  </ItemGroup>\n</Project>\n";
        let api = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Swashbuckle.AspNetCore\" Version=\"6.5.0\" />\n  </ItemGroup>\n</Project>\n";
        let ext = "public static class ApiServiceCollectionExtensions {\n    public static void AddJellyfinApiSwagger(this IServiceCollection s) {\n        s.AddSwaggerGen(c => {});\n    }\n}\n";
        let files = [
            ("Jellyfin.Server/Jellyfin.Server.csproj", server),
            ("Jellyfin.Api/Jellyfin.Api.csproj", api),
            (
                "Jellyfin.Server/Extensions/ApiServiceCollectionExtensions.cs",
                ext,
            ),
        ];
        let v = crate::testing::run_in_monorepo(
            &CHECK,
            &files,
            ("Jellyfin.Server", "Jellyfin.Server"),
            &units,
        );
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "Jellyfin.Api/Jellyfin.Api.csproj"
        );
        // Linked, but registered by nobody in the unit (bitwarden's `src/Events`).
        let alone = [files[0], files[1]];
        let v = crate::testing::run_in_monorepo(
            &CHECK,
            &alone,
            ("Jellyfin.Server", "Jellyfin.Server"),
            &units,
        );
        assert_eq!(v.outcome, Outcome::Fail, "{}", v.summary);
    }

    #[test]
    fn a_shared_proto_counts_for_units_generated_from_it() {
        let units = vec!["src/email".to_string(), "src/cart".to_string()];
        let files = [
            ("src/email/requirements.txt", "grpcio==1.70\n"),
            ("src/email/demo_pb2_grpc.py", "# generated\n"),
            ("protos/demo.proto", "syntax = \"proto3\";\n"),
        ];
        let v = crate::testing::run_in_monorepo(&CHECK, &files, ("email", "src/email"), &units);
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        assert!(v.summary.contains("protos/demo.proto"));
        let cs = [
            (
                "src/cart/cart.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <Protobuf Include=\"..\\..\\pb\\*.proto\" />\n  </ItemGroup>\n</Project>\n",
            ),
            ("pb/demo.proto", "syntax = \"proto3\";\n"),
        ];
        let v = crate::testing::run_in_monorepo(&CHECK, &cs, ("cart", "src/cart"), &units);
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        assert_eq!(v.findings[1].location.as_ref().unwrap().line, Some(3));
        // Without generated code, a proto elsewhere is someone else's API.
        let other = [
            ("src/email/requirements.txt", "grpcio==1.70\n"),
            ("protos/demo.proto", "syntax = \"proto3\";\n"),
        ];
        let v = crate::testing::run_in_monorepo(&CHECK, &other, ("email", "src/email"), &units);
        assert_eq!(v.outcome, Outcome::Fail, "{}", v.summary);
    }
}
