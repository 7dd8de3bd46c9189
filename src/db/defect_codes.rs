//! Defect codes of a part's catalogue, the codes failed attribute results carry, and the
//! count of those codes that a Pareto chart or a supplier scorecard ranks.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, Text, Uuid as SqlUuid};
use serde::Serialize;

use super::schema::{attribute_result_defects, defect_codes};
use crate::domain::{CharacteristicId, DefectCodeId, InspectionId, LotId, PartId, SupplierId};

/// A defect code as stored; serialised as is in the audit trail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = defect_codes, check_for_backend(diesel::pg::Pg))]
pub struct DefectCode {
    pub id: DefectCodeId,
    pub part_id: PartId,
    pub code: String,
    pub name: String,
    pub description: String,
    pub retired: bool,
    pub created_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, row: &DefectCode) -> QueryResult<DefectCode> {
    diesel::insert_into(defect_codes::table)
        .values(row)
        .returning(DefectCode::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: DefectCodeId) -> QueryResult<Option<DefectCode>> {
    defect_codes::table
        .find(id)
        .select(DefectCode::as_select())
        .first(conn)
        .optional()
}

/// The code, locked for a change.
pub fn lock(conn: &mut PgConnection, id: DefectCodeId) -> QueryResult<DefectCode> {
    defect_codes::table
        .find(id)
        .select(DefectCode::as_select())
        .for_update()
        .first(conn)
}

/// Changes name, description and retired flag; the code and its part stay.
pub fn update(conn: &mut PgConnection, row: &DefectCode) -> QueryResult<DefectCode> {
    diesel::update(defect_codes::table.find(row.id))
        .set((
            defect_codes::name.eq(&row.name),
            defect_codes::description.eq(&row.description),
            defect_codes::retired.eq(row.retired),
        ))
        .returning(DefectCode::as_returning())
        .get_result(conn)
}

/// The part's catalogue, retired codes included, by code.
pub fn of_part(conn: &mut PgConnection, part: PartId) -> QueryResult<Vec<DefectCode>> {
    defect_codes::table
        .filter(defect_codes::part_id.eq(part))
        .select(DefectCode::as_select())
        .order(defect_codes::code)
        .load(conn)
}

/// The codes one failed attribute result carries, stored in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attribute_result_defects, check_for_backend(diesel::pg::Pg))]
pub struct ResultDefect {
    pub inspection_id: InspectionId,
    pub unit_index: i32,
    pub characteristic_id: CharacteristicId,
    pub position: i32,
    pub defect_code_id: DefectCodeId,
}

/// Inserts the codes of an inspection's results (one statement text whatever their
/// number).
pub fn insert_result_defects(conn: &mut PgConnection, rows: &[ResultDefect]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    super::fixed::InsertResultDefects::new(rows)
        .execute(conn)
        .map(|_| ())
}

/// The codes of an inspection's results, with the code text, in unit, characteristic
/// and position order.
pub fn of_inspection(
    conn: &mut PgConnection,
    id: InspectionId,
) -> QueryResult<Vec<(ResultDefect, String)>> {
    attribute_result_defects::table
        .inner_join(defect_codes::table)
        .filter(attribute_result_defects::inspection_id.eq(id))
        .order((
            attribute_result_defects::unit_index,
            attribute_result_defects::characteristic_id,
            attribute_result_defects::position,
        ))
        .select((ResultDefect::as_select(), defect_codes::code))
        .load(conn)
}

/// Up to `limit` result codes of these inspections after `(inspection, unit,
/// characteristic, position)`, in that order (for `lotgate audit verify`).
pub fn after(
    conn: &mut PgConnection,
    ids: &[InspectionId],
    after: (InspectionId, i32, CharacteristicId, i32),
    limit: i64,
) -> QueryResult<Vec<ResultDefect>> {
    use attribute_result_defects as d;
    d::table
        .filter(d::inspection_id.eq_any(ids))
        .filter(
            d::inspection_id
                .gt(after.0)
                .or(d::inspection_id.eq(after.0).and(
                    d::unit_index.gt(after.1).or(d::unit_index.eq(after.1).and(
                        d::characteristic_id.gt(after.2).or(d::characteristic_id
                            .eq(after.2)
                            .and(d::position.gt(after.3))),
                    )),
                )),
        )
        .order((
            d::inspection_id,
            d::unit_index,
            d::characteristic_id,
            d::position,
        ))
        .limit(limit)
        .select(ResultDefect::as_select())
        .load(conn)
}

/// How often one defect code was found in the lots produced in one month.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct MonthCodeCount {
    /// The first day of the month of the lots' production date.
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    #[diesel(embed)]
    pub count: CodeCount,
}

