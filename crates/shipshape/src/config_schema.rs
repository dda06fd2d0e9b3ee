//! The JSON Schema of `shipshape.toml`, generated from the config types themselves.
//!
//! No schema derive is in the dependency tree, so the shape comes from serde: each
//! config type is deserialized from a tracing [`Deserializer`] that answers every
//! request with a placeholder and records what was asked for (a string, a list of, a
//! table with these keys...). Which keys are required, and whether unknown keys are
//! refused, is found the same way: by leaving a key out, or adding a stray one, and
//! seeing whether the type accepts it. What serde cannot say (descriptions, the names
//! a string field accepts, the forms a custom parser takes) is in the tables below,
//! keyed by type and field; a test fails when a field has no description or a table
//! names a field that no longer exists, and another when `docs/shipshape.schema.json`
//! differs from what this generates. The file is what `shipshape init` points editors
//! at (taplo, Even Better TOML) with a `#:schema` line.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;

/// Where the schema is published: the `#:schema` line `shipshape init` writes.
pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/shipshape-dev/shipshape/main/docs/shipshape.schema.json";

/// What a type asked the deserializer for.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Bool,
    Unsigned(u64),
    Signed,
    Number,
    String,
    /// Whatever the input holds (`toml::Value`, or a custom parser).
    Any,
    Option(Box<Shape>),
    Array(Box<Shape>),
    /// A table with string keys and values of one shape.
    Map(Box<Shape>),
    /// A struct, by its Rust name (described once in `definitions`).
    Struct(&'static str),
    Enum(&'static [&'static str]),
}

/// One struct: its keys in declaration order with their shapes.
#[derive(Debug, Clone, Default)]
struct Def {
    fields: Vec<(&'static str, Shape)>,
    required: Vec<&'static str>,
    deny_unknown: bool,
}

#[derive(Debug)]
struct TraceError(String);

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TraceError(msg.to_string())
    }
}

/// How the first struct met is fed: every key, one key left out, or a stray key added.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    Full,
    Omit(&'static str),
    Unknown,
}

const STRAY_KEY: &str = "shipshape-schema-stray-key";

#[derive(Default)]
struct State {
    defs: BTreeMap<&'static str, Def>,
    depth: usize,
}

/// The tracing deserializer: `out` receives the shape asked for; `probe` applies to the
/// first struct only; `field` names the struct field being traced (for [`any_answer`]).
struct Tracer<'s> {
    state: &'s mut State,
    out: &'s mut Shape,
    probe: Probe,
    field: Option<(&'static str, &'static str)>,
}

/// The placeholder a field read with `deserialize_any` gets. Untagged parsers (durations,
/// sizes, header lists) accept some forms only; a number suits most, and an empty table
/// the header list.
fn any_answer<'de, V: Visitor<'de>>(
    field: Option<(&'static str, &'static str)>,
    visitor: V,
) -> Result<V::Value, TraceError> {
    match field {
        Some(("ProbeOptions", "headers")) => visitor.visit_map(de::value::MapDeserializer::<
            std::iter::Empty<(String, String)>,
            TraceError,
        >::new(std::iter::empty())),
        _ => visitor.visit_u64(0),
    }
}

impl<'de> Deserializer<'de> for Tracer<'_> {
    type Error = TraceError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Any;
        any_answer(self.field, visitor)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Bool;
        visitor.visit_bool(false)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Signed;
        visitor.visit_i64(0)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Unsigned(u8::MAX.into());
        visitor.visit_u64(0)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Unsigned(u16::MAX.into());
        visitor.visit_u64(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Unsigned(u32::MAX.into());
        visitor.visit_u64(0)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Unsigned(u64::MAX);
        visitor.visit_u64(0)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_f64(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Number;
        visitor.visit_f64(0.0)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::String;
        visitor.visit_char('x')
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::String;
        visitor.visit_str("")
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_str(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Any;
        visitor.visit_bytes(&[])
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_bytes(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let mut inner = Shape::Any;
        let v = visitor.visit_some(Tracer {
            state: self.state,
            out: &mut inner,
            probe: self.probe,
            field: self.field,
        })?;
        *self.out = Shape::Option(Box::new(inner));
        Ok(v)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        *self.out = Shape::Any;
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.deserialize_unit(visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let mut item = Shape::Any;
        let v = visitor.visit_seq(OneItem {
            state: self.state,
            out: &mut item,
            field: self.field,
            done: false,
        })?;
        *self.out = Shape::Array(Box::new(item));
        Ok(v)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let mut value = Shape::Any;
        let v = visitor.visit_map(OneEntry {
            state: self.state,
            out: &mut value,
            field: self.field,
            step: 0,
        })?;
        *self.out = Shape::Map(Box::new(value));
        Ok(v)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        *self.out = Shape::Struct(name);
        if self.state.depth > 16 {
            return Err(TraceError(format!("{name} nests too deeply to describe")));
        }
        let mut keys: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| self.probe != Probe::Omit(f))
            .collect();
        if self.probe == Probe::Unknown {
            keys.push(STRAY_KEY);
        }
        let mut shapes = vec![Shape::Any; fields.len()];
        self.state.depth += 1;
        let v = visitor.visit_map(Fields {
            state: self.state,
            name,
            fields,
            keys,
            shapes: &mut shapes,
            next: 0,
            current: None,
        });
        self.state.depth -= 1;
        let v = v?;
        if self.probe == Probe::Full {
            let def = self.state.defs.entry(name).or_default();
            if def.fields.is_empty() {
                def.fields = fields.iter().copied().zip(shapes).collect();
            }
        }
        Ok(v)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        *self.out = Shape::Enum(variants);
        let first = variants.first().copied().unwrap_or_default();
        visitor.visit_enum(first.into_deserializer())
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_str(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_unit()
    }
}

/// A sequence of one traced item.
struct OneItem<'s> {
    state: &'s mut State,
    out: &'s mut Shape,
    field: Option<(&'static str, &'static str)>,
    done: bool,
}

impl<'de> de::SeqAccess<'de> for OneItem<'_> {
    type Error = TraceError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TraceError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        seed.deserialize(Tracer {
            state: self.state,
            out: self.out,
            probe: Probe::Full,
            field: self.field,
        })
        .map(Some)
    }
}

