//! The route table: every route of lotgate in one place, and the OpenAPI document
//! collected from it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, web};
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_actix_web::{AppExt, UtoipaApp, scope};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::access::{RouteRoles, authenticate, open_to_bound_tokens, role_needed};
use super::error::ApiError;
use super::idempotency::IdempotentPosts;
use super::middleware::{log_request, problem_for_bare_errors};
use super::query_names::QueryNames;
use super::{
    AppState, audit, characteristics, charts, decisions, defect_codes, dispositions,
    golden_samples, health, inspection_plan, inspections, lots, metrics, ncrs, parts, photos,
    reconciliation, resubmissions, sampling, scorecard, source_policy, statistics,
    supplier_reconciliation, suppliers, switching, tokens, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "lotgate",
        description = "Quality inspection of manufactured lots: parts and their characteristics, \
            suppliers, lots and the inspections recorded against them. Errors are RFC 9457 \
            problem details (`application/problem+json`) that name the offending field.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    servers((url = "/", description = "The lotgate that serves this document: every path is \
        relative to the root of its host")),
    tags(
        (name = "parts", description = "Part numbers and their characteristics"),
        (name = "suppliers", description = "Suppliers and factories"),
        (name = "lots", description = "Lots of a part from a supplier"),
        (name = "inspections", description = "Inspections recorded unit by unit; append-only"),
        (name = "statistics", description = "Deviation statistics and process capability"),
        (name = "decisions", description = "Lot decisions under ISO 2859-1 plans or full inspection; immutable revisions"),
        (name = "switching", description = "ISO 2859-1 switching rules per supplier, part and characteristic"),
        (name = "sampling", description = "Stateless sampling calculators: plans, OC curves, plan design"),
        (name = "golden-samples", description = "Golden samples: the physical references of a part, \
            with revisions, approval, reference measurements, photos and a condition log"),
        (name = "defects", description = "Defect codes of a part and their Pareto ranking"),
        (name = "ncrs", description = "Nonconformance reports of lots not accepted or of units rejected individually"),
        (name = "photos", description = "Stored photos: originals, thumbnails and side-by-side comparison"),
        (name = "tokens", description = "API tokens of people and devices, with their roles"),
        (name = "webhooks", description = "Webhook endpoints notified of decisions, dispositions, \
            NCRs, inspections and golden-sample approvals; signed, retried, with a delivery log"),
        (name = "audit", description = "The hash-chained audit trail of every change"),
        (name = "health", description = "Liveness, readiness and metrics"),
    ),
    components(schemas(
        super::error::Problem, super::error::FieldError,
        crate::service::webhooks::events::LotDecided,
        crate::service::webhooks::events::LotDispositioned,
        crate::service::webhooks::events::NcrOpened,
        crate::service::webhooks::events::InspectionRecorded,
        crate::service::webhooks::events::GoldenSampleApproved,
    ), responses(
        super::error::responses::BadRequest, super::error::responses::Unprocessable,
        super::error::responses::NotFound, super::error::responses::Conflict,
        super::error::responses::PayloadTooLarge, super::error::responses::UnsupportedMediaType,
        super::error::responses::Unavailable, super::error::responses::Internal,
        super::error::responses::Unauthorized, super::error::responses::Forbidden,
        super::error::responses::TooManyRequests, super::error::responses::PreconditionRequired,
        super::error::responses::PreconditionFailed,
    ))
)]
struct ApiDoc;

