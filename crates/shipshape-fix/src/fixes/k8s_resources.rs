//! `k8s-resources`: CPU and memory requests and a memory limit for the containers
//! `scalability/resource-limits` flags.
//!
//! **Edits** each flagged manifest, one fix per manifest, **review**: requests decide
//! where pods are scheduled, and a memory limit that is too low kills them.
//!
//! Each missing value (the ones the check's finding names: `requests.cpu`,
//! `requests.memory`, `limits.memory`; no CPU limit, which only throttles) comes from
//! the repository's own facts, first found first:
//! 1. **compose**: `deploy.resources` of the compose service that runs the same image
//!    (same repository, any tag) or has the container's name: `reservations` give the
//!    requests (else `limits`), `limits.memory` the memory limit; Docker's `cpus: "0.5"`
//!    becomes `500m`, its binary `512M` becomes `512Mi`;
//! 2. **another workload** running the same image that sets all three values (none of
//!    them a placeholder);
//! 3. otherwise a **placeholder** (`100m`, `128Mi`, `256Mi`) carrying the comment
//!    `# shipshape:placeholder — size from measurements`, on which the check keeps
//!    warning until a person sizes it and removes the marker.
//!
//! **Where**: a `resources:` block after the container's last line; in place of an
//! empty `resources: {}` (what `kubectl create --dry-run` writes) or bare `resources:`;
//! into its existing block-style `resources:` (a missing `requests:`/`limits:` section at
//! the block's end, a missing key at its section's end) otherwise. Flow-style `resources: {…}` or
//! sections, Helm templates and Kustomize patches are noted, not edited.

use super::FixDef;
use super::text::{end_of_mapping, first_key, indented, lines_with_offsets};
use crate::{Applicability, FileEdit, Fix, FixCtx};
use shipshape_facts::{FileKind, Yaml};

pub static FIX: FixDef = FixDef {
    check_id: "scalability/resource-limits",
    name: "k8s-resources",
    title: "Set container requests and a memory limit from the repository's own sizes",
    generate,
};

/// The marker the check warns on (`scalability/resource-limits`).
const MARKER: &str = "# shipshape:placeholder — size from measurements";

/// The three values the check asks for, in the order they are written.
const WANTED: [(&str, &str, &str); 3] = [
    ("requests", "cpu", "100m"),
    ("requests", "memory", "128Mi"),
    ("limits", "memory", "256Mi"),
];

/// Sizes for the three values, each with where it came from.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Sizes {
    values: [Option<String>; 3],
    source: String,
}

/// An image's repository without tag or digest (`ghcr.io/acme/api:1.2` → `ghcr.io/acme/api`).
fn image_repo(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => r,
        _ => image,
    }
}

/// Docker's CPU count (`0.5`, `"1.5"`) as Kubernetes millicores (`500m`).
fn cpu(v: &Yaml) -> Option<String> {
    let n: f64 = v.scalar_text()?.trim().parse().ok()?;
    if !(n > 0.0 && n.is_finite()) {
        return None;
    }
    Some(format!("{}m", (n * 1000.0).round() as u64))
}

/// Docker's memory size (`512M`, `1g`, `268435456`; binary units) in Kubernetes units.
fn memory(v: &Yaml) -> Option<String> {
    let s = v.scalar_text()?.trim().to_ascii_lowercase();
    let s = s.strip_suffix('b').unwrap_or(&s);
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok().filter(|n| *n > 0)?;
    let unit = match unit {
        "" => "",
        "k" => "Ki",
        "m" => "Mi",
        "g" => "Gi",
        _ => return None,
    };
    Some(format!("{n}{unit}"))
}

/// Sizes from the compose service running the container's image (or named like it).
fn compose_sizes(ctx: &FixCtx, name: &str, image: &str) -> Option<Sizes> {
    for f in ctx
        .facts
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Compose && f.role.is_production())
    {
        let Some(Ok(docs)) = ctx.facts.yaml(&f.path) else {
            continue;
        };
        for (svc_name, svc) in docs.iter().flat_map(|d| d.idx("services").entries()) {
            let same_image = svc
                .idx("image")
                .as_str()
                .is_some_and(|i| !image.is_empty() && image_repo(i) == image_repo(image));
            if !same_image && svc_name.as_str() != name {
                continue;
            }
            let r = svc.idx("deploy").idx("resources");
            let (lim, res) = (r.idx("limits"), r.idx("reservations"));
            let values = [
                cpu(res.idx("cpus")).or_else(|| cpu(lim.idx("cpus"))),
                memory(res.idx("memory")).or_else(|| memory(lim.idx("memory"))),
                memory(lim.idx("memory")),
            ];
            if values.iter().any(Option::is_some) {
                return Some(Sizes {
                    values,
                    source: format!(
                        "`deploy.resources` of compose service `{svc_name}` ({}:{})",
                        f.path, r.line
                    ),
                });
            }
        }
    }
    None
}