/// A table of one traced entry with the key `key`.
struct OneEntry<'s> {
    state: &'s mut State,
    out: &'s mut Shape,
    field: Option<(&'static str, &'static str)>,
    step: u8,
}

impl<'de> de::MapAccess<'de> for OneEntry<'_> {
    type Error = TraceError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        if self.step > 0 {
            return Ok(None);
        }
        self.step = 1;
        seed.deserialize(de::value::BorrowedStrDeserializer::new("key"))
            .map(Some)
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, TraceError> {
        seed.deserialize(Tracer {
            state: self.state,
            out: self.out,
            probe: Probe::Full,
            field: self.field,
        })
    }
}

/// A struct's keys, each value traced into its slot of `shapes`.
struct Fields<'s> {
    state: &'s mut State,
    name: &'static str,
    fields: &'static [&'static str],
    keys: Vec<&'static str>,
    shapes: &'s mut Vec<Shape>,
    next: usize,
    current: Option<&'static str>,
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = TraceError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        let Some(&key) = self.keys.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.current = Some(key);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, TraceError> {
        let key = self.current.unwrap_or_default();
        let mut scratch = Shape::Any;
        let out = match self.fields.iter().position(|f| *f == key) {
            Some(i) => &mut self.shapes[i],
            None => &mut scratch,
        };
        seed.deserialize(Tracer {
            state: self.state,
            out,
            probe: Probe::Full,
            field: Some((self.name, key)),
        })
    }
}

/// Trace `T` into `state`: its fields, which are required, whether it refuses unknown keys.
fn trace<T: DeserializeOwned>(state: &mut State) -> Result<&'static str, String> {
    let mut top = Shape::Any;
    T::deserialize(Tracer {
        state,
        out: &mut top,
        probe: Probe::Full,
        field: None,
    })
    .map_err(|e| format!("cannot trace {}: {e}", std::any::type_name::<T>()))?;
    let Shape::Struct(name) = top else {
        return Err(format!("{} is not a struct", std::any::type_name::<T>()));
    };
    let keys: Vec<&'static str> = state.defs[name].fields.iter().map(|(k, _)| *k).collect();
    let mut required = Vec::new();
    for key in keys {
        let mut scratch = State::default();
        let mut out = Shape::Any;
        let accepted = T::deserialize(Tracer {
            state: &mut scratch,
            out: &mut out,
            probe: Probe::Omit(key),
            field: None,
        })
        .is_ok();
        if !accepted {
            required.push(key);
        }
    }
    let mut scratch = State::default();
    let mut out = Shape::Any;
    let deny_unknown = T::deserialize(Tracer {
        state: &mut scratch,
        out: &mut out,
        probe: Probe::Unknown,
        field: None,
    })
    .is_err();
    let def = state.defs.get_mut(name).expect("traced above");
    def.required = required;
    def.deny_unknown = deny_unknown;
    Ok(name)
}

type TraceFn = fn(&mut State) -> Result<&'static str, String>;

