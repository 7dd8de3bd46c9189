//! Deviation statistics, process capability, normality and control charts for
//! lotgate (pure computation: plain values in, plain structs out, no I/O).
//!
//! The HTTP layer calls [`capability`]; the building blocks ([`describe`],
//! [`indices`], [`anderson_darling`], [`control_chart`]) are public for reuse.
//! Anything undefined for the input is `None`, never NaN or infinite, and the
//! report's [`Warning`]s explain why.

pub mod agreement;
pub mod capability;
pub mod constants;
pub mod control;
pub mod descriptive;
pub mod deviation;
pub mod error;
pub mod normality;
pub mod proportion;
pub mod report;
pub mod rules;
pub mod spec;
pub mod warning;

pub use agreement::{
    Findings, LimitsOfAgreement, PairedJudgements, PairedTTest, Undefined, VarianceRatioTest,
    WelchTTest, cohens_kappa, fisher_factory_reports_fewer, limits_of_agreement, paired_t_test,
    variance_ratio_test, welch_t_test,
};
pub use capability::{Indices, indices};
pub use control::{ChartKind, ChartSeries, ControlChart, control_chart};
pub use descriptive::{Descriptive, describe};
pub use deviation::{DeviationBasis, ValueDeviation, value_deviations};
pub use error::StatsError;
pub use normality::{AndersonDarling, anderson_darling};
pub use proportion::{Proportion, clopper_pearson};
pub use report::{CapabilityReport, PerValue, capability, capability_with};
pub use rules::{RuleViolation, Side};
pub use spec::Spec;
pub use warning::{SpecLimit, Warning};
