//! `service-metadata`: `shipshape.toml` with the unit's kind, a tier and an owner to
//! confirm, for `ownership/service-metadata`.
//!
//! **Creates** `shipshape.toml` at the repository root when the check fails, no
//! `shipshape.toml` exists and the repository is judged as one unit. **Safe**: it only
//! adds a file, and it declares no policy: the tier, which would raise what the gate
//! requires, is proposed as a commented-out line for a person to decide.
//!
//! ```toml
//! [service]
//! kind = "service"   # the kind the scan detected, and why
//! # tier = 2         # 1: SLO above 99.9 % · 2: 99–99.9 % · 3: below 99 %
//! owner = "@acme/payments"
//! ```
//!
//! - **kind**: the unit's detected kind, with the evidence the scan gave for it.
//! - **tier**: `# tier = 2`, commented out, with a comment saying what 1, 2 and 3 mean.
//!   A declared tier is policy: the gate then requires the level of that tier
//!   (2 → silver) and `ownership/oncall-defined` stops being `n/a`. A fix that writes
//!   without review must not tighten the gate (on gotify/server a written `tier = 2`
//!   turned a passing gate into a failing one), so the line waits for a person.
//! - **owner**: the owner of the CODEOWNERS rule GitHub applies to the repository root,
//!   when it names exactly one team or user; otherwise `"TODO"`, a placeholder that
//!   `ownership/service-metadata` keeps failing ("fill it in").
//!
//! The config is only read at the repository root, and a `[service]` table there
//! describes the repository as one unit (it turns unit discovery off). So in a
//! repository the scan splits into several units, writing it would merge them: the fix
//! is restricted to a scan of one unit at the root, and notes why otherwise. An existing
//! `shipshape.toml` is for people to complete (`owner` under `[service]`), also noted.

use super::FixDef;
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_model::{Outcome, UnitKind};

pub static FIX: FixDef = FixDef {
    check_id: "ownership/service-metadata",
    name: "service-metadata",
    title: "Create shipshape.toml with the detected kind, a tier and the CODEOWNERS owner to confirm",
    generate,
};

/// The placeholder owner written when the facts name no single owner.
pub const PLACEHOLDER_OWNER: &str = "TODO";

/// A TOML string, quoted and escaped by the TOML crate.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The owner CODEOWNERS gives the repository root, when it is exactly one, and where.
fn codeowners_owner(ctx: &FixCtx) -> Result<(String, String), String> {
    let Some(co) = ctx.facts.codeowners() else {
        return Err("no CODEOWNERS file names one".into());
    };
    let Some((line, pattern, owners)) = co.rule_for_dir(".") else {
        return Err(format!(
            "no rule of {} covers the whole repository",
            co.path
        ));
    };
    match owners.as_slice() {
        [one] => Ok((one.clone(), format!("{}:{line} (`{pattern}`)", co.path))),
        [] => Err(format!("{}:{line} (`{pattern}`) names no owner", co.path)),
        many => Err(format!(
            "{}:{line} (`{pattern}`) names {} owners ({}): pick the team that answers for the service",
            co.path,
            many.len(),
            many.join(" ")
        )),
    }
}

