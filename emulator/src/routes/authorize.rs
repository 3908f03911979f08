//! `GET /user_management/authorize`: validation (errors render a page, never redirect to an
//! unvalidated URI), then the hosted page, or a code straight away for a pending impersonation.
//! Which page: the new-password page for a browser holding a reset link's token (or with
//! `password_reset_token`), the invitation's sign-in or sign-up page for `invitation_token`,
//! the emulated Google page for `provider=GoogleOAuth`, the sign-up page for
//! `screen_hint=sign-up`, else the sign-in page; `login_hint` fills in the email.
//! `organization_id` alone (without `provider=authkit`) selects an SSO connection, which the
//! emulator does not model: the app gets `error=organization_invalid`.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::common::{app_origin_cookie, client, redirect, with_query};
use super::hosted::RESET_COOKIE;
use crate::cookies;
use crate::error::ApiError;
use crate::ids;
use crate::model::{CodeGrant, PendingAuth, Stage};
use crate::state::AppState;
use crate::world::ImpersonationStep;

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

/// Name of the cookie carrying a pending impersonation's ticket.
pub const IMPERSONATION_COOKIE: &str = "authkit-emulator-impersonation";

fn bad(code: &'static str, message: &'static str) -> ApiError {
    ApiError::page(StatusCode::BAD_REQUEST, code, message)
}

