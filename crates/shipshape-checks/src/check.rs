//! The check abstraction: metadata, context, verdict.

use shipshape_facts::ci::CiFile;
use shipshape_facts::deps::Dependency;
use shipshape_facts::docker::Dockerfile;
use shipshape_facts::k8s::K8sObject;
use shipshape_facts::signals::{SignalHit, SignalKind};
use shipshape_facts::{Facts, FileEntry, FileKind, is_under};
use shipshape_model::{Area, CheckInfo, EolData, Finding, Outcome, Severity, Unit, UnitKind};

/// A check's static description. Every field is public API once released.
#[derive(Debug)]
pub struct CheckMeta {
    /// `area/name`, never reused or renamed.
    pub id: &'static str,
    pub title: &'static str,
    pub area: Area,
    pub severity: Severity,
    /// Unit kinds it applies to; empty = every kind. Other kinds get `n/a`.
    pub kinds: &'static [UnitKind],
    /// `Repository` for a check whose verdict is the same for every unit (CI, workflow
    /// hygiene, maintenance activity): the engine judges it once per scan and every unit
    /// inherits it; reporters show it once.
    pub scope: shipshape_model::Scope,
    /// Which units it applies to, in words.
    pub applies_to: &'static str,
    pub rationale: &'static str,
    /// What passes, warns and fails, and how it is decided.
    pub evaluation: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
}

impl CheckMeta {
    /// The serialisable description.
    pub fn info(&self) -> CheckInfo {
        CheckInfo {
            id: self.id.to_string(),
            title: self.title.to_string(),
            area: self.area,
            severity: self.severity,
            applies_to: self.applies_to.to_string(),
            rationale: self.rationale.to_string(),
            evaluation: self.evaluation.to_string(),
            remediation: self.remediation.to_string(),
            references: self.references.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// True when the check applies to units of this kind.
    pub fn applies_to_kind(&self, kind: UnitKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// A check: metadata plus a pure function of the context.
pub struct CheckDef {
    pub meta: CheckMeta,
    pub run: fn(&Ctx) -> Verdict,
}

impl std::fmt::Debug for CheckDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckDef")
            .field("id", &self.meta.id)
            .finish()
    }
}

/// What a check concluded, before waivers and overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub summary: String,
    pub findings: Vec<Finding>,
}

impl Verdict {
    pub fn pass(summary: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Pass,
            summary: summary.into(),
            findings: vec![],
        }
    }
    /// A pass with the evidence that proved it.
    pub fn pass_with(summary: impl Into<String>, findings: Vec<Finding>) -> Verdict {
        Verdict {
            outcome: Outcome::Pass,
            summary: summary.into(),
            findings,
        }
    }
    pub fn fail(summary: impl Into<String>, findings: Vec<Finding>) -> Verdict {
        Verdict {
            outcome: Outcome::Fail,
            summary: summary.into(),
            findings,
        }
    }
    pub fn warn(summary: impl Into<String>, findings: Vec<Finding>) -> Verdict {
        Verdict {
            outcome: Outcome::Warn,
            summary: summary.into(),
            findings,
        }
    }
    pub fn not_applicable(summary: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::NotApplicable,
            summary: summary.into(),
            findings: vec![],
        }
    }
    pub fn error(summary: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Error,
            summary: summary.into(),
            findings: vec![],
        }
    }
}

/// A committed secret found by the secret scanner (already redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEvidence {
    pub path: String,
    pub line: u32,
    pub rule: String,
    pub description: String,
    /// Redacted form: a short prefix and the length, never the secret.
    pub redacted: String,
    /// Stable fingerprint that does not contain the secret.
    pub fingerprint: String,
    /// For history findings: the commit and date where it first appeared.
    pub commit: Option<String>,
    pub date: Option<String>,
    /// The match has a credential format only its provider issues (`ghp_…`, `AKIA…`),
    /// rather than a generic assignment, key block or URI password.
    pub provider_format: bool,
    /// The line is commented out (`# ADMIN_TOKEN=…` in an env template, a YAML option
    /// documented in a comment): nothing reads the value.
    pub commented: bool,
}

/// True when a line (as the secret scanner's snippet shows it) is a comment:
/// `#`, `//`, `;`, `--`, `/*`, `<!--` first.
pub fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    ["#", "//", ";", "--", "/*", "<!--"]
        .iter()
        .any(|m| t.starts_with(m))
}

/// A dependency matching a known advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnEvidence {
    pub lockfile: String,
    pub line: u32,
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    pub advisory: String,
    pub aliases: Vec<String>,
    pub summary: String,
    /// `critical`, `high`, `medium`, `low` when known.
    pub severity: Option<String>,
    pub fixed: Option<String>,
}

/// The vulnerability scanner's input to checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VulnInput<'a> {
    /// No advisory database is configured: the check says so (`n/a`).
    NoDatabase,
    /// Matching ran (possibly finding nothing).
    Matched {
        findings: &'a [VulnEvidence],
        /// Age of the database in days, for the summary.
        db_age_days: Option<i64>,
        lockfiles: usize,
    },
}

/// Everything a check may look at. Built by the engine; immutable.
pub struct Ctx<'a> {
    pub facts: &'a Facts,
    pub unit: &'a Unit,
    /// `oncall` declared in the config for this unit.
    pub oncall: Option<&'a str>,
    /// Runbook link declared in the config.
    pub runbook: Option<&'a str>,
    /// SLO declared in the config (`slo = "99.9"`).
    pub slo: Option<&'a str>,
    /// Secrets found in the tree; `None` when secret scanning is off.
    pub secrets: Option<&'a [SecretEvidence]>,
    /// True when `secrets` were read from the blobs staged in the git index
    /// (`secrets --staged`) rather than from the work tree.
    pub secrets_staged: bool,
    /// Secrets found in history; `None` unless `--history` (or config) asked for it.
    pub history_secrets: Option<&'a [SecretEvidence]>,
    /// `Some(REV)` when `history_secrets` cover only the commits in `REV..HEAD`
    /// (`secrets --since REV`).
    pub history_since: Option<&'a str>,
    pub vulns: VulnInput<'a>,
    /// End-of-life release data (`shipshape db import-eol`); `None` when none is imported.
    pub eol: Option<&'a EolData>,
    /// "Now" as Unix seconds, passed in so that checks stay pure.
    pub now: i64,
    /// The paths of every unit of this scan (empty or one entry for a single unit):
    /// files outside all of them belong to no unit (see [`Ctx::shared_naming_unit`]).
    pub unit_paths: &'a [String],
    /// The kind of each unit of `unit_paths`, in the same order (empty when unknown, as in
    /// a check's unit tests): see [`Ctx::sole_service_infrastructure`].
    pub unit_kinds: &'a [UnitKind],
    /// [`Ctx::shared_naming_unit`] as positions in `facts.files`, found once per unit
    /// (several checks ask for it).
    pub shared_naming: std::sync::OnceLock<Vec<usize>>,
    /// The Kubernetes objects outside every unit that belong to this one (see
    /// [`Ctx::k8s`]), as positions in `facts.k8s_objects().items`, found once per unit.
    pub linked_k8s: std::sync::OnceLock<Vec<usize>>,
    /// The Dockerfiles outside every unit that build this one (see
    /// [`Ctx::dockerfiles`]), as positions in `facts.dockerfiles()`, found once per unit.
    pub linked_dockerfiles: std::sync::OnceLock<Vec<usize>>,
    /// The other units inside this one's directory (only the root product has any), as
    /// positions in `unit_paths`, found once per unit: [`Ctx::in_unit`] is asked of every
    /// file by many checks.
    pub nested_units: std::sync::OnceLock<Vec<usize>>,
    /// `(check id, path)` → true when a path-scoped waiver in force removes that check's
    /// findings under the path. The engine removes them after the verdict; a check whose
    /// outcome depends on *which* findings remain (fail vs. warn) asks this first.
    pub waived: &'a (dyn Fn(&str, &str) -> bool + Sync),
    /// What relates the units of this scan to the files outside them, computed once for
    /// every unit (#17: per unit, the same searches over every file made a monorepo's
    /// scan cost units × files). [`ScanIndex::none`] in unit tests: each question is
    /// then answered for the unit alone, as before.
    pub index: &'a ScanIndex,
}