/// The config text: kind, tier and owner, each with a comment saying where it came from.
pub(crate) fn config(
    kind: UnitKind,
    kind_source: &str,
    owner: &Result<(String, String), String>,
) -> String {
    let owner_lines = match owner {
        Ok((o, at)) => format!("# From CODEOWNERS: {at}.\nowner = {}\n", toml_string(o)),
        Err(why) => format!(
            "# TODO: the owning team or user ({why}); until it is filled in, ownership/service-metadata fails.\nowner = {}\n",
            toml_string(PLACEHOLDER_OWNER)
        ),
    };
    let why = kind_source.replace(['\n', '\r'], " ");
    format!(
        "# shipshape's configuration: written by `shipshape fix` from the scan's facts.\n# Confirm each value; see `shipshape init` for every setting.\n\n[service]\n# Detected: {why}.\nkind = {}\n# Service tier, which sets the level the gate requires: 1 = SLO above 99.9 % (gold),\n# 2 = 99–99.9 % (silver), 3 = below 99 % (bronze). Uncomment once decided: a declared\n# tier raises the level the gate requires.\n# tier = 2\n{owner_lines}",
        toml_string(kind.as_str())
    )
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    if ctx.result.outcome != Outcome::Fail {
        return Vec::new();
    }
    if ctx.facts.exists("shipshape.toml") {
        ctx.note("shipshape.toml exists: set `owner` under `[service]` (or the unit's `[[unit]]`) by hand");
        return Vec::new();
    }
    if ctx.unit.path != "." || ctx.units.len() != 1 {
        ctx.note(format!(
            "the scan judges {} units: a root shipshape.toml with `[service]` would describe the repository as one unit and end their discovery, so none is written; declare each unit's owner in its catalog-info.yaml (`spec.owner`), or write `[[unit]]` entries for all of them",
            ctx.units.len()
        ));
        return Vec::new();
    }
    let owner = codeowners_owner(ctx);
    let content = config(ctx.unit.kind, &ctx.unit.kind_source, &owner);
    let who = match &owner {
        Ok((o, at)) => format!("owner {o} (CODEOWNERS {at})"),
        Err(why) => format!(
            "owner \"TODO\" for a person to fill in ({why}): the check keeps failing until then"
        ),
    };
    vec![ctx.fix(
        Applicability::Safe,
        format!(
            "create shipshape.toml: kind {} (detected), a tier to decide (commented out: declared, it raises the level the gate requires), {who}",
            ctx.unit.kind.as_str()
        ),
        vec![FileEdit::Create {
            path: "shipshape.toml".into(),
            content,
        }],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inputs;
    use crate::testing::{rescan_after, run_fix};
    use shipshape_facts::Facts;

    const CODE: (&str, &str) = (
        "main.go",
        "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.HandleFunc(\"/healthz\", h)\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
    );
    const GOMOD: (&str, &str) = ("go.mod", "module github.com/acme/api\n\ngo 1.22\n");
    const DOCKER: (&str, &str) = ("Dockerfile", "FROM golang:1.22\nCMD [\"/api\"]\n");

    fn created(files: &[(&str, &str)]) -> (String, Vec<String>, Outcome, Outcome) {
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(files), &Inputs::default());
        let (all, after) = rescan_after(&FIX, files, &fixes);
        let text = all
            .into_iter()
            .find(|(p, _)| p == "shipshape.toml")
            .map_or_else(String::new, |(_, t)| t);
        (text, notes, before, after)
    }

    #[test]
    fn the_codeowners_owner_the_detected_kind_and_a_tier() {
        let (text, _, before, after) = created(&[
            CODE,
            GOMOD,
            DOCKER,
            (
                ".github/CODEOWNERS",
                "# team\n* @acme/payments\n/docs/ @acme/docs\n",
            ),
        ]);
        assert_eq!((before, after), (Outcome::Fail, Outcome::Pass), "{text}");
        assert!(text.contains("kind = \"service\""), "{text}");
        assert!(text.contains("\n# tier = 2\n"), "{text}");
        assert!(
            text.contains(
                "# From CODEOWNERS: .github/CODEOWNERS:2 (`*`).\nowner = \"@acme/payments\"\n"
            ),
            "{text}"
        );
    }

    /// The generated file is a valid configuration for the config loader, with the
    /// values the fix meant.
    #[test]
    fn the_file_parses_with_the_config_parser() {
        for owner in [
            Ok((
                "@acme/payments".to_string(),
                ".github/CODEOWNERS:1 (`*`)".to_string(),
            )),
            Err("no CODEOWNERS file names one".to_string()),
        ] {
            let text = config(
                UnitKind::Service,
                "a \"server\" dependency\nand a Dockerfile",
                &owner,
            );
            let c = shipshape_engine::config::Config::parse("shipshape.toml", &text)
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            let s = c.service.expect("[service]");
            assert_eq!(s.kind.as_deref(), Some("service"));
            assert_eq!(s.tier, None, "the tier is for a person to decide");
            let want = owner
                .as_ref()
                .map_or(PLACEHOLDER_OWNER, |(o, _)| o.as_str());
            assert_eq!(s.owner.as_deref(), Some(want));
        }
    }

    #[test]
    fn several_owners_or_none_leave_a_placeholder_the_check_still_flags() {
        let (text, _, _, after) =
            created(&[CODE, GOMOD, DOCKER, ("CODEOWNERS", "* @alice @bob\n")]);
        assert!(text.contains("owner = \"TODO\""), "{text}");
        assert!(text.contains("names 2 owners (@alice @bob)"), "{text}");
        assert_eq!(after, Outcome::Fail, "a placeholder is not an owner");
        let (text, _, _, after) = created(&[CODE, GOMOD, DOCKER]);
        assert!(
            text.contains("# TODO: the owning team or user (no CODEOWNERS file names one)"),
            "{text}"
        );
        assert_eq!(after, Outcome::Fail);
    }

    #[test]
    fn an_existing_config_is_left_alone() {
        let files = [
            CODE,
            GOMOD,
            DOCKER,
            ("shipshape.toml", "[service]\nkind = \"service\"\n"),
        ];
        let (before, fixes, notes) = run_fix(&FIX, &Facts::from_memory(&files), &Inputs::default());
        assert_eq!(before, Outcome::Fail);
        assert!(fixes.is_empty());
        assert!(notes[0].contains("set `owner`"), "{notes:?}");
    }
}
