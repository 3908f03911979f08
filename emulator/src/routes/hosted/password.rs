//! `POST /hosted/forgot-password` (email a reset link) and `POST /hosted/new-password` (the
//! new password of a reset, reached through the app's sign-in endpoint).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{
    hash_new_password, live_page, new_password_error, plausible_email, App, Post, RESET_COOKIE,
};
use crate::cookies;
use crate::error::ApiError;
use crate::html::hosted::{self as pages, Frame, NewPasswordView};
use crate::model::Stage;
use crate::routes::common::own_base;
use crate::state::AppState;
use crate::world::SignInStep;

/// The new-password page of a reset of `user_id`'s password (its address, for password
/// managers), with an error beside the field (`400`).
pub(crate) fn new_password_page(
    state: &AppState,
    f: &Frame<'_>,
    user_id: &str,
    password_error: Option<&str>,
) -> Response {
    let email = state
        .with_world(|w| w.user(user_id).map(|u| u.email.clone()))
        .unwrap_or_default();
    let status = if password_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    pages::new_password(
        f,
        &NewPasswordView {
            email: &email,
            password_error,
            error: None,
        },
        status,
    )
}

/// `POST /hosted/forgot-password`: the same answer whether or not the account exists.
pub async fn post_forgot_password(
    State(state): State<AppState>,
    post: Post,
) -> Result<Response, ApiError> {
    let rid = post.rid();
    let Some(p) = live_page(&state, rid) else {
        return Ok(post.answer(SignInStep::Expired));
    };
    let app = App::of(&state, &p.client_id);
    let f = app.frame(rid);
    let email = post.form.field("email");
    if !plausible_email(&email) {
        return Ok(pages::forgot_password(
            &f,
            &email,
            Some("Enter a valid email address."),
            StatusCode::BAD_REQUEST,
        ));
    }
    let base = own_base(post.headers());
    state.with_world(|w| w.request_password_reset(&p.client_id, &email, &base, post.now_ms));
    Ok(pages::reset_sent(&f, &email))
}

/// `POST /hosted/new-password`. The reset cookie goes once the reset is used or cancelled.
pub async fn post_new_password(
    State(state): State<AppState>,
    post: Post,
) -> Result<Response, ApiError> {
    let (rid, now_ms) = (post.rid(), post.now_ms);
    let done = |s| {
        let mut r = post.answer(s);
        cookies::clear(r.headers_mut(), post.headers(), RESET_COOKIE, true);
        r
    };
    if let Some(cancelled) = post.cancelled() {
        return Ok(done(cancelled));
    }
    if post.form.field("intent") == "skip" {
        return Ok(done(
            state.with_world(|w| w.skip_password_reset(rid, now_ms)),
        ));
    }
    let p = match post.ongoing() {
        Ok(p) => p,
        Err(step) => return Ok(done(step)),
    };
    let Stage::NewPassword { user_id, .. } = &p.stage else {
        return Ok(super::see_other("sign-in", rid));
    };
    let password = post.form.raw("password");
    if let Some(error) = new_password_error(&password) {
        let app = App::of(&state, &p.client_id);
        return Ok(new_password_page(
            &state,
            &app.frame(rid),
            user_id,
            Some(error),
        ));
    }
    let password_hash = hash_new_password(password).await?;
    let step = state
        .with_world(|w| w.set_new_password(rid, password_hash, now_ms))
        .map_err(|e| ApiError::page_storage("the new password", &e))?;
    Ok(done(step))
}
