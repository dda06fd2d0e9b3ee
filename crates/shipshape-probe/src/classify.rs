//! What a response body *is*, judged from its bytes and headers rather than its status:
//! a health answer, a metrics exposition, a heap dump, a pprof profile. Pure functions
//! shared by `gather` (to choose which discovered path to keep) and the checks (to
//! decide and to say what was observed). Nothing here touches the network.

use crate::metrics_text;
use crate::observe::Response;
use std::io::Read;

/// Largest body still taken as a plain-text health answer (`ok`, `Prometheus Server is Healthy.`).
pub const HEALTH_TEXT_MAX: usize = 1024;
/// Largest body still taken as a JSON health answer (Spring Actuator with details).
pub const HEALTH_JSON_MAX: usize = 64 * 1024;

/// A short description of a body for evidence: `text/plain, 1.3 MB`.
pub fn describe_body(r: &Response) -> String {
    let ty = r.media_type().unwrap_or_else(|| "no Content-Type".into());
    format!("{ty}, {}", human_bytes(r.body.len() as u64))
}

/// `512 B`, `3.4 KB`, `1.3 MB`.
pub fn human_bytes(n: u64) -> String {
    if n < 1000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} KB", n as f64 / 1000.0)
    } else {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    }
}

/// Samples in `body` when it parses as a Prometheus/OpenMetrics exposition with samples.
pub fn exposition_samples(body: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(body) else {
        return 0;
    };
    if !text.contains('\n') && text.len() > 200 {
        return 0;
    }
    let exp = metrics_text::parse(text, false);
    // A few parse errors are tolerated (the page may be cut or slightly off); a page that
    // is mostly not samples is not an exposition.
    let samples = exp.sample_count();
    if samples > 0 && samples >= exp.errors.len() {
        samples
    } else {
        0
    }
}

/// Why this response is not a health answer, or `None` when it looks like one.
///
/// A health answer is small: an empty body (204 or 200), `application/health+json`,
/// a JSON document, or a short plain-text line. The metrics page, an HTML index, a
/// binary body or a large text are not health answers, whatever the status.
pub fn health_body_problem(r: &Response) -> Option<String> {
    if r.body.is_empty() {
        return None;
    }
    let media = r.media_type().unwrap_or_default();
    if r.is_html() || looks_like_html(&r.body) {
        return Some(format!(
            "the body is an HTML page ({}), not a health answer",
            describe_body(r)
        ));
    }
    let samples = exposition_samples(&r.body);
    if samples > 1 {
        return Some(format!(
            "the body is a metrics exposition ({samples} samples, {}), not a health answer",
            describe_body(r)
        ));
    }
    if r.is_json_type() || media == "application/health+json" || r.json().is_some() {
        if r.body.len() > HEALTH_JSON_MAX {
            return Some(format!(
                "the JSON body is too large for a health answer ({})",
                describe_body(r)
            ));
        }
        return None;
    }
    let texty = media.is_empty() || media.starts_with("text/plain");
    let printable = std::str::from_utf8(&r.body)
        .is_ok_and(|t| t.chars().all(|c| !c.is_control() || c.is_whitespace()));
    if !texty || !printable {
        return Some(format!(
            "the body is not text or JSON ({}), not a health answer",
            describe_body(r)
        ));
    }
    if r.body.len() > HEALTH_TEXT_MAX {
        return Some(format!(
            "the text body is too large for a health answer ({})",
            describe_body(r)
        ));
    }
    None
}

