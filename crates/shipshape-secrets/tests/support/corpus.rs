//! Labelled corpus generator for measuring secret detection: many file types with planted
//! synthetic secrets of many kinds, decoys of every false-positive class, and filler code.
//!
//! Shared by `tests/corpus.rs` and `examples/gen_secrets_corpus.rs` / `examples/score.rs` (through
//! `#[path]`). The secret kinds and their syntax are written independently of the rule
//! catalog, so that the corpus measures the rules rather than echoing their examples.
//! Values are random with the right format; none is a real credential.

#![allow(dead_code)]

use shipshape_secrets::synth::{Rng, expand};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// A planted secret: file, first and last line (1-based, inclusive) and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    pub kind: String,
}

/// A generated corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    pub files: Vec<(String, String)>,
    pub labels: Vec<Label>,
    /// Decoys planted (path, line, kind), for analysis of false positives.
    pub decoys: Vec<Label>,
}

/// A secret kind: name, variable name to assign it to, value template, and whether it
/// needs its variable name to be recognisable (then it only goes into assignments).
struct Kind {
    name: &'static str,
    var: &'static str,
    value: &'static str,
    needs_name: bool,
}

const fn k(name: &'static str, var: &'static str, value: &'static str, needs_name: bool) -> Kind {
    Kind {
        name,
        var,
        value,
        needs_name,
    }
}