/// The handler.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut q: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        q.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());

    let Some(client) = get("client_id").and_then(|id| client(&state, id)) else {
        return Err(bad("client-id-invalid", "Invalid client ID."));
    };
    let Some(redirect_uri) = get("redirect_uri").filter(|u| client.allows_redirect(u)) else {
        return Err(bad(
            "redirect-uri-invalid",
            "Invalid redirect URI. Make sure that the app uses a redirect URI registered for this application.",
        ));
    };
    if get("response_type") != Some("code") {
        return Err(bad(
            "invalid-response-type",
            "response_type must be `code`.",
        ));
    }
    let provider = get("provider");
    let connection = get("connection_id");
    let org = get("organization_id");
    // `domain_hint` is an optional hint; it selects the connection only when nothing else does.
    let hint_selects =
        get("domain_hint").is_some() && provider.is_none() && connection.is_none() && org.is_none();
    let selectors = usize::from(provider.is_some())
        + usize::from(connection.is_some())
        + usize::from(org.is_some() && provider.is_none())
        + usize::from(hint_selects);
    let org_with_non_authkit = org.is_some() && provider.is_some_and(|p| p != "authkit");
    if selectors != 1 || org_with_non_authkit {
        return Err(bad(
            "invalid-connection-selector",
            "Exactly one of provider, connection_id, organization_id or domain_hint is required.",
        ));
    }
    if let Some(p) = provider {
        if !PROVIDERS.contains(&p) {
            return Err(bad("invalid-provider", "Unknown provider."));
        }
    }
    if let Some(hint) = get("screen_hint") {
        if provider != Some("authkit") || !["sign-in", "sign-up"].contains(&hint) {
            return Err(bad(
                "invalid-screen-hint",
                "screen_hint must be sign-in or sign-up and requires provider=authkit.",
            ));
        }
    }
    let challenge = get("code_challenge");
    match (challenge, get("code_challenge_method")) {
        (Some(_), Some("S256")) | (None, None) => {}
        _ => {
            return Err(bad(
                "invalid-code-challenge",
                "code_challenge_method must be S256 and comes with code_challenge.",
            ))
        }
    }
    let app_state = q.get("state").cloned();
    let org_invalid = |description: &str| {
        redirect(&with_query(
            redirect_uri,
            &[
                ("error", Some("organization_invalid")),
                ("error_description", Some(description)),
                ("state", app_state.as_deref()),
            ],
        ))
    };
    if let Some(org_id) = org {
        if state.with_world(|w| w.organization(org_id).is_none()) {
            return Ok(org_invalid("No organization with that ID exists."));
        }
        // `organization_id` as the selector (no `provider=authkit` to modify) means the
        // organization's SSO connection, and the emulator models none: WorkOS's documented
        // answer for an organization without a connection (reference §2.2).
        if provider.is_none() {
            return Ok(org_invalid("No connection associated with organization"));
        }
    }
    // `prompt`: WorkOS does not document its values. The emulator keeps no AuthKit session of
    // its own, so only `none`, which forbids any page, changes anything: `error=login_required`
    // at once. Any other value (`login`, `consent`, `select_account`, or one the emulator does
    // not know) is accepted and ignored: the pages show as without `prompt`.
    if get("prompt") == Some("none") {
        return Ok(redirect(&with_query(
            redirect_uri,
            &[
                ("error", Some("login_required")),
                (
                    "error_description",
                    Some("prompt=none, and the emulator keeps no AuthKit session to sign in without a page."),
                ),
                ("state", app_state.as_deref()),
            ],
        )));
    }
    let method = match provider {
        Some("authkit") => "Password".to_string(),
        Some(p) => p.to_string(),
        None => "SSO".to_string(),
    };
    let now_ms = state.clock().now_ms();

    let impersonation = match cookies::get(&headers, IMPERSONATION_COOKIE) {
        None => ImpersonationStep::NotPending,
        Some(ticket) => {
            let grant = CodeGrant {
                client_id: client.id.clone(),
                redirect_uri: redirect_uri.to_string(),
                code_challenge: challenge.map(str::to_string),
                user_id: String::new(),
                organization_id: org.map(str::to_string),
                authentication_method: String::new(),
                impersonator: None,
            };
            state
                .with_world(|w| w.take_impersonation(&ticket, grant, now_ms))
                .map_err(|e| ApiError::page_storage("the sign-in", &e))?
        }
    };
    let mut resp = match impersonation {
        ImpersonationStep::Code(code) => {
            let mut r = redirect(&with_query(
                redirect_uri,
                &[("code", Some(&code)), ("state", app_state.as_deref())],
            ));
            cookies::clear(r.headers_mut(), &headers, IMPERSONATION_COOKIE, true);
            r
        }
        ImpersonationStep::NotAMember => {
            org_invalid("The impersonated user is not a member of the requested organization.")
        }
        ImpersonationStep::NotPending => {
            let rid = ids::secret(24);
            let now = now_ms.div_euclid(1000);
            let reset_token = get("password_reset_token")
                .map(str::to_string)
                .or_else(|| cookies::get(&headers, RESET_COOKIE));
            let mut pending = PendingAuth {
                client_id: client.id.clone(),
                redirect_uri: redirect_uri.to_string(),
                state: app_state.clone(),
                code_challenge: challenge.map(str::to_string),
                organization_id: org.map(str::to_string),
                login_hint: get("login_hint").map(str::to_string),
                authkit: provider == Some("authkit"),
                authentication_method: method,
                invitation: None,
                notice: None,
                stage: Stage::Start,
                finished: None,
                created_at: now,
            };
            let mut screen = match (provider, get("screen_hint")) {
                (Some("GoogleOAuth"), _) => "google",
                (_, Some("sign-up")) => "sign-up",
                _ => "sign-in",
            };
            let stale_reset = state.with_world(|w| {
                if let Some(stage) = reset_token
                    .as_deref()
                    .and_then(|t| w.reset_stage(t, &client.id, now))
                {
                    pending.stage = stage;
                    screen = "new-password";
                } else if let Some(token) = get("invitation_token") {
                    match w.pending_invitation(token, now) {
                        Ok(inv) => {
                            if screen != "google" {
                                screen = if w.user_by_email(&inv.email).is_some() {
                                    "sign-in"
                                } else {
                                    "sign-up"
                                };
                            }
                            pending.login_hint = Some(inv.email.clone());
                            pending.invitation = Some(inv.id.clone());
                        }
                        Err(why) => pending.notice = Some(why.to_string()),
                    }
                }
                let stale = reset_token.is_some() && pending.stage == Stage::Start;
                w.start_sign_in(rid.clone(), pending);
                stale
            });
            let mut r = redirect(&format!("/hosted/{screen}?rid={rid}"));
            if stale_reset && cookies::get(&headers, RESET_COOKIE).is_some() {
                cookies::clear(r.headers_mut(), &headers, RESET_COOKIE, true);
            }
            r
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
    Ok(resp)
}
