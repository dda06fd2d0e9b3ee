//! A minimal HTTP/1.1 client over raw TCP or TLS streams, with a deadline on every
//! network operation and per-phase timing (connect, TLS handshake, first byte).
//!
//! Why not hyper: the probe must send deliberately malformed requests (conflicting
//! framing, NUL bytes, invalid UTF-8, oversized heads, trickled bytes) that a correct
//! client library refuses to produce, and must read responses from targets that
//! trickle or never answer. One small client serves both the well-formed and the
//! hostile requests with identical deadlines and timing, and keeps the build lean.
//! It never follows redirects and keeps at most [`BODY_CAP`] bytes of a body.

use crate::observe::{Exchange, NetError, Response, Timing};
use crate::tls::TlsSetup;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// Most body bytes kept from one response.
pub const BODY_CAP: usize = 256 * 1024;
/// Largest response head accepted.
pub const HEAD_CAP: usize = 64 * 1024;
/// The User-Agent the probe sends.
pub const USER_AGENT: &str = concat!("shipshape-probe/", env!("CARGO_PKG_VERSION"));

/// Any byte stream the client can talk HTTP over.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}
/// A connected stream, plain or TLS.
pub type BoxIo = Box<dyn Io>;

/// Opens connections to the target's resolved addresses, plain or TLS.
pub struct Connector {
    pub addrs: Vec<SocketAddr>,
    pub tls: Option<TlsSetup>,
}

/// A fresh connection and how long its phases took.
pub struct Connected {
    pub io: BoxIo,
    pub connect: Duration,
    pub tls: Option<Duration>,
}

fn classify_io(e: &std::io::Error) -> NetError {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => NetError::Refused,
        ConnectionReset | ConnectionAborted | BrokenPipe => NetError::Reset,
        UnexpectedEof => NetError::ClosedEarly,
        _ => NetError::Io(e.to_string()),
    }
}

impl Connector {
    /// Connect (trying each address in turn) and, for https, complete the TLS handshake.
    pub async fn connect(&self, deadline: Instant) -> Result<Connected, NetError> {
        let start = Instant::now();
        let mut last = NetError::Io("no address to connect to".into());
        let mut tcp = None;
        for addr in &self.addrs {
            match timeout_at(deadline, TcpStream::connect(addr)).await {
                Ok(Ok(s)) => {
                    tcp = Some(s);
                    break;
                }
                Ok(Err(e)) => last = classify_io(&e),
                Err(_) => {
                    return Err(NetError::Timeout {
                        phase: "connect".into(),
                    });
                }
            }
        }
        let tcp = tcp.ok_or(last)?;
        let _ = tcp.set_nodelay(true);
        let connect = start.elapsed();
        match &self.tls {
            None => Ok(Connected {
                io: Box::new(tcp),
                connect,
                tls: None,
            }),
            Some(setup) => {
                let t0 = Instant::now();
                let stream = setup.handshake(tcp, deadline).await?;
                Ok(Connected {
                    io: Box::new(stream),
                    connect,
                    tls: Some(t0.elapsed()),
                })
            }
        }
    }
}

/// One well-formed request (the client adds Host, User-Agent, the user's headers,
/// and Content-Length when there is a body).
#[derive(Debug, Clone, Default)]
pub struct Req {
    pub method: String,
    pub path: String,
    /// Headers specific to this request (shown in evidence).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Leave out the user's headers (e.g. to test unauthenticated access).
    pub anonymous: bool,
    /// Most body bytes to keep (`None`: [`BODY_CAP`]); the rest is not read.
    pub body_cap: Option<usize>,
}

impl Req {
    pub fn get(path: impl Into<String>) -> Req {
        Req {
            method: "GET".into(),
            path: path.into(),
            ..Req::default()
        }
    }

