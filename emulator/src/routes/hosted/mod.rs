//! The hosted pages (`/hosted/…`): real HTML forms, no JavaScript. The authorize request stays
//! server-side under an unguessable `rid` ([`crate::world::SignInStep`]); a page opened without
//! a live `rid` (a bookmark, a stale tab) sends the browser to the app's sign-in endpoint, and
//! so do the links in emails (password reset, invitation), which do not start at the app.
//!
//! After a POST the browser is sent on with `303 See Other` to the page of the request's next
//! step (`/hosted/verify-email`, `/hosted/magic-code`, `/hosted/mfa`, …), so a reload never
//! posts twice; the organization picker is the answer to the post itself, as before.

mod codes;
mod credentials;
mod google;
mod links;
mod password;
mod post;

pub use codes::{post_magic_code, post_mfa, post_verify_email};
pub use credentials::{post_sign_in, post_sign_up};
pub use google::post_google;
pub use links::{invitation_link, reset_link, RESET_COOKIE};
pub use password::{post_forgot_password, post_new_password};
pub(crate) use post::Post;

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::common::{client_or_first, redirect, sign_in_endpoint_for, with_query};
use crate::error::ApiError;
use crate::html::brand::Brand;
use crate::html::hosted::{self as pages, CodeStep, Frame};
use crate::html::{self};
use crate::model::{PendingAuth, Stage};
use crate::state::AppState;
use crate::world::{NextPage, SignInStep};

pub use crate::world::PENDING_TTL_SECS;

/// A hosted page, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/hosted/sign-in`.
    SignIn,
    /// `/hosted/sign-up`.
    SignUp,
    /// `/hosted/forgot-password`.
    ForgotPassword,
    /// `/hosted/google`.
    Google,
    /// `/hosted/verify-email`.
    VerifyEmail,
    /// `/hosted/magic-code`.
    MagicCode,
    /// `/hosted/mfa`.
    Mfa,
    /// `/hosted/new-password`.
    NewPassword,
}

impl Page {
    /// The path segment.
    pub fn path(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignUp => "sign-up",
            Self::ForgotPassword => "forgot-password",
            Self::Google => "google",
            Self::VerifyEmail => "verify-email",
            Self::MagicCode => "magic-code",
            Self::Mfa => "mfa",
            Self::NewPassword => "new-password",
        }
    }

    /// The page a stage must be shown on, when it has one of its own.
    fn of_stage(stage: &Stage) -> Option<Self> {
        match stage {
            Stage::Start | Stage::Organization { .. } => None,
            Stage::MagicCode(_) => Some(Self::MagicCode),
            Stage::VerifyEmail { .. } => Some(Self::VerifyEmail),
            Stage::Totp { .. } => Some(Self::Mfa),
            Stage::NewPassword { .. } => Some(Self::NewPassword),
        }
    }
}

/// The request's app: its name and colours.
pub(crate) struct App {
    name: String,
    brand: Brand,
}

impl App {
    pub(crate) fn of(state: &AppState, client_id: &str) -> Self {
        client_or_first(state, Some(client_id))
            .map(|c| Self {
                name: c.name,
                brand: c.brand,
            })
            .unwrap_or_else(|| Self {
                name: String::new(),
                brand: Brand::default(),
            })
    }

    pub(crate) fn frame<'a>(&'a self, rid: &'a str) -> Frame<'a> {
        Frame {
            app: &self.name,
            brand: &self.brand,
            rid,
        }
    }
}

/// The live, unfinished request under `rid`.
pub(crate) fn live_page(state: &AppState, rid: &str) -> Option<PendingAuth> {
    let now = state.clock().now_secs();
    state.with_world(|w| w.sign_in_page(rid, now).cloned())
}

/// No live request: send the browser to the app's sign-in endpoint with `login_hint` (and
/// `invitation_token` when a link carried one).
pub(crate) fn restart_at_app(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Response {
    let client = client_or_first(state, q.get("client_id").map(String::as_str));
    let param = |k: &str| q.get(k).map(String::as_str).filter(|s| !s.is_empty());
    match client.and_then(|c| sign_in_endpoint_for(&c, headers)) {
        Some(url) => redirect(&with_query(
            url.as_str(),
            &[
                ("login_hint", param("login_hint")),
                ("invitation_token", param("invitation_token")),
            ],
        )),
        None => html::error_page(
            StatusCode::BAD_REQUEST,
            "sign-in-endpoint-not-configured",
            "This sign-in page is no longer valid and the application has no sign-in endpoint.",
        ),
    }
}

/// `303 See Other` to another page of the request.
pub(crate) fn see_other(page: &str, rid: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/hosted/{page}?rid={rid}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The answer to a step: a redirect to the app, the picker, the next page, or (the request is
/// gone) the app's sign-in endpoint. A `Retry` is answered by the code pages themselves.
pub(crate) fn answer(
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
        } => {
            let client = live_page(state, rid)
                .map(|p| p.client_id)
                .unwrap_or_default();
            let app = App::of(state, &client);
            pages::org_picker(
                &app.frame(rid),
                &orgs,
                invalid_choice.then_some("Choose one of your organizations."),
            )
        }
        SignInStep::Next(page) => see_other(page.path(), rid),
        SignInStep::Retry(_) | SignInStep::Expired => restart_at_app(state, headers, restart),
    }
}

/// Whether `email` looks like an address (the pages' check; the API does not care).
pub(crate) fn plausible_email(email: &str) -> bool {
    let parts = email.split_once('@');
    email.len() <= 320
        && !email.contains(char::is_whitespace)
        && parts.is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// Why a new password (sign-up, reset) is refused, if it is: fewer than 8 characters.
pub(crate) fn new_password_error(password: &str) -> Option<&'static str> {
    (password.chars().count() < 8).then_some("The password must have at least 8 characters.")
}

/// Hash a new password off the async workers (argon2 is deliberately slow); a failure is a
/// `500` page.
pub(crate) async fn hash_new_password(password: String) -> Result<String, ApiError> {
    match tokio::task::spawn_blocking(move || crate::password::hash(&password)).await {
        Ok(Ok(hash)) => Ok(hash),
        _ => Err(ApiError::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "password-hashing-failed",
            "The emulator could not hash the password. Go back and try again.",
        )),
    }
}

