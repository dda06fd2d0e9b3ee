//! A generic YAML tree that remembers the line of every node.
//!
//! Kubernetes manifests, workflows, compose files and catalog entries are read
//! into this tree once; checks walk it and cite `path:line` evidence. Parsing uses
//! granit-parser's events (pure Rust), with budgets against alias bombs and deep
//! nesting, and never panics.

pub use compact_str::CompactString;

/// A YAML node and the 1-based line it starts on (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Yaml {
    pub value: YamlValue,
    pub line: u32,
    /// For a mapping value, the line of its key (`pull_request:` on line 6 while
    /// its block starts on line 7); 0 for documents and sequence items. Fits in the
    /// node's padding: it costs no memory.
    pub key_line: u32,
}

/// The value of a YAML node. Mapping keys are kept as strings, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text; up to 24 bytes inline (most keys and values), so a large manifest set
    /// does not cost one heap allocation per scalar.
    Str(CompactString),
    Seq(Vec<Yaml>),
    Map(Vec<(CompactString, Yaml)>),
}

static NULL: Yaml = Yaml {
    value: YamlValue::Null,
    line: 0,
    key_line: 0,
};

impl Yaml {
    /// The child under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match &self.value {
            YamlValue::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follow a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Yaml> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The child under `key`, or a null node: for chained look-ups.
    pub fn idx(&self, key: &str) -> &Yaml {
        self.get(key).unwrap_or(&NULL)
    }

    /// A scalar rendered as text (strings, numbers, booleans).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text, including numbers and booleans.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            YamlValue::Str(s) => Some(s.to_string()),
            YamlValue::Bool(b) => Some(b.to_string()),
            YamlValue::Int(i) => Some(i.to_string()),
            YamlValue::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            YamlValue::Bool(b) => Some(*b),
            YamlValue::Str(s) if s == "true" => Some(true),
            YamlValue::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            YamlValue::Int(i) => Some(*i),
            YamlValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Yaml] {
        match &self.value {
            YamlValue::Seq(items) => items,
            _ => &[],
        }
    }

    /// Entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(CompactString, Yaml)] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Structural equality that ignores line numbers.
    pub fn same_value(&self, other: &Yaml) -> bool {
        match (&self.value, &other.value) {
            (YamlValue::Seq(a), YamlValue::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_value(y))
            }
            (YamlValue::Map(a), YamlValue::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v.same_value(v2)))
            }
            (a, b) => a == b,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, YamlValue::Null)
    }

    /// Visit this node and every descendant, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Yaml)) {
        f(self);
        match &self.value {
            YamlValue::Seq(items) => items.iter().for_each(|i| i.walk(f)),
            YamlValue::Map(entries) => entries.iter().for_each(|(_, v)| v.walk(f)),
            _ => {}
        }
    }
}

/// Deepest nesting accepted: the tree is dropped and walked recursively.
const MAX_DEPTH: usize = 256;

/// Nodes a stream may expand to through aliases, beyond its own size (billion laughs).
const ALIAS_BUDGET: usize = 1_000_000;

/// A collection being built.
enum Frame {
    Seq {
        line: u32,
        anchor: usize,
        items: Vec<Yaml>,
        nodes: usize,
    },
    Map {
        line: u32,
        anchor: usize,
        entries: Vec<(CompactString, Yaml)>,
        /// `<<` merge values, applied when the mapping closes.
        merges: Vec<Yaml>,
        /// The key read, with its line, waiting for its value (`None` between entries).
        key: Option<(CompactString, u32)>,
        nodes: usize,
    },
}

