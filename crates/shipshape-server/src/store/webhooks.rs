//! The webhook outbox in the store: webhooks an admin registered, the events
//! raised for them (written in the transaction of what raised them), and their
//! deliveries with every attempt.
//!
//! A delivery is claimed before it is attempted (`claimed_by`, `claimed_until_ms`)
//! by one statement: on PostgreSQL its candidate rows are locked with `FOR UPDATE
//! SKIP LOCKED`, so two replicas never claim the same delivery; on SQLite the one
//! writer makes it atomic. A claim that lapses (its replica died mid-delivery)
//! makes the delivery due again.

use super::{AuditEntry, StoreFuture};

/// A webhook as an admin registered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRow {
    pub id: i64,
    pub name: String,
    /// The full URL (it may hold a secret): never log or list it unredacted.
    pub url: String,
    /// Event kinds it receives.
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// An event to deliver to every webhook that subscribes to its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: String,
    /// Events raised by the background job carry a key, so each is raised once
    /// whichever replica (and however many rounds) sees it.
    pub dedup_key: Option<String>,
    /// The JSON body sent (Slack-compatible: `text` plus structured fields).
    pub payload: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// A delivery claimed for one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub id: i64,
    pub event_id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub at_ms: i64,
    /// The HTTP status, `None` when no answer came.
    pub status: Option<i64>,
    pub error: Option<String>,
    /// `delivered`, `pending` (retry at `next_attempt_ms`) or `failed` (gave up).
    pub state: &'static str,
    pub next_attempt_ms: i64,
}

/// A delivery as stored, with its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub webhook_id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    pub delivered_at_ms: Option<i64>,
}

/// One recorded attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    pub delivery_id: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub holder: String,
    pub status: Option<i64>,
    pub error: Option<String>,
}

/// The outbox's queries; every [`Store`](super::Store) has them.
pub trait WebhookStore {
    fn create_webhook(&self, hook: NewWebhook, audit: AuditEntry) -> StoreFuture<'_, i64>;
    fn webhooks(&self) -> StoreFuture<'_, Vec<WebhookRow>>;
    /// False when there is no such webhook; its pending deliveries go with it.
    fn delete_webhook(&self, id: i64, audit: AuditEntry) -> StoreFuture<'_, bool>;
    /// Stores an event with one pending delivery per subscribed webhook, due at
    /// `due_ms`. `None` when no webhook subscribes to its kind (nothing stored),
    /// or its `dedup_key` was raised before.
    fn enqueue_event(&self, event: NewEvent, due_ms: i64) -> StoreFuture<'_, Option<i64>>;
    /// Claims up to `limit` due deliveries for `holder` until `now_ms + ttl_ms`.
    fn claim_deliveries(
        &self,
        holder: String,
        now_ms: i64,
        ttl_ms: i64,
        limit: i64,
    ) -> StoreFuture<'_, Vec<DueDelivery>>;
    /// Records an attempt and the delivery's next state, in one transaction;
    /// false (nothing written) when `holder` no longer holds the claim.
    fn finish_attempt(
        &self,
        delivery_id: i64,
        holder: String,
        outcome: AttemptOutcome,
    ) -> StoreFuture<'_, bool>;
    /// The newest deliveries first.
    fn deliveries(&self, limit: i64) -> StoreFuture<'_, Vec<DeliveryRow>>;
    /// A delivery's attempts, oldest first.
    fn delivery_attempts(&self, delivery_id: i64) -> StoreFuture<'_, Vec<AttemptRow>>;
    /// Deletes events created before `before` (Unix seconds) whose deliveries
    /// are all finished (delivered or given up); how many.
    fn prune_events(&self, before: i64) -> StoreFuture<'_, u64>;
}

/// `events` as stored: a comma-separated list.
pub(super) fn events_column(events: &[String]) -> String {
    events.join(",")
}

