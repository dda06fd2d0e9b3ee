//! Health routes: a health path literal counts when a server registers it as a route.
//!
//! Accepted roles, across the grammars:
//! - an argument of a decorator, annotation or attribute (`@app.get("/health")`,
//!   `@GetMapping("/health")`, `[HttpGet("/health")]`, `#[get("/health")]`, NestJS `@Get`);
//! - an argument of a call named like a registration whatever its arguments
//!   (`HandleFunc`, `Handle`, `Path`, `path`/`re_path`, `route`, `resource`,
//!   `add_url_rule`, `add_route`, `add_get`, C# `Map*`, `UseHealthChecks`...), also
//!   through a wrapper (`s.prefixedPath("/healthz")`) or a concatenation
//!   (`prefix + "/healthz"`);
//! - the first argument of an HTTP-verb call (`get`, `GET`, `post`, `use`, `any`...) on
//!   a receiver that is not a client, followed by a handler (any argument that is not
//!   an options object, a keyword argument or a string), a Ruby block or `to:`, or
//!   chained to one (`router.get("/health").handler(h)`);
//! - an argument after the application of a call named like a health middleware
//!   (`health_check(application, "/health/")`);
//! - a request path compared with it (`if r.URL.Path == "/healthz"`, `case "/healthz":`
//!   in a `switch req.url`).
//!
//! Everything else — a client requesting the path (`c.request.Get(ctx, "/healthcheck")`,
//! `http.Get(base + "/healthcheck")`, `requests.get("/health", timeout=5)`,
//! `fetch("/health")`), a constant, a probe manifest built in code (`Path: "/ready"`), a
//! docstring — is not a route.

use super::{Candidate, Grammar, Src, ancestors, callee, is_string, last_segment};
use tree_sitter::Node;

/// Call names that register a route whatever their arguments.
const REGISTRATIONS: &[&str] = &[
    "handlefunc",
    "handle",
    "handler",
    "handlerfunc",
    "handlepath",
    "method",
    "methodfunc",
    "path",
    "re_path",
    "route",
    "resource",
    "at",
    "add_url_rule",
    "add_route",
    "add_api_route",
    "api_route",
    "add_get",
    "add_head",
    "add_view",
    "usehealthchecks",
    // chi's `middleware.Heartbeat("/ping")` (navidrome) answers the path itself.
    "heartbeat",
    // Laravel 11's `->withRouting(health: '/up')` (firefly-iii).
    "withrouting",
];

/// HTTP-verb registrations (`r.GET`, `app.get`, `get "/up"`): a route only with a handler.
const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "all", "any", "use", "match",
];

/// Methods chained to a verb call that attach its handler (Vert.x, actix, gorilla).
const HANDLER_CHAINS: &[&str] = &[
    "handler",
    "handle",
    "handlerfunc",
    "blockinghandler",
    "to",
    "respond",
    "methods",
];

/// Keys under which an options object or keyword argument names a route's path.
const PATH_KEYS: &[&str] = &[
    "path", "url", "value", "route", "pattern", "template", "rule", "uri",
];

/// True when the candidate's health path literal is registered as a route.
pub(super) fn is_route(src: &Src, root: Node, c: &Candidate) -> bool {
    let m = src.bytes.get(c.start..c.end).unwrap_or(&[]);
    let Some(q) = m.iter().position(|b| matches!(b, b'"' | b'\'' | b'`')) else {
        return true;
    };
    let q = c.start + q;
    let Some(at) = root.descendant_for_byte_range(q, q + 1) else {
        return true;
    };
    let Some(lit) = ancestors(at).find(|n| is_string(n.kind())) else {
        return false;
    };
    // The match must be the whole literal (a prefix such as `r`, `@` or `$` aside), not
    // a quote inside a larger string (an OpenAPI document in a Go raw string).
    let whole = lit.end_byte() == c.end
        && src.bytes.get(lit.start_byte()..q).is_some_and(|p| {
            p.iter()
                .all(|b| b.is_ascii_alphabetic() || matches!(b, b'@' | b'$'))
        });
    whole
        && (request_path_test(src, lit)
            || registered(src, lit, 0)
            || constant_used_as_route(src, root, lit))
}

