//! `shipshape init`: a commented starter shipshape.toml for the detected unit.

use crate::EXIT_OK;
use anyhow::{Context, bail};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct InitArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing shipshape.toml.
    #[arg(long)]
    pub force: bool,
    /// Print the file instead of writing it.
    #[arg(long)]
    pub stdout: bool,
    /// Print the JSON Schema of shipshape.toml instead (for an editor without network
    /// access: save it and point the file's `#:schema` line at the copy).
    #[arg(long, conflicts_with_all = ["force", "stdout"])]
    pub schema: bool,
}

pub fn run(a: InitArgs) -> anyhow::Result<u8> {
    if a.schema {
        let text = crate::config_schema::schema_text().map_err(|e| anyhow::anyhow!(e))?;
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    let target = a.path.join("shipshape.toml");
    if target.exists() && !a.force && !a.stdout {
        bail!(
            "{} already exists: use --force to overwrite it, or --stdout to print a fresh one",
            target.display()
        );
    }
    let facts = shipshape_facts::walk(&a.path, &shipshape_facts::WalkOptions::default())
        .with_context(|| format!("reading {}", a.path.display()))?;
    let (kind, why) = shipshape_checks::unit::detect_kind(&facts, ".");
    let name = std::fs::canonicalize(&a.path)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "my-service".into());
    let text = template(&name, kind.as_str(), &why);
    if a.stdout {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        write!(out, "{text}")?;
        out.flush()?;
    } else {
        std::fs::write(&target, &text).with_context(|| format!("writing {}", target.display()))?;
        eprintln!("wrote {} (kind: {kind}, because: {why})", target.display());
    }
    Ok(EXIT_OK)
}

pub fn template(name: &str, kind: &str, why: &str) -> String {
    let service_only = if kind == "service" {
        "# Service tier: 1 = SLO above 99.9 %, 2 = 99–99.9 %, 3 = below.\n# The tier sets the level the gate requires: 1 → gold, 2 → silver, 3 → bronze.\ntier = 2\n# On-call / escalation target (PagerDuty, Opsgenie...).\n# oncall = \"pagerduty:PXXXXXX\"\n# runbook = \"docs/runbook.md\"\n# slo = \"99.9\"\n"
    } else {
        ""
    };
    let schema = crate::config_schema::SCHEMA_URL;
    format!(
        r#"#:schema {schema}
# shipshape.toml — production-readiness policy for this repository.
# Docs: `shipshape checks`, `shipshape explain ID`. The line above lets editors
# (taplo, Even Better TOML) complete and check keys.

[service]
name = "{name}"
# service | library | cli | infrastructure (detected: {kind} — {why})
kind = "{kind}"
owner = "team-name"
{service_only}
[scan]
# Paths to leave out (globs, relative to this file).
exclude = []

# File roles where the built-in rules guess wrong (`shipshape paths` shows them):
# production, test, example, documentation, dev-tooling, build-only, template.
# [paths]
# test = ["qa/**"]
# dev-tooling = ["local/**"]

[checks]
# Checks that do not apply to you, by id.
disable = []
# Severity overrides: critical | high | medium | low | info.
# severity = {{ "documentation/changelog" = "info" }}

# Accepted risk, with a reason, an owner and an expiry. An expired waiver
# stops applying and is reported.
# [[waiver]]
# check = "delivery/gha-actions-pinned"
# path = ".github/workflows/legacy.yml"
# reason = "third-party actions vetted by the platform team"
# owner = "alice@example.com"
# expires = 2027-03-31

[gate]
# fail-under = 70
# min-level = "silver"
# fail-on = "critical"

[secrets]
# history = true
# allow-paths = ["testdata/**"]
# baseline = ".shipshape/secrets-baseline.json"
"#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_is_valid_config() {
        for kind in ["service", "library", "cli", "infrastructure"] {
            let t = super::template("x", kind, "because");
            shipshape_engine::Config::parse("shipshape.toml", &t)
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
        }
    }

    #[test]
    fn template_points_editors_at_the_schema_on_its_first_line() {
        let t = super::template("x", "service", "because");
        let first = t.lines().next().unwrap();
        // taplo's directive: `#:schema` then the URL, on the first line.
        assert_eq!(
            first,
            format!("#:schema {}", crate::config_schema::SCHEMA_URL)
        );
        assert!(
            crate::config_schema::SCHEMA_URL.ends_with(crate::config_schema::tests::SCHEMA_PATH)
        );
    }
}
