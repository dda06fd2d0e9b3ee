//! The dashboard's pages and their JSON (and CSV) twins under `/api/v1/`.
//!
//! Each page is one view struct built once (`*_view`): the HTML handler renders
//! it with a template, the JSON twin serialises the same struct, so the two never
//! disagree. Handlers parse, authorise, call the store and render; levels and
//! scores are shown as the reports state them, never recomputed.

use super::bad_query;
use crate::auth::Auth;
use crate::charts;
use crate::error::Error;
use crate::session::Viewer;
use crate::state::AppState;
use crate::store::{FleetFilter, FleetRow};
use crate::web::{self, Chrome, PageError, band, date, fmt_score, level_label};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shipshape_model::Area;
use std::collections::BTreeMap;

const DAY: i64 = crate::retention::DAY;
/// Units per fleet page unless `per_page` says otherwise, and the most it may say.
pub const DEFAULT_PER_PAGE: usize = 200;
pub const MAX_PER_PAGE: usize = 2000;
/// Points of the fleet's level trend.
const TREND_POINTS: i64 = 13;
/// How far back the unit page's chart goes.
const HISTORY_DAYS: i64 = 365;
/// Earlier reports offered by the unit page's diff form.
const DIFF_CHOICES: usize = 60;

const LEVELS: [&str; 4] = ["gold", "silver", "bronze", "none"];

fn level_rank(level: Option<&str>) -> u8 {
    match level {
        Some("gold") => 3,
        Some("silver") => 2,
        Some("bronze") => 1,
        _ => 0,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaRef {
    pub id: &'static str,
    pub title: &'static str,
}

fn areas() -> Vec<AreaRef> {
    Area::ALL
        .iter()
        .map(|a| AreaRef {
            id: a.as_str(),
            title: a.title(),
        })
        .collect()
}

/// Wants CSV: `?format=csv`.
fn wants_csv(format: Option<&str>) -> Result<bool, Error> {
    match format.filter(|f| !f.is_empty()) {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(f) => Err(Error::BadRequest(format!(
            "format must be json or csv, not {f:?}"
        ))),
    }
}

fn csv_response(name: &str, header_row: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut out = header_row.join(",");
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| super::units::csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"shipshape-{name}.csv\""),
            ),
        ],
        out,
    )
        .into_response()
}

fn page(html: String) -> Response {
    Html(html).into_response()
}

// ---- fleet ------------------------------------------------------------------

/// The fleet page's query: filters, sorting and paging, all kept in the URL.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct FleetQuery {
    /// The owning team (the owner reports name, e.g. `@acme/payments`).
    pub team: Option<String>,
    pub tier: Option<String>,
    /// `gold`, `silver`, `bronze` or `none`.
    pub level: Option<String>,
    /// Units whose latest report fails a check of this area.
    pub area: Option<String>,
    pub repository: Option<String>,
    /// Units whose latest report is more than this many days old.
    pub stale: Option<String>,
    /// `name`, `repository`, `owner`, `tier`, `level`, `score`, `age` or an area id.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    #[serde(skip_serializing)]
    pub format: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_num<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Option<T>, Error> {
    match nonempty(v) {
        None => Ok(None),
        Some(s) => s
            .parse::<T>()
            .map(Some)
            .map_err(|_| Error::BadRequest(format!("{name} must be a whole number, not {s:?}"))),
    }
}

/// The checked form of a [`FleetQuery`].
#[derive(Debug, Clone)]
struct FleetParams {
    filter: FleetFilter,
    sort: String,
    desc: bool,
    page: usize,
    per_page: usize,
}

