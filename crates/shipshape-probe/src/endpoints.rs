//! The user's real routes and load thresholds: `--endpoint 'POST /api/items'`,
//! `--openapi FILE` (extraction from an already parsed document) and
//! `--threshold 'p95<300ms'`. Pure parsing: no disk, no network.

use std::fmt;

/// Most body endpoints (POST/PUT/PATCH) and most load endpoints (GET) probed; the rest
/// are named in a report diagnostic.
pub const MAX_ENDPOINTS: usize = 8;

/// Methods accepted in an endpoint.
pub const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// One route of the service: a method and a path below the target URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    /// Starts with `/`; may carry a query.
    pub path: String,
}

impl Route {
    /// Malformed and oversized bodies go to POST, PUT and PATCH routes.
    pub fn takes_body(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PUT" | "PATCH")
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Parse `METHOD /path`. A full URL is refused: endpoints are paths on the target.
pub fn parse_endpoint(text: &str) -> Result<Route, String> {
    let t = text.trim();
    let (method, path) = t
        .split_once(char::is_whitespace)
        .map(|(m, p)| (m, p.trim()))
        .ok_or_else(|| format!("`{text}` is not `METHOD /path` (write e.g. `POST /api/items`)"))?;
    let upper = method.to_ascii_uppercase();
    if !METHODS.contains(&upper.as_str()) {
        return Err(format!(
            "`{text}`: unknown method `{method}` (use one of {})",
            METHODS.join(", ")
        ));
    }
    if path.contains("://") || path.starts_with("//") {
        let rest = path.split_once("://").map_or(path, |(_, r)| r);
        let rest = rest.trim_start_matches('/');
        let suggestion = rest.find('/').map_or("/", |i| &rest[i..]);
        return Err(format!(
            "`{text}`: an endpoint is a path on the probed URL, not a URL of its own (write `{upper} {suggestion}`; the host comes from the probed URL)"
        ));
    }
    if !path.starts_with('/')
        || path
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'#' || b >= 0x80)
    {
        return Err(format!(
            "`{text}`: the path must start with `/` and contain no spaces, `#` or non-ASCII bytes (write e.g. `{upper} /api/items`)"
        ));
    }
    Ok(Route {
        method: upper,
        path: path.to_string(),
    })
}

/// What an OpenAPI document gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenApiRoutes {
    /// `POST /items` for every operation with a `requestBody`, `GET /items` for every GET
    /// without a path template, in document order.
    pub routes: Vec<Route>,
    /// Operations left out and why (`GET /items/{id}: path parameter`).
    pub skipped: Vec<String>,
}

/// Routes from an OpenAPI 3.0/3.1 document (parsed from JSON or YAML into a JSON value).
/// Operations whose path has a `{param}` template are skipped: a made-up id reaches a
/// "not found" branch, not the handler that parses bodies, and would mislead the checks.
/// `servers` is ignored: routes are joined to the probed URL.
pub fn openapi_routes(doc: &serde_json::Value) -> Result<OpenApiRoutes, String> {
    let version = doc.get("openapi").and_then(|v| v.as_str()).ok_or_else(|| {
        if doc.get("swagger").is_some() {
            "a Swagger 2.0 document: give an OpenAPI 3.0 or 3.1 one".to_string()
        } else {
            "no `openapi` version field: not an OpenAPI 3 document".to_string()
        }
    })?;
    if !version.starts_with("3.") {
        return Err(format!(
            "OpenAPI version `{version}` is not supported (3.0 or 3.1)"
        ));
    }
    let Some(paths) = doc.get("paths") else {
        return Ok(OpenApiRoutes::default());
    };
    let paths = paths
        .as_object()
        .ok_or_else(|| "`paths` is not a mapping".to_string())?;
    let mut out = OpenApiRoutes::default();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (key, op) in item {
            let method = key.to_ascii_uppercase();
            if !METHODS.contains(&method.as_str()) || !op.is_object() {
                continue; // parameters, summary, servers, $ref, trace…
            }
            let label = format!("{method} {path}");
            let has_body = op.get("requestBody").is_some();
            let wanted =
                has_body && matches!(method.as_str(), "POST" | "PUT" | "PATCH") || method == "GET";
            if !wanted {
                continue;
            }
            if path.contains('{') {
                out.skipped.push(format!("{label}: path parameter"));
                continue;
            }
            if method == "GET" && requires_query(op) {
                out.skipped
                    .push(format!("{label}: required query parameter"));
                continue;
            }
            match parse_endpoint(&label) {
                Ok(r) => out.routes.push(r),
                Err(e) => out.skipped.push(e),
            }
        }
    }
    Ok(out)
}

