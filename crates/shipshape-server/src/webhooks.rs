//! Webhook notifications (Slack-compatible JSON: `text` plus structured fields)
//! when a unit's level drops or a new critical failure appears on a default
//! branch, when a waiver expires, and when a campaign deadline nears.
//!
//! Delivery never blocks an upload: the upload's transaction only writes the
//! event and its pending deliveries (the outbox, `store::WebhookStore`); a
//! background worker ([`run_forever`]) claims due deliveries, POSTs them with a
//! timeout, records every attempt and retries with exponential backoff. A
//! claim belongs to one replica, so several replicas on one PostgreSQL deliver
//! each event once. Waiver and campaign events are raised by one replica at a
//! time (a lease) and carry a key, so each is raised once.
//!
//! The server does not judge here either: a level drop compares the levels two
//! stored reports state, a new critical failure compares their stored results.
//! Webhook URLs may hold secrets: they are logged and listed only redacted.

use crate::client::{self, redact_url};
use crate::error::Error;
use crate::store::{
    AttemptOutcome, AuditEntry, CampaignRow, NewEvent, NewUnitReport, NewWebhook, Store,
    StoreResult, WaiverRow, WebhookRow,
};
use serde_json::json;
use shipshape_model::Level;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub const LEVEL_DROP: &str = "level-drop";
pub const NEW_CRITICAL: &str = "new-critical";
pub const WAIVER_EXPIRED: &str = "waiver-expired";
pub const CAMPAIGN_DEADLINE: &str = "campaign-deadline";
/// Every event kind, in the order they are documented.
pub const KINDS: &[&str] = &[LEVEL_DROP, NEW_CRITICAL, WAIVER_EXPIRED, CAMPAIGN_DEADLINE];

/// A campaign's deadline "nears" this many days before it.
pub const DEADLINE_NOTICE_DAYS: i64 = 7;
/// Waivers that expired longer ago than this are not announced (a webhook added
/// today is not flooded with last year's expiries).
pub const WAIVER_LOOKBACK_DAYS: i64 = 7;
/// Finished events are kept this long, then pruned with their attempts.
pub const KEEP_EVENTS_DAYS: i64 = 30;
/// The lease the waiver and campaign scan runs under.
pub const DEADLINES_LEASE: &str = "webhook-deadlines";

/// Event kinds as a comma-separated list (`level-drop,new-critical`); `all` (or
/// nothing) means every kind. Sorted as [`KINDS`], without repeats.
pub fn parse_events(s: Option<&str>) -> Result<Vec<String>, String> {
    let s = s.map(str::trim).unwrap_or("");
    if s.is_empty() || s == "all" {
        return Ok(KINDS.iter().map(|k| k.to_string()).collect());
    }
    let mut wanted = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !KINDS.contains(&part) {
            return Err(format!(
                "unknown event {part:?}: expected a comma-separated list of {} (or all)",
                KINDS.join(", ")
            ));
        }
        wanted.push(part);
    }
    Ok(KINDS
        .iter()
        .filter(|k| wanted.contains(k))
        .map(|k| k.to_string())
        .collect())
}

/// Which kinds at least one webhook subscribes to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinds {
    pub level_drop: bool,
    pub new_critical: bool,
    pub waiver_expired: bool,
    pub campaign_deadline: bool,
}

impl Kinds {
    /// From the webhooks' `events` columns (comma-separated lists).
    pub fn of<'a>(columns: impl IntoIterator<Item = &'a str>) -> Kinds {
        let mut k = Kinds::default();
        for kind in columns.into_iter().flat_map(|c| c.split(',')) {
            match kind {
                LEVEL_DROP => k.level_drop = true,
                NEW_CRITICAL => k.new_critical = true,
                WAIVER_EXPIRED => k.waiver_expired = true,
                CAMPAIGN_DEADLINE => k.campaign_deadline = true,
                _ => {}
            }
        }
        k
    }

    /// An upload may raise events.
    pub fn on_upload(&self) -> bool {
        self.level_drop || self.new_critical
    }
}

