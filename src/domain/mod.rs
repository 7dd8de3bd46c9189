//! Domain types that cannot hold invalid values. Request bodies are parsed into these
//! once, at the edge; nothing downstream checks them again.

pub mod dates;
mod enums;
mod ids;
mod values;

pub use enums::{
    Classification, DeliveryStatus, Disposition, DispositionScope, InspectionLevel, Kind,
    LotStatus, Mode, NcrStatus, ResubmissionAction, ResubmissionSeverity, RevisionStatus, Role,
    Source, SourcePolicy, Stage, TokenHolder, WebhookEventType,
};
pub use ids::{
    CharacteristicId, ConditionEntryId, DecisionId, DefectCodeId, DispositionId, GoldenSampleId,
    GoldenSampleRevisionId, InspectionId, LotId, NcrId, PartId, PhotoId, ResubmissionId, ResumeId,
    SupplierId, TokenId, WebhookDeliveryId, WebhookEventId, WebhookId,
};
pub use values::{Aql, DomainError, LotSize, Measurement, SpecLimits};
