//! The closed vocabularies of the shop floor, stored as `text` (the columns carry CHECK
//! constraints) and spoken as text in JSON.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema,
            AsExpression, FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the order of the standard or the shop floor.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text stored in the database and used in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} `{}`, expected one of {}",
                        stringify!($name), other, [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(text.parse::<$name>()?)
            }
        }
    };
}

text_enum!(
    /// The level at which a part number is inspected.
    Stage {
        /// A moulded, machined, electronic or bought-in component.
        Part = "part",
        /// An assembly of parts that goes into the product.
        Subassembly = "subassembly",
        /// The finished product.
        Product = "product",
    }
);

text_enum!(
    /// Whether a characteristic is measured or judged pass/fail.
    Kind {
        /// Measured against a nominal value and specification limits.
        Variable = "variable",
        /// Pass or fail by eye, gauge or function.
        Attribute = "attribute",
    }
);

text_enum!(
    /// How serious a nonconformity of the characteristic is.
    Classification {
        /// A hazard, or one defect is fatal.
        Critical = "critical",
        /// Likely to cause failure or reduce usability.
        Major = "major",
        /// Unlikely to reduce usability.
        Minor = "minor",
    }
);

text_enum!(
    /// ISO 2859-1 inspection level: special levels S-1..S-4 and general levels I, II, III.
    InspectionLevel {
        /// Special level S-1 (smallest samples).
        S1 = "S-1",
        /// Special level S-2.
        S2 = "S-2",
        /// Special level S-3.
        S3 = "S-3",
        /// Special level S-4.
        S4 = "S-4",
        /// General level I.
        I = "I",
        /// General level II (the usual choice).
        II = "II",
        /// General level III (largest samples).
        III = "III",
    }
);

text_enum!(
    /// Who inspected the lot.
    Source {
        /// The factory's own quality control.
        Factory = "factory",
        /// The startup's in-house (direct) inspection.
        InHouse = "in_house",
    }
);

text_enum!(
    /// A supplier's source policy: whose results decide a characteristic that both the
    /// factory's own QC and the in-house inspection recorded (the two are never pooled).
    SourcePolicy {
        /// The in-house inspection decides; the factory's results decide only what it
        /// did not record. The default.
        InHouseDecides = "in_house_decides",
        /// The factory's own results decide (a supplier whose reports are trusted); the
        /// in-house inspection decides only what the factory did not record.
        FactoryResultsDecide = "factory_results_decide",
    }
);

impl SourcePolicy {
    /// The policy of a supplier that never had one set.
    pub const DEFAULT: SourcePolicy = SourcePolicy::InHouseDecides;

    /// The source whose inspection ranks first under this policy.
    pub fn preferred(self) -> Source {
        match self {
            SourcePolicy::InHouseDecides => Source::InHouse,
            SourcePolicy::FactoryResultsDecide => Source::Factory,
        }
    }
}

text_enum!(
    /// Whether a sample or every unit of the lot was inspected.
    Mode {
        /// n units drawn at random.
        Sampling = "sampling",
        /// Every unit of the lot (100% inspection).
        Full = "full",
    }
);

text_enum!(
    /// Where a golden-sample revision is in its life.
    RevisionStatus {
        /// Being prepared: photos and reference measurements may still be added.
        Draft = "draft",
        /// The reference production is judged against; at most one per golden sample.
        Approved = "approved",
        /// Was approved, replaced by a later approved revision.
        Superseded = "superseded",
        /// Taken out of use.
        Retired = "retired",
    }
);

text_enum!(
    /// What an API token may do. Roles are ordered: each may do everything the one
    /// before it may.
    Role {
        /// Records inspections and defect photos, reads everything.
        Inspector = "inspector",
        /// Also decides lots, approves golden samples, records corrections and reads the
        /// audit trail.
        Reviewer = "reviewer",
        /// Also manages parts, characteristics, suppliers and tokens.
        Admin = "admin",
    }
);

impl Role {
    /// Whether a token of this role may do what `needed` may.
    pub fn includes(self, needed: Role) -> bool {
        let rank = |r: Role| Role::ALL.iter().position(|x| *x == r);
        rank(self) >= rank(needed)
    }
}

text_enum!(
    /// Who holds an API token.
    TokenHolder {
        /// A person signing in from a browser or a script.
        Person = "person",
        /// A shared device, such as a tablet on a line.
        Device = "device",
    }
);

text_enum!(
    /// What the supplier did to a lot not accepted before resubmitting it (ISO 2859-1 7.6).
    ResubmissionAction {
        /// Every unit re-examined or retested and the nonconforming ones removed.
        Sorted = "sorted",
        /// Every unit re-examined or retested and the nonconforming ones corrected.
        Reworked = "reworked",
    }
);

