//! Disabled TLS verification: a literal in code, and whether the operator opted in.
//!
//! The regex already requires a literal (`InsecureSkipVerify: true`, `verify=False`,
//! `rejectUnauthorized: false`); a value read from configuration
//! (`InsecureSkipVerify: cfg.Insecure`) never matches. What syntax adds: a match in a
//! string or comment is no code, and a match under a condition on a configuration name
//! is the operator's opt-in — an `if`/`unless`/ternary whose condition names
//! `insecure`, `verify`, `unsafe`, `trust` or `danger`, or one of `ignore`/`skip`/`allow`/
//! `disable` together with `tls`/`ssl`/`cert` (`if opt.Insecure`, `if r.ignoreTLSErrors`,
//! `if !cfg.VerifyCerts`, `... if args.insecure else ...`), or a `case` of a switch whose
//! label does (a configuration directive: caddy's `case "tls_insecure_skip_verify":`) or
//! whose subject does (`switch insecureSkipVerify { case "true": ... }`). Go code that
//! verifies the peer itself in the same function (a `VerifyPeerCertificate` or
//! `VerifyConnection` callback, `x509.VerifyOptions`) has not switched verification off.

use super::{Candidate, Judgement, Src, ancestors, in_string};
use tree_sitter::Node;

/// Words that make a condition a configuration switch about verification.
/// A condition that names the setting itself (`rejectUnauthorized`, docmost's
/// `searchParams.get('rejectUnauthorized') === 'false'` read from the operator's Redis
/// URL) is one too.
const CONFIG_WORDS: &[&str] = &[
    "insecure",
    "verify",
    "unsafe",
    "trust",
    "danger",
    "rejectunauthorized",
    "reject_unauthorized",
];

fn config_like(text: &[u8]) -> bool {
    let t = String::from_utf8_lossy(text).to_ascii_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    // ... or a switch to ignore, skip, allow or disable TLS/certificate errors
    // (miniflux's per-feed `if r.ignoreTLSErrors {`).
    has(CONFIG_WORDS)
        || (has(&["ignore", "skip", "allow", "disable"]) && has(&["tls", "ssl", "cert"]))
}

fn contains(outer: Node, inner: Node) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

fn short(text: &[u8]) -> String {
    let t = String::from_utf8_lossy(text);
    let t = t.lines().next().unwrap_or("").trim();
    let mut end = t.len().min(120);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t[..end].to_string()
}

