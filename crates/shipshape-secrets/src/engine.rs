//! The scan engine: keyword prefilter, then the regexes of the rules whose keywords
//! occurred, then false-positive control, overlap resolution and redaction.
//!
//! `Engine::scan` is called once per file from shipshape's single parallel walk, so it is
//! `Send + Sync`, allocation-light when nothing matches, linear-time (the `regex` crate
//! never backtracks) and never panics on any input. It must never store or return a raw
//! secret: a [`SecretMatch`] carries a redaction, a snippet with the secret redacted, byte
//! offsets and a one-way fingerprint.

use crate::Error;
use crate::filter::{code_context_reason, decoy_reason, public_by_context, shannon_entropy};
use crate::redact::{redact, snippet};
use crate::rules::{RULES, RuleClass};
use aho_corasick::AhoCorasick;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The comment that suppresses matches on its line.
pub const ALLOW_MARKER: &[u8] = b"shipshape:allow";
/// How many leading bytes are inspected for NUL to call a file binary.
pub const BINARY_PROBE_BYTES: usize = 8 * 1024;
/// Upper bound on matches of one rule in one file (bounds output on pathological input).
const MAX_MATCHES_PER_RULE: usize = 1_000;
/// Compiled-size limit for user regexes.
const CUSTOM_REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;
/// Snippets are cut to this many characters around the secret.
const SNIPPET_CHARS: usize = 160;

/// A user-defined rule, read by the CLI from `shipshape.toml` `[[secrets.rules]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// Kebab-case id, unique among all rules.
    pub id: String,
    #[serde(default)]
    pub description: String,
    /// A `regex` crate pattern; capture group 1 (or the group named `secret`) is the
    /// secret, otherwise the whole match.
    pub regex: String,
    /// Prefilter keywords (matched ASCII case-insensitively). Without keywords the rule runs
    /// on every file, so give at least one when you can.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
}

/// A secret found in a file. Holds no raw secret: see [`SecretMatch::redacted`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretMatch {
    pub rule_id: String,
    pub description: String,
    /// The path as passed to [`Engine::scan`].
    pub path: String,
    /// 1-based line of the first byte of the secret.
    pub line: u32,
    /// 1-based column (in characters) of the first byte of the secret.
    pub column: u32,
    /// 1-based line of the last byte of the secret (differs from `line` for key blocks).
    pub end_line: u32,
    /// Byte offset of the secret in the scanned bytes.
    pub start: usize,
    /// Byte offset one past the secret.
    pub end: usize,
    /// `ghp_…(40 chars)`: at most four characters and a third of the secret.
    pub redacted: String,
    /// The secret's first line with every secret on it redacted, cut to 160 characters.
    pub snippet: String,
    /// Hex SHA-256 of rule id, path and secret: stable, one-way; the baseline key.
    pub fingerprint: String,
    /// Shannon entropy of the secret in bits per byte.
    pub entropy: f64,
    /// Hex SHA-256 of rule id and secret (path-independent), for de-duplication.
    #[serde(skip)]
    pub(crate) identity: String,
    /// The rule's class: a [`RuleClass::Token`] match has a provider's own format, the
    /// others (generic assignments, key blocks, URI passwords) could be anyone's sample.
    #[serde(skip)]
    pub class: RuleClass,
}

impl SecretMatch {
    /// The shared report model's finding for this match (key = fingerprint).
    pub fn to_finding(&self) -> shipshape_model::Finding {
        let location = shipshape_model::Location {
            path: self.path.clone(),
            line: Some(self.line),
            column: Some(self.column),
        };
        shipshape_model::Finding::at(
            location,
            format!(
                "{} `{}` ({})",
                self.description, self.redacted, self.rule_id
            ),
        )
        .with_snippet(self.snippet.clone())
        .with_key(self.fingerprint.clone())
    }
}

impl fmt::Display for SecretMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} {} ({})",
            self.path, self.line, self.column, self.rule_id, self.redacted, self.description
        )
    }
}

/// A rule ready to run.
#[derive(Debug)]
struct CompiledRule {
    id: String,
    description: String,
    regex: Regex,
    secret_group: usize,
    key_group: Option<usize>,
    entropy: Option<f64>,
    class: RuleClass,
    /// True when the rule's matches stay within a line or two (not a PEM block, no
    /// explicit newline or dot-all): it then runs only on the lines around its keyword
    /// hits instead of over the whole file.
    windowed: bool,
}

