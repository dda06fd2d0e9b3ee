//! `shipshape probe URL`.

use crate::output::{emit, parse_format, plan};
use crate::progress::Spinner;
use crate::{EXIT_GATE, EXIT_OK};
use anyhow::{Context, bail};
use clap::Args;
use shipshape_model::{Level, Severity};
use shipshape_probe::{LoadOptions, ProbeOptions, parse_duration, parse_size, split_header};
use shipshape_report::Format;
use std::path::PathBuf;

#[derive(Args)]
pub struct ProbeArgs {
    /// Base URL of the running service, e.g. http://127.0.0.1:8080
    pub url: String,
    /// Liveness path when not discoverable (e.g. /healthz).
    #[arg(long, value_name = "PATH")]
    pub health_path: Option<String>,
    /// Readiness path when not discoverable (e.g. /readyz).
    #[arg(long, value_name = "PATH")]
    pub readiness_path: Option<String>,
    /// Metrics path (default /metrics).
    #[arg(long, value_name = "PATH")]
    pub metrics_path: Option<String>,
    /// Most bytes read of one metrics scrape (e.g. 16MiB, the default); a longer page is reported as cut.
    #[arg(long, value_name = "SIZE")]
    pub max_metrics_bytes: Option<String>,
    /// The request counter for metrics-truth and metrics-red (e.g. http_requests_total), instead of the one chosen by name, labels and HELP.
    #[arg(long, value_name = "NAME")]
    pub metric_requests: Option<String>,
    /// Extra header `Name: value` read from an environment variable NAME (never echoed).
    #[arg(long = "header-env", value_name = "ENV")]
    pub header_env: Vec<String>,
    /// File with one `Name: value` header per line (never echoed).
    #[arg(long = "header-file", value_name = "FILE")]
    pub header_file: Option<PathBuf>,
    /// A route to send malformed and oversized bodies (POST, PUT, PATCH) or load (GET) to,
    /// e.g. 'POST /api/items' (repeatable; at most 8 of each are probed). Default: the base URL.
    #[arg(long = "endpoint", value_name = "METHOD /PATH")]
    pub endpoints: Vec<String>,
    /// OpenAPI 3.0/3.1 document (JSON or YAML) whose operations become endpoints: those with a
    /// requestBody get bodies, GETs get load; paths with `{param}` templates are skipped.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// k6-style threshold on the load run, e.g. 'p95<300ms', 'p99<1s', 'errors<1%', 'rate>=95%'
    /// (repeatable; needs --load). Judged by probe/load-thresholds.
    #[arg(long = "threshold", value_name = "EXPR")]
    pub thresholds: Vec<String>,
    /// Run a short fixed-rate load test (refused for non-loopback targets unless --allow-load-non-loopback).
    #[arg(long)]
    pub load: bool,
    /// Load rate in requests per second (1 to 2000).
    #[arg(long, default_value_t = 100)]
    pub rate: u32,
    /// Load duration (1s to 60s, e.g. 10s).
    #[arg(long, default_value = "10s")]
    pub duration: String,
    /// Load connections (1 to 256).
    #[arg(long, default_value_t = 16)]
    pub connections: u32,
    /// Allow --load against a non-loopback target (only for a service you own).
    #[arg(long, alias = "allow-load-remote")]
    pub allow_load_non_loopback: bool,
    /// Per-request timeout (e.g. 5s; up to 600s).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Upper bound for the whole probe (e.g. 2m; default 120s). A default probe takes about
    /// a minute against a server that holds slow clients for more than 30 s. At most 600s.
    #[arg(long, value_name = "DURATION")]
    pub max_duration: Option<String>,
    /// Run only this check (repeatable), e.g. probe/malformed-bodies.
    #[arg(long = "check", value_name = "ID")]
    pub checks: Vec<String>,
    /// Skip this check (repeatable), e.g. probe/slow-clients.
    #[arg(long, value_name = "ID")]
    pub skip: Vec<String>,
    /// PEM bundle of a private CA to verify the server against.
    #[arg(long, alias = "ca", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Config file with a `[probe]` section (default: ./shipshape.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format (repeatable, paired with --output): text, json, sarif, markdown, html…
    #[arg(long, short = 'f', value_parser = parse_format)]
    pub format: Vec<Format>,
    /// Write the report here instead of stdout (one per --format).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit 1 when the score is below this (0 to 100).
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Exit 1 when the level is below this.
    #[arg(long, value_name = "LEVEL")]
    pub min_level: Option<Level>,
    /// Exit 1 when a check of this severity or higher fails.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// No progress on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(a: ProbeArgs) -> anyhow::Result<u8> {
    let plan = plan(&a.format, &a.output)?;
    // Refuse a missing output directory before probing for a minute, and never create it.
    for path in &a.output {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            bail!(
                "--output {}: the directory {} does not exist (create it first)",
                path.display(),
                dir.display()
            );
        }
    }
    let cfg = match &a.config {
        Some(p) => Some(shipshape_engine::Config::load(p).map_err(|e| anyhow::anyhow!("{e}"))?),
        None if std::path::Path::new("shipshape.toml").is_file() => Some(
            shipshape_engine::Config::load(std::path::Path::new("shipshape.toml"))
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
        None => None,
    };
    let mut opts: ProbeOptions = match cfg.as_ref().and_then(|c| c.probe.clone()) {
        Some(table) => table.try_into().map_err(|e: toml::de::Error| {
            anyhow::anyhow!("shipshape.toml [probe]: {}", e.message())
        })?,
        None => ProbeOptions::default(),
    };
    opts.url = a.url.clone();
    if a.health_path.is_some() {
        opts.health_path = a.health_path.clone();
    }
    if a.readiness_path.is_some() {
        opts.readiness_path = a.readiness_path.clone();
    }
    if a.metrics_path.is_some() {
        opts.metrics_path = a.metrics_path.clone();
    }
    if let Some(size) = &a.max_metrics_bytes {
        opts.max_metrics_bytes =
            parse_size(size).map_err(|e| anyhow::anyhow!("--max-metrics-bytes: {e}"))?;
    }
    if a.metric_requests.is_some() {
        opts.metric_requests = a.metric_requests.clone();
    }
    for var in &a.header_env {
        let value = std::env::var(var)
            .with_context(|| format!("--header-env {var}: the variable is not set"))?;
        let (name, v) = split_header(&value).ok_or_else(|| {
            anyhow::anyhow!("--header-env {var}: expected `Name: value` in the variable")
        })?;
        opts.headers.push((name, v));
    }
    if let Some(f) = &a.header_file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        {
            let (name, v) = split_header(line).ok_or_else(|| {
                anyhow::anyhow!("{}:{}: expected `Name: value`", f.display(), i + 1)
            })?;
            opts.headers.push((name, v));
        }
    }
    if a.load {
        opts.load = Some(LoadOptions {
            rate: a.rate,
            duration: parse_duration(&a.duration)
                .map_err(|e| anyhow::anyhow!("--duration: {e}"))?,
            connections: a.connections,
        });
    }
    opts.allow_load_non_loopback |= a.allow_load_non_loopback;
    opts.endpoints.extend(a.endpoints.iter().cloned());
    if !a.thresholds.is_empty() {
        opts.thresholds = a.thresholds.clone();
    }
    if a.openapi.is_some() {
        opts.openapi = a.openapi.clone();
    }
    // The probe crate reads no documents: the OpenAPI file becomes endpoints here.
    if let Some(file) = &opts.openapi {
        let routes = openapi_endpoints(file)?;
        let routes_text: Vec<String> = routes.routes.iter().map(ToString::to_string).collect();
        opts.endpoints.extend(routes_text);
        if !a.quiet && !routes.skipped.is_empty() {
            eprintln!(
                "--openapi {}: {} operation(s) skipped: {}",
                file.display(),
                routes.skipped.len(),
                routes.skipped.join("; ")
            );
        }
    }
    if let Some(t) = &a.timeout {
        opts.timeout = parse_duration(t).map_err(|e| anyhow::anyhow!("--timeout: {e}"))?;
    }
    if let Some(t) = &a.max_duration {
        opts.max_duration =
            parse_duration(t).map_err(|e| anyhow::anyhow!("--max-duration: {e}"))?;
    }
    if !a.checks.is_empty() {
        opts.checks = a.checks.clone();
    }
    opts.skip.extend(a.skip.iter().cloned());
    if a.ca_file.is_some() {
        opts.ca_file = a.ca_file.clone();
    }
    if let Some(f) = a.fail_under
        && !(0.0..=100.0).contains(&f)
    {
        bail!("--fail-under {f} must be between 0 and 100");
    }
    if !a.quiet
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && let Some((took, why)) = shipshape_probe::expected_duration(&opts)
    {
        eprintln!(
            "probing {}: this may take up to {} s ({why})",
            shipshape_probe::redact_userinfo(&opts.url),
            took.as_secs()
        );
    }
    let spinner = Spinner::new(a.quiet);
    let progress = |m: &str| spinner.message(m);
    let mut report = shipshape_probe::run(&opts, &progress).map_err(|e| anyhow::anyhow!("{e}"))?;
    spinner.finish();
    shipshape_engine::apply_gate(&mut report, a.fail_under, a.min_level, a.fail_on, None);
    let catalog = shipshape_probe::catalog();
    emit(&report, &catalog, &plan)?;
    Ok(if report.gate.passed {
        EXIT_OK
    } else {
        EXIT_GATE
    })
}

