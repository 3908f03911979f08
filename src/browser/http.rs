//! `POST /user_management/authenticate` and the background logout request, with failures
//! classified for the client.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::error::AuthKitError;
use crate::protocol::json::Json;
use crate::protocol::timing::{is_transient_status, parse_retry_after};
use crate::protocol::wire::{ApiErrorBody, AuthenticateResponse, BodyError};

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
                description: Some(unreadable(problem)),
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
                description: Some(unreadable(problem)),
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

/// Posts `body` as JSON to `url` (the authenticate endpoint). `credentials: include` is set only
/// in cookie mode (`with_credentials`), so in dev mode no cookie crosses origins.
///
/// ```no_run
/// # async fn f() {
/// use authkit_yew::browser::http::authenticate;
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", Some("rt"), None).to_json();
/// let result = authenticate("http://localhost:4100/user_management/authenticate", &body, false).await;
/// # }
/// ```
pub async fn authenticate(
    url: &str,
    body: &Json,
    with_credentials: bool,
) -> Result<AuthenticateResponse, HttpFailure> {
    let headers = js_sys::Object::new();
    set(&headers, "Accept", "application/json, text/plain, */*");
    set(&headers, "Content-Type", "application/json");
    let init = js_sys::Object::new();
    set(&init, "method", "POST");
    let _ = js_sys::Reflect::set(&init, &"headers".into(), &headers);
    set(&init, "body", &body.to_string());
    if with_credentials {
        set(&init, "credentials", "include");
    }
    let response = fetch(url, &init).await.map_err(network)?;
    let status = response.status();
    let text = text_of(&response).await;
    if (200..300).contains(&status) {
        let text = text.map_err(network)?;
        return AuthenticateResponse::parse(&text)
            .map_err(|problem| HttpFailure::Unreadable { status, problem });
    }
    let now = js_sys::Date::now();
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| parse_retry_after(&v, now));
    let body = text
        .ok()
        .and_then(|t| ApiErrorBody::parse(&t))
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
    let init = js_sys::Object::new();
    set(&init, "mode", "no-cors");
    set(&init, "credentials", "include");
    if let Err(e) = fetch(url, &init).await {
        crate::browser::page::warn(&format!(
            "authkit: the background sign-out request reported an error (AuthKit may still have \
             ended the session; a redirect target may be unreachable): {}",
            describe(&e)
        ));
    }
}

/// The server's description of an error response.
fn describe_body(body: Option<&ApiErrorBody>) -> Option<String> {
    body.and_then(|b| b.description()).map(str::to_owned)
}

/// What went wrong with a 2xx body (never the body itself, which may hold a token).
fn unreadable(problem: BodyError) -> String {
    format!("AuthKit answered with a body that is not a valid authenticate response: {problem}")
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)` (one import instead of web-sys's `Request`, `RequestInit`
    /// and `Headers` setters: the request options are a plain object).
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with_init(url: &str, init: &js_sys::Object) -> Result<js_sys::Promise, JsValue>;

    /// `String(value)`: `name: message` for an `Error`, the text of anything else. It throws
    /// for values without a usable `toString` (`Object.create(null)`), hence `catch`.
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// `object[key] = value` for a string value (cannot fail on a fresh plain object).
fn set(object: &js_sys::Object, key: &str, value: &str) {
    let _ = js_sys::Reflect::set(object, &key.into(), &value.into());
}

/// `fetch(url, init)`, resolved to its `Response`.
async fn fetch(url: &str, init: &js_sys::Object) -> Result<Response, JsValue> {
    let response = JsFuture::from(fetch_with_init(url, init)?).await?;
    Ok(response.unchecked_into())
}

/// The body of `response` as text.
async fn text_of(response: &Response) -> Result<String, JsValue> {
    let text = JsFuture::from(response.text()?).await?;
    text.as_string()
        .ok_or_else(|| JsValue::from_str("the response body is not text"))
}

/// A thrown JS value as a network failure.
fn network(e: JsValue) -> HttpFailure {
    HttpFailure::Network(describe(&e))
}

/// `name: message` of a thrown `Error` (e.g. `TypeError: Failed to fetch`), else its text.
fn describe(e: &JsValue) -> String {
    js_string(e).unwrap_or_else(|_| "unknown error".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable_2xx() -> HttpFailure {
        HttpFailure::Unreadable {
            status: 200,
            problem: BodyError::Field("user.email"),
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