const KINDS: &[Kind] = &[
    k(
        "aws-access-key-id",
        "AWS_ACCESS_KEY_ID",
        "AKIA{b32:16}",
        false,
    ),
    k(
        "aws-secret-access-key",
        "AWS_SECRET_ACCESS_KEY",
        "{b64:40}",
        true,
    ),
    k("gcp-api-key", "GOOGLE_API_KEY", "AIza{url:35}", false),
    k(
        "azure-storage-key",
        "AZURE_STORAGE_CONNECTION_STRING",
        "DefaultEndpointsProtocol=https;AccountName=acct{lo:6};AccountKey={b64:86}==;EndpointSuffix=core.windows.net",
        false,
    ),
    k(
        "digitalocean-pat",
        "DIGITALOCEAN_TOKEN",
        "dop_v1_{hex:64}",
        false,
    ),
    k(
        "alibaba-access-key-id",
        "ALIYUN_ACCESS_KEY_ID",
        "LTAI{an:20}",
        false,
    ),
    k("heroku-api-key", "HEROKU_API_KEY", "{uuid}", true),
    k("github-pat", "GITHUB_TOKEN", "ghp_{an:36}", false),
    k(
        "github-fine-grained-pat",
        "GH_PAT",
        "github_pat_{an:22}_{an:59}",
        false,
    ),
    k("github-app-token", "GH_APP_TOKEN", "ghs_{an:36}", false),
    k("gitlab-pat", "GITLAB_TOKEN", "glpat-{url:20}", false),
    k(
        "bitbucket-app-password",
        "BITBUCKET_APP_PASSWORD",
        "ATBB{an:32}",
        false,
    ),
    k(
        "slack-bot-token",
        "SLACK_BOT_TOKEN",
        "xoxb-{d:12}-{d:13}-{an:24}",
        false,
    ),
    k(
        "slack-webhook",
        "SLACK_WEBHOOK_URL",
        "https://hooks.slack.com/services/T{up:10}/B{up:10}/{an:24}",
        false,
    ),
    k(
        "discord-webhook",
        "DISCORD_WEBHOOK",
        "https://discord.com/api/webhooks/{d:19}/{url:68}",
        false,
    ),
    k(
        "telegram-bot-token",
        "TELEGRAM_BOT_TOKEN",
        "{d:10}:AA{url:33}",
        false,
    ),
    k(
        "stripe-secret-key",
        "STRIPE_SECRET_KEY",
        "sk_live_{an:24}",
        false,
    ),
    k(
        "stripe-webhook-secret",
        "STRIPE_WEBHOOK_SECRET",
        "whsec_{an:32}",
        false,
    ),
    k(
        "square-access-token",
        "SQUARE_ACCESS_TOKEN",
        "EAAA{url:60}",
        false,
    ),
    k(
        "sendgrid-api-key",
        "SENDGRID_API_KEY",
        "SG.{url:22}.{url:43}",
        false,
    ),
    k("mailgun-api-key", "MAILGUN_API_KEY", "key-{hex:32}", false),
    k(
        "mailchimp-api-key",
        "MAILCHIMP_KEY",
        "{hex:32}-us{d:1}",
        false,
    ),
    k(
        "openai-api-key",
        "OPENAI_API_KEY",
        "sk-proj-{url:48}T3BlbkFJ{url:48}",
        false,
    ),
    k(
        "anthropic-api-key",
        "ANTHROPIC_API_KEY",
        "sk-ant-api03-{url:93}AA",
        false,
    ),
    k("huggingface-token", "HF_TOKEN", "hf_{al:34}", false),
    k("groq-api-key", "GROQ_API_KEY", "gsk_{an:52}", false),
    k("npm-token", "NPM_TOKEN", "npm_{an:36}", false),
    k(
        "pypi-token",
        "PYPI_TOKEN",
        "pypi-AgEIcHlwaS5vcmc{url:64}",
        false,
    ),
    k(
        "rubygems-api-key",
        "GEM_HOST_API_KEY",
        "rubygems_{hex:48}",
        false,
    ),
    k(
        "dockerhub-pat",
        "DOCKERHUB_TOKEN",
        "dckr_pat_{url:27}",
        false,
    ),
    k("twilio-auth-token", "TWILIO_AUTH_TOKEN", "{hex:32}", true),
    k(
        "atlassian-api-token",
        "JIRA_API_TOKEN",
        "ATATT3{url:186}",
        false,
    ),
    k("linear-api-key", "LINEAR_API_KEY", "lin_api_{an:40}", false),
    k("notion-token", "NOTION_TOKEN", "ntn_{d:11}{an:35}", false),
    k("vault-token", "VAULT_TOKEN", "hvs.{url:95}", false),
    k("doppler-token", "DOPPLER_TOKEN", "dp.st.{url:43}", false),
    k("pulumi-token", "PULUMI_ACCESS_TOKEN", "pul-{hex:40}", false),
    k(
        "terraform-cloud-token",
        "TFC_TOKEN",
        "{an:14}.atlasv1.{url:67}",
        false,
    ),
    k("netlify-token", "NETLIFY_AUTH_TOKEN", "nfp_{an:36}", false),
    k("datadog-api-key", "DD_API_KEY", "{hex:32}", true),
    k(
        "newrelic-api-key",
        "NEW_RELIC_API_KEY",
        "NRAK-{up:27}",
        false,
    ),
    k(
        "sentry-auth-token",
        "SENTRY_AUTH_TOKEN",
        "sntryu_{hex:64}",
        false,
    ),
    k(
        "grafana-token",
        "GRAFANA_SA_TOKEN",
        "glsa_{an:32}_{hex:8}",
        false,
    ),
    k(
        "databricks-token",
        "DATABRICKS_TOKEN",
        "dapi{hex:32}",
        false,
    ),
    k(
        "shopify-token",
        "SHOPIFY_ACCESS_TOKEN",
        "shpat_{hex:32}",
        false,
    ),
    k(
        "jwt",
        "SUPABASE_SERVICE_KEY",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{url:80}.{url:43}",
        false,
    ),
    k(
        "age-secret-key",
        "AGE_KEY",
        "AGE-SECRET-KEY-1{bech:58}",
        false,
    ),
    k("sonar-token", "SONAR_TOKEN", "squ_{hex:40}", false),
    k(
        "postgres-uri",
        "DATABASE_URL",
        "postgresql://app_user:{pw:20}@db.prod.internal:5432/app",
        false,
    ),
    k(
        "mongodb-uri",
        "MONGO_URI",
        "mongodb+srv://svc:{pw:24}@cluster0.ab12c.mongodb.net/prod",
        false,
    ),
    k(
        "redis-uri",
        "REDIS_URL",
        "rediss://default:{pw:28}@cache.internal:6380/0",
        false,
    ),
    k("generic-password", "DB_PASSWORD", "{pw:18}", true),
    k("generic-api-key", "PAYMENTS_API_KEY", "{an:32}", true),
    k("generic-secret", "session_secret", "{b64:44}", true),
];