/// A rule's public description, for listings (`shipshape secrets rules`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub custom: bool,
}

/// The compiled rule set and prefilter. Build once, share by reference across threads.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    infos: Vec<RuleInfo>,
    prefilter: Option<AhoCorasick>,
    /// Per prefilter pattern: the rules it enables.
    keyword_rules: Vec<Vec<usize>>,
    keywords: Vec<String>,
    /// Rules without keywords: run on every text file.
    always: Vec<usize>,
    allow: GlobSet,
}

struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    keep: bool,
}

impl Engine {
    /// The built-in catalog plus `custom` rules (which take precedence on overlaps), and
    /// path globs whose files are never scanned. Errors name the rule or glob and the fix.
    pub fn new(custom: &[CustomRule], allow_paths: &[String]) -> Result<Engine, Error> {
        let mut rules = Vec::with_capacity(custom.len() + RULES.len());
        let mut infos = Vec::with_capacity(rules.capacity());
        let mut keyword_lists: Vec<Vec<String>> = Vec::with_capacity(rules.capacity());
        for c in custom {
            validate_custom(c)?;
            if RULES.iter().any(|r| r.id == c.id) || infos.iter().any(|i: &RuleInfo| i.id == c.id) {
                return Err(Error::BadRule {
                    id: c.id.clone(),
                    message: "this id is already used; give the rule a unique id".into(),
                });
            }
            let regex = RegexBuilder::new(&c.regex)
                .size_limit(CUSTOM_REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| Error::BadRegex {
                    id: c.id.clone(),
                    message: e.to_string(),
                })?;
            let description = if c.description.is_empty() {
                format!("Custom rule {}", c.id)
            } else {
                c.description.clone()
            };
            let keywords: Vec<String> = c.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
            infos.push(RuleInfo {
                id: c.id.clone(),
                description: description.clone(),
                keywords: keywords.clone(),
                custom: true,
            });
            rules.push(compiled(
                c.id.clone(),
                description,
                regex,
                c.entropy,
                RuleClass::Token,
            ));
            keyword_lists.push(keywords);
        }
        for r in RULES {
            let regex = RegexBuilder::new(&format!("(?-u){}", r.regex))
                .build()
                .map_err(|e| Error::BadRegex {
                    id: r.id.to_string(),
                    message: e.to_string(),
                })?;
            let keywords: Vec<String> = r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
            infos.push(RuleInfo {
                id: r.id.to_string(),
                description: r.description.to_string(),
                keywords: keywords.clone(),
                custom: false,
            });
            rules.push(compiled(
                r.id.into(),
                r.description.into(),
                regex,
                r.entropy,
                r.class,
            ));
            keyword_lists.push(keywords);
        }

        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, list) in keyword_lists.iter().enumerate() {
            if list.is_empty() {
                always.push(i);
            }
            for k in list {
                match keywords.iter().position(|x| x == k) {
                    Some(p) => keyword_rules[p].push(i),
                    None => {
                        keywords.push(k.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                // The DFA kind: ~1.8x the throughput of the default (contiguous NFA) that
                // aho-corasick picks for this many patterns (measured 381 vs 210 MB/s per
                // core on the bench corpus), for a few hundred KiB built once.
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&keywords)
                    .map_err(|e| Error::BadRule {
                        id: "keywords".into(),
                        message: format!("the keyword prefilter could not be built: {e}"),
                    })?,
            )
        };

        let mut allow = GlobSetBuilder::new();
        for pattern in allow_paths {
            let glob = Glob::new(pattern).map_err(|e| Error::BadGlob {
                pattern: pattern.clone(),
                message: e.kind().to_string(),
            })?;
            allow.add(glob);
        }
        let allow = allow.build().map_err(|e| Error::BadGlob {
            pattern: allow_paths.join(", "),
            message: e.to_string(),
        })?;

        Ok(Engine {
            rules,
            infos,
            prefilter,
            keyword_rules,
            keywords,
            always,
            allow,
        })
    }

    /// Every rule, custom ones first, in precedence order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.infos
    }

    /// Every distinct prefilter keyword (lowercase), e.g. for `rg -i -F -f`.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// True when `path` matches the path allowlist and is never scanned.
    pub fn is_allowed_path(&self, path: &str) -> bool {
        self.allow.is_match(path)
    }

