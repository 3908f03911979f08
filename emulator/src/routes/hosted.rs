//! The hosted sign-in and sign-up pages (`/hosted/sign-in`, `/hosted/sign-up`): real HTML
//! forms, password check, organization picker, cancel. The authorize request stays
//! server-side under an unguessable `rid` ([`crate::world::SignInStep`]); a page opened
//! without a live `rid` (a bookmark, a stale tab) sends the browser to the app's sign-in
//! endpoint.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::common::{client_or_first, redirect, sign_in_endpoint_for, with_query};
use crate::error::ApiError;
use crate::html;
use crate::model::PendingAuth;
use crate::password;
use crate::state::AppState;
use crate::world::{NewUser, SignInStep, SignUpRefusal};

pub use crate::world::PENDING_TTL_SECS;

/// Which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    SignIn,
    SignUp,
}

fn live_page(state: &AppState, rid: &str) -> Option<PendingAuth> {
    let now = state.clock().now_secs();
    state.with_world(|w| w.sign_in_page(rid, now).cloned())
}

/// No live request: send the browser to the app's sign-in endpoint with `login_hint`.
fn restart_at_app(state: &AppState, headers: &HeaderMap, q: &HashMap<String, String>) -> Response {
    let client = client_or_first(state, q.get("client_id").map(String::as_str));
    match client.and_then(|c| sign_in_endpoint_for(&c, headers)) {
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
    client_or_first(state, Some(&p.client_id))
        .map(|c| c.name)
        .unwrap_or_default()
}

fn picker_of(state: &AppState, user_id: &str) -> Vec<(String, String)> {
    state.with_world(|w| {
        w.memberships_of(user_id)
            .iter()
            .map(|m| {
                let name = w
                    .organization(&m.organization_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| m.organization_id.clone());
                (m.organization_id.clone(), name)
            })
            .collect()
    })
}

fn render(state: &AppState, screen: Screen, rid: &str, p: &PendingAuth) -> Response {
    if let Some(user_id) = &p.authenticated_user {
        return html::org_picker(rid, &picker_of(state, user_id), None);
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
    let rid = q.get("rid").map(String::as_str).unwrap_or_default();
    match live_page(state, rid) {
        Some(p) => render(state, screen, rid, &p),
        None => restart_at_app(state, headers, q),
    }
}

/// `POST /hosted/sign-in`.
pub async fn post_sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    post_page(&state, &headers, &q, &body, Screen::SignIn).await
}

/// `POST /hosted/sign-up`.
pub async fn post_sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    post_page(&state, &headers, &q, &body, Screen::SignUp).await
}

/// Answer a step: a redirect, the picker, or (the request is gone) the app's sign-in endpoint.
fn answer(
    state: &AppState,
    headers: &HeaderMap,
    restart: &HashMap<String, String>,
    rid: &str,
    step: SignInStep,
) -> Response {
    match step {
        SignInStep::Redirect(location) => redirect(&location),
        SignInStep::Picker {
            orgs,
            invalid_choice,
        } => html::org_picker(
            rid,
            &orgs,
            invalid_choice.then_some("Choose one of your organizations."),
        ),
        SignInStep::Expired => restart_at_app(state, headers, restart),
    }
}

async fn post_page(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    body: &[u8],
    screen: Screen,
) -> Result<Response, ApiError> {
    let mut form: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        form.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let rid = form
        .get("rid")
        .or(q.get("rid"))
        .cloned()
        .unwrap_or_default();
    let mut restart = q.clone();
    if let Some(e) = form.get("email") {
        restart.insert("login_hint".into(), e.clone());
    }
    let now_ms = state.clock().now_ms();
    let field = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let step = |s| answer(state, headers, &restart, &rid, s);

    if form.contains_key("cancel") {
        let now = now_ms.div_euclid(1000);
        return Ok(step(state.with_world(|w| w.cancel_sign_in(&rid, now))));
    }
    // A form posted again after the request finished gets the same answer, checked below
    // by the world; a request that is gone starts over at the app.
    let now = now_ms.div_euclid(1000);
    let Some(p) = live_page(state, &rid) else {
        let done = state.with_world(|w| w.finished_sign_in(&rid, now));
        return Ok(step(done.unwrap_or(SignInStep::Expired)));
    };
    if p.authenticated_user.is_some() {
        let org_id = field("organization_id");
        let chosen = state
            .with_world(|w| w.choose_organization(&rid, &org_id, now_ms))
            .map_err(|e| ApiError::page_storage("the sign-in", &e))?;
        return Ok(step(chosen));
    }

    let email = field("email");
    let password = form.get("password").cloned().unwrap_or_default();
    let app = app_name(state, &p);
    match screen {
        Screen::SignIn => {
            let stored = state.with_world(|w| {
                w.user_by_email(&email)
                    .map(|u| (u.id.clone(), u.password_hash.clone()))
            });
            let hash = stored.as_ref().and_then(|(_, h)| h.clone());
            // argon2 is deliberately slow: keep it off the async workers and out of the lock.
            let ok =
                tokio::task::spawn_blocking(move || password::verify(&password, hash.as_deref()))
                    .await
                    .unwrap_or(false);
            let Some((user_id, _)) = stored.filter(|_| ok) else {
                return Ok(html::sign_in(
                    &app,
                    &rid,
                    &email,
                    Some("Incorrect email or password."),
                    StatusCode::UNAUTHORIZED,
                ));
            };
            let done = state
                .with_world(|w| w.finish_sign_in(&rid, &user_id, now_ms))
                .map_err(|e| ApiError::page_storage("the sign-in", &e))?;
            Ok(step(done))
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
                return Ok(again("Enter a valid email address."));
            }
            if password.chars().count() < 8 {
                return Ok(again("The password must have at least 8 characters."));
            }
            let early = state.with_world(|w| match w.finished_sign_in(&rid, now) {
                Some(done) => Some(Ok(done)),
                None if w.user_by_email(&email).is_some() => Some(Err(SignUpRefusal::EmailTaken)),
                None => None,
            });
            match early {
                Some(Ok(done)) => return Ok(step(done)),
                Some(Err(refusal)) => return Ok(again(&refusal.to_string())),
                None => {}
            }
            let hashed = tokio::task::spawn_blocking(move || password::hash(&password)).await;
            let Ok(Ok(password_hash)) = hashed else {
                return Ok(again("Could not create the account."));
            };
            let new = NewUser {
                email: email.clone(),
                password_hash,
                first_name: (!first.is_empty()).then(|| first.clone()),
                last_name: (!last.is_empty()).then(|| last.clone()),
            };
            // The email is checked again under the lock that inserts the user.
            match state.with_world(|w| w.sign_up_and_finish(&rid, new, now_ms)) {
                Ok(done) => Ok(step(done)),
                Err(SignUpRefusal::EmailTaken) => Ok(again(&SignUpRefusal::EmailTaken.to_string())),
                Err(SignUpRefusal::Store(e)) => Err(ApiError::page_storage("the sign-in", &e)),
            }
        }
    }
}
