//! `incident-response/runbook-links-resolve`: runbook links that point into the repository lead somewhere.

use crate::checks::observability::alerting::alert_rules;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::{Ecosystem, FileKind, Yaml};
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "incident-response/runbook-links-resolve",
        title: "Runbook links into the repository resolve",
        area: Area::IncidentResponse,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services whose alerts or catalog link runbooks inside the repository",
        rationale: "A runbook link that 404s is discovered by the person paged at night, at the worst possible moment. Files get renamed and headings reworded; links in alert rules are not updated with them.",
        evaluation: "Collects runbook links from the unit's alert rules (`runbook_url`/`runbook` annotations), catalog files (catalog-info.yaml, .opslevel.yml, cortex.yaml: links or annotations mentioning \"runbook\") and the config's `runbook`. A link points into the repository when it is a relative path, or a GitHub/GitLab/Bitbucket `blob`/`tree`/`src` URL of this repository (its slug taken from `github.com/project-slug`/`backstage.io/source-location` annotations or the `repository` field of Cargo.toml, package.json or pyproject.toml). Each such link must name an existing file or directory (relative paths are tried from the repository root, then from the linking file's directory) and, when it has a `#fragment` and the target is a document, a heading (GitHub-style slug) or explicit anchor with that name. Fails with one finding per broken link at its line. Templated links (`{{ }}`) and links elsewhere are not judged; `n/a` when no runbook link points into the repository.",
        remediation: "Fix the link (path or heading), or move the runbook back to where the alerts expect it. Prefer stable anchors: keep one heading per alert named after the alert.",
        references: &[
            "https://docs.github.com/get-started/writing-on-github/getting-started-with-writing-and-formatting-on-github/basic-writing-and-formatting-syntax#section-links",
        ],
    },
    run,
};

/// A runbook link and where it was written.
struct Link {
    url: String,
    path: Option<String>,
    line: u32,
    from: String,
}

