//! Refresh timing and retry maths: when to refresh, how long to back off, which failures are
//! transient.

use crate::protocol::wire::ApiErrorBody;

/// Milliseconds from `now_ms` until the refresh should run (`expires_at_ms − buffer`), clamped
/// to `0..=i32::MAX` so it fits `setTimeout`.
pub fn refresh_delay_ms(expires_at_ms: f64, now_ms: f64, buffer_secs: u32) -> u32 {
    let _ = (expires_at_ms, now_ms, buffer_secs);
    todo!("sdk-core")
}

/// Delay before retry number `attempt` (1-based) after a transient failure: exponential from
/// 1 s, capped at 60 s, scaled by `jitter` in `0.0..=1.0` to between 50 % and 100 %; never less
/// than `retry_after_ms` when the server sent `Retry-After`.
pub fn backoff_ms(attempt: u32, retry_after_ms: Option<u64>, jitter: f64) -> u64 {
    let _ = (attempt, retry_after_ms, jitter);
    todo!("sdk-core")
}

/// Parses `Retry-After`: delta seconds or an HTTP-date (relative to `now_ms`), capped at 60 s.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let _ = (value, now_ms);
    todo!("sdk-core")
}

/// True when a failed refresh is transient (keep the session, retry): 408, 429, 5xx, or a body
/// that is not a JSON error. Everything else (e.g. 400 `invalid_grant`) is terminal.
pub fn is_transient_status(status: u16, body: Option<&ApiErrorBody>) -> bool {
    let _ = (status, body);
    todo!("sdk-core")
}
