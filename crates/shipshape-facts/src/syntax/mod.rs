//! Syntax-aware confirmation of code signals: the one place that decides whether a
//! regex match of [`crate::signals`] stands in the syntactic role that makes it true.
//!
//! The regex pass stays the prefilter. Only a file with at least one match this layer
//! judges is parsed, once, with a tree-sitter grammar; each match is then kept,
//! dropped, or kept as an operator opt-in ([`Judgement`]) from the node it sits in:
//!
//! - a health path (`"/healthz"`) is a route only as an argument of a route
//!   *registration* on a server ([`routes`]): `mux.HandleFunc`, `r.GET`, `app.get`,
//!   `@app.get`/`@GetMapping`/`[HttpGet]`/`#[get]` decorators and attributes, Django
//!   `path()`, `.route()`, `MapGet`, `Route::get`, Ruby `get "/up", to: ...`, or a
//!   request path compared with it (`if r.URL.Path == "/healthz"`). A client that
//!   requests the path (`c.request.Get(ctx, "/healthcheck")`, `http.Get(base +
//!   "/health")`, `fetch("/health")`) is not a route, nor is a comment or a docstring;
//! - an outbound HTTP call is code, not a comment, string or import ([`calls`]; in Go,
//!   Python and JavaScript/TypeScript a call that lexically cannot sit in a string is
//!   kept without a parse — comments the regex pass already excluded); the
//!   WHATWG `fetch` counts only as a call of the global `fetch` from server code. No
//!   client call of browser code ([`crate::browser`]) counts: the browser's requests
//!   are not a server's outbound dependencies;
//! - a health route registered only under a development-environment condition
//!   (`if (app.Environment.IsDevelopment())`) is not served in production;
//! - disabled TLS verification is a literal in code ([`tls`]); under a condition on a
//!   configuration name (`if opt.Insecure`, `case "tls_insecure_skip_verify":`) it is the
//!   operator's opt-in, and the hit carries that condition.
//!
//! - a Go migration list is the type of a non-empty slice or array literal
//!   (`var migrations = [...]func(tx *sql.Tx) error{...}`), not a parameter's type.
//!
//! Other matches (shutdown, timeouts, listeners, the slog import) are not judged.
//!
//! Grammars: Go, Python, JavaScript (with JSX), TypeScript and TSX, Java, C#, Rust,
//! Ruby and PHP. Every other language (Kotlin, Scala, Swift, Elixir, C/C++, shell,
//! `.vue`/`.svelte` single-file components, Dockerfiles, CI files...) keeps the regex
//! verdict, as does a file larger than [`MAX_PARSE_BYTES`], a file the parser gives up
//! on, and a match inside a region the parser could not make sense of (an `ERROR`
//! node). This layer only ever takes hits away or qualifies them: it never adds one.

mod calls;
mod routes;
mod tls;

#[cfg(test)]
mod tests;

use crate::signals::SignalKind;
use std::cell::RefCell;
use tree_sitter::{Language, Node, Parser, Tree};

/// Files larger than this are not parsed (minified bundles, generated code): their
/// matches keep the regex verdict.
pub(crate) const MAX_PARSE_BYTES: usize = 1 << 20;

/// The syntactic role in which a pattern's match is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Not judged by syntax (shutdown handling, timeouts, listeners, the slog import).
    Unjudged,
    /// Anything but a comment: names of health services, `rails/health#show`,
    /// `curl -k` command lines (often inside strings handed to a shell).
    NotComment,
    /// A health path string literal: counts as an argument of a route registration.
    RoutePath,
    /// An outbound HTTP call or client construction: code, not a comment, string or import.
    Call,
    /// `fetch(`: a call of the global WHATWG fetch, outside browser code.
    GlobalFetch,
    /// TLS verification switched off by a literal: code, not a comment or string; an
    /// operator opt-in when a configuration condition guards it.
    TlsLiteral,
    /// A signal's name (`SIGTERM`) as evidence of handling it: not when it is an
    /// argument of a call that sends it (`os.killpg(pgid, signal.SIGTERM)`,
    /// `cmd.Process.Signal(syscall.SIGTERM)`, `child.kill('SIGTERM')`).
    SignalHandled,
    /// The element type of a slice or array literal (`[]func(tx *sql.Tx) error{...}`), not
    /// a parameter's or a type declaration's type.
    FuncListLiteral,
    /// A migration's way back (`Rollback: func(tx *gorm.DB) error {...}`): a function
    /// that does something, not one whose body is empty or only `return nil`.
    RollbackFunc,
}