fn looks_like_html(body: &[u8]) -> bool {
    let head: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

/// Why this response is not a metrics exposition, or `None` when it is one: a
/// Prometheus text (`text/plain`) or OpenMetrics content type, or none at all, and samples.
pub fn metrics_body_problem(r: &Response, samples: usize) -> Option<String> {
    let media = r.media_type().unwrap_or_default();
    let typed =
        media.is_empty() || media == "text/plain" || media == "application/openmetrics-text";
    if !typed {
        return Some(format!(
            "{media} is not a metrics content type (text/plain; version=0.0.4 or application/openmetrics-text)"
        ));
    }
    if samples == 0 {
        return Some(format!(
            "no metric samples in the body ({})",
            describe_body(r)
        ));
    }
    None
}

/// The first bytes of a gzip stream inflated (at most `max`), when `body` is gzip.
pub fn gunzip_prefix(body: &[u8], max: usize) -> Option<Vec<u8>> {
    if !body.starts_with(&[0x1f, 0x8b, 0x08]) {
        return None;
    }
    let mut out = Vec::new();
    let mut d = flate2::read::GzDecoder::new(body).take(max as u64);
    match d.read_to_end(&mut out) {
        Ok(_) => Some(out),
        // A cut body still inflates its first bytes.
        Err(_) if !out.is_empty() => Some(out),
        Err(_) => None,
    }
}

/// What heap-dump format `body` is in, by its magic bytes: HPROF (`JAVA PROFILE 1.0.x`),
/// gzip-compressed HPROF, or an OpenJ9 portable heap dump.
pub fn heap_dump_format(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"JAVA PROFILE 1.0.") {
        return Some("HPROF");
    }
    if body.len() > 2 && body[2..].starts_with(b"portable heap dump") {
        return Some("OpenJ9 PHD");
    }
    let inflated = gunzip_prefix(body, 64)?;
    inflated
        .starts_with(b"JAVA PROFILE 1.0.")
        .then_some("gzip-compressed HPROF")
}

/// True when `body` is a pprof profile: gzip-compressed protobuf whose first field is
/// `sample_type` (field 1, length-delimited) — what Go's net/http/pprof serves.
pub fn is_pprof_profile(body: &[u8]) -> bool {
    gunzip_prefix(body, 16).is_some_and(|p| p.first() == Some(&0x0a) && p.len() > 2)
}

/// True when `text` is the index page of Go's net/http/pprof.
pub fn is_pprof_index(text: &str) -> bool {
    text.contains("Types of profiles available")
        || (text.contains("goroutine?debug=") && text.contains("heap?debug="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::resp;

    #[test]
    fn metrics_page_and_html_are_not_health_answers() {
        let page = "# HELP up x\n# TYPE up gauge\nup 1\nfoo_total 3\nbar 2\n";
        let r = resp(200, &[("content-type", "text/plain; version=0.0.4")], page);
        assert!(
            health_body_problem(&r)
                .unwrap()
                .contains("metrics exposition")
        );
        let r = resp(200, &[("content-type", "text/html")], "<html>hi</html>");
        assert!(health_body_problem(&r).unwrap().contains("HTML"));
        let r = resp(
            200,
            &[("content-type", "text/plain")],
            "Prometheus Server is Healthy.\n",
        );
        assert_eq!(health_body_problem(&r), None);
        let r = resp(
            200,
            &[("content-type", "application/json")],
            "{\"status\":\"UP\"}",
        );
        assert_eq!(health_body_problem(&r), None);
        let r = resp(
            200,
            &[("content-type", "application/octet-stream")],
            "\0\0\0",
        );
        assert!(health_body_problem(&r).is_some());
        let r = resp(200, &[], &"x".repeat(5000));
        assert!(health_body_problem(&r).unwrap().contains("too large"));
    }

    #[test]
    fn octet_stream_without_magic_is_not_a_heap_dump() {
        assert_eq!(
            heap_dump_format(b"this is 38 bytes of nothing in partic"),
            None
        );
        assert_eq!(
            heap_dump_format(b"JAVA PROFILE 1.0.2\0\0\0\x04"),
            Some("HPROF")
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"JAVA PROFILE 1.0.2\0rest").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(heap_dump_format(&gz), Some("gzip-compressed HPROF"));
        assert!(!is_pprof_profile(&gz));
    }

    #[test]
    fn nul_bytes_are_not_metrics() {
        let nul = vec![0u8; 100_000];
        assert_eq!(exposition_samples(&nul), 0);
        let r = resp(
            200,
            &[("content-type", "application/octet-stream")],
            "up 1\n",
        );
        assert!(metrics_body_problem(&r, 1).is_some());
        let r = resp(
            200,
            &[("content-type", "text/plain; version=0.0.4")],
            "up 1\n",
        );
        assert_eq!(metrics_body_problem(&r, 1), None);
    }
}
