//! Factory against in-house: a lot's reconciliation, characteristic by characteristic.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::{AppState, db_then};
use crate::decision::types::DecisionVerdict;
use crate::domain::{CharacteristicId, InspectionId, Kind, LotId, PartId, SupplierId};
use crate::service::reconciliation::{
    self as service, CharacteristicReconciliation, Figure, LotReconciliation, Pairing,
    SourceVerdict,
};

/// How the units of the two sources were matched.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairingView {
    /// By serial: every unit of both sources carries one.
    Serial,
    /// By unit number within each source's latest inspection of the characteristic,
    /// because some unit has no serial.
    UnitNumber,
}

/// A figure that is null, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct UndefinedFigure {
    /// The field that is null, e.g. `t_statistic` or `unpaired.welch`.
    pub field: String,
    /// Why it does not exist for these data.
    pub reason: String,
}

/// Welch's two-sample t test of the in-house against the factory readings.
#[derive(Debug, Serialize, ToSchema)]
pub struct WelchView {
    /// In-house mean minus factory mean.
    pub mean_difference: f64,
    /// Welch's t statistic.
    pub t_statistic: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub degrees_of_freedom: f64,
    /// Two-sided p value.
    pub p_value: f64,
    /// 95 % confidence interval of the difference of means, `[low, high]`.
    #[schema(min_items = 2, max_items = 2)]
    pub mean_difference_ci95: Vec<f64>,
}

/// The F test of the ratio of variances, in-house over factory.
#[derive(Debug, Serialize, ToSchema)]
pub struct VarianceRatioView {
    /// In-house variance divided by factory variance.
    pub ratio: f64,
    /// Numerator degrees of freedom (in-house units - 1).
    pub numerator_df: f64,
    /// Denominator degrees of freedom (factory units - 1).
    pub denominator_df: f64,
    /// Two-sided p value of the F test.
    pub p_value: f64,
    /// 95 % confidence interval of the ratio, `[low, high]`.
    #[schema(min_items = 2, max_items = 2)]
    pub ratio_ci95: Vec<f64>,
}

/// The units of a variable characteristic that only one source measured.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnpairedView {
    /// In-house units without a factory reading.
    pub in_house_units: usize,
    /// Factory units without an in-house reading.
    pub factory_units: usize,
    /// Welch's t test of the two groups; null with a reason in `undefined`.
    pub welch: Option<WelchView>,
    /// The ratio of their variances and its F test; null with a reason in `undefined`.
    pub variance_ratio: Option<VarianceRatioView>,
}

/// What one source's results alone would decide.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceVerdictView {
    /// `accept`, `reject` or `pending`.
    pub verdict: DecisionVerdict,
    /// One sentence explaining it.
    pub explanation: String,
}

/// The verdict each source's results would give under the lot's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceVerdicts {
    /// The factory's inspections alone.
    pub factory: SourceVerdictView,
    /// The in-house inspections alone.
    pub in_house: SourceVerdictView,
}

/// One characteristic of the lot, factory against in-house.
#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicReconciliationView {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// `variable` or `attribute`.
    pub kind: Kind,
    /// Unit of measurement.
    pub unit: Option<String>,
    /// How units were paired.
    pub pairing: PairingView,
    /// Units the factory inspected (one reading per unit, its latest).
    pub factory_units: usize,
    /// Units inspected in-house (one reading per unit, its latest).
    pub in_house_units: usize,
    /// Units inspected by both.
    pub paired_units: usize,
    /// Variable: mean of the paired differences, in-house minus factory.
    pub mean_difference: Option<f64>,
    /// Variable: standard deviation of the paired differences (divisor n - 1).
    pub sd_difference: Option<f64>,
    /// Variable: 95 % Student t confidence interval of the mean difference, `[low, high]`.
    #[schema(min_items = 2, max_items = 2)]
    pub mean_difference_ci95: Option<Vec<f64>>,
    /// Variable: t statistic of the two-sided paired t test.
    pub t_statistic: Option<f64>,
    /// Variable: its degrees of freedom (paired units - 1).
    pub degrees_of_freedom: Option<f64>,
    /// Variable: two-sided p value of the paired t test.
    pub p_value: Option<f64>,
    /// Variable: Bland–Altman limits of agreement, `[mean - 1.96 sd, mean + 1.96 sd]`.
    #[schema(min_items = 2, max_items = 2)]
    pub limits_of_agreement: Option<Vec<f64>>,
    /// Variable: the units only one source measured, compared as two samples.
    pub unpaired: Option<UnpairedView>,
    /// Share of paired units judged alike (conforming or not; a measurement against its
    /// specification limits).
    pub agreement: Option<f64>,
    /// Cohen's kappa of the paired judgements.
    pub kappa: Option<f64>,
    /// Paired units both passed.
    pub both_passed: u64,
    /// Paired units both failed.
    pub both_failed: u64,
    /// Escapes: paired units the factory passed that failed in-house.
    pub factory_passed_in_house_failed: u64,
    /// Paired units the factory failed that passed in-house.
    pub factory_failed_in_house_passed: u64,
    /// Nonconforming units the factory reported.
    pub factory_nonconforming: u64,
    /// The factory's fraction nonconforming; null when it inspected no unit.
    pub factory_fraction_nonconforming: Option<f64>,
    /// Nonconforming units found in-house.
    pub in_house_nonconforming: u64,
    /// The in-house fraction nonconforming; null when no unit was inspected in-house.
    pub in_house_fraction_nonconforming: Option<f64>,
    /// The verdict each source's results alone would give under the lot's plan.
    pub verdicts: SourceVerdicts,
    /// One plain sentence: how far the factory's readings are from ours, and its escapes.
    pub sentence: String,
    /// Every figure above that is null although it applies to this kind, and why.
    pub undefined: Vec<UndefinedFigure>,
}