/// Every struct `shipshape.toml` is read into. A struct missing here is an error of
/// [`schema`] (so a new nested table cannot go undescribed).
const TYPES: &[TraceFn] = &[
    trace::<shipshape_engine::Config>,
    trace::<shipshape_engine::config::UnitConfig>,
    trace::<shipshape_engine::config::ScanConfig>,
    trace::<shipshape_engine::config::PathsConfig>,
    trace::<shipshape_engine::config::ChecksConfig>,
    trace::<shipshape_engine::config::WaiverConfig>,
    trace::<shipshape_engine::config::GateConfig>,
    trace::<shipshape_engine::config::SecretsConfig>,
    trace::<shipshape_engine::config::VulnsConfig>,
    trace::<shipshape_engine::rules::RuleConfig>,
    trace::<shipshape_engine::rules::GlobCountConfig>,
    trace::<shipshape_engine::rules::RegexConfig>,
    trace::<shipshape_engine::rules::YamlPathConfig>,
    trace::<shipshape_secrets::CustomRule>,
    trace::<shipshape_probe::ProbeOptions>,
    trace::<shipshape_probe::LoadOptions>,
];

/// The struct `[probe]` is read into: `Config` keeps it as a plain table (the probe
/// crate parses it), so the schema describes it with the probe's own type.
const PROBE_TYPE: &str = "ProbeOptions";