    /// Scan one file's bytes. `path` is reported as given (use repository-relative,
    /// `/`-separated paths) and matched against the path allowlist. Binary content (a NUL
    /// in the first 8 KiB) is only searched for private key blocks. Matches are sorted by
    /// position.
    pub fn scan(&self, path: &str, bytes: &[u8]) -> Vec<SecretMatch> {
        self.scan_with(path, bytes, true)
    }

    /// [`Engine::scan`] with a plain overlapping keyword search of the whole file (not
    /// line by line) and every active rule run over the whole file rather than the lines
    /// around its keywords: the reference the fast path is tested against.
    #[doc(hidden)]
    pub fn scan_whole_files(&self, path: &str, bytes: &[u8]) -> Vec<SecretMatch> {
        self.scan_with(path, bytes, false)
    }

    fn scan_with(&self, path: &str, bytes: &[u8], windows_on: bool) -> Vec<SecretMatch> {
        if bytes.is_empty() || self.is_allowed_path(path) {
            return Vec::new();
        }
        let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
        let binary = memchr::memchr(0, probe).is_some();
        // A translation catalog maps message keys (`invalidEncryptionKey`, `password`) to
        // text in people's languages: generic name = value rules would read every
        // "Passwort vergessen" as a credential. Provider-format tokens still count.
        // A lock file holds package names and integrity hashes: the same holds.
        let catalog =
            crate::filter::is_translation_catalog(path) || crate::filter::is_lockfile(path);

        let mut active = vec![false; self.rules.len()];
        // Per windowed rule: the line ranges around its keyword hits.
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.len()];
        let mut any = false;
        for &i in &self.always {
            active[i] = true;
            any = true;
        }
        if let (Some(ac), false) = (&self.prefilter, windows_on) {
            // The reference: every keyword of the file, one overlapping search.
            for m in ac.find_overlapping_iter(bytes) {
                for &r in &self.keyword_rules[m.pattern().as_usize()] {
                    active[r] = true;
                    any = true;
                }
            }
        } else if let Some(ac) = &self.prefilter {
            // Find the first keyword of a line (the fast, non-overlapping search), collect
            // every keyword on that line with an overlapping search of the line alone, then
            // resume after it: most lines have no keyword and are searched once.
            let mut at = 0;
            while at < bytes.len() {
                let Some(first) = ac.find(aho_corasick::Input::new(bytes).span(at..bytes.len()))
                else {
                    break;
                };
                let line_start =
                    memchr::memrchr(b'\n', &bytes[at..first.start()]).map_or(at, |i| at + i + 1);
                let line_end = memchr::memchr(b'\n', &bytes[first.end()..])
                    .map_or(bytes.len(), |i| first.end() + i);
                let window = line_window(bytes, line_start, line_end);
                for m in ac.find_overlapping_iter(&bytes[line_start..line_end]) {
                    for &r in &self.keyword_rules[m.pattern().as_usize()] {
                        active[r] = true;
                        any = true;
                        if self.rules[r].windowed {
                            windows[r].push(window);
                        }
                    }
                }
                at = line_end + 1;
            }
        }
        if !any {
            return Vec::new();
        }