/// Scan-wide relations between units and files, computed once and shared by the
/// contexts of every unit of one scan (the engine builds it from the units it judges).
pub struct ScanIndex {
    /// The unit directories, trimmed of a trailing `/`; `None` for [`ScanIndex::none`].
    dirs: Option<std::collections::HashSet<String>>,
    /// True when one unit is the repository's root (it holds every file).
    root: bool,
    /// The unit names the shared files are searched for, lower-cased.
    names: Vec<String>,
    /// Lower-cased unit name → positions in `facts.files` of the files outside every
    /// unit (test files excepted) that name it as a word ([`names_word`]).
    naming: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
    /// Owning unit directory → positions in `facts.k8s_objects().items` of the objects it
    /// owns (the deepest unit holding each one's file).
    k8s_owned: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
    /// The same for `facts.dockerfiles()`.
    dockerfiles_owned: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
    /// Outside every unit: workloads by the repository name of each container image
    /// (positions in `facts.k8s_objects().items`, in order), and the other objects.
    k8s_outside: std::sync::OnceLock<OutsideObjects>,
    /// Positions in `facts.files` of the files every unit shares ([`is_shared`]).
    shared: std::sync::OnceLock<Vec<usize>>,
    /// Answers that are the same for every unit, by the question's key: the position in
    /// `facts.files` of the first file of a repository-wide set (the repository's own
    /// documentation, the shared files, a prefix) meeting the question. See
    /// [`ScanIndex::first_once`].
    repository_firsts: std::sync::Mutex<Vec<(String, Option<usize>)>>,
}

/// Kubernetes objects outside every unit (positions in `facts.k8s_objects().items`, each
/// list in item order).
struct OutsideObjects {
    /// Workloads by the repository name of each container's image.
    workloads: std::collections::HashMap<String, Vec<usize>>,
    /// The other objects that could accompany a workload ([`companion_of`]), by what
    /// a workload must have for them to: `ref:<name>` for a `scaleTargetRef`/`targetRef`
    /// name, `label:<key>=<value>` for the first entry of a label selector, `all` for
    /// an empty selector (every pod of its namespace).
    companions: std::collections::HashMap<String, Vec<usize>>,
}

impl ScanIndex {
    /// The index of a scan judging units at `paths` named `names`.
    pub fn new(paths: &[String], names: &[String]) -> ScanIndex {
        let dirs: std::collections::HashSet<String> = paths
            .iter()
            .map(|p| p.trim_end_matches('/').to_string())
            .collect();
        ScanIndex {
            root: dirs.iter().any(|d| d.is_empty() || d == "."),
            dirs: Some(dirs),
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            naming: std::sync::OnceLock::new(),
            k8s_owned: std::sync::OnceLock::new(),
            dockerfiles_owned: std::sync::OnceLock::new(),
            k8s_outside: std::sync::OnceLock::new(),
            shared: std::sync::OnceLock::new(),
            repository_firsts: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// No index: contexts built for a check's unit tests answer per unit.
    pub fn none() -> &'static ScanIndex {
        static NONE: ScanIndex = ScanIndex {
            dirs: None,
            root: false,
            names: Vec::new(),
            naming: std::sync::OnceLock::new(),
            k8s_owned: std::sync::OnceLock::new(),
            dockerfiles_owned: std::sync::OnceLock::new(),
            k8s_outside: std::sync::OnceLock::new(),
            shared: std::sync::OnceLock::new(),
            repository_firsts: std::sync::Mutex::new(Vec::new()),
        };
        &NONE
    }

    /// The answer of `find` for `key`, found once per scan (the same `find` for the same
    /// key). Never for [`ScanIndex::none`], which outlives every scan: callers search
    /// directly there.
    fn first_once(&self, key: &str, find: impl FnOnce() -> Option<usize>) -> Option<usize> {
        let cached = self
            .repository_firsts
            .lock()
            .ok()
            .and_then(|m| m.iter().find(|(k, _)| k == key).map(|(_, v)| *v));
        if let Some(found) = cached {
            return found;
        }
        let found = find();
        if let Ok(mut m) = self.repository_firsts.lock() {
            m.push((key.to_string(), found));
        }
        found
    }

    /// The directory of the unit that owns `path`: the deepest unit holding it, which is
    /// what [`Ctx::in_unit`] accepts for that unit alone. `None` when no unit holds it,
    /// or without an index.
    fn owner<'p>(&self, path: &'p str) -> Option<&'p str> {
        let dirs = self.dirs.as_ref()?;
        if dirs.contains(path) {
            return Some(path);
        }
        if let Some((i, _)) = path
            .rmatch_indices('/')
            .find(|(i, _)| dirs.contains(&path[..*i]))
        {
            return Some(&path[..i]);
        }
        if dirs.contains("") {
            Some("")
        } else if dirs.contains(".") {
            Some(".")
        } else {
            None
        }
    }

    fn by_owner<'p>(
        &self,
        paths: impl Iterator<Item = &'p str>,
    ) -> std::collections::HashMap<String, Vec<usize>> {
        let mut map: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, p) in paths.enumerate() {
            if let Some(dir) = self.owner(p) {
                map.entry(dir.to_string()).or_default().push(i);
            }
        }
        map
    }

    /// Positions in `facts.files` of the files every unit shares ([`is_shared`]), in
    /// list order; `None` without an index.
    fn shared(&self, facts: &Facts) -> Option<&[usize]> {
        self.dirs.as_ref()?;
        Some(self.shared.get_or_init(|| {
            (0..facts.files.len())
                .filter(|&i| is_shared(&facts.files[i]))
                .collect()
        }))
    }

    /// Positions of the Kubernetes objects the unit at `dir` owns; `None` without an index.
    fn k8s_owned(&self, facts: &Facts, dir: &str) -> Option<&[usize]> {
        self.dirs.as_ref()?;
        let map = self.k8s_owned.get_or_init(|| {
            self.by_owner(facts.k8s_objects().items.iter().map(|o| o.path.as_str()))
        });
        Some(
            map.get(dir.trim_end_matches('/'))
                .map_or(&[], Vec::as_slice),
        )
    }

    /// Positions of the Dockerfiles the unit at `dir` owns; `None` without an index.
    fn dockerfiles_owned(&self, facts: &Facts, dir: &str) -> Option<&[usize]> {
        self.dirs.as_ref()?;
        let map = self
            .dockerfiles_owned
            .get_or_init(|| self.by_owner(facts.dockerfiles().iter().map(|d| d.path.as_str())));
        Some(
            map.get(dir.trim_end_matches('/'))
                .map_or(&[], Vec::as_slice),
        )
    }

    /// Objects outside every unit that [`Ctx::linked_k8s`] may attribute (not tests,
    /// not patches, deployed): workloads by image repository name, then the rest, each in
    /// item order. `None` without an index.
    fn k8s_outside(&self, facts: &Facts) -> Option<&OutsideObjects> {
        self.dirs.as_ref()?;
        Some(self.k8s_outside.get_or_init(|| {
            use crate::checks::scalability::k8s_util::{Selects, selects};
            let mut workloads: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            let mut companions: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            for (i, o) in facts.k8s_objects().items.iter().enumerate() {
                if o.in_test
                    || o.patch
                    || !facts.role(&o.path).is_production()
                    || self.in_some_unit(&o.path) != Some(false)
                {
                    continue;
                }
                if !o.is_workload() {
                    let spec = o.doc.idx("spec");
                    let target = spec.get("scaleTargetRef").or_else(|| spec.get("targetRef"));
                    if let Some(name) = target.and_then(|r| r.idx("name").as_str()) {
                        companions.entry(format!("ref:{name}")).or_default().push(i);
                    }
                    let key = match selects(o) {
                        Selects::All => Some("all".to_string()),
                        Selects::Labels(sel) => sel
                            .entries()
                            .first()
                            .and_then(|(k, v)| Some(format!("label:{k}={}", v.scalar_text()?))),
                        Selects::Nothing => None,
                    };
                    if let Some(key) = key {
                        let list = companions.entry(key).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                    continue;
                }
                for c in o.containers(true) {
                    if let Some(img) = c.idx("image").as_str() {
                        let list = workloads
                            .entry(image_repository(img).to_string())
                            .or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            }
            OutsideObjects {
                workloads,
                companions,
            }
        }))
    }

    /// `Some(true)` when `path` lies in one of the units (by its ancestors, not by
    /// comparing every unit's path); `None` without an index.
    fn in_some_unit(&self, path: &str) -> Option<bool> {
        let dirs = self.dirs.as_ref()?;
        if self.root || dirs.contains(path) {
            return Some(true);
        }
        Some(
            path.match_indices('/')
                .any(|(i, _)| dirs.contains(&path[..i])),
        )
    }

    /// The files outside every unit that name `name` as a word, when the index can
    /// answer: `name` is one of the scan's units' and made of word bytes only.
    fn naming(&self, facts: &Facts, name: &str) -> Option<&[usize]> {
        self.dirs.as_ref()?;
        let name = name.to_ascii_lowercase();
        if !name.bytes().all(is_word_byte) {
            return None;
        }
        // Built once, for every unit's name: a name it does not hold is answered per unit.
        let map = self.naming.get_or_init(|| {
            let mut map: std::collections::HashMap<String, Vec<usize>> = self
                .names
                .iter()
                .filter(|n| n.len() >= 3 && n.bytes().all(is_word_byte))
                .map(|n| (n.clone(), Vec::new()))
                .collect();
            let (shortest, longest) = map.keys().fold((usize::MAX, 0), |(lo, hi), k| {
                (lo.min(k.len()), hi.max(k.len()))
            });
            let mut word = String::new();
            for (i, f) in facts.files.iter().enumerate() {
                if f.in_test || self.in_some_unit(&f.path) != Some(false) {
                    continue;
                }
                let Some(text) = facts.text(&f.path) else {
                    continue;
                };
                // A unit name matches a whole run of word bytes (names_word's bounds).
                for run in text.split(|c: char| !c.is_ascii() || !is_word_byte(c as u8)) {
                    if run.len() < shortest || run.len() > longest {
                        continue;
                    }
                    word.clear();
                    word.push_str(run);
                    word.make_ascii_lowercase();
                    if let Some(files) = map.get_mut(word.as_str())
                        && files.last() != Some(&i)
                    {
                        files.push(i);
                    }
                }
            }
            map
        });
        map.get(&name).map(Vec::as_slice)
    }
}

/// The bytes of a word in [`names_word`]: a unit name sits between other bytes.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The repository name of a container image: `us-docker.pkg.dev/p/r/adservice:v1@sha256:…`
/// → `adservice`.
pub(crate) fn image_repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split(':').next().unwrap_or(last)
}

/// A compose file that defines some of a unit's services ([`Ctx::compose_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeFile<'a> {
    pub path: &'a str,
    /// The services that belong to the unit; `None` when all do (the unit's own file).
    pub only: Option<Vec<String>>,
}

