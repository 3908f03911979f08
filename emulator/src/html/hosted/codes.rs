//! The one-time-code pages: email verification, Magic Auth and the authenticator app.

use axum::http::StatusCode;
use axum::response::Response;

use super::Frame;
use crate::html::form::{error_banner, info_banner, rid_input, submit, Input};

/// Which code is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStep {
    /// The code emailed to verify the address (`/hosted/verify-email`).
    VerifyEmail,
    /// The Magic Auth code (`/hosted/magic-code`).
    MagicCode,
    /// The authenticator app's code (`/hosted/mfa`).
    Totp,
}

impl CodeStep {
    /// The page's path segment.
    pub fn page(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify-email",
            Self::MagicCode => "magic-code",
            Self::Totp => "mfa",
        }
    }
}

/// What a code page shows.
#[derive(Debug, Clone, Default)]
pub struct CodePage<'a> {
    /// Where the code went (the email address), for the emailed codes.
    pub email: &'a str,
    /// The error beside the code field.
    pub error: Option<&'a str>,
    /// A form-level error (the code can no longer be used).
    pub banner_error: Option<&'a str>,
    /// An informational banner ("We sent a new code").
    pub notice: Option<&'a str>,
}

/// A code page.
pub fn code_page(f: &Frame<'_>, step: CodeStep, v: &CodePage<'_>, status: StatusCode) -> Response {
    let (title, lead, label, go, extra) = match step {
        CodeStep::VerifyEmail => (
            "Verify your email",
            format!(
                "We sent a 6-digit code to {}. Enter it to finish signing in.",
                v.email
            ),
            "Verification code",
            "Verify email",
            submit("resend", "secondary", "Send a new code", Some("resend")),
        ),
        CodeStep::MagicCode => (
            "Check your email",
            format!(
                "We sent a 6-digit sign-in code to {}. It works for 10 minutes.",
                v.email
            ),
            "Sign-in code",
            "Continue",
            format!(
                "{}{}",
                submit("resend", "secondary", "Send a new code", Some("resend")),
                submit("back", "quiet", "Use a different email", Some("back"))
            ),
        ),
        CodeStep::Totp => (
            "Two-factor authentication",
            "Enter the 6-digit code from your authenticator app.".to_string(),
            "Authentication code",
            "Verify",
            String::new(),
        ),
    };
    let code = Input::code("code", label)
        .hint("6 digits")
        .autofocus(true)
        .error(v.error)
        .render();
    let body = format!(
        "{notice}{error}<form method=\"post\" action=\"{action}\" novalidate>{rid}{code}{go}{extra}</form>{cancel}",
        notice = info_banner(v.notice),
        error = error_banner(v.banner_error),
        action = f.href(step.page()),
        rid = rid_input(f.rid),
        go = submit("submit", "primary", go, None),
        cancel = f.cancel(step.page()),
    );
    f.page(status, title, &lead, &body)
}
