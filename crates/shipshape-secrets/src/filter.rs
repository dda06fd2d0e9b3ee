//! False-positive control: decides whether a candidate match is a placeholder, an example,
//! a documentation key, a reference to a variable, a hash or an identifier rather than a
//! secret.
//!
//! Pure functions of the candidate's bytes, its line and its rule class; no I/O. Checks
//! that need the shape of the value (entropy, character classes, hashes, UUIDs) apply only
//! to the generic rules, because a token with a distinctive prefix is a secret whatever
//! its alphabet.

use crate::rules::RuleClass;

/// Keys published in vendor documentation; never real credentials.
const DOCUMENTATION_KEYS: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_51H5",
    "rk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "whsec_test_secret",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "xoxb-not-a-real-token-this-will-not-work",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "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",
];

/// Words that mark a value as a stand-in; matched case-insensitively inside short values.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "dummy",
    "redacted",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpass",
    "xxxx",
    "sample",
    "fake",
    "insert",
    "replace",
    "notreal",
    "not_real",
    "not-a-real",
    "foobar",
    "lorem",
    "<",
    ">",
    "****",
    "....",
    "${",
    "{{",
    "%(",
];

/// Default or demo passwords that appear in compose files and tutorials.
const DEFAULT_PASSWORDS: &[&str] = &[
    "password",
    "passw0rd",
    "pass",
    "secret",
    "root",
    "admin",
    "postgres",
    "mysql",
    "guest",
    "test",
    "testing",
    "user",
    "pwd",
    "changeme",
    "example",
    "redis",
    "mongo",
    "rabbitmq",
    "default",
    "letmein",
    "qwerty",
    "toor",
    "dev",
    "development",
    "local",
    "localhost",
];

/// Key-name fragments that say the value is not itself a secret.
const NON_SECRET_KEY_PARTS: &[&str] = &[
    "_name",
    "-name",
    ".name",
    "name",
    "_id",
    "-id",
    "_url",
    "-url",
    "_uri",
    "_path",
    "_file",
    "_type",
    "_length",
    "_len",
    "_size",
    "_count",
    "_header",
    "_env",
    "_var",
    "_field",
    "_ttl",
    "_expir",
    "_endpoint",
    "_hash",
    "hash",
    "sha",
    "digest",
    "checksum",
    "_policy",
    "_format",
    "_prefix",
    "_regex",
    "_pattern",
    "_mode",
    "_version",
    "_provider",
    "_key_id",
    "_ref",
    "_label",
    "_method",
    "_timeout",
    "_dir",
    "_template",
    "_manager",
    "_store",
    "_rotation",
    "_limit",
    "_enabled",
    "_required",
    "_min",
    "_max",
    "tokenizer",
    "_class",
    "_param",
    "_placeholder",
    "_hint",
    "_description",
    "_title",
    "_input",
    "_column",
    "selector",
    "_subject",
    "_message",
    "_msg",
    "_text",
    "_caption",
    "_prompt",
    "_error",
    "_procedure",
    "_claim",
    "_route",
    "_algorithm",
    "_algo",
    "_alg",
    "_cipher",
    "_scheme",
];

/// A key name in snake case, lower-cased: `defaultSecretHeader` → `default_secret_header`,
/// `SecretHeader` → `secret_header`, `API_KEY` → `api_key`, so that the suffixes of
/// [`NON_SECRET_KEY_PARTS`] read camel-case names as they read snake-case ones (listmonk's
/// `defaultSecretHeader = "X-Listmonk-Webhook-Secret"` names a header, not a secret).
fn snake_key(key: &[u8]) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, &b) in key.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| key[j]);
        if b.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(char::from(b.to_ascii_lowercase()));
    }
    out
}

/// Words that stand-in passwords are made of (`mypassword`, `supersecret`,
/// `secretpassword123`, `testpass`): a value built only of these, digits and punctuation
/// was written to be replaced.
const STAND_IN_WORDS: &[&str] = &[
    "my", "your", "super", "secret", "secrets", "password", "passwd", "pass", "pwd", "admin",
    "root", "test", "user", "username", "default", "change", "me", "it", "dev", "local", "demo",
    "db", "app", "example", "sample", "dummy", "foo", "bar", "baz", "qwerty", "letmein", "hello",
    "world", "the", "key", "token", "api", "postgres", "mysql", "redis", "mongo", "guest", "new",
    "strong", "very", "long", "top",
];

/// True when the letters of `lower` (digits and punctuation skipped) split entirely into
/// [`STAND_IN_WORDS`]: `mypassword`, `supersecretpassword`, `Password123!`.
fn is_stand_in(lower: &str) -> bool {
    is_stand_in_with(lower, &[])
}