impl ComposeFile<'_> {
    /// True when service `name` of this file belongs to the unit.
    pub fn includes(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|s| s == name))
    }
}

/// True when `o` (a Service, PodDisruptionBudget, network policy or autoscaler) selects
/// or targets workload `w` in its namespace, as the Kubernetes checks decide it.
fn companion_of(o: &K8sObject, w: &K8sObject) -> bool {
    use crate::checks::scalability::k8s_util::{Selects, same_namespace, selects, targets};
    if targets(o, w) {
        return true;
    }
    if !same_namespace(o, w) {
        return false;
    }
    match selects(o) {
        Selects::All => true,
        Selects::Labels(sel) => {
            !sel.entries().is_empty()
                && w.pod_labels()
                    .is_some_and(|labels| shipshape_facts::k8s::selector_matches(sel, labels))
        }
        Selects::Nothing => false,
    }
}

/// No waivers: for contexts built without a configuration.
pub fn no_waivers(_check: &str, _path: &str) -> bool {
    false
}

/// True when `word` occurs in `text` (ASCII case-insensitively) as a name of its own:
/// not joined to letters, digits, `_`, `-` or `.` on either side (`service_name="cart"`
/// names cart; `grafana-default-email` does not name email).
pub(crate) fn names_word(text: &str, word: &str) -> bool {
    let (t, w) = (text.as_bytes(), word.as_bytes());
    if w.is_empty() || t.len() < w.len() {
        return false;
    }
    let ident = is_word_byte;
    (0..=t.len() - w.len()).any(|i| {
        t[i..i + w.len()].eq_ignore_ascii_case(w)
            && (i == 0 || !ident(t[i - 1]))
            && t.get(i + w.len()).is_none_or(|&b| !ident(b))
    })
}

/// True for files every unit of a monorepo shares: CI definitions and the
/// repository-level files at the root or under `.github/`, `.gitlab/`, `docs/`.
pub fn is_shared(f: &FileEntry) -> bool {
    matches!(
        f.kind,
        FileKind::Ci(_) | FileKind::Codeowners | FileKind::DependencyBot
    ) || !f.path.contains('/')
        || f.path.starts_with(".github/")
        || f.path.starts_with(".gitlab/")
}

