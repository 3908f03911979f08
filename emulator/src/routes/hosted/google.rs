//! `POST /hosted/google`: the emulated Google consent page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{invitation_view, plausible_email, App, Post};
use crate::error::ApiError;
use crate::html::hosted::{google_consent, Frame, GoogleView};
use crate::model::PendingAuth;
use crate::state::AppState;
use crate::world::GoogleAccount;

/// Values and errors of the consent page.
#[derive(Debug, Default)]
pub(crate) struct ConsentForm<'a> {
    email: Option<&'a str>,
    first_name: &'a str,
    last_name: &'a str,
    email_error: Option<&'a str>,
}

/// The consent page of `p`.
pub(crate) fn consent_page(
    state: &AppState,
    f: &Frame<'_>,
    p: &PendingAuth,
    v: ConsentForm<'_>,
) -> Response {
    let invited = invitation_view(state, p).map(|(email, _)| email);
    let email = invited
        .clone()
        .or_else(|| v.email.map(str::to_string))
        .or_else(|| p.login_hint.clone())
        .unwrap_or_default();
    google_consent(
        f,
        &GoogleView {
            email: &email,
            first_name: v.first_name,
            last_name: v.last_name,
            email_locked: invited.is_some(),
            email_error: v.email_error,
            error: None,
            back: p.authkit,
        },
        if v.email_error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    )
}

/// `POST /hosted/google`.
pub async fn post_google(State(state): State<AppState>, post: Post) -> Result<Response, ApiError> {
    let (rid, now_ms, form) = (post.rid(), post.now_ms, &post.form);
    let p = match post.pending() {
        Ok(p) => p,
        Err(step) => return Ok(post.answer(step)),
    };
    let (email, first, last) = (
        form.field("email"),
        form.field("first_name"),
        form.field("last_name"),
    );
    let invited = invitation_view(&state, &p).is_some();
    if !invited && !plausible_email(&email) {
        let app = App::of(&state, &p.client_id);
        return Ok(consent_page(
            &state,
            &app.frame(rid),
            &p,
            ConsentForm {
                email: Some(&email),
                first_name: &first,
                last_name: &last,
                email_error: Some("Enter the Google account's email address."),
            },
        ));
    }
    let account = GoogleAccount {
        email,
        first_name: (!first.is_empty()).then_some(first),
        last_name: (!last.is_empty()).then_some(last),
    };
    let done = state
        .with_world(|w| w.google_sign_in(rid, account, now_ms))
        .map_err(|e| ApiError::page_storage("the sign-in", &e))?;
    Ok(post.answer(done))
}
