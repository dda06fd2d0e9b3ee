//! What a CI command line runs, decided in one place for every check that asks
//! ("does CI run tests?", "does CI run a linter?"):
//!
//! - `${{ env.NAME }}` in a GitHub Actions line stands for the `NAME:` value the
//!   workflow sets (ripgrep runs `${{ env.CARGO }} test` with `CARGO: cargo`);
//! - `make TARGET` runs the target's recipe and its prerequisites' recipes (the root
//!   Makefile; podinfo's `make test` → `vet:` → `go vet`, requests' `make ci` → pytest);
//! - `npm|pnpm|yarn|bun [run] SCRIPT` runs the root package.json's script
//!   (excalidraw's `yarn test:code` → `eslint`), and `composer [run-script] SCRIPT`
//!   the root composer.json's (shlink's `composer stan` → `phpstan analyse`);
//! - `${{ matrix.KEY }}` stands for each value of its job's matrix (shlink runs
//!   `composer ${{ matrix.command }}` with `command: [cs, stan, openapi:validate]`):
//!   [`variants`] gives one line per combination.
//!
//! Pure: reads the facts' texts only.

use crate::Ctx;
use shipshape_facts::ci::{CiFile, expand_matrix};
use std::borrow::Cow;

/// The commands a CI line stands for: the line with `${{ env.NAME }}` replaced
/// ([`with_env`]), then, when `${{ matrix.KEY }}` is left and the line belongs to a
/// GitHub Actions job with a matrix, one line per combination of that job's matrix
/// (distinct lines only; the line itself when nothing resolves).
pub(crate) fn variants<'a>(
    file: &CiFile,
    text: &str,
    line_no: u32,
    line: &'a str,
) -> Vec<Cow<'a, str>> {
    let base = with_env(text, line);
    if !base.contains("matrix.") {
        return vec![base];
    }
    let Some(wf) = &file.workflow else {
        return vec![base];
    };
    // Jobs are in file order: the line belongs to the last job that starts before it.
    let Some(job) = wf
        .jobs
        .iter()
        .filter(|j| j.line <= line_no)
        .max_by_key(|j| j.line)
    else {
        return vec![base];
    };
    let mut out: Vec<Cow<'a, str>> = Vec::new();
    for combo in &job.matrix {
        if let Some(x) = expand_matrix(&base, combo)
            && !out.iter().any(|o| o.as_ref() == x)
        {
            out.push(Cow::Owned(x));
        }
    }
    if out.is_empty() {
        out.push(base);
    }
    out
}

/// A command found behind a CI line: where it is written and what matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Behind {
    pub path: String,
    pub line: u32,
    /// What the CI line names and what it runs, e.g. "`make ci` runs `pytest`".
    pub what: String,
}

