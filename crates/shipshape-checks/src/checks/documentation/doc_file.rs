//! Shared look-up for "a document of this kind exists" checks (changelog, contributing...).

use crate::Ctx;
use shipshape_facts::FileEntry;
use shipshape_facts::FileKind;

/// The best file of `kind` for the unit: at the unit's root, then the repository
/// root, `.github/`, `.gitlab/` or `docs/`, then anywhere in the unit outside tests.
pub(crate) fn find<'a>(ctx: &Ctx<'a>, kind: FileKind) -> Option<&'a FileEntry> {
    let unit = ctx.unit.path.trim_end_matches('/');
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let all: Vec<&'a FileEntry> = ctx
        .facts
        .files
        .iter()
        .filter(|f| f.kind == kind && !f.in_test)
        .collect();
    all.iter()
        .find(|f| dir(&f.path) == unit)
        .or_else(|| {
            all.iter()
                .find(|f| matches!(dir(&f.path).as_str(), "" | ".github" | ".gitlab" | "docs"))
        })
        .or_else(|| all.iter().find(|f| ctx.in_unit(&f.path)))
        .copied()
}

/// Word count of a kept text (0 when not kept).
pub(crate) fn words(ctx: &Ctx, path: &str) -> usize {
    ctx.text(path).map_or(0, |t| t.split_whitespace().count())
}

/// True for documentation-like files (Markdown, reStructuredText, AsciiDoc, text).
fn is_doc(kind: FileKind, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    matches!(kind, FileKind::Doc | FileKind::Readme)
        || [".md", ".markdown", ".rst", ".adoc", ".txt"]
            .iter()
            .any(|e| lower.ends_with(e))
}

/// The first documentation file of the unit (or repository-level) whose file stem
/// starts with one of `names`, or that sits under a directory named in `dirs`.
/// A documentation site's ordering prefix taken off a path segment: Docusaurus's
/// `05-architecture.md`, `30-administration/` (woodpecker's docs), `01_intro.md`.
fn without_order_prefix(segment: &str) -> &str {
    let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
    match segment.as_bytes().get(digits) {
        Some(b'-' | b'_' | b'.') if digits > 0 && digits + 1 < segment.len() => {
            &segment[digits + 1..]
        }
        _ => segment,
    }
}

pub(crate) fn doc_matching(ctx: &Ctx, names: &[&str], dirs: &[&str]) -> Option<String> {
    let key = format!("doc_matching {names:?} {dirs:?}");
    ctx.first_unit_doc(&key, |f| {
        if !is_doc(f.kind, &f.path) || f.in_test {
            return false;
        }
        let lower = f.path.to_ascii_lowercase();
        let mut parts: Vec<&str> = lower.split('/').map(without_order_prefix).collect();
        let name = parts.pop().unwrap_or("");
        // A directory counts by its name or a name it starts with before a separator
        // (Flagsmith's `docs/docs/deployment-self-hosting/`).
        let dir_named = |d: &str| {
            dirs.iter().any(|x| {
                d == *x
                    || d.strip_prefix(x)
                        .is_some_and(|rest| rest.starts_with(['-', '_', '.']))
            })
        };
        names.iter().any(|n| name.starts_with(n)) || parts.iter().any(|d| dir_named(d))
    })
    .map(|f| f.path.clone())
}

/// The repository's main documentation file beside or instead of its README: the
/// root's `DOCUMENTATION.md` (Kozea/Radicale keeps its whole manual there), or the
/// index of its `docs/` directory.
fn is_main_documentation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let stem = |p: &str| p.split('.').next().unwrap_or(p).to_string();
    match lower.rsplit_once('/') {
        None => stem(&lower) == "documentation",
        Some(("docs", name)) => matches!(stem(name).as_str(), "index" | "readme"),
        Some(_) => false,
    }
}

/// The first line of the unit's or the repository's README (or the repository's main
/// documentation file) for which `hit` gives a value: `(path, line, value)`.
pub(crate) fn readme_line<T>(
    ctx: &Ctx,
    hit: impl Fn(&str) -> Option<T>,
) -> Option<(String, u32, T)> {
    let unit = ctx.unit.path.trim_end_matches('/');
    let mut files: Vec<&FileEntry> = ctx
        .facts
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Readme)
        .filter(|f| {
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            dir.is_empty() || dir == unit
        })
        .collect();
    files.extend(ctx.facts.files.iter().filter(|f| {
        f.kind != FileKind::Readme && is_doc(f.kind, &f.path) && is_main_documentation(&f.path)
    }));
    files.into_iter().find_map(|f| {
        let text = ctx.text(&f.path)?;
        text.lines()
            .enumerate()
            .find_map(|(i, l)| hit(l).map(|v| (f.path.clone(), i as u32 + 1, v)))
    })
}

/// A heading in the unit's or the repository's README containing one of `words`: `(path, line)`.
pub(crate) fn readme_section(ctx: &Ctx, words: &[&str]) -> Option<(String, u32)> {
    readme_line(ctx, |l| {
        let t = l.trim_start();
        let lower = t.to_ascii_lowercase();
        (t.starts_with('#') && words.iter().any(|w| lower.contains(w))).then_some(())
    })
    .map(|(p, line, ())| (p, line))
}

/// The first image in the unit's or the repository's README whose alt text or file
/// names one of `words` (`![Architecture diagram](img/architecture.png)`, `<img
/// src="docs/design.svg">`): `(path, line)`.
pub(crate) fn readme_image(ctx: &Ctx, words: &[&str]) -> Option<(String, u32)> {
    readme_line(ctx, |l| {
        let lower = l.to_ascii_lowercase();
        let image = lower
            .find("![")
            .map(|at| &lower[at..])
            .filter(|rest| rest.contains("]("))
            .or_else(|| lower.find("<img").map(|at| &lower[at..]))?;
        words.iter().any(|w| image.contains(w)).then_some(())
    })
    .map(|(p, line, ())| (p, line))
}

/// The verdict on a document that was found: pass with `found` as summary when it has
/// at least `min` words, else warn that it is a stub, with `stub_hint` as the fix.
pub(crate) fn judge_length(
    path: &str,
    words: usize,
    min: usize,
    found: String,
    stub_hint: &str,
) -> crate::Verdict {
    use shipshape_model::{Finding, Location};
    if words >= min {
        crate::Verdict::pass_with(
            found,
            vec![Finding::at(Location::file(path), format!("{words} words"))],
        )
    } else {
        crate::Verdict::warn(
            format!("{path} is a stub ({words} words)"),
            vec![Finding::at(Location::file(path), stub_hint)],
        )
    }
}