/// `(type, field)` → description; `(type, "")` describes the table itself.
const DESCRIPTIONS: &[(&str, &str, &str)] = &[
    (
        "Config",
        "",
        "shipshape.toml: the production-readiness policy of a repository (docs/configuration.md).",
    ),
    (
        "Config",
        "service",
        "The repository as one unit: its name, kind, tier, owner and on-call. Turns monorepo discovery off unless [scan] discover-units = true.",
    ),
    (
        "Config",
        "unit",
        "The units of a monorepo, one [[unit]] each (instead of discovering them).",
    ),
    ("Config", "scan", "What the walk reads."),
    (
        "Config",
        "paths",
        "File roles decided by glob (before the built-in rules) and paths to leave out.",
    ),
    (
        "Config",
        "checks",
        "Checks to turn off and severities to override.",
    ),
    (
        "Config",
        "waiver",
        "Accepted risk: a check (optionally under a path or for a unit) that does not count, with a reason, an owner and an expiry.",
    ),
    (
        "Config",
        "rule",
        "Declarative custom checks that every profile runs.",
    ),
    (
        "Config",
        "gate",
        "When `shipshape scan` exits 1: the command-line flags win over these.",
    ),
    ("Config", "secrets", "The committed-secrets scan."),
    (
        "Config",
        "vulns",
        "Offline vulnerability matching against the advisory database.",
    ),
    (
        "Config",
        "probe",
        "Defaults for `shipshape probe` (docs/probe.md); command-line flags win.",
    ),
    (
        "UnitConfig",
        "",
        "A unit: the repository ([service]) or one directory of a monorepo ([[unit]]).",
    ),
    (
        "UnitConfig",
        "name",
        "The unit's name in reports (default: its directory's name).",
    ),
    (
        "UnitConfig",
        "path",
        "Only in [[unit]]: the unit's directory, relative to the repository root.",
    ),
    (
        "UnitConfig",
        "kind",
        "What the unit is; decides which checks apply (default: detected).",
    ),
    (
        "UnitConfig",
        "tier",
        "Service tier: 1 = SLO above 99.9 % (requires gold), 2 = 99–99.9 % (silver), 3 = below (bronze).",
    ),
    (
        "UnitConfig",
        "owner",
        "The owning team (e.g. `@acme/payments`).",
    ),
    (
        "UnitConfig",
        "oncall",
        "On-call / escalation target (e.g. `pagerduty:PXXXXXX`).",
    ),
    ("UnitConfig", "runbook", "Runbook path or link."),
    (
        "UnitConfig",
        "slo",
        "Availability objective in percent (e.g. \"99.9\").",
    ),
    ("ScanConfig", "", "What the walk reads."),
    (
        "ScanConfig",
        "exclude",
        "Globs of paths to leave out of the scan.",
    ),
    (
        "ScanConfig",
        "max-file-size",
        "Files larger than this many bytes are not read (default 1 MiB).",
    ),
    (
        "ScanConfig",
        "include-vendored",
        "Also read vendored trees (vendor/, node_modules/...).",
    ),
    (
        "ScanConfig",
        "profile",
        "The checklist to judge against (default production); --profile wins.",
    ),
    (
        "ScanConfig",
        "discover-units",
        "Discover the units of a monorepo when no [[unit]] is declared (default: true, unless [service] describes the repository as one unit).",
    ),
    (
        "PathsConfig",
        "",
        "File roles by glob (repository-relative), tried before the built-in rules; `shipshape paths` shows every file's role and why.",
    ),
    (
        "PathsConfig",
        "production",
        "Globs of files that are shipped or deployed (tried first: takes a file back from a built-in rule).",
    ),
    ("PathsConfig", "test", "Globs of tests and their fixtures."),
    ("PathsConfig", "example", "Globs of examples and samples."),
    ("PathsConfig", "documentation", "Globs of documentation."),
    (
        "PathsConfig",
        "dev-tooling",
        "Globs of development tooling (dev containers, local scripts, test harnesses).",
    ),
    (
        "PathsConfig",
        "build-only",
        "Globs of files that only build a package or generate code.",
    ),
    (
        "PathsConfig",
        "template",
        "Globs of templates rendered into the real file.",
    ),
    (
        "PathsConfig",
        "ignore",
        "Globs of paths to leave out of the scan, like [scan] exclude.",
    ),
    (
        "ChecksConfig",
        "",
        "Checks to turn off and severities to override.",
    ),
    (
        "ChecksConfig",
        "disable",
        "Check ids not to run (`shipshape checks` lists them).",
    ),
    (
        "ChecksConfig",
        "severity",
        "Check id → severity to use instead of the check's own.",
    ),
    (
        "WaiverConfig",
        "",
        "A waiver: accepted risk, with a reason, an owner and an expiry.",
    ),
    ("WaiverConfig", "check", "The check id waived."),
    (
        "WaiverConfig",
        "path",
        "Only findings under this glob are waived.",
    ),
    ("WaiverConfig", "unit", "Only this unit (by name)."),
    ("WaiverConfig", "reason", "Why the risk is accepted."),
    ("WaiverConfig", "owner", "Who accepted it."),
    (
        "WaiverConfig",
        "expires",
        "The day after which the waiver stops applying (YYYY-MM-DD, a TOML date or a string).",
    ),
    ("GateConfig", "", "When `shipshape scan` exits 1."),
    (
        "GateConfig",
        "fail-under",
        "Fail when a unit's overall score is below this (0–100).",
    ),
    (
        "GateConfig",
        "min-level",
        "Fail when a unit does not reach this level.",
    ),
    (
        "GateConfig",
        "fail-on",
        "Fail when a check of at least this severity fails.",
    ),
    (
        "SecretsConfig",
        "",
        "The committed-secrets scan (docs/secrets.md).",
    ),
    (
        "SecretsConfig",
        "enabled",
        "Scan the tree for committed secrets (default true).",
    ),
    (
        "SecretsConfig",
        "history",
        "Also scan every blob of the git history (default false).",
    ),
    (
        "SecretsConfig",
        "allow-paths",
        "Globs of paths whose matches are not reported.",
    ),
    (
        "SecretsConfig",
        "baseline",
        "A secrets baseline file (`shipshape secrets baseline`): accepted matches by fingerprint.",
    ),
    (
        "SecretsConfig",
        "rules",
        "Custom secret rules, one [[secrets.rules]] each.",
    ),
    ("CustomRule", "", "A custom secret rule."),
    ("CustomRule", "id", "Kebab-case id, unique among all rules."),
    (
        "CustomRule",
        "description",
        "What the secret is, for reports.",
    ),
    (
        "CustomRule",
        "regex",
        "A regex crate pattern; capture group 1 (or the group named `secret`) is the secret, otherwise the whole match.",
    ),
    (
        "CustomRule",
        "keywords",
        "Prefilter keywords (ASCII case-insensitive); without keywords the rule runs on every file.",
    ),
    (
        "CustomRule",
        "entropy",
        "Minimum Shannon entropy (bits per byte) of the secret.",
    ),
    (
        "VulnsConfig",
        "",
        "Offline vulnerability matching (docs/vulnerabilities.md).",
    ),
    (
        "VulnsConfig",
        "database",
        "Directory of the advisory database, relative to the repository (default: the user's cache dir).",
    ),
    (
        "VulnsConfig",
        "max-age-days",
        "Warn when the database is older than this many days (default 7).",
    ),
    (
        "RuleConfig",
        "",
        "A declarative custom check: exactly one of file-exists, glob-count, regex, yaml-path.",
    ),
    (
        "RuleConfig",
        "id",
        "The check id, `area/name` (e.g. `ownership/adr-present`); unique, not a built-in id.",
    ),
    (
        "RuleConfig",
        "title",
        "One line: the property the check verifies.",
    ),
    ("RuleConfig", "area", "The area it counts for."),
    ("RuleConfig", "severity", "How much a failure matters."),
    (
        "RuleConfig",
        "applies-to",
        "The unit kinds it applies to (default: every kind).",
    ),
    (
        "RuleConfig",
        "rationale",
        "Why it matters (shown by `shipshape explain`).",
    ),
    ("RuleConfig", "remediation", "How to fix a failure."),
    (
        "RuleConfig",
        "file-exists",
        "Passes when a file matching this glob exists in the unit.",
    ),
    (
        "RuleConfig",
        "glob-count",
        "Passes when the number of files matching a glob is within bounds.",
    ),
    (
        "RuleConfig",
        "regex",
        "Passes when a pattern is present (or absent) in the files matching a glob.",
    ),
    (
        "RuleConfig",
        "yaml-path",
        "Passes when a key of YAML documents exists or equals a value.",
    ),
    ("GlobCountConfig", "", "Count the files matching a glob."),
    (
        "GlobCountConfig",
        "glob",
        "Files to count, relative to the unit.",
    ),
    ("GlobCountConfig", "min", "At least this many."),
    ("GlobCountConfig", "max", "At most this many."),
    ("RegexConfig", "", "Search files for a pattern."),
    ("RegexConfig", "pattern", "A regex crate pattern."),
    (
        "RegexConfig",
        "files",
        "Glob of the files searched, relative to the unit.",
    ),
    (
        "RegexConfig",
        "expect",
        "`present` (default): some file matches; `absent`: none does.",
    ),
    ("YamlPathConfig", "", "Look up a key in YAML documents."),
    (
        "YamlPathConfig",
        "files",
        "Glob of the YAML files read, relative to the unit.",
    ),
    (
        "YamlPathConfig",
        "path",
        "Dotted keys; `*` = every item or value, a number = that sequence item.",
    ),
    ("YamlPathConfig", "equals", "The value the key must have."),
    (
        "YamlPathConfig",
        "exists",
        "true: the key must exist; false: it must not.",
    ),
    (
        "YamlPathConfig",
        "kinds",
        "Only documents whose Kubernetes `kind` is one of these.",
    ),
    (
        "ProbeOptions",
        "",
        "Defaults for `shipshape probe` (docs/probe.md); command-line flags win.",
    ),
    (
        "ProbeOptions",
        "url",
        "The service's base URL (http:// or https://).",
    ),
    (
        "ProbeOptions",
        "health-path",
        "Liveness path to use instead of discovering one (`/healthz`).",
    ),
    (
        "ProbeOptions",
        "readiness-path",
        "Readiness path to use instead of discovering one (`/readyz`).",
    ),
    (
        "ProbeOptions",
        "metrics-path",
        "Metrics path to use instead of `/metrics`.",
    ),
    (
        "ProbeOptions",
        "headers",
        "Extra request headers sent with every request: a table of name = value, or a list of \"Name: value\" lines. Their values are redacted from every output.",
    ),
    (
        "ProbeOptions",
        "load",
        "A short fixed-rate load run (loopback targets only, unless allow-load-non-loopback).",
    ),
    (
        "ProbeOptions",
        "timeout",
        "Deadline of one request: seconds, or with a unit (`500ms`, `10s`, `2m`); default 5s.",
    ),
    (
        "ProbeOptions",
        "max-duration",
        "Deadline of the whole probe (seconds, or `500ms`, `10s`, `2m`); default 120s, at most 10m.",
    ),
    (
        "ProbeOptions",
        "checks",
        "Only run these probe check ids (empty = all).",
    ),
    ("ProbeOptions", "skip", "Probe check ids not to run."),
    (
        "ProbeOptions",
        "ca-file",
        "PEM file of CA certificates to verify the server certificate against (instead of the bundled Mozilla roots).",
    ),
    (
        "ProbeOptions",
        "allow-load-non-loopback",
        "Allow `load` against a target that is not a loopback address.",
    ),
    (
        "ProbeOptions",
        "max-metrics-bytes",
        "Most bytes read of one metrics scrape: a number, or with a unit (`16MiB`, `512KiB`, `1MB`); default 16MiB.",
    ),
    (
        "ProbeOptions",
        "metric-requests",
        "The request counter to use for metrics-truth and metrics-red instead of the one chosen by name.",
    ),
    (
        "ProbeOptions",
        "endpoints",
        "Real routes as `METHOD /path` (`POST /api/items`): POST/PUT/PATCH get the malformed and oversized bodies, GET the load run; at most 8 of each.",
    ),
    (
        "ProbeOptions",
        "openapi",
        "OpenAPI 3.0/3.1 document (JSON or YAML) whose operations become endpoints: those with a requestBody get bodies, GETs get load; paths with `{param}` templates are skipped.",
    ),
    (
        "ProbeOptions",
        "thresholds",
        "k6-style thresholds on the load run (`p95<300ms`, `p99<1s`, `max<2s`, `errors<1%`, `rate>=95%`); need `load`.",
    ),
    (
        "LoadOptions",
        "",
        "A short open-model (fixed-rate) load run.",
    ),
    (
        "LoadOptions",
        "rate",
        "Target rate in requests per second (at most 2000; default 100).",
    ),
    (
        "LoadOptions",
        "duration",
        "How long to send: seconds, or `500ms`, `10s`, `2m` (at most 60s; default 10s).",
    ),
    (
        "LoadOptions",
        "connections",
        "Keep-alive connections to spread the requests over (at most 256; default 16).",
    ),
];

