//! `GET /user_management/authorize`: validation (errors render a page, never redirect to an
//! unvalidated URI), then the hosted page, or a code straight away for a pending impersonation.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::common::{app_origin_cookie, redirect, with_query};
use super::issue::{issue_code, CodeGrant};
use crate::cookies;
use crate::html::error_page;
use crate::ids;
use crate::model::PendingAuth;
use crate::state::AppState;

/// Providers accepted for `provider=` (the WorkOS enum).
pub const PROVIDERS: &[&str] = &[
    "authkit",
    "AppleOAuth",
    "BitbucketOAuth",
    "GitHubOAuth",
    "GitLabOAuth",
    "GoogleOAuth",
    "IntuitOAuth",
    "LinkedInOAuth",
    "MicrosoftOAuth",
    "SalesforceOAuth",
    "SlackOAuth",
    "VercelMarketplaceOAuth",
    "VercelOAuth",
    "XeroOAuth",
];

/// Name of the cookie carrying a pending impersonation.
pub const IMPERSONATION_COOKIE: &str = "authkit-emulator-impersonation";

fn bad(code: &str, message: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, code, message)
}

/// The handler.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut q: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        q.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());

    let Some(client) = get("client_id").and_then(|id| state.client(id)) else {
        return bad("client-id-invalid", "Invalid client ID.");
    };
    let Some(redirect_uri) = get("redirect_uri").filter(|u| client.allows_redirect(u)) else {
        return bad(
            "redirect-uri-invalid",
            "Invalid redirect URI. Make sure that the app uses a redirect URI registered for this application.",
        );
    };
    if get("response_type") != Some("code") {
        return bad("invalid-response-type", "response_type must be `code`.");
    }
    let provider = get("provider");
    let others = ["connection_id", "domain_hint"]
        .iter()
        .filter(|k| get(k).is_some())
        .count();
    let org = get("organization_id");
    let selectors =
        others + usize::from(provider.is_some()) + usize::from(org.is_some() && provider.is_none());
    let org_with_non_authkit = org.is_some() && provider.is_some_and(|p| p != "authkit");
    if selectors != 1 || org_with_non_authkit {
        return bad(
            "invalid-connection-selector",
            "Exactly one of provider, connection_id, organization_id or domain_hint is required.",
        );
    }
    if let Some(p) = provider {
        if !PROVIDERS.contains(&p) {
            return bad("invalid-provider", "Unknown provider.");
        }
    }
    if let Some(hint) = get("screen_hint") {
        if provider != Some("authkit") || !["sign-in", "sign-up"].contains(&hint) {
            return bad(
                "invalid-screen-hint",
                "screen_hint must be sign-in or sign-up and requires provider=authkit.",
            );
        }
    }
    let challenge = get("code_challenge");
    match (challenge, get("code_challenge_method")) {
        (Some(_), Some("S256")) | (None, None) => {}
        _ => {
            return bad(
                "invalid-code-challenge",
                "code_challenge_method must be S256 and comes with code_challenge.",
            )
        }
    }
    let app_state = q.get("state").cloned();
    if let Some(org_id) = org {
        if !state.world().orgs.contains_key(org_id) {
            return redirect(&with_query(
                redirect_uri,
                &[
                    ("error", Some("organization_invalid")),
                    (
                        "error_description",
                        Some("No organization with that ID exists."),
                    ),
                    ("state", app_state.as_deref()),
                ],
            ));
        }
    }
    let method = match provider {
        Some("authkit") => "Password".to_string(),
        Some(p) => p.to_string(),
        None => "SSO".to_string(),
    };
    let now = state.clock.now_secs();

    let mut resp = match take_impersonation(&state, &headers, &client.id) {
        Some(imp) => {
            let org_id = org
                .map(str::to_string)
                .or(imp.organization_id.clone())
                .or_else(|| {
                    state
                        .world()
                        .memberships_of(&imp.user_id)
                        .first()
                        .map(|m| m.organization_id.clone())
                });
            let code = issue_code(
                &state,
                CodeGrant {
                    client_id: client.id.clone(),
                    redirect_uri: redirect_uri.to_string(),
                    code_challenge: challenge.map(str::to_string),
                    user_id: imp.user_id.clone(),
                    organization_id: org_id,
                    authentication_method: "Impersonation".into(),
                    impersonator: Some(imp.impersonator.clone()),
                },
            );
            let mut r = redirect(&with_query(
                redirect_uri,
                &[("code", Some(&code)), ("state", app_state.as_deref())],
            ));
            cookies::clear(r.headers_mut(), &headers, IMPERSONATION_COOKIE, true);
            r
        }
        None => {
            let rid = ids::secret(24);
            let screen = if get("screen_hint") == Some("sign-up") {
                "sign-up"
            } else {
                "sign-in"
            };
            state.world().pending.insert(
                rid.clone(),
                PendingAuth {
                    client_id: client.id.clone(),
                    redirect_uri: redirect_uri.to_string(),
                    state: app_state,
                    code_challenge: challenge.map(str::to_string),
                    organization_id: org.map(str::to_string),
                    login_hint: get("login_hint").map(str::to_string),
                    authentication_method: method,
                    authenticated_user: None,
                    created_at: now,
                },
            );
            redirect(&format!("/hosted/{screen}?rid={rid}"))
        }
    };
    if let Some(origin) = crate::pattern::origin_of(redirect_uri) {
        cookies::set(
            resp.headers_mut(),
            &headers,
            &app_origin_cookie(&client.id),
            &origin,
            30 * 86_400,
            true,
        );
    }
    resp
}

fn take_impersonation(
    state: &AppState,
    headers: &HeaderMap,
    client_id: &str,
) -> Option<crate::model::PendingImpersonation> {
    let token = cookies::get(headers, IMPERSONATION_COOKIE)?;
    let mut w = state.world();
    let imp = w.impersonations.get(&token)?;
    if imp.client_id != client_id || state.clock.now_secs() > imp.created_at + 600 {
        return None;
    }
    w.impersonations.remove(&token)
}