impl<'a> Ctx<'a> {
    /// A context with no scanners and no config: for tests.
    pub fn basic(facts: &'a Facts, unit: &'a Unit) -> Ctx<'a> {
        Ctx {
            facts,
            unit,
            oncall: None,
            runbook: None,
            slo: None,
            secrets: None,
            secrets_staged: false,
            history_secrets: None,
            history_since: None,
            vulns: VulnInput::NoDatabase,
            eol: None,
            now: 0,
            unit_paths: &[],
            unit_kinds: &[],
            shared_naming: std::sync::OnceLock::new(),
            linked_k8s: std::sync::OnceLock::new(),
            linked_dockerfiles: std::sync::OnceLock::new(),
            nested_units: std::sync::OnceLock::new(),
            waived: &no_waivers,
            index: ScanIndex::none(),
        }
    }

    /// True when `path` lies outside every unit of the scan (a shared `deploy/` tree, a
    /// workspace's root Dockerfile): what the `linked_*` relations attribute.
    fn in_no_unit(&self, path: &str) -> bool {
        match self.index.in_some_unit(path) {
            Some(inside) => !inside,
            None => !self.unit_paths.iter().any(|u| is_under(path, u)),
        }
    }

    /// True when a documentation file at `path` speaks for this unit: it is the unit's,
    /// or the repository's — at the root, under `docs/` or `doc/`, or documentation
    /// (by role) anywhere outside every unit (a documentation site such as documenso's
    /// `apps/docs`, atuin's `docs/docs/self-hosting/`), which documents the product as a
    /// whole, as CI definitions run for all units; not the notes of a development tool
    /// outside the units (bitwarden's `util/Seeder/Seeds/docs/`). The one scope every
    /// documentation question uses.
    pub fn is_unit_doc(&self, path: &str) -> bool {
        self.in_unit(path) || self.is_repository_doc(path)
    }

    /// The part of [`Ctx::is_unit_doc`] that is the same for every unit: the
    /// repository's own documentation.
    fn is_repository_doc(&self, path: &str) -> bool {
        !path.contains('/')
            || path.starts_with("docs/")
            || path.starts_with("doc/")
            || (self.in_no_unit(path)
                && self.facts.role(path) == shipshape_facts::role::Role::Documentation)
    }

    /// The first file in list order that speaks for this unit ([`Ctx::is_unit_doc`]) and
    /// meets `pred`. `key` names the question (the same `pred` for the same key): the
    /// repository's part of the answer is the same for every unit, so it is found once
    /// per scan and only the unit's own files are searched per unit.
    pub(crate) fn first_unit_doc(
        &self,
        key: &str,
        pred: impl Fn(&FileEntry) -> bool,
    ) -> Option<&'a FileEntry> {
        let all: &'a [FileEntry] = &self.facts.files;
        if self.index.dirs.is_none() {
            return all.iter().find(|f| self.is_unit_doc(&f.path) && pred(f));
        }
        let own = self.first_own(&pred);
        let repository = self.index.first_once(key, || {
            (0..all.len()).find(|&i| self.is_repository_doc(&all[i].path) && pred(&all[i]))
        });
        self.earlier(own, repository)
    }

    /// True when `path` belongs to this unit: its subtree, less the subtrees of other
    /// units nested in it (the root product of a monorepo owns only what no other unit
    /// holds).
    pub fn in_unit(&self, path: &str) -> bool {
        shipshape_facts::unit_owns(
            &self.unit.path,
            self.nested().iter().map(|&i| self.unit_paths[i].as_str()),
            path,
        )
    }

    /// The other units inside this one's directory (the root product's), once per unit.
    fn nested(&self) -> &[usize] {
        self.nested_units.get_or_init(|| {
            (0..self.unit_paths.len())
                .filter(|&i| shipshape_facts::is_nested_unit(&self.unit_paths[i], &self.unit.path))
                .collect()
        })
    }

    /// True when other units sit inside this one's directory (the root product).
    fn has_nested_units(&self) -> bool {
        !self.nested().is_empty()
    }

    /// The unit's own files (its subtree).
    pub fn files(&self) -> impl Iterator<Item = &'a FileEntry> + '_ {
        let facts: &'a shipshape_facts::Facts = self.facts;
        let dir = self.unit.path.trim_end_matches('/');
        let files: &'a [FileEntry] = if dir.is_empty() || dir == "." {
            &facts.files
        } else {
            // The unit's subtree is one contiguous run of the sorted file list (what
            // `in_unit` accepts, found by binary search instead of a filter).
            facts.files_with_prefix(&format!("{dir}/"))
        };
        let nested = self.has_nested_units();
        files
            .iter()
            .filter(move |f| !nested || self.in_unit(&f.path))
    }

    /// In a monorepo, the files that belong to no unit (a shared `monitoring/` or
    /// `grafana/` directory, say) and name this unit as a word (`cart` in
    /// `cart-service-alerting.yml`'s text): evidence such as alert rules and dashboards
    /// kept centrally counts for the units it is about. Empty for a single unit, and for
    /// unit names shorter than three characters (too ambiguous to find in text).
    pub fn shared_naming_unit(&self) -> impl Iterator<Item = &'a FileEntry> + '_ {
        let facts: &'a shipshape_facts::Facts = self.facts;
        let found = self.shared_naming.get_or_init(|| {
            let name = self.unit.name.as_str();
            if self.unit_paths.len() < 2 || name.len() < 3 {
                return Vec::new();
            }
            if let Some(found) = self.index.naming(facts, name) {
                return found.to_vec();
            }
            (0..facts.files.len())
                .filter(|&i| {
                    let f = &facts.files[i];
                    self.in_no_unit(&f.path)
                        && !f.in_test
                        && facts.text(&f.path).is_some_and(|t| names_word(t, name))
                })
                .collect()
        });
        found.iter().map(move |&i| &facts.files[i])
    }

    /// When this unit is the repository's only service: the files of its infrastructure
    /// units (each file owned by the deepest unit that holds it). What they configure can
    /// only be this service's — teslamate's `grafana/` image provisions the dashboards of
    /// TeslaMate's data — so monitoring evidence there counts for it. Empty otherwise, and
    /// when the kinds of the other units are not known.
    pub fn sole_service_infrastructure(&self) -> impl Iterator<Item = &'a FileEntry> + '_ {
        let facts: &'a shipshape_facts::Facts = self.facts;
        let sole = self.unit.kind == UnitKind::Service
            && self.unit_kinds.len() == self.unit_paths.len()
            && self
                .unit_kinds
                .iter()
                .filter(|k| **k == UnitKind::Service)
                .count()
                == 1;
        let infra: Vec<&str> = if sole {
            self.unit_paths
                .iter()
                .zip(self.unit_kinds)
                .filter(|(_, k)| **k == UnitKind::Infrastructure)
                .map(|(p, _)| p.as_str())
                .collect()
        } else {
            Vec::new()
        };
        facts.files.iter().filter(move |f| {
            !infra.is_empty() && {
                let owner = self
                    .unit_paths
                    .iter()
                    .filter(|u| is_under(&f.path, u))
                    .max_by_key(|u| u.len());
                owner.is_some_and(|o| infra.contains(&o.as_str()))
            }
        })
    }

    /// The files whose monitoring configuration (dashboards, alert rules) speaks for this
    /// unit: its own, those outside every unit that name it
    /// ([`Ctx::shared_naming_unit`]), and its infrastructure units' when it is the
    /// repository's only service ([`Ctx::sole_service_infrastructure`]).
    pub fn monitoring_files(&self) -> impl Iterator<Item = &'a FileEntry> + '_ {
        self.files()
            .chain(self.shared_naming_unit())
            .chain(self.sole_service_infrastructure())
    }

    /// The unit's files plus the repository-level files it shares.
    pub fn files_with_shared(&self) -> impl Iterator<Item = &'a FileEntry> + '_ {
        let all: &'a [FileEntry] = &self.facts.files;
        let Some(shared) = self.index.shared(self.facts) else {
            let it: Box<dyn Iterator<Item = &'a FileEntry> + '_> =
                Box::new(all.iter().filter(|f| self.in_unit(&f.path) || is_shared(f)));
            return it;
        };
        // The unit's own files (one run of the sorted list) merged with the shared ones
        // in list order: what filtering every file by both tests gives, without
        // walking every file of the repository for every unit.
        let own = self.own_range();
        let nested = self.has_nested_units();
        let mut own = own
            .filter(move |&i| !nested || self.in_unit(&all[i].path))
            .peekable();
        let mut shared = shared.iter().copied().peekable();
        Box::new(std::iter::from_fn(move || {
            let next = match (own.peek(), shared.peek()) {
                (Some(&a), Some(&b)) if a == b => {
                    shared.next();
                    own.next()
                }
                (Some(&a), Some(&b)) if b < a => shared.next(),
                (Some(_), _) => own.next(),
                (None, _) => shared.next(),
            };
            next.map(|i| &all[i])
        }))
    }

    /// The first of [`Ctx::files_with_shared`] meeting `pred`. `key` names the question
    /// (the same `pred` for the same key): the shared files' part of the answer is the
    /// same for every unit, so it is found once per scan and only the unit's own files
    /// are searched per unit.
    pub(crate) fn first_with_shared(
        &self,
        key: &str,
        pred: impl Fn(&FileEntry) -> bool,
    ) -> Option<&'a FileEntry> {
        let all: &'a [FileEntry] = &self.facts.files;
        let Some(shared) = self.index.shared(self.facts) else {
            return self.files_with_shared().find(|f| pred(f));
        };
        let own = self.first_own(&pred);
        let shared = self.index.first_once(&format!("shared:{key}"), || {
            shared.iter().copied().find(|&i| pred(&all[i]))
        });
        self.earlier(own, shared)
    }

    /// The first file under `prefix` (repository-relative) meeting `pred`, found once
    /// per scan for `key` (the same `pred` for the same key).
    pub(crate) fn first_with_prefix(
        &self,
        key: &str,
        prefix: &str,
        pred: impl Fn(&FileEntry) -> bool,
    ) -> Option<&'a FileEntry> {
        let all: &'a [FileEntry] = &self.facts.files;
        let mut under = self.facts.prefix_range(prefix);
        if self.index.dirs.is_none() {
            return under.find(|&i| pred(&all[i])).map(|i| &all[i]);
        }
        self.index
            .first_once(&format!("prefix:{prefix}:{key}"), || {
                under.find(|&i| pred(&all[i]))
            })
            .map(|i| &all[i])
    }

    /// The positions in `facts.files` of the unit's subtree (before nested units are
    /// taken out): the run [`Ctx::files`] walks.
    fn own_range(&self) -> std::ops::Range<usize> {
        let dir = self.unit.path.trim_end_matches('/');
        if dir.is_empty() || dir == "." {
            return 0..self.facts.files.len();
        }
        self.facts.prefix_range(&format!("{dir}/"))
    }

    /// The position in `facts.files` of the first of the unit's own files (its subtree,
    /// less nested units) meeting `pred`.
    fn first_own(&self, pred: &impl Fn(&FileEntry) -> bool) -> Option<usize> {
        let all = &self.facts.files;
        let nested = self.has_nested_units();
        self.own_range()
            .find(|&i| (!nested || self.in_unit(&all[i].path)) && pred(&all[i]))
    }

    /// The earlier in list order of two positions in `facts.files`, as a file.
    fn earlier(&self, a: Option<usize>, b: Option<usize>) -> Option<&'a FileEntry> {
        let all: &'a [FileEntry] = &self.facts.files;
        match (a, b) {
            (Some(a), Some(b)) => Some(&all[a.min(b)]),
            (a, b) => a.or(b).map(|i| &all[i]),
        }
    }

    /// The unit's files of a kind (including shared repository-level files).
    pub fn files_of(
        &self,
        pred: impl Fn(FileKind) -> bool + 'a,
    ) -> impl Iterator<Item = &'a FileEntry> + '_ {
        self.files_with_shared().filter(move |f| pred(f.kind))
    }

    pub fn text(&self, path: &str) -> Option<&'a str> {
        self.facts.text(path)
    }

    /// Direct dependencies declared in the unit's manifests (dev ones included).
    pub fn deps(&self) -> impl Iterator<Item = &'a Dependency> + '_ {
        self.facts
            .dependencies()
            .items
            .iter()
            .filter(|d| self.in_unit(&d.manifest))
    }

    /// The libraries the unit's code runs with: its own dependencies ([`Ctx::deps`]),
    /// then those of the repository's projects it builds in through non-development
    /// links, followed to the end ([`shipshape_facts::links`]: bitwarden/server's
    /// `src/Api` links `src/Core`, whose SQL client is the service's datastore), then
    /// the packages its direct dependencies bring as a NuGet lock file records them
    /// ([`shipshape_facts::Facts::brought_dependencies`]). For the checks that ask
    /// whether a unit runs with a library of some category; not for deciding what a unit
    /// is (a CLI that links a server library is still a CLI).
    pub fn runtime_deps(&self) -> Vec<&'a Dependency> {
        let facts = self.facts;
        let mut out: Vec<&'a Dependency> = self.deps().collect();
        let links = facts.links();
        let mut seen: Vec<&str> = Vec::new();
        let mut queue: Vec<&str> = self
            .files()
            .filter(|f| matches!(f.kind, shipshape_facts::FileKind::Manifest(_)) && !f.in_test)
            .map(|f| f.path.as_str())
            .collect();
        while let Some(m) = queue.pop() {
            for l in links.iter().filter(|l| l.from == m && !l.dev) {
                if self.in_unit(&l.to) || seen.contains(&l.to.as_str()) {
                    continue;
                }
                seen.push(&l.to);
                queue.push(&l.to);
            }
        }
        seen.sort_unstable();
        for m in &seen {
            out.extend(facts.dependencies_of(m));
        }
        let dir_of = |p: &'a str| p.rsplit_once('/').map_or("", |(d, _)| d);
        let lock_dirs: Vec<&str> = seen.iter().map(|m| dir_of(m)).collect();
        out.extend(
            facts
                .brought_dependencies()
                .iter()
                .filter(|d| self.in_unit(&d.manifest) || lock_dirs.contains(&dir_of(&d.manifest))),
        );
        out
    }

    /// How a dependency from [`Ctx::runtime_deps`] reaches the unit, for evidence:
    /// "declared in M" for its own, "declared in M, which the unit builds in" otherwise.
    pub fn declared_where(&self, d: &Dependency) -> String {
        if self.in_unit(&d.manifest) {
            if d.manifest.ends_with("packages.lock.json")
                && !self.deps().any(|o| std::ptr::eq(o, d))
            {
                format!("brought by a direct dependency ({})", d.manifest)
            } else {
                format!("declared in {}", d.manifest)
            }
        } else {
            format!("declared in {}, which the unit builds in", d.manifest)
        }
    }

    /// Signals of a kind in the unit (test code is not searched for signals).
    pub fn signals(&self, kind: SignalKind) -> impl Iterator<Item = &'a SignalHit> + '_ {
        self.facts
            .signals
            .iter()
            .filter(move |s| s.kind == kind && self.in_unit(&s.path))
    }

    /// The CI definitions the CI system would run (CI is shared by all units):
    /// not test fixtures or examples, and for GitHub Actions only the root
    /// `.github/workflows/` (GitHub reads no other) and the local composite actions
    /// their jobs run ([`CiFile::composite`]).
    pub fn ci_files(&self) -> Vec<&'a CiFile> {
        self.facts
            .ci_files()
            .iter()
            .filter(|f| crate::checks::delivery::gha::is_production_path(&f.path))
            .filter(|f| {
                f.system != shipshape_facts::CiSystem::GithubActions
                    || f.path.starts_with(".github/workflows/")
                    || f.composite
            })
            .collect()
    }

    /// True when `path` describes what is deployed: its role is production (not a test,
    /// example, doc, dev-tooling harness, package build or template; see
    /// [`shipshape_facts::role`] and `[paths]`). The one question every deployment check
    /// asks of Dockerfiles, compose files, env files and manifests.
    pub fn is_deployed(&self, path: &str) -> bool {
        self.facts.role(path).is_production()
    }

    /// The unit's Dockerfiles that build what is deployed ([`Ctx::is_deployed`]): those in
    /// its subtree, then those outside every unit that build it ([`Ctx::linked_dockerfiles`]).
    pub fn dockerfiles(&self) -> impl Iterator<Item = &'a Dockerfile> + '_ {
        let all: &'a [Dockerfile] = self.facts.dockerfiles();
        let own: Box<dyn Iterator<Item = &'a Dockerfile> + '_> =
            match self.index.dockerfiles_owned(self.facts, &self.unit.path) {
                Some(owned) => Box::new(owned.iter().map(move |&i| &all[i])),
                None => Box::new(all.iter().filter(|d| self.in_unit(&d.path))),
            };
        own.filter(|d| self.is_deployed(&d.path))
            .chain(self.linked_dockerfiles().iter().map(move |&i| &all[i]))
    }

    /// Production Dockerfiles that belong to no unit and build this one, decided from
    /// syntax in one place:
    /// - what their `RUN` steps compile ([`Dockerfile::builds`]) names this unit (its Cargo
    ///   package or directory name, or a path inside it); when they build several of the
    ///   repository's projects, the one the image runs ([`Dockerfile::entry_program`]) —
    ///   or, when it runs a script, the first one built — is what it ships (meilisearch's
    ///   root Dockerfile builds `meilisearch` and `meilitool` and runs `meilisearch`);
    /// - or one of the unit's own manifests names the Dockerfile or its directory by a
    ///   relative path (spring-petclinic-microservices: every module's `pom.xml` sets
    ///   `docker.image.dockerfile.dir` to `${basedir}/../docker`, the shared image its
    ///   build profile runs `docker build` on).
    ///
    /// Empty for a single unit (it holds every file).
    fn linked_dockerfiles(&self) -> &[usize] {
        self.linked_dockerfiles.get_or_init(|| {
            let all = self.facts.dockerfiles();
            let outside = |d: &Dockerfile| {
                self.in_no_unit(&d.path)
                    && self.is_deployed(&d.path)
                    && !self.facts.is_dev_dockerfile(&d.path)
            };
            let candidates: Vec<usize> = if self.unit_paths.len() < 2 {
                Vec::new()
            } else {
                (0..all.len()).filter(|&i| outside(&all[i])).collect()
            };
            if candidates.is_empty() {
                return candidates;
            }
            let dir = self.unit.path.trim_end_matches('/');
            let package = self
                .text(&format!("{dir}/Cargo.toml"))
                .and_then(|t| t.parse::<toml::Table>().ok())
                .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_string));
            let manifests: Vec<(&str, &str)> = self
                .files()
                .filter(|f| matches!(f.kind, FileKind::Manifest(_)) && !f.in_test)
                .filter_map(|f| Some((f.path.as_str(), self.text(&f.path)?)))
                .collect();
            candidates
                .into_iter()
                .filter(|&i| {
                    let d = &all[i];
                    builds_unit(d, dir, &self.unit.name, package.as_deref())
                        || manifests
                            .iter()
                            .any(|(m, text)| names_path(text, parent_dir(m), &d.path))
                        || takes_unit_alone(self.facts, d, dir, self.unit_paths)
                })
                .collect()
        })
    }

    /// The compose files that define the unit's services: its own (every service in them,
    /// whatever their role: each check decides which roles it judges), then, in a
    /// monorepo, those outside every unit that describe what is deployed
    /// ([`Ctx::is_deployed`]) with the services that belong to it — they run the
    /// unit's image (named after the unit, as for Kubernetes workloads:
    /// spring-petclinic-microservices' root `docker-compose.yml` runs
    /// `springcommunity/spring-petclinic-config-server`) or build it (a `build` context
    /// inside the unit).
    pub fn compose_files(&self) -> Vec<ComposeFile<'a>> {
        let facts: &'a Facts = self.facts;
        let mut out: Vec<ComposeFile<'a>> = self
            .files()
            .filter(|f| f.kind == FileKind::Compose)
            .map(|f| ComposeFile {
                path: f.path.as_str(),
                only: None,
            })
            .collect();
        let name = self.unit.name.as_str();
        let dir = self.unit.path.trim_end_matches('/');
        if self.unit_paths.len() < 2 || dir.is_empty() || dir == "." {
            return out;
        }
        for f in facts.files.iter().filter(|f| {
            f.kind == FileKind::Compose && self.in_no_unit(&f.path) && self.is_deployed(&f.path)
        }) {
            let Some(Ok(docs)) = facts.yaml(&f.path) else {
                continue;
            };
            let base = parent_dir(&f.path);
            let mut services = Vec::new();
            for d in docs.iter() {
                for (svc, def) in d.idx("services").entries() {
                    let image = def
                        .idx("image")
                        .scalar_text()
                        .is_some_and(|i| !name.is_empty() && image_repository(&i) == name);
                    let build = def.get("build").and_then(|b| {
                        b.as_str()
                            .map(str::to_string)
                            .or_else(|| b.idx("context").as_str().map(str::to_string))
                    });
                    let builds_here = build.is_some_and(|c| {
                        resolve_in(base, &c).is_some_and(|p| p != "." && is_under(&p, dir))
                    });
                    if image || builds_here {
                        services.push(svc.to_string());
                    }
                }
            }
            if !services.is_empty() {
                out.push(ComposeFile {
                    path: f.path.as_str(),
                    only: Some(services),
                });
            }
        }
        out
    }

    /// The unit's Kubernetes objects: those in its subtree, then, in a monorepo, those in
    /// manifests that belong to no unit (a shared `kubernetes-manifests/` or `deploy/`
    /// tree) and run this unit's image (see [`Ctx::linked_k8s`]).
    pub fn k8s(&self) -> impl Iterator<Item = &'a K8sObject> + '_ {
        let items: &'a [K8sObject] = &self.facts.k8s_objects().items;
        let own: Box<dyn Iterator<Item = &'a K8sObject> + '_> =
            match self.index.k8s_owned(self.facts, &self.unit.path) {
                Some(owned) => Box::new(owned.iter().map(move |&i| &items[i])),
                None => Box::new(items.iter().filter(|o| self.in_unit(&o.path))),
            };
        own.filter(|o| !o.in_test && !o.patch && self.is_deployed(&o.path))
            .chain(self.linked_k8s().iter().map(move |&i| &items[i]))
    }

    /// Objects outside every unit that belong to this one: workloads whose container image
    /// is named after the unit (`…/adservice:v1.2` for unit `adservice`), then the
    /// Services, PodDisruptionBudgets, NetworkPolicies and autoscalers outside every unit
    /// that select or target those workloads. An object defined in several places (a
    /// plain manifest, a Kustomize base, a release bundle) counts once, where it is first
    /// met in path order. Empty for a single unit.
    fn linked_k8s(&self) -> &[usize] {
        self.linked_k8s.get_or_init(|| {
            let name = self.unit.name.as_str();
            if self.unit_paths.len() < 2 || name.is_empty() {
                return Vec::new();
            }
            let items = &self.facts.k8s_objects().items;
            let outside = |o: &K8sObject| {
                !o.in_test && !o.patch && self.is_deployed(&o.path) && self.in_no_unit(&o.path)
            };
            let key = |o: &'a K8sObject| (o.kind.as_str(), o.namespace.as_deref(), o.name.as_str());
            let mut seen = std::collections::HashSet::new();
            let mut linked = Vec::new();
            if let Some(outside) = self.index.k8s_outside(self.facts) {
                for &i in outside.workloads.get(name).map_or(&[][..], Vec::as_slice) {
                    if seen.insert(key(&items[i])) {
                        linked.push(i);
                    }
                }
                if linked.is_empty() {
                    return linked;
                }
                let found: Vec<&K8sObject> = linked.iter().map(|&i| &items[i]).collect();
                // Only objects that could accompany one of them, then the full test, in
                // item order: what testing every object gives.
                let mut keys = vec!["all".to_string()];
                for w in &found {
                    keys.push(format!("ref:{}", w.name));
                    if let Some(labels) = w.pod_labels() {
                        for (k, v) in labels.entries() {
                            if let Some(t) = v.scalar_text() {
                                keys.push(format!("label:{k}={t}"));
                            }
                        }
                    }
                }
                let mut candidates: Vec<usize> = keys
                    .iter()
                    .filter_map(|k| outside.companions.get(k))
                    .flatten()
                    .copied()
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                for &i in &candidates {
                    let o = &items[i];
                    if found.iter().any(|w| companion_of(o, w)) && seen.insert(key(o)) {
                        linked.push(i);
                    }
                }
                return linked;
            }
            // Cheap tests first, the walk over every unit's path last: a monorepo can
            // have hundreds of units and thousands of objects.
            for (i, o) in items.iter().enumerate() {
                if o.is_workload()
                    && o.containers(true).iter().any(|c| {
                        c.idx("image")
                            .as_str()
                            .is_some_and(|img| image_repository(img) == name)
                    })
                    && outside(o)
                    && seen.insert(key(o))
                {
                    linked.push(i);
                }
            }
            if linked.is_empty() {
                return linked;
            }
            let workloads: Vec<&K8sObject> = linked.iter().map(|&i| &items[i]).collect();
            for (i, o) in items.iter().enumerate() {
                if o.is_workload() {
                    continue;
                }
                if workloads.iter().any(|w| companion_of(o, w)) && outside(o) && seen.insert(key(o))
                {
                    linked.push(i);
                }
            }
            linked
        })
    }

    /// The unit's workloads (objects with a pod template).
    pub fn workloads(&self) -> impl Iterator<Item = &'a K8sObject> + '_ {
        self.k8s().filter(|o| o.is_workload())
    }

    /// Kubernetes files of this unit that failed to parse: `(path, message)`.
    pub fn k8s_errors(&self) -> Vec<&'a (String, String)> {
        self.facts
            .k8s_objects()
            .errors
            .iter()
            .filter(|(p, _)| self.in_unit(p))
            .collect()
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `rel` read from directory `base` (`""` for the root), `.` and `..` resolved; `None`
/// when it leaves the repository or is absolute.
fn resolve_in(base: &str, rel: &str) -> Option<String> {
    if base.is_empty() {
        shipshape_facts::ci::normalise_path(rel)
    } else {
        shipshape_facts::ci::normalise_path(&format!("{base}/{rel}"))
    }
}

