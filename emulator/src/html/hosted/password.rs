//! Password reset: the forgot-password page, the "check your email" page and the
//! new-password page.

use axum::http::StatusCode;
use axum::response::Response;

use super::Frame;
use crate::html::esc;
use crate::html::form::{error_banner, rid_input, submit, Input};
use crate::world::RESET_TTL_SECS;

/// The forgot-password page (`/hosted/forgot-password`).
pub fn forgot_password(
    f: &Frame<'_>,
    email: &str,
    email_error: Option<&str>,
    status: StatusCode,
) -> Response {
    let field = Input::new("email", "Email", "email")
        .value(email)
        .autocomplete("username")
        .required()
        .autofocus(true)
        .error(email_error)
        .render();
    let body = format!(
        "<form method=\"post\" action=\"{action}\" novalidate>{rid}{field}{go}</form>\
<div class=\"links\"><p><a id=\"to-sign-in\" href=\"{back}\">Back to sign in</a></p></div>",
        action = f.href("forgot-password"),
        rid = rid_input(f.rid),
        go = submit("submit", "primary", "Send reset link", None),
        back = f.href("sign-in"),
    );
    f.page(
        status,
        "Reset your password",
        "Enter your email and we will send you a link to choose a new password.",
        &body,
    )
}

/// After the forgot-password form: the same answer whether or not the account exists.
pub fn reset_sent(f: &Frame<'_>, email: &str) -> Response {
    let body = format!(
        "<div class=\"banner info\" id=\"notice\" role=\"status\">If an account exists for \
<strong>{email}</strong>, we sent it a link to reset the password. The link works for {mins} \
minutes.</div>\
<div class=\"links\"><p><a id=\"to-sign-in\" href=\"{back}\">Back to sign in</a></p></div>",
        email = esc(email),
        mins = RESET_TTL_SECS / 60,
        back = f.href("sign-in"),
    );
    f.page(StatusCode::OK, "Check your email", "", &body)
}

/// What the new-password page shows.
#[derive(Debug, Clone, Default)]
pub struct NewPasswordView<'a> {
    /// The account.
    pub email: &'a str,
    /// The error beside the password field.
    pub password_error: Option<&'a str>,
    /// A form-level error.
    pub error: Option<&'a str>,
}

/// The new-password page (`/hosted/new-password`), reached through the app's sign-in endpoint.
pub fn new_password(f: &Frame<'_>, v: &NewPasswordView<'_>, status: StatusCode) -> Response {
    // The username field lets password managers file the new password under the account.
    let field = Input::new_password("New password")
        .autofocus(true)
        .error(v.password_error)
        .render();
    let body = format!(
        "{err}<form method=\"post\" action=\"{action}\" novalidate>{rid}\
<input type=\"text\" name=\"username\" value=\"{email}\" autocomplete=\"username\" hidden>\
{field}{go}{skip}</form>{cancel}",
        err = error_banner(v.error),
        action = f.href("new-password"),
        rid = rid_input(f.rid),
        email = esc(v.email),
        go = submit("submit", "primary", "Set password and continue", None),
        skip = submit(
            "sign-in-instead",
            "quiet",
            "Sign in another way",
            Some("skip")
        ),
        cancel = f.cancel("new-password"),
    );
    f.page(
        status,
        "Choose a new password",
        &format!("for {}", v.email),
        &body,
    )
}
