//! `POST /user_management/authenticate`: the `authorization_code` (PKCE) and `refresh_token`
//! grants, JSON or form-encoded, with WorkOS's response and error shapes (reference §3).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::common::{issuer_base_with, oauth_error, with_client};
use super::issue::create_session;
use crate::cookies;
use crate::ids;
use crate::model::{OrgPolicy, Session};
use crate::params;
use crate::settings::GraceMode;
use crate::state::{AppState, World};
use crate::tokens::{access_claims, auth_body, MintContext};

/// Error text for a replayed refresh token.
pub const ALREADY_EXCHANGED: &str = "Refresh token already exchanged.";
/// Error text for an unknown refresh token.
pub const INVALID_REFRESH: &str = "Invalid refresh token.";
/// Error text when no refresh token was sent.
pub const MISSING_REFRESH: &str = "Missing refresh token.";
/// Error text for an ended session.
pub const SESSION_ENDED: &str = "Session has already ended.";

struct Ctx<'a> {
    state: &'a AppState,
    headers: &'a HeaderMap,
    p: HashMap<String, String>,
}

impl Ctx<'_> {
    fn get(&self, k: &str) -> Option<&str> {
        self.p.get(k).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Whether the request comes from an allowed origin of `client_id` (cookie mode).
    fn cookie_origin(&self, client_id: &str) -> bool {
        let origin = self.headers.get("origin").and_then(|v| v.to_str().ok());
        match (origin, self.state.client(client_id)) {
            (Some(o), Some(c)) => c.allows_origin(o),
            _ => false,
        }
    }
}

/// The handler.
pub async fn authenticate(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = match params::parse(&headers, &body) {
        Ok(p) => p,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e.to_string()),
    };
    let ctx = Ctx {
        state: &state,
        headers: &headers,
        p,
    };
    let client_id = ctx.get("client_id").map(str::to_string);
    let resp = handle(&ctx);
    with_client(resp, client_id.as_deref())
}

fn handle(ctx: &Ctx<'_>) -> Response {
    let Some(grant) = ctx.get("grant_type") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        );
    };
    let Some(client_id) = ctx.get("client_id") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: client_id",
        );
    };
    if ctx.state.client(client_id).is_none() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Invalid client ID.",
        );
    }
    match grant {
        "authorization_code" => code_grant(ctx, client_id),
        "refresh_token" => refresh_grant(ctx, client_id),
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unsupported grant_type: {other}"),
        ),
    }
}

fn mint(ctx: &Ctx<'_>, w: &World, session: &Session) -> String {
    let ttl = w.settings.access_token_ttl_secs;
    let claims = access_claims(
        w,
        session,
        MintContext {
            issuer_base: &issuer_base_with(w.settings.issuer_base.as_deref(), ctx.headers),
            now: ctx.state.clock.now_secs(),
            ttl,
            audience: w.settings.audience.as_deref(),
        },
    );
    let keys = ctx.state.keys.read().unwrap_or_else(|p| p.into_inner());
    keys.active()
        .map(|k| k.sign_jwt(&claims))
        .unwrap_or_default()
}

/// Build the 200 response (with cookies in cookie mode).
fn success(ctx: &Ctx<'_>, w: &World, session: &Session, refresh: &str) -> Response {
    let Some(user) = w.users.get(&session.user_id) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", SESSION_ENDED);
    };
    let access = mint(ctx, w, session);
    let mut resp = Json(auth_body(user, session, &access, refresh)).into_response();
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    if w.settings.cookie_mode && ctx.cookie_origin(&session.client_id) {
        let max_age = (session.expires_at - ctx.state.clock.now_secs()).max(0);
        cookies::set_session(
            resp.headers_mut(),
            ctx.headers,
            &session.client_id,
            refresh,
            max_age,
        );
    }
    resp
}

fn code_grant(ctx: &Ctx<'_>, client_id: &str) -> Response {
    let Some(code) = ctx.get("code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: code",
        );
    };
    let now_ms = ctx.state.clock.now_ms();
    let mut w = ctx.state.world();
    let ttl = w.settings.code_ttl_secs;
    let invalid = || {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code has expired or is invalid.",
        )
    };
    let Some(rec) = w.codes.get(code).cloned() else {
        return invalid();
    };
    let age = now_ms / 1000 - rec.created_at;
    if age >= ttl {
        w.codes.remove(code);
        return invalid();
    }
    if rec.grant.client_id != client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "The authorization code was issued to another client.",
        );
    }
    match (&rec.grant.code_challenge, ctx.get("code_verifier")) {
        (Some(_), None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing required parameter: code_verifier",
            )
        }
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if &computed != challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The code_verifier does not match the code_challenge.",
                );
            }
        }
        (None, Some(_)) => return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({
                "code": "code_challenge_not_found",
                "message": "A code_verifier was sent for a code issued without a code_challenge.",
            })),
        )
            .into_response(),
        (None, None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "This code was issued without PKCE; public clients must use a code_challenge.",
            )
        }
    }
    w.codes.remove(code);
    let lifetime = w.settings.session_lifetime_secs;
    let session = create_session(&mut w, &rec, now_ms, lifetime);
    let refresh = w.issue_refresh(&session.id, client_id, now_ms / 1000);
    success(ctx, &w, &session, &refresh)
}

