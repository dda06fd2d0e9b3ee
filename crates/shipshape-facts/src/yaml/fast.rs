//! A fast reader for the YAML most manifests are written in.
//!
//! Kubernetes manifests, workflows and compose files are overwhelmingly block
//! mappings and sequences of single-line scalars, with small one-line flow
//! collections (`{app: web}`, `[80, 443]`) and literal blocks (`run: |`). This reader
//! takes that subset straight from the lines of the text and feeds the shared
//! [`Builder`]; the moment it meets anything else it gives up (returns `None`) and the
//! caller parses the whole text with the full parser. It never decides an error:
//! invalid YAML always goes to the full parser, which reports it.
//!
//! Given up on: tabs, carriage returns, control characters and byte-order marks;
//! directives, `...` and content after `---`; anchors, aliases and tags; `?` keys;
//! folded (`>`) blocks, block indentation indicators, keep (`|+`) chomping and literal
//! blocks that start with a blank line;
//! multi-line plain or quoted scalars; flow collections spanning lines or holding
//! `:` in plain scalars; escapes other than `\\ \" \n \t \/`; and any indentation the
//! rules below do not expect. Correctness rests on one property, tested against the
//! full parser: when this reader accepts a text, both give the same tree.

use super::{Builder, Yaml};
use std::borrow::Cow;

/// Parse `text`, or `None` when it is outside the subset (or the builder refused it).
pub(super) fn parse(text: &str) -> Option<Vec<Yaml>> {
    if !plain_bytes(text.as_bytes()) {
        return None;
    }
    let mut r = Reader {
        lines: text.split('\n').collect(),
        at: 0,
        b: Builder::new(text.len()),
    };
    r.stream()?;
    Some(r.b.finish())
}

/// No tab, carriage return, other C0 control, DEL, C1 control or U+FEFF: the bytes
/// whose rules this reader does not implement.
fn plain_bytes(b: &[u8]) -> bool {
    // Printable ASCII and newlines (nearly every manifest) settle it in one pass the
    // compiler vectorises; anything else is looked at byte by byte.
    if b.iter().fold(true, |ok, &c| {
        ok & (c == b'\n' || (0x20..0x7f).contains(&c))
    }) {
        return true;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x20 && c != b'\n' || c == 0x7f {
            return false;
        }
        if c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) {
            return false;
        }
        if c == 0xef && b.get(i + 1) == Some(&0xbb) && b.get(i + 2) == Some(&0xbf) {
            return false;
        }
        if c == 0xef && b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) {
            return false;
        }
        i += 1;
    }
    true
}

/// The next line that carries structure.
enum Next {
    /// End of the text.
    End,
    /// A `---` line (optionally followed by a comment).
    Marker(usize),
    /// A content line and its indentation.
    Line(usize, usize),
}

struct Reader<'a> {
    lines: Vec<&'a str>,
    /// The first line not consumed yet.
    at: usize,
    b: Builder,
}

fn indent(line: &str) -> usize {
    line.bytes().take_while(|&c| c == b' ').count()
}

/// Blank, or only a comment.
fn is_blank(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

/// Only spaces and an optional comment (which needs a space before it unless it
/// starts the rest).
fn rest_is_blank(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && (t.len() < rest.len() || rest.starts_with('#')))
}

/// `-` followed by a space or the end of the line.
fn is_dash(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(0)
}

/// Where a comment starts in `s`: the space of its first ` #`.
fn comment_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 1;
    while from < b.len() {
        let hash = from + b[from..].iter().position(|&c| c == b'#')?;
        if b[hash - 1] == b' ' {
            return Some(hash - 1);
        }
        from = hash + 1;
    }
    None
}

/// True when `s` holds `a` directly followed by `b`.
fn has_pair(s: &str, a: u8, b: u8) -> bool {
    s.as_bytes().windows(2).any(|w| w[0] == a && w[1] == b)
}

/// Where a block plain scalar ends: at ` #` or the end of the line; trailing spaces
/// trimmed.
fn plain_end(rest: &str) -> &str {
    let end = comment_at(rest).unwrap_or(rest.len());
    rest[..end].trim_end_matches(' ')
}

/// First bytes that make a plain scalar something else (or that this reader leaves
/// to the full parser).
fn plain_may_start(rest: &str) -> bool {
    let b = rest.as_bytes();
    match b.first() {
        None => false,
        Some(b'-' | b'?' | b':') => b.get(1).is_some_and(|&c| c != b' '),
        Some(
            b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b'['
            | b']' | b'{' | b'}' | b',',
        ) => false,
        Some(_) => true,
    }
}