    pub fn new(method: &str, path: impl Into<String>) -> Req {
        Req {
            method: method.into(),
            path: path.into(),
            ..Req::default()
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Req {
        self.body = body.into();
        self
    }
}

/// Serialise a request head (and body) to bytes.
pub fn encode(req: &Req, host: &str, user_headers: &[(String, String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + req.body.len());
    out.extend_from_slice(
        format!("{} {} HTTP/1.1\r\nHost: {host}\r\n", req.method, req.path).as_bytes(),
    );
    let has = |n: &str| req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if !has("user-agent") {
        out.extend_from_slice(format!("User-Agent: {USER_AGENT}\r\n").as_bytes());
    }
    if !has("accept") {
        out.extend_from_slice(b"Accept: */*\r\n");
    }
    if !req.anonymous {
        for (k, v) in user_headers {
            if !has(k) {
                out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
            }
        }
    }
    for (k, v) in &req.headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    let needs_length =
        !req.body.is_empty() || matches!(req.method.as_str(), "POST" | "PUT" | "PATCH");
    if needs_length && !has("content-length") {
        out.extend_from_slice(format!("Content-Length: {}\r\n", req.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&req.body);
    out
}

/// Read some bytes into `buf` before `deadline`; `Ok(0)` at end of stream.
async fn read_some<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    deadline: Instant,
    phase: &str,
) -> Result<usize, NetError> {
    buf.reserve(16 * 1024);
    match timeout_at(deadline, io.read_buf(buf)).await {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) => Err(classify_io(&e)),
        Err(_) => Err(NetError::Timeout {
            phase: phase.to_string(),
        }),
    }
}

/// A parsed response head.
struct Head {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    http10: bool,
}

fn parse_head(buf: &[u8]) -> Result<Option<(Head, usize)>, NetError> {
    let mut hdrs = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut hdrs);
    match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => {
            let head = Head {
                status: resp.code.unwrap_or(0),
                reason: resp.reason.unwrap_or("").to_string(),
                headers: resp
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect(),
                http10: resp.version == Some(0),
            };
            Ok(Some((head, len)))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(e) => Err(NetError::Protocol(format!("malformed response head: {e}"))),
    }
}

/// Read one response from `io`. `buf` holds bytes already read (and keeps any
/// bytes read past the response). Returns the response and whether the connection
/// can carry another request.
pub async fn read_response<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    head_request: bool,
    deadline: Instant,
    started: Instant,
) -> Result<(Response, bool), NetError> {
    read_response_capped(io, buf, head_request, deadline, started, BODY_CAP).await
}

/// [`read_response`] keeping at most `cap` body bytes (the response is marked truncated
/// and the connection dropped when the body is longer).
pub async fn read_response_capped<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    head_request: bool,
    deadline: Instant,
    started: Instant,
    cap: usize,
) -> Result<(Response, bool), NetError> {
    let mut first_byte = (!buf.is_empty()).then(|| started.elapsed());
    let head = loop {
        if let Some((head, len)) = parse_head(buf)? {
            buf.drain(..len);
            if (100..200).contains(&head.status) && head.status != 101 {
                continue;
            }
            break head;
        }
        if buf.len() > HEAD_CAP {
            return Err(NetError::Protocol(
                "response head larger than 64 KiB".into(),
            ));
        }
        let n = read_some(io, buf, deadline, "response headers").await?;
        if n == 0 {
            return Err(if buf.is_empty() {
                NetError::ClosedEarly
            } else {
                NetError::Protocol("connection closed inside the response head".into())
            });
        }
        first_byte.get_or_insert_with(|| started.elapsed());
    };
    let header = |n: &str| {
        head.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    let mut keep_alive = !head.http10
        && !header("connection").is_some_and(|v| v.to_ascii_lowercase().contains("close"));
    let mut body = Vec::new();
    let mut truncated = false;
    let no_body = head_request || head.status == 204 || head.status == 304;
    if no_body {
    } else if header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            let line_end = loop {
                if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                    break i;
                }
                if buf.len() > 4096 {
                    return Err(NetError::Protocol("chunk size line too long".into()));
                }
                if read_some(io, buf, deadline, "response body").await? == 0 {
                    return Err(NetError::Protocol(
                        "connection closed inside a chunked body".into(),
                    ));
                }
            };
            let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
            let size_txt = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_txt, 16)
                .map_err(|_| NetError::Protocol(format!("bad chunk size `{size_txt}`")))?;
            buf.drain(..line_end + 2);
            if size == 0 {
                // Trailers end with an empty line.
                loop {
                    if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                        buf.drain(..i + 2);
                        if i == 0 {
                            break;
                        }
                        continue;
                    }
                    if read_some(io, buf, deadline, "response trailers").await? == 0 {
                        break;
                    }
                }
                break;
            }
            while buf.len() < size + 2 {
                if body.len() + buf.len() > cap + size {
                    break;
                }
                if read_some(io, buf, deadline, "response body").await? == 0 {
                    return Err(NetError::Protocol(
                        "connection closed inside a chunk".into(),
                    ));
                }
            }
            if buf.len() < size + 2 {
                // Chunk larger than what we keep: stop here and drop the connection.
                let take = buf.len().min(cap.saturating_sub(body.len()));
                body.extend_from_slice(&buf[..take]);
                buf.clear();
                truncated = true;
                keep_alive = false;
                break;
            }
            let take = size.min(cap.saturating_sub(body.len()));
            body.extend_from_slice(&buf[..take]);
            buf.drain(..size + 2);
            if body.len() >= cap {
                truncated = true;
                keep_alive = false;
                break;
            }
        }
    } else if let Some(cl) = header("content-length") {
        let len: usize = cl
            .trim()
            .parse()
            .map_err(|_| NetError::Protocol(format!("bad Content-Length `{cl}`")))?;
        let want = len.min(cap);
        while buf.len() < want {
            if read_some(io, buf, deadline, "response body").await? == 0 {
                return Err(NetError::Protocol(format!(
                    "connection closed after {} of {len} body bytes",
                    buf.len()
                )));
            }
        }
        body.extend_from_slice(&buf[..want]);
        buf.drain(..want);
        if want < len {
            truncated = true;
            keep_alive = false;
            buf.clear();
        }
    } else {
        keep_alive = false;
        loop {
            if buf.len() >= cap {
                truncated = true;
                break;
            }
            if read_some(io, buf, deadline, "response body").await? == 0 {
                break;
            }
        }
        let take = buf.len().min(cap);
        body.extend_from_slice(&buf[..take]);
        buf.clear();
    }
    let response = Response {
        status: head.status,
        reason: head.reason,
        headers: head.headers,
        body,
        body_truncated: truncated,
        timing: Timing {
            connect: None,
            tls: None,
            first_byte: first_byte.unwrap_or_else(|| started.elapsed()),
            total: started.elapsed(),
        },
        received_at: unix_now(),
    };
    Ok((response, keep_alive))
}

