//! `security/secrets-not-in-manifests`: deployment manifests reference secrets instead of containing them.

use super::no_env_files::{is_placeholder, is_sensitive};
use crate::checks::scalability::k8s_util::container_name;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{Yaml, YamlValue};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/secrets-not-in-manifests",
        title: "Manifests do not contain literal credentials",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with Kubernetes manifests or compose files",
        rationale: "A password in a Deployment's `env` or a compose file is readable by everyone with repository access and ends up in every copy of the manifest. Secrets belong in a secret store and are referenced, not pasted.",
        evaluation: "Looks at the unit's plain Kubernetes manifests and compose files (outside tests and development environments: dev containers, compose files whose built services mount the working copy, or that only run backing services such as PostgreSQL or MailHog for an application started on the host). Fails for each container `env` entry with a literal `value` whose name looks like a credential (SECRET, PASSWORD, TOKEN, KEY, CREDENTIAL, AUTH, DSN...; not *_NAME, *_FILE, *_URL, *_ID and similar keys that only name or locate a secret) or whose value embeds `user:password@`; for each compose `environment` entry of the same kind (map or `KEY=value` list); and for Kubernetes `Secret`s with literal `data`/`stringData` values: each credential-like key, or — when no key looks like one (`.dockerconfigjson`, `config.yaml`) — one finding listing the Secret's keys (the `host` or `database` beside a password are not findings of their own). Empty values, numbers, booleans, `${VAR}` interpolation and placeholders (changeme, <...>, xxx, upper-case tokens such as API_KEY_VAL) are not secrets; `valueFrom.secretKeyRef`, `env_file`, SealedSecret and ExternalSecret are the expected patterns. Findings give file:line and the key, never the value. Passes otherwise; `n/a` without manifests or compose files; `error` when one does not parse.",
        remediation: "Move the value into a Secret created outside the repository (External Secrets, Sealed Secrets, SOPS, Vault) and reference it with `valueFrom.secretKeyRef` (Kubernetes) or `env_file`/`secrets:` (compose); rotate the exposed credential.",
        references: &[
            "https://kubernetes.io/docs/concepts/configuration/secret/#good-practices-for-kubernetes-secrets",
            "https://docs.docker.com/compose/how-tos/use-secrets/",
        ],
    },
    run,
};

fn literal(v: &Yaml) -> Option<String> {
    match &v.value {
        YamlValue::Str(s) => Some(s.to_string()),
        YamlValue::Int(_) | YamlValue::Float(_) => v.scalar_text(),
        _ => None,
    }
}

