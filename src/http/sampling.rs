//! Stateless sampling calculators: the ISO 2859-1 plan for a lot, the operating
//! characteristic of a plan, and a plan designed from two points of its OC curve.

use actix_web::{get, web};
use lotgate_sampling as sampling;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, responses};
use super::extract::QueryParams;
use crate::decision::types::{DoublePlanView, PlanSeverity, PlanView, table_level};
use crate::domain::{Aql, InspectionLevel, LotSize};
use crate::service::Checks;

/// Most points an OC request may ask for.
const MAX_POINTS: usize = 1000;
/// Largest acceptance number of an OC request: the hypergeometric sum costs O(Ac) per
/// point (ISO 2859-1 plans stop at Ac 44).
const MAX_ACCEPTANCE_NUMBER: i64 = 10_000;

/// Lot, AQL, level and severity of `get_iso2859_plan`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// Number of units in the lot (N), at least 2 (Table I starts at 2).
    #[param(minimum = 2, maximum = 100_000_000, example = 1000)]
    pub lot_size: i64,
    /// AQL in percent, one of the standard's 26 values (0.010 ... 1000).
    #[param(example = 1.0, value_type = crate::http::schemas::AqlSeries, inline)]
    pub aql: f64,
    /// Inspection level: S-1, S-2, S-3, S-4, I, II or III (default II).
    #[param(example = "II")]
    pub level: Option<InspectionLevel>,
    /// Severity: normal (Table II-A, default), tightened (II-B) or reduced (II-C).
    #[param(example = "normal")]
    pub severity: Option<PlanSeverity>,
    /// Sampling scheme: single (default) or double (Tables III-A/III-B/III-C).
    #[param(example = "single", inline)]
    pub scheme: Option<PlanScheme>,
}

/// Single or double sampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanScheme {
    /// One sample (Tables II-A/B/C).
    Single,
    /// Up to two samples of equal size (Tables III-A/B/C).
    Double,
}

/// Look up the ISO 2859-1 single (or double) sampling plan for a lot.
#[utoipa::path(
    tag = "sampling",
    params(PlanQuery),
    responses(
        (status = 200, description = "The plan, after following the table's arrows; with `scheme=double` also the double plan", body = PlanView),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/sampling/plans/iso2859-1")]
pub async fn get_iso2859_plan(
    query: QueryParams<PlanQuery>,
) -> Result<web::Json<PlanView>, ApiError> {
    let q = query.0;
    let mut checks = Checks::new();
    if q.lot_size < 2 {
        checks.add(
            "lot_size",
            format!(
                "must be at least 2 (ISO 2859-1 Table I starts at 2 units), got {}",
                q.lot_size
            ),
        );
    } else if q.lot_size > i64::from(LotSize::MAX) {
        checks.add(
            "lot_size",
            format!(
                "must be at most {}, the largest lot lotgate records, got {}",
                LotSize::MAX,
                q.lot_size
            ),
        );
    }
    checks.parse("aql", Aql::parse(q.aql));
    checks.finish()?;
    let level = q.level.unwrap_or(InspectionLevel::II);
    let severity = q.severity.unwrap_or(PlanSeverity::Normal);
    let plan = sampling::single_sampling_plan(
        q.lot_size as u64,
        table_level(level),
        q.aql,
        severity.table(),
    )
    .map_err(|e| ApiError::invalid_field("aql", e))?;
    let mut view = PlanView::new(&plan, level, severity);
    if q.scheme == Some(PlanScheme::Double) {
        // A "*" cell has no double plan: the field to change is `scheme`.
        let double = sampling::double_sampling_plan(
            q.lot_size as u64,
            table_level(level),
            q.aql,
            severity.table(),
        )
        .map_err(|e| ApiError::invalid_field("scheme", e))?;
        view.double = Some(DoublePlanView::new(&double));
    }
    Ok(web::Json(view))
}

/// Probability model of the number of defectives in the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OcModelName {
    /// Sampling from a process or a very large lot (type B OC).
    Binomial,
    /// Sampling without replacement from this lot of `lot_size` units (type A OC).
    Hypergeometric,
    /// Poisson approximation with mean n * p.
    Poisson,
}

/// Plan, lot and fractions of `get_operating_characteristic`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OcQuery {
    /// Sample size n, at least 1 and at most the lot size.
    #[param(minimum = 1, example = 80)]
    pub sample_size: i64,
    /// Acceptance number Ac (c), at least 0, below the sample size and at most 10000.
    #[param(minimum = 0, maximum = 10000, example = 2)]
    pub acceptance_number: i64,
    /// Lot size N, for AOQ and ATI (and the hypergeometric model).
    #[param(minimum = 1, maximum = 100_000_000, example = 1000)]
    pub lot_size: i64,
    /// Model: binomial (default), hypergeometric or poisson.
    #[param(example = "hypergeometric")]
    pub model: Option<OcModelName>,
    /// Fractions defective (0..1) as plain decimals, comma-separated, at most 1000;
    /// without it a grid of 101 points from 0 to where Pa has fallen to about 0.001.
    #[param(
        example = "0.01,0.02,0.05",
        pattern = r"^ *(0+(\.[0-9]*)?|\.[0-9]+|0*1(\.0*)?) *(, *(0+(\.[0-9]*)?|\.[0-9]+|0*1(\.0*)?) *)*$"
    )]
    pub p: Option<String>,
}

