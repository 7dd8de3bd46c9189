//! A supplier's scorecard: its decided lots' acceptance, resubmissions and
//! nonconforming units in ppm over a period, month by month, with the current switching
//! severity of its parts' characteristics.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::QueryParams;
use super::{AppState, dates, db};
use crate::decision::scorecard::Figures;
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, LotId, PartId, SupplierId};
use crate::service::scorecard::{self as service, Scorecard, ScorecardQuery};

/// Which lots to count.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScorecardParams {
    /// Only lots of this part (404 naming `part_id` when unknown).
    pub part_id: Option<PartId>,
    /// Only lots produced on or after this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub from: Option<NaiveDate>,
    /// Only lots produced on or before this date; not before `from` (else 422 naming `to`).
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub to: Option<NaiveDate>,
}

/// Nonconforming units per million with its exact interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct PpmInterval {
    /// Lower bound of the two-sided 95 % Clopper-Pearson (exact binomial) interval, in ppm.
    pub lower: f64,
    /// Upper bound, in ppm.
    pub upper: f64,
}

/// The figures of a set of decided lots.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardFigures {
    /// Lots of the supplier, not cancelled, whose latest decision accepted or rejected
    /// them (a lot pending or not decided is not counted).
    pub lots_decided: u64,
    /// Of those, the lots accepted: the latest decision's verdict, which is the original
    /// inspection's (ISO 2859-1); a lot accepted only on resubmission is not counted.
    pub lots_accepted: u64,
    /// `lots_accepted / lots_decided`; null without lots.
    pub acceptance_rate: Option<f64>,
    /// Resubmissions recorded of the lots counted (ISO 2859-1 7.6).
    pub resubmissions: u64,
    /// Units inspected in the lots counted: the units of each lot's current (not
    /// superseded) inspections, its resubmissions' inspections aside (they inspect what
    /// the supplier sorted or reworked). A unit with a serial is one physical unit in its
    /// lot however many inspections recorded it (factory and in-house alike, as in the
    /// decision's `nonconforming_units`); a unit without a serial counts once per
    /// inspection that recorded it.
    pub units_inspected: u64,
    /// Of `units_inspected`, those with any nonconforming result (ISO 2859-1 6.4): a
    /// measurement outside its characteristic's specification limits (a limit itself is
    /// in spec) or a failed attribute result, in any of the inspections counted.
    pub units_nonconforming: u64,
    /// `units_nonconforming / units_inspected x 10^6`; null when no unit was inspected.
    pub ppm: Option<f64>,
    /// The 95 % interval of `ppm`; null when no unit was inspected.
    pub ppm_interval: Option<PpmInterval>,
}

/// The figures of one month of production.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthFigures {
    /// The calendar month of the lots' production date, `YYYY-MM`.
    #[schema(example = "2026-11")]
    pub month: String,
    /// Its figures.
    pub figures: ScorecardFigures,
    /// The lots counted, in production order.
    pub lot_ids: Vec<LotId>,
}

/// The current switching severity of one characteristic.
#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicSeverity {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// Severity for the supplier's next lot of the part (as `get_switching` reports it).
    pub severity: SwitchingSeverity,
}

/// The switching state of one part of the supplier.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartSeverities {
    /// The part.
    pub part_id: PartId,
    /// Its part number.
    pub part_number: String,
    /// One entry per characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicSeverity>,
}

/// A supplier's scorecard.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "part_id": null, "from": "2026-10-01", "to": "2026-11-30",
    "figures": {"lots_decided": 3, "lots_accepted": 2, "acceptance_rate": 0.6666666666666666,
        "resubmissions": 1, "units_inspected": 180, "units_nonconforming": 4,
        "ppm": 22222.22222222222,
        "ppm_interval": {"lower": 6087.231522827558, "upper": 55917.6970817763}},
    "by_month": [{"month": "2026-10", "lot_ids": ["1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b",
            "2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b"],
        "figures": {"lots_decided": 2, "lots_accepted": 1, "acceptance_rate": 0.5,
            "resubmissions": 1, "units_inspected": 130, "units_nonconforming": 4,
            "ppm": 30769.23076923077,
            "ppm_interval": {"lower": 8445.964368573816, "upper": 76907.31670098791}}},
        {"month": "2026-11", "lot_ids": ["5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10"],
        "figures": {"lots_decided": 1, "lots_accepted": 1, "acceptance_rate": 1.0,
            "resubmissions": 0, "units_inspected": 50, "units_nonconforming": 0, "ppm": 0.0,
            "ppm_interval": {"lower": 0.0, "upper": 71121.73646420459}}}],
    "switching": [{"part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "part_number": "CLP-9",
        "characteristics": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
            "name": "Width", "severity": "normal"}]}]}))]
