//! Builders of in-memory observations for the checks' unit tests.

use crate::observe::{Exchange, NetError, Observations, Response, Timing};
use crate::target::Target;
use std::time::Duration;

pub fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        reason: String::new(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        body_truncated: false,
        timing: Timing {
            connect: None,
            tls: None,
            first_byte: Duration::from_millis(5),
            total: Duration::from_millis(5),
        },
        received_at: 1_700_000_000.0,
    }
}

pub fn ex(request: &str, r: Response) -> Exchange {
    Exchange {
        request: request.to_string(),
        sent_headers: Vec::new(),
        result: Ok(r),
        elapsed: Duration::from_millis(5),
        started_at: 1_700_000_000.0,
        body_sent: None,
    }
}

pub fn failed(request: &str, e: NetError) -> Exchange {
    Exchange {
        request: request.to_string(),
        sent_headers: Vec::new(),
        result: Err(e),
        elapsed: Duration::from_millis(5),
        started_at: 1_700_000_000.0,
        body_sent: None,
    }
}

/// Observations of a reachable target that answered `GET /` with 200 and nothing else.
pub fn obs() -> Observations {
    Observations {
        target: Target::parse("http://127.0.0.1:8080").expect("static URL"),
        authenticated: false,
        root: ex(
            "GET /",
            resp(200, &[("content-type", "application/json")], "{}"),
        ),
        tls: None,
        unknown_path: None,
        methods: vec![],
        directories: vec![],
        liveness: None,
        liveness_tried: vec![],
        readiness: None,
        readiness_tried: vec![],
        health_series: vec![],
        management: vec![],
        metrics: None,
        metrics_tried: vec![],
        trace: None,
        trace_malformed: vec![],
        cors: vec![],
        cors_origin: "https://probe.invalid".into(),
        malformed: vec![],
        hostile: vec![],
        oversized: vec![],
        survived: None,
        slow: vec![],
        load: None,
        skipped: vec![],
        windows: vec![],
        budget_cut: vec![],
        down: vec![],
    }
}