/// True when what `d`'s `RUN` steps build names the unit at `dir` (see
/// [`Ctx::linked_dockerfiles`]).
fn builds_unit(d: &Dockerfile, dir: &str, name: &str, package: Option<&str>) -> bool {
    use shipshape_facts::docker::Built;
    let built = d.builds();
    let base = parent_dir(&d.path);
    let is_me = |b: &Built| match b {
        Built::Package(n) => Some(n.as_str()) == package || n == name,
        Built::Path(p) => {
            !dir.is_empty()
                && dir != "."
                && resolve_in(base, p).is_some_and(|p| shipshape_facts::is_under(&p, dir))
        }
    };
    let program_of = |b: &Built| -> String {
        match b {
            Built::Package(n) => n.clone(),
            Built::Path(p) => {
                let last = p.rsplit('/').next().unwrap_or(p);
                last.rsplit_once('.')
                    .map_or(last, |(stem, _)| stem)
                    .to_string()
            }
        }
    };
    let Some(first) = built.first() else {
        return false;
    };
    match d.entry_program() {
        Some(entry) if built.iter().any(|b| program_of(b) == entry) => {
            built.iter().any(|b| program_of(b) == entry && is_me(b))
        }
        _ => is_me(first),
    }
}

/// True when a target of `d` takes the unit at `dir` from its build context and no other
/// unit (Flagsmith's root Dockerfile: `oss-api` copies `api/`, `oss-frontend` copies
/// `frontend/`, `oss-unified` both) — the rule unit discovery applies to application
/// directories ([`Dockerfile::target_dirs`]).
fn takes_unit_alone(facts: &Facts, d: &Dockerfile, dir: &str, units: &[String]) -> bool {
    let is_unit = |p: &str| units.iter().any(|u| u.trim_end_matches('/') == p);
    d.target_dirs(&facts.docker_context(&d.path), is_unit)
        .iter()
        .any(|t| t.len() == 1 && t.contains(dir))
}