/// One regex match handed to [`judge`].
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub kind: SignalKind,
    pub rule: Rule,
    /// Byte range of the match in the file.
    pub start: usize,
    pub end: usize,
}

/// What the syntax layer says about one match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// The match stands (confirmed, or no grammar to ask).
    Keep,
    /// Not in the role that makes it true.
    Drop,
    /// Stands, but only on the operator's request: the guarding condition's text.
    OptIn(String),
}

/// A tree-sitter grammar, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    Go,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    CSharp,
    Rust,
    Ruby,
    Php,
}

impl Grammar {
    /// The grammar for a lower-cased path, if there is one.
    pub(crate) fn of(path_lower: &str) -> Option<Grammar> {
        let ext = path_lower.rsplit_once('.').map_or("", |(_, e)| e);
        Some(match ext {
            "go" => Grammar::Go,
            "py" => Grammar::Python,
            "js" | "mjs" | "cjs" | "jsx" => Grammar::JavaScript,
            "ts" | "mts" | "cts" => Grammar::TypeScript,
            "tsx" => Grammar::Tsx,
            "java" => Grammar::Java,
            "cs" => Grammar::CSharp,
            "rs" => Grammar::Rust,
            "rb" => Grammar::Ruby,
            "php" => Grammar::Php,
            _ => return None,
        })
    }

    fn language(self) -> Language {
        match self {
            Grammar::Go => tree_sitter_go::LANGUAGE.into(),
            Grammar::Python => tree_sitter_python::LANGUAGE.into(),
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::Java => tree_sitter_java::LANGUAGE.into(),
            Grammar::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Grammar::Rust => tree_sitter_rust::LANGUAGE.into(),
            Grammar::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Grammar::Php => tree_sitter_php::LANGUAGE_PHP.into(),
        }
    }
}

thread_local! {
    // One parser per walker thread, re-targeted per file.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

fn parse(grammar: Grammar, bytes: &[u8]) -> Option<Tree> {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        p.set_language(&grammar.language()).ok()?;
        p.parse(bytes, None)
    })
}

/// Judge each candidate of one file (`path_lower` is its lower-cased path): one
/// judgement per candidate, in order. Parses the file at most once, and only when a
/// candidate needs it. Never panics, whatever the bytes or offsets.
pub(crate) fn judge(path_lower: &str, bytes: &[u8], candidates: &[Candidate]) -> Vec<Judgement> {
    let browser = crate::browser::is_browser_path(path_lower);
    let mut out: Vec<Judgement> = candidates
        .iter()
        .map(|c| {
            if c.kind.is_outbound_call() && browser {
                Judgement::Drop
            } else {
                Judgement::Keep
            }
        })
        .collect();
    let Some(grammar) = Grammar::of(path_lower) else {
        return out;
    };
    // A client call that cannot be inside a string needs no parse: half of the bytes
    // parsed on grafana/loki were files whose only judged hits were such calls.
    let surely_code: Vec<bool> = candidates
        .iter()
        .map(|c| c.rule == Rule::Call && calls::surely_code(grammar, bytes, c.start))
        .collect();
    let needs = |i: usize, c: &Candidate, j: &Judgement| {
        c.rule != Rule::Unjudged && *j == Judgement::Keep && !surely_code[i]
    };
    if !candidates
        .iter()
        .zip(&out)
        .enumerate()
        .any(|(i, (c, j))| needs(i, c, j))
        || bytes.len() > MAX_PARSE_BYTES
    {
        return out;
    }
    let Some(tree) = parse(grammar, bytes) else {
        return out;
    };
    let src = Src { bytes, grammar };
    for (i, c) in candidates.iter().enumerate() {
        if needs(i, c, &out[i]) {
            out[i] = decide(&src, tree.root_node(), c);
        }
    }
    out
}

/// The parsed file a decision reads.
pub(crate) struct Src<'a> {
    pub bytes: &'a [u8],
    pub grammar: Grammar,
}

