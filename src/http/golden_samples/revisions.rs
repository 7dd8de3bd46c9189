//! The life of a golden-sample revision: opened as a draft, given reference
//! measurements and photos, approved (superseding the one before) and retired.

use super::super::access::Caller;
use super::*;
use crate::service::Found;
use crate::service::audit;

/// Open a new draft revision of a golden sample; it is lettered after the last one.
#[utoipa::path(
    tag = "golden-samples",
    params(("golden_sample_id" = GoldenSampleId, Path, description = "Id of the golden sample")),
    request_body = CreateRevision,
    responses(
        (status = 201, description = "The draft revision", body = RevisionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/golden-samples/{golden_sample_id}/revisions")]
pub async fn create_golden_sample_revision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<GoldenSampleId>,
    body: JsonBody<CreateRevision>,
) -> Result<HttpResponse, ApiError> {
    let (id, req) = (path.into_inner(), body.0);
    let mut checks = Checks::new();
    checks.optional_text("description", Some(&req.description), 2000);
    if req.revalidation_due < Utc::now().date_naive() {
        checks.add("revalidation_due", "must be today or later");
    }
    checks.finish()?;
    let view = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            golden_db::lock(conn, id).or_not_found("golden sample", id)?;
            let number = golden_db::last_number(conn, id)? + 1;
            let letter = golden_db::revision_letter(number);
            let revision = golden_db::insert_revision(
                conn,
                &golden_db::NewRevision {
                    id: GoldenSampleRevisionId::new_random(),
                    golden_sample_id: id,
                    number,
                    revision: &letter,
                    description: req.description.trim(),
                    revalidation_due: req.revalidation_due,
                },
            )?;
            let view = revision_view(conn, revision)?;
            let key = format!("{id}/{}", view.revision);
            audit::created(conn, &caller.0, "golden_sample_revision", key, &view)?;
            Ok(view)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/golden-samples/{id}/revisions/{}", view.revision),
        ))
        .json(view))
}

/// Record reference measurements of a draft revision, taken on the golden sample.
#[utoipa::path(
    tag = "golden-samples",
    params(
        ("golden_sample_id" = GoldenSampleId, Path, description = "Id of the golden sample"),
        ("revision" = String, Path, description = "Revision letter, e.g. `B`"),
    ),
    request_body = RecordReferences,
    responses(
        (status = 200, description = "The revision with its reference measurements", body = RevisionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/golden-samples/{golden_sample_id}/revisions/{revision}/reference-measurements")]
pub async fn record_reference_measurements(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(GoldenSampleId, String)>,
    body: JsonBody<RecordReferences>,
) -> Result<web::Json<RevisionView>, ApiError> {
    let ((id, letter), req) = (path.into_inner(), body.0);
    let mut checks = Checks::new();
    checks.text("measured_by", &req.measured_by, 100);
    if req.measurements.is_empty() {
        checks.add("measurements", "must list at least one measurement");
    }
    let mut seen = HashSet::new();
    for (i, m) in req.measurements.iter().enumerate() {
        if !m.value.is_finite() {
            checks.add(
                format!("measurements[{i}].value"),
                "must be a finite number",
            );
        }
        if !seen.insert(m.characteristic_id) {
            checks.add(
                format!("measurements[{i}].characteristic_id"),
                "is listed more than once",
            );
        }
    }
    checks.finish()?;
    let view = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            let (sample, revision) = locked_revision(conn, id, &letter)?;
            require_draft(&revision, "reference measurements")?;
            let kinds: std::collections::HashMap<CharacteristicId, Kind> =
                chars_db::of_part(conn, sample.part_id)?
                    .into_iter()
                    .map(|c| (c.id, c.kind))
                    .collect();
            let mut checks = Checks::new();
            for (i, m) in req.measurements.iter().enumerate() {
                match kinds.get(&m.characteristic_id) {
                    None => checks.add(
                        format!("measurements[{i}].characteristic_id"),
                        "is not a characteristic of the golden sample's part",
                    ),
                    Some(Kind::Attribute) => checks.add(
                        format!("measurements[{i}].characteristic_id"),
                        "is an attribute characteristic; reference values are for variable ones",
                    ),
                    Some(Kind::Variable) => {}
                }
            }
            checks.finish()?;
            let now = Utc::now();
            let rows: Vec<golden_db::ReferenceRow> = req
                .measurements
                .iter()
                .map(|m| golden_db::ReferenceRow {
                    revision_id: revision.id,
                    characteristic_id: m.characteristic_id,
                    value: m.value,
                    measured_by: req.measured_by.trim().to_string(),
                    measured_at: now,
                })
                .collect();
            let old = serde_json::to_value(revision_view(conn, revision.clone())?).ok();
            golden_db::upsert_references(conn, &rows)?;
            let view = revision_view(conn, revision)?;
            let key = format!("{id}/{letter}");
            audit::write(
                conn,
                &caller.0,
                audit::Entry {
                    action: "record_references",
                    entity: "golden_sample_revision",
                    id: key,
                    old,
                    reason: None,
                },
                &view,
            )?;
            Ok(view)
        })
    })
    .await?;
    Ok(web::Json(view))
}

