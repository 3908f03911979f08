//! The HTTP routes and the middleware stack.

pub mod authenticate;
pub mod authorize;
pub mod common;
pub mod control;
pub mod dashboard;
pub mod hosted;
pub mod invitations;
pub mod jwks;
pub mod logout;
pub mod mailbox;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;

use crate::middleware::{context, control_guard, cors, faults, panic, rate_limit};
use crate::state::AppState;

/// The full application router with its middleware.
pub fn router(state: AppState) -> Router {
    with_middleware(state, routes())
}

/// Every route, without middleware.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user_management/authorize", get(authorize::authorize))
        .route(
            "/user_management/authenticate",
            post(authenticate::authenticate),
        )
        .route("/user_management/sessions/logout", get(logout::logout))
        .route("/sso/jwks/{client_id}", get(jwks::jwks))
        .route(
            "/hosted/sign-in",
            get(hosted::get_sign_in).post(hosted::post_sign_in),
        )
        .route(
            "/hosted/sign-up",
            get(hosted::get_sign_up).post(hosted::post_sign_up),
        )
        .route(
            "/hosted/forgot-password",
            get(hosted::get_forgot_password).post(hosted::post_forgot_password),
        )
        .route("/hosted/reset-password", get(hosted::reset_link))
        .route(
            "/hosted/new-password",
            get(hosted::get_new_password).post(hosted::post_new_password),
        )
        .route(
            "/hosted/magic-code",
            get(hosted::get_magic_code).post(hosted::post_magic_code),
        )
        .route(
            "/hosted/verify-email",
            get(hosted::get_verify_email).post(hosted::post_verify_email),
        )
        .route("/hosted/mfa", get(hosted::get_mfa).post(hosted::post_mfa))
        .route(
            "/hosted/google",
            get(hosted::get_google).post(hosted::post_google),
        )
        .route("/hosted/invite", get(hosted::invitation_link))
        .route("/_emulator", get(dashboard::dashboard))
        .route("/_emulator/", get(dashboard::dashboard))
        .route("/_emulator/reset", post(control::reset))
        .route(
            "/_emulator/faults",
            post(control::add_fault)
                .get(control::list_faults)
                .delete(control::clear_faults),
        )
        .route(
            "/_emulator/clock",
            get(control::get_clock).post(control::set_clock),
        )
        .route(
            "/_emulator/config",
            get(control::get_config).post(control::set_config),
        )
        .route(
            "/_emulator/requests",
            get(control::get_requests).delete(control::clear_requests),
        )
        .route("/_emulator/sessions", get(control::sessions))
        .route("/_emulator/sessions/{id}/revoke", post(control::revoke))
        .route("/_emulator/keys/rotate", post(control::rotate))
        .route("/_emulator/codes", post(control::mint_code))
        .route(
            "/_emulator/impersonate",
            get(control::impersonate_get_refused).post(control::impersonate_post),
        )
        .route(
            "/_emulator/impersonate/{ticket}",
            get(control::impersonation_link),
        )
        .route("/_emulator/users", get(control::users))
        .route("/_emulator/memberships", post(control::update_membership))
        .route("/_emulator/organizations", get(control::organizations))
        .route(
            "/_emulator/organizations/{id}",
            post(control::update_organization),
        )
        .route(
            "/_emulator/organizations/{id}/policy",
            post(control::set_policy),
        )
        .route("/_emulator/clients", get(control::clients))
        .route("/_emulator/clients/{id}", post(control::update_client))
        .route("/_emulator/stats", get(control::stats))
        .route(
            "/_emulator/mailbox",
            get(mailbox::mailbox_json).delete(mailbox::clear_mailbox),
        )
        .route("/_emulator/mailbox.html", get(mailbox::mailbox_page))
        .route(
            "/_emulator/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/_emulator/invitations/{id}/revoke",
            post(invitations::revoke),
        )
        .route("/_emulator/error/{code}", get(control::error_page))
        .fallback(control::no_route)
        .method_not_allowed_fallback(control::wrong_method)
}

/// `routes` wrapped in the middleware stack, outermost last: CORS preflights, control guard,
/// rate limits and faults inside; then the panic catcher, the request context (id, body, log),
/// and outermost the CORS origin headers, so that every answer carries them, the context's
/// body errors (`408`/`413`/`400`) and the panic catcher's `500` included.
pub fn with_middleware(state: AppState, routes: Router<AppState>) -> Router {
    routes
        .layer(from_fn_with_state(state.clone(), faults::faults))
        .layer(from_fn_with_state(state.clone(), rate_limit::rate_limit))
        .layer(from_fn_with_state(
            state.clone(),
            control_guard::control_guard,
        ))
        .layer(from_fn_with_state(state.clone(), cors::preflight))
        .layer(from_fn(panic::catch_panic))
        .layer(from_fn_with_state(state.clone(), context::context))
        .layer(from_fn_with_state(state.clone(), cors::cors))
        .with_state(state)
}