text_enum!(
    /// The severity a resubmitted lot is inspected at, chosen by the responsible
    /// authority (ISO 2859-1 7.6): tightened unless normal is chosen.
    ResubmissionSeverity {
        /// Table II-B.
        Tightened = "tightened",
        /// Table II-A.
        Normal = "normal",
    }
);

text_enum!(
    /// Where a lot stands, worked out by the database from the facts it rests on
    /// (migration `2026-12-03-200001_lot_status`): registered, under inspection, accepted
    /// or not accepted by its latest decision, then dispositioned or released; or
    /// cancelled.
    LotStatus {
        /// Registered, nothing recorded against it yet.
        Registered = "registered",
        /// Inspections recorded, no accepting or rejecting decision yet.
        UnderInspection = "under_inspection",
        /// Accepted by its latest decision, on its original inspection or on its latest
        /// resubmission.
        Accepted = "accepted",
        /// Not accepted by its latest decision: awaiting disposition (ISO 2859-1 7.5).
        NotAccepted = "not_accepted",
        /// A disposition of the lot not accepted is recorded.
        Dispositioned = "dispositioned",
        /// Released for use.
        Released = "released",
        /// Cancelled, with a reason, before it was decided.
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// What the responsible authority decided for a lot not accepted, or for units
    /// rejected individually (ISO 2859-1 7.5, 6.4).
    Disposition {
        /// Destroyed.
        Scrap = "scrap",
        /// Screened 100 %, the nonconforming units removed or replaced.
        Sort = "sort",
        /// Reworked to conform.
        Rework = "rework",
        /// Sent back to the supplier.
        ReturnToSupplier = "return_to_supplier",
        /// Used as it is, under a concession with a justification and an approver.
        UseAsIs = "use_as_is",
    }
);

text_enum!(
    /// What a disposition covers.
    DispositionScope {
        /// The whole lot, not accepted by its latest decision (ISO 2859-1 7.5).
        Lot = "lot",
        /// The units an accepted lot's latest decision found nonconforming, each rejected
        /// individually (ISO 2859-1 6.4).
        RejectedUnits = "rejected_units",
    }
);

text_enum!(
    /// Whether a nonconformance report is still being worked on.
    NcrStatus {
        /// Opened, not yet verified.
        Open = "open",
        /// Closed with a verification (a note or a re-inspection).
        Closed = "closed",
    }
);

text_enum!(
    /// A change that webhooks announce.
    WebhookEventType {
        /// A lot decision was stored (a new revision).
        LotDecided = "lot.decided",
        /// A disposition of a lot, or of its rejected units, was recorded.
        LotDispositioned = "lot.dispositioned",
        /// A nonconformance report was opened (by a decision or by a reviewer).
        NcrOpened = "ncr.opened",
        /// An inspection was recorded: a new one, a correction, a CSV import or the
        /// inspection of a resubmission.
        InspectionRecorded = "inspection.recorded",
        /// A golden-sample revision was approved.
        GoldenSampleApproved = "golden_sample.approved",
    }
);

text_enum!(
    /// Where a webhook delivery stands.
    DeliveryStatus {
        /// Not delivered yet: due at `next_attempt_at`.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed and the retry period is over; redeliver to try again.
        Failed = "failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_parses_back_to_its_value() {
        for level in InspectionLevel::ALL {
            assert_eq!(level.as_str().parse::<InspectionLevel>(), Ok(*level));
        }
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>(), Ok(*stage));
        }
        for status in LotStatus::ALL {
            assert_eq!(status.as_str().parse::<LotStatus>(), Ok(*status));
        }
        for disposition in Disposition::ALL {
            assert_eq!(
                disposition.as_str().parse::<Disposition>(),
                Ok(*disposition)
            );
        }
    }

    #[test]
    fn each_role_includes_the_ones_before_it_and_no_more() {
        use Role::*;
        let allowed = |r: Role| Role::ALL.iter().filter(|n| r.includes(**n)).count();
        assert_eq!(
            (allowed(Inspector), allowed(Reviewer), allowed(Admin)),
            (1, 2, 3)
        );
        assert!(Admin.includes(Inspector) && !Inspector.includes(Reviewer));
    }

    #[test]
    fn an_unknown_text_names_the_allowed_values() {
        let err = "S-5".parse::<InspectionLevel>().unwrap_err();
        assert!(err.contains("S-1, S-2, S-3, S-4, I, II, III"), "{err}");
    }
}
