//! Outbound HTTP calls: a client call or construction in code, and the global `fetch`.

use super::{Grammar, Src, ancestors, in_string};
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
