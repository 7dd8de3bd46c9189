//! Golden samples, their revisions, approvals, reference measurements and photos.
//!
//! Approval history is kept: a revision's `[approved_at, approved_until)` is the period
//! it was the approved reference, so the revision in force at any moment can be found.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::photos::PhotoMeta;
use super::schema::{
    golden_sample_conditions, golden_sample_photos, golden_sample_references,
    golden_sample_revisions, golden_samples, inspections, lot_decisions, lots, photos,
};
use crate::domain::{
    CharacteristicId, ConditionEntryId, GoldenSampleId, GoldenSampleRevisionId, LotId, PartId,
    PhotoId, RevisionStatus,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = golden_samples, check_for_backend(diesel::pg::Pg))]
pub struct GoldenSample {
    pub id: GoldenSampleId,
    pub part_id: PartId,
    pub code: String,
    pub storage_location: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = golden_samples)]
pub struct NewGoldenSample<'a> {
    pub id: GoldenSampleId,
    pub part_id: PartId,
    pub code: &'a str,
    pub storage_location: &'a str,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = golden_sample_conditions, check_for_backend(diesel::pg::Pg))]
pub struct ConditionEntry {
    pub id: ConditionEntryId,
    pub golden_sample_id: GoldenSampleId,
    pub noted_by: String,
    pub condition: String,
    pub noted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = golden_sample_revisions, check_for_backend(diesel::pg::Pg))]
pub struct Revision {
    pub id: GoldenSampleRevisionId,
    pub golden_sample_id: GoldenSampleId,
    pub number: i32,
    pub revision: String,
    pub status: RevisionStatus,
    pub description: String,
    pub revalidation_due: NaiveDate,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approval_comment: Option<String>,
    pub approved_until: Option<DateTime<Utc>>,
    pub retired_by: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
    pub retire_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = golden_sample_revisions)]
pub struct NewRevision<'a> {
    pub id: GoldenSampleRevisionId,
    pub golden_sample_id: GoldenSampleId,
    pub number: i32,
    pub revision: &'a str,
    pub description: &'a str,
    pub revalidation_due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = golden_sample_references, check_for_backend(diesel::pg::Pg))]
pub struct ReferenceRow {
    pub revision_id: GoldenSampleRevisionId,
    pub characteristic_id: CharacteristicId,
    pub value: f64,
    pub measured_by: String,
    pub measured_at: DateTime<Utc>,
}

/// Which golden-sample revision a value refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRef {
    pub golden_sample_id: GoldenSampleId,
    pub code: String,
    pub revision_id: GoldenSampleRevisionId,
    pub revision: String,
}

/// A lot with inspections judged against a revision older than the one just approved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JudgedLot {
    pub lot_id: LotId,
    pub lot_number: String,
    pub revision: String,
    pub inspections: i64,
}