/// The routes of an OpenAPI document (JSON, else YAML). A file that cannot be read or
/// parsed is a usage error naming the file and the parse error's line.
fn openapi_endpoints(file: &std::path::Path) -> anyhow::Result<shipshape_probe::OpenApiRoutes> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("--openapi {}: cannot read the file", file.display()))?;
    let looks_json =
        file.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let doc: serde_json::Value = if looks_json {
        serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "--openapi {}:{}: not valid JSON: {e} (give an OpenAPI 3.0/3.1 document in JSON or YAML)",
                file.display(),
                e.line()
            )
        })?
    } else {
        let yaml = shipshape_facts::parse_document(&text).map_err(|e| {
            anyhow::anyhow!(
                "--openapi {}: not valid YAML: {e} (give an OpenAPI 3.0/3.1 document in JSON or YAML)",
                file.display()
            )
        })?;
        yaml_to_json(&yaml)
    };
    shipshape_probe::openapi_routes(&doc)
        .map_err(|e| anyhow::anyhow!("--openapi {}: {e}", file.display()))
}

fn yaml_to_json(y: &shipshape_facts::Yaml) -> serde_json::Value {
    use serde_json::Value;
    use shipshape_facts::YamlValue;
    match &y.value {
        YamlValue::Null => Value::Null,
        YamlValue::Bool(b) => Value::Bool(*b),
        YamlValue::Int(i) => Value::from(*i),
        YamlValue::Float(f) => Value::from(*f),
        YamlValue::Str(s) => Value::String(s.to_string()),
        YamlValue::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        YamlValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), yaml_to_json(v)))
                .collect(),
        ),
    }
}