/// [`is_stand_in`] with `extra` words allowed too (a connection URI's user name's words:
/// `powersync_storage:powersync_password`, wger's default `PS_STORAGE_PG_URI`).
fn is_stand_in_with(lower: &str, extra: &[&[u8]]) -> bool {
    let letters: Vec<u8> = lower.bytes().filter(u8::is_ascii_lowercase).collect();
    if letters.is_empty() || letters.len() > 40 {
        return false;
    }
    // reach[i]: the first i letters split into words.
    let mut reach = vec![false; letters.len() + 1];
    reach[0] = true;
    for i in 0..letters.len() {
        if !reach[i] {
            continue;
        }
        for w in STAND_IN_WORDS
            .iter()
            .map(|w| w.as_bytes())
            .chain(extra.iter().copied())
        {
            if !w.is_empty() && letters[i..].starts_with(w) {
                reach[i + w.len()] = true;
            }
        }
    }
    reach[letters.len()]
}

/// Shannon entropy of `bytes` in bits per byte.
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Why a candidate was dropped; `None` when it stands as a secret. `key` is the name the
/// value was assigned to (generic rules), `next` the byte after the value.
pub fn decoy_reason(
    class: RuleClass,
    secret: &[u8],
    key: Option<&[u8]>,
    next: Option<u8>,
) -> Option<&'static str> {
    let text = String::from_utf8_lossy(secret);
    if DOCUMENTATION_KEYS.iter().any(|k| text.contains(k)) {
        return Some("documentation key");
    }
    let lower = text.to_ascii_lowercase();
    match class {
        RuleClass::PrivateKey => {
            if distinct_bytes(secret) < 16 || lower.contains("...") {
                return Some("placeholder key body");
            }
            None
        }
        RuleClass::UriPassword => {
            // `postgres://saleor:saleor@…`, `mysql://bookstack-test:bookstack-test@db/…`:
            // the password repeats the user, as in the default of a bundled database.
            // `saleor_read_only:saleor`: or one of the user's words.
            if key.is_some_and(|user| {
                user.eq_ignore_ascii_case(secret)
                    || user
                        .split(|b| matches!(b, b'_' | b'-' | b'.'))
                        .any(|w| w.len() >= 3 && w.eq_ignore_ascii_case(secret))
            }) {
                return Some("default password (the user's name)");
            }
            // `powersync_storage:powersync_password`: the user's words and stand-in words.
            let user_words: Vec<Vec<u8>> = key
                .map(|user| {
                    user.split(|b| !b.is_ascii_alphabetic())
                        .filter(|w| w.len() >= 3)
                        .map(|w| w.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            let user_words: Vec<&[u8]> = user_words.iter().map(Vec::as_slice).collect();
            if !user_words.is_empty() && is_stand_in_with(&lower, &user_words) {
                return Some("default password (the user's name and stand-in words)");
            }
            if DEFAULT_PASSWORDS.contains(&lower.as_str())
                || is_stand_in(&lower)
                || is_placeholder(&lower)
                || lower.starts_with('$')
                || lower.starts_with("%(")
                || lower.starts_with("%{")
                || is_repetitive(secret)
            {
                return Some("placeholder or default password");
            }
            None
        }
        RuleClass::Token => {
            if is_placeholder(&lower) || is_repetitive(secret) || has_sequence(secret) {
                return Some("placeholder");
            }
            if encodes_prose(secret) {
                return Some("made-up token: its body is base64 of plain text");
            }
            if jwt_expired(secret, now_unix()) {
                return Some("expired JSON Web Token (its `exp` has passed)");
            }
            None
        }
        RuleClass::Generic => {
            if is_placeholder(&lower) || is_repetitive(secret) || has_sequence(secret) {
                return Some("placeholder");
            }
            if is_stand_in(&lower) {
                return Some("stand-in password made of words");
            }
            if let Some(key) = key {
                let key = snake_key(key);
                if NON_SECRET_KEY_PARTS.iter().any(|p| key.ends_with(p))
                    || [
                        "hash",
                        "sha",
                        "digest",
                        "checksum",
                        "integrity",
                        "tokenizer",
                    ]
                    .iter()
                    .any(|p| key.contains(p))
                {
                    return Some("key names a non-secret value");
                }
            }
            if matches!(next, Some(b'(' | b'[')) {
                return Some("function call or expression");
            }
            generic_value_reason(&text)
        }
    }
}

/// Why a generic match is public by what surrounds it; `before_key` is the byte before
/// the key name (a letter there means the rule matched the end of a longer name, such
/// as `admin_api_key`), `around` the text a few lines either side of the value.
///
/// Algolia DocSearch (and Docusaurus's `algolia` theme setting) is configured with an
/// `apiKey` next to an `indexName`: that key is the search-only key Algolia issues for
/// embedding in public web pages, so documentation sites commit it on purpose. The
/// admin key is never configured that way.
///
/// Analytics products give each client a write key meant to ship inside it (Segment's
/// write key, Mixpanel's project token, Amplitude's and PostHog's API keys): meilisearch
/// embeds `SEGMENT_API_KEY` on purpose. `identifier` is the whole name the key is part of.
///
/// A value on a line that also opens a Markdown code fence is an example inside
/// documentation text (meilisearch's OpenAPI description: "```js … apiKey: '6436…'").
pub fn public_by_context(
    class: RuleClass,
    key: Option<&[u8]>,
    before_key: Option<u8>,
    identifier: Option<&[u8]>,
    around: &[u8],
    line: &[u8],
) -> Option<&'static str> {
    // `quay.io/observatorium/token-refresher:master-2024…`: the "key" is a segment of a
    // path, URL or image name, not a name something is assigned to.
    if class == RuleClass::Generic && before_key == Some(b'/') {
        return Some("part of a path, URL or image name");
    }
    if class == RuleClass::Generic && memchr::memmem::find(line, b"```").is_some() {
        return Some("example in documentation text");
    }
    if class == RuleClass::Generic
        && let Some(name) = identifier
    {
        let name = snake_key(name);
        let analytics = ["segment", "mixpanel", "amplitude", "posthog", "rudderstack"]
            .iter()
            .any(|p| name.split('_').any(|w| w == *p));
        let client_key = ["write_key", "api_key", "token", "project_key"]
            .iter()
            .any(|k| name.ends_with(k));
        if analytics && client_key {
            return Some("analytics write key, public by design");
        }
    }
    if class != RuleClass::Generic
        || before_key.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return None;
    }
    let key = key?;
    let key: Vec<u8> = key
        .iter()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect();
    let search_key = matches!(key.as_slice(), b"apikey" | b"searchapikey" | b"searchkey");
    let has = |needle: &[u8]| {
        around
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    (search_key
        && (has(b"docsearch") || has(b"algolia"))
        && (has(b"indexname") || has(b"index_name")))
    .then_some("public search-only key (Algolia DocSearch configuration)")
}

/// Why a generic match is code rather than an assignment of a literal, judged from the
/// bytes around it; `key_start` is where the key name starts, `start..end` the value.
///
/// - Shell parameter expansion: `${MVNW_PASSWORD:+has-password}` (Maven wrapper) uses the
///   variable, it does not set it.
/// - An unquoted value followed on its line by more code: `$c.Credentials = New-Object
///   System.Net.NetworkCredential(…)` (PowerShell), `password = read_secret vault …`: a
///   command or expression. A literal ends its line (or a comment, `;`, `,` or a bracket
///   follows).
pub fn code_context_reason(
    class: RuleClass,
    bytes: &[u8],
    key_start: Option<usize>,
    start: usize,
    end: usize,
) -> Option<&'static str> {
    if class != RuleClass::Generic {
        return None;
    }
    if let Some(k) = key_start {
        let ident = bytes[..k]
            .iter()
            .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(0, |i| i + 1);
        if ident >= 2 && &bytes[ident - 2..ident] == b"${" {
            return Some("shell parameter expansion");
        }
    }
    let quoted = start > 0 && matches!(bytes[start - 1], b'"' | b'\'' | b'`');
    // `SUBJECT = "You’re invited to join Saleor"`: the value stops at a space and the
    // string goes on with words — a sentence. (A connection string's `password=… host=…`
    // goes on with more `key=value` pairs, and stays a candidate.)
    if quoted && bytes.get(end) == Some(&b' ') {
        let quote = bytes[start - 1];
        let rest = &bytes[end..];
        let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        if let Some(close) = memchr::memchr(quote, rest) {
            let tail = &rest[..close];
            let words = tail
                .split(|b| *b == b' ')
                .filter(|w| w.len() >= 2 && w.iter().all(u8::is_ascii_alphabetic))
                .count();
            if words >= 1 && !tail.iter().any(|b| matches!(b, b'=' | b':' | b';')) {
                return Some("text of a sentence");
            }
        }
    }
    // `ClientSecret: secret.OIDCSecret.ClientSecret,` (grafana/loki's operator),
    // `fooToken = cfg.FooToken`: an unquoted chain of names reads a field or variable;
    // a literal would be quoted.
    if !quoted && is_reference_chain(&bytes[start..end]) {
        return Some("field or variable reference");
    }
    if !quoted && matches!(bytes.get(end), Some(b' ' | b'\t')) {
        let rest = &bytes[end..];
        let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        let next = rest
            .iter()
            .copied()
            .find(|c| !matches!(c, b' ' | b'\t' | b'\r'));
        if next.is_some_and(|c| !matches!(c, b'#' | b'/' | b';' | b',' | b')' | b'}' | b']' | b'<'))
        {
            return Some("command or expression, not a literal");
        }
    }
    None
}

