//! `security/no-committed-secrets`: the secret scanner finds nothing in the tree.

use crate::{CheckDef, CheckMeta, Ctx, SecretEvidence, Verdict};
use shipshape_model::{Area, Finding, Location, Severity};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "security/no-committed-secrets",
        title: "No secrets committed in the tree",
        area: Area::Security,
        severity: Severity::Critical,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "every unit",
        rationale: "A credential in the repository is readable by everyone who can clone it, forever. Leaked keys are the most common way working services get breached.",
        evaluation: "Fails when shipshape's secret scanner (80+ credential formats plus entropy-gated generic assignments, with placeholder, example-key, hash and UUID filtering; see `shipshape secrets --help`) finds a credential in a file of the unit. A generic assignment, private-key block or URI password found only in files whose role is not production (test code, fixtures, test-data factories and keys for localhost; examples (`examples/`, `samples/`); documentation files (.md, .rst, .adoc, .txt); development tooling: `hack/`, dev containers, e2e harnesses, REST-client `.http` files, database seed data and development/test environment configuration such as `config/dev.exs`, `config/environments/development.rb`, `settings/dev.py`, `appsettings.Development.json`, `application-dev.yml`; package builds; templates; see `shipshape paths`), in an OpenAPI/AsyncAPI description (its values are examples), in a CI definition (literals there configure the run itself: test settings, service-container passwords; what a pipeline really uses comes from its secret store), or on a commented-out line (nothing reads it), warns instead: such values are nearly always samples written for the purpose, but each is listed to be checked; a provider-format token (`ghp_…`, `AKIA…`, `xoxb-…`; not a JSON Web Token, which anyone can sign, nor one whose random part is base64 of plain text, which is made up) fails wherever it is. Evidence shows the rule, path:line and a redacted prefix with the length — never the secret. Lines carrying `shipshape:allow`, allowlisted paths and baselined findings are not reported. With `shipshape secrets --staged` (a pre-commit hook) the files are the blobs staged in the git index that differ from HEAD, at their staged path and line, instead of the work tree. `n/a` when secret scanning is switched off.",
        remediation: "Revoke and rotate the credential first (it is compromised), then remove it from the code and load it from the environment or a secret manager. Remove it from history too (git filter-repo) if the repository is shared.",
        references: &[
            "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    run,
};

/// A sample rather than a credential in use: a generic assignment, key block or URI
/// password (not a provider's own token format) in test code and fixtures, examples or
/// documentation. Such values are nearly always made up for the purpose — a test
/// password, a fixture TLS key, a settings example in the installation guide, a
/// framework's generated development key — so they warn, while anything in shipped
/// code or production configuration fails.
pub(crate) fn is_sample(facts: &shipshape_facts::Facts, s: &SecretEvidence) -> bool {
    // The file's role decides (tests, examples, docs, development tooling such as
    // `hack/` add-ons and REST-client `.http` files, package builds, templates:
    // [`shipshape_facts::role`]); dev/test environment config (`config/dev.exs`) is development tooling by role.
    // A history finding's line belongs to an old version of the file: the current
    // file's unit-test boundary says nothing about it, so only the path's role counts.
    let role = match s.commit {
        Some(_) => facts.role(&s.path),
        None => facts.role_at(&s.path, s.line),
    };
    if s.provider_format {
        return !role.is_production() && is_saved_web_page(&s.path, role);
    }
    // An API description's values are examples of requests and responses (authelia's
    // `api/openapi.yml` bearer tokens), whatever the file's role. A CI definition's
    // literals configure the run itself (outline's `SECRET_KEY` for its test job, the
    // password of a service container): a credential the pipeline really uses comes
    // from `${{ secrets.* }}`. A commented-out line is read by nothing (vaultwarden's
    // `# ADMIN_TOKEN=…` in its env template, ntfy's documented `# token: tk_…`).
    let kind = || facts.file(&s.path).map(|f| f.kind);
    !role.is_production()
        || s.commented
        || elixir_runtime_override(facts, s).is_some()
        || (s.commit.is_none()
            && matches!(
                kind(),
                Some(shipshape_facts::FileKind::ApiSpec | shipshape_facts::FileKind::Ci(_))
            ))
}