/// True when the line of `v` in `path` carries the placeholder marker.
fn is_placeholder(ctx: &FixCtx, path: &str, v: &Yaml) -> bool {
    ctx.facts.text(path).is_some_and(|t| {
        t.lines()
            .nth(v.line.saturating_sub(1) as usize)
            .is_some_and(|l| l.contains("shipshape:placeholder"))
    })
}

/// Sizes from another workload's container running the same image with all three set.
fn workload_sizes(ctx: &FixCtx, path: &str, line: u32, image: &str) -> Option<Sizes> {
    if image.is_empty() {
        return None;
    }
    for o in ctx
        .facts
        .k8s_objects()
        .items
        .iter()
        .filter(|o| o.is_workload() && !o.in_test && !o.patch)
    {
        for c in o.containers(false) {
            if (o.path == path && c.line == line)
                || image_repo(c.idx("image").as_str().unwrap_or("")) != image_repo(image)
            {
                continue;
            }
            let r = c.idx("resources");
            let got: Vec<&Yaml> = WANTED
                .iter()
                .filter_map(|(s, k, _)| r.at(&[s, k]).filter(|v| !v.is_null()))
                .collect();
            if got.len() == 3 && !got.iter().any(|v| is_placeholder(ctx, &o.path, v)) {
                return Some(Sizes {
                    values: [0, 1, 2].map(|i| got[i].scalar_text()),
                    source: format!(
                        "{} `{}` ({}:{}), which runs the same image",
                        o.display(),
                        c.idx("name").as_str().unwrap_or("?"),
                        o.path,
                        c.line
                    ),
                });
            }
        }
    }
    None
}

/// `key: value` lines for the wanted values of one section, placeholders marked.
fn key_lines(section: &str, missing: &[usize], sizes: &Sizes) -> String {
    let mut out = String::new();
    for &i in missing {
        let (s, k, placeholder) = WANTED[i];
        if s != section {
            continue;
        }
        match &sizes.values[i] {
            Some(v) => out.push_str(&format!("{k}: {v}\n")),
            None => out.push_str(&format!("{k}: {placeholder} {MARKER}\n")),
        }
    }
    out
}

/// The `requests:`/`limits:` sections holding the `missing` values, unindented.
fn new_block(missing: &[usize], sizes: &Sizes) -> String {
    ["requests", "limits"]
        .iter()
        .map(|s| {
            let keys = key_lines(s, missing, sizes);
            if keys.is_empty() {
                String::new()
            } else {
                format!("{s}:\n{}", indented(&keys, 2))
            }
        })
        .collect()
}

/// The edits that add the `missing` values to container `c` of `path`, or why not.
fn container_edits(
    path: &str,
    text: &str,
    c: &Yaml,
    missing: &[usize],
    sizes: &Sizes,
) -> Result<Vec<FileEdit>, &'static str> {
    let lines = lines_with_offsets(text);
    let line_of = |y: &Yaml| lines.get(y.line.saturating_sub(1) as usize);
    let block_col = |y: &Yaml| -> Option<usize> {
        let (_, l) = line_of(y)?;
        let (col, flow) = first_key(l);
        (!flow && y.line != y.key_line && !y.entries().is_empty()).then_some(col)
    };
    let Some(key_col) = block_col(c) else {
        return Err("is written in flow style");
    };
    let Some(r) = c.get("resources") else {
        let (_, at, lead) = end_of_mapping(text, &lines, c.line as usize - 1, key_col);
        return Ok(vec![FileEdit::insert(
            path,
            text,
            at,
            format!(
                "{lead}{}",
                indented(
                    &format!("resources:\n{}", indented(&new_block(missing, sizes), 2)),
                    key_col
                )
            ),
        )]);
    };
    // `resources: {}` (what `kubectl create --dry-run` writes) or a bare `resources:`:
    // the empty value gives way to the block.
    if r.entries().is_empty()
        && r.items().is_empty()
        && let Some(&(off, l)) = lines.get(r.key_line.saturating_sub(1) as usize)
        && let Some(col) = super::text::key_column(l, "resources")
    {
        let after = col + "resources:".len();
        let value = l[after..].trim();
        if value == "{}" || value.is_empty() {
            let block = indented(&new_block(missing, sizes), col + 2);
            return Ok(vec![FileEdit::replace(
                path,
                text,
                off + after..off + l.len(),
                format!("\n{}", block.trim_end_matches('\n')),
            )]);
        }
    }
    let Some(r_col) = block_col(r) else {
        return Err("has a flow-style `resources:`");
    };
    // Insertions by offset, in order: a section's keys before a section that follows it.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut push = |at: usize, s: String| match inserts.iter_mut().find(|(a, _)| *a == at) {
        Some((_, t)) => t.push_str(&s),
        None => inserts.push((at, s)),
    };
    for section in ["requests", "limits"] {
        let keys = key_lines(section, missing, sizes);
        if keys.is_empty() {
            continue;
        }
        match r.get(section) {
            None => {
                let (_, at, lead) = end_of_mapping(text, &lines, r.line as usize - 1, r_col);
                push(
                    at,
                    format!(
                        "{lead}{}",
                        indented(&format!("{section}:\n{}", indented(&keys, 2)), r_col)
                    ),
                );
            }
            Some(s) => {
                let Some(s_col) = block_col(s) else {
                    return Err("has a flow-style or empty resources section");
                };
                let (_, at, lead) = end_of_mapping(text, &lines, s.line as usize - 1, s_col);
                push(at, format!("{lead}{}", indented(&keys, s_col)));
            }
        }
    }
    Ok(inserts
        .into_iter()
        .map(|(at, s)| FileEdit::insert(path, text, at, s))
        .collect())
}

