//! Outbound HTTP calls: a client call or construction in code, and the global `fetch`.

use super::{Grammar, Src, ancestors, callee, in_string, last_segment};
use tree_sitter::Node;

/// Statement kinds that import names rather than call anything.
fn is_import(kind: &str) -> bool {
    matches!(
        kind,
        "import_statement"
            | "import_from_statement"
            | "import_declaration"
            | "import_spec"
            | "use_declaration"
            | "using_directive"
            | "namespace_use_declaration"
    )
}

/// True when a call match at `start` cannot be inside a string literal, judged from
/// the bytes alone: no quote before it on its line, and an even number of the
/// language's multi-line string delimiters before it (Go and JavaScript backticks,
/// Python triple quotes). Conservative: `false` sends the file to the parser. Only for
/// Go, Python and JavaScript/TypeScript, whose ordinary strings cannot span lines.
pub(super) fn surely_code(grammar: Grammar, bytes: &[u8], start: usize) -> bool {
    let Some(head) = bytes.get(..start) else {
        return false;
    };
    let line_start = memchr::memrchr(b'\n', head).map_or(0, |i| i + 1);
    if head[line_start..]
        .iter()
        .any(|b| matches!(b, b'"' | b'\'' | b'`'))
    {
        return false;
    }
    let even = |needle: &[u8]| memchr::memmem::find_iter(head, needle).count() % 2 == 0;
    match grammar {
        Grammar::Go | Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => even(b"`"),
        Grammar::Python => even(b"\"\"\"") && even(b"'''"),
        _ => false,
    }
}

/// True when the match at `node` is code: not inside a string literal (a docstring, a
/// help text) and not part of an import.
pub(super) fn is_call(_src: &Src, node: Node) -> bool {
    !in_string(node) && !ancestors(node).any(|a| is_import(a.kind()))
}

/// True when the `fetch` at `node` is called as the global WHATWG fetch: `fetch(u)`,
/// `window.fetch(u)`, `globalThis.fetch(u)`, `self.fetch(u)` — not `cache.fetch(k)`, not a
/// mention in a string.
pub(super) fn is_global_fetch(src: &Src, node: Node) -> bool {
    if !matches!(
        src.grammar,
        Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx
    ) {
        // The regex pass already limits `fetch(` to JavaScript-family files.
        return true;
    }
    if in_string(node) || src.text(node) != b"fetch" {
        return false;
    }
    let mut callee = node;
    if let Some(p) = node.parent()
        && p.kind() == "member_expression"
    {
        let object = p.child_by_field_name("object").map(|o| src.text(o));
        if !matches!(object, Some(b"window" | b"globalThis" | b"self")) {
            return false;
        }
        callee = p;
    }
    callee.parent().is_some_and(|call| {
        call.kind() == "call_expression"
            && call
                .child_by_field_name("function")
                .is_some_and(|f| f.id() == callee.id())
    })
}

/// Calls that send a signal to a process (the last segment of the callee's name).
const SENDS_SIGNAL: &[&str] = &[
    "kill",
    "killpg",
    "signal",
    "send_signal",
    "terminate",
    "raise",
    "sigqueue",
    "pidfd_send_signal",
];

/// True when the signal at `node` is the whole value assigned to a variable
/// (`signal = syscall.SIGTERM`): a signal chosen to be sent, as pterodactyl/wings maps a
/// stop signal's name for the containers it stops; a handler registers a signal, it
/// does not assign one. A list of signals (`shutdownSignals = []os.Signal{…}`) is not
/// such a value.
pub(super) fn is_chosen_signal(node: Node) -> bool {
    let value = ancestors(node)
        .take_while(|n| {
            matches!(
                n.kind(),
                "selector_expression"
                    | "field_identifier"
                    | "identifier"
                    | "qualified_type"
                    | "attribute"
                    | "member_expression"
            )
        })
        .last()
        .unwrap_or(node);
    let Some(parent) = value.parent() else {
        return false;
    };
    let assigned = |n: Node| {
        matches!(
            n.kind(),
            "assignment_statement" | "assignment" | "assignment_expression"
        ) && n
            .child_by_field_name("right")
            .is_some_and(|r| r.id() == value.id() || r.id() == parent.id())
    };
    assigned(parent)
        || (parent.kind() == "expression_list"
            && parent.named_child_count() == 1
            && parent.parent().is_some_and(assigned))
}

/// True when the signal name at `node` is an argument of a call that sends the signal
/// (`os.killpg(pgid, signal.SIGTERM)`: linkding's snapshot timeout, `process.Signal(...)`,
/// `child.kill("SIGTERM")`, `nix::sys::signal::kill(pid, Signal::SIGTERM)`) rather than
/// one that handles it. Python's `signal.signal(signal.SIGTERM, handler)` registers a
/// handler: not a send.
pub(super) fn is_sent_signal(src: &Src, node: Node) -> bool {
    let Some(list) = ancestors(node).find(|n| matches!(n.kind(), "argument_list" | "arguments"))
    else {
        return false;
    };
    let Some(call) = list.parent() else {
        return false;
    };
    let (recv, name) = callee(src, call);
    let name = name.map(last_segment).unwrap_or_default();
    let registers = name == "signal" && recv.map(last_segment).as_deref() == Some("signal");
    SENDS_SIGNAL.contains(&name.as_str()) && !registers
}
