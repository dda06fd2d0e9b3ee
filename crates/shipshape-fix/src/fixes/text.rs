//! Line-level helpers for the fixes that edit YAML and Dockerfiles in place: every edit
//! is an insertion or a replacement at a byte offset, so the rest of the file (comments,
//! order, quoting, line ends) stays byte for byte.

/// The lines of `text`, without their line ends, with the byte offset each starts at.
pub(crate) fn lines_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        out.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    out
}

/// The number of leading spaces.
pub(crate) fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line with nothing but blanks or a comment.
pub(crate) fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The column of the first key of a mapping that starts on `line` (after any `- ` item
/// markers), and whether the mapping is written in flow style (`- {name: a}`).
pub(crate) fn first_key(line: &str) -> (usize, bool) {
    let mut col = indent_of(line);
    let mut rest = &line[col..];
    while let Some(r) = rest.strip_prefix('-') {
        let r2 = r.trim_start_matches(' ');
        col += 1 + (r.len() - r2.len());
        rest = r2;
    }
    (col, rest.starts_with('{'))
}

/// The column at which `key:` starts on `line` (after the indentation and a `- ` item
/// marker), when the line holds that key.
pub(crate) fn key_column(line: &str, key: &str) -> Option<usize> {
    let (col, _) = first_key(line);
    let after = line[col..].strip_prefix(key)?.strip_prefix(':')?;
    (after.is_empty() || after.starts_with(' ')).then_some(col)
}

/// Each line of `block` indented by `indent` spaces, each ending in a newline.
pub(crate) fn indented(block: &str, indent: usize) -> String {
    block
        .lines()
        .map(|l| format!("{}{l}\n", " ".repeat(indent)))
        .collect()
}

/// Where new keys of the mapping whose first key is on line index `first` (column
/// `key_col`) go: after its last content line. Returns the byte offset and the text to
/// put first (a newline when the file's last line has none).
pub(crate) fn end_of_mapping(
    text: &str,
    lines: &[(usize, &str)],
    first: usize,
    key_col: usize,
) -> (usize, usize, &'static str) {
    let end = (first + 1..lines.len())
        .find(|&i| !is_blank_or_comment(lines[i].1) && indent_of(lines[i].1) < key_col)
        .unwrap_or(lines.len());
    let last = (first..end)
        .rev()
        .find(|&i| !is_blank_or_comment(lines[i].1))
        .unwrap_or(first);
    let (at, lead) = after_line(text, lines[last]);
    (end, at, lead)
}

/// Where text inserted after the line `(offset, content)` of `text` goes: past its line
/// ending, and the text to put first (a newline when the file's last line has none).
pub(crate) fn after_line(text: &str, (off, l): (usize, &str)) -> (usize, &'static str) {
    let eol = off + l.len();
    if text[eol..].starts_with("\r\n") {
        (eol + 2, "")
    } else if text[eol..].starts_with('\n') {
        (eol + 1, "")
    } else {
        (eol, "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_columns_and_mapping_ends() {
        assert_eq!(first_key("      - name: a"), (8, false));
        assert_eq!(first_key("  - - {a: b}"), (6, true));
        assert_eq!(key_column("      - run: |", "run"), Some(8));
        assert_eq!(key_column("        runs-on: x", "run"), None);
        let text = "a:\n  - name: x\n    image: y\n\n  # next\n  - name: z\n";
        let lines = lines_with_offsets(text);
        let (end, at, lead) = end_of_mapping(text, &lines, 1, 4);
        assert_eq!((end, &text[at..at + 4], lead), (5, "\n  #", ""));
    }
}
