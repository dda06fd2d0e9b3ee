//! `runbook`: a runbook skeleton filled from the unit's facts, for
//! `incident-response/runbook`.
//!
//! **Creates** `RUNBOOK.md` in the directory of a service unit the check fails (no
//! runbook anywhere it looks). **Safe**: it only adds a file. A unit whose only runbook
//! is a stub (the check warns) is left to people, as is a unit whose directory already
//! has a `RUNBOOK.md`.
//!
//! Every section says what the facts know, and a visible `TODO:` marker where they
//! know nothing, never a bare template:
//! - **the unit**: its name, kind, directory, languages (production source files) and
//!   package ecosystems (manifests);
//! - **endpoints**: the health routes its code registers (the signals
//!   `observability/health-endpoint` reads, as `k8s-probes` uses them) and the ports its
//!   Kubernetes containers (`containerPort`) and Dockerfiles (`EXPOSE` of the final
//!   stage) declare;
//! - **dependencies**: the manifests, the datastores its runtime dependencies and compose
//!   services point to (PostgreSQL from `pgx`, Redis from a `redis:7` image…), the other
//!   compose services;
//! - **alerts**: one `## <AlertName>` section per Prometheus alert rule of the unit
//!   (rule files and PrometheusRule resources, outside tests and examples), with its
//!   file and line, severity and expression, and `Diagnosis`/`Mitigation` placeholders;
//!   the heading is the anchor the `alert-runbook-urls` fix links (GitHub's slug);
//! - **dashboards**: the unit's dashboards-as-code files;
//! - **owners**: the CODEOWNERS rule GitHub applies to the unit's directory and the
//!   config's owner;
//! - **rolling back**: `helm rollback` for a Helm chart of the unit, `kubectl rollout
//!   undo` for each Deployment, StatefulSet or DaemonSet, the latest release tag; else
//!   a placeholder.
//!
//! In a monorepo, files of units nested inside this one's directory are theirs, not
//! this unit's. Workloads, Dockerfiles, compose files and charts count when the facts
//! call them production (not dev tooling such as grafana/loki's `tools/dev/` compose files
//! or `operator/hack/` add-ons); alert rules as the alerting checks read them (outside
//! tests and examples). Long lists are cut after a few entries ("and 12 more"). No section is headed "escalation", "on-call" or "incident": the file
//! must not answer `incident-response/escalation-documented` with a placeholder.

