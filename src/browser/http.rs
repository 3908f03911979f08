//! `POST /user_management/authenticate` and the background logout request through gloo-net,
//! with failures classified for the client.

use gloo_net::http::{Request, Response};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestMode};

use crate::error::AuthKitError;
use crate::protocol::timing::{is_transient_status, parse_retry_after};
use crate::protocol::wire::{ApiErrorBody, AuthenticateResponse, BodyError, MAX_BODY_BYTES};

/// Why an authenticate call failed.
///
/// ```
/// use authkit_yew::browser::http::HttpFailure;
/// let f = HttpFailure::Status { status: 503, body: None, retry_after_ms: Some(1000) };
/// assert_eq!(f.retry_after_ms(), Some(1000));
/// assert!(f.into_refresh_error().is_transient());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum HttpFailure {
    /// No response: offline, DNS, CORS refusal, connection dropped.
    Network(String),
    /// A 2xx response whose body is not a valid authenticate response (retried like a
    /// server error; the message names the bad field, never the body).
    Unreadable {
        /// HTTP status.
        status: u16,
        /// What is wrong with the body.
        problem: BodyError,
    },
    /// A non-2xx response.
    Status {
        /// HTTP status.
        status: u16,
        /// The error body, when it was JSON.
        body: Option<ApiErrorBody>,
        /// `Retry-After` in milliseconds, when sent (and exposed by CORS).
        retry_after_ms: Option<u64>,
    },
}

impl HttpFailure {
    /// `Retry-After` of the response, if any.
    ///
    /// ```
    /// use authkit_yew::browser::http::HttpFailure;
    /// assert_eq!(HttpFailure::Network("offline".into()).retry_after_ms(), None);
    /// ```
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Self::Status { retry_after_ms, .. } => *retry_after_ms,
            Self::Network(_) | Self::Unreadable { .. } => None,
        }
    }

    /// The error for a failed refresh: network, 408, 429, 5xx and non-JSON bodies are transient.
    ///
    /// ```
    /// use authkit_yew::browser::http::HttpFailure;
    /// let err = HttpFailure::Network("offline".into()).into_refresh_error();
    /// assert!(err.is_transient());
    /// ```
    pub fn into_refresh_error(self) -> AuthKitError {
        match self {
            Self::Network(msg) => AuthKitError::Network(msg),
            Self::Unreadable { status, problem } => AuthKitError::Refresh {
                status: Some(status),
                transient: true,
                error: None,
                description: Some(unreadable(&problem)),
            },
            Self::Status { status, body, .. } => AuthKitError::Refresh {
                status: Some(status),
                transient: is_transient_status(status, body.as_ref()),
                error: body
                    .as_ref()
                    .and_then(|b| b.error_code().map(str::to_owned)),
                description: describe_body(body.as_ref()),
            },
        }
    }

    /// The error for a failed code exchange.
    ///
    /// ```
    /// use authkit_yew::browser::http::HttpFailure;
    /// use authkit_yew::AuthKitError;
    /// let err = HttpFailure::Network("offline".into()).into_exchange_error();
    /// assert!(matches!(err, AuthKitError::CodeExchange { status: None, .. }));
    /// ```
    pub fn into_exchange_error(self) -> AuthKitError {
        match self {
            Self::Network(msg) => AuthKitError::CodeExchange {
                status: None,
                error: None,
                description: Some(format!("network error: {msg}")),
            },
            Self::Unreadable { status, problem } => AuthKitError::CodeExchange {
                status: Some(status),
                error: None,
                description: Some(unreadable(&problem)),
            },
            Self::Status { status, body, .. } => AuthKitError::CodeExchange {
                status: Some(status),
                error: body
                    .as_ref()
                    .and_then(|b| b.error_code().map(str::to_owned)),
                description: describe_body(body.as_ref()),
            },
        }
    }
}

/// The `Accept` header authkit-js sends.
const ACCEPT: &str = "application/json, text/plain, */*";

/// Posts `body` as JSON to `url` (the authenticate endpoint) with the headers authkit-js sends
/// (`Accept: application/json, text/plain, */*`, `Content-Type: application/json`).
/// `credentials: include` is set only in cookie mode (`with_credentials`), so in dev mode no
/// cookie crosses origins.
///
/// ```no_run
/// # async fn f() {
/// use authkit_yew::browser::http::authenticate;
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", Some("rt"), None);
/// let result = authenticate("http://localhost:4100/user_management/authenticate", &body, false).await;
/// # }
/// ```
pub async fn authenticate<B: Serialize>(
    url: &str,
    body: &B,
    with_credentials: bool,
) -> Result<AuthenticateResponse, HttpFailure> {
    let mut request = Request::post(url).header("Accept", ACCEPT);
    if with_credentials {
        request = request.credentials(RequestCredentials::Include);
    }
    // `json` sets `Content-Type: application/json`; only this line depends on the body type.
    let request = request.json(body)?;
    read_authenticate(send(request).await?).await
}

