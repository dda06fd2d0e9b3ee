//! `ownership/service-metadata`: the service declares its owning team in a catalog or the config.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::{FileKind, Yaml};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "ownership/service-metadata",
        title: "Service declares its owner in catalog metadata",
        area: Area::Ownership,
        severity: Severity::High,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services",
        rationale: "A service catalog entry with an owner is what incident tooling, dashboards and people use to find who is responsible for a running service. Without it, ownership is tribal knowledge that leaves with the team.",
        evaluation: "Passes when the unit's owner is set in the shipshape config (`[service] owner`, not a placeholder such as `TODO`, `TBD`, `CHANGEME` or `<team>`), or a catalog file of the unit or the repository root declares one: Backstage catalog-info.yaml (`spec.owner` of any entity), OpsLevel .opslevel.yml (`service.owner` or `owner`), Cortex cortex.yaml (`x-cortex-owners` under `info` or at the top). Fails when the configured owner is a placeholder and no catalog names one (asking to fill it in), when a catalog file exists but names no owner (at the entity's line), or when there is no catalog file and no configured owner. `error` when a catalog file does not parse and no owner was found elsewhere.",
        remediation: "Add catalog-info.yaml with `spec.owner: team-name` (Backstage), or set `owner = \"team-name\"` under `[service]` in shipshape.toml.",
        references: &[
            "https://backstage.io/docs/features/software-catalog/descriptor-format/",
            "https://docs.opslevel.com/docs/opslevel-yml",
        ],
    },
    run,
};

/// An owner declared in one catalog document, with its line.
pub(crate) fn owner_in(doc: &Yaml) -> Option<(String, u32)> {
    let candidates = [
        doc.at(&["spec", "owner"]),
        doc.at(&["service", "owner"]),
        doc.get("owner"),
    ];
    for c in candidates.into_iter().flatten() {
        if let Some(s) = c.scalar_text().filter(|s| !s.trim().is_empty()) {
            return Some((s, c.line));
        }
    }
    for c in [
        doc.at(&["info", "x-cortex-owners"]),
        doc.get("x-cortex-owners"),
    ]
    .into_iter()
    .flatten()
    {
        let names: Vec<String> = c
            .items()
            .iter()
            .filter_map(|o| {
                o.idx("name")
                    .scalar_text()
                    .or_else(|| o.idx("email").scalar_text())
            })
            .collect();
        if !names.is_empty() {
            return Some((names.join(", "), c.line));
        }
    }
    None
}

/// Owners declared by the catalog files the unit sees: `(owner, path, line)`,
/// plus catalog files that failed to parse and files with no owner.
pub(crate) struct CatalogOwners {
    pub owners: Vec<(String, String, u32)>,
    pub errors: Vec<(String, String)>,
    pub ownerless: Vec<(String, u32)>,
}

pub(crate) fn catalog_owners(ctx: &Ctx) -> CatalogOwners {
    let mut out = CatalogOwners {
        owners: vec![],
        errors: vec![],
        ownerless: vec![],
    };
    for f in ctx
        .files_of(|k| k == FileKind::CatalogInfo)
        .filter(|f| !f.in_test)
    {
        let docs = match ctx.facts.yaml(&f.path) {
            Some(Ok(docs)) => docs,
            Some(Err(e)) => {
                out.errors.push((f.path.clone(), e));
                continue;
            }
            None => continue,
        };
        let before = out.owners.len();
        for d in docs.iter() {
            if let Some((o, line)) = owner_in(d) {
                out.owners.push((o, f.path.clone(), line));
            }
        }
        if out.owners.len() == before {
            let line = docs
                .first()
                .map_or(1, |d| d.idx("kind").line.max(d.line).max(1));
            out.ownerless.push((f.path.clone(), line));
        }
    }
    out
}

/// True when a configured owner is a placeholder someone still has to fill in: empty,
/// `TODO`, `TBD`, `CHANGEME`, `FIXME` (alone or followed by punctuation or words:
/// `TODO: the owning team`), or a `<...>` slot. `shipshape fix` writes `owner = "TODO"`
/// when the facts name no single owner; the owner checks must not take it for a team.
pub(crate) fn is_placeholder_owner(owner: &str) -> bool {
    let o = owner.trim();
    if o.is_empty() || (o.starts_with('<') && o.ends_with('>')) {
        return true;
    }
    let upper = o.to_ascii_uppercase();
    ["TODO", "TBD", "CHANGEME", "CHANGE-ME", "CHANGE_ME", "FIXME"]
        .iter()
        .any(|w| {
            upper
                .strip_prefix(w)
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
        })
}

