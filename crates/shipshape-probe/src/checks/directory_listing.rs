//! `probe/directory-listing`: no response is a file server's directory listing.
//! Decided from the body (the listing page's own markup), never from a status code.

use super::{CheckOutcome, HTTP_SERVICE, Phase, ProbeCheck, at};
use crate::observe::{Observations, Response};
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/directory-listing",
    title: "No directory listing is served",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: HTTP_SERVICE,
    rationale: "A listing hands out every file name of a directory: backups, dumps, .env copies and unlinked uploads become one click away.",
    evaluation: "The base URL, the directory paths (/static/, /assets/, /files/, /uploads/, /images/) and every other 2xx HTML or text response. Fail: a body with a listing's markup — `Index of /` (nginx autoindex, Apache, lighttpd), Caddy's browse page, Python http.server's `Directory listing for`, Tomcat's `Directory Listing For`, Jetty's `Directory: /`, Node serve-index, IIS's `[To Parent Directory]`, Go's http.FileServer. Pass: none.",
    remediation: "Turn listings off (nginx `autoindex off`, Caddy `file_server` without `browse`, Apache `Options -Indexes`) and serve an index page or 404 for directories.",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information",
        "https://cwe.mitre.org/data/definitions/548.html",
    ],
    needs: &[Phase::Basics],
    evaluate,
};

/// Which server's listing a body is, if it is one.
pub(crate) fn listing_kind(r: &Response) -> Option<&'static str> {
    if !r.is_success() {
        return None;
    }
    let text_like = r
        .media_type()
        .is_none_or(|m| m == "text/html" || m == "application/xhtml+xml" || m == "text/plain");
    if !text_like {
        return None;
    }
    let head = &r.body[..r.body.len().min(64 * 1024)];
    let body = String::from_utf8_lossy(head);
    let lower = body.to_ascii_lowercase();
    let title_starts = |prefix: &str| {
        lower
            .split("<title>")
            .nth(1)
            .is_some_and(|t| t.trim_start().starts_with(prefix))
    };
    if title_starts("index of /") || lower.contains("<h1>index of /") {
        Some("an `Index of /` listing (nginx autoindex, Apache or lighttpd)")
    } else if lower.contains("class=\"listing\"") && lower.contains("?sort=name&order=") {
        Some("Caddy's file_server browse page")
    } else if title_starts("directory listing for /") {
        Some("Python http.server's `Directory listing for` page")
    } else if title_starts("directory listing for [") {
        Some("Tomcat's directory listing")
    } else if title_starts("directory: /") {
        Some("Jetty's directory listing")
    } else if title_starts("listing directory /") {
        Some("Node serve-index's listing")
    } else if lower.contains("[to parent directory]") {
        Some("IIS's directory browsing page")
    } else if lower.starts_with(
        "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n",
    ) || lower.starts_with("<pre>\n<a href=\"")
    {
        Some("Go http.FileServer's listing")
    } else {
        None
    }
}

fn evaluate(o: &Observations) -> CheckOutcome {
    let mut findings = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = 0;
    for ex in o.all_exchanges() {
        let Some(r) = ex.response() else { continue };
        checked += 1;
        // A listing is a GET's page; a server answering POST or TRACE / with the same
        // page is one listing, not one per method (Caddy's file_server does).
        let Some(path) = ex.request.strip_prefix("GET ") else {
            continue;
        };
        let path = path.split(' ').next().unwrap_or(path).to_string();
        if let Some(kind) = listing_kind(r)
            && seen.insert(path.clone())
        {
            findings.push(
                at(
                    ex,
                    format!("{path} lists a directory: {kind}"),
                    &["content-type", "server"],
                )
                .with_key(path),
            );
        }
    }
    if checked == 0 {
        return CheckOutcome::error("no response to inspect");
    }
    if findings.is_empty() {
        CheckOutcome::pass(format!(
            "none of {checked} responses is a directory listing"
        ))
    } else {
        CheckOutcome::fail(format!(
            "{} path(s) serve a directory listing: {}",
            findings.len(),
            findings[0].message
        ))
        .with_all(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use shipshape_model::Outcome;

    fn page(body: &str) -> Observations {
        let mut o = obs();
        o.directories = vec![ex(
            "GET /files/",
            resp(200, &[("content-type", "text/html")], body),
        )];
        o
    }

    #[test]
    fn listings_of_known_servers_fail() {
        for body in [
            "<html>\r\n<head><title>Index of /files/</title></head>\r\n<body>\r\n<h1>Index of /files/</h1><hr><pre><a href=\"../\">../</a>",
            "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Directory listing for /files/</title>",
            "<html><head><title>/files/</title></head><body><div class=\"listing\"><a href=\"?sort=name&order=asc\">Name</a>",
            "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n<a href=\"a.txt\">a.txt</a>\n</pre>\n",
        ] {
            let out = evaluate(&page(body));
            assert_eq!(out.outcome, Outcome::Fail, "{body}");
            assert!(out.summary.contains("/files/ lists"), "{}", out.summary);
        }
    }

    #[test]
    fn one_listing_answered_to_every_method_is_one_finding() {
        let listing = resp(
            200,
            &[("content-type", "text/html")],
            "<title>Index of /</title><h1>Index of /</h1>",
        );
        let mut o = obs();
        o.root = ex("GET /", listing.clone());
        o.methods = vec![ex("TRACE /", listing.clone())];
        o.trace = Some(("t".into(), ex("GET / (traceparent)", listing)));
        let out = evaluate(&o);
        assert_eq!(out.outcome, Outcome::Fail);
        assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    }

    #[test]
    fn a_page_mentioning_index_of_passes() {
        // Words alone are not a listing: the markup must be a listing page's.
        let out = evaluate(&page(
            "<html><title>Docs</title><p>See the index of /api routes.</p>",
        ));
        assert_eq!(out.outcome, Outcome::Pass);
    }

    #[test]
    fn a_404_with_listing_words_is_not_a_listing() {
        let mut o = obs();
        o.directories = vec![ex(
            "GET /files/",
            resp(
                404,
                &[("content-type", "text/html")],
                "<title>Index of /files/</title>",
            ),
        )];
        assert_eq!(evaluate(&o).outcome, Outcome::Pass);
    }
}
