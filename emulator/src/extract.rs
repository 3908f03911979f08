//! [`JsonBody`]: the control API's JSON extractor. A body that is not the expected JSON is a
//! `400 {"error":"invalid_json","message":…}` naming the problem (serde's message: the field,
//! the expected type, the position), never axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body; an empty body reads as `{}`.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_control("invalid_json", e.body_text()))?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text).map(JsonBody).map_err(|e| {
            ApiError::bad_control(
                "invalid_json",
                format!("The body is not the expected JSON: {e}."),
            )
        })
    }
}