/// Every route, registered so that the OpenAPI document collects it.
fn routed() -> UtoipaApp<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(metrics::get_metrics)
        .service(
            scope("/api/v1")
                .service(parts::create_part)
                .service(parts::list_parts)
                .service(parts::get_part)
                .service(parts::update_part)
                .service(characteristics::create_characteristic)
                .service(characteristics::get_characteristic)
                .service(characteristics::update_characteristic)
                .service(defect_codes::create_defect_code)
                .service(defect_codes::list_part_defect_codes)
                .service(defect_codes::update_defect_code)
                .service(defect_codes::get_defect_pareto)
                .service(suppliers::create_supplier)
                .service(suppliers::list_suppliers)
                .service(source_policy::get_supplier_source_policy)
                .service(source_policy::set_supplier_source_policy)
                .service(lots::create_lot)
                .service(lots::list_lots)
                .service(lots::get_lot)
                .service(lots::update_lot)
                .service(lots::cancel_lot)
                .service(inspection_plan::get_inspection_plan)
                .service(inspections::record_inspection)
                .service(inspections::list_lot_inspections)
                .service(inspections::import_inspection_csv)
                .service(inspections::export_lot_measurements)
                .service(inspections::get_inspection)
                .service(inspections::correct_inspection)
                .service(statistics::compute_capability)
                .service(statistics::get_lot_statistics)
                .service(statistics::get_characteristic_capability)
                .service(reconciliation::get_lot_reconciliation)
                .service(charts::get_lot_histogram)
                .service(charts::get_lot_control_chart)
                .service(charts::get_lot_oc_curve)
                .service(charts::get_capability_trend_chart)
                .service(decisions::decide_lot)
                .service(decisions::get_lot_decision)
                .service(resubmissions::resubmit_lot)
                .service(dispositions::dispose_lot)
                .service(dispositions::list_lot_dispositions)
                .service(dispositions::release_lot)
                .service(resubmissions::list_lot_resubmissions)
                .service(ncrs::open_ncr)
                .service(ncrs::list_ncrs)
                .service(ncrs::get_ncr)
                .service(ncrs::update_ncr)
                .service(ncrs::close_ncr)
                .service(switching::get_switching)
                .service(scorecard::get_supplier_scorecard)
                .service(charts::get_supplier_scorecard_chart)
                .service(supplier_reconciliation::get_supplier_reconciliation)
                .service(switching::set_switching_settings)
                .service(switching::resume_sampling)
                .service(sampling::get_iso2859_plan)
                .service(sampling::get_operating_characteristic)
                .service(sampling::design_sampling_plan)
                .service(photos::upload_inspection_photo)
                .service(golden_samples::create_golden_sample)
                .service(golden_samples::get_golden_sample)
                .service(golden_samples::update_golden_sample)
                .service(golden_samples::list_part_golden_samples)
                .service(golden_samples::record_golden_sample_condition)
                .service(golden_samples::create_golden_sample_revision)
                .service(golden_samples::record_reference_measurements)
                .service(golden_samples::approve_golden_sample_revision)
                .service(golden_samples::retire_golden_sample_revision)
                .service(golden_samples::upload_golden_sample_photo)
                .service(photos::get_photo)
                .service(photos::get_photo_thumbnail)
                .service(photos::compare_photos)
                .service(tokens::create_token)
                .service(tokens::list_tokens)
                .service(tokens::revoke_token)
                .service(webhooks::create_webhook)
                .service(webhooks::list_webhooks)
                .service(webhooks::get_webhook)
                .service(webhooks::update_webhook)
                .service(webhooks::list_webhook_deliveries)
                .service(webhooks::redeliver_webhook_delivery)
                .service(audit::list_audit_events),
        )
}

/// The OpenAPI 3.1 document of the API, as served at `/api-docs/openapi.json`.
pub fn openapi() -> OpenApiDoc {
    documented(routed().split_for_parts().1)
}

/// What the route table's annotations leave out: the Idempotency-Key header, the media
/// types of photo parts, binary downloads, optional bodies, the security of every
/// operation and the webhooks lotgate sends.
fn documented(api: OpenApiDoc) -> OpenApiDoc {
    let api = with_optional_bodies(with_binary_downloads(with_idempotency_key(api)));
    let api = with_list_examples(api);
    crate::webhooks::document::with_webhooks(with_security(with_photo_types(api)))
}

/// The whole application: routes, documentation, limits, logging and problem details.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = routed().split_for_parts();
    let api = documented(api);
    state.requests.describe(&api);
    let roles = RouteRoles::from_document(&api);
    let query_names = QueryNames::from_document(&api);
    let document = api.to_pretty_json().unwrap_or_default();
    let known = std::sync::Arc::new(KnownRoutes::from(&api));
    app.app_data(web::PayloadConfig::new(state.json_limit))
        .app_data(web::PathConfig::default().error_handler(|err, _| {
            ApiError::from_status(
                actix_web::http::StatusCode::NOT_FOUND,
                Some(format!("no such resource: {err}")),
            )
            .into()
        }))
        .app_data(web::Data::new(state))
        .app_data(web::Data::new(roles))
        .app_data(web::Data::new(query_names))
        .route(
            "/api-docs/openapi.json",
            web::get().to(move || {
                let document = document.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(document)
                }
            }),
        )
        // Swagger UI from the binary itself (the vendored assets): nothing is loaded from a
        // CDN, so the documentation works on a factory network without internet. It reads
        // the document served above rather than registering a second copy.
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from("/api-docs/openapi.json")))
        .configure(crate::web::routes)
        .default_service(web::to(move |req: actix_web::HttpRequest| {
            let known = known.clone();
            async move { known.refuse(&req) }
        }))
        .wrap(IdempotentPosts)
        .wrap(from_fn(super::query_names::refuse_unknown))
        .wrap(from_fn(super::deadline::body_deadline))
        .wrap(from_fn(authenticate))
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(log_request))
        .wrap(from_fn(metrics::record_request))
}

