//! `GET /user_management/sessions/logout?session_id=&return_to=`: ends the session, clears the
//! cookies, and redirects only to an allowed sign-out redirect (else the default one).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::common::{client_or_first, default_sign_out, redirect, with_client};
use crate::cookies;
use crate::error::ApiError;
use crate::state::AppState;

/// The handler.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let Some(session_id) = q.get("session_id").filter(|s| !s.is_empty()) else {
        return Err(ApiError::Coded {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_request_parameters",
            message: "session_id is required.".into(),
        });
    };
    let now_ms = state.clock().now_ms();
    let (client_id, all_clients, scope) = state
        .with_world(|w| {
            let client_id = w.session(session_id).map(|s| s.client_id.clone());
            w.end_session(session_id, "logout", now_ms)?;
            let all: Vec<String> = w.clients().iter().map(|c| c.id.clone()).collect();
            let scope = cookies::Scope::of(w.settings());
            Ok::<_, crate::store::StoreError>((client_id, all, scope))
        })
        .map_err(|e| ApiError::page_storage("the sign-out", &e))?;
    let client = client_or_first(&state, client_id.as_deref());
    let return_to = q.get("return_to").filter(|r| !r.is_empty());
    let target = match (client, return_to) {
        (Some(c), Some(r)) if c.sign_out_redirects.iter().any(|p| p.matches(r)) => Some(r.clone()),
        (Some(c), _) => default_sign_out(&c, &headers),
        (None, _) => None,
    }
    .unwrap_or_else(|| "/_emulator/error/app-homepage-url-not-found".to_string());
    let mut resp = redirect(&target);
    for id in &all_clients {
        let has_cookie = cookies::get(&headers, &cookies::refresh_cookie_name(id)).is_some();
        if Some(id.as_str()) == client_id.as_deref() || has_cookie {
            cookies::clear_session(resp.headers_mut(), &headers, &scope, id);
        }
    }
    Ok(with_client(resp, client_id.as_deref()))
}
