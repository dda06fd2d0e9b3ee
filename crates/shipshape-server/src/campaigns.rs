//! Campaigns: a target (a level, or a set of checks) over a filter of units
//! (tier, team, area, repository glob) with a deadline, and their progress.
//!
//! The server does not judge here either: a unit meets a campaign when its
//! latest report holds no `fail` or `error` result among the checks the target
//! names — for a level, the checks whose severity that level requires
//! ([`Level::requires`], the rule the scanner itself decides levels by), so a
//! level campaign without an area agrees with the level the report states. A
//! check the latest report does not carry does not block. The area filter
//! narrows the checks considered (ids `area/name`), not the units.
//!
//! Daily snapshots of every campaign's progress are written by one replica at a
//! time: the work runs under a lease ([`Store::acquire_lease`]) that the holder
//! renews each round and that another replica takes over only once it lapses.

use crate::error::Error;
use crate::store::{
    AuditEntry, CampaignRow, CampaignSpec, Page, SnapshotRow, Store, StoreResult, UnitFilter,
    UnitRow, Unsatisfied,
};
use serde::{Deserialize, Serialize};
use shipshape_model::{Area, Level, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Longest campaign name, and description.
const MAX_NAME: usize = 200;
const MAX_DESCRIPTION: usize = 4000;
/// Most check ids in one campaign.
const MAX_CHECKS: usize = 500;

/// A campaign as an admin sends it (`POST`/`PUT /api/v1/campaigns`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub target: TargetInput,
    #[serde(default)]
    pub filter: FilterInput,
    /// `YYYY-MM-DD` (the end of that day, UTC) or an RFC 3339 time.
    pub deadline: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FilterInput {
    pub tier: Option<i64>,
    /// The owner as reports name it (`@acme/payments`).
    pub team: Option<String>,
    pub area: Option<String>,
    /// A glob over repository names (`acme/*`).
    pub repository: Option<String>,
}

fn unprocessable(msg: impl Into<String>) -> Error {
    Error::Unprocessable(msg.into())
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// True for `area/name` with a known area and a name of lowercase letters, digits and `-`.
pub fn is_check_id(id: &str) -> bool {
    id.split_once('/').is_some_and(|(area, name)| {
        Area::from_str(area).is_ok_and(|a| a.as_str() == area)
            && !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn area_names() -> String {
    Area::ALL.map(Area::as_str).join(", ")
}

/// A glob over repository names, as upload tokens read theirs.
pub fn repository_glob(glob: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(glob)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{glob:?} is not a valid glob: {e}"))
}

impl CampaignInput {
    /// Checks every field and says which one is wrong and how to fix it.
    pub fn validate(&self) -> Result<CampaignSpec, Error> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(unprocessable("name: a campaign needs a name"));
        }
        if name.len() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(unprocessable(format!(
                "name: at most {MAX_NAME} bytes, without control characters"
            )));
        }
        if self.description.len() > MAX_DESCRIPTION {
            return Err(unprocessable(format!(
                "description: at most {MAX_DESCRIPTION} bytes"
            )));
        }
        let (target_level, target_checks) = match (&self.target.level, &self.target.checks) {
            (Some(_), Some(_)) => {
                return Err(unprocessable(
                    "target: give either level or checks, not both",
                ));
            }
            (None, None) => {
                return Err(unprocessable(
                    "target: give a level ({\"level\": \"silver\"}) or a set of checks ({\"checks\": [\"security/secrets-in-repo\"]})",
                ));
            }
            (Some(level), None) => {
                let l = Level::from_str(level).map_err(|_| {
                    unprocessable(format!(
                        "target.level: {level:?} is not a level; expected bronze, silver or gold"
                    ))
                })?;
                (Some(l.as_str().to_string()), None)
            }
            (None, Some(checks)) => {
                if checks.is_empty() {
                    return Err(unprocessable(
                        "target.checks: name at least one check id (area/name)",
                    ));
                }
                if checks.len() > MAX_CHECKS {
                    return Err(unprocessable(format!(
                        "target.checks: at most {MAX_CHECKS} checks"
                    )));
                }
                if let Some(bad) = checks.iter().find(|c| !is_check_id(c)) {
                    return Err(unprocessable(format!(
                        "target.checks: {bad:?} is not a check id; ids are area/name with area one of {}",
                        area_names()
                    )));
                }
                let set: BTreeSet<String> = checks.iter().cloned().collect();
                (None, Some(set.into_iter().collect()))
            }
        };
        if let Some(t) = self.filter.tier
            && !(1..=3).contains(&t)
        {
            return Err(unprocessable(format!(
                "filter.tier: must be 1, 2 or 3, not {t}"
            )));
        }
        let area = nonempty(&self.filter.area);
        if let Some(a) = &area
            && !Area::from_str(a).is_ok_and(|x| x.as_str() == a)
        {
            return Err(unprocessable(format!(
                "filter.area: {a:?} is not an area; expected one of {}",
                area_names()
            )));
        }
        let repository = nonempty(&self.filter.repository);
        if let Some(g) = &repository {
            repository_glob(g).map_err(|e| unprocessable(format!("filter.repository: {e}")))?;
        }
        let team = nonempty(&self.filter.team);
        for (field, v) in [("filter.team", &team), ("filter.repository", &repository)] {
            if v.as_ref().is_some_and(|v| v.len() > 512) {
                return Err(unprocessable(format!("{field}: at most 512 bytes")));
            }
        }
        let deadline = nonempty(&self.deadline);
        let deadline_at = deadline
            .as_deref()
            .map(crate::time::parse_expiry)
            .transpose()
            .map_err(|e| unprocessable(format!("deadline: {e}")))?;
        Ok(CampaignSpec {
            name: name.to_string(),
            description: self.description.trim().to_string(),
            target_level,
            target_checks,
            filter_tier: self.filter.tier,
            filter_team: team,
            filter_area: area,
            filter_repository: repository,
            deadline,
            deadline_at,
        })
    }
}

/// What a campaign asks, ready to test check results against.
#[derive(Debug, Clone)]
pub struct Target {
    level: Option<Level>,
    checks: BTreeSet<String>,
    area_prefix: Option<String>,
}

impl Target {
    pub fn of(spec: &CampaignSpec) -> Target {
        Target {
            level: spec
                .target_level
                .as_deref()
                .and_then(|l| Level::from_str(l).ok()),
            checks: spec.target_checks.iter().flatten().cloned().collect(),
            area_prefix: spec.filter_area.as_ref().map(|a| format!("{a}/")),
        }
    }

    /// True when this `fail`/`error` result keeps a unit from the target.
    pub fn blocks(&self, u: &Unsatisfied) -> bool {
        if let Some(p) = &self.area_prefix
            && !u.check_id.starts_with(p.as_str())
        {
            return false;
        }
        match self.level {
            Some(level) => {
                Severity::from_str(&u.severity).is_ok_and(|s| s.at_least(level.requires()))
            }
            None => self.checks.contains(&u.check_id),
        }
    }
}

/// One result that keeps a unit from a target.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Blocking {
    pub check: String,
    pub outcome: String,
    pub severity: String,
}

/// A unit in a campaign's scope that does not meet its target yet.
#[derive(Debug, Clone)]
pub struct Short {
    pub unit: UnitRow,
    pub blocking: Vec<Blocking>,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub in_scope: i64,
    pub meeting: i64,
    pub short: Vec<Short>,
}

/// Every unit matching `filter` (all pages).
pub async fn all_units(store: &dyn Store, filter: UnitFilter) -> StoreResult<Vec<UnitRow>> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = Page {
            cursor,
            limit: crate::routes::MAX_LIMIT,
        };
        let rows = store.units(filter.clone(), page).await?;
        let full = rows.len() as i64 == page.limit;
        cursor = rows.last().map(|u| u.id);
        out.extend(rows);
        if !full {
            return Ok(out);
        }
    }
}

