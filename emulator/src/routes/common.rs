//! Helpers shared by the route handlers.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::middleware::cors::CorsClient;
use crate::pattern::is_loopback_host;
pub use crate::query::with_query;
use crate::seed::Client;
use crate::state::AppState;

/// Tag a response with the client whose CORS origin list applies.
pub fn with_client(mut resp: Response, client_id: Option<&str>) -> Response {
    if let Some(c) = client_id {
        resp.extensions_mut().insert(CorsClient(c.to_string()));
    }
    resp
}

/// `302 Found` to `location`.
pub fn redirect(location: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The hostname the browser used to reach the emulator (`Host` header, port stripped).
pub fn request_hostname(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let u = Url::parse(&format!("http://{host}/")).ok()?;
    u.host_str().map(str::to_string)
}

/// A client by id (a copy: clients can change at runtime).
pub fn client(state: &AppState, id: &str) -> Option<Client> {
    state.with_world(|w| w.client(id).cloned())
}

/// The client named by `id`, else the first one.
pub fn client_or_first(state: &AppState, id: Option<&str>) -> Option<Client> {
    state.with_world(|w| {
        id.and_then(|id| w.client(id))
            .or(w.clients().first())
            .cloned()
    })
}

/// The issuer base: the configured `issuer_base`, else the request's own `scheme://host`.
pub fn issuer_base_with(configured: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(b) = configured {
        return b.to_string();
    }
    own_base(headers)
}

/// `scheme://host[:port]` of the emulator as this request reached it.
pub fn own_base(headers: &HeaderMap) -> String {
    let scheme = if crate::cookies::is_https(headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// Cookie remembering which app origin a browser last came from (set at authorize).
pub fn app_origin_cookie(client_id: &str) -> String {
    format!("authkit-emulator-app.{client_id}")
}

/// Move a loopback URL to the loopback hostname the browser is using, so that a browser on
/// `127.0.0.1:4100` is sent to `127.0.0.1:5173` rather than `localhost:5173`.
fn adapt_host(mut url: Url, headers: &HeaderMap) -> Url {
    if let (Some(req_host), Some(url_host)) = (request_hostname(headers), url.host_str()) {
        if is_loopback_host(&req_host) && is_loopback_host(url_host) && req_host != url_host {
            let _ = url.set_host(Some(&req_host));
        }
    }
    url
}

/// Where to send a browser for a login that did not start at the app: the client's sign-in
/// endpoint, on the app origin this browser last used for an authorize (remembered in a
/// cookie and checked against the client's registered origins), else on the loopback
/// hostname the browser used to reach the emulator, else as configured.
pub fn sign_in_endpoint_for(client: &Client, headers: &HeaderMap) -> Option<Url> {
    let endpoint = client.sign_in_endpoint.clone()?;
    if let Some(origin) = crate::cookies::get(headers, &app_origin_cookie(&client.id)) {
        if client.knows_app_origin(&origin) {
            if let Ok(mut u) = Url::parse(&origin) {
                u.set_path(endpoint.path());
                u.set_query(endpoint.query());
                return Some(u);
            }
        }
    }
    Some(adapt_host(endpoint, headers))
}

/// The default sign-out redirect: the first concrete one whose hostname is the one the browser
/// used to reach the emulator, else the first concrete one; when only wildcard patterns are
/// configured, the app origin remembered for this browser if it fits one of them.
pub fn default_sign_out(client: &Client, headers: &HeaderMap) -> Option<String> {
    let concrete: Vec<&str> = client
        .sign_out_redirects
        .iter()
        .filter(|p| !p.is_wildcard())
        .map(|p| p.as_str())
        .collect();
    let host = request_hostname(headers);
    let chosen = concrete
        .iter()
        .find(|u| {
            Url::parse(u)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                == host
        })
        .or(concrete.first())
        .map(|s| s.to_string());
    if chosen.is_some() {
        return chosen;
    }
    let origin = crate::cookies::get(headers, &app_origin_cookie(&client.id))?;
    client.sign_out_redirects.iter().find_map(|p| {
        let mut u = Url::parse(&origin).ok()?;
        u.set_path(p.path());
        p.matches(u.as_str()).then(|| u.to_string())
    })
}
