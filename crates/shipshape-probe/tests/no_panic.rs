//! Parsers never panic on arbitrary input: the metrics parser and lint, and the raw
//! response reader behind every request (driven through a loopback server that answers
//! pseudo-random bytes).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// A small deterministic generator (xorshift), so failures reproduce.
fn bytes(seed: &mut u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            alphabet[(*seed % alphabet.len() as u64) as usize]
        })
        .collect()
}

#[test]
fn metrics_parser_survives_random_text() {
    let alphabet = b"abc_:{}=\",# \n\\+-.0123456789eEInfNaTYPEHELPle";
    let mut seed = 0x2545_f491_4f6c_dd1d;
    for i in 0..5_000 {
        let text = String::from_utf8_lossy(&bytes(&mut seed, i % 300, alphabet)).into_owned();
        let exp = shipshape_probe::metrics_text::parse(&text, i % 2 == 0);
        let _ = shipshape_probe::metrics_text::lint(&exp);
    }
}

#[test]
fn probe_survives_random_responses() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let alphabet = b"HTTP/1.1 200 OK\r\n:Content-Length: 5chunked Transfer-Encoding 0123456789abcdef\r\n\r\n";
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut s) = stream else { break };
            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            if i == 0 {
                // A valid first answer, so that the probe goes on to every other phase.
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
                continue;
            }
            let mut out = b"HTTP/1.1 200 OK\r\n".to_vec();
            let len = (seed % 400) as usize;
            out.extend(bytes(&mut seed, len, alphabet));
            let _ = s.write_all(&out);
        }
    });
    let opts = shipshape_probe::ProbeOptions {
        url: format!("http://{addr}"),
        timeout: Duration::from_millis(500),
        max_duration: Duration::from_secs(20),
        skip: vec!["probe/slow-clients".into()],
        ..Default::default()
    };
    let report = shipshape_probe::run(&opts, &|_| {}).expect("probe runs");
    // Every check but the skipped one.
    assert_eq!(
        report.units[0].checks.len(),
        shipshape_probe::catalog().len() - 1
    );
    let reachable = report.units[0]
        .checks
        .iter()
        .find(|c| c.id == "probe/reachable")
        .unwrap();
    assert_eq!(reachable.outcome, shipshape_model::Outcome::Pass);
}