/// True when `git_ref` (`main`, or `refs/heads/main`) is one of `branches`.
pub fn is_default_branch<S: AsRef<str>>(git_ref: &str, branches: &[S]) -> bool {
    let name = git_ref.strip_prefix("refs/heads/").unwrap_or(git_ref);
    !name.is_empty() && branches.iter().any(|b| b.as_ref() == name)
}

/// Where an upload's events come from.
#[derive(Debug, Clone, Copy)]
pub struct UploadSubject<'a> {
    pub repository: &'a str,
    pub commit: &'a str,
    pub git_ref: &'a str,
    pub ci_run_url: Option<&'a str>,
    pub report_id: i64,
    pub unit_id: i64,
    pub received_at: i64,
}

fn failing(outcome: &str) -> bool {
    outcome == "fail" || outcome == "error"
}

fn short_commit(c: &str) -> &str {
    c.get(..12).unwrap_or(c)
}

/// The events one unit of an upload raises against its previous report on the
/// same ref (`previous`: its id and level; `before`: its `(check, outcome)`).
/// A unit's first report raises none: nothing dropped, nothing appeared.
pub fn upload_events(
    kinds: &Kinds,
    s: &UploadSubject<'_>,
    unit: &NewUnitReport,
    previous: Option<(i64, Option<&str>)>,
    before: &[(String, String)],
) -> Vec<NewEvent> {
    let Some((previous_report, level_before)) = previous else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let common = || {
        json!({
            "repository": s.repository,
            "unit": unit.path,
            "unit_name": unit.name,
            "unit_id": s.unit_id,
            "owner": unit.owner,
            "tier": unit.tier,
            "report_id": s.report_id,
            "previous_report_id": previous_report,
            "commit": s.commit,
            "ref": s.git_ref,
            "ci_run_url": s.ci_run_url,
            "unit_path": format!("/units/{}", s.unit_id),
        })
    };
    let where_ = format!(
        "{} · {} (commit {} on {})",
        s.repository,
        unit.path,
        short_commit(s.commit),
        s.git_ref
    );
    if kinds.level_drop && crate::diff::level_change(level_before, unit.level.as_deref()) == "down"
    {
        let name = |l: Option<&str>| {
            l.and_then(|l| l.parse::<Level>().ok())
                .map(|l| l.as_str())
                .unwrap_or("no level")
        };
        let mut p = common();
        p["event"] = json!(LEVEL_DROP);
        p["level_before"] = json!(level_before);
        p["level_after"] = json!(unit.level);
        p["text"] = json!(format!(
            "Level dropped from {} to {}: {where_}",
            name(level_before),
            name(unit.level.as_deref())
        ));
        out.push(event(LEVEL_DROP, None, p, s.received_at));
    }
    if kinds.new_critical {
        let before: BTreeMap<&str, &str> = before
            .iter()
            .map(|(c, o)| (c.as_str(), o.as_str()))
            .collect();
        let mut new: Vec<&str> = unit
            .checks
            .iter()
            .filter(|c| c.severity == "critical" && failing(&c.outcome))
            .filter(|c| !before.get(c.check_id.as_str()).is_some_and(|o| failing(o)))
            .map(|c| c.check_id.as_str())
            .collect();
        new.sort_unstable();
        new.dedup();
        if !new.is_empty() {
            let mut p = common();
            p["event"] = json!(NEW_CRITICAL);
            p["checks"] = json!(new);
            p["text"] = json!(format!(
                "New critical failure{}: {} — {where_}",
                if new.len() == 1 { "" } else { "s" },
                new.join(", ")
            ));
            out.push(event(NEW_CRITICAL, None, p, s.received_at));
        }
    }
    out
}

fn event(kind: &str, dedup_key: Option<String>, payload: serde_json::Value, at: i64) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        dedup_key,
        payload: payload.to_string(),
        created_at: at,
    }
}