pub struct ScorecardView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The part asked for; null for all the supplier's parts.
    pub part_id: Option<PartId>,
    /// First production day counted, as asked; null for no bound.
    pub from: Option<NaiveDate>,
    /// Last production day counted, as asked; null for no bound.
    pub to: Option<NaiveDate>,
    /// The figures of every lot counted: the sums of `by_month`.
    pub figures: ScorecardFigures,
    /// The same per calendar month of production, months in order; months without a
    /// decided lot are left out.
    pub by_month: Vec<MonthFigures>,
    /// The current switching severity per characteristic of the part asked for, or of
    /// every part the supplier has lots of (by part number).
    pub switching: Vec<PartSeverities>,
}

/// Read a supplier's scorecard: lots decided and accepted on original inspection, resubmissions, nonconforming units in ppm, by month, with the current switching severities.
///
/// Counts the supplier's lots that are not cancelled and whose latest decision accepted
/// or rejected them, produced from `from` to `to` (both optional, inclusive), of
/// `part_id` if given. The totals are the sums of the months, and each month lists its
/// lots. A token bound to a supplier reads only its own supplier's scorecard; another
/// supplier is answered 404.
#[utoipa::path(
    tag = "suppliers",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier"), ScorecardParams),
    responses(
        (status = 200, description = "The supplier's scorecard", body = ScorecardView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/suppliers/{supplier_id}/scorecard")]
pub async fn get_supplier_scorecard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    query: QueryParams<ScorecardParams>,
) -> Result<web::Json<ScorecardView>, ApiError> {
    let (supplier, q) = (path.into_inner(), query.0);
    let query = ScorecardQuery {
        part_id: q.part_id,
        from: q.from,
        to: q.to,
    };
    let card = db(&state, move |conn| {
        Ok(service::get(conn, &caller.0, supplier, query)?)
    })
    .await?;
    Ok(web::Json(ScorecardView::of(card)))
}

impl ScorecardFigures {
    fn of(f: &Figures) -> Self {
        let ppm = f.ppm();
        ScorecardFigures {
            lots_decided: f.lots_decided,
            lots_accepted: f.lots_accepted,
            acceptance_rate: f.acceptance_rate(),
            resubmissions: f.resubmissions,
            units_inspected: f.units_inspected,
            units_nonconforming: f.units_nonconforming,
            ppm: ppm.map(|p| p.estimate),
            ppm_interval: ppm.map(|p| PpmInterval {
                lower: p.lower,
                upper: p.upper,
            }),
        }
    }
}

impl ScorecardView {
    fn of(card: Scorecard) -> Self {
        ScorecardView {
            supplier_id: card.supplier_id,
            part_id: card.query.part_id,
            from: card.query.from,
            to: card.query.to,
            figures: ScorecardFigures::of(&card.figures),
            by_month: card
                .by_month
                .into_iter()
                .map(|m| MonthFigures {
                    month: m.month.to_string(),
                    figures: ScorecardFigures::of(&m.figures),
                    lot_ids: m.lots,
                })
                .collect(),
            switching: card
                .switching
                .into_iter()
                .map(|p| PartSeverities {
                    part_id: p.part_id,
                    part_number: p.part_number,
                    characteristics: p
                        .characteristics
                        .into_iter()
                        .map(|c| CharacteristicSeverity {
                            characteristic_id: c.characteristic_id,
                            name: c.name,
                            severity: c.severity,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