/// The revision letter of the `number`th revision: A..Z, then AA, AB, ... (as in
/// drawing revisions).
pub fn revision_letter(number: i32) -> String {
    let mut n = number.max(1) as u32;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

pub fn insert(conn: &mut PgConnection, new: &NewGoldenSample<'_>) -> QueryResult<GoldenSample> {
    diesel::insert_into(golden_samples::table)
        .values(new)
        .returning(GoldenSample::as_returning())
        .get_result(conn)
}

pub fn insert_condition(conn: &mut PgConnection, entry: &ConditionEntry) -> QueryResult<()> {
    diesel::insert_into(golden_sample_conditions::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// Changes a golden sample's code and storage location.
pub fn update(
    conn: &mut PgConnection,
    id: GoldenSampleId,
    code: &str,
    storage_location: &str,
) -> QueryResult<GoldenSample> {
    diesel::update(golden_samples::table.find(id))
        .set((
            golden_samples::code.eq(code),
            golden_samples::storage_location.eq(storage_location),
        ))
        .returning(GoldenSample::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: GoldenSampleId) -> QueryResult<GoldenSample> {
    golden_samples::table
        .find(id)
        .select(GoldenSample::as_select())
        .first(conn)
}

/// Reads the golden sample and locks it until the transaction ends, so that revisions
/// are numbered and approved one at a time.
pub fn lock(conn: &mut PgConnection, id: GoldenSampleId) -> QueryResult<GoldenSample> {
    golden_samples::table
        .find(id)
        .select(GoldenSample::as_select())
        .for_update()
        .first(conn)
}

pub fn of_part(conn: &mut PgConnection, part: PartId) -> QueryResult<Vec<GoldenSample>> {
    golden_samples::table
        .filter(golden_samples::part_id.eq(part))
        .order(golden_samples::code)
        .select(GoldenSample::as_select())
        .load(conn)
}

pub fn conditions(
    conn: &mut PgConnection,
    sample: GoldenSampleId,
) -> QueryResult<Vec<ConditionEntry>> {
    golden_sample_conditions::table
        .filter(golden_sample_conditions::golden_sample_id.eq(sample))
        .order((
            golden_sample_conditions::noted_at,
            golden_sample_conditions::id,
        ))
        .select(ConditionEntry::as_select())
        .load(conn)
}

/// The revisions of these golden samples, in revision order.
pub fn revisions(
    conn: &mut PgConnection,
    samples: &[GoldenSampleId],
) -> QueryResult<Vec<Revision>> {
    golden_sample_revisions::table
        .filter(golden_sample_revisions::golden_sample_id.eq_any(samples))
        .order((
            golden_sample_revisions::golden_sample_id,
            golden_sample_revisions::number,
        ))
        .select(Revision::as_select())
        .load(conn)
}

pub fn revision(
    conn: &mut PgConnection,
    sample: GoldenSampleId,
    letter: &str,
) -> QueryResult<Revision> {
    golden_sample_revisions::table
        .filter(golden_sample_revisions::golden_sample_id.eq(sample))
        .filter(golden_sample_revisions::revision.eq(letter))
        .select(Revision::as_select())
        .first(conn)
}

/// A revision with the part its golden sample belongs to.
pub fn revision_by_id(
    conn: &mut PgConnection,
    id: GoldenSampleRevisionId,
) -> QueryResult<(Revision, PartId)> {
    golden_sample_revisions::table
        .inner_join(golden_samples::table)
        .filter(golden_sample_revisions::id.eq(id))
        .select((Revision::as_select(), golden_samples::part_id))
        .first(conn)
}

/// The highest revision number of the golden sample, 0 when it has none.
pub fn last_number(conn: &mut PgConnection, sample: GoldenSampleId) -> QueryResult<i32> {
    golden_sample_revisions::table
        .filter(golden_sample_revisions::golden_sample_id.eq(sample))
        .select(diesel::dsl::max(golden_sample_revisions::number))
        .first::<Option<i32>>(conn)
        .map(|n| n.unwrap_or(0))
}

pub fn insert_revision(conn: &mut PgConnection, new: &NewRevision<'_>) -> QueryResult<Revision> {
    diesel::insert_into(golden_sample_revisions::table)
        .values(new)
        .returning(Revision::as_returning())
        .get_result(conn)
}

/// Records reference values, replacing earlier values of the same characteristics.
/// Only for a draft revision: the caller checks.
pub fn upsert_references(conn: &mut PgConnection, rows: &[ReferenceRow]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    diesel::insert_into(golden_sample_references::table)
        .values(rows)
        .on_conflict((
            golden_sample_references::revision_id,
            golden_sample_references::characteristic_id,
        ))
        .do_update()
        .set((
            golden_sample_references::value.eq(excluded(golden_sample_references::value)),
            golden_sample_references::measured_by
                .eq(excluded(golden_sample_references::measured_by)),
            golden_sample_references::measured_at
                .eq(excluded(golden_sample_references::measured_at)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn references(
    conn: &mut PgConnection,
    revisions: &[GoldenSampleRevisionId],
) -> QueryResult<Vec<ReferenceRow>> {
    if revisions.is_empty() {
        return Ok(Vec::new());
    }
    golden_sample_references::table
        .filter(golden_sample_references::revision_id.eq_any(revisions))
        .order((
            golden_sample_references::revision_id,
            golden_sample_references::characteristic_id,
        ))
        .select(ReferenceRow::as_select())
        .load(conn)
}

/// Links a photo to a revision under a view; returns false when it was already linked.
pub fn link_photo(
    conn: &mut PgConnection,
    revision: GoldenSampleRevisionId,
    photo: PhotoId,
    view: &str,
) -> QueryResult<bool> {
    let n = diesel::insert_into(golden_sample_photos::table)
        .values((
            golden_sample_photos::revision_id.eq(revision),
            golden_sample_photos::photo_id.eq(photo),
            golden_sample_photos::view.eq(view),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(n == 1)
}

/// The view a photo is linked under on a revision.
pub fn photo_view(
    conn: &mut PgConnection,
    revision: GoldenSampleRevisionId,
    photo: PhotoId,
) -> QueryResult<String> {
    golden_sample_photos::table
        .find((revision, photo))
        .select(golden_sample_photos::view)
        .first(conn)
}

/// The photos of these revisions with their views, in the order they were added.
pub fn photos_of(
    conn: &mut PgConnection,
    revisions: &[GoldenSampleRevisionId],
) -> QueryResult<Vec<(GoldenSampleRevisionId, String, PhotoMeta)>> {
    golden_sample_photos::table
        .inner_join(photos::table)
        .filter(golden_sample_photos::revision_id.eq_any(revisions))
        .order((
            golden_sample_photos::added_at,
            golden_sample_photos::photo_id,
        ))
        .select((
            golden_sample_photos::revision_id,
            golden_sample_photos::view,
            PhotoMeta::as_select(),
        ))
        .load(conn)
}

/// Approves a draft revision and supersedes the approved one, if any. Call inside a
/// transaction holding the golden sample's lock. Returns the approved revision and the
/// one it superseded.
pub fn approve(
    conn: &mut PgConnection,
    draft: &Revision,
    approver: &str,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<(Revision, Option<Revision>)> {
    use golden_sample_revisions::dsl as r;
    let superseded = diesel::update(
        r::golden_sample_revisions
            .filter(r::golden_sample_id.eq(draft.golden_sample_id))
            .filter(r::status.eq(RevisionStatus::Approved)),
    )
    .set((
        r::status.eq(RevisionStatus::Superseded),
        r::approved_until.eq(now),
    ))
    .returning(Revision::as_returning())
    .get_result(conn)
    .optional()?;
    let approved = diesel::update(r::golden_sample_revisions.find(draft.id))
        .set((
            r::status.eq(RevisionStatus::Approved),
            r::approved_by.eq(approver),
            r::approved_at.eq(now),
            r::approval_comment.eq(comment),
        ))
        .returning(Revision::as_returning())
        .get_result(conn)?;
    Ok((approved, superseded))
}

/// Takes a revision out of use; an approved one stops being the reference now.
pub fn retire(
    conn: &mut PgConnection,
    revision: &Revision,
    retired_by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<Revision> {
    use golden_sample_revisions::dsl as r;
    let approved_until = match revision.status {
        RevisionStatus::Approved => Some(now),
        _ => revision.approved_until,
    };
    diesel::update(r::golden_sample_revisions.find(revision.id))
        .set((
            r::status.eq(RevisionStatus::Retired),
            r::retired_by.eq(retired_by),
            r::retired_at.eq(now),
            r::retire_reason.eq(reason),
            r::approved_until.eq(approved_until),
        ))
        .returning(Revision::as_returning())
        .get_result(conn)
}

/// The revision of one of the part's golden samples that was approved at `at`. When the
/// part has several golden samples approved at that moment, the most recently approved.
pub fn approved_at(
    conn: &mut PgConnection,
    part: PartId,
    at: DateTime<Utc>,
) -> QueryResult<Option<GoldenSampleRevisionId>> {
    golden_sample_revisions::table
        .inner_join(golden_samples::table)
        .filter(golden_samples::part_id.eq(part))
        .filter(golden_sample_revisions::approved_at.le(at))
        .filter(
            golden_sample_revisions::approved_until
                .is_null()
                .or(golden_sample_revisions::approved_until.gt(at)),
        )
        .order(golden_sample_revisions::approved_at.desc())
        .select(golden_sample_revisions::id)
        .first(conn)
        .optional()
}

/// Open lots with inspections (not replaced by a correction) judged against a revision
/// of this golden sample older than `number`. A lot is open until its latest decision
/// accepts or rejects it (no decision, or a `pending` one, keeps it open).
pub fn lots_judged_before(
    conn: &mut PgConnection,
    sample: GoldenSampleId,
    number: i32,
) -> QueryResult<Vec<JudgedLot>> {
    let corrected = diesel::alias!(inspections as corrected);
    let rows: Vec<(LotId, String, i32, String)> = inspections::table
        .inner_join(lots::table)
        .inner_join(golden_sample_revisions::table)
        .filter(golden_sample_revisions::golden_sample_id.eq(sample))
        .filter(golden_sample_revisions::number.lt(number))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            corrected
                .filter(
                    corrected
                        .field(inspections::supersedes)
                        .eq(inspections::id.nullable()),
                )
                .select(corrected.field(inspections::id)),
        )))
        .order((lots::lot_number, lots::id, golden_sample_revisions::number))
        .select((
            lots::id,
            lots::lot_number,
            golden_sample_revisions::number,
            golden_sample_revisions::revision,
        ))
        .load(conn)?;
    // One inspection per row, sorted: count runs of the same lot and revision.
    let mut judged: Vec<(JudgedLot, i32)> = Vec::new();
    for (lot_id, lot_number, number, revision) in rows {
        match judged.last_mut() {
            Some((last, n)) if last.lot_id == lot_id && *n == number => last.inspections += 1,
            _ => judged.push((
                JudgedLot {
                    lot_id,
                    lot_number,
                    revision,
                    inspections: 1,
                },
                number,
            )),
        }
    }
    let lot_ids: Vec<LotId> = judged.iter().map(|(lot, _)| lot.lot_id).collect();
    let decisions: Vec<(LotId, i32, String)> = lot_decisions::table
        .filter(lot_decisions::lot_id.eq_any(&lot_ids))
        .select((
            lot_decisions::lot_id,
            lot_decisions::revision,
            lot_decisions::verdict,
        ))
        .load(conn)?;
    let mut latest: HashMap<LotId, (i32, String)> = HashMap::new();
    for (lot, revision, verdict) in decisions {
        if latest.get(&lot).is_none_or(|(r, _)| *r < revision) {
            latest.insert(lot, (revision, verdict));
        }
    }
    Ok(judged
        .into_iter()
        .map(|(lot, _)| lot)
        .filter(|lot| latest.get(&lot.lot_id).is_none_or(|(_, v)| v == "pending"))
        .collect())
}

/// The golden-sample reference value of each variable characteristic, for the lot's
/// statistics: from the revision recorded on the lot's latest inspection that recorded
/// one, otherwise from the revision of the part's golden sample approved now.
/// Characteristics without a reference value on that revision are absent.
pub fn reference_values_for_lot(
    conn: &mut PgConnection,
    lot: LotId,
    part: PartId,
) -> QueryResult<HashMap<CharacteristicId, (RevisionRef, f64)>> {
    let revision = RevisionForLot {
        lot,
        part,
        now: Utc::now(),
    }
    .get_result::<LotRevision>(conn)?
    .revision_id;
    let Some(revision) = revision else {
        return Ok(HashMap::new());
    };
    let (rev, sample): (Revision, GoldenSample) = golden_sample_revisions::table
        .inner_join(golden_samples::table)
        .filter(golden_sample_revisions::id.eq(revision))
        .select((Revision::as_select(), GoldenSample::as_select()))
        .first(conn)?;
    let at = RevisionRef {
        golden_sample_id: sample.id,
        code: sample.code,
        revision_id: rev.id,
        revision: rev.revision,
    };
    Ok(references(conn, &[revision])?
        .into_iter()
        .map(|r| (r.characteristic_id, (at.clone(), r.value)))
        .collect())
}

/// Both look-ups of [`reference_values_for_lot`] in one statement of fixed text: the
/// revision the lot's latest inspection recorded (superseded ones included), else the
/// one of the part approved at `now` (as [`approved_at`] finds it).
struct RevisionForLot {
    lot: LotId,
    part: PartId,
    now: DateTime<Utc>,
}
super::fixed::fixed_statement!(RevisionForLot);

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for RevisionForLot {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Timestamptz, Uuid};
        out.push_sql(
            "SELECT coalesce(\
               (SELECT i.golden_sample_revision_id FROM inspections i \
                WHERE i.lot_id = ",
        );
        out.push_bind_param::<Uuid, _>(&self.lot)?;
        out.push_sql(
            " AND i.golden_sample_revision_id IS NOT NULL \
                ORDER BY i.inspected_at DESC, i.id DESC LIMIT 1), \
               (SELECT r.id FROM golden_sample_revisions r \
                JOIN golden_samples g ON g.id = r.golden_sample_id \
                WHERE g.part_id = ",
        );
        out.push_bind_param::<Uuid, _>(&self.part)?;
        out.push_sql(" AND r.approved_at <= ");
        out.push_bind_param::<Timestamptz, _>(&self.now)?;
        out.push_sql(" AND (r.approved_until IS NULL OR r.approved_until > ");
        out.push_bind_param::<Timestamptz, _>(&self.now)?;
        out.push_sql(") ORDER BY r.approved_at DESC LIMIT 1)) AS revision_id");
        Ok(())
    }
}

#[derive(QueryableByName)]
struct LotRevision {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    revision_id: Option<GoldenSampleRevisionId>,
}

#[cfg(test)]
mod tests {
    use super::revision_letter;

    #[test]
    fn revisions_are_lettered_like_drawing_revisions() {
        let letters: Vec<String> = [1, 2, 26, 27, 28, 52, 53].map(revision_letter).to_vec();
        assert_eq!(letters, ["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
    }
}
