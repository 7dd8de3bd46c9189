//! Keyset pagination: `limit` plus an opaque `cursor` naming the last row of the
//! previous page, so pages stay stable while new rows arrive.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema, schema::Ref};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::error::ApiError;
use crate::db::After;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// Page parameters shared by every list operation.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The limit, checked; one more row is fetched to know whether a next page exists.
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit.unwrap_or(DEFAULT_LIMIT) {
            n @ 1..=MAX_LIMIT => Ok(n),
            n => Err(ApiError::invalid_field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}, got {n}"),
            )),
        }
    }

    pub fn after<K: CursorKey>(&self) -> Result<Option<After<K>>, ApiError> {
        // An empty cursor is the same as none: the first page.
        let Some(cursor) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let invalid = || {
            ApiError::invalid_field(
                "cursor",
                "not a cursor returned by this list; start again without it",
            )
        };
        let (key, id) = cursor.split_once('.').ok_or_else(invalid)?;
        let key = key
            .parse::<i64>()
            .ok()
            .and_then(K::from_number)
            .ok_or_else(invalid)?;
        let id = Uuid::parse_str(id).map_err(|_| invalid())?;
        Ok(Some(After { key, id }))
    }
}

/// A sort key that fits in a cursor.
pub trait CursorKey: Sized {
    fn to_number(&self) -> i64;
    fn from_number(n: i64) -> Option<Self>;
}

impl CursorKey for DateTime<Utc> {
    fn to_number(&self) -> i64 {
        self.timestamp_micros()
    }
    fn from_number(n: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(n)
    }
}

impl CursorKey for NaiveDate {
    fn to_number(&self) -> i64 {
        i64::from(self.num_days_from_ce())
    }
    fn from_number(n: i64) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?)
    }
}

use chrono::Datelike;

/// A sequence number (the audit trail's).
impl CursorKey for i64 {
    fn to_number(&self) -> i64 {
        *self
    }
    fn from_number(n: i64) -> Option<Self> {
        Some(n)
    }
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Written by hand rather than derived: the derive inlines the item's schema into every
/// `Page_*`, so client generators make a second, differently named copy of each item
/// type. Here the items refer to their own schema, which is registered with the page.
/// Implemented through utoipa's composing trait (the one its derives implement, and that
/// gives `PartialSchema`), because the path macro builds generic bodies with it.
impl<T: ToSchema> utoipa::__dev::ComposeSchema for Page<T> {
    fn compose(_inlined_items: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .description(Some("One page of a list."))
            .property(
                "items",
                ArrayBuilder::new()
                    .items(Ref::from_schema_name(T::name()))
                    .description(Some("The items of this page.")),
            )
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "Pass as `cursor` to get the next page; `null` on the last page.",
                    )),
            )
            .into()
    }
}

impl<T: ToSchema> ToSchema for Page<T> {
    /// The path macro appends the item's name: `Page_PartView`.
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Page")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows; the extra row only says that more exist.
    pub fn from_rows<R, K: CursorKey>(
        mut rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> (K, Uuid),
        view: impl Fn(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| {
                rows.last().map(|r| {
                    let (k, id) = key(r);
                    format!("{}.{}", k.to_number(), id)
                })
            })
            .flatten();
        Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_its_position() {
        let when = DateTime::from_timestamp_micros(1_763_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        let page: Page<u8> = Page::from_rows(vec![(when, id), (when, id)], 1, |r| *r, |_| 0);
        let params = PageParams {
            limit: None,
            cursor: page.next_cursor,
        };
        assert_eq!(
            params.after::<DateTime<Utc>>().unwrap(),
            Some(After { key: when, id })
        );
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page: Page<u8> = Page::from_rows(vec![(NaiveDate::MIN, Uuid::nil())], 1, |r| *r, |_| 0);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn a_forged_cursor_is_refused_by_name() {
        let params = PageParams {
            limit: None,
            cursor: Some("yesterday".into()),
        };
        let problem = params.after::<NaiveDate>().unwrap_err().problem();
        assert_eq!(problem.errors[0].field, "cursor");
    }

    #[test]
    fn a_limit_above_the_cap_is_refused() {
        let params = PageParams {
            limit: Some(MAX_LIMIT + 1),
            cursor: None,
        };
        assert_eq!(
            params.limit().unwrap_err().problem().errors[0].field,
            "limit"
        );
    }
}