use super::FixDef;
use super::k8s_probes::health_routes_where;
use super::security_policy::latest_release;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::alerting::{AlertRule, rules_of_groups};
use shipshape_facts::role::Role;
use shipshape_facts::{Ecosystem, FileKind, Lang};
use shipshape_model::{Outcome, UnitKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub static FIX: FixDef = FixDef {
    check_id: "incident-response/runbook",
    name: "runbook",
    title: "Create RUNBOOK.md from the unit's facts: endpoints, dependencies, alerts, dashboards, owners, rollback",
    generate,
};

/// Where the unit's runbook is created: `RUNBOOK.md` in its directory.
pub(crate) fn runbook_path(ctx: &FixCtx) -> String {
    match ctx.unit.path.trim_end_matches('/') {
        "" | "." => "RUNBOOK.md".to_string(),
        dir => format!("{dir}/RUNBOOK.md"),
    }
}

/// True when `path` belongs to the unit: under its directory and not under another
/// unit nested in it.
pub(crate) fn in_unit(ctx: &FixCtx, path: &str) -> bool {
    let own = ctx.unit.path.as_str();
    let nested = ctx
        .units
        .iter()
        .map(|u| u.path.as_str())
        .filter(|u| shipshape_facts::is_nested_unit(u, own));
    shipshape_facts::unit_owns(own, nested, path)
}

/// Neither a test fixture nor an example.
fn live(ctx: &FixCtx, path: &str) -> bool {
    !matches!(ctx.facts.role(path), Role::Test | Role::Example)
}

/// The unit's Prometheus alert rules (rule files and PrometheusRule resources), by path
/// and line.
pub(crate) fn unit_alert_rules(ctx: &FixCtx) -> Vec<AlertRule> {
    let mut out = Vec::new();
    for o in ctx.facts.k8s_objects().items.iter().filter(|o| {
        o.kind == "PrometheusRule" && !o.in_test && in_unit(ctx, &o.path) && live(ctx, &o.path)
    }) {
        rules_of_groups(&o.path, o.doc.idx("spec").idx("groups"), &mut out);
    }
    for f in ctx.facts.files.iter().filter(|f| {
        f.kind == FileKind::PrometheusRules && in_unit(ctx, &f.path) && live(ctx, &f.path)
    }) {
        if let Some(Ok(docs)) = ctx.facts.yaml(&f.path) {
            for d in docs.iter().filter(|d| d.get("kind").is_none()) {
                rules_of_groups(&f.path, d.idx("groups"), &mut out);
            }
        }
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out.dedup();
    out
}

fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::Rust => "Rust",
        Lang::Go => "Go",
        Lang::Python => "Python",
        Lang::JavaScript => "JavaScript",
        Lang::TypeScript => "TypeScript",
        Lang::Java => "Java",
        Lang::Kotlin => "Kotlin",
        Lang::Scala => "Scala",
        Lang::CSharp => "C#",
        Lang::Ruby => "Ruby",
        Lang::Php => "PHP",
        Lang::C => "C",
        Lang::Cpp => "C++",
        Lang::Swift => "Swift",
        Lang::Elixir => "Elixir",
        Lang::Shell => "shell",
    }
}

fn eco_name(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Cargo => "Cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::Python => "Python packaging",
        Ecosystem::Go => "Go modules",
        Ecosystem::Maven => "Maven",
        Ecosystem::Gradle => "Gradle",
        Ecosystem::Ruby => "Bundler",
        Ecosystem::Composer => "Composer",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Hex => "Mix",
    }
}

/// The datastore or broker a dependency or image name points to (`pgx` → PostgreSQL).
fn datastore(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let tokens: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let has = |w: &str| tokens.iter().any(|t| t.starts_with(w));
    let is = |w: &str| tokens.contains(&w);
    Some(
        if has("postgres") || has("psycopg") || is("pgx") || is("pq") || is("asyncpg") {
            "PostgreSQL"
        } else if has("mysql") || has("mariadb") {
            "MySQL"
        } else if has("redis") || has("ioredis") || has("valkey") {
            "Redis"
        } else if has("mongo") {
            "MongoDB"
        } else if has("sqlite") {
            "SQLite"
        } else if has("kafka") {
            "Kafka"
        } else if has("amqp") || has("rabbitmq") || is("lapin") {
            "RabbitMQ"
        } else if has("elasticsearch") || has("opensearch") {
            "Elasticsearch/OpenSearch"
        } else if is("nats") {
            "NATS"
        } else if has("memcache") {
            "Memcached"
        } else if has("cassandra") || is("gocql") || has("scylla") {
            "Cassandra"
        } else if has("clickhouse") {
            "ClickHouse"
        } else if has("dynamodb") {
            "DynamoDB"
        } else {
            return None;
        },
    )
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most `n` items, then how many more there are.
fn first_n(items: &[String], n: usize) -> String {
    let mut out = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        let _ = write!(out, " and {} more", items.len() - n);
    }
    out
}

/// Shipped or deployed: what a runbook speaks of (not dev tooling, tests or examples).
fn production(ctx: &FixCtx, path: &str) -> bool {
    ctx.facts.role(path).is_production()
}

/// `path:line` as a Markdown code span.
fn at(path: &str, line: u32) -> String {
    if line > 0 {
        format!("`{path}:{line}`")
    } else {
        format!("`{path}`")
    }
}