/// Approve a draft revision. The revision approved until now, if any, is superseded in
/// the same transaction; the response lists the lots judged against older revisions.
#[utoipa::path(
    tag = "golden-samples",
    params(
        ("golden_sample_id" = GoldenSampleId, Path, description = "Id of the golden sample"),
        ("revision" = String, Path, description = "Revision letter of a draft, e.g. `B`"),
    ),
    request_body = ApproveRevision,
    responses(
        (status = 200, description = "The revision is approved", body = ApprovalOutcome),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/golden-samples/{golden_sample_id}/revisions/{revision}/approval")]
pub async fn approve_golden_sample_revision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(GoldenSampleId, String)>,
    body: JsonBody<ApproveRevision>,
) -> Result<web::Json<ApprovalOutcome>, ApiError> {
    let ((id, letter), req) = (path.into_inner(), body.0);
    let mut checks = Checks::new();
    checks.text("approver", &req.approver, 100);
    checks.optional_text("comment", req.comment.as_deref(), 2000);
    checks.finish()?;
    let outcome = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            let (_, draft) = locked_revision(conn, id, &letter)?;
            require_draft(&draft, "an approval")?;
            let old = serde_json::to_value(revision_view(conn, draft.clone())?).ok();
            let comment = req.comment.as_deref().map(str::trim);
            let (approved, superseded) =
                golden_db::approve(conn, &draft, req.approver.trim(), comment, Utc::now())?;
            let lots = golden_db::lots_judged_before(conn, id, approved.number)?;
            let outcome = ApprovalOutcome {
                revision: revision_view(conn, approved)?,
                superseded_revision: superseded.map(|r| r.revision),
                lots_judged_against_older_revisions: lots.into_iter().map(Into::into).collect(),
            };
            let key = format!("{id}/{letter}");
            audit::write(
                conn,
                &caller.0,
                audit::Entry {
                    action: "approve",
                    entity: "golden_sample_revision",
                    id: key,
                    old,
                    reason: comment,
                },
                &outcome,
            )?;
            Ok(outcome)
        })
    })
    .await?;
    Ok(web::Json(outcome))
}

/// Retire a revision: it is no longer a reference. Retiring the approved revision leaves
/// the golden sample without one until another is approved.
#[utoipa::path(
    tag = "golden-samples",
    params(
        ("golden_sample_id" = GoldenSampleId, Path, description = "Id of the golden sample"),
        ("revision" = String, Path, description = "Revision letter, e.g. `A`"),
    ),
    request_body = RetireRevision,
    responses(
        (status = 200, description = "The revision is retired", body = RevisionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/golden-samples/{golden_sample_id}/revisions/{revision}/retirement")]
pub async fn retire_golden_sample_revision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(GoldenSampleId, String)>,
    body: JsonBody<RetireRevision>,
) -> Result<web::Json<RevisionView>, ApiError> {
    let ((id, letter), req) = (path.into_inner(), body.0);
    let mut checks = Checks::new();
    checks.text("retired_by", &req.retired_by, 100);
    checks.text("reason", &req.reason, 2000);
    checks.finish()?;
    let view = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            let (_, revision) = locked_revision(conn, id, &letter)?;
            if revision.status == RevisionStatus::Retired {
                return Err(ApiError::conflict(
                    None,
                    format!("revision {letter} is already retired"),
                ));
            }
            let old = serde_json::to_value(revision_view(conn, revision.clone())?).ok();
            let retired = golden_db::retire(
                conn,
                &revision,
                req.retired_by.trim(),
                req.reason.trim(),
                Utc::now(),
            )?;
            let view = revision_view(conn, retired)?;
            let (key, reason) = (format!("{id}/{letter}"), Some(req.reason.trim()));
            audit::write(
                conn,
                &caller.0,
                audit::Entry {
                    action: "retire",
                    entity: "golden_sample_revision",
                    id: key,
                    old,
                    reason,
                },
                &view,
            )?;
            Ok(view)
        })
    })
    .await?;
    Ok(web::Json(view))
}