        let mut candidates = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            if !active[ri]
                || (binary && rule.class != RuleClass::PrivateKey)
                || (catalog && rule.class == RuleClass::Generic)
            {
                continue;
            }
            let mut found = 0usize;
            if windows[ri].is_empty() {
                self.run_rule(
                    ri,
                    rule,
                    bytes,
                    (0, bytes.len()),
                    &mut found,
                    &mut candidates,
                );
            } else {
                for w in merge_windows(std::mem::take(&mut windows[ri])) {
                    self.run_rule(ri, rule, bytes, w, &mut found, &mut candidates);
                }
            }
        }
        if candidates.is_empty() {
            return Vec::new();
        }
        // In program source a literal is quoted: an unquoted value after a secret-sounding
        // name is an expression (`bearerToken: *bearerToken`, `@api_key = @plain_key`,
        // `find_by(token: token&.downcase)`), not a committed credential. Shell and
        // configuration formats take unquoted literals, so they are not judged this way.
        if crate::filter::is_program_source(path) {
            for c in &mut candidates {
                if c.keep
                    && self.rules[c.rule].class == RuleClass::Generic
                    && !crate::filter::is_quoted(bytes, c.start)
                {
                    c.keep = false;
                }
            }
        }

        // Earlier rules win overlaps; rejected candidates still claim their span so that a
        // documentation key rejected by its specific rule is not re-reported by a generic one.
        candidates.sort_by_key(|c| (c.rule, c.start));
        let mut claimed: Vec<(usize, usize, bool, usize)> = Vec::new();
        for c in candidates {
            if claimed.iter().any(|&(s, e, _, _)| c.start < e && s < c.end) {
                continue;
            }
            claimed.push((c.start, c.end, c.keep, c.rule));
        }
        let mut kept: Vec<(usize, usize, usize)> = claimed
            .into_iter()
            .filter(|&(_, _, keep, _)| keep)
            .map(|(s, e, _, r)| (s, e, r))
            .collect();
        kept.sort_unstable();
        self.materialise(path, bytes, &kept)
    }

    /// Run one rule over `bytes[from..to]` (the regex sees the text before `from` as
    /// context; `to` ends a line). `found` counts matches across a file's windows.
    fn run_rule(
        &self,
        ri: usize,
        rule: &CompiledRule,
        bytes: &[u8],
        (from, to): (usize, usize),
        found: &mut usize,
        out: &mut Vec<Candidate>,
    ) {
        let mut locs = rule.regex.capture_locations();
        let mut at = from;
        let haystack = &bytes[..to];
        while at <= to && *found < MAX_MATCHES_PER_RULE {
            let Some(m) = rule.regex.captures_read_at(&mut locs, haystack, at) else {
                break;
            };
            let (start, end) = locs.get(rule.secret_group).unwrap_or((m.start(), m.end()));
            at = end.max(m.start() + 1);
            if end <= start {
                continue;
            }
            *found += 1;
            let secret = &bytes[start..end];
            let key_at = rule.key_group.and_then(|g| locs.get(g));
            // A connection URI's "key" is its user (`scheme://user:password@host`).
            let key = match rule.class {
                RuleClass::UriPassword => uri_user(bytes, start),
                _ => key_at.map(|(s, e)| &bytes[s..e]),
            };
            let before_key = key_at.and_then(|(s, _)| s.checked_sub(1)).map(|i| bytes[i]);
            let keep = rule
                .entropy
                .is_none_or(|floor| shannon_entropy(secret) >= floor)
                && decoy_reason(rule.class, secret, key, bytes.get(end).copied()).is_none()
                && !allow_comment(bytes, start, end)
                && public_by_context(
                    rule.class,
                    key,
                    before_key,
                    key_at.map(|(s, e)| whole_identifier(bytes, s, e)),
                    context(bytes, start, end),
                    line_of(bytes, start),
                )
                .is_none()
                && code_context_reason(rule.class, bytes, key_at.map(|(s, _)| s), start, end)
                    .is_none();
            out.push(Candidate {
                rule: ri,
                start,
                end,
                keep,
            });
        }
    }

    /// Turn kept spans (sorted by start) into matches with positions and redactions.
    fn materialise(
        &self,
        path: &str,
        bytes: &[u8],
        kept: &[(usize, usize, usize)],
    ) -> Vec<SecretMatch> {
        let mut out = Vec::with_capacity(kept.len());
        let mut line = 1u32;
        let mut counted_to = 0usize;
        for &(start, end, ri) in kept {
            let rule = &self.rules[ri];
            line += count_newlines(&bytes[counted_to..start]);
            counted_to = start;
            let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |p| p + 1);
            let line_end =
                memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
            let column = 1 + bytes[line_start..start]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count() as u32;
            let end_line = line + count_newlines(&bytes[start..end.saturating_sub(1).max(start)]);
            let spans: Vec<(usize, usize)> = kept
                .iter()
                .filter(|&&(s, e, _)| s < line_end && e > line_start)
                .map(|&(s, e, _)| (s.max(line_start) - line_start, e.min(line_end) - line_start))
                .collect();
            let secret_text = String::from_utf8_lossy(&bytes[start..end]);
            out.push(SecretMatch {
                rule_id: rule.id.clone(),
                description: rule.description.clone(),
                path: path.to_string(),
                line,
                column,
                end_line,
                start,
                end,
                redacted: redact(&secret_text),
                snippet: snippet(&bytes[line_start..line_end], &spans, SNIPPET_CHARS),
                fingerprint: hex_sha256(&[rule.id.as_bytes(), path.as_bytes(), &bytes[start..end]]),
                entropy: (shannon_entropy(&bytes[start..end]) * 1000.0).round() / 1000.0,
                identity: hex_sha256(&[rule.id.as_bytes(), &bytes[start..end]]),
                class: rule.class,
            });
        }
        out
    }
}

