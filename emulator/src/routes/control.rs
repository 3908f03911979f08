//! The control API for tests (`/_emulator/…`, JSON): reset, faults, clock, config, request
//! log, sessions, key rotation, codes, impersonation.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::authorize::IMPERSONATION_COOKIE;
use super::common::{issuer_base, redirect, sign_in_endpoint_for};
use super::issue::{issue_code, CodeGrant};
use crate::clock::rfc3339_ms;
use crate::cookies;
use crate::faults::FaultSpec;
use crate::html;
use crate::ids;
use crate::model::{Impersonator, PendingImpersonation};
use crate::settings::SettingsPatch;
use crate::state::AppState;

fn fail(status: StatusCode, error: &str, message: &str) -> Response {
    (status, Json(json!({ "error": error, "message": message }))).into_response()
}

/// `POST /_emulator/reset`.
pub async fn reset(State(state): State<AppState>) -> Response {
    match state.reset() {
        Ok(()) => Json(json!({ "ok": true })).into_response(),
        Err(e) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "reset_failed",
            &e.to_string(),
        ),
    }
}

/// `POST /_emulator/faults`.
pub async fn add_fault(State(state): State<AppState>, Json(spec): Json<FaultSpec>) -> Response {
    let id = ids::prefixed("fault", state.clock.now_ms() as u64);
    state.world().faults.add(id.clone(), spec);
    Json(json!({ "id": id })).into_response()
}

/// `GET /_emulator/faults`.
pub async fn list_faults(State(state): State<AppState>) -> Response {
    Json(json!(state.world().faults.list())).into_response()
}

/// `DELETE /_emulator/faults`.
pub async fn clear_faults(State(state): State<AppState>) -> Response {
    state.world().faults.clear();
    Json(json!({ "ok": true })).into_response()
}

/// Body of `POST /_emulator/clock`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockBody {
    /// Add to the offset.
    pub advance_secs: Option<i64>,
    /// Replace the offset.
    pub offset_secs: Option<i64>,
}

fn clock_json(state: &AppState) -> Value {
    json!({ "offset_secs": state.clock.offset_secs(), "now": state.clock.now_secs() })
}

/// `GET /_emulator/clock`.
pub async fn get_clock(State(state): State<AppState>) -> Response {
    Json(clock_json(&state)).into_response()
}

/// `POST /_emulator/clock`.
pub async fn set_clock(State(state): State<AppState>, Json(b): Json<ClockBody>) -> Response {
    if let Some(o) = b.offset_secs {
        state.clock.set_offset(o);
    }
    if let Some(a) = b.advance_secs {
        state.clock.advance(a);
    }
    Json(clock_json(&state)).into_response()
}

/// `GET /_emulator/config`.
pub async fn get_config(State(state): State<AppState>) -> Response {
    Json(json!(state.world().settings)).into_response()
}

/// `POST /_emulator/config`.
pub async fn set_config(State(state): State<AppState>, Json(p): Json<SettingsPatch>) -> Response {
    let mut w = state.world();
    w.settings.apply(p);
    w.rate.clear();
    Json(json!(w.settings)).into_response()
}

/// `GET /_emulator/requests`.
pub async fn get_requests(State(state): State<AppState>) -> Response {
    Json(json!(state.world().log.entries())).into_response()
}

/// `DELETE /_emulator/requests`.
pub async fn clear_requests(State(state): State<AppState>) -> Response {
    state.world().log.clear();
    Json(json!({ "ok": true })).into_response()
}

/// `GET /_emulator/sessions`.
pub async fn sessions(State(state): State<AppState>) -> Response {
    let w = state.world();
    let now = state.clock.now_secs();
    let list: Vec<Value> = w
        .sessions
        .values()
        .map(|s| {
            json!({
                "id": s.id,
                "user_id": s.user_id,
                "user_email": w.users.get(&s.user_id).map(|u| u.email.clone()),
                "client_id": s.client_id,
                "organization_id": s.organization_id,
                "authentication_method": s.authentication_method,
                "impersonator": s.impersonator,
                "created": rfc3339_ms(s.created_at),
                "expires_at": s.expires_at,
                "ended": !s.is_live(now, w.settings.inactivity_timeout_secs),
                "ended_reason": s.ended_reason,
            })
        })
        .collect();
    Json(json!(list)).into_response()
}

/// `POST /_emulator/sessions/{id}/revoke` (JSON, or a dashboard form → back to the dashboard).
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let found = state
        .world()
        .end_session(&id, "revoked", state.clock.now_ms());
    let from_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("x-www-form-urlencoded"));
    if from_form {
        let mut r = redirect("/_emulator/");
        *r.status_mut() = StatusCode::SEE_OTHER;
        return r;
    }
    if !found {
        return fail(
            StatusCode::NOT_FOUND,
            "session_not_found",
            "No such session.",
        );
    }
    Json(json!({ "id": id, "ended": true })).into_response()
}

/// `POST /_emulator/keys/rotate`.
pub async fn rotate(State(state): State<AppState>) -> Response {
    match state.rotate_key() {
        Ok(kid) => Json(json!({ "kid": kid })).into_response(),
        Err(e) => fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "rotate_failed",
            &e.to_string(),
        ),
    }
}

