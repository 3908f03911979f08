//! The hosted sign-in and sign-up pages (`/hosted/sign-in`, `/hosted/sign-up`): real HTML
//! forms, password check, organization picker, cancel. The authorize request stays
//! server-side under an unguessable `rid`; a page opened without a live `rid` (a bookmark, a
//! stale tab) sends the browser to the app's sign-in endpoint.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::common::{redirect, sign_in_endpoint_for, with_query};
use super::issue::{issue_code, CodeGrant};
use crate::html;
use crate::ids;
use crate::model::{PendingAuth, User};
use crate::password;
use crate::state::AppState;

/// How long a hosted page stays usable, seconds.
pub const PENDING_TTL_SECS: i64 = 1800;

/// Which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    SignIn,
    SignUp,
}

fn pending(state: &AppState, rid: Option<&str>) -> Option<PendingAuth> {
    let rid = rid?;
    let now = state.clock.now_secs();
    let mut w = state.world();
    w.pending
        .retain(|_, p| now <= p.created_at + PENDING_TTL_SECS && now >= p.created_at - 60);
    w.pending.get(rid).cloned()
}

/// No live request: send the browser to the app's sign-in endpoint with `login_hint`.
fn restart_at_app(state: &AppState, headers: &HeaderMap, q: &HashMap<String, String>) -> Response {
    let client = q
        .get("client_id")
        .and_then(|id| state.client(id))
        .or(state.clients.first());
    let target = client.and_then(|c| sign_in_endpoint_for(c, headers));
    match target {
        Some(url) => redirect(&with_query(
            url.as_str(),
            &[(
                "login_hint",
                q.get("login_hint")
                    .map(String::as_str)
                    .filter(|s| !s.is_empty()),
            )],
        )),
        None => html::error_page(
            StatusCode::BAD_REQUEST,
            "sign-in-endpoint-not-configured",
            "This sign-in page is no longer valid and the application has no sign-in endpoint.",
        ),
    }
}

fn app_name(state: &AppState, p: &PendingAuth) -> String {
    state
        .client(&p.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

fn render(state: &AppState, screen: Screen, rid: &str, p: &PendingAuth) -> Response {
    if let Some(user_id) = &p.authenticated_user {
        return picker(state, rid, user_id, None);
    }
    let email = p.login_hint.clone().unwrap_or_default();
    match screen {
        Screen::SignIn => html::sign_in(&app_name(state, p), rid, &email, None, StatusCode::OK),
        Screen::SignUp => html::sign_up(
            &app_name(state, p),
            rid,
            [&email, "", ""],
            None,
            StatusCode::OK,
        ),
    }
}

fn picker(state: &AppState, rid: &str, user_id: &str, error: Option<&str>) -> Response {
    let w = state.world();
    let orgs: Vec<(String, String)> = w
        .memberships_of(user_id)
        .iter()
        .map(|m| {
            let name = w
                .orgs
                .get(&m.organization_id)
                .map(|o| o.name.clone())
                .unwrap_or_else(|| m.organization_id.clone());
            (m.organization_id.clone(), name)
        })
        .collect();
    drop(w);
    html::org_picker(rid, &orgs, error)
}

/// `GET /hosted/sign-in`.
pub async fn get_sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_page(&state, &headers, &q, Screen::SignIn)
}

/// `GET /hosted/sign-up`.
pub async fn get_sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    get_page(&state, &headers, &q, Screen::SignUp)
}

fn get_page(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    screen: Screen,
) -> Response {
    let rid = q.get("rid").map(String::as_str);
    match pending(state, rid) {
        Some(p) => render(state, screen, rid.unwrap_or_default(), &p),
        None => restart_at_app(state, headers, q),
    }
}

/// `POST /hosted/sign-in`.
pub async fn post_sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    post_page(&state, &headers, &q, &body, Screen::SignIn).await
}

/// `POST /hosted/sign-up`.
pub async fn post_sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    post_page(&state, &headers, &q, &body, Screen::SignUp).await
}