fn about(ctx: &FixCtx, out: &mut String) {
    let u = ctx.unit;
    let mut langs: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ecos: Vec<&str> = Vec::new();
    for f in ctx
        .facts
        .files
        .iter()
        .filter(|f| in_unit(ctx, &f.path) && ctx.facts.role(&f.path).is_production())
    {
        match f.kind {
            FileKind::Source(l) => *langs.entry(lang_name(l)).or_default() += 1,
            FileKind::Manifest(e) if !ecos.contains(&eco_name(e)) => ecos.push(eco_name(e)),
            _ => {}
        }
    }
    let mut langs: Vec<(&str, usize)> = langs.into_iter().collect();
    langs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let dir = if u.path == "." {
        "the repository root".to_string()
    } else {
        format!("`{}`", u.path)
    };
    let _ = write!(out, "**{}** is a {} unit at {dir}", u.name, u.kind.as_str());
    if !langs.is_empty() {
        let names: Vec<String> = langs.iter().take(3).map(|(l, _)| l.to_string()).collect();
        let _ = write!(out, ", written in {}", and_list(&names));
    }
    if !ecos.is_empty() {
        let names: Vec<String> = ecos.iter().map(|e| e.to_string()).collect();
        let _ = write!(out, ", built with {}", and_list(&names));
    }
    out.push_str(".\nTODO: say in one sentence what it does for its users.\n\n");
}

fn endpoints(ctx: &FixCtx, out: &mut String) {
    out.push_str("## Endpoints\n\n");
    let routes = health_routes_where(ctx, |p| in_unit(ctx, p));
    let mut ports: Vec<String> = Vec::new();
    for o in ctx.facts.k8s_objects().items.iter().filter(|o| {
        o.is_long_running()
            && !o.patch
            && !o.in_test
            && in_unit(ctx, &o.path)
            && production(ctx, &o.path)
    }) {
        for c in o.containers(false) {
            let name = c.idx("name").as_str().unwrap_or("?");
            for p in c.idx("ports").items() {
                if let Some(n) = p.idx("containerPort").scalar_text() {
                    let named = p
                        .idx("name")
                        .as_str()
                        .map_or(String::new(), |pn| format!(" (`{pn}`)"));
                    ports.push(format!(
                        "- Port {n}{named}: container `{name}` of {}/{} in {}\n",
                        o.kind,
                        o.name,
                        at(&o.path, c.line)
                    ));
                }
            }
        }
    }
    for d in ctx
        .facts
        .dockerfiles()
        .iter()
        .filter(|d| in_unit(ctx, &d.path) && ctx.facts.role(&d.path).is_production())
    {
        for i in d
            .final_stage()
            .into_iter()
            .flat_map(|s| &s.instructions)
            .filter(|i| i.keyword == "EXPOSE")
        {
            ports.push(format!(
                "- Port `{}`: `EXPOSE` in {}\n",
                i.args.trim(),
                at(&d.path, i.line)
            ));
        }
    }
    if routes.is_empty() {
        out.push_str("- Health: TODO: the route that tells whether the service is up (the code registers none that shipshape recognises).\n");
    }
    for r in &routes {
        let _ = writeln!(out, "- Health: `GET {r}`");
    }
    if ports.is_empty() {
        out.push_str(
            "- Port: TODO: the port it listens on (no container port or `EXPOSE` is declared).\n",
        );
    }
    for p in ports.iter().take(10) {
        out.push_str(p);
    }
    out.push('\n');
}

