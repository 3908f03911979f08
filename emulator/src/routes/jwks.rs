//! `GET /sso/jwks/{client_id}`: the public signing keys.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::common::with_client;
use crate::state::AppState;

/// The handler.
pub async fn jwks(State(state): State<AppState>, Path(client_id): Path<String>) -> Response {
    if state.client(&client_id).is_none() {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "message": "Client not found." })),
        )
            .into_response();
    }
    let body = state.keys.read().unwrap_or_else(|p| p.into_inner()).jwks();
    let mut resp = Json(body).into_response();
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    with_client(resp, Some(&client_id))
}