/// The event of a waiver (of a unit's latest report) that has expired.
pub fn waiver_event(w: &WaiverRow, now: i64) -> NewEvent {
    let expires_at = w.expires_at.unwrap_or(now);
    let owner = w
        .owner
        .as_deref()
        .map(|o| format!(" (owner {o})"))
        .unwrap_or_default();
    let payload = json!({
        "event": WAIVER_EXPIRED,
        "text": format!(
            "Waiver of {} expired on {}{owner}: {} · {} — {}",
            w.check_id,
            crate::time::rfc3339(expires_at),
            w.repository,
            w.unit,
            w.reason
        ),
        "repository": w.repository,
        "unit": w.unit,
        "unit_id": w.unit_id,
        "report_id": w.report_id,
        "check": w.check_id,
        "reason": w.reason,
        "owner": w.owner,
        "expires": w.expires,
        "expires_at": crate::time::rfc3339(expires_at),
        "unit_path": format!("/units/{}", w.unit_id),
    });
    event(
        WAIVER_EXPIRED,
        Some(format!(
            "{WAIVER_EXPIRED}:{}:{}:{expires_at}",
            w.unit_id, w.check_id
        )),
        payload,
        now,
    )
}

/// The event of a campaign whose deadline is within [`DEADLINE_NOTICE_DAYS`]
/// while some units in scope still fall short.
pub fn campaign_event(c: &CampaignRow, in_scope: i64, meeting: i64, now: i64) -> Option<NewEvent> {
    let deadline = c.spec.deadline_at?;
    let left = deadline - now;
    if left <= 0 || left > DEADLINE_NOTICE_DAYS * crate::retention::DAY || meeting >= in_scope {
        return None;
    }
    let days = (left + crate::retention::DAY - 1) / crate::retention::DAY;
    let payload = json!({
        "event": CAMPAIGN_DEADLINE,
        "text": format!(
            "Campaign \"{}\" is due in {days} day{} ({}): {meeting} of {in_scope} units meet its target",
            c.spec.name,
            if days == 1 { "" } else { "s" },
            c.spec.deadline.as_deref().unwrap_or("")
        ),
        "campaign_id": c.id,
        "campaign": c.spec.name,
        "deadline": c.spec.deadline,
        "deadline_at": crate::time::rfc3339(deadline),
        "in_scope": in_scope,
        "meeting": meeting,
        "short": in_scope - meeting,
        "campaign_path": format!("/campaigns/{}", c.id),
    });
    Some(event(
        CAMPAIGN_DEADLINE,
        Some(format!("{CAMPAIGN_DEADLINE}:{}:{deadline}", c.id)),
        payload,
        now,
    ))
}

/// How the worker delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Pause between rounds when nothing was due.
    pub every: Duration,
    /// How long a claim lasts (longer than `timeout`): a replica that dies
    /// mid-delivery lets another retry after it.
    pub claim_ttl: Duration,
    /// Time a receiver has to answer.
    pub timeout: Duration,
    /// The wait after the first failed attempt; doubled after each further one.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Attempts before a delivery is given up (`failed`).
    pub max_attempts: i64,
    /// Deliveries claimed per round (sent concurrently).
    pub batch: i64,
    /// How often waivers and campaign deadlines are looked at.
    pub deadlines_every: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            every: Duration::from_secs(2),
            claim_ttl: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
            max_attempts: 10,
            batch: 16,
            deadlines_every: Duration::from_secs(300),
        }
    }
}

