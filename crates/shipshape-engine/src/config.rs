//! `shipshape.toml`: the policy as code.
//!
//! Every table rejects unknown keys; every error names the file, the line and
//! the fix. Check ids are validated against the registry (with a "did you
//! mean" suggestion), dates must be `YYYY-MM-DD`.

use serde::Deserialize;
use shipshape_model::{Level, Severity, UnitKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A configuration problem: file, line and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: u32,
    pub message: String,
}

/// Metadata of a unit, from `[service]` or a `[[unit]]` entry.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UnitConfig {
    pub name: Option<String>,
    /// Only in `[[unit]]`: the unit's directory, relative to the repository root.
    pub path: Option<String>,
    pub kind: Option<String>,
    pub tier: Option<u8>,
    pub owner: Option<String>,
    pub oncall: Option<String>,
    pub runbook: Option<String>,
    pub slo: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    #[serde(default)]
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub include_vendored: bool,
    /// The checklist to run (`production`, `google-prr`, `mercari`).
    pub profile: Option<String>,
    /// Discover the units of a monorepo when no `[[unit]]` is declared (default:
    /// true, unless `[service]` describes the repository as one unit).
    pub discover_units: Option<bool>,
}

/// `[paths]`: file roles the user decides (glob patterns, repository-relative), before
/// the built-in rules; `ignore` leaves paths out of the scan like `[scan] exclude`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathsConfig {
    #[serde(default)]
    pub production: Vec<String>,
    #[serde(default)]
    pub test: Vec<String>,
    #[serde(default)]
    pub example: Vec<String>,
    #[serde(default)]
    pub documentation: Vec<String>,
    #[serde(default)]
    pub dev_tooling: Vec<String>,
    #[serde(default)]
    pub build_only: Vec<String>,
    #[serde(default)]
    pub template: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
}

impl PathsConfig {
    /// The role patterns in the order they are tried: `production` first, so that a
    /// user can take a file back from a built-in rule.
    pub fn role_rules(&self) -> Vec<(shipshape_facts::role::Role, String)> {
        use shipshape_facts::role::Role;
        [
            (Role::Production, &self.production),
            (Role::Test, &self.test),
            (Role::Example, &self.example),
            (Role::Documentation, &self.documentation),
            (Role::DevTooling, &self.dev_tooling),
            (Role::BuildOnly, &self.build_only),
            (Role::Template, &self.template),
        ]
        .into_iter()
        .flat_map(|(role, globs)| globs.iter().map(move |g| (role, g.clone())))
        .collect()
    }

