//! Two inspectors of one lot, compared: the factory's own QC against the in-house
//! inspection. Differences are always in-house minus factory.
//!
//! Each function returns its figures, or [`Undefined`] saying why they do not exist
//! (no pairs, one pair, a spread of zero): never NaN or an infinite value.

use std::fmt;

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, DiscreteCDF, FisherSnedecor, Hypergeometric, StudentsT};

/// Why a comparison has no value for the data given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// No unit was inspected by both sources.
    NoPairs,
    /// One unit was inspected by both sources: a spread needs two.
    OnePair,
    /// Every paired difference is the same: the spread of the differences is zero.
    ZeroVarianceOfDifferences,
    /// A source has fewer than two units in the comparison.
    TooFewUnits,
    /// A source's readings (or both sources' readings) do not vary.
    ZeroVariance,
    /// A source inspected no units.
    NoUnits,
    /// Both sources put every unit in the same one category: the agreement
    /// expected by chance is 1 and kappa divides by zero.
    ChanceAgreementIsCertain,
}

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Undefined::NoPairs => "no unit was inspected by both sources",
            Undefined::OnePair => {
                "only one unit was inspected by both sources: a spread needs at least two"
            }
            Undefined::ZeroVarianceOfDifferences => {
                "every paired difference is the same, so their spread is zero and no t statistic exists"
            }
            Undefined::TooFewUnits => "a source has fewer than two units to compare",
            Undefined::ZeroVariance => "a source's readings do not vary, so a ratio or test of spread does not exist",
            Undefined::NoUnits => "a source inspected no units",
            Undefined::ChanceAgreementIsCertain => {
                "both sources judged every unit the same one way, so the agreement expected by chance is 1 and kappa does not exist"
            }
        })
    }
}

/// Mean and sample standard deviation (divisor n - 1) of `values`, two passes.
fn mean_sd(values: &[f64]) -> (f64, Option<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, None);
    }
    let (s1, s2) = values.iter().fold((0.0, 0.0), |(s1, s2), v| {
        let d = v - mean;
        (s1 + d, s2 + d * d)
    });
    let var = ((s2 - s1 * s1 / n) / (n - 1.0)).max(0.0);
    (mean + s1 / n, Some(var.sqrt()))
}

/// Two-sided p value of a Student t statistic, from the upper tail (no 1 - cdf).
fn t_two_sided_p(t: f64, df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * dist.sf(t.abs())).min(1.0))
}

/// The Student t quantile for `p` with `df` degrees of freedom, polished by Newton
/// steps on the cdf so it agrees with the cdf to double precision.
fn t_quantile(p: f64, df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let mut q = dist.inverse_cdf(p);
    for _ in 0..4 {
        let step = (dist.cdf(q) - p) / statrs::distribution::Continuous::pdf(&dist, q);
        if !step.is_finite() {
            break;
        }
        q -= step;
    }
    q.is_finite().then_some(q)
}

/// The F quantile for `p`, polished like [`t_quantile`].
fn f_quantile(p: f64, df1: f64, df2: f64) -> Option<f64> {
    let dist = FisherSnedecor::new(df1, df2).ok()?;
    let mut q = dist.inverse_cdf(p);
    for _ in 0..4 {
        let step = (dist.cdf(q) - p) / statrs::distribution::Continuous::pdf(&dist, q);
        if !step.is_finite() {
            break;
        }
        q -= step;
    }
    (q.is_finite() && q > 0.0).then_some(q)
}

/// Mean and spread of the paired differences, and the limits within which 95 % of
/// them fall (Bland–Altman: mean ± 1.96 sd).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LimitsOfAgreement {
    /// Number of pairs.
    pub pairs: usize,
    /// Mean difference (in-house minus factory).
    pub mean_difference: f64,
    /// Sample standard deviation of the differences.
    pub sd_difference: f64,
    /// `mean - 1.96 sd`.
    pub lower: f64,
    /// `mean + 1.96 sd`.
    pub upper: f64,
}

/// Bland–Altman limits of agreement of `differences` (in-house minus factory).
pub fn limits_of_agreement(differences: &[f64]) -> Result<LimitsOfAgreement, Undefined> {
    match differences.len() {
        0 => return Err(Undefined::NoPairs),
        1 => return Err(Undefined::OnePair),
        _ => {}
    }
    let (mean, sd) = mean_sd(differences);
    let sd = sd.ok_or(Undefined::OnePair)?;
    Ok(LimitsOfAgreement {
        pairs: differences.len(),
        mean_difference: mean,
        sd_difference: sd,
        lower: mean - 1.96 * sd,
        upper: mean + 1.96 * sd,
    })
}