/// The units a campaign covers and how many meet its target, from their latest reports.
pub async fn progress(store: &dyn Store, spec: &CampaignSpec) -> StoreResult<Progress> {
    let filter = UnitFilter {
        owner: spec.filter_team.clone(),
        tier: spec.filter_tier,
        ..UnitFilter::default()
    };
    let glob = spec
        .filter_repository
        .as_deref()
        .and_then(|g| repository_glob(g).ok());
    let in_repo = |repo: &str| glob.as_ref().is_none_or(|g| g.is_match(repo));
    let units: Vec<UnitRow> = all_units(store, filter.clone())
        .await?
        .into_iter()
        // A unit never reported on (no latest report) has nothing to judge by.
        .filter(|u| u.latest_report_id.is_some() && in_repo(&u.repository))
        .collect();
    let target = Target::of(spec);
    let mut blocking: BTreeMap<i64, Vec<Blocking>> = BTreeMap::new();
    for u in store.unsatisfied_checks(filter).await? {
        if target.blocks(&u) {
            blocking.entry(u.unit_id).or_default().push(Blocking {
                check: u.check_id,
                outcome: u.outcome,
                severity: u.severity,
            });
        }
    }
    let in_scope = units.len() as i64;
    let short: Vec<Short> = units
        .into_iter()
        .filter_map(|unit| {
            blocking
                .remove(&unit.id)
                .map(|blocking| Short { unit, blocking })
        })
        .collect();
    Ok(Progress {
        in_scope,
        meeting: in_scope - short.len() as i64,
        short,
    })
}

