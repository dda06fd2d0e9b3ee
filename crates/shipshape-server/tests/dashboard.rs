//! The dashboard on a seeded fleet: every page rendered and snapshot-tested for
//! its HTML structure (a tag skeleton, so dates and ages do not churn it),
//! security (roles, CSRF on every form, injection rendered inert, headers),
//! accessibility basics, sign-in, bad input as clear 4xx pages, and the badge.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

mod seed;
mod support;
use seed::{INJECTED_MESSAGE, INJECTED_NAME, INJECTED_REASON};

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

enum Who<'a> {
    Nobody,
    Bearer(&'a str),
    Cookie(&'a str),
}

async fn send(app: &axum::Router, req: Request<Body>) -> Page {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn with(mut b: axum::http::request::Builder, who: &Who) -> axum::http::request::Builder {
    b = b.header(header::HOST, "127.0.0.1:8480");
    match who {
        Who::Nobody => b,
        Who::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Who::Cookie(c) => b.header(header::COOKIE, *c),
    }
}

async fn get(app: &axum::Router, uri: &str, who: Who<'_>) -> Page {
    send(
        app,
        with(Request::get(uri), &who).body(Body::empty()).unwrap(),
    )
    .await
}

async fn post(app: &axum::Router, uri: &str, who: Who<'_>, form: &str) -> Page {
    let req = with(Request::post(uri), &who)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    send(app, req).await
}

/// The HTML's tag structure with a few attributes that carry meaning (ids,
/// classes, roles, ARIA, form fields), one tag per line, indented by depth.
fn skeleton(html: &str) -> String {
    let tag = regex_lite(html);
    let keep = [
        "id",
        "class",
        "role",
        "name",
        "type",
        "for",
        "scope",
        "method",
        "aria-label",
        "aria-labelledby",
        "aria-sort",
        "aria-current",
        "rel",
    ];
    let void = [
        "meta", "link", "input", "br", "img", "hr", "circle", "line", "rect", "polyline",
    ];
    let mut out = String::new();
    let mut depth = 0usize;
    for (closing, name, attrs, self_closing) in tag {
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let mut line = format!("{}{name}", "  ".repeat(depth));
        for (k, v) in attrs {
            if keep.contains(&k.as_str()) {
                line.push_str(&format!(" {k}={v:?}"));
            }
        }
        out.push_str(&line);
        out.push('\n');
        if !self_closing && !void.contains(&name.as_str()) {
            depth += 1;
        }
    }
    out
}

type Tag = (bool, String, Vec<(String, String)>, bool);

/// A small tag scanner (the pages are our own well-formed HTML).
fn regex_lite(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(start) = html[i..].find('<').map(|p| p + i) {
        let Some(end) = html[start..].find('>').map(|p| p + start) else {
            break;
        };
        let inner = &html[start + 1..end];
        i = end + 1;
        if inner.starts_with('!') || inner.starts_with('?') {
            continue;
        }
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let name_end = inner
            .find(|c: char| c.is_whitespace())
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut rest = &inner[name_end..];
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let k_end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            let k = rest[..k_end].to_string();
            rest = &rest[k_end..];
            let mut v = String::new();
            if let Some(r) = rest.strip_prefix('=') {
                let q = r.chars().next().unwrap_or('"');
                if q == '"' || q == '\'' {
                    let close = r[1..].find(q).map_or(r.len(), |p| p + 1);
                    v = r[1..close].to_string();
                    rest = &r[(close + 1).min(r.len())..];
                } else {
                    let e = r.find(char::is_whitespace).unwrap_or(r.len());
                    v = r[..e].to_string();
                    rest = &r[e..];
                }
            }
            attrs.push((k, v));
        }
        out.push((closing, name, attrs, self_closing));
        if !closing
            && (out.last().unwrap().1 == "script" || out.last().unwrap().1 == "style")
            && let Some(p) = html[i..].find("</")
        {
            i += p;
        }
    }
    out
}

/// Signs in with `token` through the form; returns the cookie header to send.
async fn sign_in(app: &axum::Router, token: &str) -> String {
    let form = get(app, "/login", Who::Nobody).await;
    assert_eq!(form.status, StatusCode::OK);
    let login_cookie = form.headers[header::SET_COOKIE].to_str().unwrap();
    let nonce = login_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    assert!(form.body.contains(&nonce));
    let res = post(
        app,
        "/login",
        Who::Cookie(&format!("shs_login={nonce}")),
        &format!("csrf={nonce}&token={token}&next=%2F"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let session = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("shs_session="))
        .unwrap()
        .to_string();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    // 127.0.0.1 is loopback: plain HTTP that never leaves the machine.
    assert!(!session.contains("Secure"), "{session}");
    session.split(';').next().unwrap().to_string()
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + 64].to_string()
}

const PAGES: &[&str] = &[
    "/",
    "/?team=%40acme%2Fpayments&sort=score&dir=desc",
    "/units/2",
    "/units/2?against=2",
    "/units/4",
    "/checks/security/no-committed-secrets",
    "/teams/@acme/payments",
    "/waivers",
    "/campaigns",
    "/campaigns/1",
];

async fn with_campaign(fleet: &seed::Fleet) {
    let app = fleet.app(false);
    let cookie = sign_in(&app, &fleet.admin).await;
    let form = get(&app, "/campaigns/new", Who::Cookie(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = csrf_of(&form.body);
    let res = post(
        &app,
        "/campaigns",
        Who::Cookie(&cookie),
        &format!("csrf={csrf}&name=Tier+2+to+silver&description=&target_level=silver&target_checks=&tier=2&team=&area=&repository=acme%2F*&deadline=2027-03-31"),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.headers[header::LOCATION], "/campaigns/1");
}

#[tokio::test]
async fn every_page_renders_and_keeps_its_structure() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    for path in PAGES {
        let p = get(&app, path, Who::Bearer(&fleet.read)).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        assert_eq!(
            p.headers[header::CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{path}"
        );
        let name = path
            .trim_start_matches('/')
            .replace(['/', '?', '&', '=', '%', '@'], "_");
        insta::assert_snapshot!(
            format!("page_{}", if name.is_empty() { "fleet" } else { &name }),
            skeleton(&p.body)
        );
    }
    // The fleet page links every unit to its page.
    let fleet_page = get(&app, "/", Who::Bearer(&fleet.read)).await;
    let units: serde_json::Value = serde_json::from_str(
        &get(&app, "/api/v1/units", Who::Bearer(&fleet.read))
            .await
            .body,
    )
    .unwrap();
    for u in units["units"].as_array().unwrap() {
        let id = &u["id"];
        assert!(
            fleet_page.body.contains(&format!("href=\"/units/{id}\"")),
            "unit {id}"
        );
    }
    assert!(fleet_page.body.contains("5 units"));
    // htmx asks for the table alone.
    let partial = send(
        &app,
        Request::get("/?level=gold")
            .header(header::AUTHORIZATION, format!("Bearer {}", fleet.read))
            .header("hx-request", "true")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        partial
            .body
            .trim_start()
            .starts_with("<section id=\"fleet\""),
        "{}",
        partial.body
    );
    assert!(partial.body.contains("2 units"));
}

#[tokio::test]
async fn json_and_csv_twins_answer() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    for path in [
        "/api/v1/fleet",
        "/api/v1/fleet?level=gold",
        "/api/v1/units/2",
        "/api/v1/units/2?against=2",
        "/api/v1/checks/security/no-committed-secrets",
        "/api/v1/teams/@acme/payments",
        "/api/v1/waivers",
        "/api/v1/campaigns",
        "/api/v1/campaigns/1",
    ] {
        let p = get(&app, path, Who::Bearer(&fleet.read)).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        let _: serde_json::Value = serde_json::from_str(&p.body).unwrap();
    }
    let v: serde_json::Value = serde_json::from_str(
        &get(
            &app,
            "/api/v1/fleet?sort=level&dir=desc",
            Who::Bearer(&fleet.read),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(v["matching"], 5);
    assert_eq!(v["units"][0]["level"], "gold");
    assert_eq!(v["counts"][0]["units"], 2);
    let unit: serde_json::Value = serde_json::from_str(
        &get(&app, "/api/v1/units/2?against=2", Who::Bearer(&fleet.read))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(unit["level_changes"].as_array().unwrap().len(), 2);
    assert_eq!(unit["diff"]["level_change"], "up");
    assert_eq!(unit["diff"]["fixed"][0], "observability/health-endpoint");
    assert_eq!(unit["history"][0]["areas"]["security"], 50.0);
    let csv = get(
        &app,
        "/api/v1/fleet?format=csv&team=%40acme%2Fpayments",
        Who::Bearer(&fleet.read),
    )
    .await;
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(
        csv.body.starts_with(
            "id,repository,unit,name,owner,tier,level,score,reported_at,observability,"
        )
    );
}

#[tokio::test]
async fn filters_sort_and_stale_are_kept_in_the_url() {
    let fleet = seed::fleet().await;
    let app = fleet.app(true);
    let units = |body: &str| body.matches("<th scope=\"row\"><a href=\"/units/").count();
    assert_eq!(units(&get(&app, "/?stale=30", Who::Nobody).await.body), 1);
    assert_eq!(units(&get(&app, "/?tier=2", Who::Nobody).await.body), 2);
    assert_eq!(
        units(&get(&app, "/?area=security", Who::Nobody).await.body),
        1
    );
    assert_eq!(
        units(
            &get(&app, "/?repository=acme%2Fshop", Who::Nobody)
                .await
                .body
        ),
        2
    );
    assert_eq!(units(&get(&app, "/?level=none", Who::Nobody).await.body), 1);
    let p = get(&app, "/?tier=2&sort=security&dir=desc", Who::Nobody).await;
    assert!(p.body.contains("aria-sort=\"descending\""));
    // Sort links keep the filters.
    // (minijinja escapes `/` as `&#x2f;` in attribute values; browsers read it back.)
    assert!(
        p.body.contains("?tier=2&amp;sort=name&amp;dir=asc\""),
        "{}",
        p.body
    );
    let paged = get(&app, "/?per_page=2&page=2", Who::Nobody).await;
    assert!(paged.body.contains("page 2 of 3"));
    assert!(paged.body.contains("rel=\"prev\"") && paged.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_page() {
    let fleet = seed::fleet().await;
    let app = fleet.app(true);
    for (path, status, words) in [
        (
            "/units/abc",
            StatusCode::BAD_REQUEST,
            "positive whole number",
        ),
        ("/units/999", StatusCode::NOT_FOUND, "no unit 999"),
        ("/units/2?against=x", StatusCode::BAD_REQUEST, "against"),
        (
            "/units/2?against=3",
            StatusCode::NOT_FOUND,
            "has no result for unit 2",
        ),
        (
            "/?tier=9",
            StatusCode::BAD_REQUEST,
            "tier must be 1, 2 or 3",
        ),
        ("/?level=platinum", StatusCode::BAD_REQUEST, "level must be"),
        ("/?sort=colour", StatusCode::BAD_REQUEST, "sort must be"),
        ("/?stale=-1", StatusCode::BAD_REQUEST, "stale"),
        ("/?area=vibes", StatusCode::BAD_REQUEST, "unknown area"),
        ("/?page=9", StatusCode::NOT_FOUND, "page 9 of 1"),
        ("/checks/nope/x", StatusCode::NOT_FOUND, "not an area"),
        (
            "/checks/security/never-heard-of",
            StatusCode::NOT_FOUND,
            "no stored report",
        ),
        ("/teams/@nobody", StatusCode::NOT_FOUND, "@nobody"),
        ("/campaigns/77", StatusCode::NOT_FOUND, "77"),
        ("/campaigns/x", StatusCode::BAD_REQUEST, "campaign id"),
        ("/badge/acme/nothing.svg", StatusCode::NOT_FOUND, "no unit"),
        ("/static/nope.js", StatusCode::NOT_FOUND, "nope.js"),
    ] {
        let p = get(&app, path, Who::Nobody).await;
        assert_eq!(p.status, status, "{path}: {}", p.body);
        assert!(
            p.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(p.body.contains(words), "{path}: {}", p.body);
        assert!(p.body.contains("<h1>"), "{path}");
    }
}

#[tokio::test]
async fn no_page_is_reachable_without_the_right_role() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    for path in PAGES.iter().chain(&[
        "/badge/acme/pay/pay.svg",
        "/campaigns/new",
        "/campaigns/1/edit",
    ]) {
        let p = get(&app, path, Who::Nobody).await;
        if path.starts_with("/badge") {
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{path}");
            continue;
        }
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            p.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next=/"),
            "{path}"
        );
        let p = get(&app, path, Who::Bearer(&fleet.upload)).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}: {}", p.body);
    }
    // A reader sees pages, not the admin forms.
    let reader = sign_in(&app, &fleet.read).await;
    for path in ["/campaigns/new", "/campaigns/1/edit"] {
        assert_eq!(
            get(&app, path, Who::Cookie(&reader)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let page = get(&app, "/campaigns", Who::Cookie(&reader)).await;
    let csrf = csrf_of(&page.body);
    let p = post(
        &app,
        "/campaigns",
        Who::Cookie(&reader),
        &format!("csrf={csrf}&name=x&target_level=gold"),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // An upload token cannot sign in.
    let form = get(&app, "/login", Who::Nobody).await;
    let c = form.headers[header::SET_COOKIE].to_str().unwrap();
    let nonce = c.split(';').next().unwrap().split_once('=').unwrap().1;
    let p = post(
        &app,
        "/login",
        Who::Cookie(&format!("shs_login={nonce}")),
        &format!("csrf={nonce}&token={}", fleet.upload),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    assert!(p.body.contains("needs scope read or admin"));
    // --public-read opens the pages, never the admin forms.
    let open = fleet.app(true);
    assert_eq!(get(&open, "/", Who::Nobody).await.status, StatusCode::OK);
    assert_eq!(
        get(&open, "/campaigns/new", Who::Nobody).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn every_form_post_needs_the_csrf_token() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    let admin = sign_in(&app, &fleet.admin).await;
    let body = "name=x&target_level=gold";
    for (uri, extra) in [
        ("/campaigns", body),
        ("/campaigns/1", body),
        ("/logout", ""),
    ] {
        for token in [
            "",
            "&csrf=",
            "&csrf=0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            let p = post(&app, uri, Who::Cookie(&admin), &format!("{extra}{token}")).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{uri} {token}: {}", p.body);
            assert!(p.body.contains("CSRF"), "{uri}");
        }
    }
    // The sign-in form's own token: a POST without the cookie's value is refused.
    let p = post(
        &app,
        "/login",
        Who::Nobody,
        &format!("csrf=abc&token={}", fleet.read),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = post(
        &app,
        "/login",
        Who::Cookie("shs_login=abc"),
        &format!("csrf=abd&token={}", fleet.read),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // Every POST form on every page carries the token of the session.
    let csrf = csrf_of(&get(&app, "/", Who::Cookie(&admin)).await.body);
    for path in PAGES.iter().chain(&["/campaigns/new", "/campaigns/1/edit"]) {
        let p = get(&app, path, Who::Cookie(&admin)).await;
        let forms = p.body.matches("method=\"post\"").count();
        let tokens = p
            .body
            .matches(&format!("name=\"csrf\" value=\"{csrf}\""))
            .count();
        assert!(
            forms >= 1 && forms == tokens,
            "{path}: {forms} forms, {tokens} tokens"
        );
    }
    // With the token, the edit goes through and logout ends the session.
    let p = post(
        &app,
        "/campaigns/1",
        Who::Cookie(&admin),
        &format!("csrf={csrf}&name=Renamed&target_level=gold"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(
        get(&app, "/campaigns/1", Who::Cookie(&admin))
            .await
            .body
            .contains("Renamed")
    );
    let p = post(
        &app,
        "/logout",
        Who::Cookie(&admin),
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let log = fleet.store.audit_log(50).await.unwrap();
    assert!(log.iter().any(|e| e.action == "session.close"), "{log:?}");
    assert_eq!(
        get(&app, "/", Who::Cookie(&admin)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn injected_markup_is_rendered_inert() {
    let fleet = seed::fleet().await;
    let app = fleet.app(true);
    let mut seen = [false; 3];
    for path in [
        "/",
        "/units/4",
        "/units/3",
        "/waivers",
        "/checks/security/no-committed-secrets",
        "/teams/@acme/platform",
    ] {
        let p = get(&app, path, Who::Nobody).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        for (i, bad) in [INJECTED_NAME, INJECTED_MESSAGE, INJECTED_REASON]
            .iter()
            .enumerate()
        {
            assert!(!p.body.contains(bad), "{path} carries {bad} unescaped");
            let escaped = bad
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#x27;")
                .replace('/', "&#x2f;");
            seen[i] |= p.body.contains(&escaped);
        }
        assert!(
            !p.body.contains("<script>") && !p.body.contains("onerror=alert")
                || p.body.contains("&lt;"),
            "{path}"
        );
    }
    assert_eq!(
        seen,
        [true, true, true],
        "each injection attempt is shown, escaped"
    );
}

#[tokio::test]
async fn pages_have_a_strict_csp_and_no_inline_code() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    let cookie = sign_in(&app, &fleet.admin).await;
    for path in PAGES
        .iter()
        .chain(&["/login", "/campaigns/new", "/units/999"])
    {
        let p = get(&app, path, Who::Cookie(&cookie)).await;
        let csp = p.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("style-src 'self'")
                && !csp.contains("unsafe"),
            "{path}"
        );
        assert_eq!(p.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        for tag in regex_lite(&p.body) {
            let (closing, name, attrs, _) = tag;
            if closing {
                continue;
            }
            assert_ne!(name, "style", "{path}: inline <style>");
            if name == "script" {
                assert!(
                    attrs.iter().any(|(k, _)| k == "src"),
                    "{path}: inline <script>"
                );
            }
            for (k, _) in &attrs {
                assert!(
                    k != "style" && !k.starts_with("on") && !k.starts_with("hx-on"),
                    "{path}: inline {k}"
                );
            }
        }
    }
    let css = get(&app, "/static/app.css", Who::Nobody).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = css.headers[header::ETAG].to_str().unwrap().to_string();
    let again = send(
        &app,
        Request::get("/static/app.css")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let js = get(&app, "/static/htmx.min.js", Who::Nobody).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("htmx"));
}

#[tokio::test]
async fn accessibility_basics() {
    let fleet = seed::fleet().await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    let cookie = sign_in(&app, &fleet.admin).await;
    for path in PAGES.iter().chain(&["/login", "/campaigns/new"]) {
        let p = get(&app, path, Who::Cookie(&cookie)).await;
        let tags = regex_lite(&p.body);
        let ids: Vec<&str> = tags
            .iter()
            .flat_map(|t| {
                t.2.iter()
                    .filter(|(k, _)| k == "id")
                    .map(|(_, v)| v.as_str())
            })
            .collect();
        let label_for: Vec<&str> = tags
            .iter()
            .filter(|t| t.1 == "label")
            .flat_map(|t| {
                t.2.iter()
                    .filter(|(k, _)| k == "for")
                    .map(|(_, v)| v.as_str())
            })
            .collect();
        for t in &tags {
            let attr = |n: &str| t.2.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
            // Forms: every visible field has a <label for>.
            if !t.0
                && ["input", "select", "textarea"].contains(&t.1.as_str())
                && attr("type") != Some("hidden")
            {
                let id = attr("id").unwrap_or_else(|| panic!("{path}: a {} without id", t.1));
                assert!(label_for.contains(&id), "{path}: field {id} has no label");
            }
            // Charts: an accessible name and description inside.
            if !t.0 && t.1 == "svg" && attr("aria-hidden") != Some("true") {
                let by = attr("aria-labelledby")
                    .unwrap_or_else(|| panic!("{path}: svg without aria-labelledby"));
                for id in by.split(' ') {
                    assert!(ids.contains(&id), "{path}: {id}");
                }
                assert_eq!(attr("role"), Some("img"));
            }
        }
        let svgs = p.body.matches("<svg").count()
            - p.body.matches("aria-hidden=\"true\" focusable").count();
        assert_eq!(
            svgs,
            p.body.matches("<desc").count(),
            "{path}: every chart has a <desc>"
        );
        // ... and a table with the same numbers.
        if svgs > 0 {
            let after = &p.body[p.body.find("</svg>").unwrap()..];
            assert!(after.contains("<table"), "{path}: a chart without a table");
        }
        // Status never by colour alone: every level badge and heat-map cell has text.
        for class in ["class=\"level level-", "class=\"heat band-"] {
            let mut rest = p.body.as_str();
            while let Some(at) = rest.find(class) {
                rest = &rest[at..];
                let text_start = rest.find('>').unwrap() + 1;
                let text_end = rest[text_start..].find('<').unwrap() + text_start;
                assert!(
                    !rest[text_start..text_end].trim().is_empty(),
                    "{path}: {class} without text"
                );
                rest = &rest[text_end..];
            }
        }
    }
}

#[tokio::test]
async fn badges_are_cacheable_with_an_etag() {
    let fleet = seed::fleet().await;
    let app = fleet.app(true);
    for path in [
        "/badge/acme/pay/pay.svg",
        "/badge/acme/pay/..svg",
        "/badge/acme/shop/web.svg",
    ] {
        let b = get(&app, path, Who::Nobody).await;
        assert_eq!(b.status, StatusCode::OK, "{path}: {}", b.body);
        assert_eq!(b.headers[header::CONTENT_TYPE], "image/svg+xml");
    }
    let b = get(&app, "/badge/acme/pay/pay.svg", Who::Nobody).await;
    assert!(b.body.contains("shipshape: gold 90"), "{}", b.body);
    assert!(
        b.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = b.headers[header::ETAG].to_str().unwrap();
    let again = send(
        &app,
        Request::get("/badge/acme/pay/pay.svg")
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn sessions_end_with_their_token() {
    let fleet = seed::fleet().await;
    let app = fleet.app(false);
    let cookie = sign_in(&app, &fleet.read).await;
    let p = get(&app, "/", Who::Cookie(&cookie)).await;
    assert!(p.body.contains("Signed in as reader"));
    // Opening a session is a write: audited.
    let log = fleet.store.audit_log(50).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "session.open" && e.actor.contains("reader")),
        "{log:?}"
    );
    // The JSON twins accept the session for reads.
    assert_eq!(
        get(&app, "/api/v1/fleet", Who::Cookie(&cookie))
            .await
            .status,
        StatusCode::OK
    );
    // Secure outside loopback.
    let form = send(
        &app,
        Request::get("/login")
            .header(header::HOST, "shipshape.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        form.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    // Revoking the token ends the session on the next request.
    let id = fleet
        .store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "reader")
        .unwrap()
        .id;
    fleet
        .store
        .revoke_token(
            id,
            shipshape_server::store::AuditEntry {
                at: 1,
                token_id: None,
                actor: "t".into(),
                action: "token.revoke".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        get(&app, "/", Who::Cookie(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    // A next that points elsewhere is ignored.
    let form = get(&app, "/login?next=//evil.example", Who::Nobody).await;
    assert!(
        form.body.contains("name=\"next\" value=\"&#x2f;\""),
        "{}",
        form.body
    );
}

/// The same pages on PostgreSQL (the dashboard's queries are written once for both).
#[tokio::test]
async fn every_page_renders_on_postgres() {
    let Some(url) = support::fresh_postgres().await else {
        return;
    };
    let fleet = seed::fleet_on(Some(url)).await;
    with_campaign(&fleet).await;
    let app = fleet.app(false);
    for path in PAGES.iter().chain(&[
        "/?stale=30",
        "/?area=security&sort=security",
        "/api/v1/fleet",
        "/api/v1/units/2?against=2",
    ]) {
        let p = get(&app, path, Who::Bearer(&fleet.read)).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
    }
    let v: serde_json::Value = serde_json::from_str(
        &get(&app, "/api/v1/fleet?stale=30", Who::Bearer(&fleet.read))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(v["matching"], 1);
    assert!(v["trend"].as_array().unwrap().len() > 1, "{v}");
    let cookie = sign_in(&app, &fleet.read).await;
    assert_eq!(
        get(&app, "/", Who::Cookie(&cookie)).await.status,
        StatusCode::OK
    );
}
