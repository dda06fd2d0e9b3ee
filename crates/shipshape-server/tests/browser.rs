//! The dashboard in a real browser: Debian's `chromium`, headless, on 127.0.0.1,
//! driven over the DevTools protocol by the small client below (a WebSocket over
//! a loopback TCP stream; nothing is downloaded). It signs in, loads the fleet
//! page, filters it, opens a unit, opens a diff and creates a campaign,
//! asserting on what is on the page and saving a screenshot of each under
//! `target/tmp/screenshots/`. Skipped with a message when chromium is absent,
//! unless `SHIPSHAPE_TEST_CHROMIUM` is set (`.ci/run` sets it): then mandatory.

use serde_json::{Value, json};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

mod seed;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHIPSHAPE_TEST_CHROMIUM") {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "SHIPSHAPE_TEST_CHROMIUM={} does not exist",
            p.display()
        );
        return Some(p);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.exists())
    });
    if found.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: chromium not found (apt-get install chromium; .ci/run installs it)"
        );
    }
    found
}

/// A DevTools session over one WebSocket.
struct Cdp {
    stream: TcpStream,
    next: u64,
    session: Option<String>,
}

impl Cdp {
    async fn connect(ws_url: &str) -> Cdp {
        let rest = ws_url.strip_prefix("ws://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut stream = TcpStream::connect(host).await.unwrap();
        let req = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(stream.read_u8().await.unwrap());
        }
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        Cdp {
            stream,
            next: 0,
            session: None,
        }
    }

    async fn write_text(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81u8];
        let mask = [0x12u8, 0x34, 0x56, 0x78];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).await.unwrap();
    }

    async fn read_message(&mut self) -> Value {
        let mut message = Vec::new();
        loop {
            let b0 = self.stream.read_u8().await.unwrap();
            let b1 = self.stream.read_u8().await.unwrap();
            let len = match b1 & 0x7f {
                126 => self.stream.read_u16().await.unwrap() as usize,
                127 => self.stream.read_u64().await.unwrap() as usize,
                n => n as usize,
            };
            let mut buf = vec![0u8; len];
            self.stream.read_exact(&mut buf).await.unwrap();
            match b0 & 0x0f {
                0x9 | 0xA => continue, // ping, pong
                _ => message.extend_from_slice(&buf),
            }
            if b0 & 0x80 != 0 {
                return serde_json::from_slice(&message).unwrap();
            }
        }
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.write_text(&msg.to_string()).await;
        loop {
            let m = self.read_message().await;
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    async fn eval(&mut self, js: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            )
            .await;
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until the document at a URL containing `part` has loaded.
    async fn wait_for(&mut self, part: &str) {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let v = self.eval("document.readyState + ' ' + location.href").await;
            let s = v.as_str().unwrap_or("");
            if s.starts_with("complete") && s.contains(part) {
                tokio::time::sleep(Duration::from_millis(200)).await;
                return;
            }
        }
        panic!("the page never reached {part}");
    }

    async fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        self.wait_for(url).await;
    }

    async fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn screenshot(&mut self, name: &str) {
        let r = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = base64(r["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"));
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | (u32::from(val(c)) << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let fleet = seed::fleet().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shipshape_server::serve_http(
        listener,
        fleet.app(false),
        async {
            let _ = stopped.await;
        },
    ));
    let profile = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let ws = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.split("DevTools listening on ").nth(1) {
                return url.trim().to_string();
            }
        }
        panic!("chromium exited before listening");
    })
    .await
    .expect("chromium's DevTools endpoint");
    // Keep draining chromium's stderr so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let mut b = Cdp::connect(&ws).await;
    let target = b
        .call("Target.createTarget", json!({"url": "about:blank"}))
        .await;
    let attached = b
        .call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )
        .await;
    b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    b.call("Page.enable", json!({})).await;

    // Not signed in: the fleet page sends the browser to the sign-in form.
    b.goto(&format!("{base}/")).await;
    b.wait_for("/login").await;
    b.eval(&format!(
        "document.getElementById('token').value = '{}'; document.querySelector('form.stack').requestSubmit(); true",
        fleet.admin
    ))
    .await;
    b.wait_for(&format!("{base}/")).await;
    let text = b.text().await;
    assert!(text.contains("Signed in as boss (admin)"), "{text}");
    assert!(text.contains("5 units"), "{text}");
    // htmx ran under the CSP, and no chart lacks its text equivalent.
    assert_eq!(b.eval("typeof htmx").await, json!("object"));
    assert_eq!(
        b.eval("[...document.querySelectorAll('svg')].every(s => s.querySelector('title') && s.querySelector('desc'))").await,
        json!(true)
    );
    b.screenshot("fleet").await;

    // Filter: htmx swaps the table and keeps the filter in the URL.
    b.eval("const s = document.getElementById('f-level'); s.value = 'gold'; s.dispatchEvent(new Event('change', {bubbles: true})); true").await;
    b.wait_for("level=gold").await;
    let text = b.text().await;
    assert!(text.contains("2 units"), "{text}");
    let table = b
        .eval("document.querySelector('#fleet tbody').innerText")
        .await;
    assert!(!table.as_str().unwrap().contains("acme/infra"), "{table}");
    b.screenshot("fleet-filtered").await;

    // Open a unit from the table.
    b.eval("[...document.querySelectorAll('#fleet tbody th a')].find(a => a.textContent.trim() === 'acme/pay').click(); true").await;
    b.wait_for("/units/").await;
    let text = b.text().await;
    assert!(text.contains("Score per area over time"), "{text}");
    assert!(
        text.contains("bronze → silver") || text.contains("silver → gold"),
        "{text}"
    );
    assert!(text.contains("security/no-committed-secrets"), "{text}");
    b.screenshot("unit").await;

    // A diff with the oldest earlier report.
    b.eval("const s = document.getElementById('against'); s.selectedIndex = s.options.length - 1; s.form.requestSubmit(); true").await;
    b.wait_for("against=").await;
    let text = b.text().await;
    assert!(text.contains("New failures"), "{text}");
    assert!(text.contains("(up)"), "{text}");
    b.screenshot("diff").await;

    // Create a campaign.
    b.goto(&format!("{base}/campaigns/new")).await;
    b.eval("document.getElementById('c-name').value = 'Every tier 2 at silver'; document.getElementById('c-level').value = 'silver'; document.getElementById('c-tier').value = '2'; document.getElementById('c-deadline').value = '2027-03-31'; document.querySelector('form.stack').requestSubmit(); true").await;
    b.wait_for("/campaigns/1").await;
    let text = b.text().await;
    assert!(text.contains("Every tier 2 at silver"), "{text}");
    assert!(
        text.contains("Burn-up") && text.contains("Units still short"),
        "{text}"
    );
    b.screenshot("campaign").await;

    let _ = child.kill().await;
    let _ = stop.send(());
    let _ = server.await;
}
