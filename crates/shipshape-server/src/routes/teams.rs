//! `GET /api/v1/teams` and `GET /api/v1/teams/{name}`: the fleet rolled up per
//! team (the owner units' latest reports name, from `shipshape.toml`, CODEOWNERS
//! or a catalog file) and per tier, and the checks that hold each team back.
//!
//! A unit is held back by the `fail`/`error` results of its latest report whose
//! severity the level its tier requires demands (tier 1 gold, 2 silver, 3
//! bronze; gold when no tier is declared) — the scanner's own level rule, read
//! from the stored results.

use super::bad_query;
use super::units::UnitJson;
use crate::auth::Auth;
use crate::campaigns::all_units;
use crate::error::Error;
use crate::state::AppState;
use crate::store::{UnitFilter, UnitRow, Unsatisfied};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde::Serialize;
use shipshape_model::{Level, Severity, level_for_tier};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// Checks listed under `holding_back` per team in the list (all of them for one team).
const TOP_CHECKS: usize = 5;

#[derive(Debug, Default, Clone, Serialize)]
pub struct LevelCounts {
    pub gold: i64,
    pub silver: i64,
    pub bronze: i64,
    /// Below bronze, or never scored.
    pub none: i64,
}

impl LevelCounts {
    fn add(&mut self, level: Option<Level>) {
        self.add_n(level, 1);
    }