/// True for program source files, whose string literals are quoted (shell, config and
/// template formats are not: `PASSWORD=abc` is a literal there).
pub fn is_program_source(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    [
        "go", "rs", "py", "rb", "erb", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx",
        "java", "kt", "kts", "cs", "php", "ex", "exs", "scala", "swift", "c", "h", "cc", "cpp",
        "hpp", "dart", "vue", "svelte", "groovy",
    ]
    .iter()
    .any(|e| ext.eq_ignore_ascii_case(e))
}

/// True when the value starting at `start` is inside a string literal of its line: right
/// after an opening quote (`token = "…"`) or further into a string
/// (`"host=db password=…"`, `b"user=u&password=…"`). Quotes are paired along the line,
/// backslash escapes skipped.
pub fn is_quoted(bytes: &[u8], start: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let mut open: Option<u8> = None;
    let mut i = line_start;
    while i < start {
        let b = bytes[i];
        match open {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => open = None,
            None if matches!(b, b'"' | b'\'' | b'`') => open = Some(b),
            _ => {}
        }
        i += 1;
    }
    open.is_some()
}

/// `cfg.FooToken`, `secret.OIDCSecret.ClientSecret`, `self.api_key`: two or more names
/// joined by dots, each starting with a letter or `_`.
fn is_reference_chain(value: &[u8]) -> bool {
    let mut parts = 0;
    for part in value.split(|&b| b == b'.') {
        let ok = part
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !ok {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// True for translation catalogs: message files under a `locales/`, `locale/`, `i18n/`,
/// `l10n/`, `lang/` or `translations/` directory (JSON, YAML, `.po`, `.properties`,
/// `.strings`, `.xlf`), and gettext/Qt/Xcode catalogs anywhere.
pub fn is_translation_catalog(path: &str) -> bool {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let ext_lower = |e: &str| ext.eq_ignore_ascii_case(e);
    if ["po", "pot", "xlf", "xliff", "strings", "arb"]
        .iter()
        .any(|e| ext_lower(e))
    {
        return true;
    }
    let in_catalog_dir = dirs.split('/').any(|d| {
        [
            "locales",
            "locale",
            "i18n",
            "l10n",
            "lang",
            "langs",
            "translations",
            "messages",
        ]
        .iter()
        .any(|c| d.eq_ignore_ascii_case(c))
    });
    in_catalog_dir
        && ["json", "yml", "yaml", "properties", "po", "toml", "php"]
            .iter()
            .any(|e| ext_lower(e))
}

/// True for package-manager lock files: package names and integrity hashes
/// (`"comma-separated-tokens": ["…", "sha512-…"]` in livebook's `bun.lock`), never a
/// name assigned a secret. Provider-format tokens (a registry token in a `resolved`
/// URL) still count.
pub fn is_lockfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    matches!(
        name.as_str(),
        "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "bun.lock"
            | "cargo.lock"
            | "go.sum"
            | "gemfile.lock"
            | "composer.lock"
            | "poetry.lock"
            | "uv.lock"
            | "pipfile.lock"
            | "pdm.lock"
            | "mix.lock"
            | "gradle.lockfile"
            | "packages.lock.json"
            | "flake.lock"
    )
}

/// Value-shape checks for generic assignments.
fn generic_value_reason(value: &str) -> Option<&'static str> {
    if value.len() > 200 {
        // Blobs (minified code, base64 data) are not credentials a person assigned.
        return Some("too long for a generic secret");
    }
    // Letters outside ASCII are words of a language (a translated "encryption key"
    // message); generated keys and tokens are ASCII.
    if value.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        return Some("natural-language text");
    }
    let lower = value.to_ascii_lowercase();
    let bytes = value.as_bytes();
    // `token=%s&email=%s` (a format string listmonk fills in), `key={}`, `{0}`. A value
    // that only contains `%s` somewhere may be a password with symbols; one that starts
    // with a verb followed by punctuation (`%s&`, `%s/`) is the verb.
    let verb_first = ["%s", "%v", "%d", "%q"].iter().any(|p| {
        lower.strip_prefix(p).is_some_and(|rest| {
            rest.bytes()
                .next()
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        })
    });
    if verb_first || ["{}", "{0}"].iter().any(|p| lower.contains(p)) {
        return Some("format string");
    }
    // `%VITE_RESET_PASSWORD%` (authelia's `web/index.html`), `%PUBLIC_URL%`: a build
    // tool's substitution token in an HTML template.
    if let Some(inner) = value.strip_prefix('%').and_then(|v| v.strip_suffix('%'))
        && !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Some("template substitution token");
    }
    // `secret://tlsKeyStore.password` (signalapp/Signal-Server's reference to its secret
    // store): the "assignment" was a URI scheme.
    if lower.starts_with("//") {
        return Some("URI, not an assignment");
    }
    // `"/memos.api.v1.AuthService/RefreshToken"`: a route or RPC path of names.
    if value.starts_with('/')
        && value[1..]
            .split(['/', '.', '-'])
            .filter(|s| !s.is_empty())
            .all(|s| is_code_identifier(s.as_bytes()))
    {
        return Some("route or path");
    }
    // `"login#forgot_password"`: a Rails route's `controller#action` target (lobsters'
    // `get "/login/forgot_password" => "login#forgot_password"`).
    if let Some((controller, action)) = value.split_once('#')
        && !controller.is_empty()
        && !action.is_empty()
        && controller
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'/')
        && action
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Some("Rails controller#action");
    }
    // `!showPassword` (a Vue binding in mealie), `!auth.isSecretBase64Encoded`
    // (hoppscotch): a negated variable or field.
    if let Some(rest) = value.strip_prefix('!')
        && ((rest.bytes().all(|b| b.is_ascii_alphabetic()) && is_camel_or_words(rest.as_bytes()))
            || is_identifier_path(rest.as_bytes()))
    {
        return Some("negated variable");
    }
    if ["$", "%(", "%{", "#{", "@{", "&", ":"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.contains("::")
        || value.strip_suffix('!').is_some_and(|m| {
            !m.is_empty() && m.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
    {
        return Some("reference, path or expression");
    }
    for marker in [
        "process.env",
        "os.environ",
        "getenv",
        "env.",
        "environ",
        "secrets.",
        "vault:",
        "://",
        "settings.",
        "config.",
        "params.",
        "values.",
        "var.",
        "local.",
        "self.",
        "this.",
    ] {
        if lower.contains(marker) {
            return Some("reference to a variable or URL");
        }
    }
    if ["sha1-", "sha256-", "sha384-", "sha512-", "md5-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return Some("integrity hash");
    }
    if is_uuid(bytes) {
        return Some("UUID");
    }
    if is_import_path(value) {
        return Some("import path");
    }
    if is_identifier_path(bytes) || is_code_identifier(bytes) {
        return Some("identifier");
    }
    if is_number_literal(bytes) {
        return Some("number literal");
    }
    if [
        "true",
        "false",
        "null",
        "none",
        "nil",
        "undefined",
        "bearer",
        "basic",
    ]
    .iter()
    .any(|w| lower == *w)
    {
        return Some("keyword");
    }
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    let has_alpha = bytes.iter().any(u8::is_ascii_alphabetic);
    let has_symbol = bytes.iter().any(|b| !b.is_ascii_alphanumeric());
    let entropy = shannon_entropy(bytes);
    if !has_alpha {
        // Numbers, dates and versions; a digits-only secret is too weak to tell apart.
        return Some("no letters");
    }
    if !has_digit && !has_symbol {
        // All letters: only long, high-entropy strings are random enough to be keys.
        if bytes.len() < 24 || entropy < 4.2 || is_camel_or_words(bytes) {
            return Some("word or identifier");
        }
        return None;
    }
    if is_word_like(value) {
        return Some("words");
    }
    None
}

/// True when a token's random body (its longest run of base64 characters, 16 or more)
/// decodes to plain text: ntfy's documented `sk_test_ZmhzZGtm…` is base64 of a
/// keyboard mash. A provider's random body decodes to random bytes; the chance that 12
/// or more of them are all letters, digits, spaces or sentence punctuation, three in
/// four letters, is below 10^-7. Encoded structure (a JSON Web Token's `{"alg":…}`, a
/// Sentry auth token's JSON) has braces and quotes, so it is never prose.
fn encodes_prose(secret: &[u8]) -> bool {
    use base64::Engine as _;
    let body = secret
        .split(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
        .max_by_key(|run| run.len())
        .unwrap_or_default();
    if body.len() < 16 {
        return false;
    }
    // Whole quanta only: a body whose length is no multiple of four is cut at the end.
    let body = &body[..body.len() - body.len() % 4];
    let body: Vec<u8> = body.iter().copied().filter(|&b| b != b'=').collect();
    let decoded = match base64::engine::general_purpose::STANDARD_NO_PAD.decode(&body) {
        Ok(d) => d,
        Err(_) => return false,
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    let (mut chars, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        if !(c.is_alphanumeric() || matches!(c, ' ' | '.' | ',' | '!' | '?' | '-' | '\'')) {
            return false;
        }
        chars += 1;
        letters += usize::from(c.is_alphabetic());
    }
    chars >= 12 && letters * 4 >= chars * 3
}

/// The scan's time: `SOURCE_DATE_EPOCH` when set (reproducible runs, the ecosystem
/// check), else the clock.
fn now_unix() -> u64 {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// True for a JSON Web Token whose payload's `exp` lies before `now` (Unix seconds): no
/// server accepts it any more (authelia's email-template preview links carry tokens that
/// expired in 2024). A token without `exp`, or one that does not decode, stands.
fn jwt_expired(secret: &[u8], now: u64) -> bool {
    use base64::Engine as _;
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    if !header.starts_with(b"eyJ") {
        return false;
    }
    let Ok(json) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v.get("exp")?.as_f64())
        .is_some_and(|exp| exp >= 0.0 && (exp as u64) < now)
}

/// True when the value looks like a placeholder: a placeholder word, or nothing but `x`.
fn is_placeholder(lower: &str) -> bool {
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        // Long random bodies (keys, long tokens) can contain short words by chance.
        return lower.len() <= 120 || lower.contains("xxxxxxxx") || lower.contains("example");
    }
    false
}

fn distinct_bytes(bytes: &[u8]) -> usize {
    let mut seen = [false; 256];
    bytes.iter().for_each(|&b| seen[usize::from(b)] = true);
    seen.iter().filter(|&&s| s).count()
}

/// Few distinct characters, or a long run of one character.
fn is_repetitive(bytes: &[u8]) -> bool {
    if bytes.len() >= 8 && distinct_bytes(bytes) <= 4 {
        return true;
    }
    let mut run = 1usize;
    let mut longest = 1usize;
    for w in bytes.windows(2) {
        if w[0] == w[1] {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 1;
        }
    }
    longest >= 6.max(bytes.len() / 4)
}

/// An ascending or descending run such as `123456`, `abcdef`, `987654`.
fn has_sequence(bytes: &[u8]) -> bool {
    let mut up = 1usize;
    let mut down = 1usize;
    for w in bytes.windows(2) {
        let (a, b) = (w[0], w[1]);
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        up = if alnum && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        if up >= 6 || down >= 6 {
            return true;
        }
    }
    false
}

fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `wger.utils.headless_auth.WgerJWTTokenStrategy` (a Django setting naming a class),
/// `org.example.auth.TokenFilter`: a dotted import path, two or more lower-case module
/// names and then any name. Generated keys have no dots between lower-case words.
fn is_import_path(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    let Some((last, modules)) = parts.split_last() else {
        return false;
    };
    let name = |p: &str, lower: bool| {
        let b = p.as_bytes();
        !b.is_empty()
            && (b[0].is_ascii_alphabetic() || b[0] == b'_')
            && b.iter().all(|c| {
                c.is_ascii_digit()
                    || *c == b'_'
                    || (c.is_ascii_alphabetic() && (!lower || c.is_ascii_lowercase()))
            })
    };
    modules.len() >= 2 && modules.iter().all(|m| name(m, true)) && name(last, false)
}

/// `config.db.password`, `self.token`, `SomeClass::CONST`: dotted identifiers.
fn is_identifier_path(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let parts: Vec<&str> = text.split(['.', ':']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 2 && parts.iter().all(|p| is_code_identifier(p.as_bytes()))
}

/// `WIN32_ERROR`, `__IncompleteArrayField`, `X509CertificateFlag`, `token_store_v2`: a
/// code identifier, whose letters form words and whose digits come in at most two groups
/// (random keys scatter digits throughout).
fn is_code_identifier(bytes: &[u8]) -> bool {
    if bytes.is_empty()
        || !bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        || bytes[0].is_ascii_digit()
    {
        return false;
    }
    let digit_groups = bytes
        .split(|b| !b.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .count();
    let upper_snake = bytes.contains(&b'_')
        && bytes
            .split(|b| *b == b'_')
            .filter(|seg| !seg.is_empty())
            .all(|seg| {
                seg.iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            });
    if upper_snake {
        return true;
    }
    if digit_groups > 2 {
        return false;
    }
    bytes
        .split(|b| *b == b'_')
        .filter(|seg| !seg.is_empty())
        .all(|seg| {
            let letters: Vec<u8> = seg
                .iter()
                .copied()
                .filter(u8::is_ascii_alphabetic)
                .collect();
            letters.len() <= 3
                || letters.iter().all(u8::is_ascii_uppercase)
                || letters.iter().all(u8::is_ascii_lowercase)
                || is_camel_or_words(&letters)
        })
}

/// `2150859079u32`, `0x1F`, `1_000_000`, `3.5e10f64`: a numeric literal with a type suffix.
fn is_number_literal(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"-").unwrap_or(bytes);
    if !bytes.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    if bytes.len() <= 18 && (bytes.starts_with(b"0x") || bytes.starts_with(b"0X")) {
        return true;
    }
    let digits = bytes
        .iter()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'_' | b'.'))
        .count();
    bytes.len() - digits <= 5
}

/// `getPasswordFromVault`, `EcPrivateKeyBin`: letters forming camel-case words. Split at
/// upper-case letters, at least three quarters of the words are a letter followed by
/// lower-case letters; random mixed case makes many one-letter pieces.
fn is_camel_or_words(bytes: &[u8]) -> bool {
    let mut words: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            words.push(&bytes[start..i]);
            start = i;
        }
    }
    words.push(&bytes[start.min(bytes.len())..]);
    let wordy = words
        .iter()
        .filter(|w| w.len() >= 2 && w[1..].iter().all(u8::is_ascii_lowercase))
        .count();
    !words.is_empty() && wordy * 4 >= words.len() * 3
}