fn check_pair(
    path: &str,
    key: &str,
    value: &str,
    line: u32,
    ctx_name: &str,
    out: &mut Vec<Finding>,
) {
    let value = value.trim();
    if is_placeholder(value) || value.contains("${") || value.starts_with('$') {
        return;
    }
    if is_sensitive(key, value) {
        out.push(
            Finding::at(
                Location::line(path, line),
                format!(
                    "{ctx_name}: `{key}` has a literal value ({} characters)",
                    value.chars().count()
                ),
            )
            .with_key(format!("{ctx_name}:{key}")),
        );
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let mut findings = Vec::new();
    let mut judged = 0;
    for o in ctx.k8s() {
        if o.kind == "Secret" {
            judged += 1;
            // Credential-like keys one by one; a Secret whose keys name no credential
            // (`.dockerconfigjson`, `config.yaml`) is one finding listing them, and the
            // companions of a password (`host`, `database`, `type`) are not findings.
            let mut literal_keys: Vec<(String, u32)> = Vec::new();
            let mut sensitive = false;
            for section in ["data", "stringData"] {
                for (k, v) in o.doc.idx(section).entries() {
                    let value = literal(v).unwrap_or_default();
                    if is_placeholder(value.trim()) || value.contains("${") || value.contains("{{")
                    {
                        continue;
                    }
                    if is_sensitive(k, &value) {
                        sensitive = true;
                        findings.push(
                            Finding::at(
                                Location::line(&o.path, v.line),
                                format!("{}: `{section}.{k}` is committed", o.display()),
                            )
                            .with_key(format!("{}:{k}", o.display())),
                        );
                    } else {
                        literal_keys.push((format!("{section}.{k}"), v.line));
                    }
                }
            }
            if !sensitive && let Some((_, line)) = literal_keys.first() {
                let names: Vec<String> =
                    literal_keys.iter().map(|(k, _)| format!("`{k}`")).collect();
                findings.push(
                    Finding::at(
                        Location::line(&o.path, *line),
                        format!(
                            "{} is committed with {} literal value(s): {}",
                            o.display(),
                            names.len(),
                            names.join(", ")
                        ),
                    )
                    .with_key(format!("{}:values", o.display())),
                );
            }
            continue;
        }
        if !o.is_workload() {
            continue;
        }
        judged += 1;
        for c in o.containers(true) {
            let who = format!("container `{}` of {}", container_name(c), o.display());
            for e in c.idx("env").items() {
                let (Some(name), Some(value)) = (e.idx("name").as_str(), e.get("value")) else {
                    continue;
                };
                if let Some(v) = literal(value) {
                    check_pair(&o.path, name, &v, value.line, &who, &mut findings);
                }
            }
        }
    }
    let mut errors: Vec<String> = ctx
        .k8s_errors()
        .iter()
        .map(|(p, e)| format!("{p}: {e}"))
        .collect();
    for f in ctx
        .compose_files()
        .into_iter()
        .filter(|f| ctx.facts.role(f.path).is_production())
    {
        let docs = match ctx.facts.yaml(f.path) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                errors.push(format!("{}: {e}", f.path));
                continue;
            }
            None => continue,
        };
        judged += 1;
        for d in docs.iter() {
            for (svc, s) in d
                .idx("services")
                .entries()
                .iter()
                .filter(|(svc, _)| f.includes(svc))
            {
                let who = format!("compose service `{svc}`");
                let env = s.idx("environment");
                for (k, v) in env.entries() {
                    if let Some(val) = literal(v) {
                        check_pair(f.path, k, &val, v.line, &who, &mut findings);
                    }
                }
                for item in env.items() {
                    if let Some((k, v)) = item.as_str().and_then(|s| s.split_once('=')) {
                        check_pair(f.path, k.trim(), v, item.line, &who, &mut findings);
                    }
                }
            }
        }
    }
    if !findings.is_empty() {
        return Verdict::fail(
            format!("{} literal credential(s) in manifests", findings.len()),
            findings,
        );
    }
    if !errors.is_empty() {
        return Verdict::error(format!(
            "manifest(s) could not be parsed: {}",
            errors.join("; ")
        ));
    }
    if judged == 0 {
        return Verdict::not_applicable(
            "no Kubernetes workloads, Secrets or compose files in the unit",
        );
    }
    Verdict::pass(format!(
        "{judged} manifest object(s)/compose file(s) hold no literal credentials"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: DB_PASSWORD\n              value: s3cr3t-prod\n            - name: API_TOKEN\n              valueFrom: {secretKeyRef: {name: api, key: token}}\n";

    #[test]
    fn literal_env_values_and_secrets_fail() {
        let v = run_on_files(&CHECK, &[("k8s/api.yaml", DEP)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(14));
        assert!(!v.findings[0].message.contains("s3cr3t"));
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: api}\nstringData:\n  token: abc123def\n";
        let v = run_on_files(&CHECK, &[("k8s/secret.yaml", secret)]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(5));
    }

    #[test]
    fn a_secrets_companion_keys_are_not_credentials_of_their_own() {
        // Shape met in spring-projects/spring-petclinic k8s/db.yml: a service-binding
        // Secret whose type/provider/host/database/username were six findings.
        let binding = "apiVersion: v1\nkind: Secret\nmetadata: {name: demo-db}\ntype: servicebinding.io/postgresql\nstringData:\n  type: \"postgresql\"\n  host: \"demo-db\"\n  port: \"5432\"\n  database: \"petclinic\"\n  username: \"user\"\n  password: \"s3cr3t-pw\"\n";
        let v = run_on_files(&CHECK, &[("k8s/db.yml", binding)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1, "{:?}", v.findings);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(11));
        // A Secret whose keys name no credential is still one finding.
        let pull = "apiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319\n";
        let v = run_on_files(&CHECK, &[("k8s/pull.yml", pull)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 1);
        assert!(v.findings[0].message.contains("`data..dockerconfigjson`"));
        assert!(!v.findings[0].message.contains("eyJhdXRocyI6e319"));
    }

    #[test]
    fn names_of_secrets_and_substitution_tokens_are_not_secrets() {
        // Regression: microservices-demo's kustomize component was flagged for
        // `ALLOYDB_SECRET_NAME` and the token `GOOGLE_API_KEY_VAL`; podinfo's Grafana
        // compose service for `GF_AUTH_ANONYMOUS_ORG_ROLE: Admin` (a role name).
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          env:\n            - {name: GOOGLE_API_KEY, value: GOOGLE_API_KEY_VAL}\n            - {name: ALLOYDB_SECRET_NAME, value: alloydb-secret}\n            - {name: SESSION_TTL, value: '3600'}\n            - {name: DATABASE_URL, value: 'postgres://db:5432/app'}\n            - {name: GF_AUTH_ANONYMOUS_ORG_ROLE, value: Admin}\n";
        let v = run_on_files(&CHECK, &[("k8s/a.yaml", dep)]);
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v.findings);
    }

    #[test]
    fn compose_interpolation_passes_literal_fails() {
        let ok = "services:\n  api:\n    image: api:1\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      LOG_LEVEL: info\n";
        assert_eq!(
            run_on_files(&CHECK, &[("compose.yaml", ok)]).outcome,
            Outcome::Pass
        );
        let bad = "services:\n  api:\n    image: api:1\n    environment:\n      - LOG_LEVEL=info\n      - SECRET_KEY=abc123\n";
        let v = run_on_files(&CHECK, &[("docker-compose.yml", bad)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(6));
        assert_eq!(
            run_on_files(&CHECK, &[("README.md", "x")]).outcome,
            Outcome::NotApplicable
        );
    }
}
