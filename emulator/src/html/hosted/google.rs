//! The emulated Google consent page: no Google server is contacted; the person types the
//! Google account's address (and a name, used when the account is new).

use axum::http::StatusCode;
use axum::response::Response;

use super::Frame;
use crate::html::form::{error_banner, rid_input, submit, Input};

/// What the consent page shows.
#[derive(Debug, Clone, Default)]
pub struct GoogleView<'a> {
    /// Field values.
    pub email: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// The email is fixed (an invitation's address).
    pub email_locked: bool,
    /// The error beside the email field.
    pub email_error: Option<&'a str>,
    /// A form-level error.
    pub error: Option<&'a str>,
    /// Offer a way back to the sign-in page (the request is AuthKit's own).
    pub back: bool,
}

/// The consent page (`/hosted/google`).
pub fn google_consent(f: &Frame<'_>, v: &GoogleView<'_>, status: StatusCode) -> Response {
    let email = Input::new("email", "Google account email", "email")
        .value(v.email)
        .autocomplete("email")
        .required()
        .readonly(v.email_locked)
        .autofocus(!v.email_locked)
        .error(v.email_error)
        .render();
    let first = Input::first_name(v.first_name)
        .hint("Used when this creates a new account.")
        .render();
    let last = Input::last_name(v.last_name).render();
    let back = if v.back {
        format!(
            "<div class=\"links\"><p><a id=\"back\" href=\"{}\">Back to other ways to sign in</a></p></div>",
            f.href("sign-in")
        )
    } else {
        String::new()
    };
    let body = format!(
        "<div class=\"banner info\" role=\"note\">This page stands in for Google: nothing is sent \
to Google. {app} will receive the account's name and email address.</div>{err}\
<form method=\"post\" action=\"{action}\" novalidate>{rid}{email}{first}{last}{go}</form>{back}{cancel}",
        app = crate::html::esc(f.app),
        err = error_banner(v.error),
        action = f.href("google"),
        rid = rid_input(f.rid),
        go = submit("submit", "primary", "Allow and continue", None),
        cancel = f.cancel("google"),
    );
    f.page(
        status,
        "Sign in with Google",
        &format!("Choose the Google account to use with {}", f.app),
        &body,
    )
}