/// A flagged container: its workload (`Deployment/api`), its line, and the indexes into
/// [`WANTED`] of what it lacks.
type Wanted<'a> = (&'a str, u32, Vec<usize>);

fn plan(ctx: &FixCtx, path: &str, wanted: &[Wanted]) -> Option<Fix> {
    let text = ctx.facts.text(path)?;
    if text.contains("{{") {
        ctx.note(format!(
            "{path}: a Helm template; set the resources in the chart's values"
        ));
        return None;
    }
    let mut edits = Vec::new();
    let mut described = Vec::new();
    for (display, line, missing) in wanted {
        let Some((o, c)) = ctx
            .facts
            .k8s_objects()
            .items
            .iter()
            .filter(|o| o.path == path && !o.patch && o.display() == *display)
            .find_map(|o| {
                Some((
                    o,
                    o.containers(false).into_iter().find(|c| c.line == *line)?,
                ))
            })
        else {
            continue;
        };
        let name = c.idx("name").as_str().unwrap_or("?");
        let image = c.idx("image").as_str().unwrap_or("");
        let sizes = compose_sizes(ctx, name, image)
            .or_else(|| workload_sizes(ctx, path, *line, image))
            .unwrap_or_default();
        match container_edits(path, text, c, missing, &sizes) {
            Ok(e) => edits.extend(e),
            Err(why) => {
                ctx.note(format!(
                    "{path}:{line}: container `{name}` of {} {why}; set its resources by hand",
                    o.display()
                ));
                continue;
            }
        }
        let placeholders = missing
            .iter()
            .filter(|&&i| sizes.values[i].is_none())
            .count();
        let source = match (sizes.source.is_empty(), placeholders) {
            (true, _) => "placeholders marked `# shipshape:placeholder` (the repository gives no size; the check warns until they are measured)".to_string(),
            (false, 0) => format!("from {}", sizes.source),
            (false, n) => format!("from {}, {n} placeholder(s) marked `# shipshape:placeholder`", sizes.source),
        };
        described.push(format!(
            "{} `{name}`: {} {source}",
            o.display(),
            missing
                .iter()
                .map(|&i| format!("{}.{}", WANTED[i].0, WANTED[i].1))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if edits.is_empty() {
        return None;
    }
    Some(ctx.fix(
        Applicability::Review,
        format!(
            "set requests and a memory limit in {path}: {}",
            described.join("; ")
        ),
        edits,
    ))
}

fn generate(ctx: &FixCtx) -> Vec<Fix> {
    // path → (workload, container line, indexes into WANTED); what is missing is what the
    // check's finding names (`… has no requests.cpu, limits.memory`): a LimitRange may
    // supply the rest.
    let mut by_path: Vec<(&str, Vec<Wanted>)> = Vec::new();
    for f in &ctx.result.findings {
        let (Some(loc), Some(key)) = (f.location.as_ref(), f.key.as_deref()) else {
            continue;
        };
        let Some((_, list)) = f.message.rsplit_once(" has no ") else {
            continue;
        };
        let missing: Vec<usize> = list
            .split(", ")
            .filter_map(|m| WANTED.iter().position(|(s, k, _)| format!("{s}.{k}") == m))
            .collect();
        let (Some(line), Some((display, _))) = (loc.line, key.rsplit_once(':')) else {
            continue;
        };
        if missing.is_empty() {
            continue;
        }
        let at = match by_path.iter().position(|(p, _)| *p == loc.path) {
            Some(i) => i,
            None => {
                by_path.push((loc.path.as_str(), Vec::new()));
                by_path.len() - 1
            }
        };
        by_path[at].1.push((display, line, missing));
    }
    by_path
        .into_iter()
        .filter_map(|(p, w)| plan(ctx, p, &w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use shipshape_model::Outcome;

    const M: &str = "deploy/api.yaml";
    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api # the API\n          image: ghcr.io/acme/api:1.4.2\n";

    fn fixed(files: &[(&str, &str)]) -> (String, Vec<String>, Outcome) {
        let (new, notes, before, after) = fix_and_rescan(&FIX, files, M);
        assert_eq!(before, Outcome::Fail);
        (new, notes, after)
    }

    #[test]
    fn compose_limits_become_requests_and_a_memory_limit() {
        let compose = "services:\n  api:\n    image: ghcr.io/acme/api:dev\n    deploy:\n      resources:\n        limits: {cpus: \"1.5\", memory: 512M}\n        reservations:\n          cpus: \"0.25\"\n          memory: 256m\n";
        let (out, _, after) = fixed(&[("compose.yaml", compose), (M, DEPLOY)]);
        assert_eq!(
            out,
            format!(
                "{DEPLOY}          resources:\n            requests:\n              cpu: 250m\n              memory: 256Mi\n            limits:\n              memory: 512Mi\n"
            )
        );
        assert_eq!(after, Outcome::Pass);
    }

    #[test]
    fn no_size_in_the_repository_writes_marked_placeholders_the_check_warns_on() {
        let (out, _, after) = fixed(&[(M, DEPLOY)]);
        assert_eq!(out.matches(MARKER).count(), 3, "{out}");
        assert!(out.contains("cpu: 100m # shipshape:placeholder"), "{out}");
        assert_eq!(after, Outcome::Warn);
    }

    #[test]
    fn partial_resources_get_only_what_is_missing_from_another_workload() {
        let worker = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/acme/api:1.4.2\n          resources:\n            requests: {cpu: 200m, memory: 300Mi}\n            limits: {memory: 600Mi}\n";
        let partial = format!(
            "{DEPLOY}          resources:\n            requests:\n              cpu: 50m\n\n          ports:\n            - containerPort: 8080\n"
        );
        let (out, _, after) = fixed(&[("deploy/worker.yaml", worker), (M, &partial)]);
        assert_eq!(
            out,
            format!(
                "{DEPLOY}          resources:\n            requests:\n              cpu: 50m\n              memory: 300Mi\n            limits:\n              memory: 600Mi\n\n          ports:\n            - containerPort: 8080\n"
            )
        );
        assert_eq!(after, Outcome::Pass);
        // kubectl's `resources: {}` becomes the block.
        let empty = format!("{DEPLOY}          resources: {{}}\n          ports: []\n");
        let (out, _, after) = fixed(&[("deploy/worker.yaml", worker), (M, &empty)]);
        assert_eq!(
            out,
            format!(
                "{DEPLOY}          resources:\n            requests:\n              cpu: 200m\n              memory: 300Mi\n            limits:\n              memory: 600Mi\n          ports: []\n"
            )
        );
        assert_eq!(after, Outcome::Pass);
        let flow = format!("{DEPLOY}          resources: {{requests: {{cpu: 50m}}}}\n");
        let (out, notes, _) = fixed(&[(M, &flow)]);
        assert_eq!(out, flow);
        assert!(notes.iter().any(|n| n.contains("flow-style")), "{notes:?}");
    }

    #[test]
    fn docker_units_convert() {
        let y = |s: &str| Yaml {
            value: shipshape_facts::YamlValue::Str(s.into()),
            line: 1,
            key_line: 0,
        };
        assert_eq!(cpu(&y("0.5")).as_deref(), Some("500m"));
        assert_eq!(cpu(&y("2")).as_deref(), Some("2000m"));
        assert_eq!(cpu(&y("-1")), None);
        assert_eq!(memory(&y("1G")).as_deref(), Some("1Gi"));
        assert_eq!(memory(&y("512mb")).as_deref(), Some("512Mi"));
        assert_eq!(memory(&y("1048576")).as_deref(), Some("1048576"));
        assert_eq!(memory(&y("1.5g")), None);
        assert_eq!(image_repo("localhost:5000/api:1"), "localhost:5000/api");
    }
}
