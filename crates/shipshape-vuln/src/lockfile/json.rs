//! An order-preserving JSON tree and a forward-only key locator, shared by the JSON lockfile
//! parsers (package-lock, Pipfile.lock, composer.lock, packages.lock.json).
//!
//! serde_json keeps no positions, so lines are recovered by searching the text for each key
//! in document order: keys are visited in the order they appear, and each search starts where
//! the previous one ended, so repeated keys resolve to the right occurrence.

use super::{Lines, ParseError};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON value whose objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

impl Node {
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Obj(entries) => entries,
            _ => &[],
        }
    }

    pub(crate) fn items(&self) -> &[Node] {
        match self {
            Node::Arr(items) => items,
            _ => &[],
        }
    }

    /// The value of `key` as a string, if it is one.
    pub(crate) fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Node::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            entries.push((k, v));
        }
        Ok(Node::Obj(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// Parse JSON text into a [`Node`], turning serde_json's error into a [`ParseError`].
pub(crate) fn parse_json(path: &str, text: &str) -> Result<Node, ParseError> {
    serde_json::from_str::<Node>(text).map_err(|e| {
        ParseError::new(
            path,
            u32::try_from(e.line()).unwrap_or(1),
            format!("invalid JSON: {e}"),
        )
    })
}

/// Finds the line of keys in document order.
pub(crate) struct KeyCursor<'a> {
    text: &'a str,
    lines: Lines,
    pos: usize,
}

impl<'a> KeyCursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        KeyCursor {
            text,
            lines: Lines::new(text),
            pos: 0,
        }
    }

    /// Line of the next occurrence of `"key"` followed by `:` (and, when `object` is true,
    /// by `{`), searching forward from the last match. When not found, the cursor stays
    /// and the current line is returned.
    pub(crate) fn find(&mut self, key: &str, object: bool) -> u32 {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
        let mut from = self.pos;
        while let Some(rel) = self.text.get(from..).and_then(|t| t.find(&quoted)) {
            let at = from + rel;
            let after = self.text[at + quoted.len()..].trim_start();
            let ok = after
                .strip_prefix(':')
                .is_some_and(|rest| !object || rest.trim_start().starts_with('{'));
            if ok {
                self.pos = at + quoted.len();
                return self.lines.line(at);
            }
            from = at + quoted.len();
        }
        self.lines.line(self.pos)
    }

    /// Move the cursor to the next occurrence of `"key"` (as an object key) without reporting.
    pub(crate) fn skip_to(&mut self, key: &str) {
        self.find(key, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_finds_repeated_keys_in_order() {
        let text =
            "{\n \"b\": {\"requires\": {\"x\": \"1\"}},\n \"a\": 1,\n \"x\": {\n  \"v\": 2\n }\n}";
        let node = parse_json("f.json", text).unwrap();
        let keys: Vec<_> = node.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "x"]);
        let mut c = KeyCursor::new(text);
        assert_eq!(c.find("b", true), 2);
        // `"x": "1"` on line 2 is not an object; the object key is on line 4.
        assert_eq!(c.find("x", true), 4);
    }

    #[test]
    fn error_has_line() {
        let err = parse_json("f.json", "{\n\"a\": ,\n}").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("f.json:2: invalid JSON"));
    }
}