async fn post_page(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    body: &[u8],
    screen: Screen,
) -> Response {
    let mut form: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        form.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let rid = form
        .get("rid")
        .or(q.get("rid"))
        .cloned()
        .unwrap_or_default();
    let Some(p) = pending(state, Some(&rid)) else {
        let mut merged = q.clone();
        if let Some(e) = form.get("email") {
            merged.insert("login_hint".into(), e.clone());
        }
        return restart_at_app(state, headers, &merged);
    };
    let field = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };

    if form.contains_key("cancel") {
        state.world().pending.remove(&rid);
        return redirect(&with_query(
            &p.redirect_uri,
            &[
                ("error", Some("access_denied")),
                ("error_description", Some("The user cancelled the sign-in.")),
                ("state", p.state.as_deref()),
            ],
        ));
    }

    if let Some(user_id) = p.authenticated_user.clone() {
        let org_id = field("organization_id");
        if state.world().membership(&user_id, &org_id).is_none() {
            return picker(
                state,
                &rid,
                &user_id,
                Some("Choose one of your organizations."),
            );
        }
        return complete(state, &rid, &p, &user_id, Some(org_id));
    }

    let email = field("email");
    let password = form.get("password").cloned().unwrap_or_default();
    let app = app_name(state, &p);
    let user_id = match screen {
        Screen::SignIn => {
            let stored = state
                .world()
                .user_by_email(&email)
                .map(|u| (u.id.clone(), u.password_hash.clone()));
            let hash = stored.as_ref().and_then(|(_, h)| h.clone());
            let pw = password.clone();
            // argon2 is deliberately slow: keep it off the async workers.
            let ok = tokio::task::spawn_blocking(move || password::verify(&pw, hash.as_deref()))
                .await
                .unwrap_or(false);
            match stored {
                Some((id, _)) if ok => id,
                _ => {
                    return html::sign_in(
                        &app,
                        &rid,
                        &email,
                        Some("Incorrect email or password."),
                        StatusCode::UNAUTHORIZED,
                    )
                }
            }
        }
        Screen::SignUp => {
            let (first, last) = (field("first_name"), field("last_name"));
            let again = |msg: &str| {
                html::sign_up(
                    &app,
                    &rid,
                    [&email, &first, &last],
                    Some(msg),
                    StatusCode::BAD_REQUEST,
                )
            };
            if !email.contains('@') || email.len() > 320 {
                return again("Enter a valid email address.");
            }
            if password.chars().count() < 8 {
                return again("The password must have at least 8 characters.");
            }
            if state.world().user_by_email(&email).is_some() {
                return again("An account with this email already exists. Sign in instead.");
            }
            let pw = password.clone();
            let hashed = tokio::task::spawn_blocking(move || password::hash(&pw)).await;
            let Ok(Ok(hash)) = hashed else {
                return again("Could not create the account.");
            };
            let now_ms = state.clock.now_ms();
            let id = ids::prefixed("user", now_ms as u64);
            state.world().save_user(User {
                id: id.clone(),
                email: email.clone(),
                email_verified: true,
                first_name: (!first.is_empty()).then_some(first),
                last_name: (!last.is_empty()).then_some(last),
                password_hash: Some(hash),
                profile_picture_url: None,
                external_id: None,
                last_sign_in_at: None,
                created_at: now_ms,
                updated_at: now_ms,
            });
            id
        }
    };

    let memberships: Vec<String> = state
        .world()
        .memberships_of(&user_id)
        .iter()
        .map(|m| m.organization_id.clone())
        .collect();
    match (&p.organization_id, memberships.len()) {
        (Some(requested), _) => {
            if memberships.contains(requested) {
                complete(state, &rid, &p, &user_id, Some(requested.clone()))
            } else {
                state.world().pending.remove(&rid);
                redirect(&with_query(
                    &p.redirect_uri,
                    &[
                        ("error", Some("organization_invalid")),
                        (
                            "error_description",
                            Some("The user is not a member of the requested organization."),
                        ),
                        ("state", p.state.as_deref()),
                    ],
                ))
            }
        }
        (None, 0) => complete(state, &rid, &p, &user_id, None),
        (None, 1) => complete(state, &rid, &p, &user_id, memberships.first().cloned()),
        (None, _) => {
            if let Some(pp) = state.world().pending.get_mut(&rid) {
                pp.authenticated_user = Some(user_id.clone());
            }
            picker(state, &rid, &user_id, None)
        }
    }
}

/// Issue the code and send the browser back to the app.
fn complete(
    state: &AppState,
    rid: &str,
    p: &PendingAuth,
    user_id: &str,
    organization_id: Option<String>,
) -> Response {
    state.world().pending.remove(rid);
    let code = issue_code(
        state,
        CodeGrant {
            client_id: p.client_id.clone(),
            redirect_uri: p.redirect_uri.clone(),
            code_challenge: p.code_challenge.clone(),
            user_id: user_id.to_string(),
            organization_id,
            authentication_method: p.authentication_method.clone(),
            impersonator: None,
        },
    );
    redirect(&with_query(
        &p.redirect_uri,
        &[("code", Some(&code)), ("state", p.state.as_deref())],
    ))
}