/// Seconds since the Unix epoch (recorded with each response for the clock check).
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The client used to gather observations: one keep-alive connection, requests in
/// sequence, each bounded by `timeout` and by the probe's overall deadline.
pub struct Client {
    pub connector: Arc<Connector>,
    pub host_header: String,
    pub user_headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub deadline: Instant,
    idle: tokio::sync::Mutex<Option<(BoxIo, Vec<u8>)>>,
}

impl Client {
    pub fn new(
        connector: Arc<Connector>,
        host_header: String,
        user_headers: Vec<(String, String)>,
        timeout: Duration,
        deadline: Instant,
    ) -> Client {
        Client {
            connector,
            host_header,
            user_headers,
            timeout,
            deadline,
            idle: tokio::sync::Mutex::new(None),
        }
    }

    /// Deadline for one request starting now.
    pub fn request_deadline(&self, timeout: Duration) -> Instant {
        (Instant::now() + timeout).min(self.deadline)
    }

    /// Time left before the probe's overall deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Send one well-formed request, reusing the idle connection when possible.
    pub async fn send(&self, req: Req) -> Exchange {
        self.send_with_timeout(req, self.timeout).await
    }

    /// [`Client::send`] with a specific per-request timeout.
    pub async fn send_with_timeout(&self, req: Req, timeout: Duration) -> Exchange {
        let summary = format!("{} {}", req.method, req.path);
        let sent_headers = req.headers.clone();
        let bytes = encode(&req, &self.host_header, &self.user_headers);
        let head_request = req.method == "HEAD";
        let cap = req.body_cap.unwrap_or(BODY_CAP);
        let start = Instant::now();
        let started_at = unix_now();
        let budget_bound = start + timeout > self.deadline;
        let deadline = self.request_deadline(timeout);
        let reused = self.idle.lock().await.take();
        let result = match reused {
            Some((io, buf)) => {
                match self
                    .exchange_on(io, buf, &bytes, head_request, deadline, None, cap)
                    .await
                {
                    Err(NetError::ClosedEarly | NetError::Reset) => {
                        // The server closed the idle connection: retry once on a fresh one.
                        self.fresh_exchange(&bytes, head_request, deadline, cap)
                            .await
                    }
                    other => other,
                }
            }
            None => {
                self.fresh_exchange(&bytes, head_request, deadline, cap)
                    .await
            }
        };
        Exchange {
            request: summary,
            sent_headers,
            result: budget_cut(result, budget_bound),
            elapsed: start.elapsed(),
            started_at,
            body_sent: None,
        }
    }

