//! Audited records as stored now, read by id in batches for `lotgate audit verify`
//! (which compares them with the audit trail). Missing ids are simply absent from the
//! answers.

use diesel::prelude::*;
use diesel::sql_types::{Array, Int4, Uuid as SqlUuid};
use serde_json::Value;

use super::defect_codes::DefectCode;
use super::dispositions::LotDisposition;
use super::golden_samples::ConditionEntry;
use super::lots::LotCancellation;
use super::models::{AttributeResultRow, Characteristic, Inspection, InspectionUnit};
use super::models::{Lot, MeasurementRow, Part, Supplier};
use super::ncrs::Ncr;
use super::photos::PhotoMeta;
use super::resubmissions::Resubmission;
use super::schema::{
    api_tokens, attribute_result_photos, characteristics, defect_codes, golden_sample_conditions,
    golden_samples, inspections, lot_decisions, lot_dispositions, lots, ncrs, parts, photos,
    resubmissions, suppliers, webhook_deliveries, webhooks,
};
use super::switching::ResumeRow;
use super::tokens::Token;
use super::webhooks::{Redelivery, Webhook};
use crate::db::golden_samples::GoldenSample;
use crate::domain::{
    CharacteristicId, ConditionEntryId, DecisionId, DefectCodeId, DispositionId, GoldenSampleId,
    InspectionId, LotId, NcrId, PartId, PhotoId, ResubmissionId, ResumeId, SupplierId, TokenId,
    WebhookDeliveryId, WebhookId,
};

/// Loaders of whole stored records by id, one per audited table, all alike.
macro_rules! by_ids {
    ($($name:ident: $table:ident, $id:ty => $row:ty;)*) => {$(
        pub fn $name(conn: &mut PgConnection, ids: &[$id]) -> QueryResult<Vec<$row>> {
            $table::table
                .filter($table::id.eq_any(ids))
                .select(<$row>::as_select())
                .load(conn)
        }
    )*};
}

by_ids! {
    suppliers: suppliers, SupplierId => Supplier;
    parts: parts, PartId => Part;
    characteristics: characteristics, CharacteristicId => Characteristic;
    lots: lots, LotId => Lot;
    lot_cancellations: lots, LotId => LotCancellation;
    tokens: api_tokens, TokenId => Token;
    golden_samples: golden_samples, GoldenSampleId => GoldenSample;
    conditions: golden_sample_conditions, ConditionEntryId => ConditionEntry;
    inspections: inspections, InspectionId => Inspection;
    resubmissions: resubmissions, ResubmissionId => Resubmission;
    dispositions: lot_dispositions, DispositionId => LotDisposition;
    defect_codes: defect_codes, DefectCodeId => DefectCode;
    ncrs: ncrs, NcrId => Ncr;
    webhooks: webhooks, WebhookId => Webhook;
    redeliveries: webhook_deliveries, WebhookDeliveryId => Redelivery;
}

/// The stored documents of these decisions.
pub fn decision_documents(
    conn: &mut PgConnection,
    ids: &[DecisionId],
) -> QueryResult<Vec<(DecisionId, Value)>> {
    lot_decisions::table
        .filter(lot_decisions::id.eq_any(ids))
        .select((lot_decisions::id, lot_decisions::decision))
        .load(conn)
}

pub fn resume(conn: &mut PgConnection, id: ResumeId) -> QueryResult<Option<ResumeRow>> {
    super::switching::find_resume(conn, id)
}

/// A defect photo's metadata and view, if it is still linked to this attribute result.
pub fn attribute_result_photo(
    conn: &mut PgConnection,
    inspection: InspectionId,
    unit_index: i32,
    characteristic: CharacteristicId,
    photo: PhotoId,
) -> QueryResult<Option<(PhotoMeta, Option<String>)>> {
    attribute_result_photos::table
        .inner_join(photos::table)
        .filter(attribute_result_photos::inspection_id.eq(inspection))
        .filter(attribute_result_photos::unit_index.eq(unit_index))
        .filter(attribute_result_photos::characteristic_id.eq(characteristic))
        .filter(attribute_result_photos::photo_id.eq(photo))
        .select((PhotoMeta::as_select(), attribute_result_photos::view))
        .first(conn)
        .optional()
}

/// The original bytes of a photo.
pub fn photo_bytes(conn: &mut PgConnection, id: PhotoId) -> QueryResult<Option<Vec<u8>>> {
    photos::table
        .find(id)
        .select(photos::bytes)
        .first(conn)
        .optional()
}

/// Up to `limit` units of these inspections after `(inspection, unit)`, in that order.
pub fn units_after(
    conn: &mut PgConnection,
    ids: &[InspectionId],
    after: (InspectionId, i32),
    limit: i64,
) -> QueryResult<Vec<InspectionUnit>> {
    diesel::sql_query(
        "SELECT inspection_id, unit_index, serial FROM inspection_units \
         WHERE inspection_id = ANY($1) AND (inspection_id, unit_index) > ($2, $3) \
         ORDER BY inspection_id, unit_index LIMIT $4",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(after.0)
    .bind::<Int4, _>(after.1)
    .bind::<diesel::sql_types::Int8, _>(limit)
    .load(conn)
}

/// Up to `limit` measurements of these inspections after `(inspection, unit,
/// characteristic)`, in that order.
pub fn measurements_after(
    conn: &mut PgConnection,
    ids: &[InspectionId],
    after: (InspectionId, i32, CharacteristicId),
    limit: i64,
) -> QueryResult<Vec<MeasurementRow>> {
    diesel::sql_query(
        "SELECT inspection_id, unit_index, characteristic_id, value FROM measurements \
         WHERE inspection_id = ANY($1) \
           AND (inspection_id, unit_index, characteristic_id) > ($2, $3, $4) \
         ORDER BY inspection_id, unit_index, characteristic_id LIMIT $5",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(after.0)
    .bind::<Int4, _>(after.1)
    .bind::<SqlUuid, _>(after.2)
    .bind::<diesel::sql_types::Int8, _>(limit)
    .load(conn)
}

/// Up to `limit` attribute results of these inspections after `(inspection, unit,
/// characteristic)`, in that order.
pub fn attributes_after(
    conn: &mut PgConnection,
    ids: &[InspectionId],
    after: (InspectionId, i32, CharacteristicId),
    limit: i64,
) -> QueryResult<Vec<AttributeResultRow>> {
    diesel::sql_query(
        "SELECT inspection_id, unit_index, characteristic_id, pass, defects, note \
         FROM attribute_results WHERE inspection_id = ANY($1) \
           AND (inspection_id, unit_index, characteristic_id) > ($2, $3, $4) \
         ORDER BY inspection_id, unit_index, characteristic_id LIMIT $5",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(after.0)
    .bind::<Int4, _>(after.1)
    .bind::<SqlUuid, _>(after.2)
    .bind::<diesel::sql_types::Int8, _>(limit)
    .load(conn)
}
