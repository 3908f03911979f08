//! Reading request bodies: at most [`MAX_BODY_BYTES`], within the read timeout. A body over
//! the limit gets `413` (after the rest is read and dropped, so the client sees the answer
//! rather than a reset connection); one that stalls gets `408`.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use futures_util::StreamExt;

use crate::error::ApiError;

/// The largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How much of an over-long body is read (and dropped) before the answer; beyond this the
/// connection is simply closed.
const DRAIN_BYTES: usize = 16 << 20;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// Over [`MAX_BODY_BYTES`].
    #[error("The request body is larger than {MAX_BODY_BYTES} bytes.")]
    TooLarge,
    /// Not complete within the read timeout.
    #[error("The request body did not arrive within {0} s.")]
    TimedOut(u64),
    /// The connection failed while reading.
    #[error("The request body could not be read.")]
    Unreadable,
}

impl From<BodyError> for ApiError {
    fn from(e: BodyError) -> Self {
        let (status, error) = match e {
            BodyError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "request_too_large"),
            BodyError::TimedOut(_) => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            BodyError::Unreadable => (StatusCode::BAD_REQUEST, "request_unreadable"),
        };
        ApiError::control(status, error, e.to_string())
    }
}

/// Read the whole body.
pub async fn read(headers: &HeaderMap, body: Body, timeout: Duration) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut stream = body.into_data_stream();
    let read_all = async {
        let mut out = Vec::new();
        let mut seen = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
            seen += chunk.len();
            if seen > DRAIN_BYTES {
                return Err(BodyError::TooLarge);
            }
            if seen <= MAX_BODY_BYTES {
                out.extend_from_slice(&chunk);
            }
        }
        if seen > MAX_BODY_BYTES {
            Err(BodyError::TooLarge)
        } else {
            Ok(Bytes::from(out))
        }
    };
    if declared.is_some_and(|n| n > DRAIN_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(timeout, read_all).await {
        Ok(result) => result,
        Err(_) if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::TimedOut(timeout.as_secs())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_at_the_limit_passes_one_byte_more_does_not() {
        let t = Duration::from_secs(5);
        let ok = read(&HeaderMap::new(), Body::from(vec![b'x'; MAX_BODY_BYTES]), t).await;
        assert_eq!(ok.unwrap().len(), MAX_BODY_BYTES);
        let big = read(
            &HeaderMap::new(),
            Body::from(vec![b'x'; MAX_BODY_BYTES + 1]),
            t,
        )
        .await;
        assert_eq!(big, Err(BodyError::TooLarge));
    }
}
