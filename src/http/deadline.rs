//! A deadline for the request body. actix's `client_request_timeout` bounds only the
//! request head; a client that sends its body a byte now and then would hold a worker's
//! request, a connection and its buffers for ever. The body must arrive in full within
//! the request timeout (`--request-timeout`), counted from when the request started;
//! otherwise the answer is 408 and nothing is stored.

use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::Stream;

use super::AppState;
use super::error::ApiError;

/// Puts the deadline on the body, and answers 408 when it passed before the body ended.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.body_timeout);
    let Some(limit) = limit else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let expired = Rc::new(Cell::new(false));
    let payload = Deadline {
        inner: req.take_payload(),
        timer: Box::pin(sleep(limit)),
        expired: expired.clone(),
        limit,
    };
    req.set_payload(Payload::from(
        Box::pin(payload) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
    ));
    let res = next.call(req).await?;
    if expired.get() {
        let (req, _) = res.into_parts();
        let problem = ApiError::from_status(
            StatusCode::REQUEST_TIMEOUT,
            Some(format!(
                "the request body did not arrive within {} s; nothing was stored, send it again",
                limit.as_secs_f64()
            )),
        );
        return Ok(ServiceResponse::new(req, problem.error_response()));
    }
    Ok(res.map_into_boxed_body())
}

/// The body, cut off with an error once the timer fires.
struct Deadline {
    inner: Payload,
    timer: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
    limit: Duration,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            this.expired.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the body did not arrive within {:?}", this.limit),
            )))));
        }
        Poll::Pending
    }
}
