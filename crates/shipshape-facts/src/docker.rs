//! A small Dockerfile/Containerfile parser: instructions with lines, stages,
//! `ARG` substitution in `FROM`, heredocs skipped, continuation lines joined.
//! Existing crates lack heredocs, spans and HEALTHCHECK, so we keep our own.

use serde::Serialize;
use std::collections::HashMap;

/// One instruction, with its continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// Upper-case keyword (`FROM`, `RUN`, `USER`...).
    pub keyword: String,
    pub args: String,
    /// 1-based line where the instruction starts.
    pub line: u32,
}

/// A build stage (`FROM ... [AS name]` and what follows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The image as written.
    pub image_raw: String,
    /// The image with `ARG` defaults substituted (`${VAR}` kept when unknown).
    pub image: String,
    pub alias: Option<String>,
    pub line: u32,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// The last `USER` of this stage, with its line.
    pub fn user(&self) -> Option<(&str, u32)> {
        self.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == "USER")
            .map(|i| (i.args.trim(), i.line))
    }

    /// What the stage's `COPY`/`ADD` instructions take from the build context (not
    /// from another stage or image with `--from`, nor URLs), as written.
    pub fn context_sources(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for i in &self.instructions {
            if i.keyword != "COPY" && i.keyword != "ADD" {
                continue;
            }
            let words: Vec<&str> = i.args.split_whitespace().collect();
            if words.iter().any(|w| w.starts_with("--from")) || words.first() == Some(&"[") {
                continue;
            }
            let args: Vec<&str> = words.into_iter().filter(|w| !w.starts_with("--")).collect();
            if let Some((_, sources)) = args.split_last() {
                out.extend(
                    sources
                        .iter()
                        .copied()
                        .filter(|s| !s.contains("://") && !s.starts_with("<<")),
                );
            }
        }
        out
    }

    /// The `HEALTHCHECK` instruction, if any.
    pub fn healthcheck(&self) -> Option<&Instruction> {
        self.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == "HEALTHCHECK")
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    pub path: String,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// The stage that produces the image (the last one).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The external base image of the chain of stages ending at `stage` (`FROM build`
    /// followed back to `FROM rust:1.80 AS build`), as written with `ARG` defaults.
    pub fn base_image<'a>(&'a self, stage: &'a Stage) -> &'a str {
        let mut current = stage;
        for _ in 0..self.stages.len() {
            match self.stages.iter().find(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&current.image))
            }) {
                Some(p) if !std::ptr::eq(p, current) => current = p,
                _ => break,
            }
        }
        &current.image
    }

    /// The `HEALTHCHECK` the image of `stage` has: its own, else the one of the stage
    /// it is built `FROM` (Docker inherits it: Flagsmith's `oss-api` is `FROM
    /// api-runtime`, whose HEALTHCHECK it keeps). `HEALTHCHECK NONE` switches it off.
    pub fn healthcheck_of<'a>(&'a self, stage: &'a Stage) -> Option<&'a Instruction> {
        let mut current = stage;
        for _ in 0..=self.stages.len() {
            if let Some(h) = current.healthcheck() {
                return (!h.args.trim().eq_ignore_ascii_case("none")).then_some(h);
            }
            current = self.stages.iter().find(|s| {
                !std::ptr::eq(*s, current)
                    && s.alias
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(&current.image))
            })?;
        }
        None
    }

    /// The stages another stage builds on, by `FROM` or `COPY --from` (named or by
    /// index).
    fn stage_refs(&self, stage: &Stage) -> Vec<usize> {
        let find = |name: &str| {
            name.parse::<usize>()
                .ok()
                .filter(|&i| i < self.stages.len())
                .or_else(|| {
                    self.stages.iter().position(|s| {
                        s.alias
                            .as_deref()
                            .is_some_and(|a| a.eq_ignore_ascii_case(name))
                    })
                })
        };
        let mut out: Vec<usize> = find(&stage.image).into_iter().collect();
        for i in stage
            .instructions
            .iter()
            .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
        {
            for w in i.args.split_whitespace() {
                if let Some(from) = w.strip_prefix("--from=")
                    && let Some(k) = find(from)
                {
                    out.push(k);
                }
            }
        }
        out
    }

    /// For each image this Dockerfile can produce (a stage no other stage builds on: the
    /// last one, and the other `--target`s of a multi-target file), what it takes from
    /// the build context through every stage it is built from, as written. Flagsmith's
    /// root Dockerfile: the `oss-api` target takes `api` (and `api/pyproject.toml`
    /// through its `build-python` stage), `oss-frontend` takes `frontend`.
    pub fn target_sources(&self) -> Vec<(usize, Vec<&str>)> {
        let refs: Vec<Vec<usize>> = self.stages.iter().map(|s| self.stage_refs(s)).collect();
        let used: std::collections::BTreeSet<usize> = refs.iter().flatten().copied().collect();
        (0..self.stages.len())
            .filter(|i| !used.contains(i))
            .map(|target| {
                let mut seen = vec![false; self.stages.len()];
                let mut todo = vec![target];
                let mut sources = Vec::new();
                while let Some(i) = todo.pop() {
                    if std::mem::replace(&mut seen[i], true) {
                        continue;
                    }
                    sources.extend(self.stages[i].context_sources());
                    todo.extend(refs[i].iter().copied().filter(|&k| !seen[k]));
                }
                (target, sources)
            })
            .collect()
    }

    /// For each target ([`Dockerfile::target_sources`]), the directories `is_dir`
    /// accepts that it takes from the build context at `context` as a whole (`COPY api
    /// /app/`; a file inside one, `api/pyproject.toml`, does not count). The one reading
    /// of "this image is built from that directory": unit discovery asks it of
    /// application directories, a check of the unit directories.
    pub fn target_dirs(
        &self,
        context: &str,
        is_dir: impl Fn(&str) -> bool,
    ) -> Vec<std::collections::BTreeSet<String>> {
        self.target_sources()
            .into_iter()
            .map(|(_, sources)| {
                sources
                    .iter()
                    .filter_map(|src| crate::ci::normalise_path(&format!("{context}/{src}")))
                    .filter(|p| p != "." && is_dir(p))
                    .collect()
            })
            .collect()
    }

    /// True when `image` names an earlier stage rather than an external image.
    pub fn is_stage_ref(&self, image: &str) -> bool {
        self.stages.iter().any(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(image))
        })
    }
}