/// What the first pages show for an invitation: its fixed address and a banner.
pub(crate) fn invitation_view(state: &AppState, p: &PendingAuth) -> Option<(String, String)> {
    let id = p.invitation.as_deref()?;
    state.with_world(|w| {
        let inv = w.invitation(id)?;
        let org = w
            .organization(&inv.organization_id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| inv.organization_id.clone());
        Some((
            inv.email.clone(),
            format!("You have been invited to join {org} as {}.", inv.email),
        ))
    })
}

/// Render the page a request shows at `page` (or send the browser to the page its stage
/// requires).
pub(crate) fn show(
    state: &AppState,
    rid: &str,
    p: &PendingAuth,
    page: Page,
    email: Option<&str>,
) -> Response {
    let app = App::of(state, &p.client_id);
    let f = app.frame(rid);
    if let Stage::Organization { user_id } = &p.stage {
        let orgs = state.with_world(|w| w.picker_choices(user_id));
        return pages::org_picker(&f, &orgs, None);
    }
    let own = Page::of_stage(&p.stage);
    let wanted = match own {
        Some(own) => own,
        None if matches!(
            page,
            Page::VerifyEmail | Page::MagicCode | Page::Mfa | Page::NewPassword
        ) =>
        {
            Page::SignIn
        }
        None => page,
    };
    if wanted != page {
        return see_other(wanted.path(), rid);
    }
    match (page, &p.stage) {
        (Page::SignIn, _) => credentials::sign_in_page(state, &f, p, Default::default()),
        (Page::SignUp, _) => credentials::sign_up_page(state, &f, p, Default::default()),
        (Page::ForgotPassword, _) => pages::forgot_password(
            &f,
            email.or(p.login_hint.as_deref()).unwrap_or_default(),
            None,
            StatusCode::OK,
        ),
        (Page::Google, _) => google::consent_page(state, &f, p, Default::default()),
        (Page::VerifyEmail, Stage::VerifyEmail { .. }) => {
            codes::code_page_of(&f, p, CodeStep::VerifyEmail, None, None)
        }
        (Page::MagicCode, Stage::MagicCode(_)) => {
            codes::code_page_of(&f, p, CodeStep::MagicCode, None, None)
        }
        (Page::Mfa, _) => codes::code_page_of(&f, p, CodeStep::Totp, None, None),
        (Page::NewPassword, Stage::NewPassword { user_id, .. }) => {
            password::new_password_page(state, &f, user_id, None)
        }
        _ => see_other(NextPage::SignIn.path(), rid),
    }
}

/// `GET /hosted/{page}?rid=…` (`&email=…`: the address typed on the sign-in page, for the
/// forgot-password page).
fn get_page(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    page: Page,
) -> Response {
    let rid = q.get("rid").map(String::as_str).unwrap_or_default();
    match live_page(state, rid) {
        Some(p) => {
            let email = q.get("email").map(String::as_str).filter(|e| !e.is_empty());
            show(state, rid, &p, page, email)
        }
        None => restart_at_app(state, headers, q),
    }
}

macro_rules! get_handler {
    ($name:ident, $page:expr, $doc:literal) => {
        #[doc = $doc]
        pub async fn $name(
            State(state): State<AppState>,
            headers: HeaderMap,
            Query(q): Query<HashMap<String, String>>,
        ) -> Response {
            get_page(&state, &headers, &q, $page)
        }
    };
}

get_handler!(get_sign_in, Page::SignIn, "`GET /hosted/sign-in`.");
get_handler!(get_sign_up, Page::SignUp, "`GET /hosted/sign-up`.");
get_handler!(
    get_forgot_password,
    Page::ForgotPassword,
    "`GET /hosted/forgot-password`."
);
get_handler!(get_google, Page::Google, "`GET /hosted/google`.");
get_handler!(
    get_verify_email,
    Page::VerifyEmail,
    "`GET /hosted/verify-email`."
);
get_handler!(get_magic_code, Page::MagicCode, "`GET /hosted/magic-code`.");
get_handler!(get_mfa, Page::Mfa, "`GET /hosted/mfa`.");
get_handler!(
    get_new_password,
    Page::NewPassword,
    "`GET /hosted/new-password`."
);
