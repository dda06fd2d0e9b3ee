//! `security/no-env-files`: no `.env`-style files with real values are committed.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-env-files",
        title: "No .env files with values are committed",
        area: Area::Security,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "`.env` files are meant to hold a developer's or an environment's local settings, credentials included. Once committed, every clone carries them, and real environments start depending on values nobody reviews.",
        evaluation: "Reads every `.env`-style file of the unit (`.env`, `.env.<name>`, `<name>.env`) that git does not ignore, outside test code and development tooling (dotenv's own `.env.development`, `.env.test` — or `.test.env` — beside the code are judged: committing them is the practice this check is about). Templates (`.env.example`, `.sample`, `.template`, `.dist`, `.defaults`) are never judged. Each `KEY=value` line with a real value is considered; empty values and placeholders (`changeme`, `<...>`, `${VAR}`, `xxx`, `your-...`, `todo`) are not values. Fails when a value is set for a credential-like key (SECRET, PASSWORD, TOKEN, KEY, CREDENTIAL, PRIVATE, AUTH, DSN...; not keys that name or locate a secret such as *_NAME, *_FILE, *_URL, *_ID, *_IMAGE, *_VERSION) or a value embeds `user:password@` (so a DATABASE_URL counts only with a password in it); numbers, booleans and upper-case substitution tokens (`API_KEY_VAL`) are not secrets — one finding per key, at its line, never showing the value. Warns when an env file only sets non-sensitive values. Passes when there is none or all are empty.",
        remediation: "Delete the file from the repository, add `.env*` (with `!.env.example`) to .gitignore, commit a `.env.example` with empty values instead, rotate any credential it held, and inject real values from the deployment's secret store.",
        references: &[
            "https://12factor.net/config",
            "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
        ],
    },
    run,
};

const SENSITIVE: &[&str] = &[
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
    "DSN",
    "CONNECTION_STRING",
    "SESSION",
    "COOKIE",
    "SALT",
    "CERT",
];

/// Keys that contain a sensitive word but name a non-secret setting.
const NOT_SENSITIVE: &[&str] = &["KEYCLOAK_URL", "KEY_ID_HEADER", "PUBLIC_KEY", "AUTH_URL"];

pub(crate) fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    // Substitution tokens such as `GOOGLE_API_KEY_VAL` or `REPLACE_ME`.
    let token = v.contains('_')
        && v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    // Settings, not secrets: numbers and booleans (`SESSION_TTL=3600`, `AUTH_ENABLED=true`).
    let setting = l.parse::<f64>().is_ok()
        || matches!(l.as_str(), "true" | "false" | "yes" | "no" | "on" | "off");
    token
        || setting
        || l.is_empty()
        || l.contains("${")
        || (l.starts_with('<') && l.ends_with('>'))
        || (l.starts_with("${") && l.ends_with('}'))
        || l.chars().all(|c| c == 'x' || c == '*' || c == '.')
        || [
            "change",
            "change-me",
            "change_me",
            "todo",
            "tbd",
            "replace",
            "your-",
            "your_",
            "example",
            "dummy",
            "placeholder",
            "none",
            "null",
        ]
        .iter()
        .any(|p| l.starts_with(p))
}

pub(crate) fn is_sensitive(key: &str, value: &str) -> bool {
    let k = key.to_ascii_uppercase();
    // Keys that name, locate or tune a secret rather than hold it.
    let about_a_secret = [
        "_FILE",
        "_PATH",
        "_NAME",
        "_REF",
        "_ARN",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_HOST",
        "_ID",
        "_HEADER",
        "_ALGORITHM",
        "_TTL",
        "_EXPIRY",
        "_TIMEOUT",
        "_LENGTH",
        "_SIZE",
        "_ENABLED",
        "_ROLE",
        "_MODE",
        "_TYPE",
        "_METHOD",
        "_IMAGE",
        "_TAG",
        "_VERSION",
        // `SESSION_DRIVER=database`, `SESSION_DOMAIN`, `SESSION_LIFETIME=120` (monica's
        // production env file): settings of the session, not its secret.
        "_DRIVER",
        "_DOMAIN",
        "_LIFETIME",
        "_CONNECTION",
        "_PORT",
    ]
    .iter()
    .any(|s| k.ends_with(s));
    let by_name = SENSITIVE.iter().any(|w| k.contains(w))
        && !NOT_SENSITIVE.contains(&k.as_str())
        && !about_a_secret;
    // `scheme://user:password@host`
    let embedded = value
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(creds, _)| creds.split_once(':'))
        .is_some_and(|(_, password)| !is_placeholder(password));
    by_name || embedded
}