/// Declares the optional `Idempotency-Key` header on every POST operation.
fn with_idempotency_key(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for item in api.paths.paths.values_mut() {
        if let Some(post) = item.post.as_mut() {
            let header = ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Makes a retry harmless: a repeat with the same key gets the stored \
                     response; the same key while the first request is in flight is 409, \
                     with a different request 422. 1 to 255 visible ASCII characters.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255))
                        .pattern(Some("^[!-~]+$")),
                ))
                .build();
            post.parameters
                .get_or_insert_with(Vec::new)
                .push(header.into());
        }
    }
    api
}

/// Declares the media types a `photo` form part may have (the request-body macro cannot).
fn with_photo_types(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::encoding::EncodingBuilder;
    for item in api.paths.paths.values_mut() {
        let Some(utoipa::openapi::RefOr::T(body)) =
            item.post.as_mut().and_then(|op| op.request_body.as_mut())
        else {
            continue;
        };
        let Some(utoipa::openapi::RefOr::T(form)) = body.content.get_mut("multipart/form-data")
        else {
            continue;
        };
        let is_photo_form = matches!(&form.schema,
            Some(utoipa::openapi::RefOr::Ref(r)) if r.ref_location.ends_with("PhotoForm"));
        if is_photo_form {
            form.encoding.insert(
                "photo".into(),
                EncodingBuilder::new()
                    .content_type(Some("image/jpeg, image/png, image/webp"))
                    .build(),
            );
        }
    }
    api
}

/// An optional JSON body (`request_body = Option<T>`) is documented by the macro as a
/// required body of `oneOf [T, null]`: generated clients then send `null` or crash on a
/// missing body. Said the OpenAPI way instead: the body is `T`, and it is not required.
fn with_optional_bodies(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{RefOr, Required, Type};
    let is_null = |s: &RefOr<Schema>| {
        matches!(s, RefOr::T(Schema::Object(o))
            if o.schema_type == utoipa::openapi::schema::SchemaType::Type(Type::Null))
    };
    for item in api.paths.paths.values_mut() {
        let Some(RefOr::T(body)) = item.post.as_mut().and_then(|op| op.request_body.as_mut())
        else {
            continue;
        };
        let Some(RefOr::T(json)) = body.content.get_mut("application/json") else {
            continue;
        };
        let Some(RefOr::T(Schema::OneOf(one_of))) = json.schema.as_ref() else {
            continue;
        };
        if one_of.items.len() != 2 || !one_of.items.iter().any(is_null) {
            continue;
        }
        let inner = one_of.items.iter().find(|s| !is_null(s)).cloned();
        json.schema = inner;
        body.required = Some(Required::False);
    }
    api
}

/// A page (`Page_*`) or a plain list of items gets an example made of its item's: one
/// item, and no next page.
fn with_list_examples(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    use utoipa::openapi::{RefOr, Response};
    let Some(components) = api.components.as_mut() else {
        return api;
    };
    let example_of = |schemas: &std::collections::BTreeMap<String, RefOr<Schema>>,
                      items: &ArrayItems| {
        let ArrayItems::RefOrSchema(item) = items else {
            return None;
        };
        let RefOr::Ref(r) = item.as_ref() else {
            return None;
        };
        let name = r.ref_location.rsplit('/').next()?;
        match schemas.get(name)? {
            RefOr::T(Schema::Object(o)) => {
                o.example.clone().or_else(|| o.examples.first().cloned())
            }
            _ => None,
        }
    };
    let pages: Vec<String> = components
        .schemas
        .keys()
        .filter(|n| n.starts_with("Page_"))
        .cloned()
        .collect();
    for name in pages {
        let example = match components.schemas.get(&name) {
            Some(RefOr::T(Schema::Object(page))) => match page.properties.get("items") {
                Some(RefOr::T(Schema::Array(list))) => example_of(&components.schemas, &list.items),
                _ => None,
            },
            _ => None,
        };
        if let (Some(item), Some(RefOr::T(Schema::Object(page)))) =
            (example, components.schemas.get_mut(&name))
        {
            page.example = Some(serde_json::json!({"items": [item], "next_cursor": null}));
        }
    }
    let schemas = components.schemas.clone();
    for item in api.paths.paths.values_mut() {
        let Some(op) = item.get.as_mut() else {
            continue;
        };
        for response in op.responses.responses.values_mut() {
            let RefOr::T(Response { content, .. }) = response else {
                continue;
            };
            for media in content.values_mut() {
                let RefOr::T(media) = media else {
                    continue;
                };
                if media.example.is_some() {
                    continue;
                }
                if let Some(RefOr::T(Schema::Array(list))) = media.schema.as_ref() {
                    media.example =
                        example_of(&schemas, &list.items).map(|e| serde_json::json!([e]));
                }
            }
        }
    }
    api
}

