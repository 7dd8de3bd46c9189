//! Liveness and readiness, outside `/api/v1`.

use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, responses};
use super::{AppState, db};

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok` when healthy.
    pub status: String,
}

/// Is the process alive.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Is the database reachable.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    db(&state, |conn| {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map_err(ApiError::unavailable)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
    }))
}
