//! Code that runs in the user's browser, decided once.
//!
//! A browser's `fetch`/`axios` call is the user's browser talking to a server (usually
//! this one); it is not the service's outbound dependency, and its timeouts are not the
//! service's to set. Every consumer of outbound-call signals asks this module, through
//! the signals the walk keeps ([`crate::Facts::signals`] never holds a browser file's
//! client calls).
//!
//! A file runs in the browser when:
//! - it is a component of a browser framework (`.tsx`, `.jsx`, `.vue`, `.svelte`);
//! - it sits in a static-asset directory that a server hands to browsers as files:
//!   `static/`, `public/`, `assets/`, `wwwroot/`, Rails' `app/javascript/`, Laravel's
//!   `resources/js/` (miniflux `internal/ui/static/js`, Phoenix `assets/js`, BookStack
//!   `public/libs` and `resources/js`);
//! - its nearest `package.json` is a browser application: it depends on a UI framework
//!   (`react-dom`, `vue`, `@angular/core`, `svelte`, `preact`, `solid-js`, `lit`) and on
//!   nothing that runs on a server (`express`, `fastify`, `koa`, `hono`, NestJS, hapi)
//!   or renders there (Next.js, Nuxt, Remix, React Router's framework mode, SvelteKit,
//!   Astro, Angular SSR), and declares no `bin` (gotify's `ui/`, navidrome's `ui/`,
//!   Kavita's Angular `UI/Web`, kestra's Vue `ui/`).
//!
//! Files of a full-stack framework's package (Next.js, Remix...) are not decided here:
//! their server modules do make outbound calls.

use std::collections::BTreeSet;

/// UI frameworks: a package with one of these is built for a browser.
const UI_FRAMEWORKS: &[&str] = &[
    "react-dom",
    "vue",
    "@angular/core",
    "svelte",
    "preact",
    "solid-js",
    "lit",
];

/// Dependencies that make a package (also) server code: HTTP servers and the
/// frameworks that render or serve on a server.
const SERVER_SIDE: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "hono",
    "@nestjs/core",
    "@hapi/hapi",
    "next",
    "nuxt",
    "@remix-run/node",
    "@remix-run/server-runtime",
    "@react-router/node",
    "@react-router/serve",
    "@sveltejs/kit",
    "astro",
    "@angular/ssr",
    "@nguniversal/express-engine",
    "electron",
];

/// Directory names whose files a server hands to browsers as they are.
const STATIC_DIRS: &[&str] = &["static", "public", "assets", "wwwroot"];

/// True when the path alone says the file runs in a browser: a framework component
/// file, or a file in a static-asset directory. `path_lower` is lower-cased.
pub(crate) fn is_browser_path(path_lower: &str) -> bool {
    if [".tsx", ".jsx", ".vue", ".svelte"]
        .iter()
        .any(|e| path_lower.ends_with(e))
    {
        return true;
    }
    let Some((dir, _)) = path_lower.rsplit_once('/') else {
        return false;
    };
    let dir = format!("/{dir}/");
    STATIC_DIRS.iter().any(|d| dir.contains(&format!("/{d}/")))
        || dir.contains("/app/javascript/")
        || dir.contains("/resources/js/")
}

/// True when `package.json` (its text) describes a browser application: a UI
/// framework among its dependencies, nothing server-side, no `bin`.
pub(crate) fn is_browser_package(package_json: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(package_json) else {
        return false;
    };
    if v.get("bin").is_some() {
        return false;
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for key in ["dependencies", "devDependencies", "peerDependencies"] {
        if let Some(m) = v.get(key).and_then(|d| d.as_object()) {
            names.extend(m.keys().map(String::as_str));
        }
    }
    names.iter().any(|n| UI_FRAMEWORKS.contains(n))
        && !names.iter().any(|n| SERVER_SIDE.contains(n))
}

/// The directories (repository-relative, `""` for the root) of the browser packages
/// among `package_jsons` (`(path, text)`).
pub(crate) fn browser_package_dirs<'a>(
    package_jsons: impl Iterator<Item = (&'a str, &'a str)>,
) -> BTreeSet<String> {
    package_jsons
        .filter(|(_, text)| is_browser_package(text))
        .map(|(p, _)| p.rsplit_once('/').map_or("", |(d, _)| d).to_string())
        .collect()
}

/// True when `path` runs in a browser: by its path, or because its nearest
/// `package.json` (one of `package_dirs`, the directories of every package) is a
/// browser package (one of `browser_dirs`).
pub(crate) fn runs_in_browser(
    path: &str,
    package_dirs: &BTreeSet<String>,
    browser_dirs: &BTreeSet<String>,
) -> bool {
    let lower = path.to_ascii_lowercase();
    // Browsers run JavaScript (and what compiles to it): monica's PHP beside the root
    // package.json of its Vue front end, and Laravel's `public/index.php`, run on the
    // server.
    if ![
        ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".vue", ".svelte",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
    {
        return false;
    }
    if is_browser_path(&lower) {
        return true;
    }
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        if package_dirs.contains(dir) {
            return browser_dirs.contains(dir);
        }
        if dir.is_empty() {
            return false;
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_paths() {
        for p in [
            "ui/src/app.tsx",
            "internal/ui/static/js/app.js",
            "assets/js/app.js",
            "public/libs/tinymce/plugin.min.js",
            "resources/js/services/http.ts",
            "app/javascript/controllers/x.js",
        ] {
            assert!(is_browser_path(p), "{p}");
        }
        for p in [
            "src/server.ts",
            "lib/http.js",
            "api/index.js",
            "publicity/x.js",
        ] {
            assert!(!is_browser_path(p), "{p}");
        }
    }

    #[test]
    fn browser_packages() {
        let spa = r#"{"dependencies":{"react":"18","react-dom":"18","axios":"1"},"devDependencies":{"vite":"5"}}"#;
        assert!(is_browser_package(spa));
        let angular = r#"{"dependencies":{"@angular/core":"17","rxjs":"7"}}"#;
        assert!(is_browser_package(angular));
        let next = r#"{"dependencies":{"react-dom":"18","next":"14"}}"#;
        assert!(!is_browser_package(next));
        let server = r#"{"dependencies":{"express":"4","vue":"3"}}"#;
        assert!(!is_browser_package(server));
        let cli = r#"{"bin":{"x":"cli.js"},"dependencies":{"react-dom":"18"}}"#;
        assert!(!is_browser_package(cli));
        assert!(!is_browser_package(r#"{"dependencies":{"axios":"1"}}"#));
        assert!(!is_browser_package("not json"));
    }

    #[test]
    fn nearest_package_decides() {
        let packages: BTreeSet<String> = ["", "ui", "ui/server"].map(String::from).into();
        let browser: BTreeSet<String> = ["ui".to_string()].into();
        assert!(runs_in_browser(
            "ui/src/CurrentUser.ts",
            &packages,
            &browser
        ));
        assert!(!runs_in_browser("ui/server/index.ts", &packages, &browser));
        assert!(!runs_in_browser("src/index.ts", &packages, &browser));
        assert!(!runs_in_browser(
            "main.go",
            &BTreeSet::new(),
            &BTreeSet::new()
        ));
        // monica (#13): its PHP sits under the root package.json of a Vue front end, and
        // Laravel serves `public/index.php`; both run on the server.
        let root: BTreeSet<String> = ["".to_string()].into();
        assert!(!runs_in_browser(
            "app/Helpers/WikipediaHelper.php",
            &root,
            &root
        ));
        assert!(!runs_in_browser("public/index.php", &root, &root));
        assert!(runs_in_browser("resources/js/app.js", &root, &root));
    }
}