fn dependencies(ctx: &FixCtx, out: &mut String) {
    out.push_str("## Dependencies\n\n");
    let manifests: Vec<String> = ctx
        .facts
        .files
        .iter()
        .filter(|f| {
            matches!(f.kind, FileKind::Manifest(_))
                && in_unit(ctx, &f.path)
                && ctx.facts.role(&f.path).is_production()
        })
        .map(|f| format!("`{}`", f.path))
        .collect();
    let mut stores: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in ctx
        .facts
        .dependencies()
        .items
        .iter()
        .filter(|d| !d.dev && in_unit(ctx, &d.manifest))
    {
        if let Some(s) = datastore(&d.name) {
            let e = stores.entry(s).or_default();
            let why = format!("`{}` in {}", d.name, at(&d.manifest, d.line));
            if !e.contains(&why) {
                e.push(why);
            }
        }
    }
    let mut services: Vec<String> = Vec::new();
    for f in ctx.facts.files.iter().filter(|f| {
        f.kind == FileKind::Compose && in_unit(ctx, &f.path) && production(ctx, &f.path)
    }) {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for d in docs.iter() {
            for (name, s) in d.idx("services").entries() {
                let image = s.idx("image").as_str();
                match image.and_then(datastore) {
                    Some(store) => stores.entry(store).or_default().push(format!(
                        "compose service `{name}` (`{}`) in {}",
                        image.unwrap_or_default(),
                        at(&f.path, s.key_line.max(s.line))
                    )),
                    None => {
                        let s = format!(
                            "`{name}`{}",
                            image.map_or(String::new(), |i| format!(" (`{i}`)"))
                        );
                        if !services.contains(&s) {
                            services.push(s);
                        }
                    }
                }
            }
        }
    }
    if manifests.is_empty() && stores.is_empty() && services.is_empty() {
        out.push_str("- TODO: what the service needs to work: databases, queues, other services (the scan found no manifest or compose file).\n");
    }
    if !manifests.is_empty() {
        let _ = writeln!(out, "- Manifests: {}", manifests.join(", "));
    }
    for (store, why) in &stores {
        let _ = writeln!(out, "- {store}: {}", first_n(why, 3));
    }
    if !services.is_empty() {
        let _ = writeln!(out, "- Compose services: {}", first_n(&services, 8));
    }
    out.push_str(
        "- TODO: what happens to users when each dependency is down, and how to check it.\n\n",
    );
}

fn alerts(rules: &[AlertRule], out: &mut String) {
    out.push_str("## Alerts\n\n");
    if rules.is_empty() {
        out.push_str("TODO: no Prometheus alert rule of this unit was found; give each alert that can page a section below, headed with its name.\n\n");
        return;
    }
    out.push_str("One section per alert rule of this unit, headed with the alert's name so that its `runbook_url` can point at it.\n\n");
    let mut seen: Vec<&str> = Vec::new();
    for r in rules {
        if seen.contains(&r.name.as_str()) {
            continue;
        }
        seen.push(&r.name);
        let _ = writeln!(out, "## {}\n", r.name);
        for same in rules.iter().filter(|x| x.name == r.name) {
            let sev = same
                .severity
                .as_deref()
                .map_or("no severity label".to_string(), |s| {
                    format!("severity `{s}`")
                });
            let _ = writeln!(out, "- Rule: {}, {sev}", at(&same.path, same.line));
            if let Some(e) = &same.expr {
                let _ = writeln!(out, "- Expression:\n\n  ```\n{}  ```", indent(e));
            }
        }
        out.push_str("- Diagnosis: TODO: what to look at first (dashboard panels, logs, recent deploys).\n- Mitigation: TODO: how to stop the impact (roll back, scale out, fail over) and how to confirm it worked.\n\n");
    }
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("  {l}\n"))
        .collect()
}

fn dashboards(ctx: &FixCtx, out: &mut String) {
    out.push_str("## Dashboards\n\n");
    let mut found: Vec<String> = ctx
        .facts
        .files
        .iter()
        .filter(|f| {
            f.kind == FileKind::GrafanaDashboard && in_unit(ctx, &f.path) && live(ctx, &f.path)
        })
        .map(|f| format!("- `{}`\n", f.path))
        .collect();
    found.extend(
        ctx.facts
            .k8s_objects()
            .items
            .iter()
            .filter(|o| o.kind == "GrafanaDashboard" && !o.in_test && in_unit(ctx, &o.path))
            .map(|o| {
                format!(
                    "- GrafanaDashboard `{}` in {}\n",
                    o.name,
                    at(&o.path, o.line)
                )
            }),
    );
    if found.is_empty() {
        out.push_str(
            "- TODO: the dashboards on-call opens first (none are kept as code in this unit).\n",
        );
    }
    for f in found.iter().take(10) {
        out.push_str(f);
    }
    out.push('\n');
}

