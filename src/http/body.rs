//! A large response body that actix sends without copying it whole.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;

/// Slices handed to actix at a time: its HTTP/1 writer copies each item it is given
/// into its write buffer (32 KiB by default) before sending, so a document given as
/// one item would be held twice; in slices, the buffer stays near its default size.
const SLICE: usize = 64 * 1024;

/// A finished document (its length known, so it keeps its `Content-Length`) given to
/// actix one slice at a time. The slices share the document's allocation.
pub struct Slices(Bytes);

impl Slices {
    pub fn new(document: impl Into<Bytes>) -> Self {
        Slices(document.into())
    }
}

impl MessageBody for Slices {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.0.len() as u64)
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let rest = &mut self.get_mut().0;
        if rest.is_empty() {
            return Poll::Ready(None);
        }
        let slice = rest.split_to(SLICE.min(rest.len()));
        Poll::Ready(Some(Ok(slice)))
    }
}