/// The wait after `attempts` failed attempts (1 → `backoff_base`, 2 → twice
/// that, …), at most `backoff_max`.
pub fn backoff(p: &Policy, attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    p.backoff_base
        .checked_mul(1u32 << exp)
        .unwrap_or(p.backoff_max)
        .min(p.backoff_max)
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One round: claims the due deliveries, sends them concurrently and records
/// each attempt. How many were attempted.
pub async fn deliver_once(
    store: &Arc<dyn Store>,
    holder: &str,
    policy: &Policy,
) -> StoreResult<usize> {
    let due = store
        .claim_deliveries(holder.into(), now_ms(), ms(policy.claim_ttl), policy.batch)
        .await?;
    let n = due.len();
    let mut tasks = tokio::task::JoinSet::new();
    for d in due {
        let store = store.clone();
        let holder = holder.to_string();
        let policy = *policy;
        tasks.spawn(async move {
            let sent = client::post_json(&d.url, d.payload.into_bytes(), policy.timeout).await;
            let at_ms = now_ms();
            let attempts = d.attempts + 1;
            let (status, error) = match &sent {
                Ok(code) => (
                    Some(i64::from(*code)),
                    (!(200..300).contains(code)).then(|| format!("answered HTTP {code}")),
                ),
                Err(e) => (None, Some(e.to_string())),
            };
            let state = if error.is_none() {
                "delivered"
            } else if attempts >= policy.max_attempts {
                "failed"
            } else {
                "pending"
            };
            let next = at_ms.saturating_add(ms(backoff(&policy, attempts)));
            let target = redact_url(&d.url);
            match state {
                "delivered" => {
                    tracing::info!(delivery = d.id, webhook = d.webhook_id, %target, attempts, "webhook delivered")
                }
                "failed" => {
                    tracing::warn!(delivery = d.id, webhook = d.webhook_id, %target, attempts, error = error.as_deref().unwrap_or(""), "webhook delivery given up")
                }
                _ => {
                    tracing::info!(delivery = d.id, webhook = d.webhook_id, %target, attempts, error = error.as_deref().unwrap_or(""), "webhook delivery failed; will retry")
                }
            }
            let outcome = AttemptOutcome {
                at_ms,
                status,
                error,
                state,
                next_attempt_ms: next,
            };
            if let Err(e) = store.finish_attempt(d.id, holder, outcome).await {
                tracing::warn!(delivery = d.id, error = %e, "recording a webhook attempt failed");
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(n)
}

/// Raises the events of expired waivers and near campaign deadlines, when this
/// holder has (or gets) the lease; `None` when another replica holds it.
pub async fn raise_due(store: &dyn Store, holder: &str, now: i64) -> StoreResult<Option<usize>> {
    let hooks = store.webhooks().await?;
    let kinds = Kinds::of(
        hooks
            .iter()
            .flat_map(|h| h.events.iter().map(String::as_str)),
    );
    if !kinds.waiver_expired && !kinds.campaign_deadline {
        return Ok(Some(0));
    }
    let ttl = 3 * Policy::default().deadlines_every.as_secs() as i64;
    if !store
        .acquire_lease(DEADLINES_LEASE.into(), holder.into(), now, ttl)
        .await?
    {
        return Ok(None);
    }
    let mut raised = 0;
    let due_ms = now.saturating_mul(1000);
    if kinds.waiver_expired {
        let since = now - WAIVER_LOOKBACK_DAYS * crate::retention::DAY;
        for w in store.waivers_expiring(now, 10_000).await? {
            if w.expires_at.is_some_and(|t| t > since)
                && store
                    .enqueue_event(waiver_event(&w, now), due_ms)
                    .await?
                    .is_some()
            {
                raised += 1;
            }
        }
    }
    if kinds.campaign_deadline {
        for c in store.campaigns().await? {
            let near = c.spec.deadline_at.is_some_and(|d| {
                d > now && d - now <= DEADLINE_NOTICE_DAYS * crate::retention::DAY
            });
            if !near {
                continue;
            }
            let p = crate::campaigns::progress(store, &c.spec).await?;
            if let Some(e) = campaign_event(&c, p.in_scope, p.meeting, now)
                && store.enqueue_event(e, due_ms).await?.is_some()
            {
                raised += 1;
            }
        }
    }
    store
        .prune_events(now - KEEP_EVENTS_DAYS * crate::retention::DAY)
        .await?;
    Ok(Some(raised))
}

/// Delivers forever: a round whenever the last one found work, otherwise every
/// `policy.every`; waivers and campaigns every `policy.deadlines_every`. Logs
/// and goes on after errors.
pub async fn run_forever(store: Arc<dyn Store>, holder: String, policy: Policy) {
    let mut last_scan: Option<tokio::time::Instant> = None;
    loop {
        if last_scan.is_none_or(|t| t.elapsed() >= policy.deadlines_every) {
            last_scan = Some(tokio::time::Instant::now());
            match raise_due(store.as_ref(), &holder, crate::time::now()).await {
                Ok(Some(n)) if n > 0 => tracing::info!(events = n, "webhook events raised"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "raising webhook events failed"),
            }
        }
        match deliver_once(&store, &holder, &policy).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook delivery round failed"),
        }
        tokio::time::sleep(policy.every).await;
    }
}

// ---- administration (`shipshape serve webhook add|list|remove`) ---------------

const MAX_NAME: usize = 200;
const MAX_URL: usize = 2048;

/// Registers a webhook after checking its URL and events; its id.
pub async fn add(
    store: &dyn Store,
    name: &str,
    url: &str,
    events: Option<&str>,
    actor: &str,
    now: i64,
) -> Result<i64, Error> {
    let name = name.trim();
    if name.is_empty() || name.len() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "a webhook needs a name of 1 to {MAX_NAME} printable characters"
        )));
    }
    let url = url.trim();
    if url.len() > MAX_URL || url.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "the webhook URL must be at most {MAX_URL} printable characters"
        )));
    }
    client::webhook_target(url).map_err(|_| {
        Error::BadRequest(format!(
            "{} is not a webhook URL: expected http(s)://HOST[:PORT]/PATH, without user info",
            redact_url(url)
        ))
    })?;
    let events = parse_events(events).map_err(Error::BadRequest)?;
    let detail = format!(
        "name={name} url={} events={}",
        redact_url(url),
        events.join(",")
    );
    Ok(store
        .create_webhook(
            NewWebhook {
                name: name.into(),
                url: url.into(),
                events,
                created_by: actor.into(),
                created_at: now,
            },
            AuditEntry {
                at: now,
                token_id: None,
                actor: actor.into(),
                action: "webhook.add".into(),
                subject: String::new(),
                detail,
            },
        )
        .await?)
}