/// Something a Dockerfile's `RUN` steps compile: a package named to the build tool, or
/// a path (relative to the build context, `./` removed) it is pointed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// `cargo build -p NAME` / `--package NAME` / `--bin NAME`.
    Package(String),
    /// `go build ./cmd/x`, `cargo install --path x`, `dotnet publish src/Api/Api.csproj`.
    Path(String),
}

/// Process wrappers an image starts before its program (they take the program as their
/// arguments).
const INIT_WRAPPERS: &[&str] = &["tini", "dumb-init", "catatonit", "s6-svscan", "--"];

impl Dockerfile {
    /// What the image's `RUN` steps compile, in the order written: Cargo packages and
    /// binaries (`cargo build`/`install`/`auditable build`/`zigbuild`; `cargo chef cook`
    /// only prepares dependencies), Go packages (`go build`/`go install` paths), .NET
    /// projects (`dotnet publish`/`build`). The one reading of build commands that
    /// decides which of a repository's projects a Dockerfile outside them ships.
    pub fn builds(&self) -> Vec<Built> {
        let mut out = Vec::new();
        for i in self.stages.iter().flat_map(|s| &s.instructions) {
            if i.keyword != "RUN" {
                continue;
            }
            for command in i.args.split(['&', ';', '|', '\n']) {
                let words: Vec<&str> = command
                    .split_whitespace()
                    .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
                    .collect();
                let Some(tool) = words.first().map(|w| w.rsplit('/').next().unwrap_or(w)) else {
                    continue;
                };
                match tool {
                    "cargo" => cargo_builds(&words[1..], &mut out),
                    "go" if matches!(words.get(1), Some(&("build" | "install"))) => {
                        let mut skip = false;
                        for w in &words[2..] {
                            if std::mem::take(&mut skip) {
                                continue;
                            }
                            if matches!(*w, "-o" | "-ldflags" | "-tags" | "-gcflags" | "-mod") {
                                skip = true;
                            } else if w.starts_with("./") && !w.starts_with("./...") {
                                let p = w.trim_start_matches("./").trim_end_matches("/...");
                                out.push(Built::Path(p.trim_end_matches('/').to_string()));
                            }
                        }
                    }
                    "dotnet" if matches!(words.get(1), Some(&("publish" | "build"))) => {
                        for w in words[2..].iter().filter(|w| !w.starts_with('-')) {
                            if w.ends_with("proj") || w.contains('/') {
                                out.push(Built::Path(w.trim_start_matches("./").to_string()));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        out.dedup();
        out
    }

    /// The build-context files the image's `HEALTHCHECK` runs: `COPY`/`ADD` sources (as
    /// written, `./` removed) whose file name the final stage's `HEALTHCHECK CMD` invokes
    /// (vaultwarden's `COPY docker/healthcheck.sh /` and `HEALTHCHECK CMD
    /// ["/healthcheck.sh"]`). Such a script only ever calls the container itself.
    pub fn healthcheck_scripts(&self) -> Vec<String> {
        let Some(check) = self.final_stage().and_then(|s| self.healthcheck_of(s)) else {
            return Vec::new();
        };
        let invoked: Vec<&str> = check
            .args
            .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ',' | '"' | '\''))
            .filter(|w| w.contains('/') || w.contains('.'))
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .filter(|n| !n.is_empty())
            .collect();
        self.stages
            .iter()
            .flat_map(Stage::context_sources)
            .filter(|src| {
                let name = src.rsplit('/').next().unwrap_or(src);
                invoked.contains(&name)
            })
            .map(|src| src.trim_start_matches("./").to_string())
            .collect()
    }

    /// The subcommand of the image's own program that its `HEALTHCHECK` runs: fider's
    /// `HEALTHCHECK CMD ./fider ping` → `ping`, pocket-id's `CMD [ "/app/pocket-id",
    /// "healthcheck" ]` → `healthcheck`. The program is the first word (a path or a
    /// name, not a shell, curl or wget); the subcommand is the next word that is not an
    /// option. `None` without a HEALTHCHECK, or when it runs something else.
    pub fn healthcheck_subcommand(&self) -> Option<String> {
        let words = self.healthcheck_words()?;
        let program = words.first()?.rsplit('/').next()?;
        if matches!(
            program,
            "sh" | "bash" | "curl" | "wget" | "nc" | "test" | "exit" | "true"
        ) || program.contains('.')
        {
            return None;
        }
        let sub = words
            .get(1)
            .filter(|w| !w.starts_with('-') && !w.contains('/'))?;
        sub.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            .then(|| sub.to_string())
    }

    /// The words of the image's `HEALTHCHECK` command (inherited from the stage it is
    /// built from), options and the exec form's brackets and quotes left out.
    fn healthcheck_words(&self) -> Option<Vec<&str>> {
        let check = self.healthcheck_of(self.final_stage()?)?;
        let args = check.args.trim();
        let cmd = if args
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("CMD "))
        {
            &args[4..]
        } else {
            // Options before CMD (`--interval=90s ... CMD [...]`).
            args.find(" CMD ").map_or("", |i| &args[i + 5..])
        };
        Some(
            cmd.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ',' | '"' | '\''))
                .filter(|w| !w.is_empty())
                .collect(),
        )
    }

    /// The program a `HEALTHCHECK` runs when it is a health checker of its own
    /// (dockge's `CMD extra/healthcheck`, built from `extra/healthcheck.go`): its file
    /// name, when that names health. `None` otherwise.
    pub fn healthcheck_program(&self) -> Option<String> {
        let words = self.healthcheck_words()?;
        let name = words.first()?.rsplit('/').next()?;
        (name.to_ascii_lowercase().contains("health") && !name.contains('.'))
            .then(|| name.to_string())
    }

    /// The program the image runs: the first word of `ENTRYPOINT` then `CMD` of the final
    /// stage, past init wrappers (`tini --`), as a file name (`/bin/meilisearch` →
    /// `meilisearch`). `None` when the image names none or runs a shell command line.
    pub fn entry_program(&self) -> Option<String> {
        let stage = self.final_stage()?;
        let last = |k: &str| stage.instructions.iter().rev().find(|i| i.keyword == k);
        let words = |i: Option<&Instruction>| -> Vec<String> {
            let Some(i) = i else { return Vec::new() };
            let a = i.args.trim();
            match serde_json::from_str::<Vec<String>>(a) {
                Ok(v) => v,
                Err(_) => a.split_whitespace().map(str::to_string).collect(),
            }
        };
        let mut all = words(last("ENTRYPOINT"));
        all.extend(words(last("CMD")));
        let program = all.into_iter().find(|w| {
            let name = w.rsplit('/').next().unwrap_or(w);
            !INIT_WRAPPERS.contains(&name) && !w.starts_with('-')
        })?;
        let name = program.rsplit('/').next().unwrap_or(&program).to_string();
        (!matches!(name.as_str(), "sh" | "bash" | "ash")).then_some(name)
    }
}

/// The packages, binaries and paths of one `cargo` command line (after `cargo`).
fn cargo_builds(words: &[&str], out: &mut Vec<Built>) {
    let sub = words
        .iter()
        .position(|w| !w.starts_with('+') && !w.starts_with('-'));
    let Some(sub) = sub else { return };
    let rest = match (words[sub], words.get(sub + 1)) {
        ("build" | "install" | "zigbuild", _) => &words[sub + 1..],
        ("auditable", Some(&"build" | &"install")) => &words[sub + 2..],
        _ => return,
    };
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (*w, None),
        };
        let value = |it: &mut std::slice::Iter<&str>| -> Option<String> {
            match inline {
                Some(v) => Some(v.to_string()),
                None => it.next().map(|v| v.to_string()),
            }
        };
        match flag {
            "-p" | "--package" | "--bin" => {
                if let Some(v) = value(&mut it) {
                    out.push(Built::Package(v));
                }
            }
            "--path" => {
                if let Some(v) = value(&mut it) {
                    let p = v.trim_start_matches("./").trim_end_matches('/').to_string();
                    out.push(Built::Path(if p.is_empty() { ".".into() } else { p }));
                }
            }
            _ => {}
        }
    }
}

