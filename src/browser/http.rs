//! `POST /user_management/authenticate` and the background logout request through gloo-net,
//! each with a timeout, with failures classified for the client.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestMode};

use crate::browser::timer::Timer;
use crate::error::AuthKitError;
use crate::protocol::timing::{is_transient_status, parse_retry_after};
use crate::protocol::wire::{ApiErrorBody, AuthenticateResponse, BodyError, MAX_BODY_BYTES};

/// Why an authenticate call failed.
///
/// ```
/// use authkit_yew::browser::http::HttpFailure;
/// let f = HttpFailure::Status { status: 503, body: None, retry_after_ms: Some(1000) };
/// assert_eq!(f.retry_after_ms(), Some(1000));
/// assert!(f.is_transient());
/// assert!(f.into_refresh_error().is_transient());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum HttpFailure {
    /// No response: offline, DNS, CORS refusal, connection dropped.
    Network(String),
    /// No complete answer within the timeout; the request was aborted.
    Timeout {
        /// The timeout, in milliseconds.
        after_ms: u32,
    },
    /// A 2xx response whose body is not a valid authenticate response (retried like a
    /// server error; the message names the problem, never the body).
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
            _ => None,
        }
    }

    /// True when trying again may succeed: no answer (network, timeout), an unreadable 2xx
    /// (a proxy cut it), or a status of [`is_transient_status`] (408, 429, 500, 502, 503,
    /// 504). Every other status is final.
    ///
    /// ```
    /// use authkit_yew::browser::http::HttpFailure;
    /// assert!(HttpFailure::Timeout { after_ms: 10_000 }.is_transient());
    /// let forbidden = HttpFailure::Status { status: 403, body: None, retry_after_ms: None };
    /// assert!(!forbidden.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) | Self::Timeout { .. } | Self::Unreadable { .. } => true,
            Self::Status { status, .. } => is_transient_status(*status),
        }
    }

    /// The error for a failed refresh, transient as [`HttpFailure::is_transient`] says; a status
    /// is always in it.
    ///
    /// ```
    /// use authkit_yew::browser::http::HttpFailure;
    /// let err = HttpFailure::Network("offline".into()).into_refresh_error();
    /// assert!(err.is_transient());
    /// ```
    pub fn into_refresh_error(self) -> AuthKitError {
        let transient = self.is_transient();
        match self {
            Self::Network(msg) => AuthKitError::Network(msg),
            Self::Timeout { after_ms } => AuthKitError::Timeout { after_ms },
            Self::Unreadable { status, problem } => AuthKitError::Refresh {
                status: Some(status),
                transient,
                error: None,
                description: Some(unreadable(&problem)),
            },
            Self::Status { status, body, .. } => AuthKitError::Refresh {
                status: Some(status),
                transient,
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
            Self::Timeout { after_ms } => AuthKitError::CodeExchange {
                status: None,
                error: None,
                description: Some(format!("AuthKit did not answer within {after_ms} ms")),
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

    /// What went wrong, for an error text or a warning (never a body or a token), e.g. of the
    /// background logout.
    pub fn message(&self) -> String {
        match self {
            Self::Network(message) => message.clone(),
            Self::Timeout { after_ms } => format!("no answer within {after_ms} ms"),
            Self::Unreadable { problem, .. } => unreadable(problem),
            Self::Status { status, .. } => format!("HTTP {status}"),
        }
    }
}

/// The `Accept` header authkit-js sends.
const ACCEPT: &str = "application/json, text/plain, */*";

/// Posts `body` as JSON to `url` (the authenticate endpoint) with the headers authkit-js sends
/// (`Accept: application/json, text/plain, */*`, `Content-Type: application/json`), aborted
/// after `timeout_ms`. `credentials: include` is set only in cookie mode (`with_credentials`),
/// so in dev mode no cookie crosses origins.
///
/// ```no_run
/// # async fn f() {
/// use authkit_yew::browser::http::authenticate;
/// use authkit_yew::protocol::wire::RefreshGrant;
/// let body = RefreshGrant::new("client_1", Some("rt"), None);
/// let url = "http://localhost:4100/user_management/authenticate";
/// let result = authenticate(url, &body, false, 10_000).await;
/// # }
/// ```
pub async fn authenticate<B: Serialize>(
    url: &str,
    body: &B,
    with_credentials: bool,
    timeout_ms: u32,
) -> Result<AuthenticateResponse, HttpFailure> {
    let deadline = Deadline::start(timeout_ms)?;
    let mut request = deadline.guard(Request::post(url).header("Accept", ACCEPT));
    if with_credentials {
        request = request.credentials(RequestCredentials::Include);
    }
    // `json` sets `Content-Type: application/json`; only this line depends on the body type.
    let request = request.json(body)?;
    let answer = async { read_authenticate(send(request).await?).await }.await;
    deadline.explain(answer)
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

/// Ends the session in the background: a `no-cors`, credentialed GET of the logout URL,
/// aborted after `timeout_ms`. The response is opaque, so only a failure to send (offline, a
/// timeout) can be seen: it is the `Err` ([`HttpFailure::Network`] or [`HttpFailure::Timeout`]).
///
/// ```no_run
/// # async fn f() {
/// let url = "http://localhost:4100/user_management/sessions/logout?session_id=s";
/// if let Err(failure) = authkit_yew::browser::http::logout_in_background(url, 10_000).await {
///     let _ = failure.message(); // the session may still be active at AuthKit
/// }
/// # }
/// ```
pub async fn logout_in_background(url: &str, timeout_ms: u32) -> Result<(), HttpFailure> {
    let sent = async {
        let deadline = Deadline::start(timeout_ms)?;
        let request = deadline
            .guard(Request::get(url))
            .mode(RequestMode::NoCors)
            .credentials(RequestCredentials::Include)
            .build()?;
        deadline.explain(send(request).await)
    };
    sent.await.map(drop)
}

/// Aborts a request when its time is up (an `AbortController` and one timer, cancelled when
/// dropped), and tells a timeout from other failures afterwards.
struct Deadline {
    controller: AbortController,
    fired: Rc<Cell<bool>>,
    after_ms: u32,
    _timer: Timer,
}

impl Deadline {
    fn start(after_ms: u32) -> Result<Deadline, HttpFailure> {
        let controller = AbortController::new()
            .map_err(|e| HttpFailure::Network(format!("no AbortController: {}", describe(&e))))?;
        let fired = Rc::new(Cell::new(false));
        let timer = {
            let (controller, fired) = (controller.clone(), fired.clone());
            Timer::after_ms(after_ms, move || {
                fired.set(true);
                controller.abort();
            })
        };
        Ok(Deadline {
            controller,
            fired,
            after_ms,
            _timer: timer,
        })
    }

    /// The request, aborted by this deadline.
    fn guard(&self, request: RequestBuilder) -> RequestBuilder {
        request.abort_signal(Some(&self.controller.signal()))
    }

    /// A failure after the deadline fired is the timeout (the abort is what made it fail).
    fn explain<T>(&self, result: Result<T, HttpFailure>) -> Result<T, HttpFailure> {
        result.map_err(|failure| match self.fired.get() {
            true => HttpFailure::Timeout {
                after_ms: self.after_ms,
            },
            false => failure,
        })
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

    #[test]
    fn transient_means_no_answer_or_one_of_six_statuses() {
        let status = |status| HttpFailure::Status {
            status,
            body: None,
            retry_after_ms: None,
        };
        for transient in [408, 429, 500, 502, 503, 504] {
            assert!(status(transient).is_transient(), "{transient}");
            assert!(status(transient).into_refresh_error().is_transient());
        }
        // An HTML 401/403 from a proxy is final, with its status in the error.
        for terminal in [400, 401, 403, 404, 409, 418, 422, 501, 505, 599] {
            assert!(!status(terminal).is_transient(), "{terminal}");
            let err = status(terminal).into_refresh_error();
            assert!(!err.is_transient(), "{terminal}");
            assert!(
                err.to_string().contains(&format!("HTTP {terminal}")),
                "{err}"
            );
        }
        assert!(HttpFailure::Network("offline".into()).is_transient());
        let timeout = HttpFailure::Timeout { after_ms: 10_000 };
        assert!(timeout.is_transient());
        assert_eq!(
            timeout.into_refresh_error(),
            AuthKitError::Timeout { after_ms: 10_000 }
        );
    }
}