/// A quoted scalar at the start of `s`: its value and the bytes it spans. Single
/// line only; double-quoted escapes limited to the common ones.
fn quoted(s: &str) -> Option<(Cow<'_, str>, usize)> {
    let b = s.as_bytes();
    let q = *b.first()?;
    let mut out: Option<String> = None;
    let mut i = 1;
    let mut from = 1;
    while i < b.len() {
        let c = b[i];
        if q == b'\'' && c == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                let o = out.get_or_insert_with(String::new);
                o.push_str(&s[from..=i]);
                i += 2;
                from = i;
                continue;
            }
            return Some(finish(s, out, from, i));
        }
        if q == b'"' && c == b'"' {
            return Some(finish(s, out, from, i));
        }
        if q == b'"' && c == b'\\' {
            let unescaped = match b.get(i + 1)? {
                b'\\' => '\\',
                b'"' => '"',
                b'/' => '/',
                b'n' => '\n',
                b't' => '\t',
                _ => return None,
            };
            let o = out.get_or_insert_with(String::new);
            o.push_str(&s[from..i]);
            o.push(unescaped);
            i += 2;
            from = i;
            continue;
        }
        i += 1;
    }
    None
}

fn finish(s: &str, out: Option<String>, from: usize, close: usize) -> (Cow<'_, str>, usize) {
    let value = match out {
        None => Cow::Borrowed(&s[from..close]),
        Some(mut o) => {
            o.push_str(&s[from..close]);
            Cow::Owned(o)
        }
    };
    (value, close + 1)
}

/// A mapping key: its text, whether it was plain (unquoted), and the bytes up to and
/// including its `:`.
type Key<'s> = (Cow<'s, str>, bool, usize);

/// The mapping key at the start of `rest`. `Some(None)` when `rest` is not a key;
/// `None` to give up.
fn key(rest: &str) -> Option<Option<Key<'_>>> {
    if rest.starts_with('"') || rest.starts_with('\'') {
        let (text, used) = quoted(rest)?;
        let after = &rest[used..];
        return Some(if after == ":" || after.starts_with(": ") {
            Some((text, false, used + 1))
        } else if after.trim_start_matches(' ').starts_with(':') {
            return None;
        } else {
            None
        });
    }
    // The first `:` ending the line or followed by a space, before any ` #`.
    let b = rest.as_bytes();
    let mut colon = None;
    for (i, &c) in b.iter().enumerate() {
        if c == b':' && b.get(i + 1).is_none_or(|&n| n == b' ') {
            colon = Some(i);
            break;
        }
        if c == b'#' && i > 0 && b[i - 1] == b' ' {
            break;
        }
    }
    let Some(colon) = colon else {
        return Some(None);
    };
    let text = rest[..colon].trim_end_matches(' ');
    if text.is_empty() || !plain_may_start(text) || text.contains(['#', '[', ']', '{', '}', ',']) {
        return None;
    }
    Some(Some((Cow::Borrowed(text), true, colon + 1)))
}

impl<'a> Reader<'a> {
    /// Skip blank and comment lines; say what comes next.
    fn peek(&mut self) -> Option<Next> {
        while let Some(line) = self.lines.get(self.at) {
            if let Some(after) = line.strip_prefix("---") {
                return if after.is_empty() || (after.starts_with(' ') && rest_is_blank(after)) {
                    Some(Next::Marker(self.at))
                } else {
                    None
                };
            }
            if line.starts_with("...") || line.starts_with('%') {
                return None;
            }
            if is_blank(line) {
                self.at += 1;
                continue;
            }
            return Some(Next::Line(self.at, indent(line)));
        }
        Some(Next::End)
    }

    fn stream(&mut self) -> Option<()> {
        let mut in_doc = false;
        loop {
            match self.peek()? {
                Next::End => {
                    if in_doc {
                        self.b.document_end();
                    }
                    return Some(());
                }
                Next::Marker(i) => {
                    if in_doc {
                        self.b.document_end();
                    }
                    self.b.document_start();
                    in_doc = true;
                    self.at = i + 1;
                }
                Next::Line(i, ind) => {
                    if !in_doc {
                        self.b.document_start();
                        in_doc = true;
                    }
                    self.node(i, ind, -1)?;
                    if let Next::Line(..) = self.peek()? {
                        return None;
                    }
                }
            }
        }
    }

