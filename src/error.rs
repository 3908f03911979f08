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
    #[error("no session: sign in to get an access token")]
    LoginRequired,
    /// `sign_out` was called with nobody signed in; nothing was done and no redirect happened.
    #[error("cannot sign out: there is no session")]
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
        /// True when retrying may succeed (network, 408, 429, 5xx, non-JSON body); the session is kept.
        transient: bool,
    },
    /// Another tab held the refresh lock too long (e.g. after the laptop slept).
    #[error("timed out waiting for another tab to refresh the session")]
    RefreshTimeout,
    /// Exchanging the authorization code failed; the visitor is signed out.
    #[error("sign-in failed while exchanging the authorization code: {}", exchange_message(.error.as_deref(), .description.as_deref()))]
    CodeExchange {
        /// HTTP status, when a response arrived.
        status: Option<u16>,
        /// The OAuth error code, e.g. `invalid_grant`.
        error: Option<String>,
        /// The server's `error_description`.
        description: Option<String>,
    },
    /// AuthKit redirected back with `?error=…&error_description=…` (e.g. the visitor cancelled).
    #[error("sign-in was not completed: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
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
    /// The app runs inside an iframe; AuthKit refuses to run framed. No request was sent.
    #[error("AuthKit does not run inside an iframe: open the app in its own tab")]
    InsideIframe,
    /// The request did not reach the server or its response could not be read (offline, DNS, CORS).
    #[error("network error talking to AuthKit: {0} (check the API hostname and the allowed CORS origins)")]
    Network(String),
    /// Browser storage was unavailable or refused a write (private mode, blocked third-party storage).
    #[error("browser storage unavailable: {0}")]
    Storage(String),
    /// A token or server response could not be decoded.
    #[error("invalid token or response: {0}")]
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
            Self::RefreshTimeout | Self::Network(_) => true,
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
    out.push_str(if transient {
        "; will retry"
    } else {
        "; sign in again"
    });
    out
}

fn exchange_message(error: Option<&str>, description: Option<&str>) -> String {
    match (error, description) {
        (Some(e), Some(d)) => format!("{e}: {d}"),
        (Some(e), None) => e.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => "no details from the server".to_owned(),
    }
}