/// Whether an Elixir build-time config value (`secret_key_base: "…"` in
/// `config/config.exs`) is replaced from the environment in `config/runtime.exs`
/// (`secret_key_base: System.get_env("SECRET_KEY_BASE", …)`, or `System.fetch_env!`):
/// `Some(true)` when the `config` statement doing it is top-level (runtime.exs runs last
/// in every environment, so the literal is never read: teslamate's Phoenix generator
/// default), `Some(false)` when it sits inside a block (`if config_env() == :prod do`:
/// the literal still serves the other environments), `None` otherwise. Statements are
/// told apart by indentation, as `mix format` writes them.
fn elixir_runtime_override(facts: &shipshape_facts::Facts, s: &SecretEvidence) -> Option<bool> {
    if s.commit.is_some()
        || !shipshape_facts::kind::is_elixir_config(&s.path)
        || s.path.ends_with("/runtime.exs")
    {
        return None;
    }
    let dir = s.path.rsplit_once('/').map_or("", |(d, _)| d);
    let line = facts
        .text(&s.path)?
        .lines()
        .nth(s.line.checked_sub(1)? as usize)?;
    let key = line.trim_start().split_once(':')?.0.trim();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let runtime = facts.text(&format!("{dir}/runtime.exs"))?;
    let lines: Vec<&str> = runtime.lines().collect();
    let mut found = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let Some(rest) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        let rest = rest.trim_start();
        if !(rest.starts_with("System.get_env(") || rest.starts_with("System.fetch_env!(")) {
            continue;
        }
        // The statement this keyword belongs to: the nearest line above at a lower indent.
        let indent = l.len() - t.len();
        let top_level = lines[..i]
            .iter()
            .rev()
            .find(|p| !p.trim().is_empty() && p.len() - p.trim_start().len() < indent)
            .is_some_and(|p| p.starts_with("config "));
        found = Some(found.unwrap_or(false) || top_level);
    }
    found
}

/// A web page saved as test data (`tests/data/html/*.html`: mealie's recipe scraper
/// fixtures). Its tokens are the third-party site's — an Amazon affiliate link's
/// `SubscriptionId=AKIA…`, a CDN's signed media URL — published on that site, not this
/// team's credentials; they warn like any other sample instead of failing.
fn is_saved_web_page(path: &str, role: shipshape_facts::role::Role) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    role == shipshape_facts::role::Role::Test
        && ["html", "htm", "xhtml", "mhtml"]
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
}

