//! Applies installed faults (see [`crate::faults`]) to matching requests.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::context::{record, ConnKill, RequestMeta};
use super::control_guard::is_control_path;
use crate::faults::FaultSpec;
use crate::state::AppState;

fn injected(spec: &FaultSpec) -> Response {
    let status = StatusCode::from_u16(spec.status.unwrap_or(500))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = spec.body.clone().unwrap_or_else(|| {
        serde_json::json!({
            "error": "server_error",
            "error_description": "Injected fault.",
        })
        .to_string()
    });
    let ct = spec.content_type.clone().unwrap_or_else(|| {
        if serde_json::from_str::<serde_json::Value>(&body).is_ok() {
            "application/json".into()
        } else {
            "text/plain; charset=utf-8".into()
        }
    });
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ct) {
        h.insert(axum::http::header::CONTENT_TYPE, v);
    }
    for (k, v) in &spec.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.insert(k, v);
        }
    }
    resp
}

/// Close the connection without a response. Never returns when a connection handle exists.
async fn drop_connection(
    state: &AppState,
    meta: Option<&RequestMeta>,
    kill: Option<ConnKill>,
    status: u16,
) -> Response {
    if let Some(meta) = meta {
        record(state, meta, status, true);
    }
    match kill {
        Some(k) => {
            k.0.notify_one();
            std::future::pending::<()>().await;
            unreachable!("the connection task stops polling this future")
        }
        None => {
            let mut r = Response::new(Body::from("dropped"));
            *r.status_mut() = StatusCode::BAD_GATEWAY;
            r
        }
    }
}

/// The middleware. A matching fault's use is taken in the same step as the match, so a fault
/// with `count: 1` fires once even for concurrent requests; an `after_success` fault whose
/// real answer was not a success gives its use back.
pub async fn faults(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_control_path(req.uri().path()) {
        return next.run(req).await;
    }
    let meta = req.extensions().get::<RequestMeta>().cloned();
    let grant = meta.as_ref().and_then(|m| m.grant_type.clone());
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let Some(fault) = state.with_world(|w| w.take_fault(&method, &path, grant.as_deref())) else {
        return next.run(req).await;
    };
    let kill = req.extensions().get::<ConnKill>().cloned();
    let spec = fault.spec;
    if !spec.after_success {
        state.with_world(|w| w.settle_fault(&fault.id, true));
    }
    if spec.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(spec.delay_ms)).await;
    }
    if spec.after_success {
        let resp = next.run(req).await;
        let succeeded = resp.status().is_success();
        state.with_world(|w| w.settle_fault(&fault.id, succeeded));
        if !succeeded {
            return resp;
        }
        if spec.status.is_some() {
            return injected(&spec);
        }
        return drop_connection(&state, meta.as_ref(), kill, resp.status().as_u16()).await;
    }
    if spec.drop {
        return drop_connection(&state, meta.as_ref(), kill, 0).await;
    }
    if spec.is_delay_only() {
        return next.run(req).await;
    }
    injected(&spec)
}