/// `(line, key, value)` for each assignment with a real value.
fn assignments(text: &str) -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let key = k.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            continue;
        }
        let mut value = v.trim();
        // Inline comments after an unquoted value.
        if !value.starts_with(['"', '\'']) {
            value = value.split(" #").next().unwrap_or(value).trim();
        }
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        if !is_placeholder(value) {
            out.push((i as u32 + 1, key.to_string(), value.to_string()));
        }
    }
    out
}

/// An env file this check judges: production ones, and dotenv's files for a development
/// or test environment (`.env.development`, `.env.test`) in a production directory —
/// the secret scanner takes their values for samples, but committing `.env` files is
/// the practice this check is about. A test harness's (`playwright/test.env`) and a
/// development environment's own configuration (`config/dev.env`) are not.
///
/// The environment may also come first, dotted: fider's `.test.env` is its `.env.test`
/// (its name makes it test by role; not a file of a test directory).
fn committed_env(ctx: &Ctx, path: &str, role: shipshape_facts::role::Role) -> bool {
    use shipshape_facts::role::Role;
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let dotenv_for_an_environment = name.starts_with(".env.")
        || (name.starts_with('.') && name.len() >= ".x.env".len() && name.ends_with(".env"));
    role.is_production()
        || (matches!(role, Role::DevTooling | Role::Test)
            && dotenv_for_an_environment
            && ctx.facts.dir_role(dir).is_production())
}