/// True when `text` (a manifest in directory `from`) names `target` (a Dockerfile) or its
/// directory by a relative path, as a whole path (`../docker` in
/// `${basedir}/../docker`, not in `../dockerfiles`).
fn names_path(text: &str, from: &str, target: &str) -> bool {
    let relative = |to: &str| -> String {
        let from_parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
        let common = from_parts
            .iter()
            .zip(&to_parts)
            .take_while(|(a, b)| a == b)
            .count();
        let mut out: Vec<&str> = vec![".."; from_parts.len() - common];
        out.extend(&to_parts[common..]);
        out.join("/")
    };
    [relative(parent_dir(target)), relative(target)]
        .iter()
        .filter(|r| r.starts_with("../"))
        .any(|r| {
            text.match_indices(r.as_str()).any(|(at, _)| {
                let end = at + r.len();
                text[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            })
        })
}

/// `path:line` list of paths for absence messages.
pub(crate) fn looked_in(paths: &[&str]) -> String {
    format!("looked for: {}", paths.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_facts::Facts;

    #[test]
    fn a_units_files_are_its_subtree_only() {
        let facts = Facts::from_memory(&[
            ("README.md", "x"),
            ("svc/a.rs", "x"),
            ("svc/sub/b.rs", "x"),
            ("svc-x/c.rs", "x"),
            ("svcx/d.rs", "x"),
            ("zz/svc/e.rs", "x"),
        ]);
        let mut unit = crate::testing::unit_for(&facts);
        let paths = |unit: &Unit| -> Vec<String> {
            Ctx::basic(&facts, unit)
                .files()
                .map(|f| f.path.clone())
                .collect()
        };
        for path in ["svc", "svc/"] {
            unit.path = path.into();
            assert_eq!(
                paths(&unit),
                ["svc/a.rs", "svc/sub/b.rs"],
                "unit path {path:?}"
            );
        }
        for path in [".", "", "/"] {
            unit.path = path.into();
            assert_eq!(paths(&unit).len(), 6, "unit path {path:?}");
        }
    }

    /// Regression (meilisearch, lldap, spring-petclinic-microservices, #13): a
    /// Dockerfile outside every unit belonged to none, so the services it ships had no
    /// image (container-build failed, container-non-root was n/a). What its `RUN` steps
    /// build and what it runs decide; so does a unit's manifest naming its directory.
    #[test]
    fn dockerfiles_outside_every_unit_belong_to_the_unit_they_build() {
        let facts = Facts::from_memory(&[
            (
                "Dockerfile",
                "FROM rust AS b\nCOPY . .\nRUN cargo build --release -p meilitool -p meilisearch\nFROM alpine\nCOPY --from=b /target/release/meilisearch /bin/\nCMD /bin/meilisearch\n",
            ),
            (
                "crates/meilisearch/Cargo.toml",
                "[package]\nname = \"meilisearch\"\n",
            ),
            (
                "crates/meilitool/Cargo.toml",
                "[package]\nname = \"meilitool\"\n",
            ),
            ("crates/milli/Cargo.toml", "[package]\nname = \"milli\"\n"),
            (
                "docker/Dockerfile",
                "FROM eclipse-temurin:17\nARG ARTIFACT_NAME\nCOPY ${ARTIFACT_NAME}.jar app.jar\n",
            ),
            (
                "vets/pom.xml",
                "<project><properties><docker.image.dockerfile.dir>${basedir}/../docker</docker.image.dockerfile.dir></properties></project>\n",
            ),
            (
                "visits/pom.xml",
                "<project><!-- ../dockerfiles --></project>\n",
            ),
        ]);
        let units: Vec<String> = [
            "crates/meilisearch",
            "crates/meilitool",
            "crates/milli",
            "vets",
            "visits",
        ]
        .map(String::from)
        .to_vec();
        let images = |path: &str| -> Vec<String> {
            let mut unit = crate::testing::unit_for(&facts);
            unit.path = path.into();
            unit.name = path.rsplit('/').next().unwrap().into();
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.unit_paths = &units;
            ctx.dockerfiles().map(|d| d.path.clone()).collect()
        };
        assert_eq!(images("crates/meilisearch"), ["Dockerfile"]);
        assert!(
            images("crates/meilitool").is_empty(),
            "built, but not what the image runs"
        );
        assert!(images("crates/milli").is_empty());
        assert_eq!(images("vets"), ["docker/Dockerfile"]);
        assert!(
            images("visits").is_empty(),
            "`../dockerfiles` is another directory"
        );
    }

    /// Flagsmith/flagsmith (held-out, 2026-12-07): the root Dockerfile builds the API and
    /// the frontend as targets (`COPY api /app/`, `COPY frontend …`); once discovery made
    /// them units, their images were still nobody's, so `delivery/container-build` failed
    /// both. A target taking one unit's directory alone is that unit's image; a unified
    /// target taking two is neither's by itself.
    #[test]
    fn a_root_dockerfile_target_that_takes_one_unit_is_its_image() {
        let facts = Facts::from_memory(&[
            (
                "Dockerfile",
                "FROM node:22 AS build-node\nCOPY frontend /build/frontend\n\
                 FROM python:3.13 AS api-runtime\nCOPY api /app/\n\
                 FROM api-runtime AS oss-api\nUSER nobody\n\
                 FROM nginx AS oss-frontend\nCOPY --from=build-node /build/frontend /srv\n\
                 FROM api-runtime AS oss-unified\nCOPY --from=build-node /b /srv\n",
            ),
            (
                "both/Dockerfile",
                "FROM python:3.13\nCOPY api /a\nCOPY mcp /m\n",
            ),
            ("api/pyproject.toml", "[project]\nname = \"api\"\n"),
            ("frontend/package.json", "{\"name\": \"frontend\"}\n"),
            ("mcp/pyproject.toml", "[project]\nname = \"mcp\"\n"),
        ]);
        let units: Vec<String> = ["api", "frontend", "mcp"].map(String::from).to_vec();
        let images = |path: &str| -> Vec<String> {
            let mut unit = crate::testing::unit_for(&facts);
            unit.path = path.into();
            unit.name = path.into();
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.unit_paths = &units;
            ctx.dockerfiles().map(|d| d.path.clone()).collect()
        };
        assert_eq!(images("api"), ["Dockerfile"]);
        assert_eq!(images("frontend"), ["Dockerfile"]);
        assert!(images("mcp").is_empty(), "both/ takes api and mcp together");
    }

    /// Regression (spring-petclinic-microservices, #13): the root `docker-compose.yml`
    /// runs every module's image; its services belong to the modules they run or build.
    #[test]
    fn compose_services_outside_every_unit_belong_to_the_unit_they_run() {
        let compose = "services:\n  vets:\n    image: springcommunity/vets-service\n  api:\n    build: ./api\n  db:\n    image: postgres:16\n";
        let facts = Facts::from_memory(&[
            ("docker-compose.yml", compose),
            ("vets-service/pom.xml", "<project/>\n"),
            ("api/package.json", "{}\n"),
            ("web/package.json", "{}\n"),
        ]);
        let units: Vec<String> = ["vets-service", "api", "web"].map(String::from).to_vec();
        let services = |path: &str| -> Vec<Option<Vec<String>>> {
            let mut unit = crate::testing::unit_for(&facts);
            unit.path = path.into();
            unit.name = path.into();
            let mut ctx = Ctx::basic(&facts, &unit);
            ctx.unit_paths = &units;
            ctx.compose_files().into_iter().map(|f| f.only).collect()
        };
        assert_eq!(services("vets-service"), [Some(vec!["vets".to_string()])]);
        assert_eq!(services("api"), [Some(vec!["api".to_string()])]);
        assert!(services("web").is_empty());
    }

    /// #17: the scan-wide index answers what each unit once searched every file for
    /// (shared files naming it, its own and linked Kubernetes objects, its Dockerfiles,
    /// files in no unit) — and must answer exactly the same, root unit included.
    #[test]
    fn the_scan_index_answers_as_each_unit_alone_does() {
        let deploy = |n: &str| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {n}\nspec:\n  selector:\n    matchLabels: {{app: {n}}}\n  template:\n    metadata:\n      labels: {{app: {n}}}\n    spec:\n      containers:\n        - name: {n}\n          image: ghcr.io/acme/{n}:1.0\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {n}\nspec:\n  selector: {{app: {n}}}\n"
            )
        };
        let (cart, cartx) = (deploy("cart"), deploy("cart-x"));
        let files: Vec<(&str, &str)> = vec![
            ("Cargo.toml", "[workspace]\n"),
            ("services/cart/go.mod", "module cart\n"),
            ("services/cart/Dockerfile", "FROM scratch\n"),
            ("services/cart/k8s/own.yaml", &cart),
            ("services/cart-x/go.mod", "module cartx\n"),
            ("services/cart/nested/go.mod", "module nested\n"),
            ("deploy/cart.yaml", &cart),
            ("deploy/cart-x.yaml", &cartx),
            (
                "monitoring/alerts.yaml",
                "- alert: CartDown\n  expr: up{job=\"cart\"} == 0\n",
            ),
            ("monitoring/other.yaml", "job: cart-x.internal and CART\n"),
            ("monitoring/tests/cart.yaml", "cart\n"),
            ("docs/nested.md", "the nested service\n"),
            (".github/workflows/ci.yml", "on: push\n"),
            ("README.md", "# shop\n"),
            (".github/CODEOWNERS", "* @shop\n"),
        ];
        let facts = Facts::from_memory(&files);
        for paths in [
            vec!["services/cart", "services/cart-x", "services/cart/nested"],
            vec![".", "services/cart", "services/cart-x"],
        ] {
            let paths: Vec<String> = paths.into_iter().map(String::from).collect();
            let names: Vec<String> = paths
                .iter()
                .map(|p| p.rsplit('/').next().unwrap().to_string())
                .collect();
            let index = ScanIndex::new(&paths, &names);
            for (path, name) in paths.iter().zip(&names) {
                let mut unit = crate::testing::unit_for(&facts);
                unit.path = path.clone();
                unit.name = name.clone();
                let answers = |with: Option<&ScanIndex>| {
                    let mut ctx = Ctx::basic(&facts, &unit);
                    ctx.unit_paths = &paths;
                    if let Some(i) = with {
                        ctx.index = i;
                    }
                    let list = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>();
                    (
                        list(&mut ctx.shared_naming_unit().map(|f| f.path.clone())),
                        list(&mut ctx.k8s().map(|o| format!("{}:{}", o.path, o.name))),
                        list(&mut ctx.dockerfiles().map(|d| d.path.clone())),
                        list(&mut ctx.files().map(|f| f.path.clone())),
                        list(&mut ctx.files_with_shared().map(|f| f.path.clone())),
                        facts
                            .files
                            .iter()
                            .filter(|f| ctx.in_no_unit(&f.path))
                            .count(),
                    )
                };
                assert_eq!(answers(Some(&index)), answers(None), "unit {path}");
            }
        }
        // The index does find what it should: the shared alert names `cart`, and both
        // spellings of `cart` in other.yaml are a word of their own only once (`CART`).
        let paths: Vec<String> = ["services/cart", "services/cart-x"]
            .map(String::from)
            .to_vec();
        let names: Vec<String> = ["cart", "cart-x"].map(String::from).to_vec();
        let index = ScanIndex::new(&paths, &names);
        let mut unit = crate::testing::unit_for(&facts);
        unit.path = paths[0].clone();
        unit.name = names[0].clone();
        let mut ctx = Ctx::basic(&facts, &unit);
        ctx.unit_paths = &paths;
        ctx.index = &index;
        let naming: Vec<&str> = ctx.shared_naming_unit().map(|f| f.path.as_str()).collect();
        assert!(naming.contains(&"monitoring/alerts.yaml"), "{naming:?}");
        assert!(naming.contains(&"monitoring/other.yaml"), "{naming:?}");
        assert!(
            !naming.contains(&"monitoring/tests/cart.yaml"),
            "{naming:?}"
        );
        let linked: Vec<&str> = ctx.k8s().map(|o| o.path.as_str()).collect();
        assert!(linked.contains(&"deploy/cart.yaml"), "{linked:?}");
        assert!(!linked.contains(&"deploy/cart-x.yaml"), "{linked:?}");
    }

    /// The root product of a monorepo (ripgrep's root crate beside `crates/*`) owns
    /// only what no other unit holds.
    #[test]
    fn the_root_unit_leaves_out_nested_units() {
        let facts = Facts::from_memory(&[
            ("Cargo.toml", "x"),
            ("crates/core/main.rs", "x"),
            ("crates/cli/src/lib.rs", "x"),
            ("crates/cli/Cargo.toml", "x"),
        ]);
        let unit = crate::testing::unit_for(&facts);
        let units = vec![".".to_string(), "crates/cli".to_string()];
        let mut ctx = Ctx::basic(&facts, &unit);
        ctx.unit_paths = &units;
        let files: Vec<&str> = ctx.files().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ["Cargo.toml", "crates/core/main.rs"]);
        assert!(!ctx.in_unit("crates/cli/Cargo.toml"));
    }

    /// Deployment checks judged what is not deployed: a Playwright end-to-end harness's
    /// Dockerfile, a package-build container (httpie's `extras/packaging/linux/Dockerfile`,
    /// ubuntu:18.04 without USER), a Job in a chart's `docs/examples/` (grafana/loki).
    #[test]
    fn deployment_artifacts_are_only_production_files() {
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox:1.36\n";
        let facts = Facts::from_memory(&[
            ("Dockerfile", "FROM debian:12\nUSER 1000\n"),
            (
                "playwright/Dockerfile",
                "FROM mcr.microsoft.com/playwright:v1.49.0\n",
            ),
            ("extras/packaging/linux/Dockerfile", "FROM ubuntu:18.04\n"),
            ("deploy/job.yaml", job),
            ("docs/examples/job.yaml", job),
        ]);
        let unit = crate::testing::unit_for(&facts);
        let ctx = Ctx::basic(&facts, &unit);
        let dockerfiles: Vec<&str> = ctx.dockerfiles().map(|d| d.path.as_str()).collect();
        assert_eq!(dockerfiles, ["Dockerfile"]);
        let objects: Vec<&str> = ctx.k8s().map(|o| o.path.as_str()).collect();
        assert_eq!(objects, ["deploy/job.yaml"]);
    }
}