/// Inserts an event and its deliveries inside a transaction; evaluates to the
/// event id, or `None` when its dedup key was raised before.
macro_rules! enqueue_in_tx {
    ($db:ty, $tx:expr, $event:expr, $due_ms:expr) => {{
        let event: &$crate::store::NewEvent = $event;
        let inserted: Option<(i64,)> = sqlx::query_as::<$db, (i64,)>(
            "INSERT INTO webhook_events (kind, dedup_key, payload, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        )
        .bind(&event.kind)
        .bind(&event.dedup_key)
        .bind(&event.payload)
        .bind(event.created_at)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((id,)) = inserted {
            sqlx::query::<$db>(
                "INSERT INTO webhook_deliveries (event_id, webhook_id, state, attempts, next_attempt_ms) \
                 SELECT $1, id, 'pending', 0, $2 FROM webhooks \
                 WHERE (',' || events || ',') LIKE $3 ORDER BY id",
            )
            .bind(id)
            .bind($due_ms)
            .bind(format!("%,{},%", event.kind))
            .execute(&mut *$tx)
            .await?;
        }
        inserted.map(|r| r.0)
    }};
}
pub(super) use enqueue_in_tx;

macro_rules! impl_webhook_store {
    ($store:ty, $db:ty, skip_locked = $skip:literal) => {
        impl $crate::store::WebhookStore for $store {
            fn create_webhook(
                &self,
                hook: $crate::store::NewWebhook,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO webhooks (name, url, events, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(&hook.name)
                    .bind(&hook.url)
                    .bind($crate::store::webhooks::events_column(&hook.events))
                    .bind(&hook.created_by)
                    .bind(hook.created_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("webhook:{id}"));
                    tx.commit().await?;
                    Ok(id)
                })
            }

            fn webhooks(
                &self,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::WebhookRow>> {
                Box::pin(async move {
                    let rows: Vec<(i64, String, String, String, String, i64)> =
                        sqlx::query_as::<$db, (i64, String, String, String, String, i64)>(
                            "SELECT id, name, url, events, created_by, created_at FROM webhooks ORDER BY id",
                        )
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::WebhookRow {
                            id: r.0,
                            name: r.1,
                            url: r.2,
                            events: r.3.split(',').filter(|e| !e.is_empty()).map(str::to_string).collect(),
                            created_by: r.4,
                            created_at: r.5,
                        })
                        .collect())
                })
            }

            fn delete_webhook(
                &self,
                id: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    // Attempts and deliveries first: SQLite's cascades need foreign keys on.
                    sqlx::query::<$db>(
                        "DELETE FROM webhook_attempts WHERE delivery_id IN \
                         (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query::<$db>("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let gone = sqlx::query::<$db>("DELETE FROM webhooks WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                        > 0;
                    if gone {
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("webhook:{id}"));
                    }
                    tx.commit().await?;
                    Ok(gone)
                })
            }

            fn enqueue_event(
                &self,
                event: $crate::store::NewEvent,
                due_ms: i64,
            ) -> $crate::store::StoreFuture<'_, Option<i64>> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let (subscribers,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "SELECT COUNT(*) FROM webhooks WHERE (',' || events || ',') LIKE $1",
                    )
                    .bind(format!("%,{},%", event.kind))
                    .fetch_one(&mut *tx)
                    .await?;
                    if subscribers == 0 {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                    let id = $crate::store::webhooks::enqueue_in_tx!($db, tx, &event, due_ms);
                    tx.commit().await?;
                    Ok(id)
                })
            }

            fn claim_deliveries(
                &self,
                holder: String,
                now_ms: i64,
                ttl_ms: i64,
                limit: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::DueDelivery>> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let claimed: Vec<(i64,)> = sqlx::query_as::<$db, (i64,)>(concat!(
                        "UPDATE webhook_deliveries SET claimed_by = $1, claimed_until_ms = $2 \
                         WHERE id IN (SELECT id FROM webhook_deliveries \
                         WHERE state = 'pending' AND next_attempt_ms <= $3 \
                         AND (claimed_until_ms IS NULL OR claimed_until_ms <= $3) \
                         ORDER BY next_attempt_ms, id LIMIT $4",
                        $skip,
                        ") RETURNING id"
                    ))
                    .bind(&holder)
                    .bind(now_ms.saturating_add(ttl_ms))
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut out = Vec::with_capacity(claimed.len());
                    for (id,) in claimed {
                        let r: (i64, i64, i64, String, String, i64) =
                            sqlx::query_as::<$db, (i64, i64, i64, String, String, i64)>(
                                "SELECT d.id, d.event_id, d.webhook_id, w.url, e.payload, d.attempts \
                                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                                 JOIN webhook_events e ON e.id = d.event_id WHERE d.id = $1",
                            )
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                        out.push($crate::store::DueDelivery {
                            id: r.0,
                            event_id: r.1,
                            webhook_id: r.2,
                            url: r.3,
                            payload: r.4,
                            attempts: r.5,
                        });
                    }
                    tx.commit().await?;
                    out.sort_by_key(|d| d.id);
                    Ok(out)
                })
            }

            fn finish_attempt(
                &self,
                delivery_id: i64,
                holder: String,
                outcome: $crate::store::AttemptOutcome,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let updated: Option<(i64,)> = sqlx::query_as::<$db, (i64,)>(
                        "UPDATE webhook_deliveries SET attempts = attempts + 1, state = $1, \
                         next_attempt_ms = $2, claimed_by = NULL, claimed_until_ms = NULL, \
                         delivered_at_ms = $3 \
                         WHERE id = $4 AND claimed_by = $5 AND state = 'pending' RETURNING attempts",
                    )
                    .bind(outcome.state)
                    .bind(outcome.next_attempt_ms)
                    .bind((outcome.state == "delivered").then_some(outcome.at_ms))
                    .bind(delivery_id)
                    .bind(&holder)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((seq,)) = updated else {
                        tx.rollback().await?;
                        return Ok(false);
                    };
                    sqlx::query::<$db>(
                        "INSERT INTO webhook_attempts (delivery_id, seq, at_ms, holder, status, error) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(delivery_id)
                    .bind(seq)
                    .bind(outcome.at_ms)
                    .bind(&holder)
                    .bind(outcome.status)
                    .bind(&outcome.error)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(true)
                })
            }

            fn deliveries(
                &self,
                limit: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::DeliveryRow>> {
                Box::pin(async move {
                    type Row = (i64, i64, i64, String, String, String, i64, i64, Option<i64>);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT d.id, d.event_id, d.webhook_id, e.kind, e.payload, d.state, d.attempts, \
                         d.next_attempt_ms, d.delivered_at_ms \
                         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id \
                         ORDER BY d.id DESC LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::DeliveryRow {
                            id: r.0,
                            event_id: r.1,
                            webhook_id: r.2,
                            kind: r.3,
                            payload: r.4,
                            state: r.5,
                            attempts: r.6,
                            next_attempt_ms: r.7,
                            delivered_at_ms: r.8,
                        })
                        .collect())
                })
            }

            fn delivery_attempts(
                &self,
                delivery_id: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::AttemptRow>> {
                Box::pin(async move {
                    type Row = (i64, i64, i64, String, Option<i64>, Option<String>);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT delivery_id, seq, at_ms, holder, status, error FROM webhook_attempts \
                         WHERE delivery_id = $1 ORDER BY seq",
                    )
                    .bind(delivery_id)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::AttemptRow {
                            delivery_id: r.0,
                            seq: r.1,
                            at_ms: r.2,
                            holder: r.3,
                            status: r.4,
                            error: r.5,
                        })
                        .collect())
                })
            }

            fn prune_events(&self, before: i64) -> $crate::store::StoreFuture<'_, u64> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let done = "SELECT e.id FROM webhook_events e WHERE e.created_at < $1 \
                                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d \
                                WHERE d.event_id = e.id AND d.state = 'pending')";
                    sqlx::query::<$db>(sqlx::AssertSqlSafe(format!(
                        "DELETE FROM webhook_attempts WHERE delivery_id IN \
                         (SELECT id FROM webhook_deliveries WHERE event_id IN ({done}))"
                    )))
                    .bind(before)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query::<$db>(sqlx::AssertSqlSafe(format!(
                        "DELETE FROM webhook_deliveries WHERE event_id IN ({done})"
                    )))
                    .bind(before)
                    .execute(&mut *tx)
                    .await?;
                    let n = sqlx::query::<$db>(sqlx::AssertSqlSafe(format!(
                        "DELETE FROM webhook_events WHERE id IN ({done})"
                    )))
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    tx.commit().await?;
                    Ok(n)
                })
            }
        }
    };
}
pub(super) use impl_webhook_store;