fn substitute(s: &str, args: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, default, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    let (n, d) = match body.split_once(":-") {
                        Some((n, d)) => (n, Some(d)),
                        None => (body, None),
                    };
                    (n.to_string(), d.map(str::to_string), end + 2)
                }
                None => (String::new(), None, 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (after[..end].to_string(), None, end)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        match args
            .get(&name)
            .filter(|v| !v.is_empty())
            .cloned()
            .or(default)
        {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[at..at + 1 + consumed]),
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

/// Parse a Dockerfile. Never fails: unknown syntax is kept as instructions.
pub fn parse(path: &str, text: &str) -> Dockerfile {
    let mut escape = '\\';
    let mut instructions = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    let mut directives_done = false;
    while let Some((i, raw)) = lines.next() {
        let trimmed = raw.trim();
        if trimmed.starts_with('#') {
            if !directives_done
                && let Some(v) = trimmed
                    .trim_start_matches('#')
                    .trim()
                    .strip_prefix("escape=")
            {
                escape = v.trim().chars().next().unwrap_or('\\');
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        directives_done = true;
        let start = i as u32 + 1;
        let mut full = String::new();
        let mut line = trimmed.to_string();
        loop {
            if line.ends_with(escape) {
                line.pop();
                full.push_str(&line);
                full.push(' ');
                // Comment lines inside a continuation are dropped.
                match lines.next() {
                    Some((_, next)) if next.trim_start().starts_with('#') => {
                        line = String::from(escape);
                    }
                    Some((_, next)) => line = next.trim().to_string(),
                    None => break,
                }
            } else {
                full.push_str(&line);
                break;
            }
        }
        let (keyword, args) = match full.split_once(char::is_whitespace) {
            Some((k, a)) => (k.to_ascii_uppercase(), a.trim().to_string()),
            None => (full.to_ascii_uppercase(), String::new()),
        };
        // Heredoc bodies (`RUN <<EOF ... EOF`) are data, not instructions.
        if let Some(pos) = args.find("<<") {
            let tag: String = args[pos + 2..]
                .trim_start_matches('-')
                .trim_matches(|c| c == '"' || c == '\'')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !tag.is_empty() {
                for (_, body) in lines.by_ref() {
                    if body.trim() == tag {
                        break;
                    }
                }
            }
        }
        instructions.push(Instruction {
            keyword,
            args,
            line: start,
        });
    }

    let mut global_args: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    for ins in instructions {
        match ins.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for part in ins.args.split_whitespace() {
                    let (k, v) = part.split_once('=').unwrap_or((part, ""));
                    global_args.insert(k.to_string(), v.trim_matches('"').to_string());
                }
            }
            "FROM" => {
                let words: Vec<&str> = ins
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let image_raw = words.first().copied().unwrap_or("").to_string();
                let alias = match words.as_slice() {
                    [_, as_kw, name, ..] if as_kw.eq_ignore_ascii_case("as") => {
                        Some(name.to_string())
                    }
                    _ => None,
                };
                stages.push(Stage {
                    image: substitute(&image_raw, &global_args),
                    image_raw,
                    alias,
                    line: ins.line,
                    instructions: Vec::new(),
                });
            }
            _ => {
                if let Some(stage) = stages.last_mut() {
                    stage.instructions.push(ins);
                }
            }
        }
    }
    Dockerfile {
        path: path.to_string(),
        stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flagsmith's root Dockerfile builds the API and the frontend as separate targets
    /// (and a unified one): each target's context sources come through the stages it
    /// is built from, by `FROM` and by `COPY --from`.
    #[test]
    fn each_target_takes_the_context_sources_of_the_stages_it_is_built_from() {
        let d = parse(
            "Dockerfile",
            "FROM node:22 AS build-node\nCOPY frontend /build/frontend\n\
             FROM python:3.13 AS build-python\nCOPY api/pyproject.toml ./\n\
             FROM python:3.13 AS api-runtime\nCOPY api /app/\n\
             FROM api-runtime AS oss-api\nCOPY --from=build-python /build/.venv /usr/local/\n\
             FROM nginx AS oss-frontend\nCOPY --from=build-node /build/frontend /srv\n\
             FROM api-runtime AS oss-unified\nCOPY --from=build-python /v /v\nCOPY --from=build-node /f /f\n",
        );
        let targets: Vec<(String, Vec<&str>)> = d
            .target_sources()
            .into_iter()
            .map(|(i, mut s)| {
                s.sort();
                (d.stages[i].alias.clone().unwrap_or_default(), s)
            })
            .collect();
        assert_eq!(
            targets,
            vec![
                ("oss-api".to_string(), vec!["api", "api/pyproject.toml"]),
                ("oss-frontend".to_string(), vec!["frontend"]),
                (
                    "oss-unified".to_string(),
                    vec!["api", "api/pyproject.toml", "frontend"]
                ),
            ]
        );
    }

    #[test]
    fn stages_args_users_and_heredocs() {
        let text = "# syntax=docker/dockerfile:1\nARG BASE=rust:1.80\nFROM ${BASE} AS build\nRUN cargo build \\\n    --release\nRUN <<EOF\nUSER root\nEOF\nFROM gcr.io/distroless/cc:nonroot\nCOPY --from=build /a /a\nUSER 65532\nHEALTHCHECK CMD [\"/a\", \"health\"]\n";
        let d = parse("Dockerfile", text);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].image, "rust:1.80");
        assert_eq!(d.stages[0].alias.as_deref(), Some("build"));
        assert_eq!(d.stages[0].instructions[0].args, "cargo build  --release");
        assert_eq!(
            d.stages[0].user(),
            None,
            "heredoc body is not an instruction"
        );
        let last = d.final_stage().unwrap();
        assert_eq!(last.user(), Some(("65532", 11)));
        assert_eq!(last.healthcheck().unwrap().line, 12);
        assert!(d.is_stage_ref("BUILD"));
    }

    #[test]
    fn unknown_args_are_kept() {
        let d = parse("Dockerfile", "FROM $IMG\n");
        assert_eq!(d.stages[0].image, "$IMG");
        let d = parse("Dockerfile", "ARG V=3.12\nFROM python:${V}-slim\n");
        assert_eq!(d.stages[0].image, "python:3.12-slim");
    }

    /// meilisearch's and lldap's root Dockerfiles build workspace members by name; what
    /// they run decides which one they ship.
    #[test]
    fn builds_and_entry_program() {
        let d = parse(
            "Dockerfile",
            "FROM rust AS b\nRUN cargo chef cook --release -p app_wasm\nRUN set -eux; \\\n  cargo build --release -p meilisearch --package=meilitool ${EXTRA}\nRUN cargo install --path ./tools/x && go build -o /out ./cmd/api/... && go test ./...\nRUN dotnet publish src/Api/Api.csproj -c Release\nFROM alpine\nENTRYPOINT [\"tini\", \"--\"]\nCMD     /bin/meilisearch\n",
        );
        assert_eq!(
            d.builds(),
            [
                Built::Package("meilisearch".into()),
                Built::Package("meilitool".into()),
                Built::Path("tools/x".into()),
                Built::Path("cmd/api".into()),
                Built::Path("src/Api/Api.csproj".into()),
            ]
        );
        assert_eq!(d.entry_program().as_deref(), Some("meilisearch"));
        let d = parse(
            "Dockerfile",
            "FROM x\nENTRYPOINT [\"/app/docker-entrypoint.sh\"]\nCMD [\"run\"]\n",
        );
        assert_eq!(d.entry_program().as_deref(), Some("docker-entrypoint.sh"));
        let d = parse("Dockerfile", "FROM x\nCMD sh -c 'exec app'\n");
        assert_eq!(d.entry_program(), None);
        assert!(
            parse("Dockerfile", "FROM x\nRUN cargo test -p a\n")
                .builds()
                .is_empty()
        );
    }

    /// Flagsmith's `oss-api` target is `FROM api-runtime`, which sets the HEALTHCHECK.
    #[test]
    fn a_stage_inherits_the_healthcheck_of_the_stage_it_is_built_from() {
        let d = parse(
            "Dockerfile",
            "FROM wolfi AS api-runtime\nHEALTHCHECK CMD flagsmith healthcheck tcp\nFROM api-runtime AS oss-api\nCMD [\"serve\"]\n",
        );
        let h = d
            .healthcheck_of(d.final_stage().unwrap())
            .expect("inherited");
        assert_eq!(h.line, 2);
        let d = parse(
            "Dockerfile",
            "FROM wolfi AS base\nHEALTHCHECK CMD x\nFROM base AS app\nHEALTHCHECK NONE\n",
        );
        assert!(d.healthcheck_of(d.final_stage().unwrap()).is_none());
        let d = parse(
            "Dockerfile",
            "FROM wolfi AS base\nHEALTHCHECK CMD x\nFROM debian\n",
        );
        assert!(d.healthcheck_of(d.final_stage().unwrap()).is_none());
    }

    #[test]
    fn healthcheck_subcommands_are_the_programs_own_commands() {
        let d = parse(
            "Dockerfile",
            "FROM alpine\nCOPY fider /app/\nHEALTHCHECK --timeout=5s CMD ./fider ping\nCMD ./fider\n",
        );
        assert_eq!(d.healthcheck_subcommand().as_deref(), Some("ping"));
        let d = parse(
            "docker/Dockerfile",
            "FROM alpine\nHEALTHCHECK --interval=90s --timeout=5s CMD [ \"/app/pocket-id\", \"healthcheck\" ]\n",
        );
        assert_eq!(d.healthcheck_subcommand().as_deref(), Some("healthcheck"));
        let d = parse(
            "docker/Dockerfile",
            "FROM golang AS hc\nRUN go build -o extra/healthcheck extra/healthcheck.go\nFROM node\nHEALTHCHECK CMD extra/healthcheck\n",
        );
        assert_eq!(d.healthcheck_program().as_deref(), Some("healthcheck"));
        let d = parse("Dockerfile", "FROM node\nHEALTHCHECK CMD ./fider ping\n");
        assert_eq!(d.healthcheck_program(), None);
        for hc in [
            "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
            "HEALTHCHECK CMD [\"/healthcheck.sh\"]",
            "HEALTHCHECK NONE",
        ] {
            let d = parse("Dockerfile", &format!("FROM alpine\n{hc}\n"));
            assert_eq!(d.healthcheck_subcommand(), None, "{hc}");
        }
    }

    /// vaultwarden/vaultwarden: `docker/healthcheck.sh` curls the container's own address
    /// with `--insecure`; it is the image's HEALTHCHECK, not an outbound client.
    #[test]
    fn healthcheck_scripts_are_the_copied_files_the_healthcheck_runs() {
        let d = parse(
            "docker/Dockerfile",
            "FROM rust AS b\nCOPY . .\nFROM debian\nCOPY docker/healthcheck.sh docker/start.sh /\nHEALTHCHECK --interval=60s CMD [\"/healthcheck.sh\"]\n",
        );
        assert_eq!(d.healthcheck_scripts(), ["docker/healthcheck.sh"]);
        let d = parse(
            "Dockerfile",
            "FROM x\nCOPY run.sh /\nHEALTHCHECK CMD curl -f http://localhost/\n",
        );
        assert!(d.healthcheck_scripts().is_empty());
    }
}

/// An image reference's repository and tag: the digest dropped, Docker Hub's
/// `docker.io/` and `library/` prefixes removed, `""` for no tag
/// (`docker.io/library/nginx:1.27-alpine@sha256:…` → `("nginx", "1.27-alpine")`; a
/// registry port is not a tag: `registry:5000/app` → `("registry:5000/app", "")`).
pub fn image_repo_tag(image: &str) -> (&str, &str) {
    let name = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (name, ""),
    };
    (
        repo.trim_start_matches("docker.io/")
            .trim_start_matches("library/"),
        tag,
    )
}

#[cfg(test)]
mod image_ref_tests {
    #[test]
    fn repository_and_tag_of_an_image_reference() {
        use super::image_repo_tag;
        assert_eq!(
            image_repo_tag("docker.io/library/nginx:1.27-alpine@sha256:00"),
            ("nginx", "1.27-alpine")
        );
        assert_eq!(
            image_repo_tag("registry:5000/app"),
            ("registry:5000/app", "")
        );
        assert_eq!(
            image_repo_tag("gcr.io/distroless/static:debug"),
            ("gcr.io/distroless/static", "debug")
        );
    }
}