#[cfg(test)]
mod names_tests {
    use super::*;

    #[test]
    fn a_unit_is_named_by_a_word_of_its_own() {
        assert!(names_word("service_name=\"cart\"", "cart"));
        assert!(names_word("service_name: Cart\n", "cart"));
        assert!(names_word("cart", "cart"));
        assert!(!names_word("receiver: grafana-default-email", "email"));
        assert!(!names_word("cartservice carts cart_id cart.v1", "cart"));
        assert!(!names_word("", "cart"));
        assert!(!names_word("ca", "cart"));
    }

    /// GoogleCloudPlatform/microservices-demo: the services' manifests live in a shared
    /// `kubernetes-manifests/` (and again in `kustomize/base/`), outside every unit.
    #[test]
    fn shared_manifests_belong_to_the_unit_whose_image_they_run() {
        let deploy = |name: &str, image: &str| {
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: server, image: {image}}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n"
            )
        };
        let ad = deploy(
            "adservice",
            "us-docker.pkg.dev/p/r/adservice:v1.2@sha256:00",
        );
        let cart = deploy("cartservice", "cartservice");
        let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all}\nspec:\n  podSelector: {}\n";
        let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: ad}\nspec:\n  scaleTargetRef: {kind: Deployment, name: adservice}\n";
        let files = [
            ("src/adservice/Dockerfile", "FROM scratch\n"),
            ("src/cartservice/Dockerfile", "FROM scratch\n"),
            ("kubernetes-manifests/adservice.yaml", ad.as_str()),
            ("kubernetes-manifests/cartservice.yaml", cart.as_str()),
            ("kubernetes-manifests/deny.yaml", policy),
            ("kubernetes-manifests/hpa.yaml", hpa),
            ("kustomize/base/adservice.yaml", ad.as_str()),
        ];
        let facts = Facts::from_memory(&files);
        let unit = Unit {
            name: "adservice".into(),
            path: "src/adservice".into(),
            kind: UnitKind::Service,
            kind_source: "test".into(),
            tier: None,
            owner: None,
        };
        let units = vec!["src/adservice".to_string(), "src/cartservice".to_string()];
        let mut ctx = Ctx::basic(&facts, &unit);
        ctx.unit_paths = &units;
        let got: Vec<String> = ctx
            .k8s()
            .map(|o| format!("{} {}", o.path, o.display()))
            .collect();
        assert_eq!(
            got,
            vec![
                "kubernetes-manifests/adservice.yaml Deployment/adservice",
                "kubernetes-manifests/adservice.yaml Service/adservice",
                "kubernetes-manifests/deny.yaml NetworkPolicy/deny-all",
                "kubernetes-manifests/hpa.yaml HorizontalPodAutoscaler/ad",
            ]
        );
        // A single unit sees everything already; nothing is linked twice.
        let one = vec![".".to_string()];
        let whole = Unit {
            path: ".".into(),
            ..unit.clone()
        };
        let mut ctx = Ctx::basic(&facts, &whole);
        ctx.unit_paths = &one;
        assert_eq!(ctx.k8s().count(), 8);
    }
}