/// A paired t test of whether the mean difference is zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairedTTest {
    /// Number of pairs.
    pub pairs: usize,
    /// Mean difference (in-house minus factory).
    pub mean_difference: f64,
    /// Sample standard deviation of the differences.
    pub sd_difference: f64,
    /// `mean / (sd / sqrt(n))`.
    pub t_statistic: f64,
    /// `n - 1`.
    pub degrees_of_freedom: f64,
    /// Two-sided p value.
    pub p_value: f64,
    /// Confidence interval of the mean difference (Student t), `[low, high]`.
    pub mean_difference_ci: [f64; 2],
}

/// Paired t test on `differences` with a two-sided interval at `confidence`.
pub fn paired_t_test(differences: &[f64], confidence: f64) -> Result<PairedTTest, Undefined> {
    let loa = limits_of_agreement(differences)?;
    let n = loa.pairs as f64;
    let se = loa.sd_difference / n.sqrt();
    // Below this the differences are constant up to rounding (R refuses the same
    // data as "essentially constant").
    if se <= 10.0 * f64::EPSILON * loa.mean_difference.abs() || se == 0.0 {
        return Err(Undefined::ZeroVarianceOfDifferences);
    }
    let df = n - 1.0;
    let t = loa.mean_difference / se;
    let p = t_two_sided_p(t, df).ok_or(Undefined::OnePair)?;
    let q = t_quantile(0.5 + confidence / 2.0, df).ok_or(Undefined::OnePair)?;
    Ok(PairedTTest {
        pairs: loa.pairs,
        mean_difference: loa.mean_difference,
        sd_difference: loa.sd_difference,
        t_statistic: t,
        degrees_of_freedom: df,
        p_value: p,
        mean_difference_ci: [loa.mean_difference - q * se, loa.mean_difference + q * se],
    })
}

/// Welch's two-sample t test (unequal variances) of in-house against factory readings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WelchTTest {
    /// In-house units.
    pub in_house_units: usize,
    /// Factory units.
    pub factory_units: usize,
    /// In-house mean minus factory mean.
    pub mean_difference: f64,
    /// Welch's t statistic.
    pub t_statistic: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub degrees_of_freedom: f64,
    /// Two-sided p value.
    pub p_value: f64,
    /// Confidence interval of the difference of means, `[low, high]`.
    pub mean_difference_ci: [f64; 2],
}

/// Welch's t test of `in_house` against `factory` with an interval at `confidence`.
pub fn welch_t_test(
    in_house: &[f64],
    factory: &[f64],
    confidence: f64,
) -> Result<WelchTTest, Undefined> {
    if in_house.len() < 2 || factory.len() < 2 {
        return Err(Undefined::TooFewUnits);
    }
    let (mx, sx) = mean_sd(in_house);
    let (my, sy) = mean_sd(factory);
    let (sx, sy) = (
        sx.ok_or(Undefined::TooFewUnits)?,
        sy.ok_or(Undefined::TooFewUnits)?,
    );
    let (nx, ny) = (in_house.len() as f64, factory.len() as f64);
    let (vx, vy) = (sx * sx / nx, sy * sy / ny);
    let se2 = vx + vy;
    let se = se2.sqrt();
    let diff = mx - my;
    if se == 0.0 || se <= 10.0 * f64::EPSILON * mx.abs().max(my.abs()) {
        return Err(Undefined::ZeroVariance);
    }
    let df = se2 * se2 / (vx * vx / (nx - 1.0) + vy * vy / (ny - 1.0));
    let t = diff / se;
    let p = t_two_sided_p(t, df).ok_or(Undefined::ZeroVariance)?;
    let q = t_quantile(0.5 + confidence / 2.0, df).ok_or(Undefined::ZeroVariance)?;
    Ok(WelchTTest {
        in_house_units: in_house.len(),
        factory_units: factory.len(),
        mean_difference: diff,
        t_statistic: t,
        degrees_of_freedom: df,
        p_value: p,
        mean_difference_ci: [diff - q * se, diff + q * se],
    })
}

/// The F test of equal variances: in-house variance over factory variance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VarianceRatioTest {
    /// In-house variance / factory variance.
    pub ratio: f64,
    /// Numerator degrees of freedom (in-house units - 1).
    pub numerator_df: f64,
    /// Denominator degrees of freedom (factory units - 1).
    pub denominator_df: f64,
    /// Two-sided p value.
    pub p_value: f64,
    /// Confidence interval of the ratio of variances, `[low, high]`.
    pub ratio_ci: [f64; 2],
}

