//! A generic YAML tree that remembers the line of every node.
//!
//! Kubernetes manifests, workflows, compose files and catalog entries are read
//! into this tree once; checks walk it and cite `path:line` evidence. Parsing uses
//! granit-parser's events (pure Rust), with budgets against alias bombs and deep
//! nesting, and never panics.

mod fast;

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

/// Where a descendant sits below a node, as the positions of the mapping entries
/// leading to it: following it is a few array reads instead of comparing keys at
/// every level. Found once with [`Yaml::key_path`], followed with [`Yaml::follow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPath {
    len: u8,
    steps: [u32; KeyPath::MAX],
}

impl KeyPath {
    /// The deepest path kept (a CronJob's pod spec is five keys down).
    pub const MAX: usize = 6;
    /// The node itself.
    pub const EMPTY: KeyPath = KeyPath {
        len: 0,
        steps: [0; KeyPath::MAX],
    };
}

impl Yaml {
    /// Where `path` (mapping keys, at most [`KeyPath::MAX`]) leads, when it does.
    pub fn key_path(&self, path: &[&str]) -> Option<KeyPath> {
        if path.len() > KeyPath::MAX {
            return None;
        }
        let mut found = KeyPath::EMPTY;
        let mut node = self;
        for key in path {
            let YamlValue::Map(entries) = &node.value else {
                return None;
            };
            let at = entries.iter().position(|(k, _)| k == key)?;
            found.steps[usize::from(found.len)] = u32::try_from(at).ok()?;
            found.len += 1;
            node = &entries[at].1;
        }
        Some(found)
    }

    /// The node a [`KeyPath`] found on this same node leads to.
    pub fn follow(&self, path: &KeyPath) -> Option<&Yaml> {
        path.steps[..usize::from(path.len)]
            .iter()
            .try_fold(self, |node, &at| match &node.value {
                YamlValue::Map(entries) => entries.get(at as usize).map(|(_, v)| v),
                _ => None,
            })
    }

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

    /// True when both are scalars with the same text (`1` equals `"1"`), without
    /// allocating when both are text.
    pub fn scalar_eq(&self, other: &Yaml) -> bool {
        match (&self.value, &other.value) {
            (YamlValue::Str(a), YamlValue::Str(b)) => a == b,
            _ => matches!(
                (self.scalar_text(), other.scalar_text()),
                (Some(a), Some(b)) if a == b
            ),
        }
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
        /// Where this sequence's items start in the builder's item stack.
        start: usize,
        nodes: usize,
    },
    Map {
        line: u32,
        anchor: usize,
        /// Where this mapping's entries start in the builder's entry stack.
        start: usize,
        /// `<<` merge values, applied when the mapping closes.
        merges: Vec<Yaml>,
        /// The key read, with its line, waiting for its value (`None` between entries).
        key: Option<(CompactString, u32)>,
        nodes: usize,
    },
}

/// Parse every document of a YAML stream. Empty documents are dropped.
///
/// Most manifests are plain block YAML: [`fast`] reads that subset straight from the
/// text (several times faster) and gives up on anything else — anchors, tags, folded
/// or multi-line scalars, unusual indentation, any error — which granit-parser (pure
/// Rust, the parser under serde-saphyr) then reads in full. Both feed the same
/// [`Builder`], and a property test holds the two paths to the same tree.
///
/// Plain scalars resolve by the YAML 1.2 core schema (so `on:` and `yes` stay text);
/// mapping keys keep their source text; `<<` merge keys are applied; aliases are
/// expanded within a node budget; nesting is bounded.
pub fn parse_documents(text: &str) -> Result<Vec<Yaml>, String> {
    if let Some(docs) = fast::parse(text) {
        return Ok(docs);
    }
    parse_documents_full(text)
}

/// The fast path alone: `None` when the text is outside its subset.
#[doc(hidden)]
pub fn parse_documents_fast(text: &str) -> Option<Vec<Yaml>> {
    fast::parse(text)
}

