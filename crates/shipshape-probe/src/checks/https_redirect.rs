//! `probe/https-redirect`: a plain-http target sends browsers to https on the same host.
//!
//! The probe never contacts another scheme, port or host on its own: it judges only
//! the answer of the URL it was given. An https target is therefore not applicable
//! (probe `http://host/` to judge its redirect), and so is an http target that serves
//! content itself (an internal service reached over plain http).

use super::{CheckOutcome, Phase, ProbeCheck, at};
use crate::observe::Observations;
use shipshape_model::{Area, Severity};

pub const CHECK: ProbeCheck = ProbeCheck {
    id: "probe/https-redirect",
    title: "Plain http redirects to https on the same host",
    area: Area::Security,
    severity: Severity::Medium,
    applies_to: "http:// targets that redirect to https (live probe)",
    rationale: "The first request of a user who types the bare name goes over plain http: only an immediate redirect to https on the same host lets HSTS take over from there.",
    evaluation: "The base URL's answer, when the target is http:// and it redirects (301, 302, 303, 307, 308) to https. Pass: Location is https on the same host. Warn: https on another host (that host's HSTS never covers this name), or a temporary redirect (302/303/307: nothing is cached). Not applicable: an https target (the probe does not try port 80 by itself), an http target that answers without a redirect to https.",
    remediation: "Answer every plain-http request with `301` (or `308`) and `Location: https://<same host><same path>`, e.g. nginx `return 301 https://$host$request_uri;`, Caddy's automatic HTTPS.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections",
        "https://www.rfc-editor.org/rfc/rfc6797#section-7.2",
    ],
    needs: &[Phase::Root],
    evaluate,
};

/// The host of an absolute URL, lowercase, without port or userinfo.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    Some(host.to_ascii_lowercase())
}

fn evaluate(o: &Observations) -> CheckOutcome {
    if o.target.https {
        return CheckOutcome::na(
            "https target: the probe does not contact http:// on its own; probe http://HOST/ to judge the redirect",
        );
    }
    let ex = &o.root;
    let Some(r) = ex.response() else {
        return CheckOutcome::error("no answer from the base URL");
    };
    let location = r.header("location").map(str::trim);
    let to_https = location.filter(|l| l.len() > 8 && l[..8].eq_ignore_ascii_case("https://"));
    let (true, Some(loc)) = (matches!(r.status, 301 | 302 | 303 | 307 | 308), to_https) else {
        return CheckOutcome::na(format!(
            "the http target answers {}{} without redirecting to https (judged as served over http)",
            r.status,
            location.map_or(String::new(), |l| format!(" (Location: {l})"))
        ));
    };
    let shown = &["location"];
    let same_host = host_of(loc).is_some_and(|h| h == o.target.host.to_ascii_lowercase());
    if !same_host {
        return CheckOutcome::warn(format!(
            "redirects to https on another host ({loc}): HSTS of that host does not cover {}",
            o.target.host
        ))
        .with(at(ex, "off-host redirect to https", shown));
    }
    if matches!(r.status, 302 | 303 | 307) {
        return CheckOutcome::warn(format!(
            "temporary redirect {} to {loc}: use 301 or 308 so that clients remember it",
            r.status
        ))
        .with(at(ex, "temporary redirect to https", shown));
    }
    CheckOutcome::pass(format!("{} redirects to {loc}", r.status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::target::Target;
    use shipshape_model::Outcome;

    fn redirect(status: u16, location: &str) -> CheckOutcome {
        let mut o = obs();
        o.root = ex("GET /", resp(status, &[("location", location)], ""));
        evaluate(&o)
    }

    #[test]
    fn permanent_redirect_to_https_on_the_same_host_passes() {
        assert_eq!(redirect(301, "https://127.0.0.1/").outcome, Outcome::Pass);
        assert_eq!(
            redirect(308, "HTTPS://127.0.0.1:8443/x?y").outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn off_host_or_temporary_redirects_warn() {
        assert_eq!(
            redirect(301, "https://www.example.com/").outcome,
            Outcome::Warn
        );
        assert_eq!(redirect(302, "https://127.0.0.1/").outcome, Outcome::Warn);
    }

    #[test]
    fn no_redirect_or_https_target_is_not_applicable() {
        assert_eq!(evaluate(&obs()).outcome, Outcome::NotApplicable);
        assert_eq!(redirect(301, "/login").outcome, Outcome::NotApplicable);
        assert_eq!(
            redirect(301, "http://127.0.0.1/").outcome,
            Outcome::NotApplicable
        );
        let mut o = obs();
        o.target = Target::parse("https://127.0.0.1:8443").unwrap();
        assert_eq!(evaluate(&o).outcome, Outcome::NotApplicable);
    }

    #[test]
    fn hosts_are_read_from_locations() {
        assert_eq!(
            host_of("https://u:p@Example.COM:8443/a").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("https://[::1]:8443/").as_deref(), Some("::1"));
    }
}