/// `my-app-db-creds-v2`, `prod_api_key_2024`: every segment is a word or short.
/// Capitalised words count (`X-Listmonk-Webhook-Secret`, `Group-Send-Token`,
/// `Jellyfin-Token`: header and claim names).
fn is_word_like(value: &str) -> bool {
    let segments: Vec<&str> = value
        .split(['-', '_', '.', '/', ':', ' '])
        .filter(|s| !s.is_empty())
        .collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            s.len() <= 3
                || s.bytes().all(|b| b.is_ascii_lowercase())
                || s.bytes().all(|b| b.is_ascii_uppercase())
                || s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 8
                || is_camel_or_words(s.as_bytes()) && s.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (wger, held-out 2026-12-07): `HEADLESS_TOKEN_STRATEGY =
    /// 'wger.utils.headless_auth.WgerJWTTokenStrategy'` (a class's import path) was a
    /// committed secret, and so was `PS_STORAGE_PG_URI`'s default
    /// `postgres://powersync_storage:powersync_password@db:5432/wger`.
    #[test]
    fn import_paths_and_passwords_of_the_users_words_are_not_secrets() {
        for path in [
            "wger.utils.headless_auth.WgerJWTTokenStrategy",
            "org.example.auth.TokenFilter",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ] {
            assert_eq!(generic_value_reason(path), Some("import path"), "{path}");
        }
        for secret in ["Xk9.qR2mZ.pL7vB3nW8", "a.b", "wger.Zx8Kq2LmP9vR4tN6"] {
            assert_ne!(
                generic_value_reason(secret),
                Some("import path"),
                "{secret}"
            );
        }
        let uri =
            |user: &[u8], pass: &[u8]| decoy_reason(RuleClass::UriPassword, pass, Some(user), None);
        assert!(uri(b"powersync_storage", b"powersync_password").is_some());
        assert!(uri(b"saleor", b"saleor_secret123").is_some());
        assert_eq!(uri(b"powersync_storage", b"q8ZtLm2Rv9Xk"), None);
        assert_eq!(uri(b"app", b"kT7mQ2xZ9vLp"), None);
    }

    #[test]
    fn entropy_bounds() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    /// Regression (ntfy, #13): the Stripe keys in `docs/config.md`'s example are base64 of
    /// a keyboard mash and failed the critical check; random bodies and JSON Web Tokens
    /// still stand.
    #[test]
    fn tokens_whose_body_is_base64_of_text_are_made_up() {
        let t = RuleClass::Token;
        for fake in [
            "sk_test_ZmhzZGtmbGhkc2tqZmhzYcO2a2hmbGtnaHNkbGtnaGRsc2hnbG",
            "whsec_ZnNkZnNIRExBSFNES0hBRFNmaHNka2ZsaGR",
        ] {
            assert!(encodes_prose(fake.as_bytes()), "{fake}");
            assert!(
                decoy_reason(t, fake.as_bytes(), None, None).is_some(),
                "{fake}"
            );
        }
        for real in [
            "sk_live_4eC39HqLyjWDarjtT1zdp7dcQk2Rm8Vb",
            "ghp_R2xC8Zq7tH3kLm9vB4nW6pY1sD5fJ0aQeUoI",
            "xoxb-2617180539-4216731295-Vq8sLk2mP0rT7wXz9cN3bY6d",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ] {
            assert!(!encodes_prose(real.as_bytes()), "{real}");
        }
    }

    /// Regression (authelia, #13): the preview links of its email templates carry JSON Web
    /// Tokens that expired in 2024, and failed the critical check as shipped code.
    #[test]
    fn expired_json_web_tokens_are_harmless() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = |payload: &str| {
            format!(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                b64(payload)
            )
        };
        let now = 1_800_000_000;
        assert!(jwt_expired(
            jwt(r#"{"iss":"Authelia","exp":1727641607}"#).as_bytes(),
            now
        ));
        assert!(!jwt_expired(jwt(r#"{"exp":4102444800}"#).as_bytes(), now));
        assert!(!jwt_expired(jwt(r#"{"sub":"1234567890"}"#).as_bytes(), now));
        assert!(!jwt_expired(b"eyJ.not-base64!.x", now));
    }

    /// Regression (authelia, #13): Vite's `%VITE_RESET_PASSWORD%` in `web/index.html`.
    #[test]
    fn html_substitution_tokens_are_no_secret() {
        assert_eq!(
            decoy_reason(RuleClass::Generic, b"%VITE_RESET_PASSWORD%", None, None),
            Some("template substitution token")
        );
    }

    /// Regression (hoppscotch, #13): `auth.isSecretBase64Encoded = !auth.isSecretBase64Encoded`
    /// in a Vue template was a committed secret.
    #[test]
    fn a_negated_field_is_no_secret() {
        assert_eq!(
            decoy_reason(
                RuleClass::Generic,
                b"!auth.isSecretBase64Encoded",
                None,
                None
            ),
            Some("negated variable")
        );
    }

    #[test]
    fn placeholders_and_shapes() {
        let g = RuleClass::Generic;
        for v in [
            "${API_KEY}",
            "xxxxxxxxxxxx",
            "<your-api-key>",
            "changeme123",
            "aaaaaaaaaaaa",
            "1234567890ab",
            "sha512-abcXYZ0123==",
            "config.secret.value",
            "my-app-db-creds-v2",
            "6fa459ea-ee8a-3ca4-894e-db77e160355e",
            "getPasswordFromVault",
            "20240101",
            "process.env.TOKEN",
            ":TupleEnd",
            "&ConnectionSecrets",
            "WIN32_ERROR",
            "__IncompleteArrayField",
            "X509CertificateTemplatePrivateKeyFlag",
            "2150859079u32",
            "MSV1_0_PROTOCOL_MESSAGE_TYPE",
            "super::Credentials",
            "EcPrivateKeyBin",
            "node.colon2_token",
            "TLS13_CHACHA20_POLY1305_SHA256_INTERNAL",
            "stringify!",
            "SpQueryCredentialsAttributesFn",
            "MSCEPSetupProperty",
            "-1540i32",
        ] {
            assert!(
                decoy_reason(g, v.as_bytes(), None, None).is_some(),
                "{v} should be a decoy"
            );
        }
        for v in [
            "S3cr3tP@ssw0rd!",
            "a8F2kL9qZx3mB7vT",
            "Tr0ub4dor&3x",
            "q7Rk2Lm9Xw4Zp1Tn8Vb3",
        ] {
            assert_eq!(
                decoy_reason(g, v.as_bytes(), None, None),
                None,
                "{v} should stand"
            );
        }
        assert!(decoy_reason(g, b"a8F2kL9qZx3mB7vT", Some(b"password_hash"), None).is_some());
        assert!(decoy_reason(g, b"a8F2kL9qZx3mB7vT", Some(b"token_name"), None).is_some());
        assert!(decoy_reason(g, b"getTokenValue2", None, Some(b'(')).is_some());
    }

    #[test]
    fn documentation_keys_and_defaults() {
        assert!(decoy_reason(RuleClass::Token, b"AKIAIOSFODNN7EXAMPLE", None, None).is_some());
        assert!(
            decoy_reason(
                RuleClass::Token,
                b"sk_test_4eC39HqLyjWDarjtT1zdp7dc",
                None,
                None
            )
            .is_some()
        );
        assert!(decoy_reason(RuleClass::UriPassword, b"postgres", None, None).is_some());
        assert!(decoy_reason(RuleClass::UriPassword, b"${DB_PASS}", None, None).is_some());
        assert_eq!(
            decoy_reason(RuleClass::UriPassword, b"q9Zr!x2Lw", None, None),
            None
        );
    }
}