impl Src<'_> {
    /// The source text of a node (empty when its range is out of bounds).
    pub(crate) fn text(&self, n: Node) -> &[u8] {
        self.bytes.get(n.start_byte()..n.end_byte()).unwrap_or(&[])
    }

    /// The text of a node's field child, if any.
    pub(crate) fn field(&self, n: Node, field: &str) -> Option<&[u8]> {
        n.child_by_field_name(field).map(|c| self.text(c))
    }
}

fn decide(src: &Src, root: Node, c: &Candidate) -> Judgement {
    if c.start >= src.bytes.len() || c.end > src.bytes.len() || c.start >= c.end {
        return Judgement::Keep;
    }
    let Some(node) = root.descendant_for_byte_range(c.start, c.start + 1) else {
        return Judgement::Keep;
    };
    // Where the parser recovered from an error, its tree says little: regex verdict.
    if ancestors(node).any(|n| n.is_error() || n.is_missing()) {
        return Judgement::Keep;
    }
    if in_comment(node) {
        return Judgement::Drop;
    }
    // jasontaylordev/CleanArchitecture maps /health only under
    // `if (app.Environment.IsDevelopment())`: production serves no health route.
    if c.kind == SignalKind::HealthRoute && only_in_development(src, node) {
        return Judgement::Drop;
    }
    let keep_if = |b: bool| if b { Judgement::Keep } else { Judgement::Drop };
    match c.rule {
        Rule::Unjudged | Rule::NotComment => Judgement::Keep,
        Rule::RoutePath => keep_if(routes::is_route(src, root, c)),
        Rule::Call => keep_if(calls::is_call(src, node)),
        Rule::GlobalFetch => keep_if(calls::is_global_fetch(src, node)),
        // Only JavaScript and Ruby handlers take a signal by its name as a string
        // (`process.on('SIGTERM', …)`); in Go, Python, Rust and the rest a string is a
        // name compared or logged (wings' `case "SIGTERM":` choosing what to send).
        Rule::SignalHandled => keep_if(
            !calls::is_sent_signal(src, node)
                && !calls::is_chosen_signal(node)
                && (!in_string(node)
                    || matches!(
                        src.grammar,
                        Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx | Grammar::Ruby
                    )),
        ),
        Rule::TlsLiteral => tls::judge(src, root, node, c),
        Rule::FuncListLiteral => keep_if(is_list_literal(node)),
        Rule::RollbackFunc => keep_if(!is_no_op_func_value(src, node)),
    }
}

/// True when `node` (the key of `Rollback: func(...) error { ... }`) keys a function
/// literal whose body does nothing: no statement, or only `return nil` (headscale's
/// gormigrate migrations, every one of whose `Rollback`s is `return nil`). Like an
/// Alembic `downgrade()` that only says `pass`, such a rollback is no way back.
fn is_no_op_func_value(src: &Src, node: Node) -> bool {
    let Some(element) = ancestors(node)
        .take(4)
        .find(|a| a.kind() == "keyed_element")
    else {
        return false;
    };
    // The value: the element's last child, a `func_literal` itself or wrapped in a
    // `literal_element` (as newer grammars give it).
    let last = u32::try_from(element.named_child_count().saturating_sub(1)).unwrap_or(0);
    let value = element.named_child(last);
    let Some(func) = value
        .into_iter()
        .flat_map(|v| [Some(v), v.named_child(0)])
        .flatten()
        .find(|n| n.kind() == "func_literal")
    else {
        return false;
    };
    let Some(body) = func.child_by_field_name("body") else {
        return false;
    };
    let mut statements = Vec::new();
    let mut cursor = body.walk();
    for child in body.named_children(&mut cursor) {
        if child.kind() == "statement_list" {
            let mut inner = child.walk();
            statements.extend(
                child
                    .named_children(&mut inner)
                    .filter(|c| !c.kind().contains("comment")),
            );
        } else if !child.kind().contains("comment") {
            statements.push(child);
        }
    }
    match statements.as_slice() {
        [] => true,
        [only] => {
            only.kind() == "return_statement"
                && String::from_utf8_lossy(src.text(*only))
                    .trim_start_matches("return")
                    .trim()
                    == "nil"
        }
        _ => false,
    }
}

