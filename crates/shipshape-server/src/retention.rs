//! Retention: every report is kept for `keep_all_days`, then the latest one per
//! repository, ref and day until `daily_until_days`, then the latest one per
//! repository, ref and week. A report covers all the units of its upload, so this
//! is one per unit per day (week) too. Check results and unit rows of a dropped
//! report go with it (foreign keys `ON DELETE CASCADE`); the latest report of a
//! unit is never dropped. On PostgreSQL one replica at a time runs it (an
//! advisory transaction lock); others skip that round.

use crate::store::{AuditEntry, Store, StoreResult};
use std::sync::Arc;
use std::time::Duration;

pub const DAY: i64 = 86_400;
pub const WEEK: i64 = 7 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Every report younger than this is kept (default 90).
    pub keep_all_days: i64,
    /// Until this age one report per day is kept, then one per week (default 365).
    pub daily_until_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            keep_all_days: 90,
            daily_until_days: 365,
        }
    }
}

/// One band of the policy: reports received in `[from, until)` keep the latest
/// of each `bucket`-second window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub from: i64,
    pub until: i64,
    pub bucket: i64,
}

impl Policy {
    /// The bands at time `now`, newest first.
    pub fn bands(&self, now: i64) -> [Band; 2] {
        let keep_all = now - self.keep_all_days.max(0) * DAY;
        let daily = now - self.daily_until_days.max(self.keep_all_days).max(0) * DAY;
        [
            Band {
                from: daily,
                until: keep_all,
                bucket: DAY,
            },
            Band {
                from: i64::MIN,
                until: daily,
                bucket: WEEK,
            },
        ]
    }
}

/// Applies the policy once. `None`: another replica holds the lock.
pub async fn run_once(store: &dyn Store, policy: Policy, now: i64) -> StoreResult<Option<u64>> {
    store
        .apply_retention(
            policy.bands(now).to_vec(),
            AuditEntry {
                at: now,
                token_id: None,
                actor: "server".into(),
                action: "retention".into(),
                subject: "reports".into(),
                detail: format!(
                    "keep_all_days={} daily_until_days={}",
                    policy.keep_all_days, policy.daily_until_days
                ),
            },
        )
        .await
}

/// Runs the policy every `every`, first after a minute; logs and goes on after errors.
pub async fn run_forever(store: Arc<dyn Store>, policy: Policy, every: Duration) {
    tokio::time::sleep(Duration::from_secs(60).min(every)).await;
    loop {
        match run_once(store.as_ref(), policy, crate::time::now()).await {
            Ok(Some(n)) => tracing::info!(deleted = n, "retention applied"),
            Ok(None) => tracing::debug!("retention running on another replica"),
            Err(e) => tracing::warn!(error = %e, "retention failed"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        let now = 1000 * DAY;
        let [daily, weekly] = Policy::default().bands(now);
        assert_eq!(daily.until, now - 90 * DAY);
        assert_eq!(daily.from, now - 365 * DAY);
        assert_eq!(daily.bucket, DAY);
        assert_eq!(weekly.until, now - 365 * DAY);
        assert_eq!(weekly.bucket, WEEK);
    }
}