fn owners(ctx: &FixCtx, out: &mut String) {
    out.push_str("## Owners\n\n");
    let mut any = false;
    if let Some(co) = ctx.facts.codeowners()
        && let Some((line, pattern, names)) = co.rule_for_dir(&ctx.unit.path)
        && !names.is_empty()
    {
        let _ = writeln!(
            out,
            "- {} (CODEOWNERS rule `{pattern}`, {})",
            names.join(", "),
            at(co.path, *line)
        );
        any = true;
    }
    if let Some(o) = ctx.unit.owner.as_deref().filter(|o| !o.trim().is_empty()) {
        let _ = writeln!(out, "- `{o}` (the shipshape config's owner)");
        any = true;
    }
    if !any {
        out.push_str("- TODO: the team that owns this service (no CODEOWNERS rule or configured owner names one).\n");
    }
    out.push_str(
        "- TODO: whom to call when this runbook does not help, and how to reach them.\n\n",
    );
}

fn rollback(ctx: &FixCtx, alerts: bool, out: &mut String) {
    out.push_str("## Rolling back\n\n");
    let mut any = false;
    for f in ctx.facts.files.iter().filter(|f| {
        f.kind == FileKind::HelmChart && in_unit(ctx, &f.path) && production(ctx, &f.path)
    }) {
        let chart = ctx
            .facts
            .yaml(&f.path)
            .and_then(Result::ok)
            .and_then(|d| {
                d.first()
                    .and_then(|d| d.idx("name").as_str().map(str::to_string))
            })
            .unwrap_or_else(|| "RELEASE".to_string());
        let _ = writeln!(
            out,
            "- Helm (chart `{chart}`, `{}`): `helm history {chart}` to find the last good revision, then `helm rollback {chart} REVISION` (TODO: the release name and namespace, when they differ from the chart's)",
            f.path
        );
        any = true;
    }
    for o in ctx.facts.k8s_objects().items.iter().filter(|o| {
        matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet")
            && !o.patch
            && !o.in_test
            && in_unit(ctx, &o.path)
            && production(ctx, &o.path)
    }) {
        let ns = o
            .namespace
            .as_deref()
            .map_or(String::new(), |n| format!(" -n {n}"));
        let _ = writeln!(
            out,
            "- Kubernetes: `kubectl rollout undo {}/{}{ns}` ({})",
            o.kind.to_ascii_lowercase(),
            o.name,
            at(&o.path, o.line)
        );
        any = true;
    }
    if let Some(tag) = latest_release(ctx) {
        let _ = writeln!(
            out,
            "- Releases: deploy the release before the bad one (the newest tag is `{tag}`)"
        );
        any = true;
    }
    if !any {
        out.push_str("- TODO: how to go back to the previous version (no Helm chart, Kubernetes workload or release tag was found).\n");
    }
    if alerts {
        out.push_str("- After rolling back, confirm that the alerts above have cleared.\n");
    }
}

/// The runbook for the context's unit, from its facts.
pub(crate) fn content(ctx: &FixCtx) -> String {
    let mut out = format!("# {} runbook\n\n", ctx.unit.name);
    out.push_str("<!-- Written by `shipshape fix` from what the scan found; check each line and replace every TODO: marker. -->\n\n");
    about(ctx, &mut out);
    endpoints(ctx, &mut out);
    dependencies(ctx, &mut out);
    let rules = unit_alert_rules(ctx);
    alerts(&rules, &mut out);
    dashboards(ctx, &mut out);
    owners(ctx, &mut out);
    rollback(ctx, !rules.is_empty(), &mut out);
    out
}