fn refresh_grant(ctx: &Ctx<'_>, client_id: &str) -> Response {
    let mut w = ctx.state.world();
    let cookie_token = if w.settings.third_party_cookies_blocked {
        None
    } else {
        cookies::get(ctx.headers, &cookies::refresh_cookie_name(client_id))
            .filter(|t| !t.is_empty())
    };
    let from_cookie = ctx.get("refresh_token").is_none() && cookie_token.is_some();
    let Some(token) = ctx
        .get("refresh_token")
        .map(str::to_string)
        .or(cookie_token)
    else {
        return terminal(ctx, client_id, "invalid_request", MISSING_REFRESH, false);
    };
    let now = ctx.state.clock.now_secs();
    let hash = ids::digest(&token);
    let Some(rec) = w.refresh.get(&hash).cloned() else {
        return terminal(
            ctx,
            client_id,
            "invalid_grant",
            INVALID_REFRESH,
            from_cookie,
        );
    };
    if rec.client_id != client_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "The refresh token was issued to another client.",
        );
    }
    let inactivity = w.settings.inactivity_timeout_secs;
    let Some(mut session) = w
        .sessions
        .get(&rec.session_id)
        .cloned()
        .filter(|s| s.is_live(now, inactivity))
    else {
        if let Some(s) = w.sessions.get(&rec.session_id).cloned() {
            if s.ended_at.is_none() {
                w.end_session(&s.id, "expired", ctx.state.clock.now_ms());
            }
        }
        return terminal(ctx, client_id, "invalid_grant", SESSION_ENDED, from_cookie);
    };

    if let Some(exchanged_at) = rec.exchanged_at {
        let grace = w.settings.refresh_grace_secs;
        let successor = w.successors.get(&hash).cloned();
        if grace > 0 && now <= exchanged_at + grace {
            if let (GraceMode::SameSuccessor, Some(next)) =
                (w.settings.refresh_grace_mode, successor)
            {
                return success(ctx, &w, &session, &next);
            }
            let mut r = oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Could not process refresh token. Please retry.",
            );
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            return r;
        }
        return terminal(
            ctx,
            client_id,
            "invalid_grant",
            ALREADY_EXCHANGED,
            from_cookie,
        );
    }

    if let Some(org_id) = ctx.get("organization_id") {
        if !w.orgs.contains_key(org_id) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "organization_not_found",
                "The organization was not found.",
            );
        }
        if w.membership(&session.user_id, org_id).is_none() {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "organization_membership_not_found",
                "The user is not a member of the organization.",
            );
        }
        let switching = session.organization_id.as_deref() != Some(org_id);
        let policy = w.orgs.get(org_id).and_then(|o| o.requires);
        if let (true, Some(policy)) = (switching, policy) {
            let email = w.users.get(&session.user_id).map(|u| u.email.clone());
            let body = match policy {
                OrgPolicy::Sso => serde_json::json!({
                    "error": "sso_required",
                    "error_description": "The organization requires SSO. Sign in again through authorize with organization_id.",
                    "connection_ids": [format!("conn_{}", org_id.trim_start_matches("org_"))],
                    "email": email,
                }),
                OrgPolicy::Mfa => serde_json::json!({
                    "error": "mfa_enrollment",
                    "error_description": "The organization requires MFA. Sign in again through authorize with organization_id.",
                    "email": email,
                }),
            };
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
        session.organization_id = Some(org_id.to_string());
    }
    session.last_active_at = now;
    w.save_session(session.clone());
    let mut old = rec;
    old.exchanged_at = Some(now);
    w.save_refresh(old);
    let next = w.issue_refresh(&session.id, client_id, now);
    w.successors.insert(hash, next.clone());
    success(ctx, &w, &session, &next)
}

/// A terminal refresh failure: the error, plus clearing the cookies when they were in play.
fn terminal(
    ctx: &Ctx<'_>,
    client_id: &str,
    error: &str,
    description: &str,
    from_cookie: bool,
) -> Response {
    let mut r = oauth_error(StatusCode::BAD_REQUEST, error, description);
    let had_cookie = from_cookie
        || cookies::get(ctx.headers, &cookies::refresh_cookie_name(client_id)).is_some()
        || cookies::get(ctx.headers, cookies::HAS_SESSION).is_some();
    if had_cookie && ctx.cookie_origin(client_id) {
        cookies::clear_session(r.headers_mut(), ctx.headers, client_id);
    }
    r
}