/// Parse every document of a YAML stream. Empty documents are dropped.
///
/// Built straight from the parser's events (granit-parser, pure Rust, the parser
/// under serde-saphyr): no serde layer per node, which halves the cost on
/// Kubernetes-heavy trees. Plain scalars resolve by the YAML 1.2 core schema (so
/// `on:` and `yes` stay text); mapping keys keep their source text; `<<` merge keys are
/// applied; aliases are expanded within a node budget; nesting is bounded.
pub fn parse_documents(text: &str) -> Result<Vec<Yaml>, String> {
    use granit_parser::Event;
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Anchored nodes of the current document, with their size in nodes.
    let mut anchors: std::collections::HashMap<usize, (Yaml, usize)> = Default::default();
    let mut doc: Option<Yaml> = None;
    let mut budget = ALIAS_BUDGET.saturating_add(text.len());
    for event in granit_parser::Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let line = u32::try_from(span.start.line()).unwrap_or(0);
        let (node, key_text, anchor, nodes) = match event {
            Event::DocumentStart(..) => {
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                if let Some(d) = doc.take().filter(|d| !d.is_null()) {
                    docs.push(d);
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == granit_parser::ScalarStyle::Plain;
                let as_str = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let resolved = if plain && !as_str {
                    resolve_plain(&value)
                } else {
                    YamlValue::Str(CompactString::from(&*value))
                };
                let key = if plain && &*value == "<<" {
                    CompactString::const_new(MERGE_KEY)
                } else {
                    CompactString::from(&*value)
                };
                (
                    Yaml {
                        value: resolved,
                        line,
                        key_line: 0,
                    },
                    Some(key),
                    anchor,
                    1,
                )
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "YAML nested deeper than {MAX_DEPTH} levels at line {line}"
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        line,
                        anchor,
                        items: Vec::new(),
                        nodes: 1,
                    }
                } else {
                    Frame::Map {
                        line,
                        anchor,
                        entries: Vec::new(),
                        merges: Vec::new(),
                        key: None,
                        nodes: 1,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq {
                    line,
                    anchor,
                    mut items,
                    nodes,
                }) => (
                    Yaml {
                        // Trees of thousands of manifests stay in memory for the checks:
                        // drop the growth slack (up to half of each vector).
                        value: YamlValue::Seq({
                            items.shrink_to_fit();
                            items
                        }),
                        line,
                        key_line: 0,
                    },
                    None,
                    anchor,
                    nodes,
                ),
                Some(Frame::Map {
                    line,
                    anchor,
                    mut entries,
                    merges,
                    nodes,
                    ..
                }) => {
                    apply_merges(&mut entries, merges);
                    entries.shrink_to_fit();
                    (
                        Yaml {
                            value: YamlValue::Map(entries),
                            line,
                            key_line: 0,
                        },
                        None,
                        anchor,
                        nodes,
                    )
                }
                None => return Err(format!("unbalanced YAML collection end at line {line}")),
            },
            Event::Alias(id) => {
                let Some((node, size)) = anchors.get(&id) else {
                    return Err(format!("unknown YAML alias at line {line}"));
                };
                budget = budget.checked_sub(*size).ok_or_else(|| {
                    format!(
                        "YAML aliases expand to too many nodes (over {ALIAS_BUDGET}) at line {line}"
                    )
                })?;
                let key = node.scalar_text().map(CompactString::from);
                (node.clone(), key, 0, *size)
            }
            // Stream markers, anchor names, comments: not data.
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), nodes));
        }
        match stack.last_mut() {
            None => doc = Some(node),
            Some(Frame::Seq {
                items, nodes: n, ..
            }) => {
                *n += nodes;
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                merges,
                key,
                nodes: n,
                ..
            }) => {
                *n += nodes;
                let mut node = node;
                match key.take() {
                    // A collection used as a key has no text; it is kept as "".
                    None => *key = Some((key_text.unwrap_or_default(), node.line)),
                    Some((k, _)) if k == MERGE_KEY => merges.push(node),
                    Some((k, key_line)) => {
                        node.key_line = key_line;
                        // YAML forbids duplicate keys; a second `apiVersion:` usually means
                        // a missing `---` between two documents.
                        if entries.iter().any(|(e, _)| *e == k) {
                            return Err(format!(
                                "duplicate mapping key `{k}` at line {} (a missing `---` between documents?)",
                                node.line
                            ));
                        }
                        entries.push((k, node));
                    }
                }
            }
        }
    }
    if let Some(d) = doc.take().filter(|d| !d.is_null()) {
        docs.push(d);
    }
    Ok(docs)
}