/// The verdict on secret evidence (shared with the history check): fail on anything in
/// shipped code, warn when every finding is a sample (see [`is_sample`]).
///
/// Findings under a path-scoped waiver of `check` do not decide the outcome (the engine
/// removes them afterwards and notes how many): when the waiver covers every real
/// secret, the samples left warn rather than keep the check failed.
pub(crate) fn verdict(
    ctx: &Ctx,
    check: &str,
    secrets: &[SecretEvidence],
    what: &str,
) -> Option<Verdict> {
    // A value the runtime configuration always replaces is read by nothing (a
    // provider's token is leaked by being committed, whoever reads it).
    let mine: Vec<&SecretEvidence> = secrets
        .iter()
        .filter(|s| ctx.in_unit(&s.path))
        .filter(|s| s.provider_format || elixir_runtime_override(ctx.facts, s) != Some(true))
        .collect();
    if mine.is_empty() {
        return None;
    }
    let (samples, real): (Vec<&SecretEvidence>, Vec<&SecretEvidence>) =
        mine.into_iter().partition(|s| is_sample(ctx.facts, s));
    let (n_real, n_samples) = (real.len(), samples.len());
    let not_waived = |list: &[&SecretEvidence]| {
        list.iter()
            .filter(|s| !(ctx.waived)(check, &s.path))
            .count()
    };
    let (judged_real, judged_samples) = (not_waived(&real), not_waived(&samples));
    // Everything waived: fail as found, and the engine turns it into `waived`.
    let only_samples = judged_real == 0 && judged_samples > 0;
    // Real ones first: they are what the verdict is about.
    let found = findings(real.into_iter().chain(samples));
    Some(if !only_samples && n_real > 0 {
        let also = if n_samples > 0 {
            format!(" (and {n_samples} in tests, examples, docs or development config)")
        } else {
            String::new()
        };
        Verdict::fail(format!("{n_real} {what}{also}"), found)
    } else {
        // The samples that stay once waived paths are taken out.
        let shown = if judged_samples > 0 {
            judged_samples
        } else {
            n_samples
        };
        Verdict::warn(
            format!(
                "{shown} {what} in tests, examples, docs or development config only: check each is a made-up sample"
            ),
            found,
        )
    })
}

fn findings<'a>(secrets: impl Iterator<Item = &'a SecretEvidence>) -> Vec<Finding> {
    secrets
        .map(|s| {
            let mut msg = format!("{} ({})", s.description, s.redacted);
            if let (Some(c), Some(d)) = (&s.commit, &s.date) {
                msg.push_str(&format!(
                    ", first committed in {} on {d}",
                    &c[..c.len().min(12)]
                ));
            }
            Finding::at(Location::line(&s.path, s.line), msg)
                .with_key(format!("{}:{}", s.rule, s.fingerprint))
        })
        .collect()
}