/// The CI line with `${{ env.NAME }}` replaced by the value the same file sets for
/// `NAME` (the first `NAME: value` line), when there is one.
pub(crate) fn with_env<'a>(file_text: &str, line: &'a str) -> Cow<'a, str> {
    if !line.contains("${{") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("${{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let expr = after[..end].trim();
        let value = expr
            .strip_prefix("env.")
            .and_then(|name| env_value(file_text, name));
        match value {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[at..at + 3 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn env_value<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    text.lines().find_map(|l| {
        let t = l.trim_start();
        let v = t.strip_prefix(name)?.strip_prefix(':')?.trim();
        let v = v
            .split(" #")
            .next()
            .unwrap_or(v)
            .trim()
            .trim_matches(['"', '\'']);
        (!v.is_empty() && !v.contains("${{")).then_some(v)
    })
}

/// The root Makefile's path and lines, split once per check run.
pub(crate) fn root_makefile<'a>(ctx: &Ctx<'a>) -> Option<(&'static str, Vec<&'a str>)> {
    ["Makefile", "makefile", "GNUmakefile"]
        .into_iter()
        .find_map(|p| ctx.text(p).map(|t| (p, t.lines().collect::<Vec<&str>>())))
}

/// What a CI `make …` line runs that `find` recognises: the recipe of a target it names,
/// or of one of that target's prerequisites. `find` returns the matched command text.
pub(crate) fn through_make(
    (path, lines): &(&str, Vec<&str>),
    ci_line: &str,
    find: &dyn Fn(&str) -> Option<String>,
) -> Option<Behind> {
    let after = ci_line.split_once("make ")?.1;
    let targets: Vec<&str> = after
        .split_whitespace()
        .take_while(|w| !matches!(*w, "&&" | "||" | ";" | "|"))
        .filter(|w| !w.starts_with('-') && !w.contains('='))
        .collect();
    if targets.is_empty() {
        return None;
    }
    // Rules: the line of `name:` with its prerequisites.
    let rule = |name: &str| -> Option<(usize, Vec<&str>)> {
        lines.iter().enumerate().find_map(|(i, l)| {
            if l.starts_with(['\t', ' ', '#']) {
                return None;
            }
            let (names, rest) = l.split_once(':')?;
            if rest.starts_with('=') || !names.split_whitespace().any(|n| n == name) {
                return None;
            }
            let prereqs = rest
                .split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            Some((i, prereqs))
        })
    };
    // Each command of a recipe, its backslash-continued lines joined (gotify's
    // `docker buildx build … \` / `$(if $(DOCKER_BUILD_PUSH),--push) \`), at its first line.
    let recipe_hit = |at: usize| -> Option<(u32, String)> {
        let mut command = String::new();
        let mut first = 0usize;
        for (k, l) in lines[at + 1..].iter().enumerate() {
            if !(l.starts_with('\t') || l.trim().is_empty() || !command.is_empty()) {
                break;
            }
            if command.is_empty() {
                first = k;
            }
            let t = l.trim_end();
            match t.strip_suffix('\\') {
                Some(head) => {
                    command.push_str(head);
                    command.push(' ');
                }
                None => {
                    command.push_str(t);
                    if let Some(m) = find(&command) {
                        return Some(((at + 2 + first) as u32, m));
                    }
                    command.clear();
                }
            }
        }
        None
    };
    for t in &targets {
        let Some((at, prereqs)) = rule(t) else {
            continue;
        };
        let found = recipe_hit(at).or_else(|| {
            prereqs
                .iter()
                .filter_map(|p| rule(p))
                .find_map(|(pat, _)| recipe_hit(pat))
        });
        if let Some((line, cmd)) = found {
            return Some(Behind {
                path: path.to_string(),
                line,
                what: format!("`make {t}` runs `{cmd}`"),
            });
        }
    }
    None
}

/// What a CI `npm|pnpm|yarn|bun [run] SCRIPT` line runs that `find` recognises: the
/// root package.json's script of that name.
pub(crate) fn through_package_script(
    ctx: &Ctx,
    ci_line: &str,
    find: &dyn Fn(&str) -> Option<String>,
) -> Option<Behind> {
    let words: Vec<&str> = ci_line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| matches!(*w, "npm" | "pnpm" | "yarn" | "bun"))?;
    let mut rest = &words[at + 1..];
    let run = rest.first() == Some(&"run");
    if run {
        rest = &rest[1..];
    }
    let script = rest.first()?.trim_matches(['"', '\'']);
    // Without `run`, these are the package manager's own commands (`npm ci` installs).
    if script.starts_with('-')
        || (!run
            && matches!(
                script,
                "install" | "ci" | "add" | "i" | "exec" | "dlx" | "x"
            ))
    {
        return None;
    }
    let text = ctx.text("package.json")?;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let scripts = &json["scripts"];
    // The script, the scripts it runs in turn (`npm run backend:nohttp:test`) and the
    // `pre` hooks npm runs before each (`pretest`: `npm run lint`), a few levels deep
    // (jhipster-sample-app: `ci:backend:test` → `backend:nohttp:test` → `./mvnw
    // checkstyle:check`; `npm test` → `pretest` → `lint` → `eslint .`).
    let mut queue = vec![(script.to_string(), 0usize)];
    let mut seen: Vec<String> = Vec::new();
    while let Some((name, depth)) = queue.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let pre = format!("pre{name}");
        if depth < MAX_SCRIPT_DEPTH && scripts[pre.as_str()].is_string() {
            queue.push((pre, depth + 1));
        }
        let Some(cmd) = scripts[name.as_str()].as_str() else {
            continue;
        };
        if let Some(matched) = find(cmd) {
            return Some(script_behind(
                "package.json",
                text,
                script,
                &name,
                &matched,
                script,
            ));
        }
        if depth < MAX_SCRIPT_DEPTH {
            for part in cmd.split("&&").flat_map(|p| p.split(';')) {
                let words: Vec<&str> = part.split_whitespace().collect();
                let called = match words.as_slice() {
                    ["npm" | "pnpm" | "yarn" | "bun", "run", s, ..] => Some(*s),
                    ["yarn" | "pnpm", s, ..] if !s.starts_with('-') => Some(*s),
                    ["npm", "test", ..] | ["npm", "t", ..] => Some("test"),
                    _ => None,
                };
                if let Some(c) = called {
                    queue.push((c.trim_matches(['"', '\'']).to_string(), depth + 1));
                }
            }
        }
    }
    None
}

