//! `GET /user_management/sessions/logout?session_id=&return_to=`: ends the session, clears the
//! cookies, and redirects only to an allowed sign-out redirect (else the default one).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::common::{default_sign_out, redirect, with_client};
use crate::cookies;
use crate::state::AppState;

/// The handler.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(session_id) = q.get("session_id").filter(|s| !s.is_empty()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({
                "code": "invalid_request_parameters",
                "message": "session_id is required.",
            })),
        )
            .into_response();
    };
    let now_ms = state.clock.now_ms();
    let client_id = {
        let mut w = state.world();
        let client_id = w.sessions.get(session_id).map(|s| s.client_id.clone());
        w.end_session(session_id, "logout", now_ms);
        client_id
    };
    let client = client_id
        .as_deref()
        .and_then(|c| state.client(c))
        .or(state.clients.first());
    let return_to = q.get("return_to").filter(|r| !r.is_empty());
    let target = match (client, return_to) {
        (Some(c), Some(r)) if c.sign_out_redirects.iter().any(|p| p.matches(r)) => Some(r.clone()),
        (Some(c), _) => default_sign_out(c, &headers),
        (None, _) => None,
    }
    .unwrap_or_else(|| "/_emulator/error/app-homepage-url-not-found".to_string());
    let mut resp = redirect(&target);
    for c in &state.clients {
        let has_cookie = cookies::get(&headers, &cookies::refresh_cookie_name(&c.id)).is_some();
        if Some(c.id.as_str()) == client_id.as_deref() || has_cookie {
            cookies::clear_session(resp.headers_mut(), &headers, &c.id);
        }
    }
    with_client(resp, client_id.as_deref())
}