/// One point of the OC curve.
#[derive(Debug, Serialize, ToSchema)]
pub struct OcPointView {
    /// Incoming fraction defective.
    pub p: f64,
    /// Probability of acceptance Pa(p).
    pub pa: f64,
    /// Average outgoing quality Pa * p * (N - n) / N (rejected lots sorted).
    pub aoq: f64,
    /// Average total inspection n + (1 - Pa) * (N - n), units per lot.
    pub ati: f64,
}

/// Operating characteristic of a single sampling plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"model": "hypergeometric", "sample_size": 80, "acceptance_number": 2,
    "lot_size": 1000, "points": [{"p": 0.01, "pa": 0.96075, "aoq": 0.00884, "ati": 116.11}],
    "aoql": 0.015686, "aoql_at_p": 0.027}))]
pub struct OcView {
    /// Model used.
    pub model: OcModelName,
    /// Sample size n.
    pub sample_size: u64,
    /// Acceptance number Ac.
    pub acceptance_number: u32,
    /// Lot size N.
    pub lot_size: u64,
    /// Pa, AOQ and ATI at each fraction defective asked for (or of the default grid).
    pub points: Vec<OcPointView>,
    /// Average outgoing quality limit: the largest AOQ over all fractions defective.
    pub aoql: f64,
    /// The fraction defective at which the AOQL occurs.
    pub aoql_at_p: f64,
}

fn fractions(text: &str, checks: &mut Checks) -> Vec<f64> {
    let parts: Vec<&str> = text.split(',').map(|p| p.trim_matches(' ')).collect();
    if parts.len() > MAX_POINTS {
        checks.add("p", format!("at most {MAX_POINTS} fractions"));
        return Vec::new();
    }
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        match plain_decimal(part).and_then(|d| d.parse::<f64>().ok()) {
            Some(v) if (0.0..=1.0).contains(&v) => out.push(v),
            _ => checks.add(
                "p",
                format!(
                    "value {} ({part:?}) must be a fraction between 0 and 1",
                    i + 1
                ),
            ),
        }
    }
    out
}

/// `0.05`, `.5`, `1` or `1.`: digits with at most one point, as the document's pattern
/// says; no sign, exponent, `inf` or `NaN`, which `f64::from_str` would take.
fn plain_decimal(text: &str) -> Option<&str> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty()))
        .then_some(text)
}

