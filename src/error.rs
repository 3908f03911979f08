//! The one error type of the SDK.

use thiserror::Error;

/// Everything that can go wrong in the SDK, typed so an app can react to each case.
///
/// The enum is `Clone + PartialEq` so it can live in Yew state (`use_auth().error`), and
/// `#[non_exhaustive]` so new cases are not a breaking change.
///
/// # Example
/// ```
/// use authkit_yew::AuthKitError;
/// let err = AuthKitError::LoginRequired;
/// assert!(err.to_string().contains("sign in"));
/// assert!(!err.is_transient());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthKitError {
    /// No usable session: the visitor must sign in (e.g. `get_access_token` with nobody signed in).
    #[error("nobody is signed in, so there is no access token: sign in first")]
    LoginRequired,
    /// `sign_out` was called with nobody signed in; nothing was done and no redirect happened.
    #[error("cannot sign out: nobody is signed in (nothing was done and no redirect happened)")]
    NoSession,
    /// The refresh request failed.
    #[error("{}", refresh_message(*.status, .error.as_deref(), .description.as_deref(), *.transient))]
    Refresh {
        /// HTTP status, when a response arrived.
        status: Option<u16>,
        /// The OAuth error code, e.g. `invalid_grant`.
        error: Option<String>,
        /// The server's `error_description`.
        description: Option<String>,
        /// True when retrying may succeed (408, 429, 500, 502, 503, 504, or a 2xx body that could not
        /// be read); the session is kept. Network errors and timeouts are
        /// [`Network`](Self::Network) and [`Timeout`](Self::Timeout), also transient.
        transient: bool,
    },
    /// AuthKit did not answer within the request timeout
    /// ([`AuthKitOptions::request_timeout_ms`](crate::AuthKitOptions::request_timeout_ms)); the
    /// request was aborted. Transient: a refresh is retried, the session is kept.
    #[error("AuthKit did not answer within {after_ms} ms (the request was aborted); the session is kept and the request will be retried")]
    Timeout {
        /// The timeout that passed, in milliseconds.
        after_ms: u32,
    },
    /// Another tab held the refresh lock too long (e.g. after the laptop slept).
    #[error("timed out waiting for another tab to refresh the session (e.g. after the computer slept); the session is kept, retry shortly")]
    RefreshTimeout,
    /// Exchanging the authorization code failed: the sign-in did not complete. A visitor who
    /// already had a session (a session hint) stays signed in, the session restored beside this
    /// error; otherwise nobody is signed in.
    #[error("sign-in failed while exchanging the authorization code: {}", exchange_message(*.status, .error.as_deref(), .description.as_deref()))]
    CodeExchange {
        /// HTTP status, when a response arrived.
        status: Option<u16>,
        /// The OAuth error code, e.g. `invalid_grant`.
        error: Option<String>,
        /// The server's `error_description`.
        description: Option<String>,
    },
    /// AuthKit redirected back with `?error=…&error_description=…` (e.g. the visitor cancelled).
    #[error("{}", redirect_message(.error, .description.as_deref()))]
    OAuthRedirect {
        /// The `error` query parameter, e.g. `access_denied`.
        error: String,
        /// The `error_description` query parameter.
        description: Option<String>,
    },
    /// A callback carried a `code` but this tab holds no PKCE verifier: the sign-in did not start
    /// here (a replayed or foreign callback, or a missing sign-in endpoint). Nothing was exchanged.
    #[error("received an authorization code for a sign-in that did not start in this tab; configure the sign-in endpoint and start sign-in from the app")]
    MissingCodeVerifier,
    /// `sign_out` without navigation signed this browser out, but the request that ends the
    /// session at AuthKit failed: the session may live on there until it expires, and in cookie
    /// mode a reload of the app can restore it.
    #[error("signed out in this browser, but ending the session at AuthKit failed ({0}): the session may stay active at AuthKit until it expires, and a reload can restore it; try signing out again")]
    SignOutIncomplete(String),
    /// The app runs inside an iframe; AuthKit refuses to run framed. No request was sent.
    #[error("AuthKit does not run inside an iframe: open the app in its own tab")]
    InsideIframe,
    /// The request did not reach the server or its response could not be read (offline, DNS, CORS).
    #[error("network error talking to AuthKit: {0} (check the API hostname and the allowed CORS origins)")]
    Network(String),
    /// Browser storage was unavailable or refused a write (private mode, blocked third-party storage).
    #[error("browser storage is unavailable: {0} (private browsing or blocked site data can cause this)")]
    Storage(String),
    /// A token or server response could not be decoded.
    #[error("invalid token or response from AuthKit: {0}")]
    InvalidToken(String),
    /// The options are unusable (e.g. an empty client id).
    #[error("configuration error: {0}")]
    Config(String),
}