fn slug_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:github\.com|gitlab\.com|bitbucket\.org)[/:]([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?(?:[/\x22'\s#?]|$)")
            .expect("constant regex")
    })
}

/// `owner/repo` slugs this repository is known by (lower-case).
fn repo_slugs(ctx: &Ctx) -> Vec<String> {
    let mut out = Vec::new();
    for f in ctx.facts.files.iter().filter(|f| {
        matches!(
            f.kind,
            FileKind::CatalogInfo
                | FileKind::Manifest(Ecosystem::Cargo)
                | FileKind::Manifest(Ecosystem::Npm)
                | FileKind::Manifest(Ecosystem::Python)
        )
    }) {
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        for l in text.lines() {
            let lower = l.to_ascii_lowercase();
            if lower.contains("project-slug") {
                if let Some((_, v)) = l.split_once(':') {
                    let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
                    if v.contains('/') {
                        out.push(v.to_ascii_lowercase());
                    }
                }
            } else if lower.contains("repository")
                || lower.contains("source-location")
                || lower.contains("\"url\"")
            {
                for c in slug_re().captures_iter(l) {
                    out.push(c[1].to_ascii_lowercase());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The repository path a link names, or `None` when it points elsewhere (or is templated).
fn in_repo_target(url: &str, slugs: &[String]) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.contains("{{") || url.contains("${") || url.starts_with('#') {
        return None;
    }
    if !url.contains("://") {
        if url.starts_with("mailto:") || url.contains('@') && !url.contains('/') {
            return None;
        }
        return Some(url.to_string());
    }
    let rest = url.split_once("://")?.1;
    let (host, path) = rest.split_once('/')?;
    if !matches!(
        host,
        "github.com" | "www.github.com" | "gitlab.com" | "bitbucket.org"
    ) {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let slug = format!("{}/{}", parts.first()?, parts.get(1)?).to_ascii_lowercase();
    if !slugs.contains(&slug) {
        return None;
    }
    // github: owner/repo/blob/<ref>/path ; gitlab: owner/repo/-/blob/<ref>/path ; bitbucket: owner/repo/src/<ref>/path
    let mut i = 2;
    if parts.get(i) == Some(&"-") {
        i += 1;
    }
    if !matches!(parts.get(i).copied(), Some("blob" | "tree" | "src" | "raw")) {
        return None;
    }
    let tail = parts.get(i + 2..)?.join("/");
    Some(tail)
}

pub(crate) use shipshape_facts::alerting::heading_slug;

fn has_anchor(text: &str, frag: &str) -> bool {
    let frag = frag.to_lowercase();
    text.lines().any(|l| {
        let t = l.trim_start();
        (t.starts_with('#') && heading_slug(t.trim_start_matches('#')) == frag)
            || l.contains(&format!("name=\"{frag}\""))
            || l.contains(&format!("id=\"{frag}\""))
            || l.contains(&format!("{{#{frag}}}"))
    }) || {
        // Setext headings and reStructuredText titles: a line underlined with = or -.
        let lines: Vec<&str> = text.lines().collect();
        lines.windows(2).any(|w| {
            let u = w[1].trim();
            u.len() >= 3
                && (u.chars().all(|c| c == '=') || u.chars().all(|c| c == '-'))
                && heading_slug(w[0]) == frag
        })
    }
}

/// Why a repository path does not resolve, `None` when it does.
fn broken(ctx: &Ctx, target: &str, from: &str) -> Option<String> {
    let (path, frag) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let clean = |p: &str| -> String {
        let mut out: Vec<&str> = Vec::new();
        for part in p.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    out.pop();
                }
                x => out.push(x),
            }
        }
        out.join("/")
    };
    let from_dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let candidates = [clean(path), clean(&format!("{from_dir}/{path}"))];
    let exists = |p: &str| {
        !p.is_empty()
            && (ctx.facts.exists(p)
                || ctx
                    .facts
                    .files
                    .iter()
                    .any(|f| f.path.starts_with(&format!("{p}/"))))
    };
    let Some(found) = candidates.iter().find(|p| exists(p)) else {
        return Some(format!(
            "`{}` does not exist in the repository",
            candidates[0]
        ));
    };
    if let (Some(frag), Some(text)) = (frag.filter(|f| !f.is_empty()), ctx.text(found))
        && !has_anchor(text, frag)
    {
        return Some(format!("`{found}` has no heading or anchor `#{frag}`"));
    }
    None
}

fn catalog_links(ctx: &Ctx, out: &mut Vec<Link>) {
    for f in ctx
        .files_with_shared()
        .filter(|f| f.kind == FileKind::CatalogInfo)
    {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for d in docs.iter() {
            d.walk(&mut |n: &Yaml| {
                let mentions = n.entries().iter().any(|(k, v)| {
                    k.to_ascii_lowercase().contains("runbook")
                        || v.scalar_text()
                            .is_some_and(|s| s.to_ascii_lowercase().contains("runbook"))
                });
                if !mentions {
                    return;
                }
                let url = n.get("url").or_else(|| {
                    n.entries()
                        .iter()
                        .find(|(k, _)| k.to_ascii_lowercase().contains("runbook"))
                        .map(|(_, v)| v)
                });
                if let Some(u) = url
                    && let Some(s) = u.scalar_text()
                {
                    out.push(Link {
                        url: s,
                        path: Some(f.path.clone()),
                        line: u.line,
                        from: f.path.clone(),
                    });
                }
            });
        }
    }
}

fn run(ctx: &Ctx) -> Verdict {
    let mut links = Vec::new();
    let (rules, _) = alert_rules(ctx);
    for r in &rules {
        if let Some((url, line)) = &r.runbook {
            links.push(Link {
                url: url.clone(),
                path: Some(r.path.clone()),
                line: *line,
                from: r.path.clone(),
            });
        }
    }
    catalog_links(ctx, &mut links);
    if let Some(rb) = ctx.runbook {
        links.push(Link {
            url: rb.to_string(),
            path: None,
            line: 0,
            from: String::new(),
        });
    }
    let slugs = repo_slugs(ctx);
    let mut judged = 0usize;
    let mut findings = Vec::new();
    for l in &links {
        let Some(target) = in_repo_target(&l.url, &slugs) else {
            continue;
        };
        judged += 1;
        if let Some(why) = broken(ctx, &target, &l.from) {
            let loc = match &l.path {
                Some(p) if l.line > 0 => Some(Location::line(p, l.line)),
                Some(p) => Some(Location::file(p)),
                None => None,
            };
            let msg = format!("runbook link `{}`: {why}", l.url);
            let f = match loc {
                Some(loc) => Finding::at(loc, msg),
                None => Finding::new(format!("{msg} (from the config's `runbook`)")),
            };
            findings.push(f.with_key(l.url.clone()));
        }
    }
    if judged == 0 {
        return Verdict::not_applicable(if links.is_empty() {
            "no runbook links (alerts, catalog, config)".to_string()
        } else {
            format!(
                "none of the {} runbook link(s) points into the repository",
                links.len()
            )
        });
    }
    if findings.is_empty() {
        Verdict::pass(format!(
            "all {judged} runbook link(s) into the repository resolve"
        ))
    } else {
        Verdict::fail(
            format!(
                "{} of {judged} runbook link(s) into the repository are broken",
                findings.len()
            ),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const DOC: &str = "# API runbook\n\n## Api Down!\nRestart it.\n";

    fn rules(url: &str) -> String {
        format!(
            "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up == 0\n        annotations:\n          runbook_url: {url}\n"
        )
    }

    #[test]
    fn relative_and_repository_urls() {
        let ok = rules("docs/runbooks/api.md#api-down");
        let v = run_on_files(
            &CHECK,
            &[SVC, ("alerts.yml", &ok), ("docs/runbooks/api.md", DOC)],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{}", v.summary);
        let bad_anchor = rules("docs/runbooks/api.md#api-slow");
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("alerts.yml", &bad_anchor),
                ("docs/runbooks/api.md", DOC),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("alerts.yml", 7))
        );
        assert!(v.findings[0].message.contains("#api-slow"));
        let gh = rules("https://github.com/Acme/payments/blob/main/docs/runbook.md");
        let pkg = (
            "package.json",
            "{\"name\":\"p\",\"repository\":{\"type\":\"git\",\"url\":\"git+https://github.com/acme/payments.git\"}}",
        );
        let v = run_on_files(&CHECK, &[SVC, pkg, ("alerts.yml", &gh)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert!(v.findings[0].message.contains("docs/runbook.md"));
        // Another repository's runbook is not judged.
        let other = rules("https://github.com/acme/runbooks/blob/main/api.md");
        assert_eq!(
            run_on_files(&CHECK, &[SVC, pkg, ("alerts.yml", &other)]).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn slugs_and_targets() {
        assert_eq!(heading_slug(" Api Down! "), "api-down");
        let slugs = vec!["acme/payments".to_string()];
        assert_eq!(
            in_repo_target(
                "https://gitlab.com/acme/payments/-/blob/main/ops/run.md#x",
                &slugs
            ),
            Some("ops/run.md#x".into())
        );
        assert_eq!(in_repo_target("https://wiki.acme.dev/x", &slugs), None);
        assert_eq!(in_repo_target("{{ $labels.runbook }}", &slugs), None);
    }
}