/// True when the fix would create the unit's runbook: a failing service unit without
/// `RUNBOOK.md` in its directory.
pub(crate) fn creates(ctx: &FixCtx, outcome: Outcome) -> bool {
    ctx.unit.kind == UnitKind::Service
        && outcome == Outcome::Fail
        && !ctx.facts.exists(&runbook_path(ctx))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    if !creates(ctx, ctx.result.outcome) {
        return Vec::new();
    }
    let path = runbook_path(ctx);
    let rules = unit_alert_rules(ctx);
    let text = content(ctx);
    let todos = text.matches("TODO:").count();
    vec![ctx.fix(
        Applicability::Safe,
        format!(
            "create {path} from the unit's facts ({} alert section(s)); {todos} TODO: marker(s) are left for the owners to fill in",
            {
                let mut n: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                n.sort_unstable();
                n.dedup();
                n.len()
            }
        ),
        vec![FileEdit::Create {
            path,
            content: text,
        }],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{rescan_after, run_fix};
    use shipshape_facts::Facts;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const CODE: (&str, &str) = (
        "main.go",
        "package main\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", h)\n}\n",
    );
    const GOMOD: (&str, &str) = (
        "go.mod",
        "module github.com/acme/api\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n",
    );
    const DEPLOY: (&str, &str) = (
        "deploy/api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: payments\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1\n          ports:\n            - name: http\n              containerPort: 8080\n",
    );
    const RULES: (&str, &str) = (
        "monitoring/alerts.yml",
        "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up{job=\"api\"} == 0\n        for: 5m\n        labels:\n          severity: critical\n      - alert: ApiHighLatency\n        expr: |\n          histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[5m])) > 1\n        labels:\n          severity: warning\n",
    );

    fn created(files: &[(&str, &str)]) -> (String, Outcome, Outcome) {
        let (before, fixes, _) = run_fix(&FIX, &Facts::from_memory(files), &Inputs::default());
        let (all, after) = rescan_after(&FIX, files, &fixes);
        let text = all
            .into_iter()
            .find(|(p, _)| p == "RUNBOOK.md")
            .map_or_else(String::new, |(_, t)| t);
        (text, before, after)
    }

    #[test]
    fn the_runbook_carries_the_units_facts() {
        let (text, before, after) = created(&[
            SVC,
            CODE,
            GOMOD,
            DEPLOY,
            RULES,
            (
                "dashboards/api.json",
                "{\"panels\": [], \"title\": \"API\"}",
            ),
            (".github/CODEOWNERS", "* @acme/payments\n"),
        ]);
        assert_eq!((before, after), (Outcome::Fail, Outcome::Pass), "{text}");
        for want in [
            "# fixture runbook",
            "**fixture** is a service unit at the repository root, written in Go, built with Go modules.",
            "- Health: `GET /healthz`",
            "- Port 8080 (`http`): container `api` of Deployment/api in `deploy/api.yaml:10`",
            "- PostgreSQL: `github.com/jackc/pgx/v5` in `go.mod:5`",
            "## ApiDown\n\n- Rule: `monitoring/alerts.yml:4`, severity `critical`\n- Expression:\n\n  ```\n  up{job=\"api\"} == 0\n  ```\n- Diagnosis: TODO:",
            "## ApiHighLatency",
            "- `dashboards/api.json`",
            "- @acme/payments (CODEOWNERS rule `*`, `.github/CODEOWNERS:1`)",
            "`kubectl rollout undo deployment/api -n payments` (`deploy/api.yaml:2`)",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        // The anchors the alerts' runbook_url will name.
        assert!(shipshape_facts::alerting::has_heading(
            &text,
            "apihighlatency"
        ));
        for h in ["escalat", "on-call", "incident"] {
            assert!(
                !text
                    .lines()
                    .any(|l| l.starts_with('#') && l.to_lowercase().contains(h)),
                "no heading about {h}"
            );
        }
    }

    #[test]
    fn a_unit_the_facts_say_little_about_gets_visible_todos_and_still_passes() {
        let (text, before, after) = created(&[SVC, CODE]);
        assert_eq!((before, after), (Outcome::Fail, Outcome::Pass), "{text}");
        assert!(text.contains("- Port: TODO:"), "{text}");
        assert!(text.contains("## Alerts\n\nTODO:"), "{text}");
        assert!(text.contains("## Rolling back\n\n- TODO:"), "{text}");
        assert!(text.contains("## Owners\n\n- TODO:"), "{text}");
    }

    #[test]
    fn stubs_existing_files_and_nested_units_are_respected() {
        // A stub warns: rewriting it is for people.
        let (_, fixes, _) = run_fix(
            &FIX,
            &Facts::from_memory(&[SVC, CODE, ("RUNBOOK.md", "# Runbook\nTODO\n")]),
            &Inputs::default(),
        );
        assert!(fixes.is_empty());
        // A nested unit's alerts are its own.
        let facts = Facts::from_memory(&[
            SVC,
            CODE,
            RULES,
            (
                "worker/alerts.yml",
                "groups:\n  - name: w\n    rules:\n      - alert: WorkerStuck\n        expr: x > 1\n",
            ),
        ]);
        let unit = shipshape_checks::testing::unit_for(&facts);
        let mut worker = unit.clone();
        worker.path = "worker".into();
        worker.name = "worker".into();
        let units = vec![unit.clone(), worker];
        let result = shipshape_model::CheckResult {
            id: FIX.check_id.into(),
            scope: shipshape_model::Scope::Unit,
            title: String::new(),
            area: shipshape_model::Area::IncidentResponse,
            severity: shipshape_model::Severity::High,
            outcome: Outcome::Fail,
            summary: String::new(),
            findings: vec![],
            remediation: String::new(),
            waiver: None,
            baselined: false,
        };
        let inputs = Inputs::default();
        let ctx = FixCtx {
            facts: &facts,
            unit: &unit,
            units: &units,
            result: &result,
            inputs: &inputs,
            now: 0,
            notes: Default::default(),
        };
        let names: Vec<String> = unit_alert_rules(&ctx).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["ApiDown", "ApiHighLatency"]);
    }

    /// grafana/loki: the operator's runbook listed its `hack/` add-ons as rollback
    /// targets, and the root's the compose stacks under `tools/dev/` as dependencies.
    #[test]
    fn dev_tooling_is_not_what_the_runbook_speaks_of() {
        let addon = DEPLOY
            .1
            .replace("name: api\n  namespace", "name: logger\n  namespace");
        let (text, _, after) = created(&[
            SVC,
            CODE,
            DEPLOY,
            ("hack/addons_logger.yaml", addon.as_str()),
            (
                "tools/dev/docker-compose.yml",
                "services:\n  kafka:\n    image: apache/kafka:latest\n",
            ),
        ]);
        assert_eq!(after, Outcome::Pass);
        assert!(text.contains("deployment/api -n payments"), "{text}");
        assert!(!text.contains("logger"), "{text}");
        assert!(!text.contains("Kafka"), "{text}");
    }

    #[test]
    fn datastores_from_names() {
        assert_eq!(datastore("github.com/jackc/pgx/v5"), Some("PostgreSQL"));
        assert_eq!(datastore("psycopg2-binary"), Some("PostgreSQL"));
        assert_eq!(datastore("redis:7-alpine"), Some("Redis"));
        assert_eq!(datastore("github.com/nats-io/nats.go"), Some("NATS"));
        assert_eq!(datastore("natsort"), None);
        assert_eq!(datastore("serde"), None);
    }
}
