//! The HTTP routes and the middleware stack.

pub mod authenticate;
pub mod authorize;
pub mod common;
pub mod control;
pub mod dashboard;
pub mod hosted;
pub mod issue;
pub mod jwks;
pub mod logout;

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

use crate::middleware::{context, cors, faults, rate_limit};
use crate::state::AppState;

/// The full application router with its middleware.
pub fn router(state: AppState) -> Router {
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
            get(control::impersonate_get).post(control::impersonate_post),
        )
        .route("/_emulator/users", get(control::users))
        .route("/_emulator/organizations", get(control::organizations))
        .route(
            "/_emulator/organizations/{id}/policy",
            post(control::set_policy),
        )
        .route("/_emulator/error/{code}", get(control::error_page))
        .layer(from_fn_with_state(state.clone(), faults::faults))
        .layer(from_fn_with_state(state.clone(), rate_limit::rate_limit))
        .layer(from_fn_with_state(state.clone(), cors::cors))
        .layer(from_fn_with_state(state.clone(), context::context))
        .with_state(state)
}
