//! Request context: `X-Request-ID` on every response, the body read in full (limit and timeout,
//! [`super::body`]), the grant type of authenticate bodies, the request log and the tracing
//! line (method, path, status, latency; never secrets).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use crate::error::ApiError;
use crate::ids;
use crate::reqlog::LogEntry;
use crate::state::AppState;

/// Per-request facts for the log.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// Method.
    pub method: String,
    /// Path (no query).
    pub path: String,
    /// `grant_type` of an authenticate body.
    pub grant_type: Option<String>,
    /// `Origin` header.
    pub origin: Option<String>,
    /// Arrival, emulator epoch ms.
    pub at_ms: i64,
    /// Arrival, monotonic.
    pub started: Instant,
    /// Response `X-Request-ID`.
    pub request_id: String,
}

/// Lets a handler close its connection without answering (fault `drop`).
#[derive(Debug, Clone)]
pub struct ConnKill(pub Arc<Notify>);

fn request_id(req: &Request, now_ms: i64) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| format!("req_{}", ids::ulid(now_ms as u64).to_ascii_lowercase()))
}

/// Log one finished (or dropped) request: tracing line + request log (not for `/_emulator`).
pub fn record(state: &AppState, meta: &RequestMeta, status: u16, dropped: bool) {
    let latency_ms = meta.started.elapsed().as_millis() as u64;
    tracing::info!(
        method = %meta.method,
        path = %meta.path,
        status,
        latency_ms,
        dropped,
        "request"
    );
    if meta.path.starts_with("/_emulator") || meta.method == "OPTIONS" {
        return;
    }
    state.with_world(|w| {
        w.log_request(LogEntry {
            seq: 0,
            method: meta.method.clone(),
            path: meta.path.clone(),
            grant_type: meta.grant_type.clone(),
            status,
            origin: meta.origin.clone(),
            at_ms: meta.at_ms,
            latency_ms,
            request_id: meta.request_id.clone(),
            dropped,
        })
    });
}

/// The middleware.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let rid = request_id(&req, state.clock().now_ms());
    let (parts, body) = req.into_parts();
    let mut meta = RequestMeta {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        grant_type: None,
        origin: parts
            .headers
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        at_ms: state.clock().now_ms(),
        started: Instant::now(),
        request_id: rid.clone(),
    };
    let mut resp = match super::body::read(&parts.headers, body, state.read_timeout()).await {
        Ok(bytes) => {
            if parts.method == Method::POST && parts.uri.path() == "/user_management/authenticate" {
                meta.grant_type = crate::params::parse(&parts.headers, &bytes)
                    .ok()
                    .and_then(|p| p.get("grant_type").cloned());
            }
            let mut req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(meta.clone());
            next.run(req).await
        }
        Err(e) => ApiError::from(e).into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    record(&state, &meta, resp.status().as_u16(), false);
    resp
}