fn names(list: impl IntoIterator<Item = &'static str>) -> Value {
    Value::from(list.into_iter().collect::<Vec<_>>())
}

/// What serde cannot tell: the values a string field accepts (from the types that parse
/// it), and the forms custom parsers take. Replaces the traced schema of the field.
fn refinements() -> Vec<(&'static str, &'static str, Value)> {
    use shipshape_model::{Area, Level, Severity, UnitKind};
    let severity = names(Severity::ALL.iter().map(|s| s.as_str()));
    let level = names(Level::ALL.iter().map(|l| l.as_str()));
    let kind = names(UnitKind::ALL.iter().map(|k| k.as_str()));
    let duration = json!({
        "anyOf": [
            { "type": "number", "minimum": 0 },
            { "type": "string", "pattern": "^\\s*[0-9.]+\\s*(ms|s|sec|secs|m|min)?\\s*$" }
        ]
    });
    vec![
        (
            "UnitConfig",
            "kind",
            json!({ "type": "string", "enum": kind }),
        ),
        (
            "UnitConfig",
            "slo",
            json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$" }),
        ),
        (
            "ScanConfig",
            "profile",
            json!({ "type": "string", "enum": names(shipshape_checks::profiles::profile_names()) }),
        ),
        (
            "ChecksConfig",
            "severity",
            json!({ "type": "object", "additionalProperties": { "type": "string", "enum": severity } }),
        ),
        (
            "WaiverConfig",
            "expires",
            json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        ),
        (
            "GateConfig",
            "fail-under",
            json!({ "type": "number", "minimum": 0, "maximum": 100 }),
        ),
        (
            "GateConfig",
            "min-level",
            json!({ "type": "string", "enum": level }),
        ),
        (
            "GateConfig",
            "fail-on",
            json!({ "type": "string", "enum": severity }),
        ),
        (
            "RuleConfig",
            "area",
            json!({ "type": "string", "enum": names(Area::ALL.iter().map(|a| a.as_str())) }),
        ),
        (
            "RuleConfig",
            "severity",
            json!({ "type": "string", "enum": severity }),
        ),
        (
            "RuleConfig",
            "applies-to",
            json!({ "type": "array", "items": { "type": "string", "enum": kind } }),
        ),
        (
            "RegexConfig",
            "expect",
            json!({ "type": "string", "enum": ["present", "absent"] }),
        ),
        (
            "YamlPathConfig",
            "equals",
            json!({ "type": ["string", "number", "boolean"] }),
        ),
        (
            "ProbeOptions",
            "headers",
            json!({
                "anyOf": [
                    { "type": "object", "additionalProperties": { "type": "string" } },
                    { "type": "array", "items": { "type": "string" } },
                    { "type": "array", "items": { "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 } }
                ]
            }),
        ),
        ("ProbeOptions", "timeout", duration.clone()),
        ("ProbeOptions", "max-duration", duration.clone()),
        ("LoadOptions", "duration", duration),
        (
            "ProbeOptions",
            "max-metrics-bytes",
            json!({
                "anyOf": [
                    { "type": "integer", "minimum": 0 },
                    { "type": "string", "pattern": "^\\s*[0-9]+\\s*([KkMmGg]i?[Bb]?|[Bb])?\\s*$" }
                ]
            }),
        ),
    ]
}

fn shape_schema(shape: &Shape, defs: &BTreeMap<&'static str, Def>) -> Result<Value, String> {
    Ok(match shape {
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Unsigned(max) if *max < u64::MAX => {
            json!({ "type": "integer", "minimum": 0, "maximum": max })
        }
        Shape::Unsigned(_) => json!({ "type": "integer", "minimum": 0 }),
        Shape::Signed => json!({ "type": "integer" }),
        Shape::Number => json!({ "type": "number" }),
        Shape::String => json!({ "type": "string" }),
        Shape::Any => json!({}),
        Shape::Option(inner) => shape_schema(inner, defs)?,
        Shape::Array(inner) => json!({ "type": "array", "items": shape_schema(inner, defs)? }),
        Shape::Map(inner) => {
            json!({ "type": "object", "additionalProperties": shape_schema(inner, defs)? })
        }
        Shape::Struct(name) => {
            if !defs.contains_key(name) {
                return Err(format!(
                    "{name} is read from shipshape.toml but not traced: add it to TYPES in crates/shipshape/src/config_schema.rs"
                ));
            }
            json!({ "$ref": format!("#/definitions/{name}") })
        }
        Shape::Enum(variants) => json!({ "type": "string", "enum": variants }),
    })
}

/// The schema as JSON (draft-07, which taplo and Even Better TOML read), or what keeps it
/// from describing the config types.
pub fn schema() -> Result<Value, String> {
    let mut state = State::default();
    for t in TYPES {
        t(&mut state)?;
    }
    let defs = &state.defs;
    let description = |ty: &str, field: &str| -> Result<&'static str, String> {
        DESCRIPTIONS
            .iter()
            .find(|(t, f, _)| *t == ty && *f == field)
            .map(|(_, _, d)| *d)
            .ok_or_else(|| {
                format!(
                    "{ty}.{} has no description: add one to DESCRIPTIONS in crates/shipshape/src/config_schema.rs",
                    if field.is_empty() { "(table)" } else { field }
                )
            })
    };
    for (ty, field, _) in DESCRIPTIONS {
        let known = defs
            .get(ty)
            .is_some_and(|d| field.is_empty() || d.fields.iter().any(|(k, _)| k == field));
        if !known {
            return Err(format!(
                "DESCRIPTIONS names {ty}.{field}, which the config types do not have: remove or rename it"
            ));
        }
    }
    let refined = refinements();
    for (ty, field, _) in &refined {
        if !defs
            .get(ty)
            .is_some_and(|d| d.fields.iter().any(|(k, _)| k == field))
        {
            return Err(format!(
                "refinements() names {ty}.{field}, which the config types do not have"
            ));
        }
    }
    let object = |name: &'static str| -> Result<Map<String, Value>, String> {
        let def = &defs[name];
        let mut props = Map::new();
        for (key, shape) in &def.fields {
            let mut s = match refined.iter().find(|(t, f, _)| *t == name && f == key) {
                Some((_, _, v)) => v.clone(),
                None if name == "Config" && *key == "probe" => {
                    json!({ "$ref": format!("#/definitions/{PROBE_TYPE}") })
                }
                None => shape_schema(shape, defs)?,
            };
            let text = description(name, key)?;
            if s.get("$ref").is_some() {
                // draft-07 ignores the siblings of `$ref`: wrap it to keep the text.
                s = json!({ "allOf": [s] });
            }
            s["description"] = Value::from(text);
            props.insert(key.to_string(), s);
        }
        let mut o = Map::new();
        o.insert("description".into(), description(name, "")?.into());
        o.insert("type".into(), "object".into());
        if def.deny_unknown {
            o.insert("additionalProperties".into(), false.into());
        }
        if !def.required.is_empty() {
            o.insert("required".into(), names(def.required.iter().copied()));
        }
        o.insert("properties".into(), Value::Object(props));
        Ok(o)
    };
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        "http://json-schema.org/draft-07/schema#".into(),
    );
    root.insert("$id".into(), SCHEMA_URL.into());
    root.insert("title".into(), "shipshape.toml".into());
    root.extend(object("Config")?);
    let mut definitions = Map::new();
    for name in defs.keys().filter(|n| **n != "Config") {
        definitions.insert(name.to_string(), Value::Object(object(name)?));
    }
    root.insert("definitions".into(), Value::Object(definitions));
    Ok(Value::Object(root))
}