/// True when `node` sits in the branch of an `if` taken only in a development
/// environment: a condition naming `development` (`app.Environment.IsDevelopment()`,
/// `process.env.NODE_ENV === "development"`, `Rails.env.development?`) without a
/// negation, and `node` in its consequence (its `else` is production).
fn only_in_development(src: &Src, node: Node) -> bool {
    ancestors(node).skip(1).any(|a| {
        if !matches!(a.kind(), "if_statement" | "if_expression" | "if") {
            return false;
        }
        let (Some(cond), Some(then)) = (
            a.child_by_field_name("condition"),
            a.child_by_field_name("consequence")
                .or_else(|| a.child_by_field_name("body")),
        ) else {
            return false;
        };
        let t = String::from_utf8_lossy(src.text(cond)).to_ascii_lowercase();
        t.contains("development")
            && !t.contains('!')
            && !t.contains("not ")
            && then.start_byte() <= node.start_byte()
            && node.end_byte() <= then.end_byte()
    })
}

/// True when `node` (the `[` of `[]func(...)`) opens the type of a composite literal
/// that has elements: a list of values, not a type in a signature or declaration.
fn is_list_literal(node: Node) -> bool {
    ancestors(node).take(4).any(|a| {
        a.kind() == "composite_literal"
            && a.child_by_field_name("type")
                .is_some_and(|t| t.start_byte() == node.start_byte())
            && a.child_by_field_name("body")
                .is_some_and(|b| b.named_child_count() > 0)
    })
}

/// A node and its ancestors, innermost first.
pub(crate) fn ancestors(n: Node) -> impl Iterator<Item = Node> {
    std::iter::successors(Some(n), |n| n.parent())
}

fn in_comment(n: Node) -> bool {
    ancestors(n).any(|a| a.kind().contains("comment"))
}

/// Kinds of a whole string literal node, across the grammars.
pub(crate) fn is_string(kind: &str) -> bool {
    matches!(
        kind,
        "interpreted_string_literal"
            | "raw_string_literal"
            | "string"
            | "template_string"
            | "string_literal"
            | "verbatim_string_literal"
            | "interpolated_string_expression"
            | "encapsed_string"
            | "heredoc"
            | "nowdoc"
            | "concatenated_string"
            | "regex"
    )
}

fn is_interpolation(kind: &str) -> bool {
    matches!(
        kind,
        "template_substitution" | "interpolation" | "string_interpolation"
    )
}

/// True when `n` is inside a string literal's text (not inside an interpolation such
/// as `${fetch(u)}` or `#{x}` within it).
pub(crate) fn in_string(n: Node) -> bool {
    for a in ancestors(n) {
        if is_interpolation(a.kind()) {
            return false;
        }
        if is_string(a.kind()) {
            return true;
        }
    }
    false
}

/// The last segment of a dotted or scoped name (`web::resource` → `resource`,
/// `app.router.add_get` → `add_get`), lower-cased.
pub(crate) fn last_segment(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    let s = s.rsplit(['.', ':', '>', '\\']).next().unwrap_or("");
    s.trim().to_ascii_lowercase()
}

/// The receiver and the name of a call-like node (a call, a method invocation, a Ruby
/// call, a PHP member or scoped call), whatever the grammar names its fields.
pub(crate) fn callee<'a>(src: &Src<'a>, call: Node) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let text = |n: Node| -> &'a [u8] { src.bytes.get(n.start_byte()..n.end_byte()).unwrap_or(&[]) };
    if let Some(f) = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("macro"))
    {
        const MEMBER: &[(&str, &str)] = &[
            ("object", "property"),
            ("operand", "field"),
            ("object", "attribute"),
            ("expression", "name"),
            ("value", "field"),
            ("path", "name"),
            ("scope", "name"),
            ("object", "name"),
        ];
        for (o, p) in MEMBER {
            if let (Some(o), Some(p)) = (f.child_by_field_name(o), f.child_by_field_name(p)) {
                return (Some(text(o)), Some(text(p)));
            }
        }
        return (None, Some(text(f)));
    }
    let name = call
        .child_by_field_name("name")
        .or_else(|| call.child_by_field_name("method"));
    let recv = call
        .child_by_field_name("object")
        .or_else(|| call.child_by_field_name("scope"))
        .or_else(|| call.child_by_field_name("receiver"));
    (recv.map(text), name.map(text))
}
