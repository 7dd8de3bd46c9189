//! ISO 2859-1 switching rules per supplier, part and characteristic: the settings a
//! reviewer controls, and the current severity with the history of every switch.

use actix_web::{get, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::{AppState, db};
use crate::db::switching::Settings;
use crate::decision::replay::StaleLot;
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, DecisionId, LotId, PartId, ResumeId, SupplierId};
use crate::service::switching::{self as switching, SettingsInput, SwitchingReport};

mod resume;

pub use resume::{ResumeSampling, ResumeStored, resume_sampling};

/// The switching settings of a supplier and part.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "production_steady": true, "reduced_approved": true}))]
pub struct SetSwitchingSettings {
    /// The part the settings apply to (with the supplier of the URL).
    pub part_id: PartId,
    /// Production is at a steady rate (ISO 2859-1 9.3.3 b).
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection (9.3.3 c).
    pub reduced_approved: bool,
}

/// Stored switching settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "production_steady": true,
    "reduced_approved": true, "updated_at": "2026-11-21T10:00:00Z"}))]
pub struct SwitchingSettingsStored {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The part.
    pub part_id: PartId,
    /// Production is at a steady rate.
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection.
    pub reduced_approved: bool,
    /// When the settings row was stored or last changed (a first decision stores the
    /// defaults); absent while nothing is stored.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Set whether production is steady and whether reduced inspection is approved, for a supplier and part.
///
/// The settings apply to decisions made from now on; each decision stores the settings
/// it used, so earlier decisions and the history replayed from them do not change.
#[utoipa::path(
    tag = "switching",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier")),
    request_body = SetSwitchingSettings,
    responses(
        (status = 200, description = "The settings were stored", body = SwitchingSettingsStored),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[put("/suppliers/{supplier_id}/switching/settings")]
pub async fn set_switching_settings(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    body: JsonBody<SetSwitchingSettings>,
) -> Result<web::Json<SwitchingSettingsStored>, ApiError> {
    let (supplier, req) = (path.into_inner(), body.0);
    let input = SettingsInput {
        part_id: req.part_id,
        production_steady: req.production_steady,
        reduced_approved: req.reduced_approved,
    };
    let stored = db(&state, move |conn| {
        Ok(switching::set_settings(conn, &caller.0, supplier, input)?)
    })
    .await?;
    Ok(web::Json(SwitchingSettingsStored::of(stored)))
}

impl SwitchingSettingsStored {
    fn of(s: Settings) -> Self {
        SwitchingSettingsStored {
            supplier_id: s.supplier_id,
            part_id: s.part_id,
            production_steady: s.production_steady,
            reduced_approved: s.reduced_approved,
            updated_at: Some(s.updated_at),
        }
    }
}

/// Which part of the supplier to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SwitchingQuery {
    /// The part.
    pub part_id: PartId,
}

/// One switch of severity: caused by a lot's result, or by a reviewer's resume after
/// discontinuation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SwitchView {
    /// The lot whose result caused the switch; for a resume, the lot after which it takes
    /// effect.
    pub lot_id: LotId,
    /// Its lot number.
    pub lot_number: String,
    /// Its production date.
    pub produced_on: NaiveDate,
    /// The decision revision that counted; null for a resume.
    pub decision_id: Option<DecisionId>,
    /// The reviewer's resume that caused the switch (ISO 2859-1 9.4); null for a lot's result.
    pub resume_id: Option<ResumeId>,
    /// Severity before the lot.
    pub from: SwitchingSeverity,
    /// Severity after the lot.
    pub to: SwitchingSeverity,
    /// The rule that switched, in words, with its clause of ISO 2859-1; for a resume, also
    /// what the supplier corrected.
    pub reason: String,
}

