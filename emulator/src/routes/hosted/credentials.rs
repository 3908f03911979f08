//! `POST /hosted/sign-in` (password, "Email me a code", the organization picker, cancel) and
//! `POST /hosted/sign-up`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{hash_new_password, invitation_view, new_password_error, plausible_email, App, Post};
use crate::error::ApiError;
use crate::html::hosted::{self as pages, Frame, SignInView, SignUpView};
use crate::model::{PendingAuth, Stage};
use crate::password;
use crate::state::AppState;
use crate::world::{NewUser, SignUpRefusal};

/// Errors to show on the sign-in page.
#[derive(Debug, Default)]
pub(crate) struct SignInErrors<'a> {
    email: Option<&'a str>,
    password: Option<&'a str>,
    typed_email: Option<&'a str>,
}

/// The banner of the sign-in and sign-up pages: the request's own notice (why it went back to
/// the first page), else the invitation's.
fn first_page_notice(p: &PendingAuth, invitation: Option<&(String, String)>) -> Option<String> {
    p.notice
        .clone()
        .or_else(|| invitation.map(|(_, banner)| banner.clone()))
}

/// The sign-in page of `p`.
pub(crate) fn sign_in_page(
    state: &AppState,
    f: &Frame<'_>,
    p: &PendingAuth,
    e: SignInErrors<'_>,
) -> Response {
    let invitation = invitation_view(state, p);
    let email = match (&invitation, e.typed_email) {
        (Some((invited, _)), _) => invited.clone(),
        (None, Some(typed)) => typed.to_string(),
        (None, None) => p.login_hint.clone().unwrap_or_default(),
    };
    let notice = first_page_notice(p, invitation.as_ref());
    let status = if e.password.is_some() {
        StatusCode::UNAUTHORIZED
    } else if e.email.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    pages::sign_in(
        f,
        &SignInView {
            email: &email,
            email_locked: invitation.is_some(),
            notice: notice.as_deref(),
            error: None,
            email_error: e.email,
            password_error: e.password,
            alternatives: p.authkit,
        },
        status,
    )
}

/// Errors and values to show on the sign-up page.
#[derive(Debug, Default)]
pub(crate) struct SignUpForm<'a> {
    email: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    email_error: Option<&'a str>,
    password_error: Option<&'a str>,
}

/// The sign-up page of `p`.
pub(crate) fn sign_up_page(
    state: &AppState,
    f: &Frame<'_>,
    p: &PendingAuth,
    v: SignUpForm<'_>,
) -> Response {
    let invitation = invitation_view(state, p);
    let hint = p.login_hint.clone().unwrap_or_default();
    let email = match &invitation {
        Some((invited, _)) => invited.as_str(),
        None if v.email.is_empty() => hint.as_str(),
        None => v.email,
    };
    let notice = first_page_notice(p, invitation.as_ref());
    let status = if v.email_error.is_some() || v.password_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    pages::sign_up(
        f,
        &SignUpView {
            email,
            first_name: v.first_name,
            last_name: v.last_name,
            email_locked: invitation.is_some(),
            notice: notice.as_deref(),
            error: None,
            email_error: v.email_error,
            password_error: v.password_error,
            alternatives: p.authkit,
        },
        status,
    )
}