/// Every webhook, URLs redacted ([`redact_url`]).
pub async fn list(store: &dyn Store) -> Result<Vec<WebhookRow>, Error> {
    Ok(store
        .webhooks()
        .await?
        .into_iter()
        .map(|mut h| {
            h.url = redact_url(&h.url);
            h
        })
        .collect())
}

/// Removes a webhook and its deliveries; false when there is none.
pub async fn remove(store: &dyn Store, id: i64, actor: &str, now: i64) -> Result<bool, Error> {
    Ok(store
        .delete_webhook(
            id,
            AuditEntry {
                at: now,
                token_id: None,
                actor: actor.into(),
                action: "webhook.remove".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewCheck;

    fn unit(level: Option<&str>, checks: &[(&str, &str, &str)]) -> NewUnitReport {
        NewUnitReport {
            path: "svc".into(),
            name: "svc".into(),
            kind: "service".into(),
            owner: Some("@acme/pay".into()),
            tier: Some(1),
            level: level.map(str::to_string),
            score: Some(50.0),
            checks: checks
                .iter()
                .map(|(id, severity, outcome)| NewCheck {
                    check_id: id.to_string(),
                    outcome: outcome.to_string(),
                    severity: severity.to_string(),
                    digest: String::new(),
                    json: Vec::new(),
                    findings: Vec::new(),
                })
                .collect(),
            waivers: Vec::new(),
            areas: Vec::new(),
        }
    }

    const ALL: Kinds = Kinds {
        level_drop: true,
        new_critical: true,
        waiver_expired: true,
        campaign_deadline: true,
    };

    fn subject() -> UploadSubject<'static> {
        UploadSubject {
            repository: "acme/api",
            commit: "0123456789abcdef",
            git_ref: "main",
            ci_run_url: None,
            report_id: 9,
            unit_id: 3,
            received_at: 1000,
        }
    }

    #[test]
    fn a_drop_and_a_new_critical_failure_raise_one_event_each() {
        let u = unit(
            Some("bronze"),
            &[
                ("scalability/k8s-probes", "critical", "fail"),
                ("security/old", "critical", "fail"),
                ("docs/readme", "low", "fail"),
            ],
        );
        let before = vec![
            ("scalability/k8s-probes".to_string(), "pass".to_string()),
            ("security/old".to_string(), "fail".to_string()),
        ];
        let events = upload_events(&ALL, &subject(), &u, Some((8, Some("silver"))), &before);
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, [LEVEL_DROP, NEW_CRITICAL]);
        let drop: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
        assert_eq!(
            drop["text"],
            "Level dropped from silver to bronze: acme/api · svc (commit 0123456789ab on main)"
        );
        assert_eq!(drop["level_before"], "silver");
        let crit: serde_json::Value = serde_json::from_str(&events[1].payload).unwrap();
        assert_eq!(crit["checks"], json!(["scalability/k8s-probes"]));
        assert_eq!(crit["previous_report_id"], 8);
    }

    #[test]
    fn first_reports_level_rises_and_unsubscribed_kinds_raise_nothing() {
        let u = unit(None, &[("security/x", "critical", "error")]);
        assert!(upload_events(&ALL, &subject(), &u, None, &[]).is_empty());
        let up = unit(Some("gold"), &[]);
        assert!(upload_events(&ALL, &subject(), &up, Some((1, Some("silver"))), &[]).is_empty());
        let only_drop = Kinds {
            level_drop: true,
            ..Kinds::default()
        };
        let events = upload_events(&only_drop, &subject(), &u, Some((1, Some("bronze"))), &[]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, LEVEL_DROP);
        let text: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
        assert!(
            text["text"]
                .as_str()
                .unwrap()
                .contains("from bronze to no level")
        );
    }

    #[test]
    fn events_lists_are_checked() {
        assert_eq!(parse_events(None).unwrap().len(), KINDS.len());
        assert_eq!(
            parse_events(Some("new-critical, level-drop")).unwrap(),
            [LEVEL_DROP, NEW_CRITICAL]
        );
        let e = parse_events(Some("level-dorp")).unwrap_err();
        assert!(
            e.contains("level-dorp") && e.contains("waiver-expired"),
            "{e}"
        );
        assert_eq!(
            Kinds::of(["level-drop,waiver-expired"]),
            Kinds {
                level_drop: true,
                waiver_expired: true,
                ..Kinds::default()
            }
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let p = Policy {
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(60),
            ..Policy::default()
        };
        let waits: Vec<u64> = (1..=5).map(|n| backoff(&p, n).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 60, 60]);
        assert_eq!(backoff(&p, 1000).as_secs(), 60);
    }

    #[test]
    fn default_branches() {
        assert!(is_default_branch("main", crate::state::DEFAULT_BRANCHES));
        assert!(is_default_branch(
            "refs/heads/master",
            crate::state::DEFAULT_BRANCHES
        ));
        assert!(!is_default_branch(
            "feature/main",
            crate::state::DEFAULT_BRANCHES
        ));
        assert!(!is_default_branch("", crate::state::DEFAULT_BRANCHES));
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:9000/"),
            "http://127.0.0.1:9000"
        );
        assert_eq!(redact_url("http://h/x?token=s"), "http://h/…");
        assert!(client::webhook_target("http://user:pw@h/x").is_err());
        assert!(client::webhook_target("ftp://h/x").is_err());
        assert!(!redact_url("http://user:pw@h/x").contains("pw"));
    }

    #[test]
    fn campaign_deadlines_near_only_while_units_fall_short() {
        let day = crate::retention::DAY;
        let c = CampaignRow {
            id: 4,
            spec: crate::store::CampaignSpec {
                name: "Tier 1 to gold".into(),
                description: String::new(),
                target_level: Some("gold".into()),
                target_checks: None,
                filter_tier: Some(1),
                filter_team: None,
                filter_area: None,
                filter_repository: None,
                deadline: Some("1970-01-20".into()),
                deadline_at: Some(20 * day),
            },
            created_by: "t".into(),
            created_at: 0,
            updated_at: 0,
        };
        assert!(campaign_event(&c, 10, 4, 10 * day).is_none(), "10 days out");
        assert!(campaign_event(&c, 10, 10, 15 * day).is_none(), "all meet");
        assert!(campaign_event(&c, 10, 4, 21 * day).is_none(), "passed");
        let e = campaign_event(&c, 10, 4, 15 * day).unwrap();
        assert_eq!(e.dedup_key.as_deref(), Some("campaign-deadline:4:1728000"));
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
        assert_eq!(
            p["text"],
            "Campaign \"Tier 1 to gold\" is due in 5 days (1970-01-20): 4 of 10 units meet its target"
        );
    }
}