fn run(ctx: &Ctx) -> Verdict {
    let Some(secrets) = ctx.secrets else {
        return Verdict::not_applicable("secret scanning is off");
    };
    if ctx.secrets_staged {
        return verdict(ctx, CHECK.meta.id, secrets, "secret(s) in staged changes").unwrap_or_else(
            || Verdict::pass("the secret scanner found no credentials in the staged changes"),
        );
    }
    verdict(ctx, CHECK.meta.id, secrets, "committed secret(s)")
        .unwrap_or_else(|| Verdict::pass("the secret scanner found no credentials"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_facts::Facts;
    use shipshape_model::Outcome;

    fn evidence(path: &str, provider_format: bool) -> SecretEvidence {
        SecretEvidence {
            path: path.into(),
            line: 3,
            rule: if provider_format {
                "github-pat".into()
            } else {
                "generic-password".into()
            },
            description: "a secret".into(),
            redacted: "J5br…(16 chars)".into(),
            fingerprint: format!("fp-{path}"),
            commit: None,
            date: None,
            provider_format,
            commented: false,
        }
    }

    fn judge(secrets: &[SecretEvidence]) -> Verdict {
        let facts = Facts::from_memory(&[("README.md", "# x\n")]);
        let unit = crate::testing::unit_for(&facts);
        let mut ctx = Ctx::basic(&facts, &unit);
        ctx.secrets = Some(secrets);
        run(&ctx)
    }

    #[test]
    fn samples_in_tests_examples_and_docs_warn() {
        // Shapes met in netbox (docs/installation/3-netbox.md PASSWORD example,
        // users/tests/test_views.py passwords) and thanos (testdata TLS key).
        let v = judge(&[
            evidence("docs/installation/3-netbox.md", false),
            evidence("netbox/users/tests/test_views.py", false),
            evidence("pkg/clientconfig/testdata/self-signed-client.key", false),
            evidence("examples/app/settings.py", false),
        ]);
        assert_eq!(v.outcome, Outcome::Warn, "{v:?}");
        assert_eq!(v.findings.len(), 4, "every sample is still listed");
        assert!(
            v.summary
                .contains("4 committed secret(s) in tests, examples, docs or development config")
        );
        // Framework development/test configuration (otel-demo flagd-ui, a Phoenix app).
        for dev in [
            "src/flagd-ui/config/dev.exs",
            "config/test.exs",
            "config/environments/development.rb",
            "app/settings/dev.py",
            "Api/appsettings.Development.json",
        ] {
            assert_eq!(
                judge(&[evidence(dev, false)]).outcome,
                Outcome::Warn,
                "{dev}"
            );
        }
        // Production configuration and a developer's local overrides stay failures.
        for prod in [
            "config/prod.exs",
            "config/runtime.exs",
            "config/environments/production.rb",
            "app/settings/local.py",
            "devtools/config.py",
        ] {
            assert_eq!(
                judge(&[evidence(prod, false)]).outcome,
                Outcome::Fail,
                "{prod}"
            );
        }
    }

    /// #13: outline's `SECRET_KEY` in the env of its CI test job and vaultwarden's
    /// commented `# ADMIN_TOKEN=…` failed the critical check; a provider token on either
    /// still fails, and so does a generic one on a live line of production config.
    #[test]
    fn ci_run_settings_and_commented_lines_are_samples() {
        let facts = Facts::from_memory(&[
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  t:\n    runs-on: x\n    env:\n      SECRET_KEY: F0E5aa\n",
            ),
            ("config/app.yml", "# token: x\npassword: y\n"),
        ]);
        let unit = crate::testing::unit_for(&facts);
        let judge = |e: SecretEvidence| {
            let secrets = [e];
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.secrets = Some(&secrets);
            run(&ctx).outcome
        };
        assert_eq!(
            judge(evidence(".github/workflows/ci.yml", false)),
            Outcome::Warn
        );
        assert_eq!(
            judge(evidence(".github/workflows/ci.yml", true)),
            Outcome::Fail
        );
        let commented = SecretEvidence {
            commented: true,
            ..evidence("config/app.yml", false)
        };
        assert_eq!(judge(commented.clone()), Outcome::Warn);
        assert_eq!(judge(evidence("config/app.yml", false)), Outcome::Fail);
        let token = SecretEvidence {
            provider_format: true,
            ..commented
        };
        assert_eq!(judge(token), Outcome::Fail);
        assert!(crate::is_comment_line("   # ADMIN_TOKEN=Vy2V…(64 chars)"));
        assert!(!crate::is_comment_line("password: \"#x\""));
    }

    /// Regression (teslamate): the Phoenix generator's `secret_key_base` literal in
    /// `config/config.exs`, replaced from the environment by a top-level `config` of
    /// `config/runtime.exs` in every environment, failed the critical check; replaced
    /// only inside `if config_env() == :prod do` it still serves dev and test: a sample.
    #[test]
    fn elixir_config_replaced_at_runtime_is_not_a_live_secret() {
        let config = "import Config\n\nconfig :app, AppWeb.Endpoint,\n  url: [host: \"localhost\"],\n  secret_key_base: \"Kz7vmP1gPYv/sogke6P3RP9uipMjOLhneQdb\",\n  pubsub_server: App.PubSub\n";
        let always = "import Config\n\nconfig :app, AppWeb.Endpoint,\n  secret_key_base: System.get_env(\"SECRET_KEY_BASE\", Util.random_string(64))\n";
        let prod = "import Config\n\nif config_env() == :prod do\n  config :app, AppWeb.Endpoint,\n    secret_key_base: System.fetch_env!(\"SECRET_KEY_BASE\")\nend\n";
        let judge = |runtime: Option<&str>, provider: bool| {
            let mut files = vec![("config/config.exs", config), ("mix.exs", "")];
            if let Some(r) = runtime {
                files.push(("config/runtime.exs", r));
            }
            let facts = Facts::from_memory(&files);
            let unit = crate::testing::unit_for(&facts);
            let secrets = [SecretEvidence {
                line: 5,
                ..evidence("config/config.exs", provider)
            }];
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.secrets = Some(&secrets);
            run(&ctx).outcome
        };
        assert_eq!(judge(Some(always), false), Outcome::Pass);
        assert_eq!(judge(Some(prod), false), Outcome::Warn);
        assert_eq!(judge(None, false), Outcome::Fail);
        assert_eq!(
            judge(Some(always), true),
            Outcome::Fail,
            "a provider token leaks anyway"
        );
    }

    /// tokio-rs/axum: `check_body(b"username=user&password=secure%20password")` in the
    /// unit tests at the end of `axum/src/extract/raw_form.rs` (after its module-level
    /// `#[cfg(test)]`) failed the critical check as shipped code. The same line above the
    /// tests module is shipped code and still fails.
    #[test]
    fn rust_unit_tests_inside_source_files_are_test_code() {
        let src =
            "pub fn parse() {}\n\n#[cfg(test)]\nmod tests {\n    const BODY: &str = \"x\";\n}\n";
        let facts = Facts::from_memory(&[("axum/src/extract/raw_form.rs", src)]);
        let unit = crate::testing::unit_for(&facts);
        let at = |line: u32| {
            let mut e = evidence("axum/src/extract/raw_form.rs", false);
            e.line = line;
            e
        };
        let judge_at = |line: u32| {
            let secrets = [at(line)];
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.secrets = Some(&secrets);
            run(&ctx).outcome
        };
        assert_eq!(judge_at(5), Outcome::Warn);
        assert_eq!(judge_at(1), Outcome::Fail);
    }

    /// #13, mealie-recipes/mealie: recipe pages saved under `tests/data/html/` carry an
    /// affiliate link's `SubscriptionId=AKIA…` and a CDN's signed URL; the critical check
    /// failed on the third-party site's tokens. A provider token in test code still fails.
    /// authelia/authelia: bearer-token examples in `api/openapi.yml` failed the critical
    /// check; an API description's values are examples.
    #[test]
    fn values_in_an_api_description_are_samples() {
        let facts = Facts::from_memory(&[
            ("api/openapi.yml", "openapi: 3.1.0\ninfo:\n  title: x\n"),
            ("src/config.yml", "name: x\n"),
        ]);
        let unit = crate::testing::unit_for(&facts);
        let mut ctx = Ctx::basic(&facts, &unit);
        let spec = [evidence("api/openapi.yml", false)];
        ctx.secrets = Some(&spec);
        assert_eq!(run(&ctx).outcome, Outcome::Warn);
        let config = [evidence("src/config.yml", false)];
        ctx.secrets = Some(&config);
        assert_eq!(run(&ctx).outcome, Outcome::Fail);
    }

    #[test]
    fn provider_tokens_in_saved_web_pages_under_tests_warn() {
        let page = judge(&[evidence("tests/data/html/pizza-recipe.html", true)]);
        assert_eq!(page.outcome, Outcome::Warn, "{page:?}");
        for path in ["tests/test_scraper.py", "src/pages/index.html"] {
            let v = judge(&[evidence(path, true)]);
            assert_eq!(v.outcome, Outcome::Fail, "{path}: {v:?}");
        }
    }

    #[test]
    fn shipped_code_or_a_provider_token_fails() {
        let v = judge(&[
            evidence("docs/guide.md", false),
            evidence("app/settings.py", false),
        ]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.summary,
            "1 committed secret(s) (and 1 in tests, examples, docs or development config)"
        );
        // The real one leads the findings.
        assert_eq!(
            v.findings[0].location.as_ref().unwrap().path,
            "app/settings.py"
        );
        // A token in a provider's own format is never taken for a sample.
        let v = judge(&[evidence("tests/fixtures/config.yaml", true)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(judge(&[]).outcome, Outcome::Pass);
    }
}
