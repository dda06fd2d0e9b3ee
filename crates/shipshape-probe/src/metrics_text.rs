//! A strict parser for the Prometheus text format 0.0.4 and OpenMetrics text 1.0,
//! enough to lint an exposition the way promtool does: syntax, duplicate series,
//! histogram bucket consistency and the OpenMetrics `# EOF` terminator.
//! It never panics on arbitrary input; every problem becomes a message with a line number.

use std::collections::{BTreeMap, HashMap, HashSet};

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    /// Sorted by label name.
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub line: u32,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `name{a="b"}`, the series identity.
    pub fn series_key(&self) -> String {
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        format!("{}{{{}}}", self.name, labels.join(","))
    }
}

/// A metric family: its metadata and samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Family {
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `untyped`/`unknown`, … (`None` when no TYPE line).
    pub kind: Option<String>,
    pub help: Option<String>,
    pub samples: Vec<Sample>,
}

/// A parsed exposition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exposition {
    pub openmetrics: bool,
    pub families: Vec<Family>,
    /// Strict-parse problems, each naming its line.
    pub errors: Vec<String>,
}

impl Exposition {
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// Every series identity.
    pub fn series(&self) -> HashSet<String> {
        self.families
            .iter()
            .flat_map(|f| f.samples.iter().map(Sample::series_key))
            .collect()
    }

    pub fn sample_count(&self) -> usize {
        self.families.iter().map(|f| f.samples.len()).sum()
    }
}

fn valid_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        "NaN" | "nan" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// Parse a sample line: `name{labels} value [timestamp]`.
fn parse_sample(line: &str, lineno: u32) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    if !valid_metric_name(name) {
        return Err(format!(
            "line {lineno}: invalid metric name `{}`",
            truncate(name, 60)
        ));
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let mut chars = after.char_indices().peekable();
        let mut consumed = None;
        loop {
            // skip whitespace and commas
            while let Some(&(_, c)) = chars.peek() {
                if c == ' ' || c == ',' {
                    chars.next();
                } else {
                    break;
                }
            }
            match chars.peek() {
                Some(&(i, '}')) => {
                    consumed = Some(i + 1);
                    break;
                }
                None => break,
                _ => {}
            }
            let mut lname = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c == '=' {
                    break;
                }
                lname.push(c);
                chars.next();
            }
            if chars.next().map(|(_, c)| c) != Some('=') || !valid_label_name(lname.trim()) {
                return Err(format!(
                    "line {lineno}: invalid label `{}`",
                    truncate(&lname, 60)
                ));
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return Err(format!(
                    "line {lineno}: label value of `{lname}` is not quoted"
                ));
            }
            let mut value = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => match chars.next().map(|(_, c)| c) {
                        Some('n') => value.push('\n'),
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        _ => {
                            return Err(format!(
                                "line {lineno}: invalid escape in label `{lname}`"
                            ));
                        }
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(format!(
                    "line {lineno}: unterminated label value of `{lname}`"
                ));
            }
            let lname = lname.trim().to_string();
            if labels.iter().any(|(k, _): &(String, String)| *k == lname) {
                return Err(format!("line {lineno}: label `{lname}` repeated"));
            }
            labels.push((lname, value));
        }
        let Some(end) = consumed else {
            return Err(format!("line {lineno}: unclosed `{{`"));
        };
        rest = &after[end..];
    }
    let mut parts = rest.split_whitespace();
    let value_txt = parts
        .next()
        .ok_or_else(|| format!("line {lineno}: `{name}` has no value"))?;
    let value = parse_value(value_txt).ok_or_else(|| {
        format!(
            "line {lineno}: `{}` is not a number",
            truncate(value_txt, 40)
        )
    })?;
    if let Some(ts) = parts.next()
        && ts.parse::<f64>().is_err()
    {
        return Err(format!(
            "line {lineno}: timestamp `{}` is not a number",
            truncate(ts, 40)
        ));
    }
    if parts.next().is_some() {
        return Err(format!("line {lineno}: unexpected text after the value"));
    }
    labels.sort();
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
        line: lineno,
    })
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

const SUFFIXES: &[&str] = &[
    "_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info",
];