fn run(ctx: &Ctx) -> Verdict {
    let mut secrets = Vec::new();
    let mut plain = Vec::new();
    let mut files = 0;
    for f in ctx
        .files_with_shared()
        .filter(|f| f.kind == FileKind::EnvFile && committed_env(ctx, &f.path, f.role))
    {
        files += 1;
        let Some(text) = ctx.text(&f.path) else {
            plain.push(Finding::at(
                Location::file(&f.path),
                "env file committed (unreadable: check its values)",
            ));
            continue;
        };
        let set = assignments(text);
        let mut any_secret = false;
        for (line, key, value) in &set {
            if is_sensitive(key, value) {
                any_secret = true;
                secrets.push(
                    Finding::at(
                        Location::line(&f.path, *line),
                        format!(
                            "`{key}` has a value committed ({} characters)",
                            value.chars().count()
                        ),
                    )
                    .with_key(key.clone()),
                );
            }
        }
        if !any_secret && !set.is_empty() {
            plain.push(Finding::at(
                Location::line(&f.path, set[0].0),
                format!(
                    "env file committed with {} value(s) (first: `{}`)",
                    set.len(),
                    set[0].1
                ),
            ));
        }
    }
    if !secrets.is_empty() {
        Verdict::fail(
            format!(
                "{} credential-like value(s) in committed env files",
                secrets.len()
            ),
            secrets,
        )
    } else if !plain.is_empty() {
        Verdict::warn(
            format!("{} env file(s) with values are committed", plain.len()),
            plain,
        )
    } else if files == 0 {
        Verdict::pass("no .env files committed")
    } else {
        Verdict::pass(format!(
            "{files} env file(s) committed, all values empty or placeholders"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    #[test]
    fn credential_values_fail_without_showing_them() {
        let env = "# local\nPORT=8080\nDATABASE_URL=postgres://app:hunter2@db:5432/app\nexport STRIPE_SECRET_KEY=\"sk_live_abc\"\n";
        let v = run_on_files(&CHECK, &[(".env", env)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings.len(), 2);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        assert_eq!(v.findings[1].key.as_deref(), Some("STRIPE_SECRET_KEY"));
        assert!(
            v.findings
                .iter()
                .all(|f| !f.message.contains("hunter2") && !f.message.contains("sk_live"))
        );
    }

    #[test]
    fn placeholder_passwords_are_not_credentials() {
        // Regression: full-stack-fastapi-template's .env ships `changethis` everywhere.
        let env = "SECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\nDATABASE_URL=postgresql://postgres:changethis@db:5432/app\nSMTP_PASSWORD=${SMTP_PASSWORD}\n";
        let v = run_on_files(&CHECK, &[(".env", env)]);
        assert_eq!(v.outcome, Outcome::Warn, "{:?}", v.findings);
    }

    /// monica (#13): `SESSION_DRIVER=database` in `scripts/docker/.env.production` was a
    /// committed credential.
    #[test]
    fn session_settings_are_not_credentials() {
        let env = "SESSION_DRIVER=database\nSESSION_DOMAIN=monica.test\nSESSION_LIFETIME=120\n";
        let v = run_on_files(&CHECK, &[(".env.production", env)]);
        assert_eq!(v.outcome, Outcome::Warn, "{:?}", v.findings);
        let v = run_on_files(
            &CHECK,
            &[(".env.production", "SESSION_SECRET=k3y-Zq81wPq\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{:?}", v.findings);
    }

    #[test]
    fn image_references_are_not_credentials() {
        // Regression: opentelemetry-demo's .env `VALKEY_IMAGE=ghcr.io/valkey-io/valkey:9.0.4-alpine3.23`
        // failed as a credential because `VALKEY` contains `KEY`.
        let env = "VALKEY_IMAGE=ghcr.io/valkey-io/valkey:9.0.4-alpine3.23\nKEYCLOAK_VERSION=26.1\nTOKEN_SERVICE_TAG=1.4.2\n";
        let v = run_on_files(&CHECK, &[(".env", env)]);
        assert_eq!(v.outcome, Outcome::Warn, "{:?}", v.findings);
        let v = run_on_files(&CHECK, &[(".env", "VALKEY_PASSWORD=s3cr3t-Valkey-pw\n")]);
        assert_eq!(v.outcome, Outcome::Fail, "{:?}", v.findings);
    }

    #[test]
    fn templates_placeholders_and_plain_settings() {
        let v = run_on_files(
            &CHECK,
            &[
                (".env.example", "API_TOKEN=sk_live_real\n"),
                (
                    ".env.production",
                    "API_TOKEN=\nDB_PASSWORD=changeme\nSECRET=<set me>\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{:?}", v.findings);
        let v = run_on_files(
            &CHECK,
            &[("config/app.env", "LOG_LEVEL=debug\nPORT=3000\n")],
        );
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(1));
        let v = run_on_files(&CHECK, &[("tests/.env", "PASSWORD=x1\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        // A development environment's own file is development tooling (its role).
        let v = run_on_files(&CHECK, &[("config/dev.env", "LOG_LEVEL=debug\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        // outline's `.env.development` (a database password): dotenv's own file, judged
        // although its values are samples to the secret scanner; a harness's is not.
        let v = run_on_files(
            &CHECK,
            &[(".env.development", "DATABASE_URL=postgres://u:pw1@h/db\n")],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        let v = run_on_files(&CHECK, &[("e2e/.env.test", "PASSWORD=x1\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        // fider (#13): `.test.env` at the root is dotenv's `.env.test` with the environment
        // first; in a test directory, or as a harness's `test.env`, it is not judged.
        let v = run_on_files(&CHECK, &[(".test.env", "EMAIL_SMTP_PASSWORD=x1\n")]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let v = run_on_files(&CHECK, &[("tests/.test.env", "PASSWORD=x1\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
        let v = run_on_files(&CHECK, &[("playwright/test.env", "PASSWORD=x1\n")]);
        assert_eq!(v.outcome, Outcome::Pass);
    }
}
