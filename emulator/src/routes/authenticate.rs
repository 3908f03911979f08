//! `POST /user_management/authenticate`: the `authorization_code` (PKCE) and `refresh_token`
//! grants, JSON or form-encoded, with WorkOS's response and error shapes (reference §3).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::common::{client, issuer_base_with, with_client};
use crate::cookies;
use crate::error::ApiError;
use crate::params;
use crate::state::AppState;
use crate::tokens::{access_claims, auth_body, MintContext};
use crate::world::{CodeRedemption, Issued, RefreshRequest, World};

struct Ctx<'a> {
    state: &'a AppState,
    headers: &'a HeaderMap,
    p: HashMap<String, String>,
}

impl Ctx<'_> {
    fn get(&self, k: &str) -> Option<&str> {
        self.p.get(k).map(String::as_str).filter(|v| !v.is_empty())
    }

    fn origin(&self) -> Option<&str> {
        self.headers.get("origin").and_then(|v| v.to_str().ok())
    }

    /// Whether the request comes from an allowed origin of `client_id` (cookie mode).
    fn cookie_origin(&self, client_id: &str) -> bool {
        match (self.origin(), client(self.state, client_id)) {
            (Some(o), Some(c)) => c.allows_origin(o),
            _ => false,
        }
    }

    /// The refresh cookie, when it may be used: not with `third_party_cookies_blocked`, and
    /// not from a page of a foreign origin (a cross-site form post must not rotate it).
    fn refresh_cookie(&self, client_id: &str) -> Option<String> {
        let blocked = self
            .state
            .with_world(|w| w.settings().third_party_cookies_blocked);
        if blocked || (self.origin().is_some() && !self.cookie_origin(client_id)) {
            return None;
        }
        cookies::get(self.headers, &cookies::refresh_cookie_name(client_id))
            .filter(|t| !t.is_empty())
    }

    /// Whether the browser had the session cookies (so a terminal failure clears them).
    fn had_session_cookies(&self, client_id: &str) -> bool {
        cookies::get(self.headers, &cookies::refresh_cookie_name(client_id)).is_some()
            || cookies::get(self.headers, cookies::HAS_SESSION).is_some()
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
        Err(e) => return ApiError::invalid_request(e.to_string()).into_response(),
    };
    let ctx = Ctx {
        state: &state,
        headers: &headers,
        p,
    };
    let client_id = ctx.get("client_id").map(str::to_string);
    let resp = match handle(&ctx) {
        Ok(r) => r,
        Err(e) => failure(&ctx, e, client_id.as_deref()),
    };
    with_client(resp, client_id.as_deref())
}

/// An error answer; a terminal refresh failure also clears the session cookies of a browser
/// that had them.
fn failure(ctx: &Ctx<'_>, e: ApiError, client_id: Option<&str>) -> Response {
    let clear = e.ends_session()
        && client_id.is_some_and(|c| ctx.had_session_cookies(c) && ctx.cookie_origin(c));
    let mut r = e.into_response();
    if let (true, Some(c)) = (clear, client_id) {
        let scope = ctx.state.with_world(|w| cookies::Scope::of(w.settings()));
        cookies::clear_session(r.headers_mut(), ctx.headers, &scope, c);
    }
    r
}

fn handle(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let Some(grant) = ctx.get("grant_type") else {
        return Err(ApiError::invalid_request(
            "Missing required parameter: grant_type",
        ));
    };
    let Some(client_id) = ctx.get("client_id") else {
        return Err(ApiError::invalid_request(
            "Missing required parameter: client_id",
        ));
    };
    if client(ctx.state, client_id).is_none() {
        return Err(ApiError::invalid_client("Invalid client ID."));
    }
    let now_ms = ctx.state.clock().now_ms();
    match grant {
        "authorization_code" => {
            let Some(code) = ctx.get("code") else {
                return Err(ApiError::invalid_request(
                    "Missing required parameter: code",
                ));
            };
            issue(ctx, |w| {
                w.redeem_code(CodeRedemption {
                    client_id,
                    code,
                    code_verifier: ctx.get("code_verifier"),
                    now_ms,
                })
            })
        }
        "refresh_token" => {
            let token = match ctx.get("refresh_token") {
                Some(t) => t.to_string(),
                None => ctx
                    .refresh_cookie(client_id)
                    .ok_or_else(ApiError::missing_refresh)?,
            };
            issue(ctx, |w| {
                w.refresh(RefreshRequest {
                    client_id,
                    token: &token,
                    organization_id: ctx.get("organization_id"),
                    now_ms,
                })
            })
        }
        other => Err(ApiError::invalid_request(format!(
            "Unsupported grant_type: {other}"
        ))),
    }
}

/// Run an exchange in the world, mint the access token, and build the 200 (with the cookies
/// in cookie mode).
fn issue(
    ctx: &Ctx<'_>,
    exchange: impl FnOnce(&mut World) -> Result<Issued, ApiError>,
) -> Result<Response, ApiError> {
    let now = ctx.state.clock().now_secs();
    let (issued, claims, cookie_scope) = ctx.state.with_world(|w| {
        let issued = exchange(w)?;
        let s = w.settings();
        let issuer_base = issuer_base_with(s.issuer_base.as_deref(), ctx.headers);
        let mint = MintContext {
            issuer_base: &issuer_base,
            now,
            ttl: s.access_token_ttl_secs,
            audience: s.audience.as_deref(),
        };
        let claims = access_claims(w, &issued.session, mint);
        let cookie_scope = s.cookie_mode.then(|| cookies::Scope::of(s));
        Ok::<_, ApiError>((issued, claims, cookie_scope))
    })?;
    let access = ctx.state.sign_jwt(&claims);
    let session = &issued.session;
    let mut resp = Json(auth_body(
        &issued.user,
        session,
        &access,
        &issued.refresh_token,
    ))
    .into_response();
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    if let Some(scope) = cookie_scope.filter(|_| ctx.cookie_origin(&session.client_id)) {
        cookies::set_session(
            resp.headers_mut(),
            ctx.headers,
            &scope,
            &session.client_id,
            &issued.refresh_token,
            (session.expires_at - now).max(0),
        );
    }
    Ok(resp)
}