/// The literal is the value of a named constant or variable (`apiHealthPath =
/// "/v1/health"`, `const healthPath = "/healthz"`) and the file registers that name as
/// a route or compares the request path with it (ntfy's `r.URL.Path ==
/// apiHealthPath`).
fn constant_used_as_route(src: &Src, root: Node, lit: Node) -> bool {
    let Some(name) = declared_name(src, lit) else {
        return false;
    };
    let mut stack = vec![root];
    let mut seen = 0usize;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > 200_000 {
            return false;
        }
        if n.kind() == "identifier"
            && src.text(n) == name.as_slice()
            && !is_declaration_of(n)
            && (request_path_test(src, n) || registered(src, n, 0))
        {
            return true;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    false
}

/// The name a literal is declared as: the declarator or assignment whose value it is.
fn declared_name(src: &Src, lit: Node) -> Option<Vec<u8>> {
    let mut n = lit;
    for _ in 0..3 {
        let p = n.parent()?;
        match p.kind() {
            // Go `const x = "…"` / `var x = "…"` (the value is an expression list).
            "expression_list" => n = p,
            "const_spec" | "var_spec" => {
                return p.child_by_field_name("name").map(|k| src.text(k).to_vec());
            }
            // JavaScript/TypeScript, Java, C#.
            "variable_declarator" => {
                return p.child_by_field_name("name").map(|k| src.text(k).to_vec());
            }
            // Python, Ruby.
            "assignment" => {
                let left = p.child_by_field_name("left")?;
                return matches!(left.kind(), "identifier" | "constant")
                    .then(|| src.text(left).to_vec());
            }
            // Rust `const X: &str = "…";`.
            "const_item" | "static_item" => {
                return p.child_by_field_name("name").map(|k| src.text(k).to_vec());
            }
            _ => return None,
        }
    }
    None
}

/// True when an identifier is the name being declared, not a use of it.
fn is_declaration_of(n: Node) -> bool {
    n.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "const_spec" | "var_spec" | "variable_declarator" | "const_item" | "static_item"
        ) && p
            .child_by_field_name("name")
            .is_some_and(|k| k.id() == n.id())
    })
}

