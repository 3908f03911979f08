//! Who may drive the emulator. The control API and the dashboard (`/_emulator/…`, except the
//! public error pages under `/_emulator/error/`) answer only:
//! - a loopback **peer** (the socket's address, not a header), unless the emulator was started
//!   with `--control-from-anywhere`;
//! - a loopback **`Host`** (`localhost`, `127.0.0.1`, `[::1]`), so a DNS-rebound name cannot
//!   reach it from a web page (also lifted by `--control-from-anywhere`);
//! - no **`Origin`**, a loopback one, or the emulator's own (the dashboard);
//! - for a `POST`, a **non-simple** request: `Content-Type: application/json` or an
//!   `X-Emulator-Control` header, which no page can send without a CORS preflight. Other
//!   methods that change state (`DELETE`) are non-simple by themselves; `GET` changes nothing.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::pattern::is_loopback_host;
use crate::state::AppState;

/// The TCP peer of the connection a request arrived on (set by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// The header that makes a control call non-simple without a JSON body.
pub const CONTROL_HEADER: &str = "x-emulator-control";

/// Whether `path` belongs to the control API or the dashboard.
pub fn is_control_path(path: &str) -> bool {
    (path == "/_emulator" || path.starts_with("/_emulator/"))
        && !path.starts_with("/_emulator/error/")
}

fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn host_name(host: &str) -> &str {
    match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Check one control request: peer, `Host`, `Origin`, simple-request shape.
pub fn check(
    method: &Method,
    headers: &HeaderMap,
    peer: Option<PeerAddr>,
    from_anywhere: bool,
) -> Result<(), ApiError> {
    let forbidden =
        |error, message: String| ApiError::control(StatusCode::FORBIDDEN, error, message);
    if !from_anywhere {
        match peer {
            Some(PeerAddr(addr)) if is_loopback_ip(addr.ip()) => {}
            other => {
                let who = other.map_or("an unknown peer".to_string(), |p| p.0.ip().to_string());
                return Err(forbidden(
                    "control_peer_refused",
                    format!(
                        "The control API answers only this machine, not {who}. Start the \
                         emulator with --control-from-anywhere to let other machines drive it."
                    ),
                ));
            }
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !from_anywhere && !is_loopback_host(host_name(host)) {
        return Err(forbidden(
            "control_host_refused",
            format!(
                "The control API answers only requests addressed to localhost, 127.0.0.1 or \
                 [::1], not `{host}` (a page on another name could be DNS rebinding)."
            ),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("(not text)");
        let loopback = url::Url::parse(origin)
            .ok()
            .and_then(|u| u.host_str().map(is_loopback_host))
            .unwrap_or(false);
        let own = origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
        if !loopback && !own {
            return Err(forbidden(
                "control_origin_refused",
                format!(
                    "Control calls from the web page at {origin} are refused: only pages on \
                     this machine (loopback origins) may drive the emulator."
                ),
            ));
        }
    }
    if method == Method::POST && !is_json(headers) && !headers.contains_key(CONTROL_HEADER) {
        return Err(ApiError::control(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "control_call_not_json",
            "Control calls that change state must be non-simple requests: send a JSON body with \
             Content-Type: application/json, or add an X-Emulator-Control header. A web page \
             cannot send either without a CORS preflight.",
        ));
    }
    Ok(())
}

/// The middleware.
pub async fn control_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_control_path(req.uri().path()) {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<PeerAddr>().copied();
    match check(
        req.method(),
        req.headers(),
        peer,
        state.control_from_anywhere(),
    ) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn peer(ip: &str) -> Option<PeerAddr> {
        Some(PeerAddr(SocketAddr::new(ip.parse().unwrap(), 50_000)))
    }

    fn error_of(r: Result<(), ApiError>) -> &'static str {
        match r {
            Err(ApiError::Control { error, .. }) => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn other_machines_are_refused_unless_allowed() {
        let h = headers(&[
            ("host", "192.0.2.2:4100"),
            ("content-type", "application/json"),
        ]);
        for ip in ["192.0.2.7", "10.0.0.1", "::ffff:192.0.2.7", "fd00::2"] {
            assert_eq!(
                error_of(check(&Method::POST, &h, peer(ip), false)),
                "control_peer_refused",
                "{ip}"
            );
        }
        assert_eq!(
            error_of(check(&Method::GET, &h, None, false)),
            "control_peer_refused",
            "no peer known: refused"
        );
        assert!(check(&Method::POST, &h, peer("192.0.2.7"), true).is_ok());
    }

    #[test]
    fn this_machine_passes_with_a_loopback_host() {
        let json = [("content-type", "application/json; charset=utf-8")];
        for (ip, host) in [
            ("127.0.0.1", "127.0.0.1:4100"),
            ("::1", "[::1]:4100"),
            ("::ffff:127.0.0.1", "localhost:4100"),
            ("127.0.0.2", "localhost"),
        ] {
            let mut pairs = vec![("host", host)];
            pairs.extend(json);
            assert!(check(&Method::POST, &headers(&pairs), peer(ip), false).is_ok());
        }
        let h = headers(&[("host", "attacker.example:4100")]);
        assert_eq!(
            error_of(check(&Method::GET, &h, peer("127.0.0.1"), false)),
            "control_host_refused"
        );
    }

    #[test]
    fn simple_posts_and_foreign_origins_are_refused() {
        let p = peer("127.0.0.1");
        let form = headers(&[
            ("host", "localhost:4100"),
            ("content-type", "application/x-www-form-urlencoded"),
        ]);
        assert_eq!(
            error_of(check(&Method::POST, &form, p, false)),
            "control_call_not_json"
        );
        assert!(check(&Method::DELETE, &form, p, false).is_ok());
        let custom = headers(&[("host", "localhost:4100"), ("x-emulator-control", "1")]);
        assert!(check(&Method::POST, &custom, p, false).is_ok());
        let own = headers(&[
            ("host", "192.0.2.2:4100"),
            ("origin", "http://192.0.2.2:4100"),
            ("content-type", "application/json"),
        ]);
        assert!(
            check(&Method::POST, &own, p, true).is_ok(),
            "the dashboard itself"
        );
        let foreign = headers(&[
            ("host", "localhost:4100"),
            ("origin", "null"),
            ("content-type", "application/json"),
        ]);
        assert_eq!(
            error_of(check(&Method::POST, &foreign, p, false)),
            "control_origin_refused"
        );
        assert!(is_control_path("/_emulator") && is_control_path("/_emulator/reset"));
        assert!(!is_control_path("/_emulator/error/x") && !is_control_path("/_emulatorx"));
    }
}

#[cfg(test)]
mod wiring_tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::PeerAddr;
    use crate::state::testing::state;

    /// Through the whole router: the peer address the server attaches decides.
    #[tokio::test]
    async fn the_router_refuses_a_control_call_from_another_machine() {
        let app = crate::routes::router(state());
        let call = |ip: &str| {
            let mut req = Request::post("/_emulator/reset")
                .header("host", "localhost:4100")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            req.extensions_mut()
                .insert(PeerAddr(format!("{ip}:50000").parse().unwrap()));
            app.clone().oneshot(req)
        };
        assert_eq!(call("192.0.2.7").await.unwrap().status(), 403);
        assert_eq!(call("127.0.0.1").await.unwrap().status(), 200);
        // The public API answers everyone.
        let mut req = Request::get("/sso/jwks/client_demo")
            .body(Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(PeerAddr("192.0.2.7:50000".parse().unwrap()));
        assert_eq!(app.oneshot(req).await.unwrap().status(), 200);
    }
}
