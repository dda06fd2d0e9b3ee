//! Which responses are HTML pages, for the checks of headers that only browsers
//! rendering a document act on (CSP, Referrer-Policy, COOP/CORP). An API answering
//! JSON is never judged by them.

use crate::observe::{Exchange, Observations};

/// The 2xx HTML responses among the base URL, the directory paths and the health
/// endpoints, in that order, each distinct page once: a server that answers every
/// path with the same page (node_exporter's landing page) has one page, not six
/// (same body and same policy).
/// Error pages (the unknown path's 404) are not pages a user is sent to.
pub(crate) fn html_pages(o: &Observations) -> Vec<&Exchange> {
    let mut v = vec![&o.root];
    v.extend(o.directories.iter());
    v.extend(o.liveness.iter().map(|e| &e.exchange));
    v.extend(o.readiness.iter().map(|e| &e.exchange));
    v.retain(|ex| ex.response().is_some_and(|r| r.is_success() && r.is_html()));
    let mut distinct: Vec<&Exchange> = Vec::new();
    for ex in v {
        let same = |a: &Exchange| {
            a.response().zip(ex.response()).is_some_and(|(x, y)| {
                x.body == y.body
                    && x.header("content-security-policy") == y.header("content-security-policy")
            })
        };
        if !distinct.iter().any(|d| same(d)) {
            distinct.push(ex);
        }
    }
    distinct
}

/// A summary for the checks that do not apply: what the base URL answered instead.
pub(crate) fn no_page_summary(o: &Observations) -> String {
    match o.root.response() {
        Some(r) => format!(
            "no HTML page was served (the base URL answered {} {}); these headers matter only on HTML",
            r.status,
            r.media_type()
                .unwrap_or_else(|| "without a Content-Type".into())
        ),
        None => "no HTML page was served".to_string(),
    }
}