    /// The compiled role patterns.
    pub fn overrides(&self) -> Result<shipshape_facts::role::RoleOverrides, String> {
        shipshape_facts::role::RoleOverrides::new(self.role_rules())
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChecksConfig {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

/// A waiver: accepted risk, with a reason, an owner and an expiry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WaiverConfig {
    pub check: String,
    /// Only findings under this glob are waived.
    pub path: Option<String>,
    /// Only this unit (by name).
    pub unit: Option<String>,
    pub reason: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD` (TOML date or string).
    pub expires: Option<toml::Value>,
    /// Filled in by the loader: the line of the `[[waiver]]` entry.
    #[serde(skip)]
    pub line: u32,
    #[serde(skip)]
    pub expires_date: Option<jiff::civil::Date>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    pub fail_under: Option<f64>,
    pub min_level: Option<String>,
    pub fail_on: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub history: bool,
    #[serde(default)]
    pub allow_paths: Vec<String>,
    pub baseline: Option<String>,
    #[serde(default)]
    pub rules: Vec<shipshape_secrets::CustomRule>,
}

fn yes() -> bool {
    true
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            enabled: true,
            history: false,
            allow_paths: vec![],
            baseline: None,
            rules: vec![],
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnsConfig {
    /// Directory of the advisory database (default: the user's cache dir).
    pub database: Option<String>,
    /// Warn when the database is older than this many days (default 7).
    pub max_age_days: Option<u32>,
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub service: Option<UnitConfig>,
    #[serde(default, rename = "unit")]
    pub units: Vec<UnitConfig>,
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub checks: ChecksConfig,
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<WaiverConfig>,
    /// `[[rule]]`: declarative custom checks.
    #[serde(default, rename = "rule")]
    pub rules: Vec<crate::rules::RuleConfig>,
    #[serde(default)]
    pub gate: GateConfig,
    #[serde(default)]
    pub secrets: SecretsConfig,
    #[serde(default)]
    pub vulns: VulnsConfig,
    /// `[probe]`: read by `shipshape probe`; kept as a table here.
    pub probe: Option<toml::Table>,
    /// Where it was read from (None = defaults).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// Validated, typed settings derived from [`Config`].
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub disabled: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub fail_under: Option<f64>,
    pub min_level: Option<Level>,
    pub fail_on: Option<Severity>,
}

fn line_at(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count() as u32
        + 1
}

/// The line of the `n`-th occurrence of a line starting with `header`.
fn nth_header_line(text: &str, header: &str, n: usize) -> u32 {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(header))
        .nth(n)
        .map_or(1, |(i, _)| i as u32 + 1)
}

/// The line where `needle` first occurs (quoted or bare), for error messages.
fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle).map_or(1, |at| line_at(text, at))
}

/// Closest known id by edit distance, for "did you mean".
pub fn suggest<'a>(input: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                cur.push(
                    (prev[j] + usize::from(ca != *cb))
                        .min(prev[j + 1] + 1)
                        .min(cur[j] + 1),
                );
            }
            prev = cur;
        }
        prev[b.len()]
    }
    known
        .into_iter()
        .map(|k| (distance(input, k), k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(3))
        .min()
        .map(|(_, k)| k)
}

impl Config {
    /// Find `shipshape.toml` at the root; defaults when there is none.
    pub fn discover(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join("shipshape.toml");
        if path.is_file() {
            Config::load(&path)
        } else {
            Ok(Config::default())
        }
    }

    /// Read and validate a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: shown.clone(),
            line: 0,
            message: format!("cannot read the config file: {e}"),
        })?;
        let mut cfg = Config::parse(&shown, &text)?;
        cfg.source = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Parse and validate config text; `shown` names the file in errors.
    pub fn parse(shown: &str, text: &str) -> Result<Config, ConfigError> {
        let err = |line: u32, message: String| ConfigError {
            path: shown.to_string(),
            line,
            message,
        };
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_at(text, s.start));
            let msg = e.message().trim().replace('\n', " ");
            err(
                line,
                format!("{msg} (see `shipshape init` for a commented example)"),
            )
        })?;
        let mut known: Vec<&str> = shipshape_checks::registry()
            .iter()
            .map(|c| c.meta.id)
            .collect();
        let mut custom_ids = std::collections::HashSet::new();
        for (i, r) in cfg.rules.iter_mut().enumerate() {
            r.line = nth_header_line(text, "[[rule]]", i);
        }
        for r in &cfg.rules {
            let line = r.line;
            crate::rules::compile(r, &|id| shipshape_checks::find(id).is_some())
                .map_err(|m| err(line, m))?;
            if !custom_ids.insert(r.id.trim()) {
                return Err(err(
                    line,
                    format!(
                        "two rules have the id `{}`: ids must be unique",
                        r.id.trim()
                    ),
                ));
            }
        }
        known.extend(cfg.rules.iter().map(|r| r.id.trim()));
        if let Err(m) = cfg.paths.overrides() {
            return Err(err(line_of(text, "[paths]"), m));
        }
        for g in &cfg.paths.ignore {
            if let Err(e) = globset::Glob::new(g) {
                return Err(err(
                    line_of(text, "[paths]"),
                    format!("[paths] ignore: `{g}` is not a glob: {e}"),
                ));
            }
        }
        if let Some(p) = &cfg.scan.profile
            && shipshape_checks::profiles::find_profile(p).is_none()
        {
            return Err(err(
                line_of(text, "profile"),
                format!(
                    "unknown profile `{p}` (expected one of: {})",
                    shipshape_checks::profiles::profile_names().join(", ")
                ),
            ));
        }
        let check_id = |id: &str, line: u32| -> Result<(), ConfigError> {
            if known.contains(&id) {
                return Ok(());
            }
            let hint = match suggest(id, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "run `shipshape checks` to list the ids".to_string(),
            };
            Err(err(line, format!("unknown check id `{id}`: {hint}")))
        };
        for id in &cfg.checks.disable {
            check_id(id, line_of(text, &format!("\"{id}\"")))?;
        }
        for (id, sev) in &cfg.checks.severity {
            let line = line_of(text, &format!("\"{id}\""));
            check_id(id, line)?;
            sev.parse::<Severity>()
                .map_err(|e| err(line, e.to_string()))?;
        }
        for (i, w) in cfg.waivers.iter_mut().enumerate() {
            w.line = nth_header_line(text, "[[waiver]]", i);
            check_id(&w.check, w.line)?;
            if w.reason.trim().is_empty() {
                return Err(err(w.line, "a waiver needs a non-empty `reason`".into()));
            }
            if let Some(p) = &w.path {
                globset::Glob::new(p).map_err(|e| {
                    err(
                        w.line,
                        format!("invalid waiver path glob `{p}`: {}", e.kind()),
                    )
                })?;
            }
            if let Some(v) = &w.expires {
                let s = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Datetime(d) => d.to_string(),
                    other => other.to_string(),
                };
                let date: jiff::civil::Date = s.parse().map_err(|_| {
                    err(w.line, format!("waiver `expires = {s}` is not a date: write it as YYYY-MM-DD, e.g. expires = 2027-03-31"))
                })?;
                w.expires_date = Some(date);
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, u) in cfg.units.iter().enumerate() {
            let line = nth_header_line(text, "[[unit]]", i);
            let Some(path) = &u.path else {
                return Err(err(
                    line,
                    "a `[[unit]]` needs `path` (its directory, relative to the repository root)"
                        .into(),
                ));
            };
            if path.contains("..") || path.starts_with('/') {
                return Err(err(
                    line,
                    format!("unit path `{path}` must be inside the repository (relative, no `..`)"),
                ));
            }
            let name = u.name.clone().unwrap_or_else(|| path.clone());
            if !names.insert(name.clone()) {
                return Err(err(
                    line,
                    format!("two units are named `{name}`: names must be unique"),
                ));
            }
        }
        for (u, line) in cfg
            .service
            .iter()
            .map(|u| (u, nth_header_line(text, "[service]", 0)))
            .chain(
                cfg.units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (u, nth_header_line(text, "[[unit]]", i))),
            )
        {
            if let Some(k) = &u.kind {
                k.parse::<UnitKind>()
                    .map_err(|e| err(line, e.to_string()))?;
            }
            if let Some(t) = u.tier
                && !(1..=3).contains(&t)
            {
                return Err(err(
                    line,
                    format!(
                        "tier {t} is out of range: use 1 (SLO above 99.9 %), 2 (99–99.9 %) or 3 (below)"
                    ),
                ));
            }
        }
        if cfg.service.as_ref().is_some_and(|s| s.path.is_some()) {
            return Err(err(nth_header_line(text, "[service]", 0), "`[service]` describes the repository root and takes no `path`; use `[[unit]]` for sub-directories".into()));
        }
        if let Some(l) = &cfg.gate.min_level {
            l.parse::<Level>()
                .map_err(|e| err(line_of(text, "min-level"), e.to_string()))?;
        }
        if let Some(s) = &cfg.gate.fail_on {
            s.parse::<Severity>()
                .map_err(|e| err(line_of(text, "fail-on"), e.to_string()))?;
        }
        if let Some(f) = cfg.gate.fail_under
            && !(0.0..=100.0).contains(&f)
        {
            return Err(err(
                line_of(text, "fail-under"),
                format!("fail-under = {f} must be between 0 and 100"),
            ));
        }
        for pat in &cfg.scan.exclude {
            globset::Glob::new(pat).map_err(|e| {
                err(
                    line_of(text, pat),
                    format!("invalid exclude glob `{pat}`: {}", e.kind()),
                )
            })?;
        }
        Ok(cfg)
    }

    /// The custom checks of `[[rule]]` entries (validated by `parse`), with
    /// the line of each entry.
    pub fn custom_checks(&self) -> Vec<crate::rules::CustomCheck> {
        self.rules
            .iter()
            .filter_map(|r| {
                let mut c =
                    crate::rules::compile(r, &|id| shipshape_checks::find(id).is_some()).ok()?;
                c.line = r.line;
                Some(c)
            })
            .collect()
    }

    /// The typed policy (all values were validated by `parse`).
    pub fn policy(&self) -> Policy {
        Policy {
            disabled: self.checks.disable.clone(),
            severity: self
                .checks
                .severity
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.parse().ok()?)))
                .collect(),
            fail_under: self.gate.fail_under,
            min_level: self.gate.min_level.as_deref().and_then(|l| l.parse().ok()),
            fail_on: self.gate.fail_on.as_deref().and_then(|s| s.parse().ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_example_parses() {
        let text = r#"
[service]
name = "ledger"
kind = "service"
tier = 2
owner = "team-payments"

[scan]
exclude = ["fixtures/**"]

[checks]
disable = ["documentation/readme"]
severity = { "delivery/ci-present" = "high" }

[[waiver]]
check = "scalability/k8s-probes"
path = "deploy/legacy/**"
reason = "legacy batch worker, replaced in Q1"
owner = "alice"
expires = 2027-01-31

[gate]
fail-under = 70
min-level = "silver"
"#;
        let c = Config::parse("shipshape.toml", text).unwrap();
        assert_eq!(c.waivers[0].line, 15);
        assert_eq!(c.waivers[0].expires_date.unwrap().to_string(), "2027-01-31");
        let p = c.policy();
        assert_eq!(p.min_level, Some(Level::Silver));
        assert_eq!(p.severity["delivery/ci-present"], Severity::High);
    }

    #[test]
    fn errors_name_line_and_fix() {
        let e = Config::parse("s.toml", "[service]\ntierr = 1\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("tierr"), "{e}");
        let e =
            Config::parse("s.toml", "[checks]\ndisable = [\"delivery/ci-presnt\"]\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("did you mean `delivery/ci-present`"),
            "{e}"
        );
        let e = Config::parse("s.toml", "\n[[waiver]]\ncheck = \"delivery/ci-present\"\nreason = \"x\"\nexpires = \"31/01/2027\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
        let e =
            Config::parse("s.toml", "[[waiver]]\ncheck = \"delivery/ci-present\"\n").unwrap_err();
        assert!(e.message.contains("reason"), "{e}");
        let e = Config::parse("s.toml", "[service]\ntier = 7\n").unwrap_err();
        assert!(e.message.contains("tier 7"), "{e}");
        let e = Config::parse("s.toml", "[gate]\nmin-level = \"platinum\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