impl AuthKitError {
    /// True when the failure is temporary and the session is kept (retrying may succeed).
    ///
    /// ```
    /// use authkit_yew::AuthKitError;
    /// assert!(AuthKitError::Network("offline".into()).is_transient());
    /// assert!(AuthKitError::RefreshTimeout.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Refresh { transient, .. } => *transient,
            Self::RefreshTimeout | Self::Network(_) | Self::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The API's answer when no refresh token reached it (`invalid_request`, "Missing refresh
    /// token."): in cookie mode, a blocked refresh cookie.
    pub(crate) fn is_missing_refresh_token(&self) -> bool {
        match self {
            Self::Refresh {
                error, description, ..
            } => {
                error.as_deref() == Some("invalid_request")
                    && description
                        .as_deref()
                        .is_some_and(|d| d.to_ascii_lowercase().contains("refresh token"))
            }
            _ => false,
        }
    }
}

fn refresh_message(
    status: Option<u16>,
    error: Option<&str>,
    description: Option<&str>,
    transient: bool,
) -> String {
    let mut out = String::from("refreshing the session failed");
    if let Some(status) = status {
        out.push_str(&format!(" (HTTP {status})"));
    }
    match (error, description) {
        (Some(e), Some(d)) => out.push_str(&format!(": {e}: {d}")),
        (Some(e), None) => out.push_str(&format!(": {e}")),
        (None, Some(d)) => out.push_str(&format!(": {d}")),
        (None, None) => {}
    }
    if error == Some("invalid_request")
        && description.is_some_and(|d| d.to_ascii_lowercase().contains("missing refresh token"))
    {
        out.push_str(
            " (no refresh token reached the API: in cookie mode the browser did not send the \
             refresh cookie, which happens when the API is not on a custom authentication domain \
             of your app's site)",
        );
    }
    out.push_str(if transient {
        "; the session is kept and the refresh will be retried"
    } else {
        "; sign in again"
    });
    out
}

fn redirect_message(error: &str, description: Option<&str>) -> String {
    let error = if error.is_empty() {
        "unknown error"
    } else {
        error
    };
    let mut out = format!("sign-in was not completed: {error}");
    if let Some(d) = description.filter(|d| !d.is_empty()) {
        out.push_str(&format!(" ({d})"));
    }
    out.push_str("; start sign-in again");
    out
}

