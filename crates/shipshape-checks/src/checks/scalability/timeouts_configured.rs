//! `scalability/timeouts-configured`: outbound HTTP calls set timeouts.

use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::collections::{BTreeMap, HashSet};

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/timeouts-configured",
        title: "Outbound HTTP calls set timeouts",
        area: Area::Scalability,
        severity: Severity::Low,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services that make outbound HTTP calls",
        rationale: "Many HTTP clients wait forever by default (Python requests, Go's http.DefaultClient, fetch). One slow dependency then holds every worker and connection until the whole service stops answering.",
        evaluation: "A heuristic over the signals recorded in non-test source code: outbound HTTP client calls or client constructions (requests, Go http.Get/http.Client{}, reqwest, ureq, axios, fetch, RestTemplate/WebClient, Faraday, Net::HTTP; clients with a finite default timeout never warn (httpx, aiohttp, Elixir's Req/Finch/HTTPoison, Laravel's `Http`, Flurl): a file that calls one counts as a file whose calls are bounded; other clients with a finite default are not listed: .NET's `HttpClient` gives up after 100 s, OkHttp after 10 s; calls of browser code are the user's browser asking a server, not outbound calls) and timeout settings (`timeout=`/`timeout:`, `.timeout(`, `Timeout:`, connect/read timeouts, AbortSignal.timeout, WithTimeout...). A source file with client calls and no timeout setting anywhere in it warns, with one finding per call site (file:line and the call). Passes when every such file sets a timeout; `n/a` when no outbound HTTP call is found. It is a warning, not a failure, because a timeout may be configured elsewhere (a shared client, a service mesh).",
        remediation: "Set explicit connect and total timeouts on every client: `requests.get(url, timeout=(3, 10))`, `&http.Client{Timeout: 10 * time.Second}`, `reqwest::Client::builder().timeout(Duration::from_secs(10))`, `fetch(url, {signal: AbortSignal.timeout(10_000)})`, `axios.create({timeout: 10000})`.",
        references: &[
            "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
            "https://blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/",
        ],
    },
    run,
};

fn run(ctx: &Ctx) -> Verdict {
    let with_timeout: HashSet<&str> = ctx
        .signals(SignalKind::HttpTimeout)
        .map(|s| s.path.as_str())
        .collect();
    let mut calls: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for s in ctx.signals(SignalKind::HttpClient) {
        calls.entry(s.path.as_str()).or_default().push(s);
    }
    // Clients with a finite default timeout never warn: a file that calls one is bounded
    // whether or not it sets a timeout of its own (monica's Laravel `Http::get`, 30 s;
    // paperless-ngx's httpx, 5 s).
    let bounded: HashSet<&str> = ctx
        .signals(SignalKind::BoundedHttpClient)
        .map(|s| s.path.as_str())
        .filter(|p| !calls.contains_key(p))
        .collect();
    if calls.is_empty() && bounded.is_empty() {
        return Verdict::not_applicable("no outbound HTTP client call found in non-test code");
    }
    let files = calls.len() + bounded.len();
    let mut findings = Vec::new();
    for (path, hits) in &calls {
        if with_timeout.contains(path) {
            continue;
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for h in hits {
            let n = seen.entry(h.text.as_str()).or_insert(0);
            *n += 1;
            findings.push(
                Finding::at(
                    Location::line(*path, h.line),
                    "outbound HTTP call with no timeout set in this file",
                )
                .with_snippet(h.text.clone())
                .with_key(format!("{}#{}", h.text, n)),
            );
        }
    }
    if findings.is_empty() {
        Verdict::pass(format!(
            "{files} file(s) with HTTP clients all set timeouts or use clients with finite default timeouts"
        ))
    } else {
        Verdict::warn(
            format!(
                "{} HTTP call site(s) in files that set no timeout",
                findings.len()
            ),
            findings,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");

    #[test]
    fn per_file_timeouts() {
        let bad = "import requests\n\ndef rates():\n    return requests.get(URL).json()\n";
        let v = run_on_files(&CHECK, &[SVC, ("app/rates.py", bad)]);
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(4));
        let good =
            "import requests\n\ndef rates():\n    return requests.get(URL, timeout=5).json()\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("app/rates.py", good)]).outcome,
            Outcome::Pass
        );
        let go = "package x\nvar c = &http.Client{Timeout: 10 * time.Second}\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("pkg/c.go", go), ("tests/t.py", bad)]).outcome,
            Outcome::Pass
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("src/lib.rs", "pub fn a() {}")]).outcome,
            Outcome::NotApplicable
        );
    }

    /// paperless-ngx, livebook, hexpm (#13): clients whose default timeout is finite
    /// (httpx, Req, Finch) never warn; with a timeout set beside them they are evidence.
    #[test]
    fn finite_default_clients_never_warn() {
        let httpx = "import httpx\n\ndef rates():\n    return httpx.get(URL).json()\n";
        // monica (#13): Laravel's `Http::get` alone (30 s default) was n/a; it is bounded.
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("app/rates.py", httpx)]).outcome,
            Outcome::Pass
        );
        let req = "defmodule S3 do\n  def get(p), do: Req.get(req(), url: p, receive_timeout: 15_000)\nend\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("lib/s3.ex", req)]).outcome,
            Outcome::Pass
        );
    }

    /// gotify, navidrome, kestra, Kavita (#13): a browser application's axios/fetch calls
    /// (its package.json has a UI framework and no server) are not outbound calls; a
    /// Phoenix `assets/js` file neither.
    #[test]
    fn browser_code_is_not_outbound() {
        let ui = (
            "ui/package.json",
            r#"{"dependencies":{"react":"18","react-dom":"18","axios":"1"}}"#,
        );
        let store = (
            "ui/src/AppStore.ts",
            "export const load = () => axios.get('/application');\n",
        );
        let assets = (
            "assets/js/app.js",
            "export function go(u) { return fetch(u); }\n",
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ui, store, assets]).outcome,
            Outcome::NotApplicable
        );
        let server = (
            "server/index.ts",
            "export const up = () => axios.get(UPSTREAM);\n",
        );
        let v = run_on_files(&CHECK, &[SVC, ui, store, server]);
        assert_eq!(v.outcome, Outcome::Warn);
        assert_eq!(v.findings.len(), 1);
    }
}
