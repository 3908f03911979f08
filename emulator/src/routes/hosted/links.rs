//! The links in emails, which a browser opens without the app having started a sign-in: a
//! password reset (`/hosted/reset-password?token=…`) and an invitation
//! (`/hosted/invite?invitation_token=…`). Both go through the app's sign-in endpoint, which
//! starts a fresh PKCE sign-in; the reset's token travels in an HttpOnly cookie (the sign-in
//! endpoint forwards no such parameter), the invitation's as `invitation_token`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::restart_at_app;
use crate::cookies;
use crate::error::ApiError;
use crate::routes::common::{client, redirect, sign_in_endpoint_for, with_query};
use crate::state::AppState;
use crate::world::InvitationState;

/// The HttpOnly cookie that carries a reset link's token to the next authorize.
pub const RESET_COOKIE: &str = "authkit-emulator-reset";

/// `GET /hosted/reset-password?token=…`: to the app's sign-in endpoint (with `login_hint`),
/// the token in [`RESET_COOKIE`]; the next authorize of that app opens the new-password page.
pub async fn reset_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let now = state.clock().now_secs();
    let token = q.get("token").cloned().unwrap_or_default();
    let Some((reset, email)) = state.with_world(|w| w.password_reset(&token, now)) else {
        return Err(ApiError::page(
            StatusCode::GONE,
            "password-reset-link-expired",
            "This password reset link has expired or was already used. Go back to the app \
             and use \u{201c}Forgot password?\u{201d} again.",
        ));
    };
    let target = client(&state, &reset.client_id).and_then(|c| sign_in_endpoint_for(&c, &headers));
    let Some(target) = target else {
        return Err(ApiError::page(
            StatusCode::BAD_REQUEST,
            "sign-in-endpoint-not-configured",
            "The application has no sign-in endpoint, so the password reset cannot continue \
             there. Configure one (sign_in_endpoint) and open the link again.",
        ));
    };
    let mut r = redirect(&with_query(
        target.as_str(),
        &[("login_hint", Some(&email))],
    ));
    let max_age = (reset.created_at + crate::world::RESET_TTL_SECS - now).max(0);
    cookies::set(
        r.headers_mut(),
        &headers,
        RESET_COOKIE,
        &token,
        max_age,
        true,
    );
    Ok(r)
}

/// `GET /hosted/invite?invitation_token=…`: a pending invitation goes to the app's sign-in
/// endpoint with `invitation_token` (and `login_hint`); any other gets a page saying why.
pub async fn invitation_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let now = state.clock().now_secs();
    let token = q.get("invitation_token").cloned().unwrap_or_default();
    let found = state.with_world(|w| w.pending_invitation(&token, now).map(|i| i.email.clone()));
    match found {
        Ok(email) => {
            let mut restart = q.clone();
            restart.insert("login_hint".into(), email);
            Ok(restart_at_app(&state, &headers, &restart))
        }
        Err(why) => Err(ApiError::page(
            StatusCode::GONE,
            match why {
                InvitationState::Accepted => "invitation-accepted",
                InvitationState::Revoked => "invitation-revoked",
                InvitationState::Expired => "invitation-expired",
                _ => "invitation-invalid",
            },
            why.to_string(),
        )),
    }
}