/// Body of `POST /_emulator/codes`.
#[derive(Debug, Deserialize)]
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
pub async fn mint_code(State(state): State<AppState>, Json(b): Json<CodeBody>) -> Response {
    let Some(client) = state.client(&b.client_id) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Unknown client_id.",
        );
    };
    if !client.allows_redirect(&b.redirect_uri) {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uri is not registered for this client.",
        );
    }
    let (user_id, org) = {
        let w = state.world();
        let Some(user) = w.user_by_email(&b.email) else {
            return fail(
                StatusCode::BAD_REQUEST,
                "user_not_found",
                "No user with that email.",
            );
        };
        let memberships = w.memberships_of(&user.id);
        let org = match &b.organization_id {
            Some(o) if w.membership(&user.id, o).is_none() => {
                return fail(
                    StatusCode::BAD_REQUEST,
                    "organization_membership_not_found",
                    "The user is not a member of that organization.",
                )
            }
            Some(o) => Some(o.clone()),
            None if memberships.len() == 1 => Some(memberships[0].organization_id.clone()),
            None => None,
        };
        (user.id.clone(), org)
    };
    let code = issue_code(
        &state,
        CodeGrant {
            client_id: b.client_id,
            redirect_uri: b.redirect_uri,
            code_challenge: b.code_challenge.filter(|c| !c.is_empty()),
            user_id,
            organization_id: org,
            authentication_method: "Password".into(),
            impersonator: None,
        },
    );
    Json(json!({ "code": code })).into_response()
}

/// Fields of an impersonation request (query or JSON).
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct ImpersonateBody {
    /// Client.
    pub client_id: String,
    /// Impersonated user's email.
    pub email: String,
    /// Impersonator's email.
    pub impersonator: String,
    /// Reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Organization to land in (default: the user's first membership).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// App origin whose sign-in endpoint path to use (must be a registered origin).
    #[serde(default)]
    pub app_origin: Option<String>,
}

/// `GET /_emulator/impersonate`: a browser navigation.
pub async fn impersonate_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(b): Query<ImpersonateBody>,
) -> Response {
    let Some(client) = state.client(&b.client_id) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Unknown client_id.",
        );
    };
    let Some(user_id) = state.world().user_by_email(&b.email).map(|u| u.id.clone()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "user_not_found",
            "No user with that email.",
        );
    };
    if let Some(o) = &b.organization_id {
        if state.world().membership(&user_id, o).is_none() {
            return fail(
                StatusCode::BAD_REQUEST,
                "organization_membership_not_found",
                "The user is not a member of that organization.",
            );
        }
    }
    let mut target = sign_in_endpoint_for(client, &headers);
    if let (Some(origin), Some(t)) = (&b.app_origin, target.as_mut()) {
        if client.knows_app_origin(origin) {
            if let Ok(mut u) = url::Url::parse(origin) {
                u.set_path(t.path());
                u.set_query(t.query());
                *t = u;
            }
        }
    }
    let Some(target) = target else {
        return fail(
            StatusCode::BAD_REQUEST,
            "sign_in_endpoint_not_configured",
            "The client has no sign-in endpoint.",
        );
    };
    let token = ids::secret(24);
    state.world().impersonations.insert(
        token.clone(),
        PendingImpersonation {
            client_id: client.id.clone(),
            user_id,
            organization_id: b.organization_id.clone(),
            impersonator: Impersonator {
                email: b.impersonator.clone(),
                reason: b.reason.clone().filter(|r| !r.is_empty()),
            },
            created_at: state.clock.now_secs(),
        },
    );
    let mut r = redirect(target.as_str());
    cookies::set(
        r.headers_mut(),
        &headers,
        IMPERSONATION_COOKIE,
        &token,
        600,
        true,
    );
    r
}

/// `POST /_emulator/impersonate`: returns the URL for a browser to open.
pub async fn impersonate_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<ImpersonateBody>,
) -> Response {
    if state.client(&b.client_id).is_none() {
        return fail(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Unknown client_id.",
        );
    }
    if state.world().user_by_email(&b.email).is_none() {
        return fail(
            StatusCode::BAD_REQUEST,
            "user_not_found",
            "No user with that email.",
        );
    }
    let query = impersonate_query(&b);
    let url = format!(
        "{}/_emulator/impersonate?{query}",
        issuer_base(&state, &headers)
    );
    Json(json!({ "url": url })).into_response()
}

fn impersonate_query(b: &ImpersonateBody) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", &b.client_id);
    s.append_pair("email", &b.email);
    s.append_pair("impersonator", &b.impersonator);
    for (k, v) in [
        ("reason", &b.reason),
        ("organization_id", &b.organization_id),
        ("app_origin", &b.app_origin),
    ] {
        if let Some(v) = v {
            s.append_pair(k, v);
        }
    }
    s.finish()
}

/// `GET /_emulator/users`.
pub async fn users(State(state): State<AppState>) -> Response {
    let w = state.world();
    let list: Vec<Value> = w
        .users
        .values()
        .map(|u| {
            let mut j = u.to_json();
            j["memberships"] = json!(w.memberships_of(&u.id));
            j
        })
        .collect();
    Json(json!(list)).into_response()
}

/// `GET /_emulator/organizations`.
pub async fn organizations(State(state): State<AppState>) -> Response {
    Json(json!(state.world().orgs.values().collect::<Vec<_>>())).into_response()
}

/// `GET /_emulator/error/{code}`: stands in for `error.workos.com/...` pages.
pub async fn error_page(Path(code): Path<String>) -> Response {
    html::error_page(
        StatusCode::BAD_REQUEST,
        &code,
        "The request could not be completed.",
    )
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
    Json(b): Json<PolicyBody>,
) -> Response {
    let mut w = state.world();
    let Some(mut org) = w.orgs.get(&id).cloned() else {
        return fail(
            StatusCode::NOT_FOUND,
            "organization_not_found",
            "No such organization.",
        );
    };
    org.requires = b.requires;
    w.save_org(org.clone());
    Json(json!(org)).into_response()
}
