//! The open-model (fixed-rate) load generator.
//!
//! Request `i` has an intended send time `start + i / rate`. `connections` workers each
//! own one keep-alive connection and claim the next request index; a worker sleeps until
//! the intended time, sends, and records latency from the *intended* time — so when the
//! service (or the generator) falls behind, the queueing delay is measured instead of
//! hidden (no coordinated omission, as in wrk2). Requests still unclaimed when the phase
//! plus one timeout has elapsed are counted as unsent.

use crate::http::{BoxIo, Connector, read_response};
use crate::observe::{LatencyStats, LoadPhase};
use hdrhistogram::Histogram;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::time::{Instant, sleep_until, timeout_at};

/// What to send and how fast.
#[derive(Debug, Clone)]
pub struct PhaseSpec {
    /// The paths requested, for evidence (`/a, /b`).
    pub path: String,
    /// The full request bytes, one per route: request `i` sends `requests[i % len]`, so
    /// the load spreads evenly over the routes. Never empty.
    pub requests: Arc<Vec<Vec<u8>>>,
    pub rate: f64,
    pub duration: Duration,
    pub connections: u32,
    /// Per-request deadline.
    pub timeout: Duration,
}

#[derive(Default)]
struct WorkerStats {
    completed: u64,
    ok: u64,
    shed: u64,
    retry_after: u64,
    http_errors: u64,
    net_errors: u64,
    last_done: Option<Instant>,
    errors: Vec<String>,
}

fn new_histogram() -> Option<Histogram<u64>> {
    // 1 µs .. 10 min, 3 significant figures.
    Histogram::new_with_bounds(1, 600_000_000, 3).ok()
}