/// Compute the operating characteristic (Pa, AOQ, ATI) and AOQL of a single sampling plan.
#[utoipa::path(
    tag = "sampling",
    params(OcQuery),
    responses(
        (status = 200, description = "The OC curve and its AOQL", body = OcView),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/sampling/oc")]
pub async fn get_operating_characteristic(
    query: QueryParams<OcQuery>,
) -> Result<web::Json<OcView>, ApiError> {
    let q = query.0;
    let mut checks = Checks::new();
    if q.lot_size < 1 || q.lot_size > i64::from(LotSize::MAX) {
        checks.add(
            "lot_size",
            format!("must be between 1 and {}", LotSize::MAX),
        );
    }
    if q.sample_size < 1 {
        checks.add("sample_size", "must be at least 1");
    } else if q.sample_size > q.lot_size && q.lot_size >= 1 {
        checks.add(
            "sample_size",
            format!(
                "{} is larger than the lot size {}",
                q.sample_size, q.lot_size
            ),
        );
    }
    if q.acceptance_number < 0 {
        checks.add("acceptance_number", "must not be negative");
    } else if q.acceptance_number > MAX_ACCEPTANCE_NUMBER {
        checks.add(
            "acceptance_number",
            format!("must be at most {MAX_ACCEPTANCE_NUMBER}"),
        );
    } else if q.sample_size >= 1 && q.acceptance_number >= q.sample_size {
        checks.add("acceptance_number", "must be smaller than the sample size");
    }
    let grid = q.p.as_deref().map(|t| fractions(t, &mut checks));
    checks.finish()?;
    let (n, c, big_n) = (
        q.sample_size as u64,
        q.acceptance_number as u32,
        q.lot_size as u64,
    );
    let name = q.model.unwrap_or(OcModelName::Binomial);
    let model = match name {
        OcModelName::Binomial => sampling::OcModel::Binomial,
        OcModelName::Hypergeometric => sampling::OcModel::Hypergeometric { lot_size: big_n },
        OcModelName::Poisson => sampling::OcModel::Poisson,
    };
    let grid = grid.unwrap_or_else(|| sampling::default_grid(n, c));
    // Up to 1000 points of a large plan: off the actix worker.
    let (points, limit) = web::block(move || {
        Ok::<_, sampling::SamplingError>((
            sampling::oc_curve(model, big_n, n, c, &grid)?,
            sampling::aoql(model, big_n, n, c)?,
        ))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(web::Json(OcView {
        model: name,
        sample_size: n,
        acceptance_number: c,
        lot_size: big_n,
        points: points
            .into_iter()
            .map(|pt| OcPointView {
                p: pt.fraction_defective,
                pa: pt.probability_of_acceptance,
                aoq: pt.average_outgoing_quality,
                ati: pt.average_total_inspection,
            })
            .collect(),
        aoql: limit.aoql,
        aoql_at_p: limit.at_fraction_defective,
    }))
}

/// The two points of the OC curve a plan must pass through.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DesignQuery {
    /// Acceptable quality level as a fraction defective (0.01 = 1 %), in (0, 1).
    #[param(example = 0.01, exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub aql: f64,
    /// Lot tolerance percent defective as a fraction (0.05 = 5 %), above `aql` and below 1.
    #[param(example = 0.05, exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub ltpd: f64,
    /// Producer's risk: largest acceptable probability of rejecting a lot at the AQL
    /// (default 0.05).
    #[param(example = 0.05, exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub alpha: Option<f64>,
    /// Consumer's risk: largest acceptable probability of accepting a lot at the LTPD
    /// (default 0.10).
    #[param(example = 0.10, exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub beta: Option<f64>,
}

/// A single sampling plan designed from AQL, LTPD and the two risks.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"sample_size": 132, "acceptance_number": 3, "rejection_number": 4,
    "producer_risk": 0.04425, "consumer_risk": 0.09923, "aql": 0.01, "ltpd": 0.05, "alpha": 0.05, "beta": 0.1}))]
pub struct DesignView {
    /// Sample size n.
    pub sample_size: u64,
    /// Acceptance number c.
    pub acceptance_number: u32,
    /// Rejection number c + 1.
    pub rejection_number: u32,
    /// Achieved producer's risk 1 - Pa(AQL), at most alpha.
    pub producer_risk: f64,
    /// Achieved consumer's risk Pa(LTPD), at most beta.
    pub consumer_risk: f64,
    /// The AQL asked for (fraction).
    pub aql: f64,
    /// The LTPD asked for (fraction).
    pub ltpd: f64,
    /// The producer's risk asked for.
    pub alpha: f64,
    /// The consumer's risk asked for.
    pub beta: f64,
}

/// Design the smallest single sampling plan (binomial) meeting the producer's and consumer's risks.
#[utoipa::path(
    tag = "sampling",
    params(DesignQuery),
    responses(
        (status = 200, description = "The designed plan and the risks it achieves", body = DesignView),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/sampling/design")]
pub async fn design_sampling_plan(
    query: QueryParams<DesignQuery>,
) -> Result<web::Json<DesignView>, ApiError> {
    let q = query.0;
    let (alpha, beta) = (q.alpha.unwrap_or(0.05), q.beta.unwrap_or(0.10));
    let mut checks = Checks::new();
    for (field, value) in [
        ("aql", q.aql),
        ("ltpd", q.ltpd),
        ("alpha", alpha),
        ("beta", beta),
    ] {
        if !(value > 0.0 && value < 1.0) {
            checks.add(
                field,
                format!("must lie strictly between 0 and 1, got {value}"),
            );
        }
    }
    if q.aql > 0.0 && q.aql >= q.ltpd {
        checks.add("ltpd", format!("must be larger than the AQL {}", q.aql));
    }
    checks.finish()?;
    // The search may try many acceptance numbers when AQL and LTPD are close.
    let (aql, ltpd) = (q.aql, q.ltpd);
    let plan = web::block(move || sampling::design_plan(aql, ltpd, alpha, beta))
        .await
        .map_err(ApiError::internal)?;
    let plan = plan.map_err(|e| match e {
        sampling::SamplingError::NoPlanWithinSearchBound { .. } => {
            ApiError::invalid_field("ltpd", format!("{e}; move the LTPD further from the AQL"))
        }
        other => ApiError::invalid_field("aql", other),
    })?;
    Ok(web::Json(DesignView {
        sample_size: plan.sample_size,
        acceptance_number: plan.acceptance_number,
        rejection_number: plan.acceptance_number + 1,
        producer_risk: plan.producer_risk,
        consumer_risk: plan.consumer_risk,
        aql: q.aql,
        ltpd: q.ltpd,
        alpha,
        beta,
    }))
}
