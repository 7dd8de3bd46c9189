//! Factory against in-house over a supplier's lots: how far its factory's reports can be
//! trusted, characteristic by characteristic.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::QueryParams;
use super::reconciliation::{PairingView, UndefinedFigure};
use super::{AppState, dates, db_then};
use crate::domain::{CharacteristicId, Kind, LotId, PartId, SupplierId};
use crate::service::reconciliation::Pairing;
use crate::service::reconciliation::supplier::{
    self as service, CharacteristicOverLots, FEWER_TEST, LotComparison, SupplierQuery,
    SupplierReconciliation,
};

/// Which lots of the supplier to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SupplierReconciliationParams {
    /// Only lots of this part (404 naming `part_id` when unknown).
    pub part_id: Option<PartId>,
    /// Only lots produced on or after this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub from: Option<NaiveDate>,
    /// Only lots produced on or before this date; not before `from` (else 422 naming `to`).
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub to: Option<NaiveDate>,
}

/// One lot's comparison of a characteristic.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotComparisonView {
    /// The lot.
    pub lot_id: LotId,
    /// Its number.
    pub lot_number: String,
    /// Its production date.
    pub produced_on: NaiveDate,
    /// How its units were paired.
    pub pairing: PairingView,
    /// Units both sources inspected.
    pub paired_units: u64,
    /// Variable: mean paired difference, in-house minus factory; null without pairs and
    /// for attributes.
    pub mean_difference: Option<f64>,
    /// Paired units the factory passed that failed in-house.
    pub escapes: u64,
    /// Nonconforming units the factory reported (one reading per unit, its latest).
    pub factory_nonconforming: u64,
    /// Units the factory inspected.
    pub factory_inspected: u64,
    /// Nonconforming units found in-house.
    pub in_house_nonconforming: u64,
    /// Units inspected in-house.
    pub in_house_inspected: u64,
}

/// The paired differences of every lot taken together (in-house minus factory).
#[derive(Debug, Serialize, ToSchema)]
pub struct BiasView {
    /// Pairs over all lots.
    pub pairs: usize,
    /// Their mean difference; null without pairs.
    pub mean_difference: Option<f64>,
    /// Standard deviation of the differences (divisor n - 1); null below two pairs or
    /// without spread.
    pub sd_difference: Option<f64>,
    /// 95 % Student t confidence interval of the mean difference, `[low, high]`.
    #[schema(min_items = 2, max_items = 2)]
    pub mean_difference_ci95: Option<Vec<f64>>,
    /// t statistic of the two-sided paired t test.
    pub t_statistic: Option<f64>,
    /// Its degrees of freedom (pairs - 1).
    pub degrees_of_freedom: Option<f64>,
    /// Two-sided p value of the paired t test.
    pub p_value: Option<f64>,
}

/// One source's nonconforming units over the lots compared.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingsView {
    /// Units judged nonconforming.
    pub nonconforming: u64,
    /// Units inspected (each source's own units, one reading per unit and lot).
    pub inspected: u64,
    /// `nonconforming / inspected`; null when none was inspected.
    pub fraction: Option<f64>,
}

/// Whether the factory reports significantly fewer nonconforming units than in-house.
#[derive(Debug, Serialize, ToSchema)]
pub struct FewerView {
    /// The test used.
    pub test: String,
    /// Its one-sided p value; null with a reason in `undefined`.
    pub p_value: Option<f64>,
    /// True when `p_value` < 0.05.
    pub flag: bool,
}

