//! Credentialed CORS. API routes: the origin must be an allowed origin of the client that the
//! handler identified (or, before a client is known, e.g. for a preflight, of any client).
//! `/_emulator/*`: any loopback origin. Allowed origins are echoed with
//! `Access-Control-Allow-Credentials: true`; others get no CORS headers, except on the public
//! JWKS (`/sso/jwks/…`), where any other origin gets `*` without credentials. `Vary: Origin`
//! always.
//! Two layers: [`preflight`] answers `OPTIONS` inside the request context; [`cors`], the
//! outermost layer, adds the origin headers to every response, errors of the layers below it
//! (a body too large or too slow, a handler's panic) included.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::pattern::is_loopback_host;
use crate::state::AppState;

/// Set by a handler on its response: the client whose origin list applies.
#[derive(Debug, Clone)]
pub struct CorsClient(pub String);

fn loopback_origin(origin: &str) -> bool {
    url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(is_loopback_host))
        .unwrap_or(false)
}

fn allowed(state: &AppState, path: &str, origin: &str, client: Option<&str>) -> bool {
    if path.starts_with("/_emulator") {
        return loopback_origin(origin);
    }
    state.with_world(|w| match client.and_then(|c| w.client(c)) {
        Some(c) => c.allows_origin(origin),
        None => w.clients().iter().any(|c| c.allows_origin(origin)),
    })
}

/// Whether `path` is public: the JWKS may be read from any origin, without credentials.
fn is_public(path: &str) -> bool {
    path.starts_with("/sso/jwks/")
}

/// Which CORS answer `origin` gets on `path`: a credentialed echo for an allowed origin,
/// `*` without credentials for any other origin on a public path, else none.
fn allow_origin(
    state: &AppState,
    path: &str,
    origin: Option<&str>,
    client: Option<&str>,
) -> Option<(HeaderValue, bool)> {
    let origin = origin?;
    if allowed(state, path, origin, client) {
        HeaderValue::from_str(origin).ok().map(|v| (v, true))
    } else if is_public(path) {
        Some((HeaderValue::from_static("*"), false))
    } else {
        None
    }
}

fn add_headers(h: &mut HeaderMap, (origin, credentials): (HeaderValue, bool)) {
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if credentials {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("X-Request-ID, Retry-After"),
    );
}

fn vary(h: &mut HeaderMap, value: &'static str) {
    h.append(header::VARY, HeaderValue::from_static(value));
}

/// Answers preflights (`OPTIONS`) with `204`: for an allowed origin, the methods, the requested
/// headers and a max age. Sits inside the request context, so a preflight has its request id;
/// [`cors`] adds the origin headers.
pub async fn preflight(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::OPTIONS {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    let h = resp.headers_mut();
    vary(h, "Access-Control-Request-Headers");
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    if allow_origin(&state, path, origin, None).is_some() {
        let methods = if path.starts_with("/_emulator") {
            "GET, POST, DELETE, OPTIONS"
        } else {
            "POST, GET, OPTIONS"
        };
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        let asked = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or(HeaderValue::from_static("content-type, accept"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("5"),
        );
    }
    resp
}

/// The origin headers, on every response (preflights, errors of the request context and the
/// panic catcher included): the outermost layer.
pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let path = req.uri().path().to_string();
    let mut resp = next.run(req).await;
    let client = resp.extensions().get::<CorsClient>().map(|c| c.0.clone());
    let h = resp.headers_mut();
    vary(h, "Origin");
    if let Some(allow) = allow_origin(&state, &path, origin.as_deref(), client.as_deref()) {
        add_headers(h, allow);
    }
    resp
}