/// The UTC day of a Unix time, `YYYY-MM-DD`.
pub fn day_of(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_else(|_| "1970-01-01".into())
}

/// The lease snapshot work runs under.
pub const SNAPSHOT_LEASE: &str = "campaign-snapshots";
/// How often a replica tries to take today's snapshots.
pub const SNAPSHOT_EVERY: Duration = Duration::from_secs(3600);
/// How long a lease lasts: longer than a round, so a live holder keeps it and
/// another replica takes over only after the holder has missed a round.
pub const LEASE_TTL: i64 = 3600 + 600;

/// A name for this process as a lease holder: random, so two replicas never share one.
pub fn holder_id() -> String {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: the process id still tells replicas on different hosts
        // apart less reliably, but leases stay correct on one host.
        return format!("pid-{}", std::process::id());
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Writes today's snapshot of every campaign when this holder has (or gets) the
/// lease: `Some(campaigns)`, or `None` when another replica holds it.
pub async fn snapshot_once(
    store: &dyn Store,
    holder: &str,
    now: i64,
) -> StoreResult<Option<usize>> {
    if !store
        .acquire_lease(SNAPSHOT_LEASE.into(), holder.into(), now, LEASE_TTL)
        .await?
    {
        return Ok(None);
    }
    let day = day_of(now);
    let mut rows = Vec::new();
    for c in store.campaigns().await? {
        let p = progress(store, &c.spec).await?;
        rows.push(SnapshotRow {
            campaign_id: c.id,
            day: day.clone(),
            taken_at: now,
            in_scope: p.in_scope,
            meeting: p.meeting,
        });
    }
    let n = rows.len();
    if n > 0 {
        store
            .put_snapshots(
                rows,
                AuditEntry {
                    at: now,
                    token_id: None,
                    actor: format!("server:{holder}"),
                    action: "campaign.snapshot".into(),
                    subject: format!("campaigns:{day}"),
                    detail: format!("campaigns={n}"),
                },
            )
            .await?;
    }
    Ok(Some(n))
}

/// Takes snapshots every `every`, first after a minute; logs and goes on after errors.
pub async fn run_forever(store: Arc<dyn Store>, holder: String, every: Duration) {
    tokio::time::sleep(Duration::from_secs(60).min(every)).await;
    loop {
        match snapshot_once(store.as_ref(), &holder, crate::time::now()).await {
            Ok(Some(n)) => tracing::info!(campaigns = n, "campaign snapshots taken"),
            Ok(None) => tracing::debug!("campaign snapshots taken by another replica"),
            Err(e) => tracing::warn!(error = %e, "campaign snapshots failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The current campaign row, or 404.
pub async fn find(store: &dyn Store, id: i64) -> Result<CampaignRow, Error> {
    store
        .campaign(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no campaign {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Result<CampaignSpec, String> {
        let i: CampaignInput = serde_json::from_str(json).map_err(|e| e.to_string())?;
        i.validate().map_err(|e| e.to_string())
    }

    #[test]
    fn bad_campaigns_say_which_field_is_wrong() {
        let e = input(r#"{"name":"x","target":{}}"#).unwrap_err();
        assert!(e.contains("target: give a level"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"platinum"}}"#).unwrap_err();
        assert!(e.contains("target.level"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold","checks":["a/b"]}}"#).unwrap_err();
        assert!(e.contains("not both"), "{e}");
        let e = input(r#"{"name":"x","target":{"checks":["nope"]}}"#).unwrap_err();
        assert!(e.contains("\"nope\" is not a check id"), "{e}");
        let e = input(r#"{"name":" ","target":{"level":"gold"}}"#).unwrap_err();
        assert!(e.contains("name"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold"},"filter":{"tier":7}}"#).unwrap_err();
        assert!(e.contains("filter.tier"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold"},"filter":{"area":"speed"}}"#)
            .unwrap_err();
        assert!(e.contains("filter.area"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold"},"filter":{"repository":"a/[b"}}"#)
            .unwrap_err();
        assert!(e.contains("filter.repository"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold"},"deadline":"soon"}"#).unwrap_err();
        assert!(e.contains("deadline"), "{e}");
        let e = input(r#"{"name":"x","target":{"level":"gold"},"colour":"red"}"#).unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
    }

    #[test]
    fn a_good_campaign_is_normalised() {
        let s = input(
            r#"{"name":" Tier 1 to silver ","target":{"checks":["security/b","security/a","security/a"]},
                "filter":{"tier":1,"team":"@acme/pay","repository":"acme/*"},"deadline":"2027-03-31"}"#,
        )
        .unwrap();
        assert_eq!(s.name, "Tier 1 to silver");
        assert_eq!(
            s.target_checks,
            Some(vec!["security/a".into(), "security/b".into()])
        );
        assert_eq!(
            s.deadline_at,
            Some(crate::time::parse_expiry("2027-03-31").unwrap())
        );
    }

    fn unsat(id: &str, severity: &str) -> Unsatisfied {
        Unsatisfied {
            unit_id: 1,
            check_id: id.into(),
            outcome: "fail".into(),
            severity: severity.into(),
        }
    }

    #[test]
    fn levels_block_by_severity_and_areas_narrow() {
        let mut spec = input(r#"{"name":"x","target":{"level":"silver"}}"#).unwrap();
        let t = Target::of(&spec);
        assert!(t.blocks(&unsat("security/a", "critical")));
        assert!(t.blocks(&unsat("security/a", "high")));
        assert!(!t.blocks(&unsat("security/a", "medium")));
        spec.filter_area = Some("delivery".into());
        let t = Target::of(&spec);
        assert!(!t.blocks(&unsat("security/a", "critical")));
        assert!(t.blocks(&unsat("delivery/a", "critical")));
        let spec = input(r#"{"name":"x","target":{"checks":["security/a"]}}"#).unwrap();
        let t = Target::of(&spec);
        assert!(t.blocks(&unsat("security/a", "info")));
        assert!(!t.blocks(&unsat("security/b", "critical")));
    }

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(86_400 * 365), "1971-01-01");
    }
}