/// One characteristic over the supplier's lots.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierCharacteristicView {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its part.
    pub part_id: PartId,
    /// Its name.
    pub name: String,
    /// `variable` or `attribute`.
    pub kind: Kind,
    /// Unit of measurement.
    pub unit: Option<String>,
    /// The lots in which both sources recorded it, in production order.
    pub lots: Vec<LotComparisonView>,
    /// Variable: the bias over all lots; null for attributes.
    pub bias: Option<BiasView>,
    /// Escapes over all lots: paired units the factory passed that failed in-house.
    pub escapes: u64,
    /// Paired units the factory passed.
    pub factory_passed: u64,
    /// `escapes / factory_passed`; null with a reason in `undefined`.
    pub escape_rate: Option<f64>,
    /// What the factory reported over the lots.
    pub factory_fraction_nonconforming: FindingsView,
    /// What the in-house inspection found over the lots.
    pub in_house_fraction_nonconforming: FindingsView,
    /// The test of whether the factory reports fewer nonconforming units.
    pub factory_reports_fewer: FewerView,
    /// One plain sentence.
    pub sentence: String,
    /// Every figure above that is null although it applies to this kind, and why.
    pub undefined: Vec<UndefinedFigure>,
}

/// A supplier's reconciliation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "part_id": null, "from": null, "to": null, "lots_compared": 3,
    "flagged_characteristics": 1,
    "summary": "Factory QC of DPM reports fewer nonconforming units than in-house on 1 of 2 characteristics (3 lots compared); its readings of Width run 0.0247 mm low.",
    "characteristics": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
        "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "name": "Width",
        "kind": "variable", "unit": "mm",
        "lots": [{"lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "lot_number": "L-1",
            "produced_on": "2026-11-20", "pairing": "serial", "paired_units": 6,
            "mean_difference": 0.024999999999999762, "escapes": 2,
            "factory_nonconforming": 0, "factory_inspected": 8,
            "in_house_nonconforming": 2, "in_house_inspected": 8},
            {"lot_id": "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b", "lot_number": "L-2",
            "produced_on": "2026-11-25", "pairing": "serial", "paired_units": 5,
            "mean_difference": 0.024600000000000222, "escapes": 1,
            "factory_nonconforming": 0, "factory_inspected": 5,
            "in_house_nonconforming": 1, "in_house_inspected": 5},
            {"lot_id": "2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b", "lot_number": "L-3",
            "produced_on": "2026-12-01", "pairing": "unit_number", "paired_units": 4,
            "mean_difference": 0.02425000000000077, "escapes": 0,
            "factory_nonconforming": 0, "factory_inspected": 4,
            "in_house_nonconforming": 0, "in_house_inspected": 4}],
        "bias": {"pairs": 15, "mean_difference": 0.02466666666666685,
            "sd_difference": 0.0035790395093544675,
            "mean_difference_ci95": [0.022684660649854967, 0.026648672683478737],
            "t_statistic": 26.6925215429324, "degrees_of_freedom": 14.0,
            "p_value": 2.085002788483354e-13},
        "escapes": 3, "factory_passed": 15, "escape_rate": 0.2,
        "factory_fraction_nonconforming": {"nonconforming": 0, "inspected": 17,
            "fraction": 0.0},
        "in_house_fraction_nonconforming": {"nonconforming": 3, "inspected": 17,
            "fraction": 0.17647058823529413},
        "factory_reports_fewer": {"test": "Fisher's exact test, one-sided: the factory reports fewer nonconforming units than in-house",
            "p_value": 0.11363636363636366, "flag": false},
        "sentence": "Over 3 lots, the factory's readings of Width are 0.0247 mm lower than ours over 15 paired units; 3 of the 15 paired units it passed failed here; it reported 0 % nonconforming (0 of 17) against our 17.6 % nonconforming (3 of 17), not significantly fewer (Fisher's exact test, one-sided p = 0.114).",
        "undefined": []},
        {"characteristic_id": "8d9e0f1a-2b3c-4d5e-9f6a-7b8c9d0e1f2a",
        "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "name": "Scratches",
        "kind": "attribute", "unit": null,
        "lots": [{"lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "lot_number": "L-1",
            "produced_on": "2026-11-20", "pairing": "serial", "paired_units": 6,
            "mean_difference": null, "escapes": 2,
            "factory_nonconforming": 1, "factory_inspected": 8,
            "in_house_nonconforming": 4, "in_house_inspected": 8},
            {"lot_id": "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b", "lot_number": "L-2",
            "produced_on": "2026-11-25", "pairing": "serial", "paired_units": 5,
            "mean_difference": null, "escapes": 3,
            "factory_nonconforming": 0, "factory_inspected": 5,
            "in_house_nonconforming": 3, "in_house_inspected": 5},
            {"lot_id": "2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b", "lot_number": "L-3",
            "produced_on": "2026-12-01", "pairing": "unit_number", "paired_units": 4,
            "mean_difference": null, "escapes": 1,
            "factory_nonconforming": 0, "factory_inspected": 4,
            "in_house_nonconforming": 1, "in_house_inspected": 4}],
        "bias": null, "escapes": 6, "factory_passed": 15, "escape_rate": 0.4,
        "factory_fraction_nonconforming": {"nonconforming": 1, "inspected": 17,
            "fraction": 0.058823529411764705},
        "in_house_fraction_nonconforming": {"nonconforming": 8, "inspected": 17,
            "fraction": 0.47058823529411764},
        "factory_reports_fewer": {"test": "Fisher's exact test, one-sided: the factory reports fewer nonconforming units than in-house",
            "p_value": 0.008342602892102357, "flag": true},
        "sentence": "Over 3 lots, the factory judged 9 of the 15 paired units of Scratches as we did; 6 of the 15 paired units it passed failed here; it reported 5.88 % nonconforming (1 of 17) against our 47.1 % nonconforming (8 of 17), significantly fewer (Fisher's exact test, one-sided p = 0.00834).",
        "undefined": []}]}))]