/// F test of the ratio of variances of `in_house` to `factory` at `confidence`.
pub fn variance_ratio_test(
    in_house: &[f64],
    factory: &[f64],
    confidence: f64,
) -> Result<VarianceRatioTest, Undefined> {
    if in_house.len() < 2 || factory.len() < 2 {
        return Err(Undefined::TooFewUnits);
    }
    let sx = mean_sd(in_house).1.ok_or(Undefined::TooFewUnits)?;
    let sy = mean_sd(factory).1.ok_or(Undefined::TooFewUnits)?;
    if sx == 0.0 || sy == 0.0 {
        return Err(Undefined::ZeroVariance);
    }
    let (df1, df2) = ((in_house.len() - 1) as f64, (factory.len() - 1) as f64);
    let ratio = (sx * sx) / (sy * sy);
    let dist = FisherSnedecor::new(df1, df2).map_err(|_| Undefined::TooFewUnits)?;
    let p = (2.0 * dist.cdf(ratio).min(dist.sf(ratio))).min(1.0);
    let alpha = 1.0 - confidence;
    let upper_q = f_quantile(1.0 - alpha / 2.0, df1, df2).ok_or(Undefined::ZeroVariance)?;
    let lower_q = f_quantile(alpha / 2.0, df1, df2).ok_or(Undefined::ZeroVariance)?;
    Ok(VarianceRatioTest {
        ratio,
        numerator_df: df1,
        denominator_df: df2,
        p_value: p,
        ratio_ci: [ratio / upper_q, ratio / lower_q],
    })
}

/// Pass/fail judgements of the same units by the two sources, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PairedJudgements {
    /// Both passed the unit.
    pub both_passed: u64,
    /// The factory passed a unit that failed in-house (an escape).
    pub factory_passed_in_house_failed: u64,
    /// The factory failed a unit that passed in-house.
    pub factory_failed_in_house_passed: u64,
    /// Both failed the unit.
    pub both_failed: u64,
}

impl PairedJudgements {
    /// Number of paired units.
    pub fn pairs(&self) -> u64 {
        self.both_passed
            + self.factory_passed_in_house_failed
            + self.factory_failed_in_house_passed
            + self.both_failed
    }

    /// Share of paired units judged alike.
    pub fn agreement(&self) -> Result<f64, Undefined> {
        let n = self.pairs();
        if n == 0 {
            return Err(Undefined::NoPairs);
        }
        Ok((self.both_passed + self.both_failed) as f64 / n as f64)
    }
}

/// Cohen's kappa of the two sources' pass/fail judgements: agreement beyond chance,
/// `(po - pe) / (1 - pe)`.
pub fn cohens_kappa(j: &PairedJudgements) -> Result<f64, Undefined> {
    let po = j.agreement()?;
    let n = j.pairs() as f64;
    let factory_pass = (j.both_passed + j.factory_passed_in_house_failed) as f64 / n;
    let in_house_pass = (j.both_passed + j.factory_failed_in_house_passed) as f64 / n;
    let pe = factory_pass * in_house_pass + (1.0 - factory_pass) * (1.0 - in_house_pass);
    if pe >= 1.0 {
        return Err(Undefined::ChanceAgreementIsCertain);
    }
    Ok((po - pe) / (1.0 - pe))
}

/// Nonconforming units found by one source among those it inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Findings {
    /// Units judged nonconforming.
    pub nonconforming: u64,
    /// Units inspected.
    pub inspected: u64,
}

/// Fisher's exact test, one-sided: does the factory report a smaller fraction
/// nonconforming than the in-house inspection found? The p value is P(X <= x) for the
/// factory's count x under the hypergeometric law of the 2×2 table with fixed margins
/// (GNU R `fisher.test(..., alternative = "less")`).
pub fn fisher_factory_reports_fewer(
    factory: Findings,
    in_house: Findings,
) -> Result<f64, Undefined> {
    if factory.inspected == 0 || in_house.inspected == 0 {
        return Err(Undefined::NoUnits);
    }
    if factory.nonconforming > factory.inspected || in_house.nonconforming > in_house.inspected {
        return Err(Undefined::NoUnits);
    }
    let population = factory.inspected + in_house.inspected;
    let successes = factory.nonconforming + in_house.nonconforming;
    let dist = Hypergeometric::new(population, successes, factory.inspected)
        .map_err(|_| Undefined::NoUnits)?;
    Ok(dist.cdf(factory.nonconforming).clamp(0.0, 1.0))
}
