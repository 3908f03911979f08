//! The control API for tests (`/_emulator/…`, JSON): reset, faults, clock, config, request
//! log, sessions, key rotation, codes, impersonation, runtime changes to memberships,
//! organizations and clients, and stats. Who may call it: [`crate::middleware::control_guard`].

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::authorize::IMPERSONATION_COOKIE;
use super::common::{client, own_base, redirect, sign_in_endpoint_for};
use crate::clock::rfc3339_ms;
use crate::cookies;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::faults::FaultSpec;
use crate::html;
use crate::ids;
use crate::model::CodeGrant;
use crate::settings::SettingsPatch;
use crate::state::AppState;
use crate::world::{ClientChange, ImpersonationRequest, MembershipChange, OrganizationChange};

type Answer = Result<Json<Value>, ApiError>;

/// `POST /_emulator/reset`.
pub async fn reset(State(state): State<AppState>) -> Answer {
    state.reset().map_err(|e| {
        ApiError::control(
            StatusCode::INTERNAL_SERVER_ERROR,
            "reset_failed",
            e.to_string(),
        )
    })?;
    Ok(Json(json!({ "ok": true })))
}

/// `POST /_emulator/faults`.
pub async fn add_fault(
    State(state): State<AppState>,
    JsonBody(spec): JsonBody<FaultSpec>,
) -> Answer {
    let id = ids::prefixed("fault", state.clock().now_ms() as u64);
    state
        .with_world(|w| w.add_fault(id.clone(), spec))
        .map_err(|e| ApiError::bad_control("invalid_fault", e.to_string()))?;
    Ok(Json(json!({ "id": id })))
}

/// `GET /_emulator/faults`.
pub async fn list_faults(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| json!(w.faults()))))
}

/// `DELETE /_emulator/faults`.
pub async fn clear_faults(State(state): State<AppState>) -> Answer {
    state.with_world(|w| w.clear_faults());
    Ok(Json(json!({ "ok": true })))
}

/// Body of `POST /_emulator/clock`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    /// Add to the offset (after `offset_secs`, when both are given).
    pub advance_secs: Option<i64>,
    /// Replace the offset.
    pub offset_secs: Option<i64>,
}

fn clock_json(state: &AppState) -> Value {
    json!({ "offset_secs": state.clock().offset_secs(), "now": state.clock().now_secs() })
}

/// `GET /_emulator/clock`.
pub async fn get_clock(State(state): State<AppState>) -> Answer {
    Ok(Json(clock_json(&state)))
}

/// `POST /_emulator/clock`: all or nothing.
pub async fn set_clock(State(state): State<AppState>, JsonBody(b): JsonBody<ClockBody>) -> Answer {
    let clock = state.clock();
    let refused =
        |e: crate::clock::ClockError| ApiError::bad_control("invalid_clock", e.to_string());
    match (b.offset_secs, b.advance_secs) {
        (None, None) => {
            return Err(ApiError::bad_control(
                "nothing_to_change",
                "Give offset_secs or advance_secs.",
            ))
        }
        (None, Some(a)) => clock.advance(a).map_err(refused)?,
        (Some(o), advance) => {
            let target = o.checked_add(advance.unwrap_or(0)).unwrap_or(i64::MAX);
            clock.set_offset(target).map_err(refused)?
        }
    };
    Ok(Json(clock_json(&state)))
}

/// `GET /_emulator/config`.
pub async fn get_config(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| json!(w.settings()))))
}

/// `POST /_emulator/config`: a partial update, all or nothing.
pub async fn set_config(
    State(state): State<AppState>,
    JsonBody(p): JsonBody<SettingsPatch>,
) -> Answer {
    if p == SettingsPatch::default() {
        return Err(ApiError::bad_control(
            "nothing_to_change",
            "The body names no setting to change (GET /_emulator/config reads them).",
        ));
    }
    Ok(Json(
        state.with_world(|w| w.update_settings(p).map(|s| json!(s)))?,
    ))
}

/// `GET /_emulator/requests`.
pub async fn get_requests(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| json!(w.requests()))))
}

/// `DELETE /_emulator/requests`.
pub async fn clear_requests(State(state): State<AppState>) -> Answer {
    state.with_world(|w| w.clear_requests());
    Ok(Json(json!({ "ok": true })))
}