/// A lot's reconciliation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10",
    "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "factory_inspections": ["1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b"],
    "in_house_inspections": ["2f3e4d5c-6b7a-4899-8a1b-2c3d4e5f6a7b"],
    "characteristics": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
        "name": "Width", "kind": "variable", "unit": "mm", "pairing": "serial",
        "factory_units": 10, "in_house_units": 10, "paired_units": 10,
        "mean_difference": 0.0247, "sd_difference": 0.002263232692902657,
        "mean_difference_ci95": [0.023080980863313665, 0.026319019136686665],
        "t_statistic": 34.51181067289353, "degrees_of_freedom": 9.0,
        "p_value": 7.108631192703044e-11,
        "limits_of_agreement": [0.02026406392191096, 0.029135936078089373],
        "unpaired": {"in_house_units": 0, "factory_units": 0, "welch": null,
            "variance_ratio": null},
        "agreement": 0.9, "kappa": null, "both_passed": 9, "both_failed": 0,
        "factory_passed_in_house_failed": 1, "factory_failed_in_house_passed": 0,
        "factory_nonconforming": 0, "factory_fraction_nonconforming": 0.0,
        "in_house_nonconforming": 1, "in_house_fraction_nonconforming": 0.1,
        "verdicts": {"factory": {"verdict": "accept", "explanation": "Accept: 0 defective in a sample of 13 (Ac 0, Re 1)."},
            "in_house": {"verdict": "reject", "explanation": "Reject: 1 defective in a sample of 13 (Ac 0, Re 1)."}},
        "sentence": "The factory's readings are 0.0247 mm lower than ours over 10 paired units; 1 unit it passed failed here.",
        "undefined": [
            {"field": "unpaired.welch", "reason": "a source has fewer than two units to compare"},
            {"field": "unpaired.variance_ratio", "reason": "a source has fewer than two units to compare"},
            {"field": "kappa", "reason": "both sources judged every unit the same one way, so the agreement expected by chance is 1 and kappa does not exist"}]}]}))]
pub struct LotReconciliationView {
    /// The lot.
    pub lot_id: LotId,
    /// Its part.
    pub part_id: PartId,
    /// Its supplier.
    pub supplier_id: SupplierId,
    /// The factory's current inspections compared (resubmissions aside), in the order
    /// carried out.
    pub factory_inspections: Vec<InspectionId>,
    /// The in-house current inspections compared (resubmissions aside).
    pub in_house_inspections: Vec<InspectionId>,
    /// One entry per characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicReconciliationView>,
}

/// Compare what the factory reported about a lot with what the in-house inspection found, unit by unit.
///
/// The two sources are never pooled: each keeps one reading per unit (its latest current
/// inspection's), and units are paired by serial when every unit carries one, otherwise
/// by unit number (`pairing` says which). Differences are in-house minus factory. A
/// figure that does not exist for the data (no pairs, one pair, no spread) is null, and
/// `undefined` says why. A token bound to a supplier reads only its own supplier's lots;
/// another supplier's lot is answered 404.
#[utoipa::path(
    tag = "statistics",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot's reconciliation", body = LotReconciliationView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/reconciliation")]
pub async fn get_lot_reconciliation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<web::Json<LotReconciliationView>, ApiError> {
    let lot_id = path.into_inner();
    let view = db_then(
        &state,
        move |conn| Ok(service::lot_inputs(conn, &caller.0, lot_id)?),
        |inputs| {
            Ok(LotReconciliationView::of(service::lot_reconciliation(
                inputs,
            )?))
        },
    )
    .await?;
    Ok(web::Json(view))
}