/// Multi-line private key kinds: kind, BEGIN/END label, body lines.
const KEY_KINDS: &[(&str, &str, usize)] = &[
    ("rsa-private-key", "RSA PRIVATE KEY", 25),
    ("ec-private-key", "EC PRIVATE KEY", 3),
    ("openssh-private-key", "OPENSSH PRIVATE KEY", 7),
    ("pkcs8-private-key", "PRIVATE KEY", 16),
];

/// Decoys: kind and a line template (`NAME` is replaced by a variable name).
const DECOYS: &[(&str, &str)] = &[
    ("env-reference", "api_key = \"${API_KEY}\""),
    ("env-reference", "password: ${DB_PASSWORD}"),
    ("env-reference", "export GITHUB_TOKEN=$GITHUB_TOKEN"),
    ("env-reference", "token = os.environ[\"SERVICE_TOKEN\"]"),
    ("env-reference", "const secret = process.env.JWT_SECRET;"),
    (
        "env-reference",
        "String password = System.getenv(\"DB_PASSWORD\");",
    ),
    (
        "env-reference",
        "password = os.getenv(\"DB_PASSWORD\", \"\")",
    ),
    ("template", "token: {{ .Values.api.token }}"),
    ("template", "client_secret: \"{{ oauth_client_secret }}\""),
    ("template", "password = var.db_password"),
    ("placeholder", "api_key = \"<your-api-key>\""),
    (
        "placeholder",
        "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    ),
    (
        "placeholder",
        "secret_key: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
    ),
    ("placeholder", "password: changeme"),
    ("placeholder", "AUTH_TOKEN=your_token_here"),
    ("placeholder", "api_token = \"dummy-token-for-tests\""),
    ("placeholder", "client_secret = \"REDACTED\""),
    (
        "placeholder",
        "GITHUB_TOKEN=ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    (
        "placeholder",
        "SLACK_TOKEN=xoxb-0000000000-0000000000-000000000000000000000000",
    ),
    (
        "sequential",
        "api_key = \"1234567890abcdef1234567890abcdef\"",
    ),
    (
        "sequential",
        "OPENAI_API_KEY=sk-abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst",
    ),
    (
        "documentation-key",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    ),
    (
        "documentation-key",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    (
        "documentation-key",
        "stripe.api_key = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"",
    ),
    (
        "documentation-key",
        "jwt: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
    ("git-sha", "commit: {hex:40}"),
    ("git-sha", "resolved_revision = \"{hex:40}\""),
    ("git-sha", "image: ghcr.io/acme/api@sha256:{hex:64}"),
    ("checksum", "checksum = \"{hex:64}\""),
    ("checksum", "sha256sum: {hex:64}"),
    ("integrity", "\"integrity\": \"sha512-{b64:86}==\","),
    ("integrity", "  integrity sha512-{b64:86}=="),
    ("uuid", "request_id = \"{uuid}\""),
    ("uuid", "tenant_id: {uuid}"),
    ("uuid", "api_key_id = \"{uuid}\""),
    ("identifier", "password = self.password"),
    ("identifier", "token: config.auth.token"),
    ("identifier", "secret = getSecretFromVault()"),
    (
        "identifier",
        "access_token = response.json()[\"access_token\"]",
    ),
    ("words", "secret_name: prod-db-credentials"),
    ("words", "token_type = \"Bearer\""),
    ("words", "password_policy: min-length-12"),
    ("words", "tokenizer_file = \"tokenizer.json\""),
    ("url", "token_url = \"https://auth.acme.io/oauth/token\""),
    (
        "default-uri",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev",
    ),
    (
        "default-uri",
        "MONGO_URL=mongodb://root:example@mongo:27017",
    ),
    (
        "uri-reference",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
    ),
    (
        "public-key",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{b64:200} deploy@ci",
    ),
    ("hash", "password_hash = \"$2b$12${b64:53}\""),
    ("hash", "etag: \"{hex:32}\""),
    ("number", "token_ttl_seconds = 86400000"),
];

/// A decoy block spanning several lines: a public key or certificate.
const BLOCK_DECOYS: &[(&str, &str)] = &[
    ("public-key", "PUBLIC KEY"),
    ("certificate", "CERTIFICATE"),
    ("pgp-public-key", "PGP PUBLIC KEY BLOCK"),
];

const EXTS: &[&str] = &[
    "py",
    "js",
    "ts",
    "go",
    "rs",
    "java",
    "yaml",
    "json",
    "env",
    "tf",
    "properties",
    "xml",
    "md",
    "sh",
    "Dockerfile",
    "rb",
    "toml",
    "ini",
];

const FILLER: &[&str] = &[
    "import logging",
    "logger = logging.getLogger(__name__)",
    "def handle(request):",
    "    return render(request, \"index.html\", {\"items\": items})",
    "for item in items: total += item.price * item.quantity",
    "// retry with exponential backoff, capped at 30 seconds",
    "if err != nil { return fmt.Errorf(\"load config: %w\", err) }",
    "const timeout = 30 * time.Second",
    "let handle = std::thread::spawn(move || worker.run());",
    "replicas: 3",
    "image: ghcr.io/acme/api:1.42.0",
    "resources: { limits: { cpu: 500m, memory: 512Mi } }",
    "LOG_LEVEL=info",
    "PORT=8080",
    "# Configure the connection pool before the first request.",
    "server.port=8080",
    "<dependency><groupId>org.slf4j</groupId></dependency>",
    "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates",
    "echo \"deploying $SERVICE to $ENVIRONMENT\"",
    "The service reads its credentials from the secret store at start-up.",
    "variable \"region\" { default = \"eu-west-1\" }",
    "\"version\": \"2.3.1\",",
    "public final class OrderService implements Service {",
    "export function sum(values: number[]): number { return values.reduce((a, b) => a + b, 0); }",
    "max_connections = 100",
    "session_timeout_minutes = 30",
    "user_id = request.user.id",
    "cache_key = f\"user:{user_id}:profile\"",
];

fn render(ext: &str, var: &str, value: &str) -> String {
    let lower = var.to_ascii_lowercase();
    let camel: String = {
        let mut out = String::new();
        let mut up = false;
        for (i, c) in lower.chars().enumerate() {
            if c == '_' {
                up = true;
            } else if up && i > 0 {
                out.push(c.to_ascii_uppercase());
                up = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    match ext {
        "py" => format!("{var} = \"{value}\""),
        "js" => format!("const {camel} = \"{value}\";"),
        "ts" => format!("export const {var}: string = '{value}';"),
        "go" => format!("\t{camel} := \"{value}\""),
        "rs" => format!("const {var}: &str = \"{value}\";"),
        "java" => format!("    private static final String {var} = \"{value}\";"),
        "yaml" => format!("  {lower}: {value}"),
        "json" => format!("  \"{camel}\": \"{value}\","),
        "env" => format!("{var}={value}"),
        "tf" => format!("  {lower} = \"{value}\""),
        "properties" => format!("{}={value}", lower.replace('_', ".")),
        "xml" => format!("  <{camel}>{value}</{camel}>"),
        "md" => format!("    export {var}=\"{value}\""),
        "sh" => format!("export {var}=\"{value}\""),
        "Dockerfile" => format!("ENV {var}={value}"),
        "rb" => format!("{var} = '{value}'"),
        "toml" => format!("{lower} = \"{value}\""),
        _ => format!("{lower}={value}"),
    }
}

fn file_name(ext: &str, i: usize) -> String {
    match ext {
        "Dockerfile" => format!("svc{i}/Dockerfile"),
        "env" => format!("svc{i}/.env"),
        _ => format!("src/m{}/file{i}.{ext}", i % 17),
    }
}

/// Generate `files` files; about two secrets and two decoys per file on average.
pub fn generate(seed: u64, files: usize) -> Corpus {
    let mut rng = Rng::new(seed);
    let mut corpus = Corpus::default();
    for i in 0..files {
        let ext = *rng.pick(EXTS);
        let path = file_name(ext, i);
        let mut lines: Vec<String> = Vec::new();
        let events = 3 + rng.below(3);
        for _ in 0..events {
            for _ in 0..1 + rng.below(4) {
                lines.push((*rng.pick(FILLER)).to_string());
            }
            match rng.below(20) {
                0..=8 => {
                    let kind = rng.pick(KINDS);
                    if kind.needs_name && (ext == "md" || ext == "xml") {
                        continue;
                    }
                    let value = expand(kind.value, &mut rng).text;
                    let line = render(ext, kind.var, &value);
                    lines.push(line);
                    corpus.labels.push(Label {
                        path: path.clone(),
                        line: lines.len() as u32,
                        end_line: lines.len() as u32,
                        kind: kind.name.to_string(),
                    });
                }
                9 => {
                    let &(kind, label, n) = rng.pick(KEY_KINDS);
                    let first = lines.len() as u32 + 1;
                    lines.push(format!("-----BEGIN {label}-----"));
                    for _ in 0..n {
                        lines.push(rng.string(
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                            64,
                        ));
                    }
                    lines.push(format!("-----END {label}-----"));
                    corpus.labels.push(Label {
                        path: path.clone(),
                        line: first,
                        end_line: lines.len() as u32,
                        kind: kind.to_string(),
                    });
                }
                10..=18 => {
                    let &(kind, template) = rng.pick(DECOYS);
                    lines.push(expand(template, &mut rng).text);
                    corpus.decoys.push(Label {
                        path: path.clone(),
                        line: lines.len() as u32,
                        end_line: lines.len() as u32,
                        kind: kind.to_string(),
                    });
                }
                _ => {
                    let &(kind, label) = rng.pick(BLOCK_DECOYS);
                    let first = lines.len() as u32 + 1;
                    lines.push(format!("-----BEGIN {label}-----"));
                    for _ in 0..6 {
                        lines.push(rng.string(
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                            64,
                        ));
                    }
                    lines.push(format!("-----END {label}-----"));
                    corpus.decoys.push(Label {
                        path: path.clone(),
                        line: first,
                        end_line: lines.len() as u32,
                        kind: kind.to_string(),
                    });
                }
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        corpus.files.push((path, text));
    }
    corpus
}

/// Write the files under `dir` and the labels to `labels_path` (TSV: path, line,
/// end_line, kind) and decoys next to it (`decoys.tsv`).
pub fn write(corpus: &Corpus, dir: &Path, labels_path: &Path) -> std::io::Result<()> {
    for (path, text) in &corpus.files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, text)?;
    }
    let mut f = std::fs::File::create(labels_path)?;
    for l in &corpus.labels {
        writeln!(f, "{}\t{}\t{}\t{}", l.path, l.line, l.end_line, l.kind)?;
    }
    let decoys = labels_path.with_file_name("decoys.tsv");
    let mut f = std::fs::File::create(decoys)?;
    for l in &corpus.decoys {
        writeln!(f, "{}\t{}\t{}\t{}", l.path, l.line, l.end_line, l.kind)?;
    }
    Ok(())
}

/// Read a labels TSV written by [`write`].
pub fn read_labels(text: &str) -> Vec<Label> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            Some(Label {
                path: it.next()?.to_string(),
                line: it.next()?.parse().ok()?,
                end_line: it.next()?.parse().ok()?,
                kind: it.next()?.to_string(),
            })
        })
        .collect()
}

/// Precision and recall of findings (path, line) against labels: a finding is a true
/// positive when it falls within a label's lines (each label counts once); any other
/// finding is a false positive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        let d = self.true_positives + self.false_positives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }
    pub fn recall(&self) -> f64 {
        let d = self.true_positives + self.false_negatives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }
}

/// Score findings; also returns the unmatched findings and missed labels for diagnosis.
pub fn score(
    labels: &[Label],
    findings: &[(String, u32)],
) -> (Score, Vec<(String, u32)>, Vec<Label>) {
    let mut by_path: HashMap<&str, Vec<(usize, &Label)>> = HashMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_path.entry(l.path.as_str()).or_default().push((i, l));
    }
    let mut hit = vec![false; labels.len()];
    let mut fps = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (path, line) in findings {
        let path = path.trim_start_matches("./");
        if !seen.insert((path.to_string(), *line)) {
            continue;
        }
        let m = by_path.get(path).and_then(|ls| {
            ls.iter()
                .find(|(_, l)| *line >= l.line && *line <= l.end_line)
        });
        match m {
            Some((i, _)) => hit[*i] = true,
            None => fps.push((path.to_string(), *line)),
        }
    }
    let tp = hit.iter().filter(|h| **h).count();
    let missed: Vec<Label> = labels
        .iter()
        .zip(&hit)
        .filter(|(_, h)| !**h)
        .map(|(l, _)| l.clone())
        .collect();
    (
        Score {
            true_positives: tp,
            false_positives: fps.len(),
            false_negatives: labels.len() - tp,
        },
        fps,
        missed,
    )
}