/// Switching state and history of one characteristic.
#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicSwitching {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// Severity for the next lot.
    pub severity: SwitchingSeverity,
    /// Switching score (ISO 2859-1 9.3.3.2), on normal inspection.
    pub switching_score: u32,
    /// Results of the last (at most 5) lots on normal inspection, oldest first.
    pub recent_normal_results: Vec<bool>,
    /// Consecutive lots accepted since the switch to tightened inspection.
    pub consecutive_accepted_on_tightened: u32,
    /// Lots not accepted since the switch to tightened inspection (5 discontinue).
    pub not_accepted_on_tightened: u32,
    /// Lots that counted for the switching rules.
    pub lots_counted: u32,
    /// Every switch, oldest first.
    pub switches: Vec<SwitchView>,
    /// Lots whose latest decision used another severity than the rules now give them,
    /// because an earlier lot was decided (again) after them: decide them again.
    pub lots_to_decide_again: Vec<StaleLot>,
}

/// Switching state and history of a supplier and part.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "settings": {"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "production_steady": false,
        "reduced_approved": false, "updated_at": null},
    "characteristics": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
        "name": "Width", "severity": "tightened", "switching_score": 0,
        "recent_normal_results": [], "consecutive_accepted_on_tightened": 0,
        "not_accepted_on_tightened": 0, "lots_counted": 3, "lots_to_decide_again": [],
        "switches": [{"lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "lot_number": "L-3",
            "produced_on": "2026-11-20", "decision_id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "resume_id": null, "from": "normal", "to": "tightened",
            "reason": "Tightened inspection: 2 of the last 3 consecutive lots were not accepted on normal inspection (ISO 2859-1 9.3.2)."}]}]}))]
pub struct SwitchingView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The part.
    pub part_id: PartId,
    /// The settings that apply to the next decision.
    pub settings: SwitchingSettingsStored,
    /// One entry per characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicSwitching>,
}

/// Read the switching state and history (every switch with its lot and reason) of a supplier and part.
///
/// The history holds the switches caused by lot results and by reviewers' resumes after
/// discontinuation (`resume_sampling`), with what the supplier corrected. A token bound
/// to a supplier reads only its own supplier's; another supplier is answered 404.
#[utoipa::path(
    tag = "switching",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier"), SwitchingQuery),
    responses(
        (status = 200, description = "Current severity and switches per characteristic", body = SwitchingView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/suppliers/{supplier_id}/switching")]
pub async fn get_switching(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    query: QueryParams<SwitchingQuery>,
) -> Result<web::Json<SwitchingView>, ApiError> {
    let (supplier, part) = (path.into_inner(), query.0.part_id);
    let report = db(&state, move |conn| {
        Ok(switching::get(conn, &caller.0, supplier, part)?)
    })
    .await?;
    Ok(web::Json(SwitchingView::of(supplier, part, report)))
}

impl SwitchingView {
    fn of(supplier: SupplierId, part: PartId, report: SwitchingReport) -> Self {
        let characteristics = report
            .characteristics
            .into_iter()
            .map(|c| {
                let h = c.history;
                CharacteristicSwitching {
                    characteristic_id: c.characteristic_id,
                    name: c.name,
                    severity: h.severity(),
                    switching_score: h.state.switching_score,
                    recent_normal_results: h.state.recent_normal_results.clone(),
                    consecutive_accepted_on_tightened: h.state.consecutive_accepted_on_tightened,
                    not_accepted_on_tightened: h.state.not_accepted_on_tightened,
                    lots_counted: h.lots_counted,
                    switches: c
                        .switches
                        .into_iter()
                        .map(|s| SwitchView {
                            lot_id: s.lot_id,
                            lot_number: s.lot_number,
                            produced_on: s.produced_on,
                            decision_id: s.decision_id,
                            resume_id: s.resume_id,
                            from: s.from,
                            to: s.to,
                            reason: s.reason,
                        })
                        .collect(),
                    lots_to_decide_again: h.stale,
                }
            })
            .collect();
        let settings = match report.settings {
            Some(s) => SwitchingSettingsStored::of(s),
            // Nothing stored yet: the defaults apply.
            None => SwitchingSettingsStored {
                supplier_id: supplier,
                part_id: part,
                production_steady: false,
                reduced_approved: false,
                updated_at: None,
            },
        };
        SwitchingView {
            supplier_id: supplier,
            part_id: part,
            settings,
            characteristics,
        }
    }
}
