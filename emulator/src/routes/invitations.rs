//! Invitations through the control API: `POST /_emulator/invitations` (which emails the
//! invitee), `GET /_emulator/invitations`, `POST /_emulator/invitations/{id}/revoke`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::common::own_base;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::world::InvitationRequest;

type Answer = Result<Json<Value>, ApiError>;

/// `POST /_emulator/invitations`: the WorkOS `invitation` object (with `token` and
/// `accept_invitation_url`).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<InvitationRequest>,
) -> Answer {
    let now_ms = state.clock().now_ms();
    let base = own_base(&headers);
    let inv = state.with_world(|w| w.create_invitation(req, &base, now_ms))?;
    Ok(Json(inv.to_json(now_ms.div_euclid(1000))))
}

/// `GET /_emulator/invitations`: every invitation, oldest first.
pub async fn list(State(state): State<AppState>) -> Answer {
    let now = state.clock().now_secs();
    Ok(Json(state.with_world(|w| {
        json!(w
            .invitations()
            .iter()
            .map(|i| i.to_json(now))
            .collect::<Vec<_>>())
    })))
}

/// `POST /_emulator/invitations/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Answer {
    let now_ms = state.clock().now_ms();
    let inv = state.with_world(|w| w.revoke_invitation(&id, now_ms))?;
    Ok(Json(inv.to_json(now_ms.div_euclid(1000))))
}
