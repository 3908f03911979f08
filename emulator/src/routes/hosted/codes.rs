//! `POST /hosted/verify-email`, `/hosted/magic-code` and `/hosted/mfa`: a code, "Send a new
//! code", "Use a different email", cancel.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{live_page, App, Post};
use crate::error::ApiError;
use crate::html::hosted::{code_page, CodePage, CodeStep, Frame};
use crate::model::{PendingAuth, Stage};
use crate::state::AppState;
use crate::store::StoreError;
use crate::world::{SignInStep, World};

/// Which code a page checks.
fn check(
    w: &mut World,
    step: CodeStep,
    rid: &str,
    code: &str,
    now_ms: i64,
) -> Result<SignInStep, StoreError> {
    match step {
        CodeStep::VerifyEmail => w.verify_email_code(rid, code, now_ms),
        CodeStep::MagicCode => w.verify_magic_code(rid, code, now_ms),
        CodeStep::Totp => w.verify_totp(rid, code, now_ms),
    }
}

async fn post_code(state: AppState, post: Post, which: CodeStep) -> Result<Response, ApiError> {
    let (rid, now_ms, form) = (post.rid(), post.now_ms, &post.form);
    if let Some(cancelled) = post.cancelled() {
        return Ok(post.answer(cancelled));
    }
    let intent = form.field("intent");
    let outcome = match (which, intent.as_str()) {
        (CodeStep::VerifyEmail | CodeStep::MagicCode, "resend") => {
            state.with_world(|w| w.resend_code(rid, now_ms))
        }
        (CodeStep::MagicCode, "back") => state.with_world(|w| w.leave_magic_auth(rid, now_ms)),
        _ => {
            let code = form.field("code");
            state
                .with_world(|w| check(w, which, rid, &code, now_ms))
                .map_err(|e| ApiError::page_storage("the sign-in", &e))?
        }
    };
    let resent = intent == "resend";
    match outcome {
        SignInStep::Retry(e) => Ok(render(&state, rid, which, Some(&e.to_string()), None)),
        SignInStep::Next(page) if resent && page.path() == which.page() => Ok(render(
            &state,
            rid,
            which,
            None,
            Some("We sent a new code. The previous one no longer works."),
        )),
        other => Ok(post.answer(other)),
    }
}

/// The code page again, with an error beside the field or a notice.
fn render(
    state: &AppState,
    rid: &str,
    which: CodeStep,
    error: Option<&str>,
    notice: Option<&str>,
) -> Response {
    let Some(p) = live_page(state, rid) else {
        return super::see_other("sign-in", rid);
    };
    let app = App::of(state, &p.client_id);
    code_page_of(&app.frame(rid), &p, which, error, notice)
}

/// The code page `which` of `p`: the address its code went to (none for the authenticator
/// app), an error beside the field (`400`) or a notice.
pub(crate) fn code_page_of(
    f: &Frame<'_>,
    p: &PendingAuth,
    which: CodeStep,
    error: Option<&str>,
    notice: Option<&str>,
) -> Response {
    let email = match &p.stage {
        Stage::MagicCode(ch) | Stage::VerifyEmail { challenge: ch, .. } => ch.email.as_str(),
        _ => "",
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    code_page(
        f,
        which,
        &CodePage {
            email,
            error,
            banner_error: None,
            notice,
        },
        status,
    )
}

/// `POST /hosted/verify-email`.
pub async fn post_verify_email(
    State(state): State<AppState>,
    post: Post,
) -> Result<Response, ApiError> {
    post_code(state, post, CodeStep::VerifyEmail).await
}

/// `POST /hosted/magic-code`.
pub async fn post_magic_code(
    State(state): State<AppState>,
    post: Post,
) -> Result<Response, ApiError> {
    post_code(state, post, CodeStep::MagicCode).await
}

/// `POST /hosted/mfa`.
pub async fn post_mfa(State(state): State<AppState>, post: Post) -> Result<Response, ApiError> {
    post_code(state, post, CodeStep::Totp).await
}