/// `node` is where the match starts; the guard is looked for above the literal it ends
/// with (in `verify=False if args.insecure else True` only `False` is under the condition).
pub(super) fn judge(src: &Src, root: Node, node: Node, c: &Candidate) -> Judgement {
    if in_string(node) {
        return Judgement::Drop;
    }
    let literal = root
        .descendant_for_byte_range(c.end - 1, c.end)
        .unwrap_or(node);
    for a in ancestors(literal).skip(1) {
        // A table of verification modes that configuration picks from (Radicale's
        // `{"NONE": ssl.CERT_NONE, "OPTIONAL": ssl.CERT_OPTIONAL, "REQUIRED":
        // ssl.CERT_REQUIRED}[self._ldap_ssl_verify_mode]`): the verifying mode sits beside
        // it, and which one applies is the operator's setting.
        if matches!(
            a.kind(),
            "dictionary" | "object" | "hash" | "literal_value" | "array_creation_expression"
        ) && verifying_alternative(src.text(a))
        {
            return Judgement::OptIn(
                "a table of verification modes the configuration picks from".to_string(),
            );
        }
        match a.kind() {
            "if_statement"
            | "if_expression"
            | "if"
            | "unless"
            | "if_modifier"
            | "unless_modifier"
            | "elif_clause"
            | "conditional_expression"
            | "ternary_expression" => {
                // Python's conditional expression (`a if c else b`) names no fields.
                let cond = a.child_by_field_name("condition").or_else(|| {
                    (a.kind() == "conditional_expression")
                        .then(|| a.named_child(1))
                        .flatten()
                });
                let Some(cond) = cond else { continue };
                if contains(cond, literal) {
                    continue;
                }
                let t = src.text(cond);
                if config_like(t) {
                    return Judgement::OptIn(short(t));
                }
                // Go's `if ok, _ := cmd.Flags().GetBool("ignore-certificate-errors"); ok`
                // (pterodactyl/wings): the switch is read in the initializer.
                if let Some(init) = a.child_by_field_name("initializer")
                    && config_like(src.text(init))
                {
                    return Judgement::OptIn(short(src.text(init)));
                }
            }
            "expression_case"
            | "switch_case"
            | "case_clause"
            | "switch_section"
            | "switch_block_statement_group"
            | "switch_rule"
            | "when"
            | "case_statement"
            | "match_arm" => {
                let label = ["value", "pattern"]
                    .iter()
                    .find_map(|f| a.child_by_field_name(f))
                    .map_or_else(
                        || {
                            // The label is the case's first line (`case "x":`).
                            let t = src.text(a);
                            let end = t
                                .iter()
                                .position(|b| matches!(b, b':' | b'\n'))
                                .unwrap_or(t.len());
                            &t[..end]
                        },
                        |v| src.text(v),
                    );
                if contains_label(a, literal, label.len()) {
                    continue;
                }
                if config_like(label) {
                    return Judgement::OptIn(format!("case {}", short(label)));
                }
                // grafana/loki clients/cmd/fluent-bit/config.go: `switch insecureSkipVerify
                // { case "true": ... = true }` on the value read from the plugin's config.
                let subject = ancestors(a).skip(1).take(3).find_map(|s| {
                    ["value", "condition", "subject"]
                        .iter()
                        .find_map(|f| s.child_by_field_name(f))
                        .filter(|_| {
                            s.kind().contains("switch")
                                || s.kind().contains("match")
                                || s.kind() == "case"
                        })
                });
                if let Some(subject) = subject
                    && config_like(src.text(subject))
                {
                    return Judgement::OptIn(format!(
                        "switch {} {}",
                        short(src.text(subject)),
                        short(label)
                    ));
                }
            }
            _ => {}
        }
        // An early return on the switch before the statement (woodpecker's GitHub
        // client: `if !c.SkipVerify { return ctx }`, then the insecure transport).
        if let Some(guard) = early_return_guard(src, a) {
            return Judgement::OptIn(guard);
        }
        if a.kind().contains("function") || a.kind().contains("method") {
            // Go code that skips the library's check to verify the peer itself
            // (authelia's PostgreSQL client sets `VerifyConnection` and
            // `VerifyPeerCertificate` on the same config; its `debug tls` command
            // verifies the chain with `x509.VerifyOptions`): verification is not off.
            if src.grammar == super::Grammar::Go && verifies_itself(src.text(a)) {
                return Judgement::Drop;
            }
            break;
        }
    }
    Judgement::Keep
}

/// The verifying counterpart of a disabling constant is in `text`.
fn verifying_alternative(text: &[u8]) -> bool {
    [&b"CERT_REQUIRED"[..], b"VERIFY_PEER", b"SSL_VERIFY_PEER"]
        .iter()
        .any(|n| memchr::memmem::find(text, n).is_some())
}

/// A Go function body that verifies certificates itself: it sets a
/// `VerifyPeerCertificate` or `VerifyConnection` callback or builds
/// `x509.VerifyOptions`.
fn verifies_itself(body: &[u8]) -> bool {
    [
        &b"VerifyPeerCertificate"[..],
        b"VerifyConnection",
        b"x509.VerifyOptions",
    ]
    .iter()
    .any(|n| memchr::memmem::find(body, n).is_some())
}

/// The condition of an `if` among the statements before `stmt` in its block that
/// returns unless a configuration switch is on (`if !c.SkipVerify { return … }`, with
/// no `else`): what follows runs only when the operator turned it on. A guard that
/// returns when the switch is on (`if opts.insecure { return … }`) leaves the code
/// after it as the default, so it is no opt-in.
fn early_return_guard(src: &Src, stmt: Node) -> Option<String> {
    let negated = |t: &[u8]| {
        let t = String::from_utf8_lossy(t);
        let t = t.trim().trim_start_matches('(').trim_start();
        t.starts_with('!') && !t.starts_with("!=") || t.starts_with("not ")
    };
    let mut prev = stmt.prev_named_sibling();
    while let Some(p) = prev {
        if p.kind() == "if_statement"
            && p.child_by_field_name("alternative").is_none()
            && let (Some(cond), Some(then)) = (
                p.child_by_field_name("condition"),
                p.child_by_field_name("consequence"),
            )
            && config_like(src.text(cond))
            && negated(src.text(cond))
            && String::from_utf8_lossy(src.text(then)).contains("return")
        {
            return Some(format!("{} … return", short(src.text(cond))));
        }
        prev = p.prev_named_sibling();
    }
    None
}

/// True when `node` sits in the case's label itself (then the case guards nothing).
fn contains_label(case: Node, node: Node, label_len: usize) -> bool {
    node.start_byte() < case.start_byte() + label_len + 8
        && node.start_byte() >= case.start_byte()
        && node.end_byte() <= case.start_byte() + label_len + 8
}