async fn worker(
    spec: Arc<PhaseSpec>,
    connector: Arc<Connector>,
    next: Arc<AtomicU64>,
    total: u64,
    start: Instant,
    cutoff: Instant,
) -> (WorkerStats, Option<Histogram<u64>>) {
    let mut stats = WorkerStats::default();
    let mut hist = new_histogram();
    let mut conn: Option<(BoxIo, Vec<u8>)> = None;
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= total {
            break;
        }
        let intended = start + Duration::from_secs_f64(i as f64 / spec.rate);
        if Instant::now() >= cutoff {
            // Too far behind: leave the rest unsent (counted by the caller).
            next.fetch_sub(1, Ordering::Relaxed);
            break;
        }
        sleep_until(intended).await;
        let deadline = (Instant::now() + spec.timeout).min(cutoff + spec.timeout);
        let (mut io, mut buf) = match conn.take() {
            Some(c) => c,
            None => match connector.connect(deadline).await {
                Ok(c) => (c.io, Vec::new()),
                Err(e) => {
                    stats.net_errors += 1;
                    if stats.errors.len() < 3 {
                        stats.errors.push(format!("connect: {e}"));
                    }
                    // Avoid a hot loop against a refusing target.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let sent = matches!(
            timeout_at(
                deadline,
                io.write_all(&spec.requests[(i as usize) % spec.requests.len().max(1)])
            )
            .await,
            Ok(Ok(()))
        );
        let result = if sent {
            read_response(&mut io, &mut buf, false, deadline, Instant::now()).await
        } else {
            Err(crate::observe::NetError::Reset)
        };
        let now = Instant::now();
        match result {
            Ok((resp, keep)) => {
                let us = now.saturating_duration_since(intended).as_micros();
                if let Some(h) = hist.as_mut() {
                    h.saturating_record(u64::try_from(us).unwrap_or(u64::MAX).max(1));
                }
                stats.completed += 1;
                stats.last_done = Some(now);
                match resp.status {
                    429 | 503 => {
                        stats.shed += 1;
                        if resp.header("retry-after").is_some() {
                            stats.retry_after += 1;
                        }
                    }
                    s if s >= 400 => {
                        stats.http_errors += 1;
                        if stats.errors.len() < 3 {
                            stats.errors.push(format!("HTTP {s}"));
                        }
                    }
                    _ => stats.ok += 1,
                }
                if keep {
                    conn = Some((io, buf));
                }
            }
            Err(e) => {
                stats.net_errors += 1;
                stats.last_done = Some(now);
                if stats.errors.len() < 3 {
                    stats.errors.push(e.to_string());
                }
            }
        }
    }
    (stats, hist)
}

/// Summarise a histogram of microseconds.
pub fn latency_stats(h: &Histogram<u64>) -> Option<LatencyStats> {
    if h.is_empty() {
        return None;
    }
    let ms = |us: u64| us as f64 / 1000.0;
    Some(LatencyStats {
        samples: h.len(),
        p50_ms: ms(h.value_at_quantile(0.50)),
        p95_ms: ms(h.value_at_quantile(0.95)),
        p99_ms: (h.len() >= 1000).then(|| ms(h.value_at_quantile(0.99))),
        max_ms: ms(h.max()),
    })
}

/// Run one fixed-rate phase. It ends by `hard_deadline` at the latest.
pub async fn run_phase(
    spec: PhaseSpec,
    connector: Arc<Connector>,
    hard_deadline: Instant,
) -> LoadPhase {
    let spec = Arc::new(PhaseSpec {
        rate: spec.rate.max(0.1),
        connections: spec.connections.max(1),
        ..spec
    });
    let total = (spec.rate * spec.duration.as_secs_f64()).round().max(1.0) as u64;
    let start = Instant::now() + Duration::from_millis(20);
    // Stop claiming new requests once a full timeout past the scheduled end.
    let planned_end = start + spec.duration + spec.timeout;
    let cutoff = planned_end.min(hard_deadline);
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..spec.connections {
        tasks.push(tokio::spawn(worker(
            spec.clone(),
            connector.clone(),
            next.clone(),
            total,
            start,
            cutoff,
        )));
    }
    let mut hist = new_histogram();
    let mut agg = WorkerStats::default();
    for t in tasks {
        // Each worker ends by cutoff + timeout; a join error (panic) only loses its samples.
        let Ok((s, h)) = t.await else { continue };
        if let (Some(all), Some(h)) = (hist.as_mut(), h.as_ref()) {
            let _ = all.add(h);
        }
        agg.completed += s.completed;
        agg.ok += s.ok;
        agg.shed += s.shed;
        agg.retry_after += s.retry_after;
        agg.http_errors += s.http_errors;
        agg.net_errors += s.net_errors;
        agg.last_done = agg.last_done.max(s.last_done);
        for e in s.errors {
            if agg.errors.len() < 5 {
                agg.errors.push(e);
            }
        }
    }
    let claimed = next.load(Ordering::Relaxed).min(total);
    let attempted = agg.completed + agg.net_errors;
    let unsent = total.saturating_sub(claimed.max(attempted));
    let elapsed = agg
        .last_done
        .map_or(spec.duration, |t| t.saturating_duration_since(start))
        .max(spec.duration);
    LoadPhase {
        path: spec.path.clone(),
        target_rate: spec.rate,
        achieved_rate: agg.completed as f64 / elapsed.as_secs_f64(),
        duration: spec.duration,
        connections: spec.connections,
        scheduled: total,
        completed: agg.completed,
        ok: agg.ok,
        status_429_503: agg.shed,
        with_retry_after: agg.retry_after,
        http_errors: agg.http_errors,
        net_errors: agg.net_errors,
        unsent,
        latency: hist.as_ref().and_then(latency_stats),
        error_samples: agg.errors,
        budget_cut: hard_deadline < planned_end && (unsent > 0 || agg.net_errors > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p99_only_with_enough_samples() {
        let mut h = new_histogram().unwrap();
        for i in 1..=999u64 {
            h.record(i * 1000).unwrap();
        }
        let s = latency_stats(&h).unwrap();
        assert_eq!(s.p99_ms, None);
        assert!((s.p50_ms - 500.0).abs() < 1.0, "{}", s.p50_ms);
        h.record(1_000_000).unwrap();
        assert!(latency_stats(&h).unwrap().p99_ms.is_some());
    }
}