/// [`parse_documents`] without the fast path: the reference it is tested against.
#[doc(hidden)]
pub fn parse_documents_full(text: &str) -> Result<Vec<Yaml>, String> {
    use granit_parser::Event;
    let mut b = Builder::new(text.len());
    for event in granit_parser::Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let line = u32::try_from(span.start.line()).unwrap_or(0);
        match event {
            Event::DocumentStart(..) => b.document_start(),
            Event::DocumentEnd => b.document_end(),
            Event::Scalar(value, style, anchor, tag) => {
                let plain = style == granit_parser::ScalarStyle::Plain;
                let as_str = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                b.scalar(&value, plain && !as_str, plain, line, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => b.open(true, line, anchor)?,
            Event::MappingStart(_, anchor, _) => b.open(false, line, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => b.close(line)?,
            Event::Alias(id) => b.alias(id, line)?,
            // Stream markers, anchor names, comments: not data.
            _ => {}
        }
    }
    Ok(b.finish())
}

/// Builds trees from parser events (either parser's): collections, core-schema
/// scalars, merge keys, anchors within a budget, duplicate-key and depth errors.
pub(crate) struct Builder {
    docs: Vec<Yaml>,
    stack: Vec<Frame>,
    /// Items and entries of the open collections, innermost last: a collection takes
    /// its own off the end when it closes, into a vector of exactly its size (no growth
    /// reallocations, no slack to shrink away).
    items: Vec<Yaml>,
    entries: Vec<(CompactString, Yaml)>,
    /// Anchored nodes of the current document, with their size in nodes.
    anchors: std::collections::HashMap<usize, (Yaml, usize)>,
    doc: Option<Yaml>,
    budget: usize,
}

impl Builder {
    pub(crate) fn new(text_len: usize) -> Builder {
        Builder {
            docs: Vec::new(),
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: Default::default(),
            doc: None,
            budget: ALIAS_BUDGET.saturating_add(text_len),
        }
    }

    pub(crate) fn document_start(&mut self) {
        self.anchors.clear();
    }

    pub(crate) fn document_end(&mut self) {
        if let Some(d) = self.doc.take().filter(|d| !d.is_null()) {
            self.docs.push(d);
        }
    }

    /// A scalar; `resolve` applies the core schema (plain and untagged), `plain` lets a
    /// `<<` key merge.
    pub(crate) fn scalar(
        &mut self,
        value: &str,
        resolve: bool,
        plain: bool,
        line: u32,
        anchor: usize,
    ) -> Result<(), String> {
        // A mapping waiting for a key takes the text as the key and only the line of
        // the node; every other place takes the value (an anchored scalar keeps both,
        // for its aliases).
        let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
        let resolved = if is_key && anchor == 0 {
            YamlValue::Null
        } else if resolve {
            resolve_plain(value)
        } else {
            YamlValue::Str(CompactString::from(value))
        };
        let key = is_key.then(|| {
            if plain && value == "<<" {
                CompactString::const_new(MERGE_KEY)
            } else {
                CompactString::from(value)
            }
        });
        let node = Yaml {
            value: resolved,
            line,
            key_line: 0,
        };
        self.add(node, key, anchor, 1)
    }

    pub(crate) fn open(&mut self, seq: bool, line: u32, anchor: usize) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!(
                "YAML nested deeper than {MAX_DEPTH} levels at line {line}"
            ));
        }
        self.stack.push(if seq {
            Frame::Seq {
                line,
                anchor,
                start: self.items.len(),
                nodes: 1,
            }
        } else {
            Frame::Map {
                line,
                anchor,
                start: self.entries.len(),
                merges: Vec::new(),
                key: None,
                nodes: 1,
            }
        });
        Ok(())
    }

    pub(crate) fn close(&mut self, line: u32) -> Result<(), String> {
        let (node, anchor, nodes) = match self.stack.pop() {
            Some(Frame::Seq {
                line,
                anchor,
                start,
                nodes,
            }) => {
                // Exactly sized: trees of thousands of manifests stay in memory.
                // (`split_off` copies the tail in one go.)
                let items: Vec<Yaml> = self.items.split_off(start);
                (
                    Yaml {
                        value: YamlValue::Seq(items),
                        line,
                        key_line: 0,
                    },
                    anchor,
                    nodes,
                )
            }
            Some(Frame::Map {
                line,
                anchor,
                start,
                merges,
                nodes,
                ..
            }) => {
                let mut entries: Vec<(CompactString, Yaml)> = self.entries.split_off(start);
                if !merges.is_empty() {
                    apply_merges(&mut entries, merges);
                    entries.shrink_to_fit();
                }
                (
                    Yaml {
                        value: YamlValue::Map(entries),
                        line,
                        key_line: 0,
                    },
                    anchor,
                    nodes,
                )
            }
            None => return Err(format!("unbalanced YAML collection end at line {line}")),
        };
        self.add(node, None, anchor, nodes)
    }

    fn alias(&mut self, id: usize, line: u32) -> Result<(), String> {
        let Some((node, size)) = self.anchors.get(&id) else {
            return Err(format!("unknown YAML alias at line {line}"));
        };
        let size = *size;
        self.budget = self.budget.checked_sub(size).ok_or_else(|| {
            format!("YAML aliases expand to too many nodes (over {ALIAS_BUDGET}) at line {line}")
        })?;
        let node = node.clone();
        let key = node.scalar_text().map(CompactString::from);
        self.add(node, key, 0, size)
    }

    /// Attach a finished node to the collection being built (or make it the document).
    fn add(
        &mut self,
        mut node: Yaml,
        key_text: Option<CompactString>,
        anchor: usize,
        nodes: usize,
    ) -> Result<(), String> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), nodes));
        }
        match self.stack.last_mut() {
            None => self.doc = Some(node),
            Some(Frame::Seq { nodes: n, .. }) => {
                *n += nodes;
                self.items.push(node);
            }
            Some(Frame::Map {
                start,
                merges,
                key,
                nodes: n,
                ..
            }) => {
                *n += nodes;
                match key.take() {
                    // A collection used as a key has no text; it is kept as "".
                    None => *key = Some((key_text.unwrap_or_default(), node.line)),
                    Some((k, _)) if k == MERGE_KEY => merges.push(node),
                    Some((k, key_line)) => {
                        node.key_line = key_line;
                        // YAML forbids duplicate keys; a second `apiVersion:` usually means
                        // a missing `---` between two documents.
                        if self.entries[*start..].iter().any(|(e, _)| *e == k) {
                            return Err(format!(
                                "duplicate mapping key `{k}` at line {} (a missing `---` between documents?)",
                                node.line
                            ));
                        }
                        self.entries.push((k, node));
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Vec<Yaml> {
        self.document_end();
        self.docs
    }
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
    use proptest::prelude::*;

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
        fn never_panics_on_arbitrary_unicode(text in "(\\PC|\\n|  |: |- |\\||\\{|\\}|\\[|\\]|, |'|\"|#){0,120}") {
            // Multi-byte characters next to indicators: every slice the fast path takes
            // must stay on a character boundary.
            let _ = parse_documents(&text);
            fast_agrees(&text);
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

    /// When the fast reader takes a text, the full parser must accept it and build the
    /// same tree (lines included). Returns whether the fast reader took it.
    fn fast_agrees(text: &str) -> bool {
        let Some(fast) = fast::parse(text) else {
            return false;
        };
        let full = parse_documents_full(text).unwrap_or_else(|e| {
            panic!("fast path accepted what the full parser rejects ({e}):\n{text}")
        });
        assert_eq!(fast, full, "fast and full trees differ for:\n{text}");
        true
    }

    #[test]
    fn fast_path_takes_everyday_manifests_and_agrees() {
        let manifests = [
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web  # the name\n  labels: {app: web, tier: \"front\"}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.2.3\n        args: [--port, '8080']\n        ports:\n          - containerPort: 8080\n            name: http\n        env:\n        - name: A\n          value: \"x\\ty\"\n        - name: EMPTY\n          value:\n---\n# a comment\napiVersion: v1\nkind: Service\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n",
            "on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          cargo test\n\n          echo done: ok # not a comment\n      - run: |-\n          one\n        name: strip\n",
            "- a\n- - b\n  - c\n-\n- 'it''s'\n- key: 1\n  other: 0x1f\n- ~\n",
        ];
        for m in manifests {
            assert!(fast_agrees(m), "the fast path gave up on:\n{m}");
        }
        // Outside the subset: the fast path gives up, the full parser decides.
        for m in [
            "a: &x 1\nb: *x\n",
            "a: >\n  folded\n",
            "a: b\n  continued\n",
            "a:\tb\n",
            "a: \"multi\n  line\"\n",
            "? k\n: v\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: !!str 1\n",
            "a: [1,\n 2]\n",
            "--- a\n",
            "a: 1\n...\n",
            "a: b: c\n",
            "a: |2\n   x\n",
            "a: {b: c:d}\n",
            "a: [1, 2,]\n",
            "a:\r\n  b\r\n",
            "\u{feff}a: 1\n",
        ] {
            assert!(
                fast::parse(m).is_none(),
                "the fast path should give up on {m:?}"
            );
        }
    }

    /// A random tree, rendered in the styles people write by hand.
    #[derive(Debug, Clone)]
    enum Gen {
        Scalar(&'static str),
        Text(&'static str),
        Seq(Vec<Gen>),
        Map(Vec<(&'static str, Gen)>),
    }

    const SCALARS: &[&str] = &[
        "web",
        "80",
        "true",
        "~",
        "1.5",
        "-3",
        "0x1f",
        "a b",
        "http://x:8080/y",
        "ghcr.io/a/b:1.2",
        "yes",
        "null",
        "v1",
        "-flag",
        ":x",
        "a#b",
        "é",
        "''",
        "\"q\"",
        "'it''s'",
        "\"tab\\tnl\\n\"",
        "1e3",
        "[]",
        "{}",
        "[a, 'b']",
        "{k: v}",
        "\"\"",
    ];
    const TEXTS: &[&str] = &[
        "line\n",
        "two\nlines\n",
        "a: b # c\n  indented\n",
        "x\n\ny\n",
    ];
    const KEYS: &[&str] = &[
        "a",
        "b",
        "name",
        "image",
        "ports",
        "app.kubernetes.io/name",
        "x-y",
        "'q k'",
        "\"d\"",
        "on",
        "1",
        "k8s:io",
    ];

    fn gen_tree() -> impl Strategy<Value = Gen> {
        let leaf = prop_oneof![
            4 => proptest::sample::select(SCALARS).prop_map(Gen::Scalar),
            1 => proptest::sample::select(TEXTS).prop_map(Gen::Text),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Gen::Seq),
                proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..4)
                    .prop_map(Gen::Map),
            ]
        })
    }

    fn render(g: &Gen, indent: usize, style: &mut impl Iterator<Item = bool>, out: &mut String) {
        let pad = " ".repeat(indent);
        let mut flip = || style.next().unwrap_or(false);
        match g {
            Gen::Scalar(s) => out.push_str(&format!(" {s}\n")),
            Gen::Text(t) => {
                out.push_str(if flip() { " |-\n" } else { " |\n" });
                for l in t.lines() {
                    if !l.is_empty() {
                        out.push_str(&pad);
                        out.push_str("  ");
                    }
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Gen::Seq(items) if items.is_empty() => out.push_str(" []\n"),
            Gen::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Gen::Seq(items) => {
                // k8s style (dashes under the key) or indented.
                let at = if flip() { indent } else { indent + 2 };
                out.push('\n');
                for item in items {
                    out.push_str(&" ".repeat(at));
                    out.push('-');
                    render(item, at + 2, style, out);
                }
            }
            Gen::Map(entries) => {
                out.push('\n');
                for (k, v) in entries {
                    out.push_str(&pad);
                    out.push_str("  ");
                    out.push_str(k);
                    out.push(':');
                    render(v, indent + 2, style, out);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_the_full_parser_on_generated_yaml(
            tree in gen_tree(),
            styles in proptest::collection::vec(proptest::bool::ANY, 0..64),
            comments in proptest::collection::vec(0usize..40, 0..4),
        ) {
            let mut text = String::from("root:");
            render(&tree, 0, &mut styles.into_iter(), &mut text);
            // Comment and blank lines anywhere between lines.
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for c in comments {
                let at = c.min(lines.len());
                lines.insert(at, if c % 2 == 0 { "  # note".into() } else { String::new() });
            }
            let text = lines.join("\n") + "\n";
            fast_agrees(&text);
        }

        #[test]
        fn fast_path_never_disagrees_on_yaml_like_lines(
            lines in proptest::collection::vec(
                (
                    proptest::sample::select(vec![0usize, 0, 1, 2, 2, 4, 6]),
                    proptest::sample::select(vec![
                        "a: 1", "b:", "- x", "-", "- c: d", "k: v # note", "k: 'q''s'",
                        "k: \"e\\n\"", "k: {x: 1, y: [a, b]}", "k: []", "- [1, 2]", "run: |",
                        "run: |-", "text line", "w: x: y", "# c", "", "---", "k: http://x:80/p",
                        "<<: {m: 1}", "k: -1", "\"q k\": v", "k: [a: b]", "k:x", "- - n", "k: >",
                        "k: &a v", "k: *a", "? q", "k: 'open", "k: {a: 1", "...", "--- x", "k: x\t",
                        "a: 1", "a:", "- a: 1", "  - b", "{x: y}", "[1]", "'s'", "k: 'a' b",
                    ]),
                ),
                0..30,
            )
        ) {
            let text: String = lines
                .iter()
                .map(|(n, l)| format!("{}{l}\n", " ".repeat(*n)))
                .collect();
            fast_agrees(&text);
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