/// Parse an exposition. `openmetrics` selects the OpenMetrics rules (`# EOF` required).
pub fn parse(text: &str, openmetrics: bool) -> Exposition {
    let mut exp = Exposition {
        openmetrics,
        ..Exposition::default()
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen_series: HashSet<String> = HashSet::new();
    let mut saw_eof = false;
    let family_idx =
        |exp: &mut Exposition, index: &mut HashMap<String, usize>, name: &str| -> usize {
            if let Some(i) = index.get(name) {
                return *i;
            }
            exp.families.push(Family {
                name: name.to_string(),
                ..Family::default()
            });
            index.insert(name.to_string(), exp.families.len() - 1);
            exp.families.len() - 1
        };
    for (i, raw) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if saw_eof {
            if !line.trim().is_empty() {
                exp.errors
                    .push(format!("line {lineno}: content after `# EOF`"));
            }
            continue;
        }
        if line.trim().is_empty() {
            if openmetrics {
                exp.errors.push(format!(
                    "line {lineno}: empty line (not allowed in OpenMetrics)"
                ));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if comment == "EOF" {
                saw_eof = true;
                continue;
            }
            let mut words = comment.splitn(3, ' ');
            let kw = words.next().unwrap_or("");
            if !matches!(kw, "HELP" | "TYPE" | "UNIT") {
                continue; // a plain comment
            }
            let Some(name) = words.next().filter(|n| valid_metric_name(n)) else {
                exp.errors.push(format!(
                    "line {lineno}: `# {kw}` without a valid metric name"
                ));
                continue;
            };
            let arg = words.next().unwrap_or("").trim().to_string();
            let fi = family_idx(&mut exp, &mut index, name);
            let fam = &mut exp.families[fi];
            match kw {
                "HELP" => {
                    if fam.help.is_some() {
                        exp.errors
                            .push(format!("line {lineno}: second HELP for `{name}`"));
                    }
                    fam.help = Some(arg);
                }
                "TYPE" => {
                    let known = [
                        "counter",
                        "gauge",
                        "histogram",
                        "summary",
                        "untyped",
                        "unknown",
                        "info",
                        "stateset",
                        "gaugehistogram",
                    ];
                    if !known.contains(&arg.as_str()) {
                        exp.errors.push(format!(
                            "line {lineno}: unknown type `{}` for `{name}`",
                            truncate(&arg, 30)
                        ));
                    } else if fam.kind.is_some() {
                        exp.errors
                            .push(format!("line {lineno}: second TYPE for `{name}`"));
                    } else if !fam.samples.is_empty() {
                        exp.errors.push(format!(
                            "line {lineno}: TYPE for `{name}` after its samples"
                        ));
                    }
                    fam.kind = Some(arg);
                }
                _ => {}
            }
            continue;
        }
        let sample = match parse_sample(line, lineno) {
            Ok(s) => s,
            Err(e) => {
                exp.errors.push(e);
                continue;
            }
        };
        let key = sample.series_key();
        if !seen_series.insert(key.clone()) {
            exp.errors.push(format!(
                "line {lineno}: duplicate series `{}`",
                truncate(&key, 120)
            ));
        }
        // Attach to the family declared by TYPE (name minus a known suffix), else its own name.
        let fam_name = SUFFIXES
            .iter()
            .filter_map(|s| sample.name.strip_suffix(s))
            .find(|base| {
                index
                    .get(*base)
                    .is_some_and(|&i| exp.families[i].kind.is_some())
            })
            .map(str::to_string)
            .unwrap_or_else(|| sample.name.clone());
        let fi = family_idx(&mut exp, &mut index, &fam_name);
        exp.families[fi].samples.push(sample);
    }
    if openmetrics && !saw_eof {
        exp.errors
            .push("OpenMetrics exposition does not end with `# EOF`".to_string());
    }
    for fam in &exp.families {
        if fam.kind.as_deref() == Some("histogram") {
            check_histogram(fam, &mut exp.errors);
        }
    }
    exp
}

fn check_histogram(fam: &Family, errors: &mut Vec<String>) {
    // Group buckets by label set without `le`.
    let mut groups: BTreeMap<String, Vec<(f64, f64, u32)>> = BTreeMap::new();
    let mut counts: HashMap<String, f64> = HashMap::new();
    let bucket_name = format!("{}_bucket", fam.name);
    let count_name = format!("{}_count", fam.name);
    let key_without_le = |s: &Sample| {
        s.labels
            .iter()
            .filter(|(k, _)| k != "le")
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    for s in &fam.samples {
        if s.name == bucket_name {
            let Some(le) = s.label("le").and_then(parse_value) else {
                errors.push(format!(
                    "line {}: bucket of `{}` without a numeric `le`",
                    s.line, fam.name
                ));
                continue;
            };
            groups
                .entry(key_without_le(s))
                .or_default()
                .push((le, s.value, s.line));
        } else if s.name == count_name {
            counts.insert(key_without_le(s), s.value);
        }
    }
    for (key, mut buckets) in groups {
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in buckets.windows(2) {
            if w[1].1 < w[0].1 {
                errors.push(format!(
                    "line {}: buckets of `{}{{{key}}}` are not cumulative (le={} has {} < {})",
                    w[1].2, fam.name, w[1].0, w[1].1, w[0].1
                ));
            }
        }
        match buckets.last() {
            Some(&(le, v, line)) if le == f64::INFINITY => {
                if let Some(&c) = counts.get(&key)
                    && c != v
                {
                    errors.push(format!(
                        "line {line}: `{}{{{key}}}` has +Inf bucket {v} but _count {c}",
                        fam.name
                    ));
                }
            }
            _ => errors.push(format!(
                "histogram `{}{{{key}}}` has no +Inf bucket",
                fam.name
            )),
        }
    }
}

/// promtool-style naming lints: one message per problem.
pub fn lint(exp: &Exposition) -> Vec<String> {
    let mut out = Vec::new();
    for fam in &exp.families {
        let n = &fam.name;
        if fam.samples.is_empty() && fam.kind.is_none() {
            continue;
        }
        if fam.help.is_none() {
            out.push(format!("`{n}`: no HELP text"));
        }
        if n.chars().any(|c| c.is_ascii_uppercase()) {
            out.push(format!(
                "`{n}`: metric names should be snake_case, not camelCase"
            ));
        }
        let kind = fam.kind.as_deref().unwrap_or("untyped");
        let counter_name_total = fam.samples.iter().any(|s| s.name.ends_with("_total"));
        if kind == "counter" && !exp.openmetrics && !counter_name_total && !fam.samples.is_empty() {
            out.push(format!(
                "`{n}`: counter metrics should have the `_total` suffix"
            ));
        }
        if kind != "counter" && kind != "untyped" && n.ends_with("_total") {
            out.push(format!(
                "`{n}`: non-counter metrics should not have the `_total` suffix"
            ));
        }
        for (bad, base) in [
            ("_milliseconds", "seconds"),
            ("_ms", "seconds"),
            ("_microseconds", "seconds"),
            ("_nanoseconds", "seconds"),
            ("_minutes", "seconds"),
            ("_hours", "seconds"),
            ("_kilobytes", "bytes"),
            ("_megabytes", "bytes"),
            ("_percent", "ratio"),
        ] {
            let stem = n.strip_suffix("_total").unwrap_or(n);
            if stem.ends_with(bad) || stem.contains(&format!("{bad}_")) {
                out.push(format!(
                    "`{n}`: use base unit `{base}` instead of `{}`",
                    &bad[1..]
                ));
            }
        }
        let mut seen_labels = HashSet::new();
        for s in &fam.samples {
            for (k, _) in &s.labels {
                if k.chars().any(|c| c.is_ascii_uppercase()) && seen_labels.insert(k.clone()) {
                    out.push(format!("`{n}`: label `{k}` should be snake_case"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",status=\"200\"} 3\n# HELP http_request_duration_seconds Latency.\n# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le=\"0.1\"} 2\nhttp_request_duration_seconds_bucket{le=\"+Inf\"} 3\nhttp_request_duration_seconds_sum 0.2\nhttp_request_duration_seconds_count 3\n";

    #[test]
    fn good_exposition_parses_clean() {
        let e = parse(GOOD, false);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(e.families.len(), 2);
        assert_eq!(
            e.family("http_request_duration_seconds")
                .unwrap()
                .samples
                .len(),
            4
        );
        assert!(lint(&e).is_empty(), "{:?}", lint(&e));
        assert_eq!(
            e.family("http_requests_total").unwrap().samples[0].label("status"),
            Some("200")
        );
    }

    #[test]
    fn finds_each_kind_of_error() {
        let bad = "a{x=\"1\"} 1\na{x=\"1\"} 2\nb{le=1} 3\nc 1 2 3\n# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_count 9\nd{x=\"unterminated} 1\n";
        let e = parse(bad, false);
        let all = e.errors.join("\n");
        for want in [
            "duplicate series",
            "not quoted",
            "unexpected text",
            "not cumulative",
            "_count 9",
            "unterminated",
        ] {
            assert!(all.contains(want), "missing {want}: {all}");
        }
        let om = parse("x_total 1\n", true);
        assert!(om.errors.iter().any(|e| e.contains("# EOF")));
    }

    #[test]
    fn lints_units_and_suffixes() {
        let e = parse(
            "# TYPE reqLatency_ms gauge\nreqLatency_ms 1\n# TYPE hits counter\nhits 1\n",
            false,
        );
        let l = lint(&e).join("\n");
        assert!(
            l.contains("snake_case")
                && l.contains("base unit")
                && l.contains("_total")
                && l.contains("HELP"),
            "{l}"
        );
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        for s in [
            "{",
            "a{",
            "a{b",
            "a{b=",
            "a{b=\"",
            "a{b=\"\\",
            "# TYPE",
            "# HELP ",
            "\u{0}\u{ff}",
            "a{}} 1",
            "é 1",
        ] {
            let _ = parse(s, true);
            let _ = parse(s, false);
        }
    }
}