/// How often one defect code was found.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CodeCount {
    #[diesel(sql_type = SqlUuid)]
    pub defect_code_id: DefectCodeId,
    #[diesel(sql_type = SqlUuid)]
    pub part_id: PartId,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Failed attribute results that carry the code.
    #[diesel(sql_type = BigInt)]
    pub results: i64,
}

/// What to count defect codes over: lots of a supplier and/or a part, produced within a
/// period (both ends included).
#[derive(Debug, Clone, Copy, Default)]
pub struct CountFilter<'a> {
    pub supplier_id: Option<SupplierId>,
    pub part_id: Option<PartId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only these lots (a scorecard counts the lots its other figures count).
    pub lots: Option<&'a [LotId]>,
    /// Leave the inspections of resubmissions aside (ISO 2859-1 7.6), as a scorecard's
    /// units do; the Pareto chart counts them.
    pub original_only: bool,
}

/// Each defect code with the number of failed attribute results carrying it, in the
/// current inspections (those no correction superseded) of the matching lots, most
/// frequent first (ties by code). Codes never found are absent. Shared by the Pareto
/// chart and a supplier's scorecard.
pub fn counts(conn: &mut PgConnection, filter: &CountFilter<'_>) -> QueryResult<Vec<CodeCount>> {
    counted(
        conn,
        "SELECT dc.id AS defect_code_id, dc.part_id, dc.code, dc.name, count(*) AS results",
        "GROUP BY dc.id, dc.part_id, dc.code, dc.name \
         ORDER BY results DESC, dc.code, dc.id",
        filter,
    )
}

/// Runs `select`, the defect codes of the current inspections of the lots `filter` names
/// (binding its fields), then `group`.
fn counted<Row: QueryableByName<diesel::pg::Pg> + 'static>(
    conn: &mut PgConnection,
    select: &str,
    group: &str,
    filter: &CountFilter<'_>,
) -> QueryResult<Vec<Row>> {
    diesel::sql_query(format!(
        "{select} \
         FROM attribute_result_defects d \
         JOIN defect_codes dc ON dc.id = d.defect_code_id \
         JOIN inspections i ON i.id = d.inspection_id \
         JOIN lots l ON l.id = i.lot_id \
         WHERE ($1::uuid IS NULL OR l.supplier_id = $1) \
           AND ($2::uuid IS NULL OR l.part_id = $2) \
           AND ($3::date IS NULL OR l.produced_on >= $3) \
           AND ($4::date IS NULL OR l.produced_on <= $4) \
           AND ($5::uuid[] IS NULL OR l.id = ANY($5)) \
           AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id) \
           AND NOT ($6 AND EXISTS (SELECT 1 FROM resubmission_inspections r \
                                   WHERE r.inspection_id = i.id)) \
         {group}"
    ))
    .bind::<Nullable<SqlUuid>, _>(filter.supplier_id.map(|s| s.0))
    .bind::<Nullable<SqlUuid>, _>(filter.part_id.map(|p| p.0))
    .bind::<Nullable<Date>, _>(filter.from)
    .bind::<Nullable<Date>, _>(filter.to)
    .bind::<Nullable<Array<SqlUuid>>, _>(
        filter
            .lots
            .map(|ids| ids.iter().map(|l| l.0).collect::<Vec<_>>()),
    )
    .bind::<Bool, _>(filter.original_only)
    .load(conn)
}

/// [`counts`] month by month of the lots' production date, in one statement: by month,
/// then most frequent first (ties by code, then id). A scorecard over five years of a
/// supplier asked once per month took 60 statements.
pub fn counts_by_month(
    conn: &mut PgConnection,
    filter: &CountFilter<'_>,
) -> QueryResult<Vec<MonthCodeCount>> {
    counted(
        conn,
        "SELECT date_trunc('month', l.produced_on)::date AS month, \
                dc.id AS defect_code_id, dc.part_id, dc.code, dc.name, count(*) AS results",
        "GROUP BY 1, dc.id, dc.part_id, dc.code, dc.name \
         ORDER BY month, results DESC, dc.code, dc.id",
        filter,
    )
}