/// Add a photo of the golden sample from a fixed view to a draft revision.
#[utoipa::path(
    tag = "golden-samples",
    params(
        ("golden_sample_id" = GoldenSampleId, Path, description = "Id of the golden sample"),
        ("revision" = String, Path, description = "Revision letter of a draft, e.g. `B`"),
    ),
    request_body(content_type = "multipart/form-data", content = ViewPhotoForm,
        description = "A `photo` file part (JPEG, PNG or WebP) and a `view` text part"),
    responses(
        (status = 201, description = "The photo was stored and added to the revision", body = PhotoView),
        (status = 200, description = "This photo was already on the revision: nothing new was stored", body = PhotoView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/golden-samples/{golden_sample_id}/revisions/{revision}/photos")]
pub async fn upload_golden_sample_photo(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(GoldenSampleId, String)>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (id, letter) = path.into_inner();
    let upload = photos::read_upload(form, state.photo_limit, true).await?;
    let view = check_view(upload.view.as_deref())?;
    let (bytes, processed) = photos::process(&state, upload.bytes, upload.declared_type).await?;
    let (meta, view, created) = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            let (_, revision) = locked_revision(conn, id, &letter)?;
            require_draft(&revision, "photos")?;
            let meta = photos::store(conn, &bytes, &processed)?;
            let created = golden_db::link_photo(conn, revision.id, meta.id, &view)?;
            let view = golden_db::photo_view(conn, revision.id, meta.id)?;
            if created {
                let key = format!("{id}/{letter}/{}", meta.id);
                let shown = PhotoView::of(meta.clone(), Some(view.clone()));
                audit::write(
                    conn,
                    &caller.0,
                    audit::Entry {
                        action: "attach_photo",
                        entity: "golden_sample_revision",
                        id: key,
                        old: None,
                        reason: None,
                    },
                    &shown,
                )?;
            }
            Ok((meta, view, created))
        })
    })
    .await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header(("Location", format!("/api/v1/photos/{}", meta.id)))
        .json(PhotoView::of(meta, Some(view))))
}

/// A view name: a lowercase word such as `front` or `detail`.
fn check_view(view: Option<&str>) -> Result<String, ApiError> {
    let view = view.ok_or_else(|| {
        ApiError::invalid_field(
            "view",
            "the form has no `view` part (front, back, top, ...)",
        )
    })?;
    let mut chars = view.chars();
    let ok = view.len() <= 32
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(view.to_string())
    } else {
        Err(ApiError::invalid_field(
            "view",
            "must be a lowercase word of 1-32 letters, digits, `-` or `_`, such as `front` or `detail`",
        ))
    }
}

/// Locks the golden sample (so its revisions change one request at a time) and reads
/// the revision; either missing is a 404.
fn locked_revision(
    conn: &mut PgConnection,
    id: GoldenSampleId,
    letter: &str,
) -> Result<(GoldenSample, Revision), ApiError> {
    let sample = golden_db::lock(conn, id).or_not_found("golden sample", id)?;
    let revision = golden_db::revision(conn, id, letter).map_err(|e| match e {
        diesel::result::Error::NotFound => {
            ApiError::not_found("revision", format!("{letter} of golden sample {id}"))
        }
        other => other.into(),
    })?;
    Ok((sample, revision))
}

/// An approved, superseded or retired revision is frozen: what was approved stays what
/// inspections were judged against.
fn require_draft(revision: &Revision, what: &str) -> Result<(), ApiError> {
    if revision.status == RevisionStatus::Draft {
        return Ok(());
    }
    Err(ApiError::conflict(
        None,
        format!(
            "revision {} is {}; {what} can only be added to a draft; open a new revision",
            revision.revision, revision.status
        ),
    ))
}