fn exchange_message(status: Option<u16>, error: Option<&str>, description: Option<&str>) -> String {
    let mut out = match (error, description) {
        (Some(e), Some(d)) => format!("{e}: {d}"),
        (Some(e), None) => e.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => "no details from the server".to_owned(),
    };
    if let Some(status) = status {
        out.push_str(&format!(" (HTTP {status})"));
    }
    if error == Some("invalid_grant") {
        out.push_str("; the code was already used or has expired (e.g. a reloaded callback page)");
    }
    out.push_str("; start sign-in again");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refresh(
        status: Option<u16>,
        error: Option<&str>,
        description: Option<&str>,
        transient: bool,
    ) -> AuthKitError {
        AuthKitError::Refresh {
            status,
            error: error.map(str::to_owned),
            description: description.map(str::to_owned),
            transient,
        }
    }

    #[test]
    fn login_required_tells_to_sign_in() {
        let text = AuthKitError::LoginRequired.to_string();
        assert!(text.contains("sign in first"), "{text}");
    }

    #[test]
    fn no_session_says_nothing_happened() {
        let text = AuthKitError::NoSession.to_string();
        assert!(
            text.contains("cannot sign out") && text.contains("no redirect"),
            "{text}"
        );
    }

    #[test]
    fn terminal_refresh_shows_status_code_description_and_asks_to_sign_in() {
        let text = refresh(
            Some(400),
            Some("invalid_grant"),
            Some("Session has already ended."),
            false,
        )
        .to_string();
        assert_eq!(
            text,
            "refreshing the session failed (HTTP 400): invalid_grant: Session has already ended.; sign in again"
        );
    }

    #[test]
    fn transient_refresh_says_it_will_retry() {
        let text = refresh(Some(503), None, None, true).to_string();
        assert_eq!(
            text,
            "refreshing the session failed (HTTP 503); the session is kept and the refresh will be retried"
        );
    }

    #[test]
    fn refresh_with_only_a_code_or_only_a_description() {
        assert!(refresh(None, Some("x_code"), None, false)
            .to_string()
            .contains(": x_code;"));
        assert!(refresh(None, None, Some("Why."), false)
            .to_string()
            .contains(": Why.;"));
    }

    #[test]
    fn missing_refresh_token_explains_the_cookie_domain() {
        let text = refresh(
            Some(400),
            Some("invalid_request"),
            Some("Missing refresh token."),
            false,
        )
        .to_string();
        assert!(text.contains("custom authentication domain"), "{text}");
        let other =
            refresh(Some(400), Some("invalid_request"), Some("Bad body."), false).to_string();
        assert!(!other.contains("custom authentication domain"), "{other}");
    }

    #[test]
    fn refresh_timeout_says_the_session_is_kept() {
        let text = AuthKitError::RefreshTimeout.to_string();
        assert!(
            text.contains("another tab") && text.contains("retry"),
            "{text}"
        );
    }

    #[test]
    fn code_exchange_invalid_grant_explains_a_reused_code() {
        let err = AuthKitError::CodeExchange {
            status: Some(400),
            error: Some("invalid_grant".into()),
            description: Some("The code 'x' has expired or is invalid.".into()),
        };
        assert_eq!(
            err.to_string(),
            "sign-in failed while exchanging the authorization code: invalid_grant: The code 'x' has \
             expired or is invalid. (HTTP 400); the code was already used or has expired (e.g. a \
             reloaded callback page); start sign-in again"
        );
    }

    #[test]
    fn code_exchange_without_details_says_so() {
        let err = AuthKitError::CodeExchange {
            status: None,
            error: None,
            description: None,
        };
        assert_eq!(
            err.to_string(),
            "sign-in failed while exchanging the authorization code: no details from the server; start sign-in again"
        );
    }

    #[test]
    fn oauth_redirect_shows_error_and_description() {
        let err = AuthKitError::OAuthRedirect {
            error: "access_denied".into(),
            description: Some("User cancelled".into()),
        };
        assert_eq!(
            err.to_string(),
            "sign-in was not completed: access_denied (User cancelled); start sign-in again"
        );
        let bare = AuthKitError::OAuthRedirect {
            error: String::new(),
            description: Some(String::new()),
        };
        assert_eq!(
            bare.to_string(),
            "sign-in was not completed: unknown error; start sign-in again"
        );
    }

    #[test]
    fn other_variants_name_the_fix() {
        assert!(AuthKitError::MissingCodeVerifier
            .to_string()
            .contains("sign-in endpoint"));
        assert!(AuthKitError::InsideIframe.to_string().contains("own tab"));
        let network = AuthKitError::Network("Failed to fetch".into()).to_string();
        assert!(
            network.contains("Failed to fetch") && network.contains("CORS"),
            "{network}"
        );
        let storage = AuthKitError::Storage("QuotaExceededError".into()).to_string();
        assert!(
            storage.contains("QuotaExceededError") && storage.contains("private browsing"),
            "{storage}"
        );
        assert!(AuthKitError::InvalidToken("x".into())
            .to_string()
            .ends_with(": x"));
        assert_eq!(
            AuthKitError::Config("client_id is empty".into()).to_string(),
            "configuration error: client_id is empty"
        );
    }

    #[test]
    fn transient_classification() {
        assert!(refresh(Some(503), None, None, true).is_transient());
        assert!(!refresh(Some(400), Some("invalid_grant"), None, false).is_transient());
        assert!(AuthKitError::RefreshTimeout.is_transient());
        assert!(AuthKitError::Network("x".into()).is_transient());
        assert!(AuthKitError::Timeout { after_ms: 10_000 }.is_transient());
        for terminal in [
            AuthKitError::LoginRequired,
            AuthKitError::NoSession,
            AuthKitError::MissingCodeVerifier,
            AuthKitError::InsideIframe,
            AuthKitError::Storage("x".into()),
            AuthKitError::InvalidToken("x".into()),
            AuthKitError::Config("x".into()),
            AuthKitError::SignOutIncomplete("x".into()),
            AuthKitError::OAuthRedirect {
                error: "e".into(),
                description: None,
            },
            AuthKitError::CodeExchange {
                status: Some(503),
                error: None,
                description: None,
            },
        ] {
            assert!(!terminal.is_transient(), "{terminal:?}");
        }
    }

    #[test]
    fn a_timeout_and_an_incomplete_sign_out_say_what_happened() {
        let text = AuthKitError::Timeout { after_ms: 10_000 }.to_string();
        assert!(
            text.contains("10000 ms") && text.contains("retried"),
            "{text}"
        );
        let text = AuthKitError::SignOutIncomplete("TypeError: Failed to fetch".into()).to_string();
        assert!(
            text.contains("Failed to fetch") && text.contains("may stay active"),
            "{text}"
        );
    }

    #[test]
    fn only_the_missing_refresh_token_answer_is_recognised_as_such() {
        let missing = refresh(
            Some(400),
            Some("invalid_request"),
            Some("Missing refresh token."),
            false,
        );
        assert!(missing.is_missing_refresh_token());
        assert!(
            !refresh(Some(400), Some("invalid_request"), Some("Bad."), false)
                .is_missing_refresh_token()
        );
        assert!(!refresh(Some(400), Some("invalid_grant"), None, false).is_missing_refresh_token());
        assert!(!AuthKitError::LoginRequired.is_missing_refresh_token());
    }

    #[test]
    fn errors_are_clone_and_comparable() {
        let err = refresh(Some(429), Some("too_many_requests"), None, true);
        assert_eq!(err.clone(), err);
        assert_ne!(err, AuthKitError::RefreshTimeout);
    }
}
