//! The hosted pages (AuthKit's stand-ins), one module per kind: credentials (sign-in, sign-up,
//! organization picker), one-time codes (email verification, Magic Auth, authenticator app),
//! password reset, and the emulated Google consent page. Every page is a [`Frame`]: the app's
//! name and colours, and the request's `rid`.

mod codes;
mod credentials;
mod google;
mod password;

pub use codes::{code_page, CodePage, CodeStep};
pub use credentials::{org_picker, sign_in, sign_up, SignInView, SignUpView};
pub use google::{google_consent, GoogleView};
pub use password::{forgot_password, new_password, reset_sent, NewPasswordView};

use axum::http::StatusCode;
use axum::response::Response;

use super::brand::Brand;
use super::esc;
use super::form::cancel_form;

/// What every hosted page shows and carries: the app and the request.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The app's name.
    pub app: &'a str,
    /// The app's colours.
    pub brand: &'a Brand,
    /// The request id (hidden input, links).
    pub rid: &'a str,
}

impl Frame<'_> {
    /// `/hosted/{page}?rid=…`, escaped for an attribute.
    pub fn href(&self, page: &str) -> String {
        esc(&format!("/hosted/{page}?rid={}", self.rid))
    }

    /// The Cancel form of `page` (it posts to the page itself, with the request id).
    pub fn cancel(&self, page: &str) -> String {
        cancel_form(
            &format!("/hosted/{page}?rid={}", self.rid),
            self.rid,
            self.app,
        )
    }

    /// The page: heading `title` (`#title`), a lead paragraph, then `body`.
    pub fn page(&self, status: StatusCode, title: &str, lead: &str, body: &str) -> Response {
        let lead = if lead.is_empty() {
            String::new()
        } else {
            format!("<p class=\"lead\">{}</p>", esc(lead))
        };
        super::branded_page(
            status,
            self.brand,
            self.app,
            title,
            &format!("<h1 id=\"title\">{}</h1>{lead}{body}", esc(title)),
        )
    }
}