fn requires_query(op: &serde_json::Value) -> bool {
    op.get("parameters")
        .and_then(|p| p.as_array())
        .is_some_and(|ps| {
            ps.iter().any(|p| {
                p.get("in").and_then(|v| v.as_str()) == Some("query")
                    && p.get("required").and_then(|v| v.as_bool()) == Some(true)
            })
        })
}

/// A measure of the main load phase a threshold is put on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    P50,
    P95,
    P99,
    Max,
    /// Errors (HTTP ≥ 400, timeouts, resets, unsent) over requests scheduled.
    Errors,
    /// Achieved rate over the asked rate.
    Rate,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::Max => "max",
            Metric::Errors => "errors",
            Metric::Rate => "rate",
        }
    }

    pub fn is_latency(self) -> bool {
        !matches!(self, Metric::Errors | Metric::Rate)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    pub fn holds(self, observed: f64, limit: f64) -> bool {
        match self {
            Op::Lt => observed < limit,
            Op::Le => observed <= limit,
            Op::Gt => observed > limit,
            Op::Ge => observed >= limit,
        }
    }
}

/// One k6-style threshold: `p95<300ms`, `errors<1%`, `rate>=95%`.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub metric: Metric,
    pub op: Op,
    /// Milliseconds for latencies, a fraction (0.01) for errors and rate.
    pub limit: f64,
    /// As the user wrote it, normalised (`p95<300ms`).
    pub text: String,
}

/// The forms a threshold may take, for error messages.
pub const THRESHOLD_FORMS: &str = "p50|p95|p99|max with <, <=, > or >= and a duration in ms or s (`p95<300ms`, `p99<1s`), or errors|rate with a percentage (`errors<1%`, `rate>=95%`)";