pub struct SupplierReconciliationView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The part asked for; null for all the supplier's parts.
    pub part_id: Option<PartId>,
    /// First production day compared, as asked; null for no bound.
    pub from: Option<NaiveDate>,
    /// Last production day compared, as asked; null for no bound.
    pub to: Option<NaiveDate>,
    /// Lots (not cancelled) with current inspections of both sources.
    pub lots_compared: usize,
    /// Characteristics on which the factory reports significantly fewer nonconforming
    /// units than in-house (`factory_reports_fewer.flag`).
    pub flagged_characteristics: usize,
    /// One sentence for a reviewer: on how many characteristics the factory reports
    /// fewer, and which readings run significantly low or high.
    pub summary: String,
    /// The characteristics both sources recorded in at least one lot compared, part by
    /// part (in the order of their first lot), each in the order defined.
    pub characteristics: Vec<SupplierCharacteristicView>,
}

/// Compare what a supplier's factory reported with what the in-house inspection found, over its lots.
///
/// Takes the supplier's lots (not cancelled) produced from `from` to `to` (both optional,
/// inclusive), of `part_id` if given, that have current inspections of both sources
/// (resubmissions aside). Each lot is paired as `get_lot_reconciliation` pairs it; the
/// bias pools the paired differences of every lot (in-house minus factory) in one paired t
/// test; the factory's and the in-house fractions nonconforming count each source's own
/// units, and Fisher's exact test (one-sided) says whether the factory reports fewer;
/// `flag` is set when p < 0.05. A figure that does not exist for the data is null, and
/// `undefined` says why. A token bound to a supplier reads only its own supplier; another
/// supplier is answered 404.
#[utoipa::path(
    tag = "suppliers",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier"),
        SupplierReconciliationParams),
    responses(
        (status = 200, description = "The supplier's reconciliation", body = SupplierReconciliationView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/suppliers/{supplier_id}/reconciliation")]
pub async fn get_supplier_reconciliation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    query: QueryParams<SupplierReconciliationParams>,
) -> Result<web::Json<SupplierReconciliationView>, ApiError> {
    let (supplier, q) = (path.into_inner(), query.0);
    let query = SupplierQuery {
        part_id: q.part_id,
        from: q.from,
        to: q.to,
    };
    let view = db_then(
        &state,
        move |conn| Ok(service::supplier_inputs(conn, &caller.0, supplier, query)?),
        |inputs| {
            Ok(SupplierReconciliationView::of(
                service::supplier_reconciliation(inputs)?,
            ))
        },
    )
    .await?;
    Ok(web::Json(view))
}

impl SupplierReconciliationView {
    fn of(r: SupplierReconciliation) -> Self {
        SupplierReconciliationView {
            supplier_id: r.supplier.id,
            part_id: r.query.part_id,
            from: r.query.from,
            to: r.query.to,
            lots_compared: r.lots_compared,
            flagged_characteristics: r.flagged_characteristics,
            summary: r.summary,
            characteristics: r
                .characteristics
                .into_iter()
                .map(SupplierCharacteristicView::of)
                .collect(),
        }
    }
}

fn findings(f: lotgate_stats::Findings) -> FindingsView {
    FindingsView {
        nonconforming: f.nonconforming,
        inspected: f.inspected,
        fraction: (f.inspected > 0).then(|| f.nonconforming as f64 / f.inspected as f64),
    }
}

fn undefined(field: &str, reason: impl ToString) -> UndefinedFigure {
    UndefinedFigure {
        field: field.into(),
        reason: reason.to_string(),
    }
}

impl LotComparisonView {
    fn of(l: LotComparison) -> Self {
        LotComparisonView {
            lot_id: l.lot.id,
            lot_number: l.lot.lot_number,
            produced_on: l.lot.produced_on,
            pairing: match l.pairing {
                Pairing::Serial => PairingView::Serial,
                Pairing::UnitNumber => PairingView::UnitNumber,
            },
            paired_units: l.paired_units,
            mean_difference: l.mean_difference,
            escapes: l.judgements.factory_passed_in_house_failed,
            factory_nonconforming: l.factory.nonconforming,
            factory_inspected: l.factory.inspected,
            in_house_nonconforming: l.in_house.nonconforming,
            in_house_inspected: l.in_house.inspected,
        }
    }
}

impl SupplierCharacteristicView {
    fn of(r: CharacteristicOverLots) -> Self {
        let mut missing = Vec::new();
        let bias = r.bias.map(|b| {
            let test = match b.test {
                Ok(t) => Some(t),
                Err(why) => {
                    missing.push(undefined("bias.t_statistic", why));
                    None
                }
            };
            BiasView {
                pairs: b.pairs,
                mean_difference: b.mean_difference,
                sd_difference: test.map(|t| t.sd_difference),
                mean_difference_ci95: test.map(|t| t.mean_difference_ci.to_vec()),
                t_statistic: test.map(|t| t.t_statistic),
                degrees_of_freedom: test.map(|t| t.degrees_of_freedom),
                p_value: test.map(|t| t.p_value),
            }
        });
        let escape_rate = match r.escape_rate.rate {
            Ok(rate) => Some(rate),
            Err(why) => {
                missing.push(undefined("escape_rate", why));
                None
            }
        };
        let p_value = match r.factory_reports_fewer.p_value {
            Ok(p) => Some(p),
            Err(why) => {
                missing.push(undefined("factory_reports_fewer.p_value", why));
                None
            }
        };
        let c = r.characteristic;
        SupplierCharacteristicView {
            characteristic_id: c.id,
            part_id: c.part_id,
            name: c.name,
            kind: c.kind,
            unit: c.unit,
            lots: r.lots.into_iter().map(LotComparisonView::of).collect(),
            bias,
            escapes: r.escape_rate.escapes,
            factory_passed: r.escape_rate.factory_passed,
            escape_rate,
            factory_fraction_nonconforming: findings(r.factory),
            in_house_fraction_nonconforming: findings(r.in_house),
            factory_reports_fewer: FewerView {
                test: FEWER_TEST.into(),
                p_value,
                flag: r.factory_reports_fewer.flag,
            },
            sentence: r.sentence,
            undefined: missing,
        }
    }
}