    /// The block node whose text starts at byte `col` of line `i`, inside a parent
    /// collection indented by `parent` (-1 at the top).
    fn node(&mut self, i: usize, col: usize, parent: isize) -> Option<()> {
        let rest = &self.lines[i][col..];
        if is_dash(rest) {
            return self.sequence(i, col);
        }
        if key(rest)?.is_some() {
            return self.mapping(i, col);
        }
        self.inline(i, col, parent)
    }

    /// A block mapping whose first key starts at byte `col` of line `i`.
    fn mapping(&mut self, mut i: usize, col: usize) -> Option<()> {
        self.b.open(false, line_no(i), 0).ok()?;
        loop {
            let rest = &self.lines[i][col..];
            let (text, plain, used) = key(rest)??;
            self.b.scalar(&text, plain, plain, line_no(i), 0).ok()?;
            self.value(i, col + used, col as isize)?;
            match self.peek()? {
                Next::Line(j, m) if m == col && !is_dash(&self.lines[j][m..]) => i = j,
                Next::Line(_, m) if m > col => return None,
                Next::Line(_, m) if m == col => return None,
                _ => break,
            }
        }
        self.b.close(0).ok()
    }

    /// A mapping value: what follows `key:` on line `i` from byte `col`, or the block
    /// on the following lines.
    fn value(&mut self, i: usize, col: usize, indent: isize) -> Option<()> {
        let line = self.lines[i];
        let rest = &line[col..];
        let skipped = rest.len() - rest.trim_start_matches(' ').len();
        if rest_is_blank(rest) {
            self.at = i + 1;
            return match self.peek()? {
                Next::Line(j, m) if m as isize > indent => self.node(j, m, indent),
                Next::Line(j, m) if m as isize == indent && is_dash(&self.lines[j][m..]) => {
                    self.sequence(j, m)
                }
                _ => self.b.scalar("", true, true, line_no(i), 0).ok(),
            };
        }
        self.inline(i, col + skipped, indent)
    }

    /// A block sequence whose first `-` is at byte `col` of line `i`.
    fn sequence(&mut self, mut i: usize, col: usize) -> Option<()> {
        self.b.open(true, line_no(i), 0).ok()?;
        loop {
            let rest = &self.lines[i][col + 1..];
            if rest_is_blank(rest) {
                self.at = i + 1;
                match self.peek()? {
                    Next::Line(j, m) if m > col => self.node(j, m, col as isize)?,
                    _ => self.b.scalar("", true, true, line_no(i), 0).ok()?,
                }
            } else {
                let skipped = rest.len() - rest.trim_start_matches(' ').len();
                self.node(i, col + 1 + skipped, col as isize)?;
            }
            match self.peek()? {
                Next::Line(j, m) if m == col && is_dash(&self.lines[j][m..]) => i = j,
                Next::Line(_, m) if m > col => return None,
                _ => break,
            }
        }
        self.b.close(0).ok()
    }

    /// A node that starts mid-line: a flow collection, a quoted or plain scalar, or a
    /// literal block. Consumes its line (and a literal block's lines).
    fn inline(&mut self, i: usize, col: usize, parent: isize) -> Option<()> {
        let line = self.lines[i];
        let rest = &line[col..];
        let after = match rest.as_bytes().first()? {
            b'|' => return self.literal(i, col, parent),
            b'{' | b'[' => {
                let used = self.flow(i, rest)?;
                &rest[used..]
            }
            b'"' | b'\'' => {
                let (text, used) = quoted(rest)?;
                self.b.scalar(&text, false, false, line_no(i), 0).ok()?;
                &rest[used..]
            }
            _ => {
                if !plain_may_start(rest) {
                    return None;
                }
                let text = plain_end(rest);
                if has_pair(text, b':', b' ') || text.ends_with(':') || has_pair(text, b' ', b'#') {
                    return None;
                }
                self.b.scalar(text, true, true, line_no(i), 0).ok()?;
                ""
            }
        };
        if !rest_is_blank(after) || (after.starts_with('#')) {
            return None;
        }
        self.at = i + 1;
        // A more indented line would continue this scalar (or be an error).
        match self.peek()? {
            Next::Line(_, m) if m as isize > parent => None,
            _ => Some(()),
        }
    }