/// `POST /hosted/sign-in`.
pub async fn post_sign_in(State(state): State<AppState>, post: Post) -> Result<Response, ApiError> {
    let (rid, now_ms, form) = (post.rid(), post.now_ms, &post.form);
    let p = match post.pending() {
        Ok(p) => p,
        Err(step) => return Ok(post.answer(step)),
    };
    if matches!(p.stage, Stage::Organization { .. }) {
        let org_id = form.field("organization_id");
        let chosen = state
            .with_world(|w| w.choose_organization(rid, &org_id, now_ms))
            .map_err(|e| ApiError::page_storage("the sign-in", &e))?;
        return Ok(post.answer(chosen));
    }
    let app = App::of(&state, &p.client_id);
    let f = app.frame(rid);
    let typed = form.field("email");
    let invited = invitation_view(&state, &p).map(|(email, _)| email);
    let email = invited.clone().unwrap_or_else(|| typed.clone());
    let again = |e: SignInErrors<'_>| sign_in_page(&state, &f, &p, e);
    if !plausible_email(&email) {
        let message = if email.is_empty() {
            "Enter your email address."
        } else {
            "Enter a valid email address."
        };
        return Ok(again(SignInErrors {
            email: Some(message),
            typed_email: Some(&typed),
            ..SignInErrors::default()
        }));
    }
    if form.field("intent") == "magic" && p.authkit {
        return Ok(post.answer(state.with_world(|w| w.start_magic_auth(rid, &email, now_ms))));
    }
    let password = form.raw("password");
    if password.is_empty() {
        return Ok(again(SignInErrors {
            password: Some("Enter your password."),
            typed_email: Some(&typed),
            ..SignInErrors::default()
        }));
    }
    let stored = state.with_world(|w| {
        w.user_by_email(&email)
            .map(|u| (u.id.clone(), u.password_hash.clone()))
    });
    let hash = stored.as_ref().and_then(|(_, h)| h.clone());
    // argon2 is deliberately slow: keep it off the async workers and out of the lock.
    let ok = tokio::task::spawn_blocking(move || password::verify(&password, hash.as_deref()))
        .await
        .unwrap_or(false);
    let Some((user_id, _)) = stored.filter(|_| ok) else {
        return Ok(again(SignInErrors {
            password: Some("Incorrect email or password."),
            typed_email: Some(&typed),
            ..SignInErrors::default()
        }));
    };
    let done = state
        .with_world(|w| w.password_signed_in(rid, &user_id, now_ms))
        .map_err(|e| ApiError::page_storage("the sign-in", &e))?;
    Ok(post.answer(done))
}

/// `POST /hosted/sign-up`.
pub async fn post_sign_up(State(state): State<AppState>, post: Post) -> Result<Response, ApiError> {
    let (rid, now_ms, now, form) = (post.rid(), post.now_ms, post.now(), &post.form);
    let p = match post.pending() {
        Ok(p) => p,
        Err(step) => return Ok(post.answer(step)),
    };
    let app = App::of(&state, &p.client_id);
    let f = app.frame(rid);
    let (first, last) = (form.field("first_name"), form.field("last_name"));
    let email = invitation_view(&state, &p)
        .map(|(email, _)| email)
        .unwrap_or_else(|| form.field("email"));
    let password = form.raw("password");
    let again = |email_error: Option<&str>, password_error: Option<&str>| {
        sign_up_page(
            &state,
            &f,
            &p,
            SignUpForm {
                email: &email,
                first_name: &first,
                last_name: &last,
                email_error,
                password_error,
            },
        )
    };
    if !plausible_email(&email) {
        return Ok(again(Some("Enter a valid email address."), None));
    }
    if let Some(error) = new_password_error(&password) {
        return Ok(again(None, Some(error)));
    }
    let early = state.with_world(|w| match w.finished_sign_in(rid, now) {
        Some(done) => Some(Ok(done)),
        None if w.user_by_email(&email).is_some() => Some(Err(SignUpRefusal::EmailTaken)),
        None => None,
    });
    match early {
        Some(Ok(done)) => return Ok(post.answer(done)),
        Some(Err(refusal)) => return Ok(again(Some(&refusal.to_string()), None)),
        None => {}
    }
    let password_hash = hash_new_password(password).await?;
    let new = NewUser {
        email: email.clone(),
        password_hash,
        first_name: (!first.is_empty()).then(|| first.clone()),
        last_name: (!last.is_empty()).then(|| last.clone()),
    };
    // The email is checked again under the lock that inserts the user.
    match state.with_world(|w| w.sign_up_and_finish(rid, new, now_ms)) {
        Ok(done) => Ok(post.answer(done)),
        Err(SignUpRefusal::EmailTaken) => {
            Ok(again(Some(&SignUpRefusal::EmailTaken.to_string()), None))
        }
        Err(SignUpRefusal::Store(e)) => Err(ApiError::page_storage("the sign-in", &e)),
    }
}