/// Stands for a plain `<<` key while a mapping is built (cannot collide with a real
/// key: it contains a NUL byte, which YAML text cannot).
const MERGE_KEY: &str = "<<\0merge";

/// Apply `<<: *base` / `<<: [*a, *b]`: keys from the merged mappings that the mapping
/// does not set itself, earlier merged mappings winning over later ones.
fn apply_merges(entries: &mut Vec<(CompactString, Yaml)>, merges: Vec<Yaml>) {
    for merge in merges {
        let sources: Vec<Yaml> = match merge.value {
            YamlValue::Seq(items) => items,
            other => vec![Yaml {
                value: other,
                line: merge.line,
                key_line: merge.key_line,
            }],
        };
        for source in sources {
            if let YamlValue::Map(more) = source.value {
                for (k, v) in more {
                    if !entries.iter().any(|(e, _)| *e == k) {
                        entries.push((k, v));
                    }
                }
            }
        }
    }
}

/// The YAML 1.2 core schema for a plain scalar: null, booleans, integers (decimal,
/// `0o`, `0x`), floats (including `.inf`, `.nan`); anything else is text.
fn resolve_plain(s: &str) -> YamlValue {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return YamlValue::Null,
        "true" | "True" | "TRUE" => return YamlValue::Bool(true),
        "false" | "False" | "FALSE" => return YamlValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return YamlValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return YamlValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return YamlValue::Float(f64::NAN),
        _ => {}
    }
    let b = s.as_bytes();
    let first = b[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return YamlValue::Str(CompactString::from(s));
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .map(YamlValue::Int)
            .unwrap_or_else(|_| YamlValue::Float(s.parse().unwrap_or(f64::NAN)));
    }
    if let Some(oct) = s.strip_prefix("0o")
        && let Ok(v) = i64::from_str_radix(oct, 8)
    {
        return YamlValue::Int(v);
    }
    if let Some(hex) = s.strip_prefix("0x")
        && let Ok(v) = i64::from_str_radix(hex, 16)
    {
        return YamlValue::Int(v);
    }
    if is_core_float(digits)
        && let Ok(v) = s.parse::<f64>()
    {
        return YamlValue::Float(v);
    }
    YamlValue::Str(CompactString::from(s))
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without its sign.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        None => !int.is_empty() && all_digits(int),
        Some(f) => all_digits(int) && all_digits(f) && !(int.is_empty() && f.is_empty()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Parse a single YAML document.
pub fn parse_document(text: &str) -> Result<Yaml, String> {
    let mut docs = parse_documents(text)?;
    Ok(if docs.is_empty() {
        NULL.clone()
    } else {
        docs.swap_remove(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_across_documents() {
        let docs = parse_documents(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: x:1\n---\nkind: Service\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        let image = docs[0].at(&["spec", "containers"]).unwrap().items()[0].idx("image");
        assert_eq!(image.as_str(), Some("x:1"));
        assert_eq!(image.line, 6);
        assert_eq!(docs[1].idx("kind").line, 8);
    }

    #[test]
    fn malformed_yaml_is_an_error_not_a_panic() {
        assert!(parse_documents("a: [1, 2\nb: {").is_err());
        assert!(parse_documents("").unwrap().is_empty());
    }

    #[test]
    fn core_schema_scalars() {
        let d = parse_document(
            "a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: yes\ng: '1'\nh: 0x1f\ni: 1e3\nj: .inf\nk: 1.2.3\nl: on\nm: !!str 5\nn: .5\no: 99999999999999999999\n",
        )
        .unwrap();
        assert_eq!(d.idx("a").value, YamlValue::Int(1));
        assert_eq!(d.idx("b").value, YamlValue::Int(-2));
        assert_eq!(d.idx("c").value, YamlValue::Float(1.5));
        assert_eq!(d.idx("d").value, YamlValue::Bool(true));
        assert!(d.idx("e").is_null() && d.get("e").is_some());
        assert_eq!(d.idx("f").as_str(), Some("yes"));
        assert_eq!(d.idx("g").as_str(), Some("1"));
        assert_eq!(d.idx("h").value, YamlValue::Int(31));
        assert_eq!(d.idx("i").value, YamlValue::Float(1000.0));
        assert_eq!(d.idx("j").value, YamlValue::Float(f64::INFINITY));
        assert_eq!(d.idx("k").as_str(), Some("1.2.3"));
        assert_eq!(d.idx("l").as_str(), Some("on"));
        assert_eq!(d.idx("m").as_str(), Some("5"));
        assert_eq!(d.idx("n").value, YamlValue::Float(0.5));
        assert!(matches!(d.idx("o").value, YamlValue::Float(_)));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d = parse_document(
            ".base: &base\n  image: ruby:3\n  script: [a]\njob:\n  <<: *base\n  script: [b]\nother:\n  <<: [*base]\nlist: &l [1, 2]\ncopy: *l\n",
        )
        .unwrap();
        let job = d.idx("job");
        assert_eq!(job.idx("image").as_str(), Some("ruby:3"));
        assert_eq!(job.idx("image").line, 2);
        assert_eq!(job.idx("script").items()[0].as_str(), Some("b"));
        assert!(job.get("<<").is_none());
        assert_eq!(d.idx("other").idx("image").as_str(), Some("ruby:3"));
        assert_eq!(d.idx("copy").items().len(), 2);
        // A quoted "<<" is an ordinary key.
        let q = parse_document("'<<': x\n").unwrap();
        assert_eq!(q.idx("<<").as_str(), Some("x"));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = parse_documents(&bomb).unwrap_err();
        assert!(e.contains("too many nodes"), "{e}");
        let deep = "[".repeat(10_000);
        assert!(parse_documents(&deep).is_err());
        assert!(parse_documents("*nope").is_err());
        let e = parse_documents("kind: A\nname: x\nkind: B\n").unwrap_err();
        assert!(e.contains("duplicate mapping key `kind`"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in "[ -~\\n\\t&*<>:\\-\\[\\]{},|]{0,200}") {
            let _ = parse_documents(&text);
        }

        #[test]
        fn never_panics_on_yaml_like_lines(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a: 1", "  b: &x [1, 2]", "- *x", "<<: *x", "c: |", "  text", "---", "...",
                    "- {k: v, <<: *x}", "d: !!str 3", "? complex", ": value", "e: 'q''q'",
                    "  - - nested", "f: \"\\u00e9\"", "g: &y {h: *y}",
                ]),
                0..30,
            )
        ) {
            let _ = parse_documents(&lines.join("\n"));
        }
    }

    #[test]
    fn mapping_values_know_their_key_line() {
        let d = parse_document("on:\n  pull_request:\n    branches: [main]\n  push: {}\nx: 1\n")
            .unwrap();
        let pr = d.idx("on").idx("pull_request");
        assert_eq!((pr.key_line, pr.line), (2, 3));
        assert_eq!(d.idx("on").key_line, 1);
        assert_eq!(d.idx("x").key_line, 5);
        assert_eq!(d.key_line, 0);
        // The extra field sits in the node's padding.
        assert!(
            std::mem::size_of::<Yaml>() <= 40,
            "{}",
            std::mem::size_of::<Yaml>()
        );
    }

    #[test]
    fn non_string_keys_become_text() {
        let d = parse_document("1: a\ntrue: b\n").unwrap();
        assert_eq!(d.idx("1").as_str(), Some("a"));
        assert_eq!(d.idx("true").as_str(), Some("b"));
    }
}