    fn add_n(&mut self, level: Option<Level>, n: i64) {
        match level {
            Some(Level::Gold) => self.gold += n,
            Some(Level::Silver) => self.silver += n,
            Some(Level::Bronze) => self.bronze += n,
            None => self.none += n,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TierRollup {
    /// `null`: no tier declared.
    pub tier: Option<i64>,
    pub required_level: &'static str,
    pub units: i64,
    /// Units at or above the required level.
    pub meeting: i64,
    pub by_level: LevelCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct HoldingBack {
    pub check: String,
    pub title: Option<String>,
    pub severity: String,
    /// Units of the team this check keeps below their required level.
    pub units: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamUnitJson {
    #[serde(flatten)]
    pub unit: UnitJson,
    pub required_level: &'static str,
    pub meets_required_level: bool,
    /// Checks keeping this unit below its required level.
    pub blocking: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamJson {
    /// `null` for the units no report names an owner for.
    pub team: Option<String>,
    pub units: i64,
    pub meeting: i64,
    pub by_level: LevelCounts,
    pub by_tier: Vec<TierRollup>,
    /// Most units held back first.
    pub holding_back: Vec<HoldingBack>,
    /// Only on `GET /api/v1/teams/{name}`.
    #[serde(skip_serializing_if = "Option::is_none", rename = "unit_list")]
    pub unit_list: Option<Vec<TeamUnitJson>>,
}

#[derive(Debug, Serialize)]
pub struct TeamsJson {
    pub teams: Vec<TeamJson>,
}

fn level_of(u: &UnitRow) -> Option<Level> {
    u.level.as_deref().and_then(|l| Level::from_str(l).ok())
}

/// The level a unit's tier requires; gold without a tier.
pub fn required_level(tier: Option<i64>) -> Level {
    tier.and_then(|t| u8::try_from(t).ok())
        .and_then(level_for_tier)
        .unwrap_or(Level::Gold)
}

fn blocks(required: Level, u: &Unsatisfied) -> bool {
    Severity::from_str(&u.severity).is_ok_and(|s| s.at_least(required.requires()))
}

/// Rolls up `units` (one team's) with their unsatisfied results.
fn rollup(
    team: Option<String>,
    units: Vec<UnitRow>,
    unsatisfied: &HashMap<i64, Vec<Unsatisfied>>,
    titles: &HashMap<String, String>,
    detailed: bool,
) -> TeamJson {
    let mut by_level = LevelCounts::default();
    let mut tiers: BTreeMap<Option<i64>, TierRollup> = BTreeMap::new();
    let mut held: BTreeMap<&str, (i64, &str)> = BTreeMap::new();
    let mut meeting = 0;
    let mut list = Vec::new();
    for u in &units {
        let level = level_of(u);
        let required = required_level(u.tier);
        let meets = level.is_some_and(|l| l >= required);
        by_level.add(level);
        meeting += i64::from(meets);
        let t = tiers.entry(u.tier).or_insert_with(|| TierRollup {
            tier: u.tier,
            required_level: required.as_str(),
            units: 0,
            meeting: 0,
            by_level: LevelCounts::default(),
        });
        t.units += 1;
        t.meeting += i64::from(meets);
        t.by_level.add(level);
        let mut blocking = Vec::new();
        for r in unsatisfied
            .get(&u.id)
            .into_iter()
            .flatten()
            .filter(|r| blocks(required, r))
        {
            let e = held
                .entry(r.check_id.as_str())
                .or_insert((0, r.severity.as_str()));
            e.0 += 1;
            blocking.push(r.check_id.clone());
        }
        if detailed {
            list.push(TeamUnitJson {
                unit: u.clone().into(),
                required_level: required.as_str(),
                meets_required_level: meets,
                blocking,
            });
        }
    }
    let mut holding_back: Vec<HoldingBack> = held
        .into_iter()
        .map(|(check, (n, severity))| HoldingBack {
            check: check.to_string(),
            title: titles.get(check).cloned(),
            severity: severity.to_string(),
            units: n,
        })
        .collect();
    holding_back.sort_by(|a, b| b.units.cmp(&a.units).then_with(|| a.check.cmp(&b.check)));
    if !detailed {
        holding_back.truncate(TOP_CHECKS);
    }
    TeamJson {
        team,
        units: units.len() as i64,
        meeting,
        by_level,
        by_tier: tiers.into_values().collect(),
        holding_back,
        unit_list: detailed.then_some(list),
    }
}

async fn inputs(
    state: &AppState,
    filter: UnitFilter,
) -> Result<
    (
        Vec<UnitRow>,
        HashMap<i64, Vec<Unsatisfied>>,
        HashMap<String, String>,
    ),
    Error,
> {
    let units = all_units(state.store.as_ref(), filter.clone()).await?;
    let mut unsatisfied: HashMap<i64, Vec<Unsatisfied>> = HashMap::new();
    for u in state.store.unsatisfied_checks(filter).await? {
        unsatisfied.entry(u.unit_id).or_default().push(u);
    }
    let titles = state
        .store
        .check_catalog()
        .await?
        .into_iter()
        .map(|c| (c.check_id, c.title))
        .collect();
    Ok((units, unsatisfied, titles))
}

/// Named teams first (by name), the unowned units last.
fn sort_teams(teams: &mut [TeamJson]) {
    teams.sort_by(|a, b| (a.team.is_none(), &a.team).cmp(&(b.team.is_none(), &b.team)));
}

/// Every team rolled up from every unit and every unsatisfied result: the
/// straightforward computation, which reads rows in proportion to the fleet.
/// [`all_teams`] gives the same answer from grouped counts; a test compares them.
pub async fn all_teams_unit_by_unit(state: &AppState) -> Result<Vec<TeamJson>, Error> {
    let (units, unsatisfied, titles) = inputs(state, UnitFilter::default()).await?;
    let mut by_team: BTreeMap<Option<String>, Vec<UnitRow>> = BTreeMap::new();
    for u in units {
        by_team.entry(u.owner.clone()).or_default().push(u);
    }
    let mut teams: Vec<TeamJson> = by_team
        .into_iter()
        .map(|(team, units)| rollup(team, units, &unsatisfied, &titles, false))
        .collect();
    sort_teams(&mut teams);
    Ok(teams)
}

/// Every team rolled up from counts the database groups by owner, tier and
/// level, and by owner, tier, check and severity: the rows read grow with
/// teams × tiers × failing checks, not with units or results.
pub async fn all_teams(state: &AppState) -> Result<Vec<TeamJson>, Error> {
    #[derive(Default)]
    struct Acc {
        units: i64,
        meeting: i64,
        by_level: LevelCounts,
        tiers: BTreeMap<Option<i64>, TierRollup>,
        // check → (units, (first unit, its severity))
        held: BTreeMap<String, (i64, (i64, String))>,
    }
    let mut teams: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    for g in state.store.level_groups().await? {
        let level = g.level.as_deref().and_then(|l| Level::from_str(l).ok());
        let required = required_level(g.tier);
        let meets = if level.is_some_and(|l| l >= required) {
            g.units
        } else {
            0
        };
        let acc = teams.entry(g.owner).or_default();
        acc.units += g.units;
        acc.meeting += meets;
        acc.by_level.add_n(level, g.units);
        let t = acc.tiers.entry(g.tier).or_insert_with(|| TierRollup {
            tier: g.tier,
            required_level: required.as_str(),
            units: 0,
            meeting: 0,
            by_level: LevelCounts::default(),
        });
        t.units += g.units;
        t.meeting += meets;
        t.by_level.add_n(level, g.units);
    }
    for g in state.store.block_groups().await? {
        let required = required_level(g.tier);
        if !Severity::from_str(&g.severity).is_ok_and(|s| s.at_least(required.requires())) {
            continue;
        }
        let Some(acc) = teams.get_mut(&g.owner) else {
            continue;
        };
        let e = acc
            .held
            .entry(g.check_id)
            .or_insert((0, (i64::MAX, String::new())));
        e.0 += g.units;
        // The severity the team's first blocked unit reported, as unit by unit.
        if g.first_unit < e.1.0 {
            e.1 = (g.first_unit, g.severity);
        }
    }
    let titles: HashMap<String, String> = state
        .store
        .check_catalog()
        .await?
        .into_iter()
        .map(|c| (c.check_id, c.title))
        .collect();
    let mut out: Vec<TeamJson> = teams
        .into_iter()
        .map(|(team, acc)| {
            let mut holding_back: Vec<HoldingBack> = acc
                .held
                .into_iter()
                .map(|(check, (n, (_, severity)))| HoldingBack {
                    title: titles.get(&check).cloned(),
                    check,
                    severity,
                    units: n,
                })
                .collect();
            holding_back.sort_by(|a, b| b.units.cmp(&a.units).then_with(|| a.check.cmp(&b.check)));
            holding_back.truncate(TOP_CHECKS);
            TeamJson {
                team,
                units: acc.units,
                meeting: acc.meeting,
                by_level: acc.by_level,
                by_tier: acc.tiers.into_values().collect(),
                holding_back,
                unit_list: None,
            }
        })
        .collect();
    sort_teams(&mut out);
    Ok(out)
}

pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<TeamsJson>, Error> {
    auth.require_read(&state)?;
    Ok(Json(TeamsJson {
        teams: all_teams(&state).await?,
    }))
}

pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<TeamJson>, Error> {
    auth.require_read(&state)?;
    let Path(name) = name.map_err(bad_query)?;
    let name = name.trim_start_matches('/').to_string();
    let filter = UnitFilter {
        owner: Some(name.clone()),
        ..UnitFilter::default()
    };
    let (units, unsatisfied, titles) = inputs(&state, filter).await?;
    if units.is_empty() {
        return Err(Error::NotFound(format!(
            "no unit's latest report names the owner {name:?}; GET /api/v1/teams lists the teams"
        )));
    }
    Ok(Json(rollup(Some(name), units, &unsatisfied, &titles, true)))
}