fn fleet_params(q: &FleetQuery, now: i64) -> Result<FleetParams, Error> {
    let tier = parse_num::<i64>("tier", &q.tier)?;
    if let Some(t) = tier
        && !(1..=3).contains(&t)
    {
        return Err(Error::BadRequest(format!(
            "tier must be 1, 2 or 3, not {t}"
        )));
    }
    let level = match nonempty(&q.level) {
        None => None,
        Some(l) if LEVELS.contains(&l) => Some(l.to_string()),
        Some(l) => {
            return Err(Error::BadRequest(format!(
                "level must be gold, silver, bronze or none, not {l:?}"
            )));
        }
    };
    let area = match nonempty(&q.area) {
        None => None,
        Some(a) => Some(
            a.parse::<Area>()
                .map_err(|e| Error::BadRequest(e.to_string()))?
                .as_str()
                .to_string(),
        ),
    };
    let stale = parse_num::<i64>("stale", &q.stale)?;
    if let Some(d) = stale
        && !(0..=36500).contains(&d)
    {
        return Err(Error::BadRequest(
            "stale must be a number of days between 0 and 36500".into(),
        ));
    }
    let sort = nonempty(&q.sort).unwrap_or("name").to_string();
    let known = [
        "name",
        "repository",
        "owner",
        "tier",
        "level",
        "score",
        "age",
    ];
    if !known.contains(&sort.as_str()) && sort.parse::<Area>().is_err() {
        return Err(Error::BadRequest(format!(
            "sort must be one of {} or an area, not {sort:?}",
            known.join(", ")
        )));
    }
    let desc = match nonempty(&q.dir) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(d) => {
            return Err(Error::BadRequest(format!(
                "dir must be asc or desc, not {d:?}"
            )));
        }
    };
    let page = parse_num::<usize>("page", &q.page)?.unwrap_or(1);
    if page == 0 {
        return Err(Error::BadRequest("page starts at 1".into()));
    }
    let per_page = parse_num::<usize>("per_page", &q.per_page)?.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Error::BadRequest(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}"
        )));
    }
    Ok(FleetParams {
        filter: FleetFilter {
            repository: nonempty(&q.repository).map(str::to_string),
            owner: nonempty(&q.team).map(str::to_string),
            tier,
            level,
            failing_area: area,
            reported_before: stale.map(|d| now - d * DAY),
        },
        sort,
        desc,
        page,
        per_page,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaCell {
    pub area: &'static str,
    pub score: Option<f64>,
    pub text: String,
    pub band: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct FleetUnit {
    pub id: i64,
    pub repository: String,
    pub unit: String,
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub level_label: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub reported_at: Option<String>,
    pub age_days: Option<i64>,
    pub areas: Vec<AreaCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    pub level: &'static str,
    pub label: &'static str,
    pub units: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub date: String,
    pub gold: i64,
    pub silver: i64,
    pub bronze: i64,
    pub none: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SortLink {
    pub key: String,
    pub title: String,
    /// `ascending`, `descending` or `none` (aria-sort).
    pub state: &'static str,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FleetView {
    pub query: FleetQuery,
    /// Units matching the filters (all pages).
    pub matching: usize,
    pub counts: Vec<LevelCount>,
    pub units: Vec<FleetUnit>,
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    pub trend: Vec<TrendPoint>,
    /// Links of the page: sorting by each column, the neighbouring pages, the twins.
    pub areas: Vec<AreaRef>,
    pub sort_links: Vec<SortLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub csv_href: String,
    pub json_href: String,
}

/// The query string of `q` with `changes` applied (empty values dropped).
fn query_string(q: &FleetQuery, changes: &[(&str, Option<String>)]) -> String {
    let mut pairs: Vec<(&str, Option<String>)> = vec![
        ("team", q.team.clone()),
        ("tier", q.tier.clone()),
        ("level", q.level.clone()),
        ("area", q.area.clone()),
        ("repository", q.repository.clone()),
        ("stale", q.stale.clone()),
        ("sort", q.sort.clone()),
        ("dir", q.dir.clone()),
        ("per_page", q.per_page.clone()),
        ("page", q.page.clone()),
    ];
    for (k, v) in changes {
        if let Some(p) = pairs.iter_mut().find(|p| p.0 == *k) {
            p.1 = v.clone();
        }
    }
    let parts: Vec<String> = pairs
        .into_iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={}", web::percent_encode(v.trim())))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The fleet's level distribution at day boundaries from its first report to
/// yesterday (at most [`TREND_POINTS`] of them), and now. Past points come from
/// [`TrendCache`](crate::web::TrendCache) when they can.
async fn level_trend(state: &AppState, now: i64) -> Result<Vec<TrendPoint>, Error> {
    let Some(first) = state.store.first_report_at().await? else {
        return Ok(Vec::new());
    };
    let end_of = |t: i64| t.div_euclid(DAY) * DAY + DAY - 1;
    let (first_day, yesterday) = (end_of(first), end_of(now) - DAY);
    let step = ((yesterday - first_day) / DAY / (TREND_POINTS - 1)).max(1) * DAY;
    let mut times: Vec<i64> = (0..TREND_POINTS - 1)
        .map(|k| yesterday - k * step)
        .filter(|t| *t >= first_day)
        .collect();
    times.reverse();
    let mut out = Vec::with_capacity(times.len() + 1);
    let point = |t: i64, rows: &[(Option<String>, i64)]| {
        let mut p = TrendPoint {
            date: date(t),
            gold: 0,
            silver: 0,
            bronze: 0,
            none: 0,
        };
        for (level, n) in rows {
            match level.as_deref() {
                Some("gold") => p.gold += n,
                Some("silver") => p.silver += n,
                Some("bronze") => p.bronze += n,
                _ => p.none += n,
            }
        }
        p
    };
    // The last report received by the end of each day: a running maximum over the
    // days' highest ids, the points' times ascending.
    let by_day = state.store.last_report_by_day().await?;
    let (mut next, mut last) = (0, None::<i64>);
    for t in times {
        while let Some(&(day, id)) = by_day.get(next)
            && day <= t.div_euclid(DAY)
        {
            last = last.max(Some(id));
            next += 1;
        }
        let Some(last) = last else {
            continue;
        };
        let rows = match state.trend.get(t, last, now) {
            Some(rows) => rows,
            None => {
                let rows = state.store.level_counts_by_report(last).await?;
                state.trend.put(t, last, now, rows.clone());
                rows
            }
        };
        out.push(point(t, &rows));
    }
    // Now: the units' latest levels.
    let rows = state
        .store
        .unit_counts(crate::store::Grouping::Level)
        .await?;
    out.push(point(now, &rows));
    Ok(out)
}

fn cells(scores: Option<&BTreeMap<String, Option<f64>>>) -> Vec<AreaCell> {
    Area::ALL
        .iter()
        .map(|a| {
            let score = scores.and_then(|m| m.get(a.as_str()).copied().flatten());
            AreaCell {
                area: a.as_str(),
                score,
                text: fmt_score(score),
                band: band(score),
            }
        })
        .collect()
}

pub async fn fleet_view(state: &AppState, q: FleetQuery) -> Result<FleetView, Error> {
    let now = crate::time::now();
    let p = fleet_params(&q, now)?;
    let mut rows: Vec<FleetRow> = state.store.fleet_units(p.filter.clone()).await?;
    let mut counts = [0i64; 4];
    for r in &rows {
        counts[3 - level_rank(r.level.as_deref()) as usize] += 1;
    }
    // Sorting by an area needs every matching unit's area scores; otherwise only the page's.
    let area_sort = p.sort.parse::<Area>().ok().map(|a| a.as_str());
    let mut scores: BTreeMap<i64, BTreeMap<String, Option<f64>>> = BTreeMap::new();
    fn load(
        scores: &mut BTreeMap<i64, BTreeMap<String, Option<f64>>>,
        list: Vec<(i64, String, Option<f64>)>,
    ) {
        for (unit, area, score) in list {
            scores.entry(unit).or_default().insert(area, score);
        }
    }
    if area_sort.is_some() {
        load(
            &mut scores,
            state
                .store
                .latest_area_scores(rows.iter().map(|r| r.id).collect())
                .await?,
        );
    }
    fn key_name(r: &FleetRow) -> (&str, &str) {
        (r.repository.as_str(), r.path.as_str())
    }
    rows.sort_by(|a, b| {
        use std::cmp::Ordering;
        let f = |x: Option<f64>| x.filter(|v| v.is_finite()).unwrap_or(-1.0);
        let o = match p.sort.as_str() {
            "repository" | "name" => Ordering::Equal,
            "owner" => a.owner.cmp(&b.owner),
            "tier" => a.tier.unwrap_or(99).cmp(&b.tier.unwrap_or(99)),
            "level" => level_rank(a.level.as_deref()).cmp(&level_rank(b.level.as_deref())),
            "score" => f(a.score).total_cmp(&f(b.score)),
            "age" => b
                .reported_at
                .unwrap_or(i64::MIN)
                .cmp(&a.reported_at.unwrap_or(i64::MIN)),
            _ => {
                let s = |r: &FleetRow| {
                    f(area_sort
                        .and_then(|area| scores.get(&r.id)?.get(area).copied())
                        .flatten())
                };
                s(a).total_cmp(&s(b))
            }
        };
        let o = if p.desc { o.reverse() } else { o };
        o.then_with(|| key_name(a).cmp(&key_name(b)))
    });
    let matching = rows.len();
    let pages = matching.div_ceil(p.per_page).max(1);
    if p.page > pages {
        return Err(Error::NotFound(format!(
            "page {} of {pages}: there are {matching} matching units",
            p.page
        )));
    }
    let shown: Vec<FleetRow> = rows
        .into_iter()
        .skip((p.page - 1) * p.per_page)
        .take(p.per_page)
        .collect();
    if area_sort.is_none() {
        load(
            &mut scores,
            state
                .store
                .latest_area_scores(shown.iter().map(|r| r.id).collect())
                .await?,
        );
    }
    let units = shown
        .into_iter()
        .map(|r| FleetUnit {
            areas: cells(scores.get(&r.id)),
            id: r.id,
            level_label: level_label(r.level.as_deref()).to_string(),
            score_text: fmt_score(r.score),
            reported_at: r.reported_at.map(crate::time::rfc3339),
            age_days: r.reported_at.map(|t| ((now - t).max(0)) / DAY),
            repository: r.repository,
            unit: r.path,
            name: r.name,
            kind: r.kind,
            owner: r.owner,
            tier: r.tier,
            level: r.level,
            score: r.score,
        })
        .collect();
    let mut sort_links = vec![
        ("name".to_string(), "Unit".to_string()),
        ("owner".into(), "Owner".into()),
        ("tier".into(), "Tier".into()),
        ("level".into(), "Level".into()),
        ("score".into(), "Score".into()),
        ("age".into(), "Last report".into()),
    ];
    sort_links.extend(
        Area::ALL
            .iter()
            .map(|a| (a.as_str().to_string(), a.title().to_string())),
    );
    let sort_links = sort_links
        .into_iter()
        .map(|(key, title)| {
            let current = p.sort == key;
            let next_dir = if current && !p.desc { "desc" } else { "asc" };
            SortLink {
                state: match (current, p.desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                href: format!(
                    "/{}",
                    query_string(
                        &q,
                        &[
                            ("sort", Some(key.clone())),
                            ("dir", Some(next_dir.into())),
                            ("page", None),
                        ]
                    )
                ),
                key,
                title,
            }
        })
        .collect();
    let prev_href = (p.page > 1).then(|| {
        format!(
            "/{}",
            query_string(&q, &[("page", Some((p.page - 1).to_string()))])
        )
    });
    let next_href = (p.page < pages).then(|| {
        format!(
            "/{}",
            query_string(&q, &[("page", Some((p.page + 1).to_string()))])
        )
    });
    let plain = query_string(&q, &[]);
    let csv_href = if plain.is_empty() {
        "/api/v1/fleet?format=csv".to_string()
    } else {
        format!("/api/v1/fleet{plain}&format=csv")
    };
    Ok(FleetView {
        counts: vec![
            LevelCount {
                level: "gold",
                label: "gold",
                units: counts[0],
            },
            LevelCount {
                level: "silver",
                label: "silver",
                units: counts[1],
            },
            LevelCount {
                level: "bronze",
                label: "bronze",
                units: counts[2],
            },
            LevelCount {
                level: "none",
                label: "below bronze",
                units: counts[3],
            },
        ],
        matching,
        units,
        page: p.page,
        pages,
        per_page: p.per_page,
        trend: level_trend(state, now).await?,
        areas: areas(),
        sort_links,
        prev_href,
        next_href,
        csv_href,
        json_href: format!("/api/v1/fleet{plain}"),
        query: q,
    })
}

fn trend_chart(trend: &[TrendPoint]) -> String {
    let stacks: Vec<charts::Stack> = trend
        .iter()
        .map(|t| charts::Stack {
            x: crate::time::parse_expiry(&t.date).unwrap_or(0),
            parts: vec![
                ("level-none".into(), "below bronze".into(), t.none),
                ("level-bronze".into(), "bronze".into(), t.bronze),
                ("level-silver".into(), "silver".into(), t.silver),
                ("level-gold".into(), "gold".into(), t.gold),
            ],
        })
        .collect();
    charts::stacked_bars(
        "trend",
        "Units by level over time",
        "Stacked bars, one per date: units below bronze at the bottom, then bronze, silver and gold. The table below gives the same numbers.",
        &stacks,
    )
}

#[derive(Serialize)]
struct FleetPage<'a> {
    chrome: Chrome,
    view: &'a FleetView,
    trend_svg: String,
    teams: Vec<String>,
    repositories: Vec<String>,
}

/// `GET /`: the fleet.
pub async fn fleet(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<FleetQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let Query(q) = query.map_err(bad_query)?;
    let view = fleet_view(&state, q).await?;
    let partial = headers.contains_key("hx-request");
    let (teams, repositories) = if partial {
        (Vec::new(), Vec::new())
    } else {
        state.store.fleet_choices().await?
    };
    let ctx = FleetPage {
        chrome: viewer.chrome(),
        trend_svg: trend_chart(&view.trend),
        view: &view,
        teams,
        repositories,
    };
    let html = web::render(
        if partial {
            "fleet_table.html"
        } else {
            "fleet.html"
        },
        &ctx,
    )?;
    Ok(page(html))
}

/// `GET /api/v1/fleet` (and `?format=csv`): the fleet page as data.
pub async fn fleet_api(
    State(state): State<AppState>,
    auth: Auth,
    query: Result<Query<FleetQuery>, QueryRejection>,
) -> Result<Response, Error> {
    auth.require_read(&state)?;
    let Query(q) = query.map_err(bad_query)?;
    let csv = wants_csv(q.format.as_deref())?;
    let view = fleet_view(&state, q).await?;
    if !csv {
        return Ok(Json(view).into_response());
    }
    let mut head = vec![
        "id",
        "repository",
        "unit",
        "name",
        "owner",
        "tier",
        "level",
        "score",
        "reported_at",
    ];
    head.extend(Area::ALL.iter().map(|a| a.as_str()));
    let rows = view
        .units
        .into_iter()
        .map(|u| {
            let mut row = vec![
                u.id.to_string(),
                u.repository,
                u.unit,
                u.name,
                u.owner.unwrap_or_default(),
                u.tier.map(|t| t.to_string()).unwrap_or_default(),
                u.level.unwrap_or_default(),
                u.score.map(|s| s.to_string()).unwrap_or_default(),
                u.reported_at.unwrap_or_default(),
            ];
            row.extend(
                u.areas
                    .into_iter()
                    .map(|c| c.score.map(|s| s.to_string()).unwrap_or_default()),
            );
            row
        })
        .collect();
    Ok(csv_response("fleet", &head, rows))
}

// ---- unit -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct UnitQuery {
    /// An earlier report to compare the latest with.
    pub against: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    pub report: i64,
    pub received_at: String,
    pub commit: String,
    pub level: Option<String>,
    pub score: Option<f64>,
    pub areas: BTreeMap<String, Option<f64>>,
}

#[derive(Debug, Serialize)]
pub struct LevelChange {
    pub report: i64,
    pub date: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct WaiverView {
    pub check: String,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<String>,
    /// Days until expiry (negative: expired).
    pub expires_in_days: Option<i64>,
    /// `expired`, `soon` (within 30 days), `later` or `never`.
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DiffView {
    pub from: i64,
    pub to: i64,
    pub new_failures: Vec<String>,
    pub fixed: Vec<String>,
    pub level_before: String,
    pub level_after: String,
    pub level_change: &'static str,
    pub score_before: String,
    pub score_after: String,
}

#[derive(Debug, Serialize)]
pub struct ReportChoice {
    pub id: i64,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct LatestReport {
    pub id: i64,
    pub commit: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub ci_run_url: Option<String>,
    pub received_at: String,
    /// The unit as the HTML report shows it (shipshape-report's view).
    pub view: Option<shipshape_report::UnitView>,
}

#[derive(Debug, Serialize)]
pub struct UnitView {
    pub id: i64,
    pub repository: String,
    pub unit: String,
    pub name: String,
    pub kind: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub level: Option<String>,
    pub level_label: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub latest: Option<LatestReport>,
    pub history: Vec<HistoryEntry>,
    pub level_changes: Vec<LevelChange>,
    pub waivers: Vec<WaiverView>,
    pub earlier_reports: Vec<ReportChoice>,
    pub diff: Option<DiffView>,
}

fn parse_id(what: &str, s: &str) -> Result<i64, Error> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::BadRequest(format!("{what} must be a positive whole number, not {s:?}"))
        })
}

fn waiver_view(check: &str, w: &shipshape_model::WaiverNote, now: i64) -> WaiverView {
    let at = w
        .expires
        .as_deref()
        .and_then(|e| crate::time::parse_expiry(e).ok());
    let days = at.map(|t| (t - now).div_euclid(DAY));
    WaiverView {
        check: check.to_string(),
        reason: w.reason.clone(),
        owner: w.owner.clone(),
        expires: w.expires.clone(),
        expires_in_days: days,
        status: match at {
            None => "never",
            Some(t) if t <= now => "expired",
            Some(t) if t <= now + 30 * DAY => "soon",
            Some(_) => "later",
        },
    }
}

pub async fn unit_view(state: &AppState, id: i64, against: Option<i64>) -> Result<UnitView, Error> {
    let now = crate::time::now();
    let unit = state
        .store
        .unit(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no unit {id}")))?;
    let mut latest = None;
    let mut waivers = Vec::new();
    let mut history = Vec::new();
    if let Some(report_id) = unit.latest_report_id
        && let Some(stored) = state.store.report(report_id).await?
    {
        let body = super::reports::restore(state, &stored).await?;
        let report: Option<shipshape_model::Report> = serde_json::from_value(body).ok();
        let unit_report = report
            .as_ref()
            .and_then(|r| r.units.iter().find(|u| u.unit.path == unit.path));
        if let Some(u) = unit_report {
            waivers = u
                .checks
                .iter()
                .filter_map(|c| c.waiver.as_ref().map(|w| waiver_view(&c.id, w, now)))
                .collect();
        }
        let since = now - HISTORY_DAYS * DAY;
        let points = state
            .store
            .unit_history(id, stored.git_ref.clone(), since)
            .await?;
        let first = points.first().map_or(report_id, |p| p.report_id);
        let mut areas: BTreeMap<i64, BTreeMap<String, Option<f64>>> = BTreeMap::new();
        for (r, area, score) in state.store.unit_area_history(id, first).await? {
            areas.entry(r).or_default().insert(area, score);
        }
        history = points
            .into_iter()
            .map(|p| HistoryEntry {
                areas: areas.remove(&p.report_id).unwrap_or_default(),
                report: p.report_id,
                received_at: crate::time::rfc3339(p.received_at),
                commit: p.commit,
                level: p.level,
                score: p.score,
            })
            .collect();
        latest = Some(LatestReport {
            id: stored.id,
            commit: stored.commit,
            git_ref: stored.git_ref,
            ci_run_url: stored.ci_run_url,
            received_at: crate::time::rfc3339(stored.received_at),
            view: unit_report.map(|u| shipshape_report::unit_view(u, &[])),
        });
    }
    let level_changes = history
        .windows(2)
        .filter(|w| w[0].level != w[1].level)
        .map(|w| LevelChange {
            report: w[1].report,
            date: w[1].received_at.chars().take(10).collect(),
            from: level_label(w[0].level.as_deref()).to_string(),
            to: level_label(w[1].level.as_deref()).to_string(),
        })
        .collect();
    let earlier_reports: Vec<ReportChoice> = state
        .store
        .unit_reports(
            id,
            crate::store::Page {
                cursor: unit.latest_report_id,
                limit: DIFF_CHOICES as i64,
            },
        )
        .await?
        .into_iter()
        .map(|r| ReportChoice {
            id: r.id,
            label: format!(
                "#{} · {} · {} · {}",
                r.id,
                date(r.received_at),
                r.commit.chars().take(10).collect::<String>(),
                level_label(r.level.as_deref())
            ),
        })
        .collect();
    let diff = match (against, unit.latest_report_id) {
        (Some(from), Some(to)) => {
            let units = state.store.report_units(from).await?;
            if !units.iter().any(|u| u.unit_id == id) {
                return Err(Error::NotFound(format!(
                    "report {from} has no result for unit {id}: choose one of its earlier reports"
                )));
            }
            let before = state.store.check_outcomes(from, id).await?;
            let after = state.store.check_outcomes(to, id).await?;
            let (new_failures, fixed) = crate::diff::compare(&before, &after);
            let b = units.iter().find(|u| u.unit_id == id);
            let level_before = b.and_then(|u| u.level.clone());
            let score_before = b.and_then(|u| u.score);
            Some(DiffView {
                from,
                to,
                new_failures,
                fixed,
                level_change: crate::diff::level_change(
                    level_before.as_deref(),
                    unit.level.as_deref(),
                ),
                level_before: level_label(level_before.as_deref()).to_string(),
                level_after: level_label(unit.level.as_deref()).to_string(),
                score_before: fmt_score(score_before),
                score_after: fmt_score(unit.score),
            })
        }
        _ => None,
    };
    Ok(UnitView {
        id: unit.id,
        repository: unit.repository,
        unit: unit.path,
        name: unit.name,
        kind: unit.kind,
        owner: unit.owner,
        tier: unit.tier,
        level_label: level_label(unit.level.as_deref()).to_string(),
        level: unit.level,
        score_text: fmt_score(unit.score),
        score: unit.score,
        latest,
        history,
        level_changes,
        waivers,
        earlier_reports,
        diff,
    })
}

/// The unit's chart and its legend.
fn history_chart(v: &UnitView) -> (String, String) {
    let time = |e: &HistoryEntry| {
        e.received_at
            .parse::<jiff::Timestamp>()
            .map_or(0, |t| t.as_second())
    };
    let mut series = vec![charts::Series {
        name: "overall".into(),
        class: "overall".into(),
        points: v.history.iter().map(|e| (time(e), e.score)).collect(),
    }];
    for (i, a) in Area::ALL.iter().enumerate() {
        if v.history.iter().any(|e| e.areas.contains_key(a.as_str())) {
            series.push(charts::Series {
                name: a.title().into(),
                class: format!("s{i}"),
                points: v
                    .history
                    .iter()
                    .map(|e| (time(e), e.areas.get(a.as_str()).copied().flatten()))
                    .collect(),
            });
        }
    }
    let at: BTreeMap<i64, i64> = v.history.iter().map(|e| (e.report, time(e))).collect();
    let markers: Vec<charts::Marker> = v
        .level_changes
        .iter()
        .map(|c| charts::Marker {
            x: at.get(&c.report).copied().unwrap_or(0),
            label: format!("{} → {}", c.from, c.to),
        })
        .collect();
    let chart = charts::line_chart(
        "history",
        &format!("Score per area of {} over time", v.name),
        "One line per area and one for the overall score, 0 to 100, oldest report on the left; vertical lines mark level changes. The table below lists every report.",
        &series,
        &markers,
    );
    (chart, charts::legend(&series))
}

#[derive(Serialize)]
struct UnitPage<'a> {
    chrome: Chrome,
    view: &'a UnitView,
    chart_svg: String,
    legend: String,
    areas: Vec<AreaRef>,
    history_rows: Vec<HistoryRow>,
}

#[derive(Serialize)]
struct HistoryRow {
    report: i64,
    date: String,
    commit: String,
    level: String,
    score: String,
    areas: Vec<AreaCell>,
}

fn against_of(q: &UnitQuery) -> Result<Option<i64>, Error> {
    q.against
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(|a| parse_id("against", a))
        .transpose()
}

/// `GET /units/{id}`: one unit over time, its latest report, waivers and a diff.
pub async fn unit(
    State(state): State<AppState>,
    viewer: Viewer,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<UnitQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    let id = parse_id("the unit id", &id)?;
    let Query(q) = query.map_err(bad_query)?;
    let view = unit_view(&state, id, against_of(&q)?).await?;
    let history_rows = view
        .history
        .iter()
        .rev()
        .map(|e| HistoryRow {
            report: e.report,
            date: e.received_at.chars().take(10).collect(),
            commit: e.commit.chars().take(12).collect(),
            level: level_label(e.level.as_deref()).to_string(),
            score: fmt_score(e.score),
            areas: cells(Some(&e.areas)),
        })
        .collect();
    let (chart_svg, legend) = history_chart(&view);
    let ctx = UnitPage {
        chrome: viewer.chrome(),
        chart_svg,
        legend,
        view: &view,
        areas: areas(),
        history_rows,
    };
    Ok(page(web::render("unit.html", &ctx)?))
}

/// `GET /api/v1/units/{id}`: the unit page as data.
pub async fn unit_api(
    State(state): State<AppState>,
    auth: Auth,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<UnitQuery>, QueryRejection>,
) -> Result<Json<UnitView>, Error> {
    auth.require_read(&state)?;
    let Path(id) = id.map_err(bad_query)?;
    let id = parse_id("the unit id", &id)?;
    let Query(q) = query.map_err(bad_query)?;
    Ok(Json(unit_view(&state, id, against_of(&q)?).await?))
}

// ---- check and team: the pages of the JSON views in routes/checks.rs and teams.rs ----

/// `GET /checks/{area}/{name}`: one check across the fleet (the view of
/// `GET /api/v1/checks/{area}/{name}`).
pub async fn check(
    State(state): State<AppState>,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let Json(view) =
        super::checks::get(State(state.clone()), Auth(viewer.principal.clone()), path).await?;
    let ctx = serde_json::json!({ "chrome": viewer.chrome(), "view": &view });
    Ok(page(web::render("check.html", &ctx)?))
}

/// `GET /teams/{name}`: a team's roll-up per tier, what holds it back, its units
/// (the view of `GET /api/v1/teams/{name}`).
pub async fn team(
    State(state): State<AppState>,
    viewer: Viewer,
    name: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let Json(view) =
        super::teams::get(State(state.clone()), Auth(viewer.principal.clone()), name).await?;
    let ctx = serde_json::json!({ "chrome": viewer.chrome(), "view": &view });
    Ok(page(web::render("team.html", &ctx)?))
}

// ---- waivers ----------------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct ExpiringWaiver {
    pub unit_id: i64,
    pub repository: String,
    pub unit: String,
    pub check: String,
    pub reason: String,
    pub expires: Option<String>,
    pub expires_in_days: Option<i64>,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct OwnerWaivers {
    pub owner: String,
    pub waivers: Vec<ExpiringWaiver>,
}

#[derive(Debug, Serialize)]
pub struct WaiversView {
    pub within_days: i64,
    pub owners: Vec<OwnerWaivers>,
}

pub const WAIVER_DAYS: i64 = 30;

pub async fn waivers_view(state: &AppState) -> Result<WaiversView, Error> {
    let now = crate::time::now();
    let rows = state
        .store
        .waivers_expiring(now + WAIVER_DAYS * DAY, super::MAX_LIMIT)
        .await?;
    let mut by: BTreeMap<String, Vec<ExpiringWaiver>> = BTreeMap::new();
    for w in rows {
        let at = w.expires_at;
        by.entry(w.owner.clone().unwrap_or_else(|| "no owner".into()))
            .or_default()
            .push(ExpiringWaiver {
                unit_id: w.unit_id,
                repository: w.repository,
                unit: w.unit,
                check: w.check_id,
                reason: w.reason,
                expires: w.expires,
                expires_in_days: at.map(|t| (t - now).div_euclid(DAY)),
                status: match at {
                    Some(t) if t <= now => "expired",
                    _ => "soon",
                },
            });
    }
    Ok(WaiversView {
        within_days: WAIVER_DAYS,
        owners: by
            .into_iter()
            .map(|(owner, waivers)| OwnerWaivers { owner, waivers })
            .collect(),
    })
}

/// `GET /waivers`: waivers expiring within 30 days (or expired), by owner.
pub async fn waivers(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let view = waivers_view(&state).await?;
    let ctx = serde_json::json!({ "chrome": viewer.chrome(), "view": &view });
    Ok(page(web::render("waivers.html", ctx)?))
}

// ---- badge ------------------------------------------------------------------

/// `GET /badge/{repository}/{unit}.svg`: the unit's level as a badge, with an
/// ETag. The repository may contain `/`; `.` (the whole repository) may also be
/// written as the repository's last segment.
pub async fn badge(
    State(state): State<AppState>,
    auth: Auth,
    rest: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    auth.require_read(&state)?;
    let Path(rest) = rest.map_err(bad_query)?;
    let Some(spec) = rest.strip_suffix(".svg") else {
        return Err(Error::NotFound("a badge's path ends with .svg".into()).into());
    };
    let mut found = None;
    for (i, _) in spec.match_indices('/') {
        let (repo, unit) = (&spec[..i], &spec[i + 1..]);
        if let Some(u) = state.store.unit_at(repo.into(), unit.into()).await? {
            found = Some(u);
            break;
        }
        // `/badge/acme/api/api.svg` for the root unit of acme/api.
        if repo.rsplit('/').next() == Some(unit)
            && let Some(u) = state.store.unit_at(repo.into(), ".".into()).await?
        {
            found = Some(u);
            break;
        }
    }
    let Some(u) = found else {
        return Err(Error::NotFound(format!("no unit at {spec:?} (repository/unit path)")).into());
    };
    let svg = charts::badge(u.level.as_deref(), u.score);
    let etag = {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(svg.as_bytes());
        format!(
            "\"{}\"",
            d.iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    let cache = if state.config.public_read {
        "public, max-age=300"
    } else {
        "private, max-age=300"
    };
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache.into())],
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_string()),
            (header::CACHE_CONTROL, cache.to_string()),
            (header::ETAG, etag),
        ],
        svg,
    )
        .into_response())
}