/// Parse one threshold strictly.
pub fn parse_threshold(text: &str) -> Result<Threshold, String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bad = |why: &str| format!("threshold `{text}`: {why}; valid forms: {THRESHOLD_FORMS}");
    let at = t
        .find(['<', '>'])
        .ok_or_else(|| bad("no comparison operator"))?;
    let (name, rest) = t.split_at(at);
    let metric = match name.to_ascii_lowercase().as_str() {
        "p50" | "med" => Metric::P50,
        "p95" => Metric::P95,
        "p99" => Metric::P99,
        "max" => Metric::Max,
        "errors" => Metric::Errors,
        "rate" => Metric::Rate,
        "" => return Err(bad("no metric")),
        _ => return Err(bad(&format!("unknown metric `{name}`"))),
    };
    let (op, value) = if let Some(v) = rest.strip_prefix("<=") {
        (Op::Le, v)
    } else if let Some(v) = rest.strip_prefix(">=") {
        (Op::Ge, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Op::Lt, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Gt, v)
    } else {
        return Err(bad("no comparison operator"));
    };
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (num, unit) = value.split_at(split);
    let n: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| bad(&format!("`{value}` is not a number with a unit")))?;
    let limit = if metric.is_latency() {
        match unit {
            "ms" => n,
            "s" => n * 1000.0,
            "" => return Err(bad("a latency needs a unit (ms or s)")),
            u => return Err(bad(&format!("unknown unit `{u}` for a latency (ms or s)"))),
        }
    } else {
        match unit {
            "%" if n <= 100.0 => n / 100.0,
            "%" => return Err(bad("a percentage is at most 100%")),
            "" => return Err(bad(&format!("{} needs a percentage (`%`)", metric.name()))),
            u => {
                return Err(bad(&format!(
                    "unknown unit `{u}` for {} (use %)",
                    metric.name()
                )));
            }
        }
    };
    if metric.is_latency() && limit > 600_000.0 {
        return Err(bad("a latency limit is at most 600s"));
    }
    Ok(Threshold {
        metric,
        op,
        limit,
        text: format!("{}{}{num}{unit}", metric.name(), op.symbol()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn endpoints_parse_and_refuse_other_hosts() {
        assert_eq!(
            parse_endpoint("post /api/items").unwrap(),
            Route {
                method: "POST".into(),
                path: "/api/items".into()
            }
        );
        assert_eq!(
            parse_endpoint("GET /search?q=a").unwrap().path,
            "/search?q=a"
        );
        let e = parse_endpoint("POST https://evil.example/api/items").unwrap_err();
        assert!(e.contains("`POST /api/items`"), "{e}");
        assert!(
            parse_endpoint("FETCH /x")
                .unwrap_err()
                .contains("unknown method")
        );
        assert!(
            parse_endpoint("POST api/items")
                .unwrap_err()
                .contains("start with `/`")
        );
        assert!(parse_endpoint("/api/items").is_err());
        assert!(parse_endpoint("POST //evil.example/x").is_err());
    }

    #[test]
    fn thresholds_parse_strictly() {
        let t = parse_threshold("p95 < 300ms").unwrap();
        assert_eq!((t.metric, t.op, t.limit), (Metric::P95, Op::Lt, 300.0));
        assert_eq!(t.text, "p95<300ms");
        assert_eq!(parse_threshold("p99<1s").unwrap().limit, 1000.0);
        assert_eq!(parse_threshold("errors<1%").unwrap().limit, 0.01);
        let r = parse_threshold("rate>=95%").unwrap();
        assert_eq!((r.metric, r.op), (Metric::Rate, Op::Ge));
        for bad in [
            "p90<300ms",
            "p95<300",
            "p95<300us",
            "errors<1",
            "errors<200%",
            "p95=300ms",
            "<300ms",
            "p95<ms",
        ] {
            let e = parse_threshold(bad).unwrap_err();
            assert!(e.contains("valid forms"), "{bad}: {e}");
        }
    }

    proptest! {
        #[test]
        fn threshold_parser_never_panics(s in ".{0,40}") {
            let _ = parse_threshold(&s);
        }

        #[test]
        fn written_thresholds_round_trip(m in 0usize..4, op in 0usize..4, n in 1u32..100_000) {
            let name = ["p50", "p95", "p99", "max"][m];
            let sym = ["<", "<=", ">", ">="][op];
            let t = parse_threshold(&format!("{name}{sym}{n}ms")).unwrap();
            prop_assert_eq!(t.limit, f64::from(n));
            prop_assert_eq!(parse_threshold(&t.text).unwrap(), t);
        }
    }

    #[test]
    fn openapi_gives_body_and_load_routes_and_skips_templates() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/items": {
                    "get": {"responses": {}},
                    "post": {"requestBody": {"content": {"application/json": {}}}},
                    "parameters": []
                },
                "/items/{id}": {
                    "get": {}, "put": {"requestBody": {}}
                },
                "/search": {"get": {"parameters": [{"name": "q", "in": "query", "required": true}]}},
                "/logout": {"post": {}}
            }
        });
        let r = openapi_routes(&doc).unwrap();
        let names: Vec<String> = r.routes.iter().map(Route::to_string).collect();
        assert_eq!(names, ["GET /items", "POST /items"]);
        assert_eq!(
            r.skipped,
            [
                "GET /items/{id}: path parameter",
                "PUT /items/{id}: path parameter",
                "GET /search: required query parameter"
            ]
        );
    }

    #[test]
    fn malformed_openapi_documents_are_refused_with_a_reason() {
        assert!(
            openapi_routes(&json!({"swagger": "2.0"}))
                .unwrap_err()
                .contains("Swagger 2.0")
        );
        assert!(
            openapi_routes(&json!({"openapi": "3.0.3", "paths": []}))
                .unwrap_err()
                .contains("not a mapping")
        );
        assert!(openapi_routes(&json!([1, 2])).is_err());
    }
}