/// [`schema`] as the committed file holds it: pretty JSON and a final newline.
pub fn schema_text() -> Result<String, String> {
    let mut text = serde_json::to_string_pretty(&schema()?).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// The repository path of the committed schema.
    pub(crate) const SCHEMA_PATH: &str = "docs/shipshape.schema.json";

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let generated = schema_text().unwrap_or_else(|e| panic!("{e}"));
        let path = repo_root().join(SCHEMA_PATH);
        if std::env::var_os("SHIPSHAPE_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{SCHEMA_PATH} is stale (a config field changed): regenerate it with `SHIPSHAPE_BLESS=1 cargo test -p shipshape config_schema` and commit it"
        );
    }

    #[test]
    fn required_and_unknown_keys_are_traced_from_serde() {
        let mut state = State::default();
        for t in TYPES {
            t(&mut state).unwrap();
        }
        let waiver = &state.defs["WaiverConfig"];
        assert_eq!(waiver.required, ["check", "reason"]);
        assert!(waiver.deny_unknown);
        // `#[serde(skip)]` fields are not keys of the file.
        assert!(!waiver.fields.iter().any(|(k, _)| *k == "line"));
        let rule = &state.defs["RuleConfig"];
        assert_eq!(rule.required, ["id", "title", "area", "severity"]);
        assert_eq!(
            rule.fields
                .iter()
                .find(|(k, _)| *k == "glob-count")
                .unwrap()
                .1,
            Shape::Option(Box::new(Shape::Struct("GlobCountConfig")))
        );
        let config = &state.defs["Config"];
        assert!(config.required.is_empty());
        assert_eq!(
            config.fields.iter().find(|(k, _)| *k == "unit").unwrap().1,
            Shape::Array(Box::new(Shape::Struct("UnitConfig")))
        );
        let unit = &state.defs["UnitConfig"];
        assert_eq!(
            unit.fields.iter().find(|(k, _)| *k == "tier").unwrap().1,
            Shape::Option(Box::new(Shape::Unsigned(255)))
        );
        // `#[serde(default)]` on the container: nothing is required.
        assert!(state.defs["ProbeOptions"].required.is_empty());
    }

    #[test]
    fn a_field_without_a_description_fails_generation() {
        let mut state = State::default();
        for t in TYPES {
            t(&mut state).unwrap();
        }
        // Every traced field has its description, and nothing more is described.
        for (ty, def) in &state.defs {
            for (key, _) in &def.fields {
                assert!(
                    DESCRIPTIONS.iter().any(|(t, f, _)| t == ty && f == key),
                    "{ty}.{key}"
                );
            }
        }
        assert_eq!(
            DESCRIPTIONS.len(),
            state
                .defs
                .values()
                .map(|d| d.fields.len() + 1)
                .sum::<usize>()
        );
    }

    /// TOML as the JSON an editor validates: dates become their text.
    fn to_json(v: &toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::from(s.as_str()),
            toml::Value::Integer(i) => Value::from(*i),
            toml::Value::Float(f) => Value::from(*f),
            toml::Value::Boolean(b) => Value::from(*b),
            toml::Value::Datetime(d) => Value::from(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
            }
        }
    }

    /// Every `shipshape.toml` in the repository (the project's own, fixtures, examples)
    /// and every ```toml block of the README and docs/, with where it came from.
    fn examples() -> Vec<(String, String)> {
        let root = repo_root();
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    if !matches!(name.as_str(), "target" | ".git" | "node_modules") {
                        stack.push(path);
                    }
                } else if name == "shipshape.toml" {
                    let shown = path.strip_prefix(&root).unwrap().display().to_string();
                    out.push((shown, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        let mut docs: Vec<PathBuf> = vec![root.join("README.md")];
        docs.extend(
            std::fs::read_dir(root.join("docs"))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md")),
        );
        for doc in docs {
            let text = std::fs::read_to_string(&doc).unwrap();
            let shown = doc.strip_prefix(&root).unwrap().display().to_string();
            let mut block: Option<(usize, String)> = None;
            for (i, line) in text.lines().enumerate() {
                match &mut block {
                    None if line.trim() == "```toml" => block = Some((i + 1, String::new())),
                    Some((start, body)) if line.trim() == "```" => {
                        out.push((format!("{shown}:{}", *start + 1), std::mem::take(body)));
                        block = None;
                    }
                    Some((_, body)) => {
                        body.push_str(line);
                        body.push('\n');
                    }
                    None => {}
                }
            }
        }
        for kind in shipshape_model::UnitKind::ALL {
            out.push((
                format!("`shipshape init` ({kind})"),
                crate::cmd_init::template("x", kind.as_str(), "because"),
            ));
        }
        out
    }

    #[test]
    fn every_example_config_in_the_repository_validates_against_the_schema() {
        let schema = schema().unwrap();
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        let examples = examples();
        // The project's own file, fixtures and the documentation are all there.
        for expected in ["shipshape.toml", "docs/configuration.md", "README.md"] {
            assert!(
                examples.iter().any(|(w, _)| w.starts_with(expected)),
                "no example from {expected}"
            );
        }
        assert!(examples.iter().any(|(w, _)| w.contains("fixtures")));
        for (what, text) in &examples {
            let value: toml::Value =
                toml::from_str(text).unwrap_or_else(|e| panic!("{what} is not TOML: {e}"));
            let json = to_json(&value);
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
            // What the schema accepts, the config types read.
            let config: shipshape_engine::Config = toml::from_str(text).unwrap_or_else(|e| {
                panic!("{what}: the schema accepts what the config types refuse: {e}")
            });
            if let Some(probe) = config.probe {
                probe
                    .try_into::<shipshape_probe::ProbeOptions>()
                    .unwrap_or_else(|e| panic!("{what} [probe]: {e}"));
            }
        }
    }

    #[test]
    fn the_schema_refuses_what_the_config_types_refuse() {
        let validator = jsonschema::validator_for(&schema().unwrap()).unwrap();
        for (bad, why) in [
            ("[scan]\nexclued = []\n", "a misspelt key"),
            ("[gate]\nmin-level = \"platinum\"\n", "an unknown level"),
            (
                "[[waiver]]\ncheck = \"delivery/ci-present\"\n",
                "a waiver without a reason",
            ),
            ("[service]\ntier = 300\n", "a tier out of range"),
            (
                "[probe]\nload = { rate = \"fast\" }\n",
                "a rate that is not a number",
            ),
        ] {
            let value: toml::Value = toml::from_str(bad).unwrap();
            assert!(!validator.is_valid(&to_json(&value)), "{why}: {bad}");
            let parsed = toml::from_str::<shipshape_engine::Config>(bad)
                .map_err(|e| e.to_string())
                .and_then(|c| match c.probe {
                    Some(p) => p
                        .try_into::<shipshape_probe::ProbeOptions>()
                        .map(drop)
                        .map_err(|e| e.to_string()),
                    None => Ok(()),
                });
            // The level is checked after deserializing (`Config::parse`), not by serde.
            if why != "an unknown level" {
                assert!(parsed.is_err(), "{why}: the config types accept {bad}");
            }
        }
    }
}