fn registered(src: &Src, lit: Node, depth: u8) -> bool {
    let mut n = lit;
    let mut keyed = false;
    let mut ruby_key = false;
    let mut concatenated = false;
    let list = loop {
        let Some(p) = n.parent() else {
            return false;
        };
        match p.kind() {
            "parenthesized_expression"
            | "argument"
            | "attribute_argument"
            | "array"
            | "list"
            | "element_value_array_initializer"
            | "array_creation_expression"
            | "array_element_initializer" => n = p,
            "binary_expression" | "binary_operator" | "binary"
                if src.field(p, "operator") == Some(b"+") =>
            {
                concatenated = true;
                n = p;
            }
            "pair" | "keyword_argument" | "element_value_pair" => {
                let key = p
                    .child_by_field_name("key")
                    .or_else(|| p.child_by_field_name("name"));
                if key.is_some_and(|k| k.id() == n.id()) {
                    // Rails: `get "/up" => "rails/health#show"`.
                    if src.grammar != Grammar::Ruby {
                        return false;
                    }
                    ruby_key = true;
                } else {
                    let k = key.map(|k| src.text(k)).unwrap_or(&[]);
                    let k = String::from_utf8_lossy(k).to_ascii_lowercase();
                    let k = k.trim_matches(|c: char| matches!(c, '"' | '\'' | ':' | ' '));
                    if !PATH_KEYS.contains(&k) {
                        return false;
                    }
                }
                keyed = true;
                n = p;
            }
            "object" | "dictionary" | "hash" if keyed => n = p,
            "argument_list"
            | "arguments"
            | "annotation_argument_list"
            | "attribute_argument_list"
            | "token_tree" => break p,
            _ => return false,
        }
    };
    // A route table in a macro's tokens: `"/health" => get(get_health)` (meilisearch's
    // `#[routes(routes(...))]`).
    if list.kind() == "token_tree" && arrow_to_verb(src, n) {
        return true;
    }
    let Some(call) = list.parent() else {
        return false;
    };
    if matches!(call.kind(), "annotation" | "attribute" | "decorator")
        || call.parent().is_some_and(|g| g.kind() == "decorator")
    {
        return true;
    }
    let (recv, name) = callee(src, call);
    let name = name.map(last_segment).unwrap_or_default();
    if REGISTRATIONS.contains(&name.as_str())
        || (src.grammar == Grammar::CSharp && name.starts_with("map"))
    {
        return true;
    }
    if VERBS.contains(&name.as_str()) {
        if concatenated || recv.is_some_and(client_like) || !first_positional(list, n) {
            return false;
        }
        return ruby_key
            || handler_after(src, list, n)
            || ruby_block(call)
            || chained_to_handler(src, call);
    }
    // A health middleware given the application and its path (saleor/asgi/__init__.py:
    // `application = health_check(application, "/health/")`).
    if name.contains("health")
        && !concatenated
        && !recv.is_some_and(client_like)
        && !first_positional(list, n)
        && list
            .named_child(0)
            .is_some_and(|a| !client_like(src.text(a)))
    {
        return true;
    }
    // A wrapper around the path (`s.prefixedPath("/healthz")`) handed to a registration.
    depth == 0
        && !keyed
        && list.named_child_count() == 1
        && call
            .parent()
            .is_some_and(|p| matches!(p.kind(), "argument_list" | "arguments" | "argument"))
        && registered(src, call, 1)
}

/// True when `n` (a literal among a macro's tokens) is followed by `=>` and an HTTP
/// verb call: `"/health" => get(handler)`.
fn arrow_to_verb(src: &Src, n: Node) -> bool {
    let Some(arrow) = n.next_sibling() else {
        return false;
    };
    if src.text(arrow) != b"=>" {
        return false;
    }
    let Some(verb) = arrow.next_sibling() else {
        return false;
    };
    let name = String::from_utf8_lossy(src.text(verb)).to_ascii_lowercase();
    VERBS.contains(&name.as_str())
        && verb
            .next_sibling()
            .is_some_and(|t| t.kind() == "token_tree")
}

/// A receiver that makes requests rather than serving them.
fn client_like(recv: &[u8]) -> bool {
    let r = String::from_utf8_lossy(recv).to_ascii_lowercase();
    [
        "client",
        "session",
        "request",
        "axios",
        "superagent",
        "fetch",
    ]
    .iter()
    .any(|w| r.contains(w))
        || [
            "http",
            "$http",
            "requests",
            "httpx",
            "ureq",
            "got",
            "ky",
            "needle",
            "urllib3",
            "aiohttp",
            "faraday",
            "httparty",
            "resty",
            "net::http",
        ]
        .contains(&last_segment(recv).as_str())
}

fn is_comment(n: Node) -> bool {
    n.kind().contains("comment")
}

/// True when `arg` is the first argument of `list`.
fn first_positional(list: Node, arg: Node) -> bool {
    let mut c = list.walk();
    list.named_children(&mut c)
        .find(|k| !is_comment(*k))
        .is_some_and(|k| k.id() == arg.id())
}