/// Reads an authenticate response: the parsed session data on 2xx, else the failure with the
/// error body (when it is JSON) and `Retry-After`. A body larger than [`MAX_BODY_BYTES`] is not
/// read at all when its `Content-Length` says so.
async fn read_authenticate(response: Response) -> Result<AuthenticateResponse, HttpFailure> {
    let status = response.status();
    let too_large = response
        .headers()
        .get("content-length")
        .and_then(|n| n.trim().parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64);
    if (200..300).contains(&status) {
        let text = if too_large {
            Err(BodyError::TooLarge)
        } else {
            Ok(response.text().await?)
        };
        return text
            .and_then(|text| AuthenticateResponse::parse(&text))
            .map_err(|problem| HttpFailure::Unreadable { status, problem });
    }
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .and_then(|v| parse_retry_after(&v, js_sys::Date::now()));
    let body = match too_large {
        true => None,
        false => response.text().await.ok(),
    };
    let body = body
        .and_then(|text| ApiErrorBody::parse(&text))
        .filter(|b| b.error_code().is_some() || b.description().is_some());
    Err(HttpFailure::Status {
        status,
        body,
        retry_after_ms,
    })
}

/// Ends the session in the background: a `no-cors`, credentialed GET of the logout URL. The
/// response is opaque, so success cannot be confirmed; a failure only warns on the console.
///
/// ```no_run
/// # async fn f() {
/// authkit_yew::browser::http::logout_in_background(
///     "http://localhost:4100/user_management/sessions/logout?session_id=s",
/// ).await;
/// # }
/// ```
pub async fn logout_in_background(url: &str) {
    let sent = async {
        let request = Request::get(url)
            .mode(RequestMode::NoCors)
            .credentials(RequestCredentials::Include)
            .build()?;
        send(request).await
    };
    if let Err(e) = sent.await {
        crate::browser::page::warn(&format!(
            "authkit: the background sign-out request reported an error (AuthKit may still have \
             ended the session; a redirect target may be unreachable): {}",
            e.message()
        ));
    }
}

/// Sends a request built with gloo-net through `window.fetch`.
///
/// gloo-net's own `send` assumes that `fetch` rejects with an `Error` and panics otherwise
/// (`unreachable!`); a page that wraps `fetch` can reject with anything, and a panic would
/// leave the refresh (and its cross-tab lock) hanging. Here every rejection is a
/// [`HttpFailure::Network`].
async fn send(request: Request) -> Result<Response, HttpFailure> {
    let request: web_sys::Request = request.into();
    let window = web_sys::window().ok_or_else(|| HttpFailure::Network("no window".into()))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| HttpFailure::Network(describe(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| HttpFailure::Network("fetch did not resolve to a Response".into()))?;
    Ok(response.into())
}

impl From<gloo_net::Error> for HttpFailure {
    /// A request that could not be built or a body that could not be read: no usable answer.
    fn from(error: gloo_net::Error) -> Self {
        HttpFailure::Network(error.to_string())
    }
}

impl HttpFailure {
    /// The text shown for a failure that never got an answer.
    fn message(&self) -> String {
        match self {
            Self::Network(message) => message.clone(),
            Self::Unreadable { problem, .. } => unreadable(problem),
            Self::Status { status, .. } => format!("HTTP {status}"),
        }
    }
}

/// The server's description of an error response.
fn describe_body(body: Option<&ApiErrorBody>) -> Option<String> {
    body.and_then(|b| b.description()).map(str::to_owned)
}

/// What went wrong with a 2xx body (never the body itself, which may hold a token).
fn unreadable(problem: &BodyError) -> String {
    format!("AuthKit answered with a body that is not a valid authenticate response: {problem}")
}

/// `name: message` of a rejection that is an `Error` (e.g. `TypeError: Failed to fetch`), the
/// text of a string, else `unknown error` (a rejection may be any value).
fn describe(rejection: &JsValue) -> String {
    if let Some(error) = rejection.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    rejection
        .as_string()
        .unwrap_or_else(|| "unknown error".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable_2xx() -> HttpFailure {
        HttpFailure::Unreadable {
            status: 200,
            problem: BodyError::MissingField("user.email".into()),
        }
    }

    #[test]
    fn an_unreadable_success_is_a_transient_refresh_failure_that_says_why() {
        let err = unreadable_2xx().into_refresh_error();
        assert!(err.is_transient());
        let text = err.to_string();
        assert!(text.contains("not a valid authenticate response"), "{text}");
        assert!(text.contains("`user.email`"), "{text}");
        assert!(text.contains("retried"), "{text}");
    }

    #[test]
    fn an_unreadable_success_of_the_code_exchange_says_why() {
        let text = unreadable_2xx().into_exchange_error().to_string();
        assert!(text.contains("not a valid authenticate response"), "{text}");
        assert!(!text.contains("no details from the server"), "{text}");
    }

    #[test]
    fn a_non_json_error_page_still_reports_no_details() {
        let failure = HttpFailure::Status {
            status: 502,
            body: None,
            retry_after_ms: None,
        };
        let err = failure.into_refresh_error();
        assert!(err.is_transient());
        assert!(matches!(
            err,
            AuthKitError::Refresh {
                description: None,
                ..
            }
        ));
    }
}
