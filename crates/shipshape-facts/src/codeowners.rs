//! The repository's CODEOWNERS file, parsed once per scan (GitHub and GitLab syntax).

/// Where GitHub and GitLab look for CODEOWNERS, in their order.
pub const LOCATIONS: &[&str] = &[
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// One CODEOWNERS rule: `(line, pattern, owners)`.
pub type Rule = (u32, String, Vec<String>);

/// The parsed file: its path, its rules and its malformed lines `(line, message)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeOwners {
    pub path: &'static str,
    pub rules: Vec<Rule>,
    pub bad: Vec<(u32, String)>,
}

impl CodeOwners {
    /// The rule GitHub applies to the directory `dir` (`.` for the repository root): the
    /// last one whose pattern covers it ([`covers_dir`]).
    pub fn rule_for_dir(&self, dir: &str) -> Option<&Rule> {
        self.rules.iter().rev().find(|(_, p, _)| covers_dir(p, dir))
    }
}

/// True when the CODEOWNERS `pattern` covers the whole directory `dir`: a catch-all
/// (`*`, `/*`, `**`, `/`), or, below the root, the directory itself or one above it
/// (`/services/api/`, `services/**`).
pub fn covers_dir(pattern: &str, dir: &str) -> bool {
    let p = pattern
        .trim_start_matches('/')
        .trim_end_matches("/**")
        .trim_end_matches('/');
    matches!(pattern, "*" | "/*" | "**" | "/**" | "/")
        || (!dir.is_empty() && dir != "." && (dir == p || dir.starts_with(&format!("{p}/"))))
}

/// Parsed CODEOWNERS rules, and malformed lines `(line, message)`.
pub fn parse(text: &str) -> (Vec<Rule>, Vec<(u32, String)>) {
    let mut rules = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        let n = i as u32 + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // GitLab sections: `[Name]`, `^[Optional]`, `[Name][2]`, optionally with default owners.
        if line.starts_with('[') || line.starts_with("^[") {
            continue;
        }
        let mut parts = line.split_whitespace();
        let pattern = parts.next().unwrap_or_default().to_string();
        let owners: Vec<String> = parts.map(str::to_string).collect();
        let valid_owner = |o: &String| {
            (o.starts_with('@') && o.len() > 1 && !o.ends_with('/'))
                || (o.contains('@') && o.contains('.'))
        };
        // A pattern with no owners is valid: it takes ownership away from the paths it
        // matches (GitHub's documented way to let sub-maintainers merge, grafana/loki's
        // `CHANGELOG.md`), so it is a rule like any other.
        if let Some(o) = owners.iter().find(|o| !valid_owner(o)) {
            bad.push((
                n,
                format!("`{o}` is not an owner (use @user, @org/team or an e-mail)"),
            ));
        } else {
            rules.push((n, pattern, owners));
        }
    }
    (rules, bad)
}
