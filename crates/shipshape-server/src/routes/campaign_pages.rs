//! The campaign pages: `/campaigns` (list), `/campaigns/{id}` (progress, burn-up
//! chart, units still short with the checks blocking them and their owners), and
//! for admins the create and edit forms. They show the views of
//! `GET /api/v1/campaigns[/{id}]` and write through the same handlers as
//! `POST`/`PUT /api/v1/campaigns`, so validation and the audit log are shared.

use super::campaigns as api;
use crate::auth::Auth;
use crate::campaigns::{CampaignInput, FilterInput, TargetInput};
use crate::charts;
use crate::error::Error;
use crate::session::Viewer;
use crate::state::AppState;
use crate::web::{self, PageError};
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};

fn campaign_id(path: Result<Path<String>, PathRejection>) -> Result<i64, Error> {
    let Path(id) = path.map_err(super::bad_query)?;
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "a campaign id is a positive whole number, not {id:?}"
            ))
        })
}

/// `GET /campaigns`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let Json(view) = api::list(State(state.clone()), Auth(viewer.principal.clone())).await?;
    let ctx = serde_json::json!({ "chrome": viewer.chrome(), "view": &view });
    Ok(Html(web::render("campaigns.html", &ctx)?).into_response())
}

fn burn_up(c: &api::CampaignJson) -> String {
    let mut points: Vec<(i64, i64, i64)> = c
        .history
        .iter()
        .flatten()
        .filter_map(|s| {
            crate::time::parse_expiry(&s.day)
                .ok()
                .map(|t| (t, s.units_meeting, s.units_in_scope))
        })
        .collect();
    let now = crate::time::now();
    if points.last().is_none_or(|p| p.0 < now) {
        points.push((now, c.progress.units_meeting, c.progress.units_in_scope));
    }
    let deadline = c
        .deadline_at
        .as_deref()
        .and_then(|d| d.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second());
    charts::burn_up(
        "burnup",
        &format!("Burn-up of {}", c.name),
        "Units at the target over time (solid line) against the units in scope (dashed line), with the deadline marked. The table below gives the same numbers.",
        &points,
        deadline,
    )
}

/// `GET /campaigns/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require_read(&state)?;
    let id = campaign_id(id)?;
    let Json(view) = api::get(
        State(state.clone()),
        Auth(viewer.principal.clone()),
        Ok(Path(id)),
    )
    .await?;
    let ctx = serde_json::json!({ "chrome": viewer.chrome(), "view": &view, "burnup_svg": burn_up(&view) });
    Ok(Html(web::render("campaign.html", &ctx)?).into_response())
}

/// The campaign form's fields.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CampaignForm {
    #[serde(skip_serializing)]
    pub csrf: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub target_level: Option<String>,
    /// Check ids separated by commas, spaces or lines.
    pub target_checks: Option<String>,
    pub tier: Option<String>,
    pub team: Option<String>,
    pub area: Option<String>,
    pub repository: Option<String>,
    pub deadline: Option<String>,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl CampaignForm {
    fn input(&self) -> Result<CampaignInput, Error> {
        let tier =
            match opt(&self.tier) {
                None => None,
                Some(t) => Some(t.parse::<i64>().map_err(|_| {
                    Error::Unprocessable(format!("tier must be 1, 2 or 3, not {t:?}"))
                })?),
            };
        let checks: Vec<String> = self
            .target_checks
            .as_deref()
            .unwrap_or("")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        Ok(CampaignInput {
            name: opt(&self.name).unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            target: TargetInput {
                level: opt(&self.target_level),
                checks: (!checks.is_empty()).then_some(checks),
            },
            filter: FilterInput {
                tier,
                team: opt(&self.team),
                area: opt(&self.area),
                repository: opt(&self.repository),
            },
            deadline: opt(&self.deadline),
        })
    }

    fn of(c: &api::CampaignJson) -> Self {
        CampaignForm {
            csrf: None,
            name: Some(c.name.clone()),
            description: Some(c.description.clone()),
            target_level: c.target.level.clone(),
            target_checks: c.target.checks.as_ref().map(|c| c.join("\n")),
            tier: c.filter.tier.map(|t| t.to_string()),
            team: c.filter.team.clone(),
            area: c.filter.area.clone(),
            repository: c.filter.repository.clone(),
            deadline: c.deadline.clone(),
        }
    }
}

fn form_page(
    viewer: &Viewer,
    id: Option<i64>,
    form: &CampaignForm,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, PageError> {
    let ctx = serde_json::json!({
        "chrome": viewer.chrome(),
        "id": id,
        "form": form,
        "message": message,
        "areas": shipshape_model::Area::ALL.map(|a| a.as_str()),
    });
    Ok((status, Html(web::render("campaign_form.html", &ctx)?)).into_response())
}

/// `GET /campaigns/new` (admin).
pub async fn new_form(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_admin()?;
    form_page(
        &viewer,
        None,
        &CampaignForm::default(),
        StatusCode::OK,
        None,
    )
}

/// `GET /campaigns/{id}/edit` (admin).
pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    viewer.require_admin()?;
    let id = campaign_id(id)?;
    let Json(c) = api::get(
        State(state.clone()),
        Auth(viewer.principal.clone()),
        Ok(Path(id)),
    )
    .await?;
    form_page(
        &viewer,
        Some(id),
        &CampaignForm::of(&c),
        StatusCode::OK,
        None,
    )
}

/// Validation problems go back to the form, with what was typed.
fn refused(
    viewer: &Viewer,
    id: Option<i64>,
    form: &CampaignForm,
    e: Error,
) -> Result<Response, PageError> {
    match e {
        Error::Unprocessable(m) | Error::BadRequest(m) => {
            form_page(viewer, id, form, StatusCode::UNPROCESSABLE_ENTITY, Some(m))
        }
        other => Err(other.into()),
    }
}

/// `POST /campaigns` (admin, CSRF-checked).
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Result<Form<CampaignForm>, FormRejection>,
) -> Result<Response, PageError> {
    let p = viewer.require_admin()?.clone();
    let Form(f) = form.map_err(super::bad_query)?;
    viewer.check_csrf(f.csrf.as_deref())?;
    let input = match f.input() {
        Ok(i) => i,
        Err(e) => return refused(&viewer, None, &f, e),
    };
    match api::create(State(state), Auth(Some(p)), Ok(Json(input))).await {
        Ok((_, Json(c))) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(e) => refused(&viewer, None, &f, e),
    }
}

/// `POST /campaigns/{id}` (admin, CSRF-checked): replaces the campaign.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    id: Result<Path<String>, PathRejection>,
    form: Result<Form<CampaignForm>, FormRejection>,
) -> Result<Response, PageError> {
    let p = viewer.require_admin()?.clone();
    let id = campaign_id(id)?;
    let Form(f) = form.map_err(super::bad_query)?;
    viewer.check_csrf(f.csrf.as_deref())?;
    let input = match f.input() {
        Ok(i) => i,
        Err(e) => return refused(&viewer, Some(id), &f, e),
    };
    match api::update(State(state), Auth(Some(p)), Ok(Path(id)), Ok(Json(input))).await {
        Ok(Json(c)) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(e) => refused(&viewer, Some(id), &f, e),
    }
}