/// Where a manifest's script `name` is written (its `"name":` line in `text`) and what
/// the CI's `script` runs through it: "`shown` script runs `matched` (through `name`)".
fn script_behind(
    path: &str,
    text: &str,
    script: &str,
    name: &str,
    matched: &str,
    shown: &str,
) -> Behind {
    let needle = format!("\"{name}\"");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(&needle))
        .map_or(1, |i| i as u32 + 1);
    let via = if name == script {
        String::new()
    } else {
        format!(" (through `{name}`)")
    };
    Behind {
        path: path.to_string(),
        line,
        what: format!("`{shown}` script runs `{matched}`{via}"),
    }
}

/// Composer's own commands: `composer install` is no script.
const COMPOSER_COMMANDS: &[&str] = &[
    "install",
    "update",
    "require",
    "remove",
    "validate",
    "dump-autoload",
    "dumpautoload",
    "config",
    "global",
    "show",
    "outdated",
    "audit",
    "create-project",
    "self-update",
    "selfupdate",
    "diagnose",
    "clear-cache",
    "exec",
    "check-platform-reqs",
    "bump",
    "reinstall",
    "licenses",
    "fund",
    "why",
    "depends",
    "prohibits",
    "search",
    "status",
    "archive",
    "init",
    "list",
    "help",
    "upgrade",
    "u",
    "i",
];

/// Most `@other` references followed inside composer scripts.
const MAX_SCRIPT_DEPTH: usize = 4;

/// What a CI `composer [run-script|run] SCRIPT` line runs that `find` recognises: the
/// root composer.json's script of that name (a string or a list; `@other` runs another
/// script, followed a few levels).
pub(crate) fn through_composer_script(
    ctx: &Ctx,
    ci_line: &str,
    find: &dyn Fn(&str) -> Option<String>,
) -> Option<Behind> {
    let words: Vec<&str> = ci_line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "composer")?;
    let mut rest = &words[at + 1..];
    while rest.first().is_some_and(|w| w.starts_with('-')) {
        rest = &rest[1..];
    }
    let explicit = matches!(rest.first(), Some(&("run-script" | "run")));
    if explicit {
        rest = &rest[1..];
    }
    let script = rest.first()?.trim_matches(['"', '\'']);
    if script.starts_with('-') || (!explicit && COMPOSER_COMMANDS.contains(&script)) {
        return None;
    }
    let text = ctx.text("composer.json")?;
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let scripts = &json["scripts"];
    let mut queue = vec![(script.to_string(), 0usize)];
    while let Some((name, depth)) = queue.pop() {
        let entries: Vec<&str> = match &scripts[name.as_str()] {
            serde_json::Value::String(s) => vec![s.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => continue,
        };
        for entry in entries {
            if let Some(other) = entry.strip_prefix('@')
                && !other.starts_with("php ")
                && !other.starts_with("composer ")
            {
                if depth < MAX_SCRIPT_DEPTH {
                    queue.push((
                        other.split_whitespace().next().unwrap_or("").to_string(),
                        depth + 1,
                    ));
                }
                continue;
            }
            if let Some(matched) = find(entry) {
                let shown = format!("composer {script}");
                return Some(script_behind(
                    "composer.json",
                    text,
                    script,
                    &name,
                    &matched,
                    &shown,
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BurntSushi/ripgrep runs `${{ env.CARGO }} test --workspace` with `CARGO: cargo`.
    #[test]
    fn env_references_take_the_workflows_value() {
        let wf = "env:\n  CARGO: cargo\njobs:\n  t:\n    steps:\n      - run: ${{ env.CARGO }} test --workspace\n";
        assert_eq!(
            with_env(wf, "      - run: ${{ env.CARGO }} test --workspace"),
            "      - run: cargo test --workspace"
        );
        // Unknown names and other contexts stay as they are.
        assert_eq!(
            with_env(wf, "run: ${{ env.NOPE }} x ${{ matrix.os }}"),
            "run: ${{ env.NOPE }} x ${{ matrix.os }}"
        );
        assert_eq!(with_env(wf, "run: make"), "run: make");
    }
}
