//! A generic YAML tree that remembers the line of every node.
//!
//! Kubernetes manifests, workflows, compose files and catalog entries are read
//! into this tree once; checks walk it and cite `path:line` evidence. Parsing uses
//! serde-saphyr (pure Rust, budgets against billion-laughs) and never panics.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A YAML node and the 1-based line it starts on (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Yaml {
    pub value: YamlValue,
    pub line: u32,
}

/// The value of a YAML node. Mapping keys are kept as strings, in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

static NULL: Yaml = Yaml {
    value: YamlValue::Null,
    line: 0,
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
            YamlValue::Str(s) => Some(s.clone()),
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
    pub fn entries(&self) -> &[(String, Yaml)] {
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

/// Parse every document of a YAML stream. Empty documents are dropped.
pub fn parse_documents(text: &str) -> Result<Vec<Yaml>, String> {
    let docs: Vec<Yaml> = serde_saphyr::from_multiple(text).map_err(|e| {
        let msg = e.to_string();
        // Keep the first line: saphyr's messages can carry a multi-line snippet.
        msg.lines().next().unwrap_or("invalid YAML").to_string()
    })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
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

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<YamlValue>::deserialize(d)?;
        Ok(Yaml {
            line: u32::try_from(spanned.referenced.line()).unwrap_or(0),
            value: spanned.value,
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = YamlValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YamlValue, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<YamlValue, E> {
        Ok(YamlValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<YamlValue, E> {
        Ok(YamlValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Float(v as f64), YamlValue::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Str(v.to_string()), YamlValue::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Str(v.to_string()), YamlValue::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<YamlValue, E> {
        Ok(YamlValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<YamlValue, E> {
        Ok(YamlValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<YamlValue, E> {
        Ok(YamlValue::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<YamlValue, E> {
        Ok(YamlValue::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Yaml>()? {
            items.push(item);
        }
        Ok(YamlValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Yaml>()? {
            let key = key.scalar_text().unwrap_or_default();
            let value = map.next_value::<Yaml>()?;
            entries.push((key, value));
        }
        Ok(YamlValue::Map(entries))
    }
}

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
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
    fn non_string_keys_become_text() {
        let d = parse_document("1: a\ntrue: b\n").unwrap();
        assert_eq!(d.idx("1").as_str(), Some("a"));
        assert_eq!(d.idx("true").as_str(), Some("b"));
    }
}
