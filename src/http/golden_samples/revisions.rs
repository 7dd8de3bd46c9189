//! The life of a golden-sample revision: opened as a draft, given reference
//! measurements and photos, approved (superseding the one before) and retired.

use super::super::access::Caller;
use super::*;
use crate::http::respond::created_or_ok;
use crate::service::golden_samples::{
    Approval, NewRevision, ReferenceValue, References, Retirement,
};

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
    let new = NewRevision {
        description: req.description,
        revalidation_due: req.revalidation_due,
    };
    new.check()?;
    let detail = db(&state, move |conn| {
        Ok(service::open_revision(conn, &caller.0, id, new)?)
    })
    .await?;
    let view = view::revision(&detail);
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
    let references = References {
        measured_by: req.measured_by,
        measurements: req
            .measurements
            .into_iter()
            .map(|m| ReferenceValue {
                characteristic_id: m.characteristic_id,
                value: m.value,
            })
            .collect(),
    };
    references.check()?;
    let detail = db(&state, move |conn| {
        Ok(service::record_references(
            conn, &caller.0, id, &letter, references,
        )?)
    })
    .await?;
    Ok(web::Json(view::revision(&detail)))
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
    let approval = Approval {
        approver: req.approver,
        comment: req.comment,
    };
    approval.check()?;
    let approved = db(&state, move |conn| {
        Ok(service::approve(conn, &caller.0, id, &letter, approval)?)
    })
    .await?;
    Ok(web::Json(ApprovalOutcome {
        revision: view::revision(&approved.revision),
        superseded_revision: approved.superseded_revision,
        lots_judged_against_older_revisions: approved
            .lots_judged_against_older_revisions
            .iter()
            .map(Into::into)
            .collect(),
    }))
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
    let retirement = Retirement {
        retired_by: req.retired_by,
        reason: req.reason,
    };
    retirement.check()?;
    let detail = db(&state, move |conn| {
        Ok(service::retire(conn, &caller.0, id, &letter, retirement)?)
    })
    .await?;
    Ok(web::Json(view::revision(&detail)))
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
    let photo = photos::process(&state, upload.bytes, upload.declared_type).await?;
    let (attached, created) = db(&state, move |conn| {
        Ok(service::attach_photo(
            conn, &caller.0, id, &letter, &view, &photo,
        )?)
    })
    .await?;
    let location = format!("/api/v1/photos/{}", attached.photo.id);
    Ok(created_or_ok(created, location, &view::photo(&attached)))
}

/// The view a golden-sample photo shows: required.
fn check_view(view: Option<&str>) -> Result<String, ApiError> {
    let view = view.ok_or_else(|| {
        ApiError::invalid_field(
            "view",
            "the form has no `view` part (front, back, top, ...)",
        )
    })?;
    photos::view_name(view)
}
