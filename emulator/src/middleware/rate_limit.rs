//! Optional fixed-window rate limits per `"METHOD /path"` (settings `rate_limits`), counted on
//! the emulator clock. Over the limit: `429 {"error":"too_many_requests",…}` + `Retry-After`.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::settings::RateLimitBody;
use crate::state::AppState;

/// The middleware.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = format!("{} {}", req.method(), req.uri().path());
    let retry_after = {
        let mut w = state.world();
        match w.settings.rate_limits.get(&key).copied() {
            None => None,
            Some(limit) => {
                let now = state.clock.now_secs();
                let window = i64::from(limit.window_secs.max(1));
                let entry = w.rate.entry(key).or_insert((now, 0));
                if now >= entry.0 + window || now < entry.0 {
                    *entry = (now, 0);
                }
                if entry.1 >= limit.limit {
                    Some(((entry.0 + window - now).max(1), limit.body))
                } else {
                    entry.1 += 1;
                    None
                }
            }
        }
    };
    match retry_after {
        None => next.run(req).await,
        Some((secs, shape)) => {
            let body = match shape {
                RateLimitBody::DailyQuotaExceeded => serde_json::json!({
                    "code": "daily_quota_exceeded",
                    "message": "Daily quota exceeded.",
                }),
                _ => serde_json::json!({
                    "error": "too_many_requests",
                    "error_description": "Rate limit exceeded. Please retry later.",
                }),
            };
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
            resp
        }
    }
}
