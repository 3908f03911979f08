//! Optional fixed-window rate limits per `"METHOD /path"` (settings `rate_limits`), counted on
//! the emulator clock. Over the limit: `429` with `Retry-After` ([`crate::error::ApiError::RateLimited`]).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The middleware.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = format!("{} {}", req.method(), req.uri().path());
    let now = state.clock().now_secs();
    match state.with_world(|w| w.check_rate(&route, now)) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}