/// `GET /_emulator/sessions`.
pub async fn sessions(State(state): State<AppState>) -> Answer {
    let now = state.clock().now_secs();
    Ok(Json(state.with_world(|w| {
        let inactivity = w.settings().inactivity_timeout_secs;
        let list: Vec<Value> = w
            .sessions()
            .map(|s| {
                json!({
                    "id": s.id,
                    "user_id": s.user_id,
                    "user_email": w.user(&s.user_id).map(|u| u.email.clone()),
                    "client_id": s.client_id,
                    "organization_id": s.organization_id,
                    "authentication_method": s.authentication_method,
                    "impersonator": s.impersonator,
                    "created": rfc3339_ms(s.created_at),
                    "expires_at": s.expires_at,
                    "ended": !s.is_live(now, inactivity),
                    "ended_reason": s.ended_reason,
                })
            })
            .collect();
        json!(list)
    })))
}

/// `POST /_emulator/sessions/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Answer {
    let now_ms = state.clock().now_ms();
    let found = state
        .with_world(|w| w.end_session(&id, "revoked", now_ms))
        .map_err(|e| ApiError::control_storage("the session", &e))?;
    if !found {
        return Err(ApiError::not_found(
            "session_not_found",
            format!("No session `{id}`."),
        ));
    }
    Ok(Json(json!({ "id": id, "ended": true })))
}

/// `POST /_emulator/keys/rotate`.
pub async fn rotate(State(state): State<AppState>) -> Answer {
    let kid = state.rotate_key().map_err(|e| {
        ApiError::control(
            StatusCode::INTERNAL_SERVER_ERROR,
            "rotate_failed",
            e.to_string(),
        )
    })?;
    Ok(Json(json!({ "kid": kid })))
}

/// Body of `POST /_emulator/codes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// Client.
    pub client_id: String,
    /// User email.
    pub email: String,
    /// S256 challenge (optional: without it the code is not a PKCE code).
    pub code_challenge: Option<String>,
    /// A registered redirect URI.
    pub redirect_uri: String,
    /// Organization (the user must be a member); default: the only membership, if one.
    pub organization_id: Option<String>,
}

/// `POST /_emulator/codes`: a code as if the hosted page had been completed.
pub async fn mint_code(State(state): State<AppState>, JsonBody(b): JsonBody<CodeBody>) -> Answer {
    let now_ms = state.clock().now_ms();
    let code = state.with_world(|w| {
        let Some(client) = w.client(&b.client_id) else {
            return Err(ApiError::bad_control(
                "invalid_client",
                "Unknown client_id.",
            ));
        };
        if !client.allows_redirect(&b.redirect_uri) {
            return Err(ApiError::bad_control(
                "invalid_redirect_uri",
                "redirect_uri is not registered for this client.",
            ));
        }
        let Some(user) = w.user_by_email(&b.email) else {
            return Err(ApiError::bad_control(
                "user_not_found",
                "No user with that email.",
            ));
        };
        let user_id = user.id.clone();
        let memberships = w.memberships_of(&user_id);
        let org = match &b.organization_id {
            Some(o) if w.membership(&user_id, o).is_none() => {
                return Err(ApiError::bad_control(
                    "organization_membership_not_found",
                    "The user is not a member of that organization.",
                ))
            }
            Some(o) => Some(o.clone()),
            None if memberships.len() == 1 => Some(memberships[0].organization_id.clone()),
            None => None,
        };
        w.issue_code(
            CodeGrant {
                client_id: b.client_id,
                redirect_uri: b.redirect_uri,
                code_challenge: b.code_challenge.filter(|c| !c.is_empty()),
                user_id,
                organization_id: org,
                authentication_method: "Password".into(),
                impersonator: None,
            },
            now_ms,
        )
        .map_err(|e| ApiError::control_storage("the code", &e))
    })?;
    Ok(Json(json!({ "code": code })))
}

/// `GET /_emulator/impersonate`: refused. It used to start an impersonation from a link,
/// which let any page sign a visitor in as someone else.
pub async fn impersonate_get_refused() -> Response {
    let mut r = ApiError::control(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "GET /_emulator/impersonate no longer starts an impersonation (a link that signs in \
         whoever opens it is a login CSRF). POST the same fields as JSON to \
         /_emulator/impersonate and open the url it returns.",
    )
    .into_response();
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    r
}

/// `POST /_emulator/impersonate`: checks and keeps the impersonation; returns the one link
/// that hands it to a browser.
pub async fn impersonate_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(b): JsonBody<ImpersonationRequest>,
) -> Answer {
    let now = state.clock().now_secs();
    let (ticket, expires_at) = state.with_world(|w| w.start_impersonation(b, now))?;
    let url = format!("{}/_emulator/impersonate/{ticket}", own_base(&headers));
    Ok(Json(json!({ "url": url, "expires_at": expires_at })))
}

