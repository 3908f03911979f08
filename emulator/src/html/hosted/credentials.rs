//! Sign-in, sign-up and the organization picker.

use axum::http::StatusCode;
use axum::response::Response;

use super::Frame;
use crate::html::esc;
use crate::html::form::{error_banner, info_banner, rid_input, submit, Input};

/// What the sign-in page shows.
#[derive(Debug, Clone, Default)]
pub struct SignInView<'a> {
    /// The email field's value.
    pub email: &'a str,
    /// The email is fixed (an invitation's address).
    pub email_locked: bool,
    /// An informational banner.
    pub notice: Option<&'a str>,
    /// A form-level error.
    pub error: Option<&'a str>,
    /// The error beside the email field.
    pub email_error: Option<&'a str>,
    /// The error beside the password field.
    pub password_error: Option<&'a str>,
    /// Offer Google, Magic Auth and password reset (AuthKit's own pages, not a direct
    /// provider's stand-in).
    pub alternatives: bool,
}

/// What the sign-up page shows.
#[derive(Debug, Clone, Default)]
pub struct SignUpView<'a> {
    /// Field values: email, first name, last name.
    pub email: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// The email is fixed (an invitation's address).
    pub email_locked: bool,
    /// An informational banner.
    pub notice: Option<&'a str>,
    /// A form-level error.
    pub error: Option<&'a str>,
    /// The error beside the email field.
    pub email_error: Option<&'a str>,
    /// The error beside the password field.
    pub password_error: Option<&'a str>,
    /// Offer Google.
    pub alternatives: bool,
}

fn google_button(f: &Frame<'_>) -> String {
    format!(
        "<a id=\"google\" class=\"button secondary\" href=\"{}\">\
<span class=\"google-mark\" aria-hidden=\"true\">G</span>Continue with Google (emulated)</a>\
<div class=\"divider\" role=\"separator\">or</div>",
        f.href("google")
    )
}

/// The sign-in page (`/hosted/sign-in`).
pub fn sign_in(f: &Frame<'_>, v: &SignInView<'_>, status: StatusCode) -> Response {
    let email = Input::new("email", "Email", "email")
        .value(v.email)
        .autocomplete("username")
        .required()
        .readonly(v.email_locked)
        .autofocus(v.email.is_empty())
        .error(v.email_error)
        .render();
    let password = Input::new("password", "Password", "password")
        .autocomplete("current-password")
        .required()
        .autofocus(!v.email.is_empty() && v.email_error.is_none())
        .error(v.password_error)
        .render();
    let (alternatives, forgot, magic) = if v.alternatives {
        (
            google_button(f),
            format!(
                "<p class=\"links\" style=\"margin-top:-.5rem\"><a id=\"forgot-password\" href=\"{}{}\">Forgot password?</a></p>",
                f.href("forgot-password"),
                if v.email.is_empty() {
                    String::new()
                } else {
                    // The address typed so far goes along (a wrong password, then this link).
                    esc(&format!(
                        "&email={}",
                        form_urlencoded::byte_serialize(v.email.as_bytes()).collect::<String>()
                    ))
                }
            ),
            submit("magic-code", "secondary", "Email me a code", Some("magic")),
        )
    } else {
        Default::default()
    };
    let body = format!(
        "{notice}{error}{alternatives}\
<form method=\"post\" action=\"{action}\" novalidate>{rid}{email}{password}{forgot}\
{signin}{magic}</form>\
<div class=\"links\"><p>Don't have an account? <a id=\"to-sign-up\" href=\"{up}\">Sign up</a></p></div>\
{cancel}",
        notice = info_banner(v.notice),
        error = error_banner(v.error),
        action = f.href("sign-in"),
        rid = rid_input(f.rid),
        signin = submit("submit", "primary", "Sign in", None),
        up = f.href("sign-up"),
        cancel = f.cancel("sign-in"),
    );
    f.page(
        status,
        "Sign in",
        &format!("to continue to {}", f.app),
        &body,
    )
}

/// The sign-up page (`/hosted/sign-up`).
pub fn sign_up(f: &Frame<'_>, v: &SignUpView<'_>, status: StatusCode) -> Response {
    let first = Input::first_name(v.first_name)
        .autofocus(v.email_error.is_none() && v.password_error.is_none())
        .render();
    let last = Input::last_name(v.last_name).render();
    let email = Input::new("email", "Email", "email")
        .value(v.email)
        .autocomplete("email")
        .required()
        .readonly(v.email_locked)
        .error(v.email_error)
        .render();
    let password = Input::new_password("Password")
        .error(v.password_error)
        .render();
    let body = format!(
        "{notice}{error}{alternatives}\
<form method=\"post\" action=\"{action}\" novalidate>{rid}{first}{last}{email}{password}{create}</form>\
<div class=\"links\"><p>Already have an account? <a id=\"to-sign-in\" href=\"{inp}\">Sign in</a></p></div>\
{cancel}",
        notice = info_banner(v.notice),
        error = error_banner(v.error),
        alternatives = if v.alternatives { google_button(f) } else { String::new() },
        action = f.href("sign-up"),
        rid = rid_input(f.rid),
        create = submit("submit", "primary", "Create account", None),
        inp = f.href("sign-in"),
        cancel = f.cancel("sign-up"),
    );
    f.page(
        status,
        "Create an account",
        &format!("to continue to {}", f.app),
        &body,
    )
}

/// The organization picker (a known user with several memberships).
pub fn org_picker(f: &Frame<'_>, orgs: &[(String, String)], error: Option<&str>) -> Response {
    let options: String = orgs
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            format!(
                "<label class=\"choice\" for=\"org-{i}\"><input type=\"radio\" name=\"organization_id\" value=\"{id}\" id=\"org-{i}\"{checked}>{name}</label>",
                id = esc(id),
                name = esc(name),
                checked = if i == 0 { " checked" } else { "" },
            )
        })
        .collect();
    let body = format!(
        "{err}<form method=\"post\" action=\"{action}\">{rid}\
<fieldset style=\"border:0;padding:0;margin:0\"><legend class=\"visually-hidden\">Organization</legend>{options}</fieldset>\
{go}</form>{cancel}",
        err = error_banner(error),
        action = f.href("sign-in"),
        rid = rid_input(f.rid),
        go = submit("submit", "primary", "Continue", None),
        cancel = f.cancel("sign-in"),
    );
    f.page(
        StatusCode::OK,
        "Choose an organization",
        "You belong to several. Which one do you want to use?",
        &body,
    )
}