    async fn fresh_exchange(
        &self,
        bytes: &[u8],
        head_request: bool,
        deadline: Instant,
        cap: usize,
    ) -> Result<Response, NetError> {
        let c = self.connector.connect(deadline).await?;
        self.exchange_on(
            c.io,
            Vec::new(),
            bytes,
            head_request,
            deadline,
            Some((c.connect, c.tls)),
            cap,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn exchange_on(
        &self,
        mut io: BoxIo,
        mut buf: Vec<u8>,
        bytes: &[u8],
        head_request: bool,
        deadline: Instant,
        phases: Option<(Duration, Option<Duration>)>,
        cap: usize,
    ) -> Result<Response, NetError> {
        let started = Instant::now();
        match timeout_at(deadline, io.write_all(bytes)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(classify_io(&e)),
            Err(_) => {
                return Err(NetError::Timeout {
                    phase: "sending the request".into(),
                });
            }
        }
        let (mut resp, keep) =
            read_response_capped(&mut io, &mut buf, head_request, deadline, started, cap).await?;
        if let Some((connect, tls)) = phases {
            resp.timing.connect = Some(connect);
            resp.timing.tls = tls;
        }
        if keep {
            *self.idle.lock().await = Some((io, buf));
        }
        Ok(resp)
    }

    /// Send raw bytes on a fresh connection: `head` first, then `body_len` filler bytes
    /// while the response is read concurrently (a server may answer and close before
    /// the body is sent). `wait` bounds the whole exchange. The exchange records how
    /// many body bytes had been written when the answer came.
    pub async fn send_raw(
        &self,
        summary: &str,
        head: Vec<u8>,
        body_len: usize,
        wait: Duration,
    ) -> Exchange {
        let start = Instant::now();
        let started_at = unix_now();
        let budget_bound = start + wait > self.deadline;
        let deadline = self.request_deadline(wait);
        let written = std::sync::atomic::AtomicU64::new(0);
        let result = async {
            let c = self.connector.connect(deadline).await?;
            let (mut rd, mut wr) = tokio::io::split(c.io);
            let started = Instant::now();
            let write = async {
                wr.write_all(&head).await?;
                let chunk = vec![b'a'; 64 * 1024];
                let mut left = body_len;
                while left > 0 {
                    let n = left.min(chunk.len());
                    wr.write_all(&chunk[..n]).await?;
                    written.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                    left -= n;
                }
                wr.flush().await
            };
            let mut buf = Vec::new();
            let read = read_response(&mut rd, &mut buf, false, deadline, started);
            tokio::pin!(write);
            tokio::pin!(read);
            let mut writing = true;
            loop {
                tokio::select! {
                    r = &mut read => break r.map(|(resp, _)| resp),
                    w = &mut write, if writing => {
                        // A write error (the server closed early) is not the verdict:
                        // what the server answered is.
                        let _ = w;
                        writing = false;
                    }
                }
            }
        }
        .await;
        Exchange {
            request: summary.to_string(),
            sent_headers: Vec::new(),
            result: budget_cut(result, budget_bound),
            elapsed: start.elapsed(),
            started_at,
            body_sent: (body_len > 0).then(|| written.load(std::sync::atomic::Ordering::Relaxed)),
        }
    }
}

/// A timeout of a request whose deadline was the probe's overall deadline (not its own
/// timeout) is the run's budget running out, not the service being slow.
fn budget_cut(
    result: Result<Response, NetError>,
    budget_bound: bool,
) -> Result<Response, NetError> {
    match result {
        Err(NetError::Timeout { phase }) if budget_bound => Err(NetError::Budget { phase }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(bytes: &[u8]) -> Result<(Response, bool), NetError> {
        let mut cursor = std::io::Cursor::new(bytes.to_vec());
        let mut buf = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(1);
        read_response(&mut cursor, &mut buf, false, deadline, Instant::now()).await
    }

    #[tokio::test]
    async fn reads_content_length_chunked_and_close_delimited() {
        let (r, keep) = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello")
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), keep),
            (200, &b"hello"[..], true)
        );
        assert_eq!(r.header("x-a"), Some("b"));
        let (r, _) = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n").await.unwrap();
        assert_eq!(r.body, b"abcde");
        let (r, keep) = parse(b"HTTP/1.0 404 Not Found\r\n\r\nnope").await.unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), keep),
            (404, &b"nope"[..], false)
        );
        let (r, _) = parse(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n",
        )
        .await
        .unwrap();
        assert_eq!(r.status, 413);
    }

    #[tokio::test]
    async fn malformed_and_truncated_responses_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"garbage\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        ] {
            assert!(
                parse(bad).await.is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn encodes_user_headers_unless_anonymous() {
        let user = vec![("Authorization".to_string(), "Bearer s3cret".to_string())];
        let req = Req::new("POST", "/x")
            .header("Content-Type", "application/json")
            .body("{}");
        let text = String::from_utf8(encode(&req, "h", &user)).unwrap();
        assert!(text.starts_with("POST /x HTTP/1.1\r\nHost: h\r\n"));
        assert!(text.contains("Authorization: Bearer s3cret\r\n"));
        assert!(text.ends_with("Content-Length: 2\r\n\r\n{}"));
        let anon = Req {
            anonymous: true,
            ..Req::get("/")
        };
        assert!(
            !String::from_utf8(encode(&anon, "h", &user))
                .unwrap()
                .contains("s3cret")
        );
    }
}