/// The line before the line `line_start..line_end` (`line_end` at its newline or the
/// end) through the line after it — a match may start a line early or spill onto the
/// next one — as a byte range ending after a newline.
fn line_window(bytes: &[u8], line_start: usize, line_end: usize) -> (usize, usize) {
    let from = if line_start == 0 {
        0
    } else {
        memchr::memrchr(b'\n', &bytes[..line_start - 1]).map_or(0, |i| i + 1)
    };
    let next = (line_end + 1).min(bytes.len());
    let to = memchr::memchr(b'\n', &bytes[next..]).map_or(bytes.len(), |i| next + i + 1);
    (from, to)
}

/// Sort and merge overlapping or touching ranges.
fn merge_windows(mut w: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    w.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(w.len());
    for (s, e) in w {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn compiled(
    id: String,
    description: String,
    regex: Regex,
    entropy: Option<f64>,
    class: RuleClass,
) -> CompiledRule {
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    let secret_group = names
        .iter()
        .position(|n| *n == Some("secret"))
        .unwrap_or(if names.len() > 1 { 1 } else { 0 });
    let key_group = names.iter().position(|n| *n == Some("key"));
    let pattern = regex.as_str();
    let windowed = class != RuleClass::PrivateKey
        && !pattern.contains("\\n")
        && !pattern.contains("(?s")
        && !pattern.contains("[\\s\\S]");
    CompiledRule {
        id,
        description,
        regex,
        secret_group,
        key_group,
        entropy,
        class,
        windowed,
    }
}

fn validate_custom(c: &CustomRule) -> Result<(), Error> {
    let bad = |message: &str| Error::BadRule {
        id: if c.id.is_empty() {
            "(no id)".into()
        } else {
            c.id.clone()
        },
        message: message.into(),
    };
    let kebab = !c.id.is_empty()
        && c.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !c.id.starts_with('-')
        && !c.id.ends_with('-');
    if !kebab {
        return Err(bad(
            "the id must be kebab-case (lowercase letters, digits and `-`), e.g. `acme-api-key`",
        ));
    }
    if c.regex.trim().is_empty() {
        return Err(bad(
            "`regex` is empty; give a pattern whose group 1 captures the secret",
        ));
    }
    if c.keywords.iter().any(|k| k.trim().is_empty()) {
        return Err(bad("`keywords` contains an empty string; remove it"));
    }
    if let Some(e) = c.entropy
        && !(0.0..=8.0).contains(&e)
    {
        return Err(bad("`entropy` must be between 0.0 and 8.0 bits per byte"));
    }
    Ok(())
}

/// Up to 400 bytes either side of a match: the few lines a configuration block spans.
/// The user of the connection URI whose password starts at `start`: the text between
/// `://` and the `:` before the password.
fn uri_user(bytes: &[u8], start: usize) -> Option<&[u8]> {
    let colon = start.checked_sub(1).filter(|&i| bytes[i] == b':')?;
    let from = memchr::memmem::rfind(&bytes[colon.saturating_sub(72)..colon], b"://")
        .map(|i| colon.saturating_sub(72) + i + 3)?;
    Some(&bytes[from..colon])
}

/// The whole identifier a rule's key is part of: `SEGMENT_API_KEY` around the `API_KEY`
/// the rule matched.
fn whole_identifier(bytes: &[u8], start: usize, end: usize) -> &[u8] {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let from = bytes[..start]
        .iter()
        .rposition(|b| !ident(b))
        .map_or(0, |i| i + 1);
    let to = bytes[end..]
        .iter()
        .position(|b| !ident(b))
        .map_or(bytes.len(), |i| end + i);
    &bytes[from..to]
}

/// The line that holds `at`.
fn line_of(bytes: &[u8], at: usize) -> &[u8] {
    let from = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let to = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    &bytes[from..to]
}

fn context(bytes: &[u8], start: usize, end: usize) -> &[u8] {
    &bytes[start.saturating_sub(400)..(end + 400).min(bytes.len())]
}

fn allow_comment(bytes: &[u8], start: usize, end: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |p| p + 1);
    let first_end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
    if memchr::memmem::find(&bytes[line_start..first_end], ALLOW_MARKER).is_some() {
        return true;
    }
    if end > first_end {
        let last_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |p| end + p);
        return memchr::memmem::find(&bytes[first_end..last_end], ALLOW_MARKER).is_some();
    }
    false
}

fn count_newlines(bytes: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', bytes).count() as u32
}

pub(crate) fn hex_sha256(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