impl LotReconciliationView {
    fn of(r: LotReconciliation) -> Self {
        LotReconciliationView {
            lot_id: r.lot.id,
            part_id: r.lot.part_id,
            supplier_id: r.lot.supplier_id,
            factory_inspections: r.factory_inspections,
            in_house_inspections: r.in_house_inspections,
            characteristics: r
                .characteristics
                .into_iter()
                .map(CharacteristicReconciliationView::of)
                .collect(),
        }
    }
}

/// The value of `figure`, or null with its reason noted under `field`.
fn noted<T>(
    figure: Option<Figure<T>>,
    field: &str,
    undefined: &mut Vec<UndefinedFigure>,
) -> Option<T> {
    match figure? {
        Ok(value) => Some(value),
        Err(why) => {
            undefined.push(UndefinedFigure {
                field: field.into(),
                reason: why.to_string(),
            });
            None
        }
    }
}

fn verdict(v: SourceVerdict) -> SourceVerdictView {
    SourceVerdictView {
        verdict: v.verdict,
        explanation: v.explanation,
    }
}

impl CharacteristicReconciliationView {
    fn of(r: CharacteristicReconciliation) -> Self {
        let mut undefined = Vec::new();
        let variable = r.paired_test.is_some();
        let loa = noted(r.limits_of_agreement, "limits_of_agreement", &mut undefined);
        let test = noted(r.paired_test, "t_statistic", &mut undefined);
        let welch = noted(r.welch, "unpaired.welch", &mut undefined);
        let variance_ratio = noted(r.variance_ratio, "unpaired.variance_ratio", &mut undefined);
        let agreement = noted(Some(r.agreement), "agreement", &mut undefined);
        let kappa = match r.kappa {
            // No pairs is already said of `agreement`.
            Err(lotgate_stats::Undefined::NoPairs) => None,
            other => noted(Some(other), "kappa", &mut undefined),
        };
        let fraction = |(nc, n): (u64, u64)| (n > 0).then(|| nc as f64 / n as f64);
        let c = r.characteristic;
        CharacteristicReconciliationView {
            characteristic_id: c.id,
            name: c.name,
            kind: c.kind,
            unit: c.unit,
            pairing: match r.pairing {
                Pairing::Serial => PairingView::Serial,
                Pairing::UnitNumber => PairingView::UnitNumber,
            },
            factory_units: r.factory_units,
            in_house_units: r.in_house_units,
            paired_units: r.paired_units,
            mean_difference: r.mean_difference,
            sd_difference: loa.map(|l| l.sd_difference),
            mean_difference_ci95: test.map(|t| t.mean_difference_ci.to_vec()),
            t_statistic: test.map(|t| t.t_statistic),
            degrees_of_freedom: test.map(|t| t.degrees_of_freedom),
            p_value: test.map(|t| t.p_value),
            limits_of_agreement: loa.map(|l| vec![l.lower, l.upper]),
            unpaired: variable.then(|| UnpairedView {
                in_house_units: r.unpaired_in_house,
                factory_units: r.unpaired_factory,
                welch: welch.map(|w| WelchView {
                    mean_difference: w.mean_difference,
                    t_statistic: w.t_statistic,
                    degrees_of_freedom: w.degrees_of_freedom,
                    p_value: w.p_value,
                    mean_difference_ci95: w.mean_difference_ci.to_vec(),
                }),
                variance_ratio: variance_ratio.map(|v| VarianceRatioView {
                    ratio: v.ratio,
                    numerator_df: v.numerator_df,
                    denominator_df: v.denominator_df,
                    p_value: v.p_value,
                    ratio_ci95: v.ratio_ci.to_vec(),
                }),
            }),
            agreement,
            kappa,
            both_passed: r.judgements.both_passed,
            both_failed: r.judgements.both_failed,
            factory_passed_in_house_failed: r.judgements.factory_passed_in_house_failed,
            factory_failed_in_house_passed: r.judgements.factory_failed_in_house_passed,
            factory_nonconforming: r.factory_nonconforming.0,
            factory_fraction_nonconforming: fraction(r.factory_nonconforming),
            in_house_nonconforming: r.in_house_nonconforming.0,
            in_house_fraction_nonconforming: fraction(r.in_house_nonconforming),
            verdicts: SourceVerdicts {
                factory: verdict(r.factory_verdict),
                in_house: verdict(r.in_house_verdict),
            },
            sentence: r.sentence,
            undefined,
        }
    }
}