/// Photos and comparisons are bytes: each image media type gets an OpenAPI 3.1 binary
/// schema (`contentMediaType`, no encoding), and `application/octet-stream` is offered
/// besides, for clients that read any binary body as bytes (the server labels the same
/// bytes so when that is all a request's `Accept` takes).
fn with_binary_downloads(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::{ContentBuilder, ObjectBuilder, RefOr, Type};
    let binary = |media: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type(media)
            .build()
    };
    for item in api.paths.paths.values_mut() {
        let Some(op) = item.get.as_mut() else {
            continue;
        };
        for response in op.responses.responses.values_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            let images: Vec<String> = response
                .content
                .keys()
                .filter(|m| m.starts_with("image/"))
                .cloned()
                .collect();
            if images.is_empty() {
                continue;
            }
            for media in images {
                response.content.insert(
                    media.clone(),
                    RefOr::T(ContentBuilder::new().schema(Some(binary(&media))).build()),
                );
            }
            let octets = ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Binary,
                )))
                .content_media_type("application/octet-stream")
                .build();
            response.content.insert(
                "application/octet-stream".into(),
                RefOr::T(ContentBuilder::new().schema(Some(octets)).build()),
            );
        }
    }
    api
}

/// Declares the bearer-token scheme, and on every `/api/` operation the role it needs
/// (OpenAPI 3.1 allows role names as the requirement's values for non-OAuth schemes) and
/// the 401, 403 and 429 answers.
fn with_security(mut api: OpenApiDoc) -> OpenApiDoc {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement};
    use utoipa::openapi::{Ref, RefOr};
    let scheme = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .description(Some(
            "An API token (`lgt_` and 64 hex digits) from `lotgate token create` or \
             `create_token`. Roles are ordered inspector < reviewer < admin; each operation \
             names the least role it needs. A token may be bound to one supplier \
             (`supplier_id` of `create_token`): it then sees and writes only that \
             supplier's data (another supplier's records are 404, lists are filtered), \
             never records in-house inspections, and is refused (403) by the operations \
             that say they are not open to bound tokens.",
        ))
        .build();
    api.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "bearer",
            utoipa::openapi::security::SecurityScheme::Http(scheme),
        );
    for (path, item) in api.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            // Health, readiness and metrics answer without a token: an empty list of
            // requirements says so (OpenAPI 3.1, 4.8.10.1).
            for op in [&mut item.get].into_iter().flatten() {
                op.security = Some(Vec::new());
            }
            continue;
        }
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let id = op.operation_id.clone().unwrap_or_default();
            let Some(role) = role_needed(&id) else {
                continue;
            };
            op.security = Some(vec![SecurityRequirement::new("bearer", [role.as_str()])]);
            let note = if open_to_bound_tokens(&id) {
                format!("Needs the `{role}` role.")
            } else {
                format!("Needs the `{role}` role and a token that is not bound to a supplier.")
            };
            op.description = Some(match op.description.take() {
                Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
                _ => note,
            });
            for (status, name) in [
                ("401", "Unauthorized"),
                ("403", "Forbidden"),
                ("429", "TooManyRequests"),
                ("500", "Internal"),
            ] {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            }
        }
    }
    api
}

/// The documented routes, to answer a known path with a wrong method by 405 and `Allow`
/// rather than 404.
struct KnownRoutes(Vec<(Vec<String>, Vec<&'static str>)>);

impl From<&OpenApiDoc> for KnownRoutes {
    fn from(api: &OpenApiDoc) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allowed = methods
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(m, _)| *m)
                    .collect();
                (path.split('/').map(str::to_owned).collect(), allowed)
            })
            .collect();
        KnownRoutes(routes)
    }
}

impl KnownRoutes {
    /// 405 with the allowed methods when the path exists, else 404.
    fn refuse(&self, req: &actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
        let segments: Vec<&str> = req.path().split('/').collect();
        let matches = |template: &Vec<String>| {
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') && !s.is_empty() || t == s)
        };
        let Some((_, allowed)) = self.0.iter().find(|(template, _)| matches(template)) else {
            return Err(ApiError::from_status(
                actix_web::http::StatusCode::NOT_FOUND,
                Some("no such route".into()),
            ));
        };
        let allow = allowed.join(", ");
        let problem = ApiError::from_status(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            Some(format!("{} is not allowed here; use {allow}", req.method())),
        );
        let mut res = actix_web::ResponseError::error_response(&problem);
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
            res.headers_mut()
                .insert(actix_web::http::header::ALLOW, value);
        }
        Ok(res)
    }
}
