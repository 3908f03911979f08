//! `GET /sso/jwks/{client_id}`: the public signing keys.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::common::{client, with_client};
use crate::error::ApiError;
use crate::state::AppState;

/// The handler.
pub async fn jwks(State(state): State<AppState>, Path(client_id): Path<String>) -> Response {
    if client(&state, &client_id).is_none() {
        return ApiError::Message {
            status: StatusCode::NOT_FOUND,
            message: "Client not found.".into(),
        }
        .into_response();
    }
    let mut resp = Json(state.jwks()).into_response();
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    with_client(resp, Some(&client_id))
}