    /// A one-line flow collection at the start of `s`; returns the bytes it spans.
    fn flow(&mut self, i: usize, s: &str) -> Option<usize> {
        let b = s.as_bytes();
        let map = b[0] == b'{';
        let close = if map { b'}' } else { b']' };
        self.b.open(!map, line_no(i), 0).ok()?;
        let mut p = 1;
        let skip = |p: &mut usize| {
            while b.get(*p) == Some(&b' ') {
                *p += 1;
            }
        };
        skip(&mut p);
        if b.get(p) == Some(&close) {
            self.b.close(0).ok()?;
            return Some(p + 1);
        }
        loop {
            if map {
                p += self.flow_scalar(i, &s[p..], true)?;
                if b.get(p) != Some(&b':') || b.get(p + 1) != Some(&b' ') {
                    return None;
                }
                p += 2;
                skip(&mut p);
            }
            p += match b.get(p)? {
                b'{' | b'[' => self.flow(i, &s[p..])?,
                _ => self.flow_scalar(i, &s[p..], false)?,
            };
            skip(&mut p);
            match b.get(p)? {
                b',' => {
                    p += 1;
                    skip(&mut p);
                    if b.get(p) == Some(&close) {
                        return None;
                    }
                }
                &c if c == close => {
                    self.b.close(0).ok()?;
                    return Some(p + 1);
                }
                _ => return None,
            }
        }
    }

    /// A quoted or plain scalar inside a flow collection; returns the bytes it spans
    /// (for a key, up to the `:`).
    fn flow_scalar(&mut self, i: usize, s: &str, is_key: bool) -> Option<usize> {
        if s.starts_with('"') || s.starts_with('\'') {
            let (text, used) = quoted(s)?;
            self.b.scalar(&text, false, false, line_no(i), 0).ok()?;
            return Some(used);
        }
        if !plain_may_start(s) {
            return None;
        }
        let end = s
            .find([',', '[', ']', '{', '}', ':', '#'])
            .unwrap_or(s.len());
        let text = s[..end].trim_end_matches(' ');
        if text.is_empty() {
            return None;
        }
        // A `:` ends a key; in a value (or a `#`, or `a:b`) it is left to the full parser.
        match s.as_bytes().get(end) {
            Some(b':') if is_key && text.len() == end => {}
            Some(b':' | b'#') => return None,
            _ => {}
        }
        self.b.scalar(text, true, true, line_no(i), 0).ok()?;
        Some(end)
    }

    /// A literal block (`|` or `|-`) whose indicator is at byte `col` of line `i`.
    fn literal(&mut self, i: usize, col: usize, parent: isize) -> Option<()> {
        let header = &self.lines[i][col + 1..];
        let (strip, header) = match header.strip_prefix('-') {
            Some(h) => (true, h),
            None => (false, header),
        };
        if !(header.is_empty() || header.starts_with(' ') && rest_is_blank(header)) {
            return None;
        }
        let mut j = i + 1;
        // The content's indentation: that of its first non-blank line.
        let mut content = None;
        while let Some(line) = self.lines.get(j) {
            if line.bytes().all(|c| c == b' ') {
                j += 1;
                continue;
            }
            content = Some(indent(line));
            break;
        }
        // Leading blank lines: the full parser's line for the node is not settled there.
        let content = content.filter(|&m| m as isize > parent && m > 0 && j == i + 1)?;
        let mut text = String::new();
        let mut j = i + 1;
        let mut pending_blank = 0usize;
        while let Some(line) = self.lines.get(j) {
            if line.bytes().all(|c| c == b' ') {
                if line.len() > content {
                    return None;
                }
                pending_blank += 1;
            } else if indent(line) >= content {
                for _ in 0..pending_blank {
                    text.push('\n');
                }
                pending_blank = 0;
                text.push_str(&line[content..]);
                text.push('\n');
            } else {
                break;
            }
            j += 1;
        }
        // A block running to the end of a text without a final newline keeps no
        // newline the full parser would add: leave that edge to it.
        if j == self.lines.len() && !self.lines.last().is_some_and(|l| l.is_empty()) {
            return None;
        }
        if strip {
            text.pop();
        }
        // The full parser places a block scalar on its first content line.
        self.b.scalar(&text, false, false, line_no(i + 1), 0).ok()?;
        self.at = j;
        match self.peek()? {
            Next::Line(_, m) if m as isize > parent => None,
            _ => Some(()),
        }
    }
}