/// True when an argument after `arg` looks like a handler: not an options object, a
/// keyword argument or a string (a Ruby `to:`/`controller:` pair counts).
fn handler_after(src: &Src, list: Node, arg: Node) -> bool {
    let mut c = list.walk();
    let mut seen = false;
    for k in list.named_children(&mut c) {
        if k.id() == arg.id() {
            seen = true;
            continue;
        }
        if !seen || is_comment(k) {
            continue;
        }
        // C# and PHP wrap each argument.
        let v = if k.kind() == "argument" {
            k.named_child(0).unwrap_or(k)
        } else {
            k
        };
        match v.kind() {
            "object" | "dictionary" | "keyword_argument" => {}
            "pair" | "hash" => {
                let key = src.field(v, "key").map(last_segment).unwrap_or_default();
                let key = key.trim_matches(|c: char| matches!(c, '"' | '\'' | ':'));
                if ["to", "controller", "action"].contains(&key) {
                    return true;
                }
            }
            k if is_string(k) => {}
            _ => return true,
        }
    }
    false
}

/// A Ruby call with a block: `get "/health" do ... end`.
fn ruby_block(call: Node) -> bool {
    call.child_by_field_name("block").is_some() || {
        let mut c = call.walk();
        call.named_children(&mut c)
            .any(|k| matches!(k.kind(), "do_block" | "block"))
    }
}

/// `router.get("/health").handler(h)`: the verb call is the receiver of a call that
/// attaches the handler.
fn chained_to_handler(src: &Src, call: Node) -> bool {
    let Some(member) = call.parent() else {
        return false;
    };
    let name = ["property", "field", "name", "attribute", "method"]
        .iter()
        .find_map(|f| member.child_by_field_name(f))
        .filter(|n| n.id() != call.id())
        .map(|n| last_segment(src.text(n)))
        .unwrap_or_default();
    HANDLER_CHAINS.contains(&name.as_str())
}

/// A request path compared with the literal: `if r.URL.Path == "/healthz"`,
/// `req.url === "/health"`, `self.path == "/health"`, or a `case "/healthz":` of a
/// `switch` on the request path.
fn request_path_test(src: &Src, lit: Node) -> bool {
    let names_path = |n: Node| {
        let t = String::from_utf8_lossy(src.text(n)).to_ascii_lowercase();
        ["path", "url", "uri"].iter().any(|w| t.contains(w))
    };
    if let Some(p) = lit.parent()
        && matches!(
            p.kind(),
            "binary_expression" | "comparison_operator" | "binary"
        )
    {
        let op = src.field(p, "operator").unwrap_or_else(|| {
            // Python's comparison_operator has no operator field: the token between.
            let t = src.text(p);
            if memchr::memmem::find(t, b"==").is_some() {
                b"=="
            } else {
                b""
            }
        });
        let other = ["left", "right"]
            .iter()
            .filter_map(|f| p.child_by_field_name(f))
            .find(|o| o.id() != lit.id());
        let other_names_path = match other {
            Some(o) => names_path(o),
            None => {
                let mut c = p.walk();
                p.named_children(&mut c)
                    .any(|o| o.id() != lit.id() && names_path(o))
            }
        };
        return matches!(op, b"==" | b"===" | b"eq") && other_names_path;
    }
    let Some(case) = ancestors(lit).skip(1).take(3).find(|a| {
        matches!(
            a.kind(),
            "expression_case" | "switch_case" | "when" | "case_statement"
        )
    }) else {
        return false;
    };
    let in_label = ["value", "pattern"]
        .iter()
        .filter_map(|f| case.child_by_field_name(f))
        .any(|v| v.start_byte() <= lit.start_byte() && lit.end_byte() <= v.end_byte());
    let switch = ancestors(case).skip(1).take(3).find(|a| {
        matches!(
            a.kind(),
            "expression_switch_statement" | "switch_statement" | "case"
        )
    });
    in_label
        && switch.is_some_and(|s| {
            ["value", "condition"]
                .iter()
                .filter_map(|f| s.child_by_field_name(f))
                .any(names_path)
        })
}