/// The owner the shipshape config sets for the unit, unless it is a placeholder.
pub(crate) fn configured_owner<'a>(ctx: &Ctx<'a>) -> Option<&'a str> {
    ctx.unit
        .owner
        .as_deref()
        .filter(|o| !is_placeholder_owner(o))
}

fn run(ctx: &Ctx) -> Verdict {
    if let Some(owner) = configured_owner(ctx) {
        return Verdict::pass_with(
            format!("owner `{owner}` set in the shipshape config"),
            vec![Finding::new(format!("[service] owner = \"{owner}\""))],
        );
    }
    let found = catalog_owners(ctx);
    if let Some((owner, path, line)) = found.owners.first() {
        return Verdict::pass_with(
            format!("owner `{owner}` declared in {path}"),
            vec![Finding::at(
                Location::line(path, *line),
                format!("owner: {owner}"),
            )],
        );
    }
    if let Some(placeholder) = ctx.unit.owner.as_deref().filter(|o| !o.trim().is_empty()) {
        return Verdict::fail(
            format!("the configured owner `{placeholder}` is a placeholder"),
            vec![
                Finding::at(
                    Location::file("shipshape.toml"),
                    format!(
                        "owner = \"{placeholder}\" is a placeholder: fill in the owning team (e.g. owner = \"@acme/payments\")"
                    ),
                )
                .with_key("placeholder"),
            ],
        );
    }
    if !found.errors.is_empty() {
        return Verdict::error(format!(
            "catalog file(s) could not be parsed: {}",
            found
                .errors
                .iter()
                .map(|(p, e)| format!("{p}: {e}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if !found.ownerless.is_empty() {
        return Verdict::fail(
            "catalog metadata names no owner",
            found
                .ownerless
                .iter()
                .map(|(p, l)| {
                    Finding::at(
                        Location::line(p, *l),
                        "no `spec.owner` (or `owner`) in this catalog file",
                    )
                    .with_key(p.clone())
                })
                .collect(),
        );
    }
    Verdict::fail(
        "no owner declared for the service",
        vec![Finding::new(crate::check::looked_in(&[
            "catalog-info.yaml",
            ".opslevel.yml",
            "cortex.yaml",
            "shipshape.toml [service] owner",
        ]))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn backstage_opslevel_and_config_owners() {
        let cat = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  owner: team-payments\n";
        let v = run_on_files(&CHECK, &[SVC, ("catalog-info.yaml", cat)]);
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(7));
        let ops = "version: 1\nservice:\n  name: payments\n  owner: payments-team\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, (".opslevel.yml", ops)]).outcome,
            Outcome::Pass
        );
        let cfg = (
            "shipshape.toml",
            "[service]\nkind = \"service\"\nowner = \"team-a\"\n",
        );
        assert_eq!(run_on_files(&CHECK, &[cfg]).outcome, Outcome::Pass);
    }

    /// `shipshape fix` writes `owner = "TODO"` when no single owner is known: that
    /// placeholder passed as an owner named "TODO".
    #[test]
    fn placeholder_owners_fail_asking_to_fill_them_in() {
        for o in [
            "TODO",
            "todo: the owning team",
            "TBD",
            "CHANGEME",
            "<team>",
            " ",
        ] {
            assert!(is_placeholder_owner(o), "{o}");
        }
        for o in ["@acme/payments", "todd", "platform", "team-todo"] {
            assert!(!is_placeholder_owner(o), "{o}");
        }
        let cfg = (
            "shipshape.toml",
            "[service]\nkind = \"service\"\nowner = \"TODO\"\n",
        );
        let v = run_on_files(&CHECK, &[cfg]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("fill in"), "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::file("shipshape.toml"))
        );
        // A catalog owner still answers.
        let cat = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: p\nspec:\n  owner: team-p\n";
        assert_eq!(
            run_on_files(&CHECK, &[cfg, ("catalog-info.yaml", cat)]).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn ownerless_missing_and_broken() {
        let cat = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n";
        let v = run_on_files(&CHECK, &[SVC, ("catalog-info.yaml", cat)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        let v = run_on_files(&CHECK, &[SVC]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("catalog-info.yaml"));
        let v = run_on_files(&CHECK, &[SVC, ("catalog-info.yaml", "spec: [\n")]);
        assert_eq!(v.outcome, Outcome::Error);
        assert!(v.summary.contains("catalog-info.yaml"));
    }
}