/// `GET /_emulator/impersonate/{ticket}`: the link from `POST /_emulator/impersonate`. It
/// changes nothing on the server: it gives this browser the ticket (an HttpOnly cookie) and
/// sends it to the app's sign-in endpoint; the next authorize redeems the ticket.
pub async fn impersonation_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(ticket): Path<String>,
) -> Result<Response, ApiError> {
    let now = state.clock().now_secs();
    let gone = || {
        ApiError::page(
            StatusCode::GONE,
            "impersonation-link-expired",
            "This impersonation link has expired or was already used. Start a new one.",
        )
    };
    let Some(imp) = state.with_world(|w| w.impersonation(&ticket, now).cloned()) else {
        return Err(gone());
    };
    let Some(client) = client(&state, &imp.client_id) else {
        return Err(gone());
    };
    let mut target = sign_in_endpoint_for(&client, &headers);
    if let (Some(origin), Some(t)) = (&imp.app_origin, target.as_mut()) {
        if let Ok(mut u) = url::Url::parse(origin) {
            u.set_path(t.path());
            u.set_query(t.query());
            *t = u;
        }
    }
    let Some(target) = target else {
        return Err(ApiError::page(
            StatusCode::BAD_REQUEST,
            "sign-in-endpoint-not-configured",
            "The application no longer has a sign-in endpoint, so there is nowhere to start the \
             impersonated sign-in.",
        ));
    };
    let mut r = redirect(target.as_str());
    let max_age = (imp.created_at + crate::world::IMPERSONATION_TTL_SECS - now).max(0);
    cookies::set(
        r.headers_mut(),
        &headers,
        IMPERSONATION_COOKIE,
        &ticket,
        max_age,
        true,
    );
    Ok(r)
}

/// `GET /_emulator/users`.
pub async fn users(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| {
        let list: Vec<Value> = w
            .users()
            .map(|u| {
                let mut j = u.to_json();
                j["memberships"] = json!(w.memberships_of(&u.id));
                j
            })
            .collect();
        json!(list)
    })))
}

/// `GET /_emulator/organizations`.
pub async fn organizations(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| {
        json!(w.organizations().collect::<Vec<_>>())
    })))
}

/// `GET /_emulator/clients`.
pub async fn clients(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| {
        json!(w.clients().iter().map(|c| c.to_json()).collect::<Vec<_>>())
    })))
}

/// `GET /_emulator/stats`: what the emulator holds (codes, pages, impersonations, grace
/// successors, records).
pub async fn stats(State(state): State<AppState>) -> Answer {
    Ok(Json(state.with_world(|w| json!(w.stats()))))
}

/// `POST /_emulator/memberships`: change a membership's role, roles or permissions.
pub async fn update_membership(
    State(state): State<AppState>,
    JsonBody(c): JsonBody<MembershipChange>,
) -> Answer {
    Ok(Json(json!(state.with_world(|w| w.update_membership(c))?)))
}

/// `POST /_emulator/organizations/{id}`: change an organization's name, feature flags or
/// entitlements.
pub async fn update_organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<OrganizationChange>,
) -> Answer {
    Ok(Json(json!(
        state.with_world(|w| w.update_organization(&id, c))?
    )))
}

/// `POST /_emulator/clients/{id}`: change a client's origins, redirect URIs, sign-out
/// redirects or sign-in endpoint.
pub async fn update_client(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(c): JsonBody<ClientChange>,
) -> Answer {
    Ok(Json(
        state.with_world(|w| w.update_client(&id, c))?.to_json(),
    ))
}

/// Body of `POST /_emulator/organizations/{id}/policy`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// `"sso"`, `"mfa"` or `null` (none).
    pub requires: Option<crate::model::OrgPolicy>,
}

/// `POST /_emulator/organizations/{id}/policy`: set what a refresh switching into the
/// organization must fail with.
pub async fn set_policy(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<PolicyBody>,
) -> Answer {
    Ok(Json(json!(
        state.with_world(|w| w.set_policy(&id, b.requires))?
    )))
}

/// Any path without a route: `404` naming it.
pub async fn no_route(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(
        "not_found",
        format!(
            "No route for {method} {} (see emulator/README.md).",
            uri.path()
        ),
    )
}

/// A known path with another method: `405` naming it.
pub async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::control(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} does not take {method} (see emulator/README.md).",
            uri.path()
        ),
    )
}

/// `GET /_emulator/error/{code}`: stands in for `error.workos.com/...` pages.
pub async fn error_page(Path(code): Path<String>) -> Response {
    html::error_page(
        StatusCode::BAD_REQUEST,
        &code,
        "The request could not be completed.",
    )
}
